//! Retries over loopback: against the emulator with injected faults, and
//! against small servers that answer a scripted sequence.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use live_record_callbacks::auth::Authenticator;
use live_record_callbacks::clock::Clock;
use live_record_callbacks::retry::{RetryBudget, RetryPolicy};
use live_record_callbacks::{ApiError, CallReport, Client, ClientContext, RequestId};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig, FaultKind, Faults};
use live_record_callbacks_test_support as common;

use common::{config, create, creds, delete, failure, show, Log, DOMAIN, PROJECT};

/// Retries fast enough for a test: the waits are what is under test only
/// where a test says so.
fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_attempts(attempts)
        .with_delays(Duration::from_millis(1), Duration::from_millis(20))
        .with_budget(None)
}

fn client(base: &str, policy: RetryPolicy) -> Client {
    Client::with_context(base, ClientContext::anonymous().with_retry(policy)).unwrap()
}

/// A server that gives the n-th request the n-th of `answers` (status,
/// `Retry-After`), then 201 with a config body, and records every request.
async fn scripted(answers: Vec<(u16, Option<&'static str>)>) -> (String, Log) {
    common::recording(move |n| {
        let mut reply = axum::response::Response::builder()
            .header("content-type", "application/json")
            .header("X-request-id", format!("rid-{n}"));
        let body = match answers.get(n) {
            Some((status, retry_after)) => {
                reply = reply.status(*status);
                if let Some(after) = retry_after {
                    reply = reply.header("retry-after", *after);
                }
                format!(r#"{{"error_code":"APIGW.{status}","error_msg":"try later"}}"#)
            }
            None => {
                reply = reply.status(201);
                serde_json::json!({"id": "cfg-1", "publish_domain": DOMAIN, "app": "live"})
                    .to_string()
            }
        };
        reply.body(axum::body::Body::from(body)).unwrap()
    })
    .await
}

/// The closing numbers of the issue: 200 creates of distinct pairs and 200
/// reads through 20% faults (lost answers among them) all succeed, and the
/// emulator then holds exactly 200 configs.
#[tokio::test]
async fn two_hundred_creates_and_reads_through_faults_lose_and_duplicate_nothing() {
    let spec = "rate=0.2,seed=21,kinds=429+502+503+504+reset+lost+slow,retry-after=0,latency=5";
    let faults: Faults = spec.parse().unwrap();
    let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let client = client(emulator.base_url(), quick(8));
    let (mut attempts, mut recovered, mut ids) = (0, 0, Vec::new());
    for n in 0..200 {
        let made = create(&client, config(DOMAIN, &format!("app-{n}")))
            .await
            .unwrap_or_else(|e| panic!("create {n}: {}", ApiError::from(e)));
        attempts += made.attempts();
        recovered += u32::from(made.recovered());
        ids.push(made.into_inner().id);
    }
    for (n, id) in ids.iter().enumerate() {
        let read = show(&client, id)
            .await
            .unwrap_or_else(|e| panic!("read {n}: {}", ApiError::from(e)));
        attempts += read.attempts();
        assert_eq!(read.into_inner().app, format!("app-{n}"));
    }
    // What the emulator holds: three pages of 100 (the calls go through
    // the faults too).
    let mut all = Vec::new();
    for offset in [0, 100, 200] {
        let page = common::list(&client)
            .limit(100)
            .offset(offset)
            .send()
            .await
            .unwrap_or_else(|e| panic!("list at {offset}: {}", ApiError::from(e)));
        attempts += page.attempts();
        all.extend(page.into_inner().callback_config);
    }
    let report = faults.report();
    let pairs: HashSet<_> = all.iter().map(|c| c.app.clone()).collect();
    let retried: BTreeMap<_, _> = report
        .injected
        .iter()
        .filter(|(k, _)| **k != FaultKind::Slow)
        .map(|(k, n)| (k.name(), *n))
        .collect();
    eprintln!(
        "faults {spec}: 403 calls and {recovered} lookups, {} requests; {attempts} attempts \
         of the 403; retries by reason {retried:?}; {} slow answers; {recovered} creates \
         recovered; {} configs at the end",
        report.requests,
        report.injected.get(&FaultKind::Slow).unwrap_or(&0),
        all.len()
    );
    assert_eq!(all.len(), 200, "every create made one config");
    assert_eq!(pairs.len(), 200, "no pair twice");
    let lost = report.injected.get(&FaultKind::Lost).copied().unwrap_or(0);
    assert!(
        lost > 0 && recovered > 0,
        "lost answers were met and recovered: {report:?}"
    );
    // Every call succeeded, and every fault but a slow answer cost exactly
    // one more attempt: each request is one attempt of the 403 calls or of
    // a recovery's lookup.
    assert_eq!(
        report.requests,
        403 + u64::from(recovered) + retried.values().sum::<u64>()
    );
}

#[tokio::test]
async fn a_retry_after_of_one_second_is_waited() {
    let (base, log) = scripted(vec![(429, Some("1"))]).await;
    let client = client(&base, quick(3));
    let started = Instant::now();
    let made = create(&client, config(DOMAIN, "live")).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(made.attempts(), 2);
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");
    assert_eq!(log.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_as_an_http_date_is_waited_and_a_long_one_is_not() {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let date: &'static str = Box::leak(date.into_boxed_str());
    let (base, _) = scripted(vec![(503, Some(date))]).await;
    let started = Instant::now();
    create(&client(&base, quick(3)), config(DOMAIN, "live"))
        .await
        .unwrap();
    // An HTTP date has whole seconds: at least one of the two is left.
    assert!(started.elapsed() >= Duration::from_millis(900));

    let (base, log) = scripted(vec![(429, Some("3600"))]).await;
    let started = Instant::now();
    let err = failure(create(&client(&base, quick(3)), config(DOMAIN, "live")).await);
    assert_eq!(
        (err.status(), err.attempts()),
        (Some(429), Some(1)),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(log.requests().len(), 1);
}

#[tokio::test]
async fn the_budget_stops_retrying_under_a_sustained_outage_within_the_deadline() {
    let faults = Faults::always(FaultKind::Unavailable);
    let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let deadline = Duration::from_secs(2);
    let policy = quick(5)
        .with_deadline(deadline)
        .with_budget(RetryBudget::new(20, 5, 10));
    let client = client(emulator.base_url(), policy.clone());
    let started = Instant::now();
    let mut attempts = Vec::new();
    for _ in 0..20 {
        let err = failure(show(&client, "cfg-1").await);
        assert_eq!(err.status(), Some(503), "{err}");
        assert_eq!(err.error_code(), Some("EMULATOR.503"));
        assert!(err.request_id().is_some());
        attempts.push(err.attempts().unwrap());
    }
    // The first call spends the 20 tokens on four retries; the others make
    // one attempt each.
    assert_eq!(attempts[0], 5, "{attempts:?}");
    assert!(attempts[1..].iter().all(|a| *a == 1), "{attempts:?}");
    assert_eq!(faults.report().requests, 24);
    assert!(started.elapsed() < deadline, "{:?}", started.elapsed());
    // The client's context is a clone of `policy`: they share the bucket.
    assert_eq!(policy.budget().map(RetryBudget::available), Some(0));
}

#[tokio::test]
async fn the_deadline_stops_retrying_when_the_next_wait_would_pass_it() {
    let faults = Faults::always(FaultKind::Unavailable);
    let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let policy = RetryPolicy::default()
        .with_attempts(100)
        .with_delays(Duration::from_millis(100), Duration::from_millis(100))
        .with_deadline(Duration::from_millis(500))
        .with_budget(None);
    let started = Instant::now();
    let err = failure(show(&client(emulator.base_url(), policy), "cfg-1").await);
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    let attempts = err.attempts().unwrap();
    assert!((2..100).contains(&attempts), "{attempts}");
    assert_eq!(faults.report().requests, u64::from(attempts));
    assert!(
        err.to_string()
            .contains(&format!("after {attempts} attempts")),
        "{err}"
    );
}

#[tokio::test]
async fn with_retries_off_a_fault_is_one_error_after_one_attempt() {
    for kind in [
        FaultKind::Unavailable,
        FaultKind::Throttled,
        FaultKind::Reset,
    ] {
        let faults = Faults::always(kind);
        let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
            .await
            .unwrap();
        let err = failure(show(&client(emulator.base_url(), RetryPolicy::none()), "cfg-1").await);
        assert_eq!(faults.report().requests, 1, "{kind}: {err}");
        match kind.status() {
            Some(status) => {
                assert_eq!((err.status(), err.attempts()), (Some(status), Some(1)))
            }
            None => assert!(matches!(err, ApiError::Transport(_)), "{kind}: {err:?}"),
        }
    }
}

#[tokio::test]
async fn a_500_is_never_retried() {
    let faults = Faults::always(FaultKind::Internal);
    let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let err = failure(show(&client(emulator.base_url(), quick(5)), "cfg-1").await);
    assert_eq!(
        (err.status(), err.attempts()),
        (Some(500), Some(1)),
        "{err}"
    );
    assert_eq!(err.error_code(), Some("EMULATOR.500"));
    assert_eq!(faults.report().requests, 1);
}

/// A create whose answer is lost is retried; the retry meets the pair that
/// the first attempt made, and the client returns that config, marked.
#[tokio::test]
async fn a_create_whose_answer_was_lost_is_recovered_not_duplicated() {
    // With retries off the create is one transport error, and applied.
    let faults: Faults = "rate=1,kinds=lost,count=1".parse().unwrap();
    let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let once = client(emulator.base_url(), RetryPolicy::none());
    let err = failure(create(&once, config(DOMAIN, "a")).await);
    assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
    let listed = common::list(&once).send().await.unwrap().into_inner();
    assert_eq!(
        listed.callback_config.len(),
        1,
        "the lost create was applied"
    );
    drop(emulator);

    // With retries: lost, then refused with LIVE.103011018, then found.
    let faults: Faults = "rate=1,kinds=lost,count=1".parse().unwrap();
    let emulator = Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let client = client(emulator.base_url(), quick(3));
    let made = create(&client, config(DOMAIN, "a")).await.unwrap();
    assert!(made.recovered());
    assert_eq!(made.status(), 201u16);
    assert_eq!(made.attempts(), 2);
    assert!(made.headers().contains_key("x-request-id"));
    let made = made.into_inner();
    assert_eq!(
        (made.publish_domain.as_str(), made.app.as_str()),
        (DOMAIN, "a")
    );
    // create (lost), create (refused), the lookup, and this list.
    let listed = common::list(&client).send().await.unwrap();
    assert!(!listed.recovered());
    assert_eq!(
        listed.into_inner().callback_config.len(),
        1,
        "none duplicated"
    );
    assert_eq!(faults.report().requests, 4);
}

#[tokio::test]
async fn a_pair_that_existed_before_is_not_taken_for_a_lost_create() {
    // The pair exists with another URL; the create's answer is lost, and
    // its retry is refused: the config found is not what was sent, so the
    // refusal stands.
    let faults: Faults = "rate=1,kinds=lost,skip=1,count=1".parse().unwrap();
    let (emulator, client) = common::emulator_with(
        EmulatorConfig::default().with_faults(faults),
        ClientContext::anonymous().with_retry(quick(3)),
        &[serde_json::json!({"publish_domain": DOMAIN, "app": "live",
            "notify_callback_url": "https://elsewhere.example.com/hook"})],
    )
    .await;
    let err = failure(create(&client, config(DOMAIN, "live")).await);
    assert_eq!(err.error_code(), Some("LIVE.103011018"), "{err}");
    assert_eq!(err.attempts(), Some(2));

    // Without a lost answer, an existing pair is a refusal after one
    // attempt.
    let err = failure(create(&client, config(DOMAIN, "live")).await);
    assert_eq!(
        (err.error_code(), err.attempts()),
        (Some("LIVE.103011018"), Some(1))
    );
    drop(emulator);
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_is_done() {
    // The create and the list pass; the delete's first answer is lost (the
    // config is gone), its retry is answered 404: the delete is done.
    let faults: Faults = "rate=1,kinds=lost,skip=2,count=1".parse().unwrap();
    let (emulator, client) = common::emulator_with(
        EmulatorConfig::default().with_faults(faults.clone()),
        ClientContext::anonymous().with_retry(quick(3)),
        &[config(DOMAIN, "live")],
    )
    .await;
    let id = common::list(&client)
        .send()
        .await
        .unwrap()
        .into_inner()
        .callback_config[0]
        .id
        .clone();
    let done = delete(&client, &id).await.unwrap();
    assert_eq!(
        (done.status().as_u16(), done.attempts(), done.recovered()),
        (204, 2, true)
    );
    // A delete of a config that was never there is still a 404.
    let err = failure(delete(&client, &id).await);
    assert_eq!((err.status(), err.attempts()), (Some(404), Some(1)));
    drop(emulator);
}

/// A clock that moves a minute at every reading.
#[derive(Debug)]
struct Ticking(Mutex<DateTime<Utc>>);

impl Clock for Ticking {
    fn now(&self) -> DateTime<Utc> {
        let mut now = self.0.lock().unwrap();
        *now += TimeDelta::minutes(1);
        *now
    }
}

#[tokio::test]
async fn each_attempt_is_signed_afresh() {
    let (base, log) = scripted(vec![(503, None), (502, None)]).await;
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let auth = Authenticator::new(creds()).with_clock(Ticking(Mutex::new(start)));
    let context = ClientContext::authenticated(auth).with_retry(quick(3));
    let client = Client::with_context(&base, context).unwrap();
    let made = create(&client, config(DOMAIN, "live")).await.unwrap();
    assert_eq!(made.attempts(), 3);
    let seen = log.requests();
    assert_eq!(seen.len(), 3);
    let mut dates = HashSet::new();
    let mut signatures = HashSet::new();
    for (n, request) in seen.iter().enumerate() {
        let date = request.headers["x-sdk-date"].to_str().unwrap();
        let when = Utc.from_utc_datetime(
            &chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ").unwrap(),
        );
        assert_eq!(
            when,
            start + TimeDelta::minutes(n as i64 + 1),
            "attempt {n}"
        );
        dates.insert(date.to_owned());
        signatures.insert(
            request.headers["authorization"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
        // Each one is valid at its own time, as the gateway checks it.
        creds()
            .verify(
                &request.method,
                &request.uri,
                &request.headers,
                &request.body,
                when,
            )
            .unwrap_or_else(|e| panic!("attempt {n}: {e}"));
    }
    assert_eq!((dates.len(), signatures.len()), (3, 3));
    assert!(seen.iter().all(|r| r.uri.contains(PROJECT)));
}
