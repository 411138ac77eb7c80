//! What the generated [`Client`] carries besides its base URL, the hooks
//! every request passes through, and the constructors that build a client
//! ready for the real service.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::auth::Authenticator;
use crate::region::Region;
use crate::retry::{self, Call, Next, RetryPolicy};
use crate::Client;

/// `User-Agent` of every request: this crate and its version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The content type Huawei's SDKs send with a JSON body.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole call may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// State the generated [`Client`] holds for the hand-written hooks: the
/// credentials that authenticate each request, if any, how calls are
/// retried, and who sees the answers' bodies as sent.
#[derive(Clone, Default)]
pub struct ClientContext {
    auth: Option<Authenticator>,
    retry: RetryPolicy,
    observer: Option<BodyObserver>,
}

/// Called with each answer below 400 as the service sent it; see
/// [`ClientContext::observe_bodies`].
pub type BodyObserver = Arc<dyn Fn(&RawAnswer<'_>) + Send + Sync>;

/// An answer below 400 as the service sent it, shown to a
/// [`BodyObserver`] before the generated code parses it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RawAnswer<'a> {
    /// The operation's id as the generated code names it
    /// (`show_record_callback_config`).
    pub operation_id: &'a str,
    /// The HTTP status of the answer.
    pub status: reqwest::StatusCode,
    /// `X-request-id`, if the answer has one.
    pub request_id: Option<&'a str>,
    /// The body, decompressed.
    pub body: &'a [u8],
}

impl std::fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientContext")
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("observer", &self.observer.as_ref().map(|_| ".."))
            .finish()
    }
}

impl ClientContext {
    /// Requests go out unauthenticated (for a local emulator without auth,
    /// or a proxy that signs them).
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Every request is signed (AK/SK) or carries the token.
    pub fn authenticated(auth: Authenticator) -> Self {
        Self {
            auth: Some(auth),
            ..Self::default()
        }
    }

    /// `observer` also sees every answer below 400 as the service sent it
    /// ([`RawAnswer`]: the operation, the status, the request id and the
    /// body, decompressed), before the generated code parses it into its
    /// type. The generated types keep
    /// the fields the contract names; a field the service adds later is
    /// only in these bytes (the command line prints them). Such a body is
    /// read whole before it is parsed (not copied); without an observer the
    /// answer passes through untouched.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use live_record_callbacks::ClientContext;
    ///
    /// let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    /// let sink = seen.clone();
    /// let context = ClientContext::anonymous()
    ///     .observe_bodies(move |answer| sink.lock().unwrap().push(answer.body.to_vec()));
    /// # drop(context);
    /// ```
    pub fn observe_bodies(
        mut self,
        observer: impl Fn(&RawAnswer<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// The authenticator in use, if any.
    pub fn auth(&self) -> Option<&Authenticator> {
        self.auth.as_ref()
    }

    /// Replaces the retry policy ([`RetryPolicy::default`] unless set;
    /// [`RetryPolicy::none`] turns retries off). Clones of this context
    /// share the policy's retry budget.
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry policy in use.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}

impl Client {
    /// A client for `region`'s endpoint that authenticates every request
    /// with `auth`, with this crate's `User-Agent` and timeouts
    /// ([`CONNECT_TIMEOUT`], [`REQUEST_TIMEOUT`]).
    ///
    /// ```no_run
    /// use live_record_callbacks::{auth::{Authenticator, Credentials}, region::Region, Client};
    ///
    /// let auth = Authenticator::new(Credentials::from_env()?);
    /// let client = Client::connect(&Region::CnNorth4, auth)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(region: &Region, auth: Authenticator) -> Result<Self, reqwest::Error> {
        Self::with_context(&region.endpoint(), ClientContext::authenticated(auth))
    }

    /// A client for any base URL (an emulator, a proxy) with the same
    /// settings as [`Client::connect`].
    pub fn with_context(base_url: &str, context: ClientContext) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(Self::new_with_client(
            base_url.trim_end_matches('/'),
            http,
            context,
        ))
    }
}

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        // reqwest's `json()` says `application/json`; the service's SDKs say
        // which charset, and the signature covers whichever is sent.
        if headers
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| v == "application/json")
        {
            headers.insert(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
        }
        if let Some(auth) = &self.inner().auth {
            auth.authenticate(request).map_err(|e| {
                progenitor_client::Error::Custom(format!("could not authenticate the request: {e}"))
            })?;
        }
        Ok(())
    }

    /// Sends the request, retrying as the context's [`RetryPolicy`] says
    /// (each attempt signed afresh), inside a `call` span; an error answer
    /// (status 400 and up) has its body read the way Huawei's core SDK reads
    /// it, whatever its form ([`crate::error::read_error_body`]); another
    /// answer's body is shown to the observer, if there is one. An answer
    /// that took more than one attempt says how many
    /// ([`retry::ATTEMPTS_HEADER`]).
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "call",
            operation = info.operation_id,
            method = %request.method(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.call(request, info).instrument(span).await
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Ok(response) = result else { return Ok(()) };
        // Every body the contract describes is JSON; anything else (an HTML
        // error page from a proxy, say) is reported as what it is rather
        // than as a JSON syntax error.
        let Some(content_type) = response.headers().get(reqwest::header::CONTENT_TYPE) else {
            return Ok(());
        };
        let mime = content_type
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim();
        let is_json = mime.eq_ignore_ascii_case("application/json")
            || mime.to_ascii_lowercase().ends_with("+json");
        if is_json || response.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(());
        }
        let request_id = crate::error::header(response.headers())
            .map(|r| format!(" [request id {r}]"))
            .unwrap_or_default();
        Err(progenitor_client::Error::Custom(format!(
            "unexpected response ({}): content type {:?} where the contract says application/json{request_id}",
            response.status(),
            content_type
        )))
    }
}

