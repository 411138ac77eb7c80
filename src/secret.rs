//! The callback key: a secret that must never reach logs.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The key that signs recording notifications (`key` in the request body).
///
/// It stands in for the type progenitor would generate from the document's
/// `CallbackKey` schema, so that `Debug` prints `CallbackKey(<redacted>)`
/// rather than the secret. It checks the same rule as the document (letters
/// and digits, at least 32 of them); `tests/client/secret.rs` compares the two.
///
/// ```
/// use live_record_callbacks::secret::CallbackKey;
///
/// let key: CallbackKey = "0123456789abcdef0123456789abcdef".parse()?;
/// assert_eq!(format!("{key:?}"), "CallbackKey(<redacted>)");
/// assert!("too-short".parse::<CallbackKey>().is_err());
/// # Ok::<(), live_record_callbacks::secret::InvalidCallbackKey>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackKey(String);

/// Why a string is not a valid callback key. It never repeats the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCallbackKey {
    /// Fewer than 32 characters.
    #[error("key must be at least 32 characters long, got {0}")]
    TooShort(usize),
    /// A character other than an ASCII letter or digit.
    #[error("key may hold only ASCII letters and digits (character {position} is not one)")]
    BadCharacter {
        /// 1-based position of the first offending character.
        position: usize,
    },
}

impl CallbackKey {
    /// The fewest characters a key may have.
    pub const MIN_LEN: usize = 32;

    /// The key itself, for signing and verifying notifications.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for CallbackKey {
    type Err = InvalidCallbackKey;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if let Some(i) = value.chars().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(InvalidCallbackKey::BadCharacter { position: i + 1 });
        }
        if value.len() < Self::MIN_LEN {
            return Err(InvalidCallbackKey::TooShort(value.len()));
        }
        Ok(Self(value.to_owned()))
    }
}

impl TryFrom<&str> for CallbackKey {
    type Error = InvalidCallbackKey;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<String> for CallbackKey {
    type Error = InvalidCallbackKey;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<&String> for CallbackKey {
    type Error = InvalidCallbackKey;
    fn try_from(value: &String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl fmt::Debug for CallbackKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackKey(<redacted>)")
    }
}

/// `Display` is redacted too: a key formatted into a message or a log line
/// stays hidden. Use [`CallbackKey::expose_secret`] where the key is needed.
impl fmt::Display for CallbackKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for CallbackKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CallbackKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        value.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for CallbackKey {
    fn schema_name() -> String {
        "CallbackKey".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        // Only the type: the document holds the rule, and the drift check
        // compares types, not patterns.
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}
