//! The command line's `trigger` and `verify` (its `emulate` is what the
//! conformance run starts), against an emulator and receivers on 127.0.0.1.

use live_record_callbacks_test_support as common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use live_record_callbacks::auth::{Authenticator, IamToken};
use live_record_callbacks::notify;
use live_record_callbacks::types::SignType;
use live_record_callbacks::ClientContext;
use live_record_callbacks_emulator::EmulatorConfig;
use serde_json::{json, Value};

use common::TRIGGER_KEY as KEY;

/// The binary, with no credentials from the caller's environment.
fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_live-record-callbacks"));
    command.env_clear();
    command
}

/// Runs `trigger` against `base` with `extra` arguments and `env`.
async fn trigger(base: &str, event: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = cli();
    command.args(common::trigger_args(base, "live", "s9", event));
    command.args(extra).envs(env.iter().copied());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn command_line_trigger_fires_and_reports() {
    let (url, log) = common::hook(200).await;
    let (emulator, _client) = common::emulator_with(
        EmulatorConfig::default(),
        ClientContext::anonymous(),
        &[json!({"publish_domain": common::DOMAIN, "app": "live", "notify_callback_url": url, "key": KEY})],
    )
    .await;
    let out = trigger(emulator.base_url(), "RECORD_FILE_COMPLETE", &[], &[]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("receiver answered 200"), "{stderr}");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["stream"], "s9");
    assert_eq!(log.requests().len(), 1);

    // Not subscribed: exit 1 with the reason.
    let out = trigger(emulator.base_url(), "RECORD_FAILED", &[], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not subscribe to RECORD_FAILED"));

    // An event the contract does not know: clap refuses it, listing the
    // events read from the generated types.
    let out = trigger(emulator.base_url(), "RECORD_PAUSED", &[], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for event in notify::EventType::all() {
        assert!(stderr.contains(&event.to_string()), "{stderr}");
    }
    assert_eq!(log.requests().len(), 1);
}

/// Against an emulator that requires credentials, `trigger` is refused
/// without them and signs its request with them (flags or the SDK's
/// environment variables).
#[tokio::test]
async fn command_line_trigger_signs_when_the_emulator_requires_it() {
    let (url, log) = common::hook(200).await;
    let (emulator, _client) = common::emulator_with(
        EmulatorConfig::default()
            .with_aksk(common::creds())
            .with_token(IamToken::new("MIIclitoken").unwrap()),
        ClientContext::authenticated(Authenticator::new(common::creds())),
        &[json!({"publish_domain": common::DOMAIN, "app": "live", "notify_callback_url": url})],
    )
    .await;
    let base = emulator.base_url();
    let event = "RECORD_FILE_COMPLETE";

    let out = trigger(base, event, &[], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not sent (401 Unauthorized)"), "{stderr}");
    assert!(stderr.contains("carries no credentials"), "{stderr}");
    let out = trigger(
        base,
        event,
        &["--ak", common::AK, "--sk", "not-the-secret"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(log.requests().is_empty());

    let out = trigger(base, event, &["--ak", common::AK, "--sk", common::SK], &[]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = [
        ("HUAWEICLOUD_SDK_AK", common::AK),
        ("HUAWEICLOUD_SDK_SK", common::SK),
    ];
    let out = trigger(base, event, &[], &env).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = trigger(base, event, &["--token", "MIIclitoken"], &[]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(log.requests().len(), 3);
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
        json!({"project_id": "p", "task_id": "t", "event_type": "RECORD_OVER", "publish_domain": common::DOMAIN,
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

    let (code, out) = verify_cli(&["--key", KEY, "--sign-type", "SHA1"], &good);
    assert_eq!(code, Some(2));
    assert!(out.contains("[possible values: HMACSHA256, MD5]"), "{out}");

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

    // auth_timestamp as an expiry time ten minutes ahead: valid, unless
    // the bound on the future is set below it.
    let mut expiring = notify::parse(&good).unwrap();
    notify::sign(
        &mut expiring,
        SignType::Hmacsha256,
        &KEY.parse().unwrap(),
        chrono::Utc::now().timestamp() + 600,
    );
    let expiring = serde_json::to_vec(&expiring).unwrap();
    let (code, out) = verify_cli(&["--key", KEY], &expiring);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = verify_cli(&["--key", KEY, "--future-bound", "60"], &expiring);
    assert_eq!(code, Some(1));
    assert!(out.contains("invalid: future timestamp"), "{out}");

    // An event the contract does not list: checked by the same rule.
    let mut unknown = notify::parse(
        json!({"event_type": "RECORD_PAUSED", "publish_domain": common::DOMAIN, "app": "live",
               "stream": "s", "task_id": "t"})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    notify::sign(
        &mut unknown,
        SignType::Hmacsha256,
        &KEY.parse().unwrap(),
        chrono::Utc::now().timestamp(),
    );
    let (code, out) = verify_cli(&["--key", KEY], &serde_json::to_vec(&unknown).unwrap());
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("valid: RECORD_PAUSED for push.example.com/live/s (task t); not an event the contract lists"),
        "{out}"
    );
}
