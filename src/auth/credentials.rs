//! Credential types and where they come from (values or the environment).
//!
//! The secret key is kept only as a keyed HMAC state: signing clones it
//! instead of re-deriving the key pads, and the plain text is not retained.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::HeaderValue;
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;

use super::CredentialsError;

/// Environment variable for the access key (same name as Huawei's SDKs).
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable for the secret key.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable for the project id.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable for the security token of temporary credentials.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable for an IAM token, used instead of AK/SK.
pub const ENV_TOKEN: &str = "HUAWEICLOUD_SDK_TOKEN";

const REDACTED: &str = "<redacted>";

/// Checks that `value` can travel in a header: non-empty, visible ASCII.
fn header_safe(value: &str, what: &'static str) -> Result<HeaderValue, CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::Empty(what));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CredentialsError::Invalid {
            what,
            reason: "only visible ASCII characters (no spaces) are allowed",
        });
    }
    HeaderValue::from_str(value).map_err(|_| CredentialsError::Invalid {
        what,
        reason: "not a valid header value",
    })
}

/// AK/SK credentials: access key, secret key, and optionally the project
/// id (`X-Project-Id`) and the security token of temporary credentials
/// (`X-Security-Token`).
///
/// `Debug` shows the access key and project id but never the secret key or
/// the security token:
///
/// ```
/// use live_record_callbacks::auth::AkSkCredentials;
///
/// let creds = AkSkCredentials::new("MYAK", "very-secret")?.with_security_token("tmp-token")?;
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("MYAK"));
/// assert!(!shown.contains("very-secret") && !shown.contains("tmp-token"));
/// # Ok::<(), live_record_callbacks::auth::CredentialsError>(())
/// ```
#[derive(Clone)]
pub struct AkSkCredentials {
    pub(crate) access_key: String,
    /// Shared, so cloning credentials is cheap and `Credentials` stays small.
    pub(crate) mac: Arc<Hmac<Sha256>>,
    pub(crate) project_id: Option<HeaderValue>,
    pub(crate) security_token: Option<HeaderValue>,
}

