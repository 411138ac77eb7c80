//! The receiving side of a recording-callback config: the notifications
//! Huawei Live POSTs to `notify_callback_url`.
//!
//! [`parse`] reads a body into the generated [`RecordNotification`] (one
//! variant per event type), with a size limit and errors that name the
//! field. [`Verifier`] checks `auth_sign` the way the contract's `x-signing`
//! states it, in constant time, within a replay window, against one or
//! more keys (to rotate a key, accept the old and the new one for a while).
//! [`sign`] builds signed notifications, for emulators and tests, and
//! [`signed_string`] is the exact string `HMACSHA256` signs. [`Receiver`]
//! puts it together for an HTTP handler: verify, deduplicate, answer.
//!
//! Know what a valid signature proves:
//! - `HMACSHA256` covers `auth_timestamp`, `event_type`, `publish_domain`,
//!   `app`, `stream`, `download_url` and `play_url` only. `file_size`,
//!   `record_duration`, `task_id`, `job_id`, the times and the OBS fields
//!   are not signed: whoever can alter the request can change them.
//! - `MD5` covers the key and `auth_timestamp` only: it proves the sender
//!   knew the key, and protects nothing in the body.
//!
//! ```
//! use live_record_callbacks::notify::{self, Verifier};
//! use live_record_callbacks::types::SignType;
//! use chrono::{TimeZone, Utc};
//!
//! let body = br#"{"project_id": "p", "task_id": "t", "event_type": "RECORD_OVER",
//!     "publish_domain": "push.example.com", "app": "live", "stream": "mystream",
//!     "record_format": "HLS", "file_size": 0, "record_duration": 0,
//!     "auth_timestamp": 1583676745,
//!     "auth_sign": "e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9"}"#;
//! let verifier = Verifier::new(SignType::Hmacsha256, "0123456789abcdef0123456789abcdef".parse()?);
//! let now = Utc.timestamp_opt(1583676745 + 10, 0).unwrap();
//! let notification = notify::parse(body)?;
//! verifier.verify_at(&notification, now)?;
//! assert_eq!(notification.event_type(), "RECORD_OVER");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

use crate::auth::{Clock, SystemClock};
use crate::input::{from_json, InputError};
use crate::secret::CallbackKey;
use crate::types::{
    NotificationSignature, RecordFailedNotification, RecordFileCompleteNotification,
    RecordNewFileStartNotification, RecordNotification, RecordOverNotification,
    RecordStartNotification, SignType,
};

/// The largest body [`parse`] reads unless told otherwise. Real
/// notifications are well under 2 KiB.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024;
/// How old a notification's `auth_timestamp` may be by default.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);
/// How far ahead of the receiver's clock `auth_timestamp` may be by default
/// (the sender's clock may run a little fast).
pub const DEFAULT_FUTURE_SKEW: Duration = Duration::from_secs(30);

/// The event types the contract knows, as `event_type` spells them.
pub const EVENT_TYPES: [&str; 5] = [
    "RECORD_START",
    "RECORD_NEW_FILE_START",
    "RECORD_FILE_COMPLETE",
    "RECORD_OVER",
    "RECORD_FAILED",
];

/// The fields `HMACSHA256` signs, in order (the contract's
/// `x-signing.HMACSHA256.message`; `tests/notify.rs` compares the two).
pub const HMAC_SIGNED_FIELDS: [&str; 7] = [
    "auth_timestamp",
    "event_type",
    "publish_domain",
    "app",
    "stream",
    "download_url",
    "play_url",
];

/// Runs `$body` with `$n` bound to the variant's struct, whatever the event.
macro_rules! each_event {
    ($value:expr, $n:ident => $body:expr) => {
        match $value {
            RecordNotification::StartNotification($n) => $body,
            RecordNotification::NewFileStartNotification($n) => $body,
            RecordNotification::FileCompleteNotification($n) => $body,
            RecordNotification::OverNotification($n) => $body,
            RecordNotification::FailedNotification($n) => $body,
        }
    };
}

