//! Signing notifications as the service does, and the digests the verifier
//! compares.

use std::fmt::{self, Write as _};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

use super::event::{Notification, UnknownNotification};
use crate::secret::CallbackKey;
use crate::types::{NotificationSignature, RecordNotification, SignType};

/// A field of the `HMACSHA256` message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedField {
    /// `auth_timestamp`, in decimal.
    AuthTimestamp,
    /// `event_type`.
    EventType,
    /// `publish_domain`.
    PublishDomain,
    /// `app`.
    App,
    /// `stream`.
    Stream,
    /// `download_url` (empty for events without a file).
    DownloadUrl,
    /// `play_url` (empty when absent).
    PlayUrl,
}

impl SignedField {
    /// The field's name in the body.
    pub const fn name(self) -> &'static str {
        match self {
            Self::AuthTimestamp => "auth_timestamp",
            Self::EventType => "event_type",
            Self::PublishDomain => "publish_domain",
            Self::App => "app",
            Self::Stream => "stream",
            Self::DownloadUrl => "download_url",
            Self::PlayUrl => "play_url",
        }
    }

    /// Writes the field's value in `n` (signed at `timestamp`) to `out`; a
    /// field the event does not carry writes nothing.
    fn write<N: Signable + ?Sized>(
        self,
        n: &N,
        timestamp: i64,
        out: &mut impl fmt::Write,
    ) -> fmt::Result {
        match self {
            Self::AuthTimestamp => write!(out, "{timestamp}"),
            field => n.write_field(field, out),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::types::RecordNotification {}
    impl Sealed for super::Notification {}
    impl Sealed for super::UnknownNotification {}
}

/// What the signer and the verifier work on: a known event
/// ([`RecordNotification`]), an event the contract does not list
/// ([`UnknownNotification`]), or either ([`Notification`]). One rule covers
/// them all: the contract states it for every event, and a field an event
/// does not carry counts as empty.
pub trait Signable: sealed::Sealed {
    /// Writes the value of a signed field other than `auth_timestamp`
    /// (nothing for a field the notification does not carry).
    #[doc(hidden)]
    fn write_field(&self, field: SignedField, out: &mut dyn fmt::Write) -> fmt::Result;
    /// `auth_timestamp`, when present.
    fn auth_timestamp(&self) -> Option<i64>;
    /// `auth_sign`, when present.
    fn auth_sign(&self) -> Option<&NotificationSignature>;
    /// Sets `auth_timestamp` and `auth_sign`.
    #[doc(hidden)]
    fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature);
}

impl Signable for RecordNotification {
    fn write_field(&self, field: SignedField, out: &mut dyn fmt::Write) -> fmt::Result {
        match field {
            SignedField::AuthTimestamp => Ok(()),
            SignedField::EventType => write!(out, "{}", self.event_type()),
            SignedField::PublishDomain => out.write_str(self.publish_domain()),
            SignedField::App => out.write_str(self.app()),
            SignedField::Stream => out.write_str(self.stream()),
            SignedField::DownloadUrl => out.write_str(self.download_url().unwrap_or_default()),
            SignedField::PlayUrl => out.write_str(self.play_url().unwrap_or_default()),
        }
    }
    fn auth_timestamp(&self) -> Option<i64> {
        RecordNotification::auth_timestamp(self)
    }
    fn auth_sign(&self) -> Option<&NotificationSignature> {
        RecordNotification::auth_sign(self)
    }
    fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature) {
        RecordNotification::set_auth(self, timestamp, sign)
    }
}

impl Signable for UnknownNotification {
    fn write_field(&self, field: SignedField, out: &mut dyn fmt::Write) -> fmt::Result {
        let f = self.fields();
        match field {
            SignedField::AuthTimestamp => Ok(()),
            SignedField::EventType => out.write_str(self.event_type()),
            SignedField::PublishDomain => out.write_str(text(&f.publish_domain)),
            SignedField::App => out.write_str(text(&f.app)),
            SignedField::Stream => out.write_str(text(&f.stream)),
            SignedField::DownloadUrl | SignedField::PlayUrl => {
                out.write_str(self.raw_str(field.name()))
            }
        }
    }
    fn auth_timestamp(&self) -> Option<i64> {
        UnknownNotification::auth_timestamp(self)
    }
    fn auth_sign(&self) -> Option<&NotificationSignature> {
        UnknownNotification::auth_sign(self)
    }
    fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature) {
        UnknownNotification::set_auth(self, timestamp, sign)
    }
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}

impl Signable for Notification {
    fn write_field(&self, field: SignedField, out: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Self::Known(n) => n.write_field(field, out),
            Self::Unknown(n) => n.write_field(field, out),
        }
    }
    fn auth_timestamp(&self) -> Option<i64> {
        Notification::auth_timestamp(self)
    }
    fn auth_sign(&self) -> Option<&NotificationSignature> {
        Notification::auth_sign(self)
    }
    fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature) {
        match self {
            Self::Known(n) => Signable::set_auth(n, timestamp, sign),
            Self::Unknown(n) => Signable::set_auth(n, timestamp, sign),
        }
    }
}

