//! Injected faults as a client meets them over loopback: the service's
//! error shapes with request ids, `Retry-After`, dropped connections,
//! answers lost after the change, latency, and the same faults for the same
//! seed.

use std::time::{Duration, Instant};

use live_record_callbacks_emulator::{Emulator, EmulatorConfig, FaultKind, Faults};
use live_record_callbacks_test_support::{config, DOMAIN, PROJECT};
use serde_json::Value;

async fn start(faults: &Faults) -> Emulator {
    Emulator::start(EmulatorConfig::default().with_faults(faults.clone()))
        .await
        .unwrap()
}

fn list_url(emulator: &Emulator) -> String {
    format!("{}/v1/{PROJECT}/record/callbacks", emulator.base_url())
}

/// A raw client, without retries.
fn http() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn error_faults_answer_in_the_services_shape_with_request_ids() {
    for (kind, status, gateway) in [
        (FaultKind::Throttled, 429, true),
        (FaultKind::Internal, 500, false),
        (FaultKind::BadGateway, 502, true),
        (FaultKind::Unavailable, 503, true),
        (FaultKind::GatewayTimeout, 504, true),
    ] {
        let faults = Faults::always(kind).with_retry_after(7);
        let emulator = start(&faults).await;
        let answer = http().get(list_url(&emulator)).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{kind}");
        let header = answer.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(header.ends_with("-live-emulator"), "{header}");
        let retry_after = answer.headers().get("retry-after").cloned();
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["error_code"], format!("EMULATOR.{status}"), "{kind}");
        assert!(body["error_msg"]
            .as_str()
            .unwrap()
            .starts_with("injected fault"));
        // Gateway errors carry the first part of the request id in the body.
        match gateway {
            true => assert!(header.starts_with(body["request_id"].as_str().unwrap())),
            false => assert!(body.get("request_id").is_none(), "{body}"),
        }
        assert_eq!(
            retry_after.map(|v| v.to_str().unwrap().to_owned()),
            (kind == FaultKind::Throttled).then(|| "7".to_owned()),
            "{kind}"
        );
        assert_eq!(faults.report().injected.get(&kind), Some(&1));
    }
}

#[tokio::test]
async fn reset_drops_the_connection_before_anything_is_done() {
    let faults: Faults = "rate=1,kinds=reset,count=1".parse().unwrap();
    let emulator = start(&faults).await;
    let sent = http()
        .post(list_url(&emulator))
        .json(&config(DOMAIN, "live"))
        .send()
        .await;
    let err = sent.expect_err("no answer comes");
    assert!(err.is_request() && !err.is_connect(), "{err:?}");
    let list: Value = http()
        .get(list_url(&emulator))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0, "nothing was created");
}

#[tokio::test]
async fn lost_applies_the_change_and_drops_the_answer() {
    let faults: Faults = "rate=1,kinds=lost,count=1".parse().unwrap();
    let emulator = start(&faults).await;
    let sent = http()
        .post(list_url(&emulator))
        .json(&config(DOMAIN, "live"))
        .send()
        .await;
    assert!(sent.is_err(), "{sent:?}");
    let list: Value = http()
        .get(list_url(&emulator))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1, "the create happened");
    assert_eq!(list["callback_config"][0]["app"], "live");
}

#[tokio::test]
async fn slow_answers_after_the_latency() {
    let faults: Faults = "rate=1,kinds=slow,latency=300".parse().unwrap();
    let emulator = start(&faults).await;
    let started = Instant::now();
    let answer = http().get(list_url(&emulator)).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults_and_the_reserved_routes_get_none() {
    let run = |seed: u64| async move {
        let faults: Faults = format!("rate=0.3,seed={seed},kinds=429+500+503")
            .parse()
            .unwrap();
        let emulator = start(&faults).await;
        let http = http();
        let mut statuses = Vec::new();
        for _ in 0..60 {
            let answer = http.get(list_url(&emulator)).send().await.unwrap();
            statuses.push(answer.status().as_u16());
        }
        // The emulator's own route is not the service: no fault there.
        let trigger = format!("{}/_emulator/trigger", emulator.base_url());
        for _ in 0..20 {
            let answer = http
                .post(&trigger)
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            assert!(
                answer.status().as_u16() < 429 || answer.status() == 404,
                "{answer:?}"
            );
        }
        assert_eq!(faults.report().requests, 60);
        statuses
    };
    let first = run(5).await;
    assert_eq!(first, run(5).await);
    assert_ne!(first, run(6).await);
    assert!(first.iter().any(|s| *s != 200) && first.contains(&200));
}

#[tokio::test]
async fn no_faults_by_default() {
    assert!(EmulatorConfig::default().faults().is_none());
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = http();
    for _ in 0..20 {
        let answer = http.get(list_url(&emulator)).send().await.unwrap();
        assert_eq!(answer.status(), 200);
    }
}
