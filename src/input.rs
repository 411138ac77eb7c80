//! Reading the contract's types from JSON that comes from outside (a config
//! file, a command line, a request body), with errors that say where.

use serde::de::DeserializeOwned;

/// Why a JSON document is not a valid value of the requested type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if path.is_empty() || path == "." { "the document" } else { path.as_str() })]
pub struct InputError {
    path: String,
    message: String,
}

impl InputError {
    /// Where the problem is, as `field[index].field` (empty for the whole
    /// document).
    pub fn path(&self) -> &str {
        if self.path == "." {
            ""
        } else {
            &self.path
        }
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Parses `json` into `T`, enforcing every constraint of the contract that
/// `T`'s generated type enforces, and naming the field that breaks one.
///
/// ```
/// use live_record_callbacks::{input::from_json, types::RecordCallbackConfigRequest};
///
/// let err = from_json::<RecordCallbackConfigRequest>(br#"{"publish_domain": "", "app": "live"}"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "publish_domain");
/// assert_eq!(err.to_string(), "publish_domain: shorter than 1 characters");
///
/// let err = from_json::<RecordCallbackConfigRequest>(br#"{"publish_domain": "a.example.com", "app": "live"} {}"#)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "the document: trailing characters");
/// ```
pub fn from_json<T: DeserializeOwned>(json: &[u8]) -> Result<T, InputError> {
    // Valid input, the common case, takes the plain parser; only a failure
    // is parsed again with the path tracked, to name the field. Both run the
    // same `Deserialize`, so they accept and refuse the same documents.
    if let Ok(value) = serde_json::from_slice(json) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        InputError::at(e.path().to_string(), strip_position(&e.inner().to_string()))
    })?;
    // Text after the document (which the plain parser refused too).
    de.end()
        .map_err(|e| InputError::at("", strip_position(&e.to_string())))?;
    Ok(value)
}

/// serde_json appends ` at line L column C`; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// Parses a JSON value the same way as [`from_json`].
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, InputError> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| InputError::at(e.path().to_string(), e.inner().to_string()))
}

/// Lets a request body be given as JSON: `.body(json!({...}))`. A value
/// that breaks the contract is refused by `send()` before anything is sent,
/// with the field named.
impl TryFrom<serde_json::Value> for crate::types::RecordCallbackConfigRequest {
    type Error = InputError;
    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        from_value(value)
    }
}

impl InputError {
    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Read, change, send back: a config as show or list returned it, as the
/// body of an update that stores it unchanged.
impl crate::types::RecordCallbackConfig {
    /// The body of an update (or create) that stores this config as it is.
    ///
    /// `key` is the config's key: no response carries it, so the caller
    /// supplies it (as the contract reads update, leaving it out leaves the
    /// config unsigned). An event name or signing method the contract does
    /// not list is kept (as `UnlistedEvent`, `UnlistedSignType`), so a
    /// config the service returned can go back whatever the service added
    /// since; a value no request may carry (a name with a control
    /// character, an event name in lower case) is refused with the field
    /// named.
    ///
    /// ```
    /// use live_record_callbacks::types::{RecordCallbackConfig, RequestedEvent};
    ///
    /// let shown: RecordCallbackConfig = serde_json::from_str(r#"{"id": "c1",
    ///     "publish_domain": "push.example.com", "app": "live",
    ///     "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_SEGMENT_READY"],
    ///     "sign_type": "HMACSHA512"}"#)?;
    /// let mut body = shown.to_request(Some("0123456789abcdef0123456789abcdef".parse()?))?;
    /// assert_eq!(body.notify_event_subscription[1].to_string(), "RECORD_SEGMENT_READY");
    /// body.notify_callback_url = Some("https://hooks.example.com/v2".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_request(
        &self,
        key: Option<crate::secret::CallbackKey>,
    ) -> Result<crate::types::RecordCallbackConfigRequest, InputError> {
        use crate::types::{
            AppName, CallbackUrl, PublishDomain, RequestedEvent, RequestedSignType,
        };
        let field = |name: &str, value: &str, e: &dyn std::fmt::Display| {
            InputError::at(name, format!("{value:?} cannot be sent back: {e}"))
        };
        let publish_domain = PublishDomain::try_from(self.publish_domain.as_str())
            .map_err(|e| field("publish_domain", &self.publish_domain, &e))?;
        let app = AppName::try_from(self.app.as_str()).map_err(|e| field("app", &self.app, &e))?;
        let notify_callback_url = match &self.notify_callback_url {
            Some(url) => Some(
                CallbackUrl::try_from(url.as_str())
                    .map_err(|e| field("notify_callback_url", url, &e))?,
            ),
            None => None,
        };
        let notify_event_subscription = self
            .notify_event_subscription
            .iter()
            .enumerate()
            .map(|(i, event)| {
                RequestedEvent::try_from(event.as_str()).map_err(|_| {
                    InputError::at(
                        format!("notify_event_subscription[{i}]"),
                        format!("{event:?} cannot be sent back: neither a known event nor an event name (upper-case letters, digits and `_`, at most 64)"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let sign_type = match &self.sign_type {
            Some(s) => RequestedSignType::try_from(s.as_str()).map_err(|_| {
                InputError::at(
                    "sign_type",
                    format!("{s:?} cannot be sent back: neither a known signing method nor a method name (upper-case letters, digits, `_` and `-`, at most 64)"),
                )
            })?,
            // The service's default, which a config without one has.
            None => RequestedSignType::default(),
        };
        Ok(crate::types::RecordCallbackConfigRequest {
            app,
            key,
            notify_callback_url,
            notify_event_subscription,
            publish_domain,
            sign_type,
        })
    }
}
