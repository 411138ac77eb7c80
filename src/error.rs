//! Errors with what a person needs to act on them: the service's code and
//! message, the HTTP status, and the request id to quote to support.

use progenitor_client::ResponseValue;

use crate::types::ErrorResponse;

/// The response header that identifies a call (`request_id-timestamp-hostname`).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Reads the `X-request-id` header, whatever its case, from a response or
/// an error.
///
/// ```no_run
/// # async fn run(client: &live_record_callbacks::Client) {
/// use live_record_callbacks::RequestId;
///
/// match client.show_record_callback_config().project_id("p").id("c").send().await {
///     Ok(config) => println!("request {:?}", config.request_id()),
///     Err(e) => println!("failed, request {:?}", e.request_id()),
/// }
/// # }
/// ```
pub trait RequestId {
    /// The request id the service sent, if it sent one.
    fn request_id(&self) -> Option<&str>;
}

pub(crate) fn header(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    // HeaderMap lookups ignore case: `X-request-id`, `X-Request-Id` and
    // `x-request-id` all match.
    headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok())
}

impl<T> RequestId for ResponseValue<T> {
    fn request_id(&self) -> Option<&str> {
        header(self.headers())
    }
}

impl<E> RequestId for progenitor_client::Error<E> {
    fn request_id(&self) -> Option<&str> {
        match self {
            progenitor_client::Error::ErrorResponse(rv) => header(rv.headers()),
            progenitor_client::Error::UnexpectedResponse(r) => header(r.headers()),
            _ => None,
        }
    }
}

impl RequestId for ApiError {
    fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Service { request_id, .. } | ApiError::InvalidResponse { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }
}

/// A failed call, sorted by what the caller can do about it.
///
/// Convert the generated client's error with `?` or `ApiError::from`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
// The error body lists every form of error Huawei's SDKs read, so the
// `Service` variant is large; errors are rare, and boxing it would change
// how callers match on `body`.
#[allow(clippy::large_enum_variant)]
pub enum ApiError {
    /// The input was refused before anything was sent; the message names
    /// the field and what is wrong with it.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The service (or its API gateway, or a proxy) answered with an error
    /// status.
    #[error("{status} {}: {}{}{}{}", code_text(.body), message_preview(.body), detail(.body), rid(.request_id), tries(*.attempts))]
    Service {
        /// The HTTP status.
        status: u16,
        /// The error as Huawei's core SDK reads it, whatever the form of the
        /// body: `error_code` and `error_msg` hold the code and the message
        /// found in it (see [`read_error_body`]); the other fields are the
        /// body's own.
        body: ErrorResponse,
        /// From the `X-request-id` header, or the gateway's `request_id`.
        request_id: Option<String>,
        /// How many attempts the call made; the status, body and request id
        /// are the last answer's (see [`crate::retry`]).
        attempts: u32,
    },
    /// The call did not complete: connection refused or dropped, timeout,
    /// TLS failure.
    #[error("the call did not complete: {0}")]
    Transport(#[source] reqwest::Error),
    /// The service answered, but not with what the contract describes: a
    /// status it does not list, a body that is not the documented JSON.
    #[error("unexpected response{}: {message}{}", status.map(|s| format!(" ({s})")).unwrap_or_default(), rid(.request_id))]
    InvalidResponse {
        /// The HTTP status, when known.
        status: Option<u16>,
        /// What was wrong.
        message: String,
        /// From the `X-request-id` header, when known.
        request_id: Option<String>,
    },
    /// A listing stopped early: the service reports more configs than the
    /// largest `offset` it accepts can reach.
    #[error("listing stopped after {listed} configs: the service reports {} but offset cannot go past {}", total.map(|t| t.to_string()).unwrap_or_else(|| "more".into()), crate::paging::PageOffset::MAX)]
    Incomplete {
        /// How many configs were listed.
        listed: u64,
        /// What the service reported as the total, if it did.
        total: Option<u64>,
    },
    /// One of the client's own hooks refused the call: signing failed
    /// before sending, or the answer's content type was not JSON.
    #[error("{0}")]
    Hook(String),
}

/// The code of an error body: `error_code` (where [`read_error_body`] puts
/// the code of every form), else a lone `code` or nested `error.code` that
/// had no message beside it.
fn code_of(body: &ErrorResponse) -> Option<&str> {
    use crate::types::{ErrorResponseCode, NestedErrorCode};
    body.error_code
        .as_deref()
        .or(match &body.code {
            Some(ErrorResponseCode::String(c)) => Some(c.as_str()),
            _ => None,
        })
        .or(match body.error.as_ref().and_then(|e| e.code.as_ref()) {
            Some(NestedErrorCode::String(c)) => Some(c.as_str()),
            _ => None,
        })
}

fn code_text(body: &ErrorResponse) -> String {
    use crate::types::{ErrorResponseCode, NestedErrorCode};
    if let Some(code) = code_of(body) {
        return code.to_owned();
    }
    match (
        &body.code,
        body.error.as_ref().and_then(|e| e.code.as_ref()),
    ) {
        (Some(ErrorResponseCode::Int64(n)), _) | (_, Some(NestedErrorCode::Int64(n))) => {
            n.to_string()
        }
        _ => "(no error code)".to_owned(),
    }
}

fn message_of(body: &ErrorResponse) -> Option<&str> {
    body.error_msg
        .as_deref()
        .or(body.message.as_deref())
        .or(body.error.as_ref().and_then(|e| e.message.as_deref()))
}

/// The message for `Display`: a long one (a proxy's HTML page) is cut.
fn message_preview(body: &ErrorResponse) -> String {
    const MAX: usize = 200;
    let Some(message) = message_of(body) else {
        return "(no error message)".to_owned();
    };
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    match message.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &message[..cut]),
        None => message,
    }
}

