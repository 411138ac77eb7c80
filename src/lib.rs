#![doc = include_str!("README.md")]

mod generated {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/client.rs"));
}

pub use generated::*;

pub mod auth;
pub mod client;
pub mod clock;
pub mod enums;
pub mod error;
pub mod input;
pub mod notify;
pub mod paging;
pub mod region;
pub mod retry;
pub mod secret;

pub use client::{ClientContext, RawAnswer};
pub use error::{ApiError, RequestId};
pub use retry::{CallReport, RetryPolicy};

/// The `info.version` of the document this crate was generated from.
pub const CONTRACT_VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/contract_version.txt"));

/// The largest JSON body this crate and its emulator read, in either
/// direction: a config request (the emulator) or a notification
/// ([`notify::parse`]). Real ones are well under 2 KiB.
pub const MAX_BODY: usize = 64 * 1024;

/// The client code exactly as build.rs generated it, for the snapshot.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));

/// The guides' code blocks, compiled by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../docs/client.md")]
struct ClientGuide;

#[cfg(doctest)]
#[doc = include_str!("../docs/notifications.md")]
struct NotificationsGuide;

#[cfg(doctest)]
#[doc = include_str!("../docs/emulator.md")]
struct EmulatorGuide;
