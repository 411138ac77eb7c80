//! Firing notifications from the emulator against receivers on 127.0.0.1,
//! and the gate in front of the trigger route.

use live_record_callbacks_test_support as common;

use chrono::Utc;
use live_record_callbacks::auth::{Authenticator, IamToken};
use live_record_callbacks::notify::{self, NotificationVerifier};
use live_record_callbacks::types::SignType;
use live_record_callbacks::{Client, ClientContext};
use live_record_callbacks_emulator::{
    Emulator, EmulatorConfig, TriggerReport, TriggerRequest, TRIGGER_PATH,
};
use serde_json::{json, Value};

use common::TRIGGER_KEY as KEY;

/// An anonymous emulator holding `configs`.
async fn setup(configs: &[Value]) -> (Emulator, Client) {
    common::emulator_with(
        EmulatorConfig::default(),
        ClientContext::anonymous(),
        configs,
    )
    .await
}

async fn fire(emulator: &Emulator, app: &str, event: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{TRIGGER_PATH}", emulator.base_url()))
        .json(&json!({"publish_domain": common::DOMAIN, "app": app, "stream": "s1", "event_type": event}))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn exact_app_wins_over_the_wildcard_and_the_body_is_signed() {
    let (exact_url, exact) = common::hook(200).await;
    let (star_url, star) = common::hook(200).await;
    let (emulator, _client) = setup(&[
        json!({"publish_domain": common::DOMAIN, "app": "live", "notify_callback_url": exact_url, "key": KEY, "sign_type": "HMACSHA256"}),
        json!({"publish_domain": common::DOMAIN, "app": "*", "notify_callback_url": star_url, "key": KEY, "sign_type": "MD5", "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_OVER"]}),
    ])
    .await;

    let (status, report) = fire(&emulator, "live", "RECORD_FILE_COMPLETE").await;
    assert_eq!(status, 200, "{report}");
    let report: TriggerReport = serde_json::from_value(report).unwrap();
    assert!(report.delivered && report.signed);
    assert_eq!(report.config_app, "live");
    let body = &exact.requests()[0].body;
    // What the receiver got verifies with the key, as HMACSHA256.
    let n = NotificationVerifier::new(SignType::Hmacsha256, KEY.parse().unwrap())
        .receive(body)
        .unwrap()
        .into_known()
        .unwrap();
    assert_eq!(
        (n.event_type().to_string().as_str(), n.app(), n.stream()),
        ("RECORD_FILE_COMPLETE", "live", "s1")
    );
    assert!(n.download_url().is_some());
    assert!(star.requests().is_empty());

    // Another app of the domain falls to the `*` config, signed with MD5.
    let (status, _) = fire(&emulator, "other", "RECORD_OVER").await;
    assert_eq!(status, 200);
    let body = &star.requests()[0].body;
    let n = NotificationVerifier::new(SignType::Md5, KEY.parse().unwrap())
        .receive(body)
        .unwrap()
        .into_known()
        .unwrap();
    assert_eq!(n.event_type(), "RECORD_OVER");
    assert_eq!(n.app(), "other");
    assert!(
        NotificationVerifier::new(SignType::Hmacsha256, KEY.parse().unwrap())
            .receive(body)
            .is_err()
    );
}

