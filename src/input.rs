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
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| InputError {
        path: e.path().to_string(),
        message: strip_position(&e.inner().to_string()),
    })?;
    // Text after the document (which the plain parser refused too).
    de.end().map_err(|e| InputError {
        path: String::new(),
        message: strip_position(&e.to_string()),
    })?;
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
    serde_path_to_error::deserialize(value).map_err(|e| InputError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
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
