//! The emulator's integration tests in one test binary (one link instead
//! of one per file): the server itself, and the notifications it fires.

mod server;
mod trigger;