impl AkSkCredentials {
    /// Builds credentials from an access key and a secret key.
    ///
    /// The access key must be non-empty visible ASCII without `,` (it is
    /// written into the `Authorization` header); the secret key must be
    /// non-empty.
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl AsRef<[u8]>,
    ) -> Result<Self, CredentialsError> {
        Self::build(
            access_key.into(),
            secret_key.as_ref(),
            "access key",
            "secret key",
        )
    }

    fn build(
        access_key: String,
        secret_key: &[u8],
        ak_name: &'static str,
        sk_name: &'static str,
    ) -> Result<Self, CredentialsError> {
        header_safe(&access_key, ak_name)?;
        if access_key.contains(',') {
            return Err(CredentialsError::Invalid {
                what: ak_name,
                reason: "a comma would break the Authorization header",
            });
        }
        if secret_key.is_empty() {
            return Err(CredentialsError::Empty(sk_name));
        }
        let mac =
            Hmac::<Sha256>::new_from_slice(secret_key).map_err(|_| CredentialsError::Invalid {
                what: sk_name,
                reason: "cannot be used as an HMAC key",
            })?;
        Ok(Self {
            access_key,
            mac: Arc::new(mac),
            project_id: None,
            security_token: None,
        })
    }

    /// Adds the project id, sent (and signed) as `X-Project-Id`.
    pub fn with_project_id(
        mut self,
        project_id: impl AsRef<str>,
    ) -> Result<Self, CredentialsError> {
        self.project_id = Some(header_safe(project_id.as_ref(), "project id")?);
        Ok(self)
    }

    /// Adds the security token of temporary credentials, sent (and signed)
    /// as `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl AsRef<str>) -> Result<Self, CredentialsError> {
        let mut value = header_safe(token.as_ref(), "security token")?;
        value.set_sensitive(true);
        self.security_token = Some(value);
        Ok(self)
    }

    /// Reads `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
    /// `HUAWEICLOUD_SDK_PROJECT_ID` (all required) and
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN` (optional) from the process
    /// environment. See [`AkSkCredentials::from_env_with`].
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_env_with(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// Like [`AkSkCredentials::from_env`], reading variables through
    /// `lookup` so callers (and tests) need not touch the process
    /// environment.
    ///
    /// A missing or empty required variable is an error naming it; an empty
    /// security token counts as absent, as in Huawei's SDKs.
    ///
    /// ```
    /// use live_record_callbacks::auth::{AkSkCredentials, CredentialsError};
    ///
    /// let env = |name: &str| match name {
    ///     "HUAWEICLOUD_SDK_AK" => Some("AK".to_string()),
    ///     "HUAWEICLOUD_SDK_SK" => Some("SK".to_string()),
    ///     _ => None,
    /// };
    /// let err = AkSkCredentials::from_env_with(env).unwrap_err();
    /// assert_eq!(err, CredentialsError::MissingVar("HUAWEICLOUD_SDK_PROJECT_ID"));
    /// assert_eq!(err.to_string(), "environment variable HUAWEICLOUD_SDK_PROJECT_ID is not set");
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Result<Self, CredentialsError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut required = |name: &'static str| match lookup(name) {
            None => Err(CredentialsError::MissingVar(name)),
            Some(v) if v.is_empty() => Err(CredentialsError::EmptyVar(name)),
            Some(v) => Ok(v),
        };
        let ak = required(ENV_AK)?;
        let sk = required(ENV_SK)?;
        let project_id = required(ENV_PROJECT_ID)?;
        let mut creds = Self::build(ak, sk.as_bytes(), ENV_AK, ENV_SK)?;
        creds.project_id = Some(header_safe(&project_id, ENV_PROJECT_ID)?);
        if let Some(token) = lookup(ENV_SECURITY_TOKEN).filter(|t| !t.is_empty()) {
            let mut value = header_safe(&token, ENV_SECURITY_TOKEN)?;
            value.set_sensitive(true);
            creds.security_token = Some(value);
        }
        Ok(creds)
    }

    /// The access key (not a secret: it travels in `Authorization`).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The project id, if set.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_ref().and_then(|v| v.to_str().ok())
    }

    /// Whether these are temporary credentials carrying a security token.
    pub fn has_security_token(&self) -> bool {
        self.security_token.is_some()
    }
}

impl fmt::Debug for AkSkCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AkSkCredentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &REDACTED)
            .field("project_id", &self.project_id())
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// An IAM token, sent as `X-Auth-Token` (the value IAM returns in
/// `X-Subject-Token`).
///
/// ```
/// use live_record_callbacks::auth::IamToken;
///
/// let token = IamToken::new("MIIExample")?;
/// assert_eq!(format!("{token:?}"), "IamToken(<redacted>)");
/// assert!(IamToken::new("").is_err());
/// # Ok::<(), live_record_callbacks::auth::CredentialsError>(())
/// ```
#[derive(Clone)]
pub struct IamToken {
    pub(crate) value: HeaderValue,
}

impl IamToken {
    /// Wraps a token; it must be non-empty visible ASCII.
    pub fn new(token: impl AsRef<str>) -> Result<Self, CredentialsError> {
        let mut value = header_safe(token.as_ref(), "IAM token")?;
        value.set_sensitive(true);
        Ok(Self { value })
    }

    /// Whether `presented` (an `X-Auth-Token` value) is this token, compared
    /// in constant time; for servers that accept a token, like the emulator.
    ///
    /// ```
    /// use live_record_callbacks::auth::IamToken;
    ///
    /// let token = IamToken::new("MIIExample")?;
    /// assert!(token.matches(b"MIIExample"));
    /// assert!(!token.matches(b"MIIExamplf"));
    /// # Ok::<(), live_record_callbacks::auth::CredentialsError>(())
    /// ```
    pub fn matches(&self, presented: &[u8]) -> bool {
        bool::from(subtle::ConstantTimeEq::ct_eq(
            self.value.as_bytes(),
            presented,
        ))
    }
}

impl fmt::Debug for IamToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IamToken")
            .field(&format_args!("{REDACTED}"))
            .finish()
    }
}

