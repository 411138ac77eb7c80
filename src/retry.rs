//! Retries: which failures are tried again, how long the client waits, and
//! when it stops.
//!
//! Every call of the generated [`Client`](crate::Client) goes through the
//! loop in this module (the client's `exec` hook). It is on by default
//! ([`RetryPolicy::default`]: three attempts, full jitter between 0.5 s and
//! 8 s, a 60 s deadline, a shared retry budget) and off with
//! [`RetryPolicy::none`].
//!
//! What is retried (the contract's `x-rules` of each operation say the same):
//!
//! - GET, PUT and DELETE: the answers 429, 502, 503 and 504, and a call
//!   that did not complete (connection refused or dropped, timeout);
//! - POST (create), which is not idempotent: when it cannot have been
//!   processed (connection refused; 429 or 503), and when its outcome is
//!   unknown (connection dropped or timed out after the request was sent;
//!   502 or 504). The second kind is safe only because the service keeps
//!   one config per (domain, app) pair: when such a retry is refused with
//!   `LIVE.103011018` (the pair exists), the client looks the pair up and
//!   returns that config as the create's answer, marked as recovered
//!   ([`CallReport::recovered`]);
//! - never: 500, and every other error status, which says the request
//!   itself is the problem or the service failed in a way a retry does not
//!   mend.
//!
//! A `Retry-After` header on a 429 or 503 (seconds, or an HTTP date) sets
//! the wait; one longer than [`RetryPolicy::with_max_retry_after`] ends the
//! retries rather than waiting less than the service asked. Each attempt is
//! signed afresh (a new `X-Sdk-Date` and signature).
//!
//! The retry budget is a token bucket, as in AWS's standard retry mode:
//! each retry takes tokens (more after a timeout), each call that succeeds
//! first time gives one back, and a call that succeeds after retrying
//! returns what its last retry took. When the bucket cannot pay, the call
//! ends with its last outcome: under a sustained outage the client stops
//! multiplying its load by the number of attempts.
//!
//! ```
//! use std::time::Duration;
//! use live_record_callbacks::{retry::RetryPolicy, ClientContext};
//!
//! let patient = ClientContext::anonymous().with_retry(
//!     RetryPolicy::default()
//!         .with_attempts(5)
//!         .with_delays(Duration::from_millis(200), Duration::from_secs(5))
//!         .with_deadline(Duration::from_secs(30)),
//! );
//! let once = ClientContext::anonymous().with_retry(RetryPolicy::none());
//! # drop((patient, once));
//! ```

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::ResponseValue;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;

/// Set by this client (never by the service) on an answer that took more
/// than one attempt: how many the call made.
pub const ATTEMPTS_HEADER: &str = "x-live-record-callbacks-attempts";
/// Set by this client on a create's answer that was recovered by looking
/// the (domain, app) pair up after a retry met `LIVE.103011018`.
pub const RECOVERED_HEADER: &str = "x-live-record-callbacks-recovered";

/// The code the service answers a second create of a (domain, app) pair
/// with.
pub const ALREADY_EXISTS: &str = "LIVE.103011018";

/// How a client retries; see the [module](self) for what is retried.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    deadline: Option<Duration>,
    cut_attempts: bool,
    budget: Option<Arc<RetryBudget>>,
}

impl Default for RetryPolicy {
    /// Three attempts (AWS's standard mode; Stripe's and Stainless's SDKs
    /// make two retries), full jitter over 0.5 s doubling up to 8 s (the
    /// Stainless SDKs' delays), `Retry-After` honoured up to 60 s, a 60 s
    /// deadline for the whole call, and a [`RetryBudget::default`].
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(60)),
            cut_attempts: false,
            budget: Some(Arc::new(RetryBudget::default())),
        }
    }
}