impl Client {
    /// One call: the attempts, then what the answer needs before the
    /// generated code reads it.
    async fn call(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner().retry;
        let method = request.method().clone();
        // A body held in memory (every body of this API) clones cheaply:
        // the copy that each retry is signed from.
        let template = (policy.max_attempts() > 1)
            .then(|| request.try_clone())
            .flatten();
        let mut call = Call::new(policy);
        let outcome = self.attempts(request, template.as_ref(), &mut call).await;
        let span = tracing::Span::current();
        span.record("attempts", call.attempts);
        span.record("elapsed_ms", call.elapsed().as_millis() as u64);
        let response = match outcome {
            Ok(response) => response,
            Err(e) => {
                tracing::warn!(attempts = call.attempts, error = %e, "call failed");
                return Err(e);
            }
        };
        let status = response.status();
        let mut response = if status.as_u16() >= 400 {
            let response = crate::error::read_error_response(response).await?;
            match (call.outcome_unknown, status.as_u16(), &method) {
                (true, 400, &reqwest::Method::POST) => {
                    match template.as_ref().and_then(Lookup::of) {
                        Some(lookup) => self.recover(response, lookup, policy).await?,
                        None => response,
                    }
                }
                // The earlier attempt deleted it; its answer was lost.
                (true, 404, &reqwest::Method::DELETE) => {
                    tracing::info!(
                        "recovered: the config was deleted by an attempt whose answer was lost"
                    );
                    recovered(
                        response,
                        reqwest::StatusCode::NO_CONTENT,
                        bytes::Bytes::new(),
                    )
                }
                _ => response,
            }
        } else {
            response
        };
        span.record("status", response.status().as_u16());
        if let Some(rid) = crate::error::header(response.headers()) {
            span.record("request_id", rid);
        }
        if response.status().as_u16() < 400 {
            call.succeeded();
        }
        if call.attempts > 1 {
            retry::mark_attempts(response.headers_mut(), call.attempts);
        }
        if response.status().as_u16() >= 400 {
            return Ok(response);
        }
        let Some(observer) = &self.inner().observer else {
            return Ok(response);
        };
        let (parts, body) = crate::error::take_body(response).await?;
        observer(&RawAnswer {
            operation_id: info.operation_id,
            status: parts.status,
            request_id: crate::error::header(&parts.headers),
            body: &body,
        });
        Ok(crate::error::rebuilt(parts, body))
    }

    /// Makes the attempts of a call until one ends in an answer that is not
    /// retried, or the policy says stop; returns the last outcome.
    async fn attempts(
        &self,
        request: reqwest::Request,
        template: Option<&reqwest::Request>,
        call: &mut Call<'_>,
    ) -> reqwest::Result<reqwest::Response> {
        let mut next = Some(request);
        loop {
            let mut request = next.take().expect("each attempt has its request");
            if let Some(left) = call.attempt_timeout() {
                *request.timeout_mut() = Some(left);
            }
            call.attempts += 1;
            let outcome = self.client().execute(request).await;
            let Some(reason) = retry::reason(&outcome) else {
                return outcome;
            };
            let retry_after = outcome.as_ref().ok().and_then(retry::retry_after);
            let (status, request_id) = match &outcome {
                Ok(r) => (
                    Some(r.status().as_u16()),
                    crate::error::header(r.headers()).map(str::to_owned),
                ),
                Err(_) => (None, None),
            };
            let Some(template) = template else {
                return outcome;
            };
            let wait = match call.next(reason, retry_after) {
                Next::Retry(wait) => wait,
                Next::Stop(why) => {
                    tracing::info!(
                        attempt = call.attempts,
                        reason = reason.as_str(),
                        status,
                        request_id,
                        why,
                        "not retrying"
                    );
                    return outcome;
                }
            };
            // Signed afresh: a new X-Sdk-Date and signature.
            let Some(mut again) = template.try_clone() else {
                return outcome;
            };
            if let Some(auth) = &self.inner().auth {
                if auth.authenticate(&mut again).is_err() {
                    return outcome;
                }
            }
            tracing::info!(
                attempt = call.attempts,
                reason = reason.as_str(),
                status,
                request_id,
                delay_ms = wait.as_millis() as u64,
                "retrying"
            );
            drop(outcome);
            tokio::time::sleep(wait).await;
            next = Some(again);
        }
    }

