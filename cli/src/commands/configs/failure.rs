//! How a `configs` command fails: an exit code a script can act on and one
//! line for standard error.

use std::fmt;

use live_record_callbacks::ApiError;

/// Exit statuses of the `configs` commands (0 is success).
pub mod exit {
    /// The service answered, but not as the contract says it would (a
    /// status or body it does not describe).
    pub const UNEXPECTED: u8 = 1;
    /// Bad input, refused before anything was sent: a flag, a `--json-body`
    /// file or a key that breaks the contract, or a usage error.
    pub const BAD_INPUT: u8 = 2;
    /// No usable credentials, region or endpoint; nothing was sent.
    pub const CONFIG: u8 = 3;
    /// The service refused the call: its `error_code` and `error_msg`.
    pub const REFUSED: u8 = 4;
    /// The service refused the credentials (HTTP 401 or 403).
    pub const AUTH_REFUSED: u8 = 5;
    /// The call did not complete: connection, timeout, TLS.
    pub const NETWORK: u8 = 6;

    /// The table for `--help` and the README.
    pub const TABLE: &str = "\
Exit status:
  0  success
  1  the service answered outside the contract (a status or body it does not describe)
  2  bad input, refused before anything was sent (the message names the field)
  3  no usable credentials, region or endpoint; nothing was sent
  4  the service refused the call (its error_code and error_msg)
  5  the service refused the credentials (HTTP 401 or 403)
  6  the call did not complete (connection, timeout, TLS)";
}

/// A failure: its exit code and what to print after `error: `.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(exit::BAD_INPUT, message)
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(exit::CONFIG, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A failed call, sorted by what a script can do about it. The message is
/// `ApiError`'s: for a refusal, the status, `error_code`, `error_msg`,
/// `error_detail` and the request id.
impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        let code = match &e {
            ApiError::InvalidRequest(_) => exit::BAD_INPUT,
            ApiError::Service {
                status: 401 | 403, ..
            } => exit::AUTH_REFUSED,
            ApiError::Service { .. } => exit::REFUSED,
            ApiError::Transport(_) => exit::NETWORK,
            _ => exit::UNEXPECTED,
        };
        Self::new(code, one_line(&e))
    }
}

/// An error and its causes on one line, leaving out a cause whose text the
/// line already holds.
pub fn one_line(e: &dyn std::error::Error) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        source = cause.source();
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}
