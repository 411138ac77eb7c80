//! The client's integration tests, one module per subject, in one test
//! binary: linking one binary instead of one per file is what most of a
//! rebuild of the tests costs. Run one subject with
//! `cargo test --test client <module>::` (e.g. `signing::`).
//!
//! The differential tests against Huawei's Python SDK
//! (`tests/sign_differential.rs`, `tests/error_differential.rs`) stay
//! binaries of their own: they are ignored by default and run by name.

mod create;
mod errors;
mod examples;
mod notify;
mod paging;
mod resource;
mod retry;
mod secret;
mod signing;
mod snapshot;
mod tolerance;
mod vectors;