/// Read access to the fields every event carries, and the ones signing and
/// deduplication need.
impl RecordNotification {
    /// `event_type`, as the body spells it.
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::StartNotification(_) => EVENT_TYPES[0],
            Self::NewFileStartNotification(_) => EVENT_TYPES[1],
            Self::FileCompleteNotification(_) => EVENT_TYPES[2],
            Self::OverNotification(_) => EVENT_TYPES[3],
            Self::FailedNotification(_) => EVENT_TYPES[4],
        }
    }

    /// `task_id`: the recording this event belongs to (not signed).
    pub fn task_id(&self) -> &str {
        each_event!(self, n => &n.task_id)
    }

    /// `publish_domain`.
    pub fn publish_domain(&self) -> &str {
        each_event!(self, n => &n.publish_domain)
    }

    /// `app`.
    pub fn app(&self) -> &str {
        each_event!(self, n => &n.app)
    }

    /// `stream`.
    pub fn stream(&self) -> &str {
        each_event!(self, n => &n.stream)
    }

    /// `download_url`, which only `RECORD_FILE_COMPLETE` carries.
    pub fn download_url(&self) -> Option<&str> {
        match self {
            Self::FileCompleteNotification(n) => Some(&n.download_url),
            _ => None,
        }
    }

    /// `play_url`, named by the signing rule though no event is documented
    /// to carry it.
    pub fn play_url(&self) -> Option<&str> {
        each_event!(self, n => n.play_url.as_deref())
    }

    /// `auth_timestamp`, present when the config has a key.
    pub fn auth_timestamp(&self) -> Option<i64> {
        each_event!(self, n => n.auth_timestamp)
    }

    /// `auth_sign`, present when the config has a key.
    pub fn auth_sign(&self) -> Option<&NotificationSignature> {
        each_event!(self, n => n.auth_sign.as_ref())
    }

    /// What identifies this event for deduplication: the recording, the
    /// event and the file it is about.
    pub fn dedup_key(&self) -> DedupKey {
        let file = match self {
            Self::FileCompleteNotification(n) => n.download_url.clone(),
            Self::NewFileStartNotification(n) => n.job_id.clone(),
            _ => String::new(),
        };
        DedupKey {
            task_id: self.task_id().to_owned(),
            event_type: self.event_type(),
            file,
        }
    }

    fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature) {
        each_event!(self, n => {
            n.auth_timestamp = Some(timestamp);
            n.auth_sign = Some(sign);
        })
    }
}

/// (`task_id`, `event_type`, file) of a notification: the same event sent
/// twice has the same key. The file is `download_url` for
/// `RECORD_FILE_COMPLETE`, `job_id` for `RECORD_NEW_FILE_START` and empty
/// otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DedupKey {
    /// The recording.
    pub task_id: String,
    /// The event.
    pub event_type: &'static str,
    /// The file the event is about, if any.
    pub file: String,
}

/// Why a body is not a notification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is larger than the limit; it was not read.
    #[error("the body is {size} bytes, more than the {limit} bytes a notification may have")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// `event_type` names an event the contract does not describe.
    #[error("event_type: `{0}` is not a known event (known: RECORD_START, RECORD_NEW_FILE_START, RECORD_FILE_COMPLETE, RECORD_OVER, RECORD_FAILED)")]
    UnknownEvent(String),
    /// The body is not JSON, or breaks the event's schema; the error names
    /// the field.
    #[error("the body is not a recording notification: {0}")]
    Invalid(#[from] InputError),
}

/// Reads a notification body, refusing one over [`DEFAULT_MAX_BODY`].
pub fn parse(body: &[u8]) -> Result<RecordNotification, ParseError> {
    parse_with_limit(body, DEFAULT_MAX_BODY)
}

/// Reads a notification body, refusing one over `limit` bytes.
///
/// `event_type` is read first so that an error names the field of the
/// event's own schema (`file_size: invalid type ...`), not just "no event
/// matches". Fields the contract does not list are ignored.
pub fn parse_with_limit(body: &[u8], limit: usize) -> Result<RecordNotification, ParseError> {
    if body.len() > limit {
        return Err(ParseError::TooLarge {
            size: body.len(),
            limit,
        });
    }
    #[derive(serde::Deserialize)]
    struct Event {
        event_type: String,
    }
    let event: Event = from_json(body)?;
    Ok(match event.event_type.as_str() {
        "RECORD_START" => from_json::<RecordStartNotification>(body)?.into(),
        "RECORD_NEW_FILE_START" => from_json::<RecordNewFileStartNotification>(body)?.into(),
        "RECORD_FILE_COMPLETE" => from_json::<RecordFileCompleteNotification>(body)?.into(),
        "RECORD_OVER" => from_json::<RecordOverNotification>(body)?.into(),
        "RECORD_FAILED" => from_json::<RecordFailedNotification>(body)?.into(),
        _ => return Err(ParseError::UnknownEvent(event.event_type)),
    })
}

/// The decimal digits of `value`, written into `buf`.
fn decimal(value: i64, buf: &mut [u8; 20]) -> &str {
    let mut n = value.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).expect("ASCII digits")
}

/// Feeds the `HMACSHA256` message to `sink`, part by part, so the verifier
/// needs no allocation.
fn hmac_message_parts(n: &RecordNotification, timestamp: i64, mut sink: impl FnMut(&[u8])) {
    let mut buf = [0u8; 20];
    sink(decimal(timestamp, &mut buf).as_bytes());
    sink(n.event_type().as_bytes());
    sink(n.publish_domain().as_bytes());
    sink(n.app().as_bytes());
    sink(n.stream().as_bytes());
    sink(n.download_url().unwrap_or_default().as_bytes());
    sink(n.play_url().unwrap_or_default().as_bytes());
}