/// The fields `HMACSHA256` signs, in order, concatenated with nothing
/// between them (the contract's `x-signing.HMACSHA256.message`;
/// `tests/client/notify.rs` compares the two). The signer iterates this list.
pub const HMAC_SIGNED_FIELDS: [SignedField; 7] = [
    SignedField::AuthTimestamp,
    SignedField::EventType,
    SignedField::PublishDomain,
    SignedField::App,
    SignedField::Stream,
    SignedField::DownloadUrl,
    SignedField::PlayUrl,
];

/// Feeds the `HMACSHA256` message to `sink`, part by part, so that signing
/// and verifying need no allocation.
fn hmac_message<N: Signable + ?Sized>(n: &N, timestamp: i64, sink: impl FnMut(&[u8])) {
    let mut sink = Sink(sink);
    for field in HMAC_SIGNED_FIELDS {
        field
            .write(n, timestamp, &mut sink)
            .expect("the sink never fails");
    }
}

/// The exact string `HMACSHA256` signs for `n` at `auth_timestamp`: the
/// values of [`HMAC_SIGNED_FIELDS`] with nothing between them and a field
/// the event does not carry as empty.
pub fn signed_string<N: Signable + ?Sized>(n: &N, auth_timestamp: i64) -> String {
    let mut out = String::with_capacity(128);
    for field in HMAC_SIGNED_FIELDS {
        field
            .write(n, auth_timestamp, &mut out)
            .expect("writing to a String never fails");
    }
    out
}

/// The signature of `n` at `auth_timestamp`, as lowercase hex: what the
/// service puts in `auth_sign`.
pub fn signature<N: Signable + ?Sized>(
    sign_type: SignType,
    key: &CallbackKey,
    n: &N,
    auth_timestamp: i64,
) -> String {
    let digest = PreparedKey::new(key).digest(sign_type, n, auth_timestamp);
    hex::encode(digest.as_slice())
}

/// Signs `n` as the service would: sets `auth_timestamp` and `auth_sign`.
///
/// ```
/// use live_record_callbacks::notify;
/// use live_record_callbacks::types::SignType;
///
/// let mut n = notify::parse(br#"{"project_id": "p", "task_id": "t",
///     "event_type": "RECORD_START", "publish_domain": "push.example.com", "app": "live",
///     "stream": "s", "record_format": "FLV", "file_size": 0, "record_duration": 0}"#)?;
/// let key = "0123456789abcdef0123456789abcdef".parse()?;
/// notify::sign(&mut n, SignType::Md5, &key, 1583676745);
/// assert_eq!(n.auth_sign().map(|s| s.as_str()), Some("fbea60f41db857bbdee04a5127b742fa"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign<N: Signable + ?Sized>(
    n: &mut N,
    sign_type: SignType,
    key: &CallbackKey,
    auth_timestamp: i64,
) {
    let hex = signature(sign_type, key, n, auth_timestamp);
    let sign = hex
        .parse::<NotificationSignature>()
        .expect("a digest in lowercase hex is a valid NotificationSignature");
    n.set_auth(auth_timestamp, sign);
}

/// A digest of either algorithm.
pub(super) enum Digest32 {
    Md5([u8; 16]),
    Sha256([u8; 32]),
}

impl Digest32 {
    pub(super) fn as_slice(&self) -> &[u8] {
        match self {
            Self::Md5(d) => d,
            Self::Sha256(d) => d,
        }
    }
}

/// A key with its hash states already keyed, so verifying one notification
/// costs one HMAC (or MD5) over the message and nothing more.
#[derive(Clone)]
pub(super) struct PreparedKey {
    hmac: Hmac<Sha256>,
    md5: Md5,
}

impl PreparedKey {
    pub(super) fn new(key: &CallbackKey) -> Self {
        let secret = key.expose_secret().as_bytes();
        Self {
            hmac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length"),
            md5: Md5::new().chain_update(secret),
        }
    }

    pub(super) fn digest<N: Signable + ?Sized>(
        &self,
        sign_type: SignType,
        n: &N,
        timestamp: i64,
    ) -> Digest32 {
        match sign_type {
            SignType::Hmacsha256 => {
                let mut mac = self.hmac.clone();
                hmac_message(n, timestamp, |part| mac.update(part));
                Digest32::Sha256(mac.finalize().into_bytes().into())
            }
            SignType::Md5 => {
                let mut md5 = self.md5.clone();
                write!(Sink(|part: &[u8]| md5.update(part)), "{timestamp}")
                    .expect("the sink never fails");
                Digest32::Md5(md5.finalize().into())
            }
        }
    }
}

/// Formatted text, fed to a hash as bytes.
struct Sink<F>(F);

impl<F: FnMut(&[u8])> fmt::Write for Sink<F> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        (self.0)(s.as_bytes());
        Ok(())
    }
}