fn detail(body: &ErrorResponse) -> String {
    body.error_detail
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

fn tries(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

fn rid(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|r| format!(" [request id {r}]"))
        .unwrap_or_default()
}

impl ApiError {
    /// The service's error code (`LIVE.100011001`, `APIGW.0301`, ...), in
    /// whichever form the body gave it. `None` when the body has none (a
    /// proxy's page, an empty body): Huawei's SDK then uses the HTTP status
    /// as the code, which [`ApiError::status`] gives.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            ApiError::Service { body, .. } => code_of(body),
            _ => None,
        }
    }

    /// The service's error message, in whichever form the body gave it; for
    /// a body with no message (not JSON, not an object, or an object
    /// without one), the body's text, as Huawei's SDK reads it.
    pub fn message(&self) -> Option<&str> {
        match self {
            ApiError::Service { body, .. } => message_of(body),
            _ => None,
        }
    }

    /// How many attempts the call made, when the service answered (a call
    /// that never got an answer reports its attempts in its `call` span).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            ApiError::Service { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Service { status, .. } => Some(*status),
            ApiError::InvalidResponse { status, .. } => *status,
            ApiError::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }
}

impl From<progenitor_client::Error<ErrorResponse>> for ApiError {
    fn from(e: progenitor_client::Error<ErrorResponse>) -> Self {
        use progenitor_client::Error as E;
        match e {
            E::InvalidRequest(m) => ApiError::InvalidRequest(m),
            E::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let request_id = header(rv.headers()).map(str::to_owned);
                let attempts = crate::retry::attempts_in(rv.headers()).unwrap_or(1);
                let body = rv.into_inner();
                let request_id = request_id.or_else(|| body.request_id.clone());
                ApiError::Service {
                    status,
                    body,
                    request_id,
                    attempts,
                }
            }
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
                ApiError::Transport(e)
            }
            E::InvalidResponsePayload(bytes, e) => ApiError::InvalidResponse {
                status: None,
                message: format!(
                    "the body is not the documented JSON ({e}): {}",
                    preview(&bytes)
                ),
                request_id: None,
            },
            E::UnexpectedResponse(r) => ApiError::InvalidResponse {
                status: Some(r.status().as_u16()),
                message: format!(
                    "status {} is not one the contract lists for this call",
                    r.status()
                ),
                request_id: header(r.headers()).map(str::to_owned),
            },
            E::Custom(m) => ApiError::Hook(m),
        }
    }
}