    /// A create retried after an attempt whose outcome is unknown was
    /// refused: if the refusal is `LIVE.103011018` and the pair's config
    /// holds what was sent, that config is the create's answer.
    async fn recover(
        &self,
        refusal: reqwest::Response,
        lookup: Lookup,
        policy: &RetryPolicy,
    ) -> reqwest::Result<reqwest::Response> {
        let (parts, body) = crate::error::take_body(refusal).await?;
        let refusal = || crate::error::rebuilt(parts.clone(), body.clone());
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("error_code")?.as_str().map(str::to_owned));
        if code.as_deref() != Some(retry::ALREADY_EXISTS) {
            return Ok(refusal());
        }
        let mut get = reqwest::Request::new(reqwest::Method::GET, lookup.url.clone());
        if let Some(auth) = &self.inner().auth {
            if auth.authenticate(&mut get).is_err() {
                return Ok(refusal());
            }
        }
        let mut call = Call::new(policy);
        let again = get.try_clone();
        let found = match self.attempts(get, again.as_ref(), &mut call).await {
            Ok(answer) if answer.status() == reqwest::StatusCode::OK => answer,
            _ => return Ok(refusal()),
        };
        let (found_parts, found_body) = crate::error::take_body(found).await?;
        let Some(config) = lookup.find(&found_body) else {
            return Ok(refusal());
        };
        tracing::info!(
            request_id = crate::error::header(&found_parts.headers),
            "recovered: the create was applied by an attempt whose answer was lost"
        );
        Ok(recovered(
            crate::error::rebuilt(found_parts, bytes::Bytes::new()),
            reqwest::StatusCode::CREATED,
            config,
        ))
    }
}

/// `answer`'s headers with `status` and `body`, marked as recovered.
fn recovered(
    answer: reqwest::Response,
    status: reqwest::StatusCode,
    body: bytes::Bytes,
) -> reqwest::Response {
    use reqwest::header::{HeaderValue, CONTENT_TYPE};
    let mut parts = http::Response::new(()).into_parts().0;
    parts.status = status;
    parts.version = answer.version();
    parts.headers = answer.headers().clone();
    if !body.is_empty() {
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    } else {
        parts.headers.remove(CONTENT_TYPE);
    }
    parts.headers.insert(
        retry::RECOVERED_HEADER,
        HeaderValue::from_static(retry::ALREADY_EXISTS),
    );
    crate::error::rebuilt(parts, body)
}

/// How to find what a create made: the list of its project filtered by the
/// (domain, app) pair it sent, and what it sent.
struct Lookup {
    url: reqwest::Url,
    sent: serde_json::Value,
}

impl Lookup {
    /// From the create request: its URL ends in `/record/callbacks` (the
    /// list's path is the create's), its body is the config sent.
    fn of(request: &reqwest::Request) -> Option<Self> {
        let body = request.body()?.as_bytes()?;
        let sent: serde_json::Value = serde_json::from_slice(body).ok()?;
        let mut url = request.url().clone();
        url.query_pairs_mut()
            .clear()
            .append_pair("publish_domain", sent.get("publish_domain")?.as_str()?)
            .append_pair("app", sent.get("app")?.as_str()?)
            .append_pair("limit", "100");
        Some(Self { url, sent })
    }

    /// The config of the pair in a list's body, if it holds what was sent
    /// (the pair, and the URL, events and signing method when they were
    /// sent), as the service wrote it.
    fn find(&self, list: &[u8]) -> Option<bytes::Bytes> {
        let list: serde_json::Value = serde_json::from_slice(list).ok()?;
        let configs = list.get("callback_config")?.as_array()?;
        let config = configs.iter().find(|c| {
            ["publish_domain", "app"]
                .iter()
                .all(|k| c.get(k) == self.sent.get(k))
                && [
                    "notify_callback_url",
                    "notify_event_subscription",
                    "sign_type",
                ]
                .iter()
                .all(|k| self.sent.get(k).is_none_or(|v| c.get(k) == Some(v)))
        })?;
        serde_json::to_vec(config).ok().map(Into::into)
    }
}
