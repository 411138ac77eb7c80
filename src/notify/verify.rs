//! Checking a notification's signature and timestamp.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use subtle::{Choice, ConstantTimeEq};

use super::event::Notification;
use super::parse::parse_with_limit;
use super::receive::ReceiveError;
use super::sign::{PreparedKey, Signable};
use crate::clock::{Clock, SystemClock};
use crate::secret::CallbackKey;
use crate::types::SignType;

/// How far the receiver's clock may be past a notification's
/// `auth_timestamp` by default: 300 s. Past that it is stale (a late
/// delivery or a replay).
pub const TIMESTAMP_WINDOW: Duration = Duration::from_secs(300);
/// How far ahead of the receiver's clock `auth_timestamp` may be by
/// default: 20 minutes.
///
/// Huawei's field table calls `auth_timestamp` the time the signature
/// expires, while its examples show the time of the event; an expiry time
/// is ahead of the clock when the notification arrives. The bound lets an
/// expiry up to 15 minutes after sending through, with 5 minutes to spare
/// for the two clocks' difference; only a timestamp further ahead is
/// refused as coming from the future.
pub const TIMESTAMP_FUTURE_BOUND: Duration = Duration::from_secs(20 * 60);

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
    /// clock than even an expiry time would be.
    #[error("future timestamp: auth_timestamp is {ahead_secs} s ahead of this clock, more than the {bound_secs} s an expiry time may be")]
    Future {
        /// How far ahead it is.
        ahead_secs: i64,
        /// The bound.
        bound_secs: u64,
    },
}

impl NotificationVerifyError {
    /// The check's name, the variant's in snake_case (see
    /// [`ReceiveError::reason`]).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingSignature => "missing_signature",
            Self::MissingTimestamp => "missing_timestamp",
            Self::MalformedSignature { .. } => "malformed_signature",
            Self::Mismatch { .. } => "mismatch",
            Self::Stale { .. } => "stale",
            Self::Future { .. } => "future",
        }
    }
}

/// Checks the signatures of notifications for one config.
///
/// Built with the config's `sign_type` and key; add the previous key with
/// [`NotificationVerifier::with_key`] while rotating. The checks, in order: `auth_sign`
/// is present and well-formed, `auth_timestamp` is present, the signature
/// matches one of the keys (its hex decoded, in either case, and the bytes
/// compared in constant time), and the clock is neither past
/// `auth_timestamp` by more than [`TIMESTAMP_WINDOW`] nor behind it by more
/// than [`TIMESTAMP_FUTURE_BOUND`] (both configurable). So
/// `auth_timestamp` verifies under both of Huawei's readings: the time of
/// signing, and the time the signature expires.
///
/// Events the contract does not list are verified by the same rule
/// ([`Signable`] is implemented for a [`Notification`] of either kind).
#[derive(Clone)]
pub struct NotificationVerifier {
    sign_type: SignType,
    keys: Vec<PreparedKey>,
    window: Duration,
    future_bound: Duration,
    max_body: usize,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for NotificationVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotificationVerifier")
            .field("sign_type", &self.sign_type)
            .field("keys", &format_args!("<{} redacted>", self.keys.len()))
            .field("window", &self.window)
            .field("future_bound", &self.future_bound)
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
            future_bound: TIMESTAMP_FUTURE_BOUND,
            max_body: crate::MAX_BODY,
            clock: Arc::new(SystemClock),
        }
    }

    /// Also accepts signatures made with `key` (for key rotation).
    pub fn with_key(mut self, key: CallbackKey) -> Self {
        self.keys.push(PreparedKey::new(&key));
        self
    }

    /// How far the clock may be past `auth_timestamp`.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// How far ahead of the clock `auth_timestamp` may be (keep it at least
    /// as long as the expiry the service may set: 15 minutes or more).
    pub fn with_future_bound(mut self, bound: Duration) -> Self {
        self.future_bound = bound;
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

    /// The largest body [`NotificationVerifier::receive`] reads.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// The `sign_type` this verifier checks.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// Checks `n` against the verifier's clock.
    pub fn verify<N: Signable + ?Sized>(&self, n: &N) -> Result<(), NotificationVerifyError> {
        self.verify_at(n, self.clock.now())
    }

    /// Checks `n` as if the time were `now`.
    pub fn verify_at<N: Signable + ?Sized>(
        &self,
        n: &N,
        now: DateTime<Utc>,
    ) -> Result<(), NotificationVerifyError> {
        let sign = n
            .auth_sign()
            .ok_or(NotificationVerifyError::MissingSignature)?;
        let timestamp = n
            .auth_timestamp()
            .ok_or(NotificationVerifyError::MissingTimestamp)?;

        // The digits are decoded, so their case does not matter (no page
        // says which case the service writes).
        let bytes = match self.sign_type {
            SignType::Md5 => 16,
            SignType::Hmacsha256 => 32,
        };
        let mut given = [0u8; 32];
        let given = &mut given[..bytes];
        if sign.len() != 2 * bytes || hex::decode_to_slice(sign.as_bytes(), given).is_err() {
            return Err(NotificationVerifyError::MalformedSignature {
                sign_type: self.sign_type,
                expected: 2 * bytes,
                actual: sign.len(),
            });
        }

        // Every key is tried, so the time taken does not say which matched;
        // the bytes are compared without an early exit.
        let mut matched = Choice::from(0);
        for key in &self.keys {
            let digest = key.digest(self.sign_type, n, timestamp);
            matched |= digest.as_slice().ct_eq(given);
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
        if age < 0 && age.unsigned_abs() > self.future_bound.as_secs() {
            return Err(NotificationVerifyError::Future {
                ahead_secs: age.saturating_neg(),
                bound_secs: self.future_bound.as_secs(),
            });
        }
        Ok(())
    }

    /// Reads and checks a body: [`parse_with_limit`](super::parse_with_limit) with this verifier's
    /// limit, then [`NotificationVerifier::verify`]. An event the contract
    /// does not list is checked too; [`Receiver`](super::Receiver) is the
    /// one that lets it through unverified, to ignore it.
    pub fn receive(&self, body: &[u8]) -> Result<Notification, ReceiveError> {
        let n = parse_with_limit(body, self.max_body)?;
        self.verify(&n)?;
        Ok(n)
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