impl RetryPolicy {
    /// One attempt: every failure is returned as it came.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            budget: None,
            ..Self::default()
        }
    }

    /// At most `attempts` attempts in all (at least one; 1 turns retries
    /// off).
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before retry `n` (from 1) is a random time between zero and
    /// `base * 2^(n-1)`, capped at `max` ("full jitter").
    pub fn with_delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// The longest `Retry-After` the client waits; a longer one ends the
    /// retries.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The time the calls's retries may take: no retry starts whose wait
    /// would end past it. An attempt under way runs to its own timeout (the
    /// reqwest client's; [`REQUEST_TIMEOUT`](crate::client::REQUEST_TIMEOUT)
    /// for [`Client::with_context`](crate::Client::with_context)) unless
    /// [`RetryPolicy::with_hard_deadline`] says otherwise. `None`: no
    /// deadline.
    pub fn with_deadline(mut self, deadline: impl Into<Option<Duration>>) -> Self {
        self.deadline = deadline.into();
        self
    }

    /// A deadline that holds for the whole call: as
    /// [`RetryPolicy::with_deadline`], and each attempt's timeout is the
    /// time left, at most [`REQUEST_TIMEOUT`](crate::client::REQUEST_TIMEOUT)
    /// (it replaces the reqwest client's own timeout).
    pub fn with_hard_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self.cut_attempts = true;
        self
    }

    /// Replaces the retry budget (`None`: retries are not rationed). The
    /// budget is shared by every client whose context is a clone of this
    /// policy's.
    pub fn with_budget(mut self, budget: impl Into<Option<RetryBudget>>) -> Self {
        self.budget = budget.into().map(Arc::new);
        self
    }

    /// The most attempts a call makes.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The deadline of a call, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The retry budget, if retries are rationed.
    pub fn budget(&self) -> Option<&RetryBudget> {
        self.budget.as_deref()
    }

    /// The wait before retry `retry` (1 for the first), full jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << (retry - 1).min(20))
            .min(self.max_delay);
        if ceiling.is_zero() {
            return ceiling;
        }
        rand::thread_rng().gen_range(Duration::ZERO..=ceiling)
    }
}

/// A token bucket that rations retries across the calls of a client (AWS
/// standard retry mode: 500 tokens, a retry costs 5, a retry after a
/// timeout 10, a success without retry gives 1 back).
#[derive(Debug)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_reward: u32,
    tokens: Mutex<u32>,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(500, 5, 10)
    }
}

impl RetryBudget {
    /// A full bucket of `capacity` tokens; a retry costs `retry_cost`, one
    /// after a timeout or a dropped connection `timeout_cost`.
    pub fn new(capacity: u32, retry_cost: u32, timeout_cost: u32) -> Self {
        Self {
            capacity,
            retry_cost,
            timeout_cost,
            success_reward: 1,
            tokens: Mutex::new(capacity),
        }
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the cost of a retry for `reason`, if the bucket holds it.
    fn take(&self, reason: Reason) -> Option<u32> {
        let cost = match reason {
            Reason::Timeout | Reason::Dropped => self.timeout_cost,
            _ => self.retry_cost,
        };
        let mut tokens = self.lock();
        (*tokens >= cost).then(|| {
            *tokens -= cost;
            cost
        })
    }

    fn give(&self, amount: u32) {
        let mut tokens = self.lock();
        *tokens = tokens.saturating_add(amount).min(self.capacity);
    }
}

/// Why an attempt is retried, as the retry events name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// 429.
    Throttled,
    /// 502, 503 or 504.
    Unavailable(u16),
    /// No connection was made: the request was not sent.
    Connect,
    /// The attempt timed out.
    Timeout,
    /// The connection dropped before an answer came.
    Dropped,
}

impl Reason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Reason::Throttled => "429",
            Reason::Unavailable(502) => "502",
            Reason::Unavailable(503) => "503",
            Reason::Unavailable(_) => "504",
            Reason::Connect => "connect",
            Reason::Timeout => "timeout",
            Reason::Dropped => "dropped",
        }
    }

    /// Whether an attempt that ended so may have been processed.
    fn outcome_unknown(self) -> bool {
        matches!(
            self,
            Reason::Timeout | Reason::Dropped | Reason::Unavailable(502 | 504)
        )
    }
}

/// Why the outcome of an attempt calls for a retry, if it does. The same
/// reasons hold for every method: a create's unknown outcomes are retried
/// too, guarded by the pair's uniqueness (see the [module](self)).
pub(crate) fn reason(outcome: &reqwest::Result<reqwest::Response>) -> Option<Reason> {
    Some(match outcome {
        Ok(response) => match response.status().as_u16() {
            429 => Reason::Throttled,
            s @ 502..=504 => Reason::Unavailable(s),
            _ => return None,
        },
        Err(e) if e.is_connect() => Reason::Connect,
        Err(e) if e.is_timeout() => Reason::Timeout,
        Err(e) if e.is_request() || e.is_body() => Reason::Dropped,
        Err(_) => return None,
    })
}