/// The exact string `HMACSHA256` signs for `n` at `auth_timestamp`:
/// `auth_timestamp` (decimal), `event_type`, `publish_domain`, `app`,
/// `stream`, `download_url` and `play_url`, with nothing between them and a
/// field the event does not carry as empty.
pub fn signed_string(n: &RecordNotification, auth_timestamp: i64) -> String {
    let mut out = Vec::with_capacity(128);
    hmac_message_parts(n, auth_timestamp, |part| out.extend_from_slice(part));
    String::from_utf8(out).expect("every part is a str")
}

/// The signature of `n` at `auth_timestamp`, as lowercase hex: what the
/// service puts in `auth_sign`.
pub fn signature(
    sign_type: SignType,
    key: &CallbackKey,
    n: &RecordNotification,
    auth_timestamp: i64,
) -> String {
    let digest = PreparedKey::new(key).digest(sign_type, n, auth_timestamp);
    hex::encode(digest.as_slice())
}

/// Signs `n` as the service would: sets `auth_timestamp` and `auth_sign`.
///
/// ```
/// use live_record_callbacks::notify;
/// use live_record_callbacks::types::{RecordNotification, SignType};
///
/// let mut n: RecordNotification = notify::parse(br#"{"project_id": "p", "task_id": "t",
///     "event_type": "RECORD_START", "publish_domain": "push.example.com", "app": "live",
///     "stream": "s", "record_format": "FLV", "file_size": 0, "record_duration": 0}"#)?;
/// let key = "0123456789abcdef0123456789abcdef".parse()?;
/// notify::sign(&mut n, SignType::Md5, &key, 1583676745);
/// assert_eq!(n.auth_sign().map(|s| s.as_str()), Some("fbea60f41db857bbdee04a5127b742fa"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(
    n: &mut RecordNotification,
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
enum Digest32 {
    Md5([u8; 16]),
    Sha256([u8; 32]),
}

impl Digest32 {
    fn as_slice(&self) -> &[u8] {
        match self {
            Self::Md5(d) => d,
            Self::Sha256(d) => d,
        }
    }
}

/// A key with its hash states already keyed, so verifying one notification
/// costs one HMAC (or MD5) over the message and nothing more.
#[derive(Clone)]
struct PreparedKey {
    hmac: Hmac<Sha256>,
    md5: Md5,
}

impl PreparedKey {
    fn new(key: &CallbackKey) -> Self {
        let secret = key.expose_secret().as_bytes();
        Self {
            hmac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length"),
            md5: Md5::new().chain_update(secret),
        }
    }

    fn digest(&self, sign_type: SignType, n: &RecordNotification, timestamp: i64) -> Digest32 {
        match sign_type {
            SignType::Hmacsha256 => {
                let mut mac = self.hmac.clone();
                hmac_message_parts(n, timestamp, |part| mac.update(part));
                Digest32::Sha256(mac.finalize().into_bytes().into())
            }
            SignType::Md5 => {
                let mut md5 = self.md5.clone();
                let mut buf = [0u8; 20];
                md5.update(decimal(timestamp, &mut buf).as_bytes());
                Digest32::Md5(md5.finalize().into())
            }
        }
    }
}

/// Which check a notification failed. None of them reveals the expected
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
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
/// [`Verifier::with_key`] while rotating. The checks, in order: `auth_sign`
/// is present and well-formed, `auth_timestamp` is present, the signature
/// matches one of the keys (compared in constant time), and
/// `auth_timestamp` is within [`DEFAULT_WINDOW`] in the past and
/// [`DEFAULT_FUTURE_SKEW`] in the future (both configurable).
#[derive(Clone)]
pub struct Verifier {
    sign_type: SignType,
    keys: Vec<PreparedKey>,
    window: Duration,
    future_skew: Duration,
    max_body: usize,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("sign_type", &self.sign_type)
            .field("keys", &format_args!("<{} redacted>", self.keys.len()))
            .field("window", &self.window)
            .field("future_skew", &self.future_skew)
            .field("max_body", &self.max_body)
            .field("clock", &self.clock)
            .finish()
    }
}