#[tokio::test]
async fn subscriptions_urls_and_receivers_are_honoured() {
    let (url, log) = common::hook(200).await;
    let (failing_url, _) = common::hook(500).await;
    let (emulator, _client) = setup(&[
        // Defaults: RECORD_FILE_COMPLETE only, no key.
        json!({"publish_domain": common::DOMAIN, "app": "live", "notify_callback_url": url}),
        json!({"publish_domain": common::DOMAIN, "app": "nourl"}),
        json!({"publish_domain": common::DOMAIN, "app": "broken", "notify_callback_url": failing_url}),
        json!({"publish_domain": common::DOMAIN, "app": "gone", "notify_callback_url": "http://127.0.0.1:9/nothing-listens"}),
    ])
    .await;

    let (status, report) = fire(&emulator, "live", "RECORD_OVER").await;
    assert_eq!(status, 409);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("does not subscribe to RECORD_OVER"),
        "{report}"
    );
    assert!(log.requests().is_empty());

    let (status, report) = fire(&emulator, "live", "RECORD_FILE_COMPLETE").await;
    assert_eq!(status, 200);
    assert_eq!(report["signed"], false);
    let sent: Value = serde_json::from_slice(&log.requests()[0].body).unwrap();
    assert!(
        sent.get("auth_sign").is_none() && sent.get("auth_timestamp").is_none(),
        "{sent}"
    );
    notify::parse(&log.requests()[0].body).unwrap();

    let (status, report) = fire(&emulator, "nourl", "RECORD_FILE_COMPLETE").await;
    assert_eq!(status, 409);
    assert!(report["error"]
        .as_str()
        .unwrap()
        .contains("no notify_callback_url"));

    let (status, report) = fire(&emulator, "broken", "RECORD_FILE_COMPLETE").await;
    assert_eq!(
        (status, &report["receiver_status"], &report["delivered"]),
        (200, &json!(500), &json!(false))
    );

    let (status, report) = fire(&emulator, "gone", "RECORD_FILE_COMPLETE").await;
    assert_eq!(status, 502);
    assert!(
        report["receiver_body"]
            .as_str()
            .unwrap()
            .starts_with("could not reach"),
        "{report}"
    );

    let (status, report) = fire(&emulator, "live", "RECORD_PAUSED").await;
    assert_eq!(status, 400);
    assert!(report["error"].as_str().unwrap().starts_with("event_type:"));

    let resp = reqwest::Client::new()
        .post(format!("{}{TRIGGER_PATH}", emulator.base_url()))
        .json(&json!({"publish_domain": "elsewhere.example.com", "app": "live", "stream": "s", "event_type": "RECORD_START"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

/// The report's notification is what the receiver got, byte for byte as
/// JSON: the typed notification the emulator built and signed.
#[tokio::test]
async fn the_report_carries_the_notification_that_was_sent() {
    let (url, log) = common::hook(200).await;
    let (emulator, _client) = setup(&[json!({"publish_domain": common::DOMAIN, "app": "live",
        "notify_callback_url": url, "key": KEY,
        "notify_event_subscription": ["RECORD_NEW_FILE_START"]})])
    .await;
    for event in ["RECORD_START", "RECORD_NEW_FILE_START"] {
        let (status, report) = fire(&emulator, "live", event).await;
        assert_eq!(status, 200, "{report}");
        let report: TriggerReport = serde_json::from_value(report).unwrap();
        let sent = notify::parse(&log.requests().last().unwrap().body)
            .unwrap()
            .into_known()
            .unwrap();
        assert_eq!(report.notification, sent);
        assert_eq!(sent.event_type(), event);
        assert_eq!(sent.job_id().is_some(), event == "RECORD_NEW_FILE_START");
        NotificationVerifier::new(SignType::Hmacsha256, KEY.parse().unwrap())
            .verify(&sent)
            .unwrap();
    }
}

/// When the emulator requires credentials, the trigger route does too: it
/// makes the emulator POST to a configured URL.
#[tokio::test]
async fn the_trigger_route_is_behind_the_same_gate() {
    let (url, log) = common::hook(200).await;
    let token = IamToken::new("MIItriggertoken").unwrap();
    let (emulator, _client) = common::emulator_with(
        EmulatorConfig::default()
            .with_aksk(common::creds())
            .with_token(token.clone()),
        ClientContext::authenticated(Authenticator::new(common::creds())),
        &[json!({"publish_domain": common::DOMAIN, "app": "live", "notify_callback_url": url})],
    )
    .await;
    let request = TriggerRequest {
        project_id: Some(common::PROJECT.into()),
        publish_domain: common::DOMAIN.into(),
        app: "live".into(),
        stream: "s1".into(),
        event_type: "RECORD_FILE_COMPLETE".parse().unwrap(),
    };
    let http = reqwest::Client::new();
    let call = || {
        http.post(format!("{}{TRIGGER_PATH}", emulator.base_url()))
            .json(&request)
            .build()
            .unwrap()
    };

    // No credentials: refused like the API, and nothing is sent.
    let resp = http.execute(call()).await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], "APIGW.0301", "{body}");
    assert!(log.requests().is_empty());

    // A wrong secret key, or a wrong token: refused.
    let wrong =
        live_record_callbacks::auth::AkSkCredentials::new(common::AK, "not-the-secret").unwrap();
    for auth in [
        Authenticator::new(wrong),
        Authenticator::new(IamToken::new("MIIother").unwrap()),
    ] {
        let mut req = call();
        auth.authenticate(&mut req).unwrap();
        assert_eq!(http.execute(req).await.unwrap().status(), 401);
    }
    assert!(log.requests().is_empty());

    // Signed with the emulator's AK/SK, or with its token: accepted and sent.
    for auth in [
        Authenticator::new(common::creds()),
        Authenticator::new(token.clone()),
    ] {
        let mut req = call();
        auth.authenticate(&mut req).unwrap();
        let resp = http.execute(req).await.unwrap();
        assert_eq!(resp.status(), 200);
        let report: TriggerReport = resp.json().await.unwrap();
        assert!(report.delivered, "{report:?}");
    }
    assert_eq!(log.requests().len(), 2);

    // A signature made 20 minutes ago is as stale here as on the API.
    let mut req = call();
    Authenticator::new(common::creds())
        .with_clock(live_record_callbacks::clock::FixedClock(
            Utc::now() - chrono::TimeDelta::minutes(20),
        ))
        .authenticate(&mut req)
        .unwrap();
    assert_eq!(http.execute(req).await.unwrap().status(), 401);
    assert_eq!(log.requests().len(), 2);
}