/// The start of a body, for an error message.
fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    let more = if bytes.len() > MAX { "..." } else { "" };
    format!("{:?}{more}", text)
}

/// Reads an error body the way Huawei's core SDK does
/// (huaweicloudsdkcore's `DefaultExceptionHandler`; the contract's
/// `ErrorResponse` states the same order) and writes it as the contract's
/// `ErrorResponse` in its first form, so that the generated client reads
/// every form into the same two fields:
///
/// - a JSON object: the code and message are the first pair present of
///   `error_code`/`error_msg`, `errorCode`/`errorMsg`, `code`/`message`,
///   else the same pairs found in a nested object (at any depth, a later
///   one winning, as the SDK recurses). They go into `error_code` and
///   `error_msg`; `encoded_authorization_message` is read at any depth too.
///   The body's other fields stay, except one whose type the contract
///   does not allow there (an `"error": "text"`, say), which would make
///   the whole body unreadable;
/// - anything else (not JSON, or JSON that is not an object): the text of
///   the body is the message.
///
/// A body with no message takes its text as the message (as the SDK
/// does); a body with no code leaves `error_code` out, and the HTTP status
/// stands for it.
pub fn read_error_body(body: &[u8]) -> serde_json::Value {
    use serde_json::{Map, Value};
    let text = || String::from_utf8_lossy(body).into_owned();
    let mut out = match serde_json::from_slice::<Ordered>(body) {
        Ok(Ordered::Object(members)) => {
            let mut found = SdkReading::default();
            found.read(&members);
            let Value::Object(object) = Ordered::Object(members).into_value() else {
                unreachable!("an object converts to an object")
            };
            let mut out = keep_typed(object);
            // The SDK treats an empty or zero code or message of the pair it
            // found as missing: the status and the text stand for them.
            for (pair, ours, sdk_key) in [
                (found.code, "error_code", "code"),
                (found.message, "error_msg", "message"),
            ] {
                match pair {
                    Some((value, true)) => drop(out.insert(ours.into(), value.into())),
                    Some((_, false)) => {
                        out.remove(ours);
                        out.remove(sdk_key);
                        if let Some(Value::Object(nested)) = out.get_mut("error") {
                            nested.remove(sdk_key);
                        }
                    }
                    None => {}
                }
            }
            if let Some(encoded) = found.encoded {
                out.insert("encoded_authorization_message".into(), encoded.into());
            }
            out
        }
        _ => Map::new(),
    };
    let has_message = ["error_msg", "message"]
        .iter()
        .any(|k| out.contains_key(*k))
        || out.get("error").and_then(|e| e.get("message")).is_some();
    if !has_message && !body.is_empty() {
        out.insert("error_msg".into(), text().into());
    }
    Value::Object(out)
}

/// A JSON value whose objects keep their members in the order they came
/// (serde_json's `Map` sorts them), since the SDK visits nested objects in
/// that order and a later pair wins. A repeated name keeps its first place
/// and its last value, as a Python dict does.
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Leaf(serde_json::Value),
}

