//! The emulator's integration tests in one test binary (one link instead
//! of one per file): the server itself, its error codes against the
//! document's, the faults it injects, and the notifications it fires.

mod error_codes;
mod faults;
mod server;
mod trigger;
