//! Reading a notification body into the generated types.

use super::event::{EventType, Notification, UnknownNotification};
use crate::input::{from_json, from_value, InputError};
use crate::types::{
    OtherRecordNotification, RecordFailedNotification, RecordFileCompleteNotification,
    RecordNewFileStartNotification, RecordOverNotification, RecordStartNotification,
    SubscribedEvent,
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
    /// The body is not a JSON object with an `event_type`, or breaks the
    /// schema of its event; the error names the field.
    #[error("the body is not a recording notification: {0}")]
    Invalid(#[from] InputError),
}

/// Reads a notification body, refusing one over [`crate::MAX_BODY`].
pub fn parse(body: &[u8]) -> Result<Notification, ParseError> {
    parse_with_limit(body, crate::MAX_BODY)
}

/// Reads a notification body, refusing one over `limit` bytes.
///
/// `event_type` is read first. A known event is read as its own schema, so
/// that an error names the field (`file_size: invalid type ...`), not just
/// "no event matches"; fields the contract does not list are ignored. An
/// `event_type` the contract does not list is an event added later: it is
/// read as `OtherRecordNotification` (only `event_type` required) and kept
/// with its raw JSON as [`Notification::Unknown`], not refused.
pub fn parse_with_limit(body: &[u8], limit: usize) -> Result<Notification, ParseError> {
    if body.len() > limit {
        return Err(ParseError::TooLarge {
            size: body.len(),
            limit,
        });
    }
    // serde reads a struct from an array too; a notification is an object,
    // and the error should say so rather than name an array element.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        from_json::<serde_json::Map<String, serde_json::Value>>(body)?;
    }
    #[derive(serde::Deserialize)]
    struct Event {
        event_type: String,
    }
    let event: Event = from_json(body)?;
    let Ok(event) = event.event_type.parse::<EventType>() else {
        let raw: serde_json::Value = from_json(body)?;
        let fields: OtherRecordNotification = from_value(raw.clone())?;
        return Ok(Notification::Unknown(UnknownNotification::new(fields, raw)));
    };
    let known = match event {
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
    };
    Ok(Notification::Known(known))
}
