//! Receiving notifications over HTTP: verify, deduplicate, answer.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use super::event::{EventType, Notification, UnknownNotification};
use super::parse::{parse_with_limit, ParseError};
use super::verify::{NotificationVerifier, NotificationVerifyError};
use crate::types::RecordNotification;

/// Why a received body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    /// It is not a notification (answer 400).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// It is one, but its signature does not hold (answer 401).
    #[error(transparent)]
    Verify(#[from] NotificationVerifyError),
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

    /// The reason's name, for logs and metrics: the variant's name in
    /// snake_case (`too_large`, `invalid`, `missing_signature`,
    /// `missing_timestamp`, `malformed_signature`, `mismatch`, `stale`,
    /// `future`). The published signature vectors and the verifiers of
    /// other languages use the same names.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Parse(ParseError::TooLarge { .. }) => "too_large",
            Self::Parse(ParseError::Invalid(_)) => "invalid",
            Self::Verify(e) => e.reason(),
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
    /// An event the contract does not list (one Huawei added later):
    /// answered 200 so the service does not retry it, and not acted on.
    /// Log it, with its raw JSON, to learn about the new event.
    Ignored {
        /// The notification, with its raw JSON.
        notification: UnknownNotification,
        /// Whether its signature holds under the rule of the known events
        /// (a new event might be signed differently, which is why a failure
        /// does not refuse it; nothing acts on it either way).
        verified: Result<(), NotificationVerifyError>,
    },
    /// Refused.
    Refused(ReceiveError),
}

impl Outcome {
    /// The HTTP status to answer with: 200 for a verified notification (new
    /// or not: the service only needs to know it arrived) and for an
    /// ignored one.
    pub fn status(&self) -> u16 {
        match self {
            Self::New(_) | Self::Duplicate(_) | Self::Ignored { .. } => 200,
            Self::Refused(e) => e.status(),
        }
    }

    /// The JSON body to answer with.
    pub fn response_body(&self) -> serde_json::Value {
        match self {
            Self::New(_) => serde_json::json!({"status": "ok"}),
            Self::Duplicate(_) => serde_json::json!({"status": "duplicate"}),
            Self::Ignored { .. } => serde_json::json!({"status": "ignored"}),
            Self::Refused(e) => serde_json::json!({"error": e.to_string()}),
        }
    }
}

/// A [`NotificationVerifier`] with a memory of the events already received, for an
/// HTTP handler: [`Receiver::handle`] the body, answer with the
/// [`Outcome`]'s status and body.
///
/// Only verified notifications are remembered (an unsigned or forged one
/// cannot push real ones out), the most recent `capacity` of them.
#[derive(Debug)]
pub struct Receiver {
    verifier: NotificationVerifier,
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
    pub fn new(verifier: NotificationVerifier) -> Self {
        Self::with_capacity(verifier, Self::DEFAULT_CAPACITY)
    }

    /// A receiver that remembers the last `capacity` events.
    pub fn with_capacity(verifier: NotificationVerifier, capacity: usize) -> Self {
        Self {
            verifier,
            seen: Mutex::new(Seen {
                capacity: capacity.max(1),
                keys: HashSet::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// Reads, verifies and deduplicates one request body. An event the
    /// contract does not list is [`Outcome::Ignored`], whether or not its
    /// signature holds.
    pub fn handle(&self, body: &[u8]) -> Outcome {
        let n = match parse_with_limit(body, self.verifier.max_body()) {
            Ok(Notification::Known(n)) => n,
            Ok(Notification::Unknown(notification)) => {
                let verified = self.verifier.verify(&notification);
                return Outcome::Ignored {
                    notification,
                    verified,
                };
            }
            Err(e) => return Outcome::Refused(e.into()),
        };
        if let Err(e) = self.verifier.verify(&n) {
            return Outcome::Refused(e.into());
        }
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

impl RecordNotification {
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
    pub event_type: EventType,
    /// The file the event is about, if any.
    pub file: String,
}
