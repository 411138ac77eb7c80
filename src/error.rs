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

fn header(headers: &reqwest::header::HeaderMap) -> Option<&str> {
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
    /// The service (or its API gateway) answered with an error body.
    #[error("{status} {}: {}{}{}", code_text(.body), message_text(.body), detail(.body), rid(.request_id))]
    Service {
        /// The HTTP status.
        status: u16,
        /// `error_code`, `error_msg` and the optional fields.
        body: ErrorResponse,
        /// From the `X-request-id` header, or the gateway's `request_id`.
        request_id: Option<String>,
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

/// The code of an error body, in whichever form it came: `error_code`,
/// `code`, or a nested `error.code` (the forms the contract's
/// `ErrorResponse` lists, in the order Huawei's SDKs read them).
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

fn message_text(body: &ErrorResponse) -> &str {
    body.error_msg
        .as_deref()
        .or(body.message.as_deref())
        .or(body.error.as_ref().and_then(|e| e.message.as_deref()))
        .unwrap_or("(no error message)")
}

fn detail(body: &ErrorResponse) -> String {
    body.error_detail
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

fn rid(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|r| format!(" [request id {r}]"))
        .unwrap_or_default()
}

impl ApiError {
    /// The service's `error_code` (`LIVE.100011001`, `APIGW.0301`, ...).
    pub fn error_code(&self) -> Option<&str> {
        match self {
            ApiError::Service { body, .. } => code_of(body),
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
                let body = rv.into_inner();
                let request_id = request_id.or_else(|| body.request_id.clone());
                ApiError::Service {
                    status,
                    body,
                    request_id,
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