/// Either kind of credentials, applied to a request in one call.
///
/// ```
/// use chrono::Utc;
/// use live_record_callbacks::auth::{AkSkCredentials, Credentials};
///
/// let creds: Credentials = AkSkCredentials::new("AK", "SK")?.with_project_id("p1")?.into();
/// let mut req = reqwest::Request::new(
///     reqwest::Method::GET,
///     "https://live.cn-north-4.myhuaweicloud.com/v1/p1/record/callbacks".parse()?,
/// );
/// creds.apply(&mut req, Utc::now())?;
/// assert!(req.headers()["authorization"].to_str()?.starts_with("SDK-HMAC-SHA256 Access=AK, "));
/// assert_eq!(req.headers()["x-project-id"], "p1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub enum Credentials {
    /// Sign every request with AK/SK.
    AkSk(AkSkCredentials),
    /// Send an IAM token with every request.
    Token(IamToken),
}

impl Credentials {
    /// Credentials from the process environment: an IAM token from
    /// `HUAWEICLOUD_SDK_TOKEN`, or AK/SK as [`AkSkCredentials::from_env`]
    /// reads them. See [`Credentials::from_env_with`] for the rule.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_env_with(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// Like [`Credentials::from_env`], reading variables through `lookup`.
    ///
    /// The rule: a non-empty `HUAWEICLOUD_SDK_TOKEN` is used when neither
    /// `HUAWEICLOUD_SDK_AK` nor `HUAWEICLOUD_SDK_SK` is set (non-empty);
    /// when the token and either of those are set, which one is meant is
    /// not guessed: the error names both variables. Otherwise AK/SK are read
    /// with [`AkSkCredentials::from_env_with`] (an empty token counts as
    /// absent).
    ///
    /// ```
    /// use live_record_callbacks::auth::{Credentials, CredentialsError};
    ///
    /// let token_only = |name: &str| (name == "HUAWEICLOUD_SDK_TOKEN").then(|| "MIIExample".to_string());
    /// assert!(matches!(Credentials::from_env_with(token_only)?, Credentials::Token(_)));
    ///
    /// let both = |name: &str| match name {
    ///     "HUAWEICLOUD_SDK_TOKEN" => Some("MIIExample".to_string()),
    ///     "HUAWEICLOUD_SDK_AK" => Some("AK".to_string()),
    ///     _ => None,
    /// };
    /// let err = Credentials::from_env_with(both).unwrap_err();
    /// assert_eq!(err, CredentialsError::Conflict("HUAWEICLOUD_SDK_TOKEN", "HUAWEICLOUD_SDK_AK"));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "both HUAWEICLOUD_SDK_TOKEN and HUAWEICLOUD_SDK_AK are set; unset one to choose how to authenticate"
    /// );
    /// # Ok::<(), CredentialsError>(())
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Result<Self, CredentialsError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut set = |name: &str| lookup(name).filter(|v| !v.is_empty());
        if let Some(token) = set(ENV_TOKEN) {
            if let Some(aksk) = [ENV_AK, ENV_SK].into_iter().find(|n| set(n).is_some()) {
                return Err(CredentialsError::Conflict(ENV_TOKEN, aksk));
            }
            let mut value = header_safe(&token, ENV_TOKEN)?;
            value.set_sensitive(true);
            return Ok(Self::Token(IamToken { value }));
        }
        AkSkCredentials::from_env_with(lookup).map(Self::AkSk)
    }

    /// Authenticates `req` at time `now`: AK/SK signs it (see
    /// [`AkSkCredentials::sign_reqwest`]); a token sets `X-Auth-Token`.
    pub fn apply(
        &self,
        req: &mut reqwest::Request,
        now: DateTime<Utc>,
    ) -> Result<(), super::SignError> {
        match self {
            Self::AkSk(c) => c.sign_reqwest(req, now),
            Self::Token(t) => {
                req.headers_mut()
                    .insert(super::HEADER_AUTH_TOKEN, t.value.clone());
                Ok(())
            }
        }
    }
}

impl From<AkSkCredentials> for Credentials {
    fn from(c: AkSkCredentials) -> Self {
        Self::AkSk(c)
    }
}

impl From<IamToken> for Credentials {
    fn from(t: IamToken) -> Self {
        Self::Token(t)
    }
}
