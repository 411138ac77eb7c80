//! Firing notifications from the emulator, and the command line's
//! `trigger` and `verify`, against receivers on 127.0.0.1.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use axum::{body::Bytes, http::StatusCode, routing::post, Router};
use live_record_callbacks::emulator::{Emulator, EmulatorConfig, TriggerReport, RESERVED_PREFIX};
use live_record_callbacks::notify::{self, Verifier};
use live_record_callbacks::types::SignType;
use live_record_callbacks::{Client, ClientContext};
use serde_json::{json, Value};

const KEY: &str = "TriggerTestKey0123456789abcdefABCD";

/// A receiver that answers `status` and keeps every body it gets.
async fn receiver(status: u16) -> (String, common::Log) {
    let log = common::Log::default();
    let seen = log.clone();
    let app = Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let seen = seen.clone();
            async move {
                seen.0.lock().unwrap().push(common::Seen {
                    method: "POST".into(),
                    uri: "/hook".into(),
                    headers: Default::default(),
                    body: body.to_vec(),
                });
                (StatusCode::from_u16(status).unwrap(), "{\"ok\":true}")
            }
        }),
    );
    (format!("{}/hook", common::serve(app).await), log)
}

async fn setup(configs: &[Value]) -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::with_context(emulator.base_url(), ClientContext::anonymous()).unwrap();
    for c in configs {
        client
            .create_record_callback_config()
            .project_id("p1")
            .body(c.clone())
            .send()
            .await
            .unwrap();
    }
    (emulator, client)
}

async fn fire(emulator: &Emulator, app: &str, event: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{RESERVED_PREFIX}/trigger", emulator.base_url()))
        .json(&json!({"publish_domain": "push.example.com", "app": app, "stream": "s1", "event_type": event}))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn exact_app_wins_over_the_wildcard_and_the_body_is_signed() {
    let (exact_url, exact) = receiver(200).await;
    let (star_url, star) = receiver(200).await;
    let (emulator, _client) = setup(&[
        json!({"publish_domain": "push.example.com", "app": "live", "notify_callback_url": exact_url, "key": KEY, "sign_type": "HMACSHA256"}),
        json!({"publish_domain": "push.example.com", "app": "*", "notify_callback_url": star_url, "key": KEY, "sign_type": "MD5", "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_OVER"]}),
    ])
    .await;

    let (status, report) = fire(&emulator, "live", "RECORD_FILE_COMPLETE").await;
    assert_eq!(status, 200, "{report}");
    let report: TriggerReport = serde_json::from_value(report).unwrap();
    assert!(report.delivered && report.signed);
    assert_eq!(report.config_app, "live");
    let body = &exact.requests()[0].body;
    // What the receiver got verifies with the key, as HMACSHA256.
    let n = Verifier::new(SignType::Hmacsha256, KEY.parse().unwrap())
        .receive(body)
        .unwrap();
    assert_eq!(
        (n.event_type(), n.app(), n.stream()),
        ("RECORD_FILE_COMPLETE", "live", "s1")
    );
    assert!(n.download_url().is_some());
    assert!(star.requests().is_empty());

    // Another app of the domain falls to the `*` config, signed with MD5.
    let (status, _) = fire(&emulator, "other", "RECORD_OVER").await;
    assert_eq!(status, 200);
    let body = &star.requests()[0].body;
    let n = Verifier::new(SignType::Md5, KEY.parse().unwrap())
        .receive(body)
        .unwrap();
    assert_eq!((n.event_type(), n.app()), ("RECORD_OVER", "other"));
    assert!(Verifier::new(SignType::Hmacsha256, KEY.parse().unwrap())
        .receive(body)
        .is_err());
}

#[tokio::test]
async fn subscriptions_urls_and_receivers_are_honoured() {
    let (url, log) = receiver(200).await;
    let (failing_url, _) = receiver(500).await;
    let (emulator, _client) = setup(&[
        // Defaults: RECORD_FILE_COMPLETE only, no key.
        json!({"publish_domain": "push.example.com", "app": "live", "notify_callback_url": url}),
        json!({"publish_domain": "push.example.com", "app": "nourl"}),
        json!({"publish_domain": "push.example.com", "app": "broken", "notify_callback_url": failing_url}),
        json!({"publish_domain": "push.example.com", "app": "gone", "notify_callback_url": "http://127.0.0.1:9/nothing-listens"}),
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
        .post(format!("{}{RESERVED_PREFIX}/trigger", emulator.base_url()))
        .json(&json!({"publish_domain": "elsewhere.example.com", "app": "live", "stream": "s", "event_type": "RECORD_START"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_live-record-callbacks"))
}

#[tokio::test]
async fn command_line_trigger_fires_and_reports() {
    let (url, log) = receiver(200).await;
    let (emulator, _client) = setup(&[json!({"publish_domain": "push.example.com", "app": "live", "notify_callback_url": url, "key": KEY})]).await;
    let base = emulator.base_url().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        cli()
            .args([
                "trigger",
                "--emulator",
                &base,
                "--domain",
                "push.example.com",
                "--app",
                "live",
                "--stream",
                "s9",
                "--event",
                "RECORD_FILE_COMPLETE",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("receiver answered 200"), "{stderr}");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["stream"], "s9");
    assert_eq!(log.requests().len(), 1);

    // Not subscribed: exit 1 with the reason.
    let base = emulator.base_url().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        cli()
            .args([
                "trigger",
                "--emulator",
                &base,
                "--domain",
                "push.example.com",
                "--app",
                "live",
                "--stream",
                "s9",
                "--event",
                "RECORD_FAILED",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not subscribe to RECORD_FAILED"));
}

fn verify_cli(args: &[&str], stdin: &[u8]) -> (Option<i32>, String) {
    let mut child = cli()
        .arg("verify")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn command_line_verify_says_why_not() {
    let mut n = notify::parse(
        json!({"project_id": "p", "task_id": "t", "event_type": "RECORD_OVER", "publish_domain": "push.example.com",
               "app": "live", "stream": "s", "record_format": "HLS", "file_size": 1, "record_duration": 2})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    notify::sign(
        &mut n,
        SignType::Hmacsha256,
        &KEY.parse().unwrap(),
        chrono::Utc::now().timestamp(),
    );
    let good = serde_json::to_vec(&n).unwrap();

    let (code, out) = verify_cli(&["--key", KEY], &good);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("valid: RECORD_OVER for push.example.com/live/s"),
        "{out}"
    );

    let tampered = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"stream\":\"s\"", "\"stream\":\"x\"");
    let (code, out) = verify_cli(&["--key", KEY], tampered.as_bytes());
    assert_eq!(code, Some(1));
    assert!(out.contains("invalid: signature mismatch"), "{out}");

    let (code, out) = verify_cli(&["--key", KEY, "--sign-type", "MD5"], &good);
    assert_eq!(code, Some(1));
    assert!(out.contains("invalid: malformed signature"), "{out}");

    // Key rotation: the old key first, the right one second.
    let (code, _) = verify_cli(
        &["--key", "OldKey0123456789abcdefABCDEF012345", "--key", KEY],
        &good,
    );
    assert_eq!(code, Some(0));

    let (code, out) = verify_cli(&["--key", "short"], &good);
    assert_eq!(code, Some(2));
    assert!(
        out.contains("--key #1: key must be at least 32 characters"),
        "{out}"
    );

    let (code, out) = verify_cli(&["--key", KEY], b"{\"event_type\": 3}");
    assert_eq!(code, Some(2));
    assert!(out.contains("not a recording notification"), "{out}");
}
