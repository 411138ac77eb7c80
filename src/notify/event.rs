//! What a notification is about: its event, and read access to the fields
//! every event carries.

use std::fmt;
use std::str::FromStr;

use crate::types::{
    NotificationSignature, RecordNotification, RecordStartNotificationEventType, SubscribedEvent,
};

/// A notification's `event_type`: `RECORD_START`, which every config with
/// a URL gets (it is not a [`SubscribedEvent`]), or one of the events a
/// config subscribes to. Names come from the generated types.
///
/// ```
/// use live_record_callbacks::notify::EventType;
/// use live_record_callbacks::types::SubscribedEvent;
///
/// let e: EventType = "RECORD_OVER".parse()?;
/// assert_eq!(e, EventType::Subscribed(SubscribedEvent::RecordOver));
/// assert_eq!(EventType::Start.to_string(), "RECORD_START");
/// assert_eq!(EventType::all().len(), 5);
/// # Ok::<(), live_record_callbacks::notify::UnknownEvent>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// `RECORD_START`.
    Start,
    /// An event a config can subscribe to.
    Subscribed(SubscribedEvent),
}

impl EventType {
    /// Every event, `RECORD_START` first, then the subscribable ones in the
    /// document's order.
    pub fn all() -> Vec<EventType> {
        std::iter::once(Self::Start)
            .chain(
                crate::enums::all::<SubscribedEvent>()
                    .into_iter()
                    .map(Self::Subscribed),
            )
            .collect()
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Start => RecordStartNotificationEventType::RecordStart.fmt(f),
            Self::Subscribed(e) => e.fmt(f),
        }
    }
}

/// A name that is not an event of the contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a known event (known: {known})", known = known())]
pub struct UnknownEvent(pub String);

fn known() -> String {
    EventType::all()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for EventType {
    type Err = UnknownEvent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(RecordStartNotificationEventType::RecordStart) = s.parse() {
            return Ok(Self::Start);
        }
        s.parse()
            .map(Self::Subscribed)
            .map_err(|_| UnknownEvent(s.to_owned()))
    }
}

impl PartialEq<str> for EventType {
    fn eq(&self, other: &str) -> bool {
        other.parse() == Ok(*self)
    }
}

impl PartialEq<&str> for EventType {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl serde::Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

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
    /// `event_type`.
    pub fn event_type(&self) -> EventType {
        match self {
            Self::StartNotification(_) => EventType::Start,
            Self::NewFileStartNotification(_) => {
                EventType::Subscribed(SubscribedEvent::RecordNewFileStart)
            }
            Self::FileCompleteNotification(_) => {
                EventType::Subscribed(SubscribedEvent::RecordFileComplete)
            }
            Self::OverNotification(_) => EventType::Subscribed(SubscribedEvent::RecordOver),
            Self::FailedNotification(_) => EventType::Subscribed(SubscribedEvent::RecordFailed),
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

    /// `job_id`, which `RECORD_NEW_FILE_START` and `RECORD_FILE_COMPLETE`
    /// carry.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Self::NewFileStartNotification(n) => Some(&n.job_id),
            Self::FileCompleteNotification(n) => Some(&n.job_id),
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

    pub(super) fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature) {
        each_event!(self, n => {
            n.auth_timestamp = Some(timestamp);
            n.auth_sign = Some(sign);
        })
    }
}
