#![doc = "Contract-first client for Huawei Cloud Live recording callbacks."]

mod generated {
    include!(concat!(env!("OUT_DIR"), "/client.rs"));
}

pub use generated::*;

pub mod client;
pub mod secret;
pub mod auth;
pub mod region;

/// The client code exactly as build.rs generated it, for the snapshot.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));
