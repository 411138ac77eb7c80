//! Where "now" comes from, for everything in this crate that reads the
//! time: AK/SK signatures (which cover it), the request verifier's date
//! window, the notification verifier's timestamp window, and the emulator.
//!
//! Tests and emulators pin it; production code reads the system clock.
//! Times are always UTC.

use chrono::{DateTime, Utc};
use std::fmt;

/// A source of the current UTC time.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use live_record_callbacks::clock::{Clock, FixedClock, SystemClock};
///
/// let t = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
/// assert_eq!(FixedClock(t).now(), t);
/// assert!(SystemClock.now() > t);
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stuck at one instant, for reproducible signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
