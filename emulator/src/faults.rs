//! Faults on demand: a seeded, reproducible mix of the failures a client of
//! the real service meets (throttling, server and gateway errors, latency,
//! dropped connections, answers lost after the change was applied).
//!
//! The spec is a comma-separated list of `key=value`:
//!
//! | key | value | default |
//! | --- | --- | --- |
//! | `rate` | the share of API requests that get a fault, 0 to 1 | 0.1 |
//! | `seed` | the seed of the draw: the same seed and order of requests give the same faults | 0 |
//! | `kinds` | the faults to draw from, joined with `+`: `429`, `500`, `502`, `503`, `504`, `reset`, `lost`, `slow` | all of them |
//! | `retry-after` | the `Retry-After` of a 429, in seconds | 1 |
//! | `latency` | the delay of a `slow` answer, in milliseconds | 200 |
//! | `skip` | the first requests that pass untouched | 0 |
//! | `count` | the most faults injected in all | no limit |
//!
//! For example `rate=0.2,seed=7,kinds=429+503+lost`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// 429 from the gateway, with `Retry-After`.
    Throttled,
    /// 500 from the service: it failed; nothing is applied.
    Internal,
    /// 502 from the gateway: the backend failed; nothing is applied.
    BadGateway,
    /// 503 from the gateway: the backend is unavailable; nothing is applied.
    Unavailable,
    /// 504 from the gateway: the backend did not answer in time; nothing is
    /// applied.
    GatewayTimeout,
    /// The connection is closed before the request is processed: no answer.
    Reset,
    /// The request is processed (a create creates), then the connection is
    /// closed: the answer is lost.
    Lost,
    /// The answer comes after the spec's latency.
    Slow,
}

impl FaultKind {
    /// Every kind, in the order of the spec's names.
    pub const ALL: [FaultKind; 8] = [
        FaultKind::Throttled,
        FaultKind::Internal,
        FaultKind::BadGateway,
        FaultKind::Unavailable,
        FaultKind::GatewayTimeout,
        FaultKind::Reset,
        FaultKind::Lost,
        FaultKind::Slow,
    ];

    /// Its name in a spec.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Throttled => "429",
            FaultKind::Internal => "500",
            FaultKind::BadGateway => "502",
            FaultKind::Unavailable => "503",
            FaultKind::GatewayTimeout => "504",
            FaultKind::Reset => "reset",
            FaultKind::Lost => "lost",
            FaultKind::Slow => "slow",
        }
    }

    /// The status of the error answer this fault sends, if it sends one.
    pub fn status(self) -> Option<u16> {
        match self {
            FaultKind::Throttled => Some(429),
            FaultKind::Internal => Some(500),
            FaultKind::BadGateway => Some(502),
            FaultKind::Unavailable => Some(503),
            FaultKind::GatewayTimeout => Some(504),
            _ => None,
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A bad `--faults` spec: which part, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpecError(String);

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultSpecError {}

/// Faults to inject, and what was injected so far. Clones share the draw
/// and the counts, so a test keeps one to read [`Faults::report`] while
/// the emulator holds another.
#[derive(Clone)]
pub struct Faults {
    rate: f64,
    seed: u64,
    kinds: Vec<FaultKind>,
    retry_after: u32,
    latency: Duration,
    skip: u64,
    count: Option<u64>,
    state: Arc<Mutex<State>>,
}

struct State {
    rng: ChaCha8Rng,
    report: FaultReport,
}

/// What the emulator saw and did: the API requests, and the faults injected
/// by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultReport {
    /// API requests received (the emulator's own routes are not counted).
    pub requests: u64,
    /// Faults injected, by kind.
    pub injected: BTreeMap<FaultKind, u64>,
}

impl FaultReport {
    /// Faults injected in all.
    pub fn total(&self) -> u64 {
        self.injected.values().sum()
    }
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Faults({self})")
    }
}

impl fmt::Display for Faults {
    /// The spec, in the form [`Faults::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<_> = self.kinds.iter().map(|k| k.name()).collect();
        write!(
            f,
            "rate={},seed={},kinds={},retry-after={},latency={}",
            self.rate,
            self.seed,
            kinds.join("+"),
            self.retry_after,
            self.latency.as_millis()
        )?;
        if self.skip > 0 {
            write!(f, ",skip={}", self.skip)?;
        }
        match self.count {
            Some(count) => write!(f, ",count={count}"),
            None => Ok(()),
        }
    }
}