impl Ordered {
    fn into_value(self) -> serde_json::Value {
        match self {
            Ordered::Leaf(v) => v,
            Ordered::Object(members) => serde_json::Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k, v.into_value()))
                    .collect(),
            ),
        }
    }

    fn get<'a>(members: &'a [(String, Ordered)], name: &str) -> Option<&'a Ordered> {
        members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The value as text (a string as it is, anything else as JSON), and
    /// whether Python would call it true (not null, empty, zero or false).
    fn text(&self) -> (String, bool) {
        use serde_json::Value;
        match self {
            Ordered::Object(members) => (
                Ordered::Object(members.iter().map(|(k, v)| (k.clone(), v.copy())).collect())
                    .into_value()
                    .to_string(),
                !members.is_empty(),
            ),
            Ordered::Leaf(Value::String(s)) => (s.clone(), !s.is_empty()),
            Ordered::Leaf(v) => {
                let truthy = match v {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    Value::Number(n) => n.as_f64() != Some(0.0),
                    Value::Array(a) => !a.is_empty(),
                    _ => true,
                };
                (v.to_string(), truthy)
            }
        }
    }

    fn copy(&self) -> Ordered {
        match self {
            Ordered::Leaf(v) => Ordered::Leaf(v.clone()),
            Ordered::Object(m) => {
                Ordered::Object(m.iter().map(|(k, v)| (k.clone(), v.copy())).collect())
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }
            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Ordered>()? {
                    items.push(item.into_value());
                }
                Ok(Ordered::Leaf(items.into()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut members: Vec<(String, Ordered)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    match members.iter_mut().find(|(k, _)| *k == key) {
                        Some(member) => member.1 = value,
                        None => members.push((key, value)),
                    }
                }
                Ok(Ordered::Object(members))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What the SDK takes from an error object: each value as text, with
/// whether Python would call it true.
#[derive(Default)]
struct SdkReading {
    code: Option<(String, bool)>,
    message: Option<(String, bool)>,
    encoded: Option<String>,
}

impl SdkReading {
    /// `_process_sdk_error`: the first pair present at this level, else
    /// every nested object in turn, in the order they came.
    fn read(&mut self, members: &[(String, Ordered)]) {
        if let Some(encoded) = Ordered::get(members, "encoded_authorization_message") {
            self.encoded = match encoded {
                Ordered::Leaf(serde_json::Value::Null) => None,
                other => Some(other.text().0),
            };
        }
        for (code, message) in [
            ("error_code", "error_msg"),
            ("errorCode", "errorMsg"),
            ("code", "message"),
        ] {
            if let (Some(c), Some(m)) =
                (Ordered::get(members, code), Ordered::get(members, message))
            {
                self.code = Some(c.text());
                self.message = Some(m.text());
                return;
            }
        }
        for (_, value) in members {
            if let Ordered::Object(nested) = value {
                self.read(nested);
            }
        }
    }
}

/// The body's fields, less those whose type `ErrorResponse` (or
/// `NestedError`) does not allow in that place.
fn keep_typed(
    mut object: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    let code_fits = |v: &Value| v.is_string() || v.is_i64();
    object.retain(|key, value| match key.as_str() {
        "error_code"
        | "error_msg"
        | "error_detail"
        | "request_id"
        | "message"
        | "encoded_authorization_message" => value.is_string(),
        "code" => code_fits(value),
        "error" => match value {
            Value::Object(nested) => {
                nested.retain(|k, v| match k.as_str() {
                    "code" => code_fits(v),
                    "message" | "title" => v.is_string(),
                    _ => true,
                });
                true
            }
            _ => false,
        },
        _ => true,
    });
    object
}

/// Replaces an error response's body with [`read_error_body`]'s reading of
/// it, as JSON, so that the generated client reads every form the service,
/// its gateway or a proxy may answer with (the client's `exec` hook calls
/// this for every status from 400 up). Status, version and headers stay,
/// but for the content type (now JSON) and the length.
pub(crate) async fn read_error_response(
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    use reqwest::header::{HeaderValue, CONTENT_TYPE};
    let (mut parts, body) = take_body(response).await?;
    let json = serde_json::to_vec(&read_error_body(&body)).expect("a JSON value serializes");
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(rebuilt(parts, json))
}

/// What an answer was, taken apart: status, version and headers (less the
/// ones that described the body as it travelled: its length and encodings,
/// which reqwest has undone), and the body, read whole.
pub(crate) async fn take_body(
    response: reqwest::Response,
) -> reqwest::Result<(http::response::Parts, bytes::Bytes)> {
    use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING};
    let mut parts = http::Response::new(()).into_parts().0;
    parts.status = response.status();
    parts.version = response.version();
    parts.headers = response.headers().clone();
    for travel in [CONTENT_LENGTH, CONTENT_ENCODING, TRANSFER_ENCODING] {
        parts.headers.remove(travel);
    }
    let body = response.bytes().await?;
    Ok((parts, body))
}

/// An answer put back together from [`take_body`]'s parts and a body.
pub(crate) fn rebuilt(
    parts: http::response::Parts,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    http::Response::from_parts(parts, body).into()
}
