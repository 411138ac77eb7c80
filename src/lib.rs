//! A contract-first client for Huawei Cloud Live's recording callbacks.
//!
//! The OpenAPI document `openapi/live-record-callbacks.yaml` is the source
//! of truth. build.rs generates the [`Client`] and the [`types`] from it
//! with progenitor; the modules beside them add what a generator cannot:
//! authentication ([`auth`], [`region`]), errors that carry the request id
//! ([`error`]), the secret callback key ([`secret`]) and the receiving
//! side of the notifications ([`notify`]).
//!
#![doc = include_str!("../README.md")]

mod generated {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/client.rs"));
}

pub use generated::*;

pub mod auth;
pub mod client;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod error;
pub mod input;
pub mod notify;
pub mod paging;
pub mod region;
pub mod secret;

pub use client::ClientContext;
pub use error::{ApiError, RequestId};

/// The client code exactly as build.rs generated it, for the snapshot.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));
