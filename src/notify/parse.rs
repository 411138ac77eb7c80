//! Reading a notification body into the generated types.

use super::event::{EventType, UnknownEvent};
use crate::input::{from_json, InputError};
use crate::types::{
    RecordFailedNotification, RecordFileCompleteNotification, RecordNewFileStartNotification,
    RecordNotification, RecordOverNotification, RecordStartNotification, SubscribedEvent,
};

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
    #[error("event_type: {0}")]
    UnknownEvent(#[from] UnknownEvent),
    /// The body is not JSON, or breaks the event's schema; the error names
    /// the field.
    #[error("the body is not a recording notification: {0}")]
    Invalid(#[from] InputError),
}

/// Reads a notification body, refusing one over [`crate::MAX_BODY`].
pub fn parse(body: &[u8]) -> Result<RecordNotification, ParseError> {
    parse_with_limit(body, crate::MAX_BODY)
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
    let event: EventType = event.event_type.parse()?;
    Ok(match event {
        EventType::Start => from_json::<RecordStartNotification>(body)?.into(),
        EventType::Subscribed(SubscribedEvent::RecordNewFileStart) => {
            from_json::<RecordNewFileStartNotification>(body)?.into()
        }
        EventType::Subscribed(SubscribedEvent::RecordFileComplete) => {
            from_json::<RecordFileCompleteNotification>(body)?.into()
        }
        EventType::Subscribed(SubscribedEvent::RecordOver) => {
            from_json::<RecordOverNotification>(body)?.into()
        }
        EventType::Subscribed(SubscribedEvent::RecordFailed) => {
            from_json::<RecordFailedNotification>(body)?.into()
        }
    })
}
