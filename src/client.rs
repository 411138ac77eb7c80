//! What the generated [`Client`] carries besides its base URL, the hooks
//! every request passes through, and the constructors that build a client
//! ready for the real service.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::auth::Authenticator;
use crate::region::Region;
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
/// credentials that authenticate each request, if any, and who sees the
/// answers' bodies as sent.
#[derive(Clone, Default)]
pub struct ClientContext {
    auth: Option<Authenticator>,
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

    /// Sends the request; an error answer (status 400 and up) has its body
    /// read the way Huawei's core SDK reads it, whatever its form
    /// ([`crate::error::read_error_body`]); another answer's body is shown
    /// to the observer, if there is one.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        if response.status().as_u16() >= 400 {
            return crate::error::read_error_response(response).await;
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
