//! Checking a notification's signature and timestamp.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use subtle::{Choice, ConstantTimeEq};

use super::parse::parse_with_limit;
use super::receive::ReceiveError;
use super::sign::PreparedKey;
use crate::clock::{Clock, SystemClock};
use crate::secret::CallbackKey;
use crate::types::{RecordNotification, SignType};

/// How old a notification's `auth_timestamp` may be by default: 300 s.
pub const TIMESTAMP_WINDOW: Duration = Duration::from_secs(300);
/// How far ahead of the receiver's clock `auth_timestamp` may be by default
/// (the sender's clock may run a little fast).
pub const TIMESTAMP_FUTURE_SKEW: Duration = Duration::from_secs(30);

/// Which check a notification failed. None of them reveals the expected
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationVerifyError {
    /// A key is configured but the body has no `auth_sign`.
    #[error(
        "no signature: the body has no auth_sign, but this receiver expects signed notifications"
    )]
    MissingSignature,
    /// `auth_sign` is there but `auth_timestamp` is not.
    #[error("no timestamp: the body has auth_sign but no auth_timestamp")]
    MissingTimestamp,
    /// `auth_sign` is not a signature of the configured kind.
    #[error("malformed signature: auth_sign has {actual} hex digits, a {sign_type} signature has {expected}")]
    MalformedSignature {
        /// The configured kind.
        sign_type: SignType,
        /// Digits the kind has.
        expected: usize,
        /// Digits `auth_sign` has.
        actual: usize,
    },
    /// No configured key produces `auth_sign`.
    #[error("signature mismatch: auth_sign does not match the notification under any of the {keys} configured key(s) ({sign_type})")]
    Mismatch {
        /// The configured kind.
        sign_type: SignType,
        /// How many keys were tried.
        keys: usize,
    },
    /// The signature matches but `auth_timestamp` is older than the window
    /// allows: a late delivery or a replay.
    #[error("stale timestamp: auth_timestamp is {age_secs} s old, more than the {window_secs} s window allows")]
    Stale {
        /// How old it is.
        age_secs: i64,
        /// The window.
        window_secs: u64,
    },
    /// The signature matches but `auth_timestamp` is further ahead of this
    /// clock than the allowed skew.
    #[error("future timestamp: auth_timestamp is {ahead_secs} s ahead of this clock, more than the {skew_secs} s skew allowed")]
    Future {
        /// How far ahead it is.
        ahead_secs: i64,
        /// The allowed skew.
        skew_secs: u64,
    },
}

/// Checks the signatures of notifications for one config.
///
/// Built with the config's `sign_type` and key; add the previous key with
/// [`NotificationVerifier::with_key`] while rotating. The checks, in order: `auth_sign`
/// is present and well-formed, `auth_timestamp` is present, the signature
/// matches one of the keys (compared in constant time), and
/// `auth_timestamp` is within [`TIMESTAMP_WINDOW`] in the past and
/// [`TIMESTAMP_FUTURE_SKEW`] in the future (both configurable).
#[derive(Clone)]
pub struct NotificationVerifier {
    sign_type: SignType,
    keys: Vec<PreparedKey>,
    window: Duration,
    future_skew: Duration,
    max_body: usize,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for NotificationVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotificationVerifier")
            .field("sign_type", &self.sign_type)
            .field("keys", &format_args!("<{} redacted>", self.keys.len()))
            .field("window", &self.window)
            .field("future_skew", &self.future_skew)
            .field("max_body", &self.max_body)
            .field("clock", &self.clock)
            .finish()
    }
}

impl NotificationVerifier {
    /// A verifier for a config with this `sign_type` and key.
    pub fn new(sign_type: SignType, key: CallbackKey) -> Self {
        Self {
            sign_type,
            keys: vec![PreparedKey::new(&key)],
            window: TIMESTAMP_WINDOW,
            future_skew: TIMESTAMP_FUTURE_SKEW,
            max_body: crate::MAX_BODY,
            clock: Arc::new(SystemClock),
        }
    }

    /// Also accepts signatures made with `key` (for key rotation).
    pub fn with_key(mut self, key: CallbackKey) -> Self {
        self.keys.push(PreparedKey::new(&key));
        self
    }

    /// How old `auth_timestamp` may be.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// How far ahead of the clock `auth_timestamp` may be.
    pub fn with_future_skew(mut self, skew: Duration) -> Self {
        self.future_skew = skew;
        self
    }

    /// The largest body [`NotificationVerifier::receive`] reads.
    pub fn with_max_body(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// Where "now" comes from (tests pin it with
    /// [`FixedClock`](crate::clock::FixedClock)).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The `sign_type` this verifier checks.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// Checks `n` against the verifier's clock.
    pub fn verify(&self, n: &RecordNotification) -> Result<(), NotificationVerifyError> {
        self.verify_at(n, self.clock.now())
    }

    /// Checks `n` as if the time were `now`.
    pub fn verify_at(
        &self,
        n: &RecordNotification,
        now: DateTime<Utc>,
    ) -> Result<(), NotificationVerifyError> {
        let sign = n
            .auth_sign()
            .ok_or(NotificationVerifyError::MissingSignature)?;
        let timestamp = n
            .auth_timestamp()
            .ok_or(NotificationVerifyError::MissingTimestamp)?;

        // `NotificationSignature` is lowercase hex by construction (the
        // contract's pattern), so comparing hex digits is comparing digests.
        let digits = match self.sign_type {
            SignType::Md5 => 32,
            SignType::Hmacsha256 => 64,
        };
        let given = sign.as_bytes();
        if given.len() != digits || !given.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(NotificationVerifyError::MalformedSignature {
                sign_type: self.sign_type,
                expected: digits,
                actual: sign.len(),
            });
        }

        // Every key is tried, so the time taken does not say which matched;
        // the bytes are compared without an early exit.
        let mut matched = Choice::from(0);
        for key in &self.keys {
            let digest = key.digest(self.sign_type, n, timestamp);
            let mut buf = [0u8; 64];
            let computed = lower_hex(digest.as_slice(), &mut buf);
            let diff = computed
                .iter()
                .zip(given)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            matched |= diff.ct_eq(&0);
        }
        if !bool::from(matched) {
            return Err(NotificationVerifyError::Mismatch {
                sign_type: self.sign_type,
                keys: self.keys.len(),
            });
        }

        let age = now.timestamp().saturating_sub(timestamp);
        if age > secs(self.window) {
            return Err(NotificationVerifyError::Stale {
                age_secs: age,
                window_secs: self.window.as_secs(),
            });
        }
        if age < 0 && age.unsigned_abs() > self.future_skew.as_secs() {
            return Err(NotificationVerifyError::Future {
                ahead_secs: age.saturating_neg(),
                skew_secs: self.future_skew.as_secs(),
            });
        }
        Ok(())
    }

    /// Reads and checks a body: [`parse_with_limit`](super::parse_with_limit) with this verifier's
    /// limit, then [`NotificationVerifier::verify`].
    pub fn receive(&self, body: &[u8]) -> Result<RecordNotification, ReceiveError> {
        let n = parse_with_limit(body, self.max_body)?;
        self.verify(&n)?;
        Ok(n)
    }
}

/// `bytes` as lowercase hex, written into `buf` (no allocation).
fn lower_hex<'a>(bytes: &[u8], buf: &'a mut [u8; 64]) -> &'a [u8] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().take(32).enumerate() {
        buf[2 * i] = DIGITS[usize::from(b >> 4)];
        buf[2 * i + 1] = DIGITS[usize::from(b & 0x0f)];
    }
    &buf[..2 * bytes.len().min(32)]
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
