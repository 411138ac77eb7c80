//! The receiving side of a recording-callback config: the notifications
//! Huawei Live POSTs to `notify_callback_url`.
//!
//! In parts, like [`auth`](crate::auth):
//! - `event`: [`EventType`], read access to the fields of a
//!   [`RecordNotification`], and [`Notification`]: a known event or an
//!   [`UnknownNotification`] (an `event_type` the contract does not list,
//!   kept with its raw JSON);
//! - `parse`: [`parse`] reads a body into a [`Notification`]: a known event
//!   as the generated [`RecordNotification`] (one variant per event type),
//!   an unknown one as the contract's `OtherRecordNotification` plus its
//!   raw JSON; with a size limit and errors that name the field;
//! - `sign`: [`sign`] signs a notification as the service does, for
//!   emulators and tests, over [`HMAC_SIGNED_FIELDS`]; [`signed_string`] is
//!   the exact string `HMACSHA256` signs; [`Signable`] is what both work on;
//! - `verify`: [`NotificationVerifier`] checks `auth_sign` the way the
//!   contract's `x-signing` states it (hex in either case, bytes compared in
//!   constant time), against one or more keys (to rotate a key, accept the
//!   old and the new one for a while), and `auth_timestamp` under both of
//!   Huawei's readings: stale when the clock is past it by more than
//!   [`TIMESTAMP_WINDOW`], from the future only when it is ahead by more
//!   than [`TIMESTAMP_FUTURE_BOUND`], which an expiry time fits in;
//! - `receive`: [`Receiver`] puts it together for an HTTP handler: verify,
//!   deduplicate, answer; an unknown event is answered 200 and ignored.
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
//! use live_record_callbacks::notify::{self, NotificationVerifier};
//! use live_record_callbacks::types::SignType;
//! use chrono::{TimeZone, Utc};
//!
//! let body = br#"{"project_id": "p", "task_id": "t", "event_type": "RECORD_OVER",
//!     "publish_domain": "push.example.com", "app": "live", "stream": "mystream",
//!     "record_format": "HLS", "file_size": 0, "record_duration": 0,
//!     "auth_timestamp": 1583676745,
//!     "auth_sign": "e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9"}"#;
//! let verifier =
//!     NotificationVerifier::new(SignType::Hmacsha256, "0123456789abcdef0123456789abcdef".parse()?);
//! let now = Utc.timestamp_opt(1583676745 + 10, 0).unwrap();
//! let notification = notify::parse(body)?;
//! verifier.verify_at(&notification, now)?;
//! assert_eq!(notification.event_type(), "RECORD_OVER");
//! // The case of the hex digits does not matter.
//! let upper = String::from_utf8(body.to_vec())?.replace("e567d0", "E567D0");
//! verifier.verify_at(&notify::parse(upper.as_bytes())?, now)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`RecordNotification`]: crate::types::RecordNotification

mod event;
mod parse;
mod receive;
mod sign;
mod verify;

pub use event::{EventType, Notification, UnknownEvent, UnknownNotification};
pub use parse::{parse, parse_with_limit, ParseError};
pub use receive::{DedupKey, Outcome, ReceiveError, Receiver};
pub use sign::{sign, signature, signed_string, Signable, SignedField, HMAC_SIGNED_FIELDS};
pub use verify::{
    NotificationVerifier, NotificationVerifyError, TIMESTAMP_FUTURE_BOUND, TIMESTAMP_WINDOW,
};
