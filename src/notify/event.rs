//! What a notification is about: its event, and read access to the fields
//! every event carries.

use std::fmt;
use std::str::FromStr;

use crate::types::{
    NotificationSignature, OtherRecordNotification, RecordNotification,
    RecordStartNotificationEventType, SubscribedEvent,
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

/// A notification as [`parse`](super::parse) reads it: one of the events
/// the contract describes, or an event it does not describe (one Huawei
/// added later), kept with its raw JSON so that a receiver can answer 200
/// and ignore it instead of refusing a genuine notification.
///
/// ```
/// use live_record_callbacks::notify::{self, Notification};
///
/// let n = notify::parse(br#"{"event_type": "RECORD_PAUSED", "task_id": "t", "pause_reason": 3}"#)?;
/// let Notification::Unknown(unknown) = &n else { panic!("RECORD_PAUSED is not a known event") };
/// assert_eq!(unknown.event_type(), "RECORD_PAUSED");
/// assert_eq!(unknown.raw()["pause_reason"], 3);
/// assert_eq!(n.event_type(), "RECORD_PAUSED");
/// # Ok::<(), notify::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Notification {
    /// One of the five events of the contract.
    Known(RecordNotification),
    /// An `event_type` the contract does not list.
    Unknown(UnknownNotification),
}

impl Notification {
    /// `event_type`, whichever kind of event it is.
    pub fn event_type(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Known(n) => n.event_type().to_string().into(),
            Self::Unknown(n) => n.event_type().into(),
        }
    }

    /// The known event, if it is one.
    pub fn known(&self) -> Option<&RecordNotification> {
        match self {
            Self::Known(n) => Some(n),
            Self::Unknown(_) => None,
        }
    }

    /// The known event, or the unknown one back.
    pub fn into_known(self) -> Result<RecordNotification, Box<UnknownNotification>> {
        match self {
            Self::Known(n) => Ok(n),
            Self::Unknown(n) => Err(Box::new(n)),
        }
    }

    /// `auth_timestamp`, present when the config has a key.
    pub fn auth_timestamp(&self) -> Option<i64> {
        match self {
            Self::Known(n) => n.auth_timestamp(),
            Self::Unknown(n) => n.auth_timestamp(),
        }
    }

    /// `auth_sign`, present when the config has a key.
    pub fn auth_sign(&self) -> Option<&NotificationSignature> {
        match self {
            Self::Known(n) => n.auth_sign(),
            Self::Unknown(n) => n.auth_sign(),
        }
    }
}

impl From<RecordNotification> for Notification {
    fn from(n: RecordNotification) -> Self {
        Self::Known(n)
    }
}

impl From<UnknownNotification> for Notification {
    fn from(n: UnknownNotification) -> Self {
        Self::Unknown(n)
    }
}

/// The body as it came (a known event as its generated type would write
/// it).
impl serde::Serialize for Notification {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(n) => n.serialize(s),
            Self::Unknown(n) => n.raw.serialize(s),
        }
    }
}

/// A notification whose `event_type` is none of the contract's events:
/// its fields as the contract's `OtherRecordNotification` reads them
/// (only `event_type` is required), and the whole body as received.
///
/// Signing covers it as it covers the known events (the contract states
/// one rule for every event): `download_url` and `play_url`, which
/// `OtherRecordNotification` does not list, are read from the raw body
/// when they are strings.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownNotification {
    fields: OtherRecordNotification,
    raw: serde_json::Value,
}

impl UnknownNotification {
    /// Reads `raw` (a JSON object whose `event_type` is not a known event).
    pub(super) fn new(fields: OtherRecordNotification, raw: serde_json::Value) -> Self {
        Self { fields, raw }
    }

    /// `event_type`, the name of the event.
    pub fn event_type(&self) -> &str {
        &self.fields.event_type
    }

    /// The fields every event is expected to carry, each optional.
    pub fn fields(&self) -> &OtherRecordNotification {
        &self.fields
    }

    /// The body as received, a JSON object.
    pub fn raw(&self) -> &serde_json::Value {
        &self.raw
    }

    /// The body as received.
    pub fn into_raw(self) -> serde_json::Value {
        self.raw
    }

    /// `auth_timestamp`, present when the config has a key.
    pub fn auth_timestamp(&self) -> Option<i64> {
        self.fields.auth_timestamp
    }

    /// `auth_sign`, present when the config has a key.
    pub fn auth_sign(&self) -> Option<&NotificationSignature> {
        self.fields.auth_sign.as_ref()
    }

    /// A string field of the raw body ("" when absent or not a string).
    pub(super) fn raw_str(&self, name: &str) -> &str {
        self.raw.get(name).and_then(|v| v.as_str()).unwrap_or("")
    }

    pub(super) fn set_auth(&mut self, timestamp: i64, sign: NotificationSignature) {
        if let Some(body) = self.raw.as_object_mut() {
            body.insert("auth_timestamp".into(), timestamp.into());
            body.insert("auth_sign".into(), sign.as_str().into());
        }
        self.fields.auth_timestamp = Some(timestamp);
        self.fields.auth_sign = Some(sign);
    }
}