impl FromStr for Faults {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, FaultSpecError> {
        let bad = |part: &str, why: String| FaultSpecError(format!("faults `{part}`: {why}"));
        let (mut rate, mut seed, mut kinds) = (0.1, 0, FaultKind::ALL.to_vec());
        let (mut retry_after, mut latency) = (1, 200);
        let (mut skip, mut count) = (0, None);
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(bad(part, "expected key=value".into()));
            };
            match key.trim() {
                "rate" => {
                    rate = value
                        .parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or_else(|| bad(part, "the rate is a number from 0 to 1".into()))?
                }
                "seed" => {
                    seed = value
                        .parse()
                        .map_err(|e| bad(part, format!("the seed is an integer: {e}")))?
                }
                "retry-after" => {
                    retry_after = value
                        .parse()
                        .map_err(|e| bad(part, format!("whole seconds: {e}")))?
                }
                "latency" => {
                    latency = value
                        .parse()
                        .map_err(|e| bad(part, format!("whole milliseconds: {e}")))?
                }
                "skip" => {
                    skip = value
                        .parse()
                        .map_err(|e| bad(part, format!("a number of requests: {e}")))?
                }
                "count" => {
                    count = Some(
                        value
                            .parse()
                            .map_err(|e| bad(part, format!("a number of faults: {e}")))?,
                    )
                }
                "kinds" => {
                    kinds = value
                        .split('+')
                        .map(|name| {
                            FaultKind::ALL
                                .into_iter()
                                .find(|k| k.name() == name.trim())
                                .ok_or_else(|| {
                                    let known: Vec<_> =
                                        FaultKind::ALL.iter().map(|k| k.name()).collect();
                                    bad(
                                        part,
                                        format!(
                                            "`{name}` is not a fault; the faults are {}",
                                            known.join(", ")
                                        ),
                                    )
                                })
                        })
                        .collect::<Result<_, _>>()?
                }
                other => {
                    return Err(bad(
                        part,
                        format!(
                            "`{other}` is not one of rate, seed, kinds, retry-after, latency, skip, count"
                        ),
                    ))
                }
            }
        }
        let mut faults = Self::new(rate, seed, kinds, retry_after, latency);
        (faults.skip, faults.count) = (skip, count);
        Ok(faults)
    }
}

impl Faults {
    fn new(rate: f64, seed: u64, kinds: Vec<FaultKind>, retry_after: u32, latency: u64) -> Self {
        Self {
            rate,
            seed,
            kinds,
            retry_after,
            latency: Duration::from_millis(latency),
            skip: 0,
            count: None,
            state: Arc::new(Mutex::new(State {
                rng: ChaCha8Rng::seed_from_u64(seed),
                report: FaultReport::default(),
            })),
        }
    }

    /// Every API request gets `kind` (a sustained outage, say).
    pub fn always(kind: FaultKind) -> Self {
        Self::new(1.0, 0, vec![kind], 1, 200)
    }

    /// Sets the `Retry-After` of a 429, in seconds.
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = seconds;
        self
    }

    /// The `Retry-After` of a 429, in seconds.
    pub fn retry_after(&self) -> u32 {
        self.retry_after
    }

    /// The delay of a `slow` answer.
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// What was received and injected so far.
    pub fn report(&self) -> FaultReport {
        self.lock().report.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Draws the fault of the next API request, if it gets one.
    pub(crate) fn draw(&self) -> Option<FaultKind> {
        let mut state = self.lock();
        state.report.requests += 1;
        // Two draws whatever the outcome, so that the sequence of faults
        // depends on the seed and the order of requests only.
        let hit = state.rng.gen_bool(self.rate);
        let pick = state.rng.gen_range(0..self.kinds.len().max(1));
        let seen = state.report.requests;
        let spent = self.count.is_some_and(|c| state.report.total() >= c);
        let kind = *self
            .kinds
            .get(pick)
            .filter(|_| hit && seen > self.skip && !spent)?;
        *state.report.injected.entry(kind).or_default() += 1;
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_reads_back_as_written_and_bad_parts_are_named() {
        let spec = "rate=0.25,seed=9,kinds=429+lost,retry-after=2,latency=50,skip=1,count=3";
        let f: Faults = spec.parse().unwrap();
        assert_eq!(f.to_string(), spec);
        for (spec, says) in [
            (
                "rate=2",
                "faults `rate=2`: the rate is a number from 0 to 1",
            ),
            ("kinds=429+teapot", "`teapot` is not a fault"),
            ("speed=1", "`speed` is not one of"),
            ("seed", "expected key=value"),
        ] {
            let e = spec.parse::<Faults>().unwrap_err().to_string();
            assert!(e.contains(says), "{spec}: {e}");
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_faults() {
        let draws = |seed| {
            let f: Faults = format!("rate=0.3,seed={seed}").parse().unwrap();
            (0..200).map(|_| f.draw()).collect::<Vec<_>>()
        };
        assert_eq!(draws(1), draws(1));
        assert_ne!(draws(1), draws(2));
        let hits = draws(1).iter().flatten().count();
        assert!((30..=90).contains(&hits), "{hits} faults in 200 at 30%");
    }

    #[test]
    fn skip_and_count_bound_the_faults() {
        let f: Faults = "rate=1,kinds=503,skip=2,count=3".parse().unwrap();
        let draws: Vec<_> = (0..8).map(|_| f.draw().is_some()).collect();
        assert_eq!(draws, [false, false, true, true, true, false, false, false]);
        assert_eq!(f.report().requests, 8);
        assert_eq!(f.report().total(), 3);
    }
}
