//! Authentication for the Huawei Cloud Live API.
//!
//! Huawei's API gateway accepts two kinds of credentials:
//!
//! * **AK/SK** ([`AkSkCredentials`]): every request is signed with the
//!   `SDK-HMAC-SHA256` scheme. The signer is a plain function over
//!   (method, URL, headers, body, time) — see [`AkSkCredentials::sign`] — so
//!   other HTTP stacks, tests and emulators can use it without reqwest, and
//!   [`RequestVerifier`] checks a received request the way the gateway would.
//! * **IAM token** ([`IamToken`]): the token goes into `X-Auth-Token`.
//!
//! [`Credentials`] wraps either kind behind one [`Credentials::apply`] call,
//! and [`Authenticator`] pairs it with a [`Clock`] so a request hook needs
//! nothing else.
//!
//! Secrets (secret key, security token, IAM token) never show up in `Debug`
//! output.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use live_record_callbacks::auth::AkSkCredentials;
//!
//! let creds = AkSkCredentials::new("AKTESTEXAMPLE0000000", "SKTESTEXAMPLE0000000000000000000000000000")?
//!     .with_project_id("0123456789abcdef0123456789abcdef")?;
//! let url = url::Url::parse(
//!     "https://live.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/record/callbacks/cfg-001",
//! )?;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("content-type", http::HeaderValue::from_static("application/json"));
//! let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
//! let signed = creds.sign(&http::Method::DELETE, &url, &headers, b"", now)?;
//! assert_eq!(
//!     signed.authorization(),
//!     "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000000, \
//!      SignedHeaders=content-type;host;x-project-id;x-sdk-date, \
//!      Signature=a656766b27f3bd385aac5e3e48746ce8c234d7b109cf4dddc0c8867ea180a7b5",
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod canonical;
mod credentials;
mod error;
mod sign;
mod verify;

pub use credentials::{
    AkSkCredentials, Credentials, IamToken, ENV_AK, ENV_PROJECT_ID, ENV_SECURITY_TOKEN, ENV_SK,
    ENV_TOKEN,
};
pub use error::{CredentialsError, RequestVerifyError, SignError};
pub use sign::{AuthHeaders, SigningDetails};
pub use verify::{RequestVerifier, SDK_DATE_WINDOW};

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};

/// Name of the signing algorithm, as it appears in `Authorization`.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const HEADER_SDK_DATE: &str = "x-sdk-date";
/// Header carrying the project id for AK/SK requests.
pub const HEADER_PROJECT_ID: &str = "x-project-id";
/// Header carrying the security token of temporary AK/SK credentials.
pub const HEADER_SECURITY_TOKEN: &str = "x-security-token";
/// Header carrying an IAM token.
pub const HEADER_AUTH_TOKEN: &str = "x-auth-token";

/// Credentials plus the clock that dates each signature.
///
/// This is what a request hook needs: [`Authenticator::authenticate`] reads
/// the clock and applies the credentials. Tests swap the clock for a
/// [`FixedClock`](crate::clock::FixedClock) to get reproducible signatures.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use live_record_callbacks::auth::{Authenticator, IamToken};
/// use live_record_callbacks::clock::FixedClock;
///
/// let auth = Authenticator::new(IamToken::new("MIIExample")?)
///     .with_clock(FixedClock(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()));
/// let mut req = reqwest::Request::new(
///     reqwest::Method::GET,
///     "https://live.cn-north-4.myhuaweicloud.com/v1/p/record/callbacks".parse()?,
/// );
/// auth.authenticate(&mut req)?;
/// assert_eq!(req.headers()["x-auth-token"], "MIIExample");
/// // The token is redacted in Debug output.
/// assert!(!format!("{auth:?}").contains("MIIExample"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Authenticator {
    credentials: Credentials,
    clock: Arc<dyn Clock>,
}

impl Authenticator {
    /// Uses `credentials` with the system clock.
    pub fn new(credentials: impl Into<Credentials>) -> Self {
        Self {
            credentials: credentials.into(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Replaces the clock (tests pin it with
    /// [`FixedClock`](crate::clock::FixedClock)).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The credentials in use.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Signs (AK/SK) or tags (token) `req` at the clock's current time.
    pub fn authenticate(&self, req: &mut reqwest::Request) -> Result<(), SignError> {
        self.credentials.apply(req, self.clock.now())
    }
}