/// The `Retry-After` of a 429 or 503, as a wait from now.
pub(crate) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    if !matches!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) {
        return None;
    }
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// What the loop decided after a failed attempt.
pub(crate) enum Next {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Return this outcome; the words say why there is no retry.
    Stop(&'static str),
}

/// The state of one call across its attempts.
pub(crate) struct Call<'a> {
    policy: &'a RetryPolicy,
    started: Instant,
    /// Attempts made so far.
    pub(crate) attempts: u32,
    /// Tokens the last retry took from the budget.
    taken: u32,
    /// An earlier attempt of this call may have been processed.
    pub(crate) outcome_unknown: bool,
}

impl<'a> Call<'a> {
    pub(crate) fn new(policy: &'a RetryPolicy) -> Self {
        Self {
            policy,
            started: Instant::now(),
            attempts: 0,
            taken: 0,
            outcome_unknown: false,
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The timeout of the next attempt, when the deadline is hard.
    pub(crate) fn attempt_timeout(&self) -> Option<Duration> {
        let left = self.left()?.min(crate::client::REQUEST_TIMEOUT);
        self.policy.cut_attempts.then_some(left)
    }

    /// The time left before the deadline, if there is one.
    pub(crate) fn left(&self) -> Option<Duration> {
        self.policy
            .deadline
            .map(|d| d.saturating_sub(self.started.elapsed()))
    }

    /// Whether to retry after an attempt that failed for `reason`, the
    /// service having asked for `retry_after`.
    pub(crate) fn next(&mut self, reason: Reason, retry_after: Option<Duration>) -> Next {
        if reason.outcome_unknown() {
            self.outcome_unknown = true;
        }
        if self.attempts >= self.policy.max_attempts {
            return Next::Stop("no attempts left");
        }
        let wait = match retry_after {
            Some(asked) if asked > self.policy.max_retry_after => {
                return Next::Stop("Retry-After is longer than the client waits")
            }
            Some(asked) => asked,
            None => self.policy.backoff(self.attempts),
        };
        if self.left().is_some_and(|left| wait >= left) {
            return Next::Stop("the wait would end past the deadline");
        }
        if let Some(budget) = &self.policy.budget {
            match budget.take(reason) {
                Some(cost) => self.taken = cost,
                None => return Next::Stop("the retry budget is spent"),
            }
        }
        Next::Retry(wait)
    }

    /// The call ended with an answer that is not a failure to retry.
    pub(crate) fn succeeded(&self) {
        if let Some(budget) = &self.policy.budget {
            if self.attempts > 1 {
                budget.give(self.taken);
            } else {
                budget.give(budget.success_reward);
            }
        }
    }
}

/// Marks `headers` with the number of attempts a call made.
pub(crate) fn mark_attempts(headers: &mut HeaderMap, attempts: u32) {
    headers.insert(ATTEMPTS_HEADER, HeaderValue::from(attempts));
}

/// What the client adds to an answer about the call that produced it.
pub trait CallReport {
    /// How many attempts the call made (1 when it was not retried, or when
    /// the answer did not pass through this client's hooks).
    fn attempts(&self) -> u32;
    /// Whether a create's answer was recovered: an attempt's answer was
    /// lost, a retry met `LIVE.103011018`, and the config was found by its
    /// (domain, app) pair.
    fn recovered(&self) -> bool;
}

pub(crate) fn attempts_in(headers: &HeaderMap) -> Option<u32> {
    headers
        .get(ATTEMPTS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

impl<T> CallReport for ResponseValue<T> {
    fn attempts(&self) -> u32 {
        attempts_in(self.headers()).unwrap_or(1)
    }

    fn recovered(&self) -> bool {
        self.headers().contains_key(RECOVERED_HEADER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_stays_under_the_doubling_ceiling() {
        let policy =
            RetryPolicy::default().with_delays(Duration::from_millis(100), Duration::from_secs(1));
        for retry in 1..=8 {
            let ceiling =
                Duration::from_millis(100 * (1 << (retry - 1))).min(Duration::from_secs(1));
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling, "retry {retry}");
            }
        }
    }

    #[test]
    fn the_budget_refuses_a_retry_it_cannot_pay_for() {
        let budget = RetryBudget::new(12, 5, 10);
        assert_eq!(budget.take(Reason::Throttled), Some(5));
        assert_eq!(
            budget.take(Reason::Timeout),
            None,
            "7 left, a timeout costs 10"
        );
        assert_eq!(budget.take(Reason::Unavailable(503)), Some(5));
        assert_eq!(budget.take(Reason::Unavailable(503)), None);
        budget.give(100);
        assert_eq!(budget.available(), 12, "never more than the capacity");
    }
}
