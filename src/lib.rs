//! A contract-first client for Huawei Cloud Live's recording callbacks.
//!
//! The OpenAPI document `openapi/live-record-callbacks.yaml` is the source
//! of truth. build.rs generates the [`Client`] and the [`types`] from it
//! with progenitor; the modules beside them add what a generator cannot:
//! authentication ([`auth`], [`region`]), errors that carry the request id
//! ([`error`]), the secret callback key ([`secret`]) and the receiving
//! side of the notifications ([`notify`]).
//!
//! The emulator and the command line are separate crates of the same
//! workspace (`live-record-callbacks-emulator`, `live-record-callbacks-cli`),
//! so this one pulls in no server.
//!
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
pub mod secret;

pub use client::{ClientContext, RawAnswer};

/// The `info.version` of the document this crate was generated from.
pub const CONTRACT_VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/contract_version.txt"));
pub use error::{ApiError, RequestId};

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
