//! What the build scripts of `live-record-callbacks` (the client) and
//! `live-record-callbacks-cli` (the command line) share: the OpenAPI
//! document they generate code from, the generation settings, the rules
//! progenitor places on the document, and the `--help` text the command
//! line reads from it.
//!
//! The document is embedded ([`DOCUMENT`]), so a build script reads it from
//! this crate and each crate builds from its published package alone.

pub mod progenitor_rules;

#[cfg(feature = "generator")]
pub mod field_docs;
#[cfg(feature = "generator")]
pub mod output;
#[cfg(feature = "generator")]
pub mod settings;

pub use progenitor_rules::{parse_document, parse_value, progenitor_rule_violations};

/// Where the document lives, relative to the repository root: the one
/// place its path is written.
pub const DOCUMENT_PATH: &str = "openapi/live-record-callbacks.yaml";

/// The text of the document at [`DOCUMENT_PATH`], as this crate was built
/// with it.
pub const DOCUMENT: &str = include_str!("../live-record-callbacks.yaml");