impl Verifier {
    /// A verifier for a config with this `sign_type` and key.
    pub fn new(sign_type: SignType, key: CallbackKey) -> Self {
        Self {
            sign_type,
            keys: vec![PreparedKey::new(&key)],
            window: DEFAULT_WINDOW,
            future_skew: DEFAULT_FUTURE_SKEW,
            max_body: DEFAULT_MAX_BODY,
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

    /// The largest body [`Verifier::receive`] reads.
    pub fn with_max_body(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// Where "now" comes from (tests pin it with
    /// [`FixedClock`](crate::auth::FixedClock)).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The `sign_type` this verifier checks.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// Checks `n` against the verifier's clock.
    pub fn verify(&self, n: &RecordNotification) -> Result<(), VerifyError> {
        self.verify_at(n, self.clock.now())
    }

    /// Checks `n` as if the time were `now`.
    pub fn verify_at(&self, n: &RecordNotification, now: DateTime<Utc>) -> Result<(), VerifyError> {
        let sign = n.auth_sign().ok_or(VerifyError::MissingSignature)?;
        let timestamp = n.auth_timestamp().ok_or(VerifyError::MissingTimestamp)?;

        // `NotificationSignature` is lowercase hex by construction (the
        // contract's pattern), so comparing hex digits is comparing digests.
        let digits = match self.sign_type {
            SignType::Md5 => 32,
            SignType::Hmacsha256 => 64,
        };
        let given = sign.as_bytes();
        if given.len() != digits || !given.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(VerifyError::MalformedSignature {
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
            return Err(VerifyError::Mismatch {
                sign_type: self.sign_type,
                keys: self.keys.len(),
            });
        }

        let age = now.timestamp().saturating_sub(timestamp);
        if age > secs(self.window) {
            return Err(VerifyError::Stale {
                age_secs: age,
                window_secs: self.window.as_secs(),
            });
        }
        if age < 0 && age.unsigned_abs() > self.future_skew.as_secs() {
            return Err(VerifyError::Future {
                ahead_secs: age.saturating_neg(),
                skew_secs: self.future_skew.as_secs(),
            });
        }
        Ok(())
    }

    /// Reads and checks a body: [`parse_with_limit`] with this verifier's
    /// limit, then [`Verifier::verify`].
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

/// Why a received body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    /// It is not a notification (answer 400).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// It is one, but its signature does not hold (answer 401).
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

impl ReceiveError {
    /// The HTTP status a receiver answers with: 400 for a body that is not
    /// a notification, 401 for a failed signature check.
    pub fn status(&self) -> u16 {
        match self {
            Self::Parse(_) => 400,
            Self::Verify(_) => 401,
        }
    }
}

/// What a [`Receiver`] made of one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A verified notification seen for the first time: act on it.
    New(RecordNotification),
    /// A verified notification already received: it was acted on before.
    Duplicate(RecordNotification),
    /// Refused.
    Refused(ReceiveError),
}

impl Outcome {
    /// The HTTP status to answer with: 200 for a verified notification (new
    /// or not: the service only needs to know it arrived).
    pub fn status(&self) -> u16 {
        match self {
            Self::New(_) | Self::Duplicate(_) => 200,
            Self::Refused(e) => e.status(),
        }
    }

    /// The JSON body to answer with.
    pub fn response_body(&self) -> serde_json::Value {
        match self {
            Self::New(_) => serde_json::json!({"status": "ok"}),
            Self::Duplicate(_) => serde_json::json!({"status": "duplicate"}),
            Self::Refused(e) => serde_json::json!({"error": e.to_string()}),
        }
    }
}

/// A [`Verifier`] with a memory of the events already received, for an
/// HTTP handler: [`Receiver::handle`] the body, answer with the
/// [`Outcome`]'s status and body.
///
/// Only verified notifications are remembered (an unsigned or forged one
/// cannot push real ones out), the most recent `capacity` of them.
#[derive(Debug)]
pub struct Receiver {
    verifier: Verifier,
    seen: Mutex<Seen>,
}

#[derive(Debug)]
struct Seen {
    capacity: usize,
    keys: HashSet<DedupKey>,
    order: VecDeque<DedupKey>,
}

impl Receiver {
    /// How many events a receiver remembers by default.
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// A receiver that checks with `verifier`.
    pub fn new(verifier: Verifier) -> Self {
        Self::with_capacity(verifier, Self::DEFAULT_CAPACITY)
    }

    /// A receiver that remembers the last `capacity` events.
    pub fn with_capacity(verifier: Verifier, capacity: usize) -> Self {
        Self {
            verifier,
            seen: Mutex::new(Seen {
                capacity: capacity.max(1),
                keys: HashSet::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// Reads, verifies and deduplicates one request body.
    pub fn handle(&self, body: &[u8]) -> Outcome {
        let n = match self.verifier.receive(body) {
            Ok(n) => n,
            Err(e) => return Outcome::Refused(e),
        };
        let key = n.dedup_key();
        // A poisoned lock only means another handler panicked; the set is
        // still usable.
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.keys.contains(&key) {
            return Outcome::Duplicate(n);
        }
        if seen.order.len() >= seen.capacity {
            if let Some(oldest) = seen.order.pop_front() {
                seen.keys.remove(&oldest);
            }
        }
        seen.keys.insert(key.clone());
        seen.order.push_back(key);
        Outcome::New(n)
    }
}
