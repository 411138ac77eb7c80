//! `configs` with `--retries`, `--timeout` and `-v` against the emulator
//! with injected faults.

use live_record_callbacks_emulator::{Emulator, EmulatorConfig, FaultKind, Faults};
use live_record_callbacks_test_support as common;

use super::configs::{aksk, run};

async fn faulty(faults: &Faults) -> Emulator {
    let config = EmulatorConfig::default()
        .with_aksk(common::creds())
        .with_faults(faults.clone());
    Emulator::start(config).await.unwrap()
}

#[tokio::test]
async fn verbose_prints_the_call_and_each_retry_and_no_secret() {
    let faults = Faults::always(FaultKind::Unavailable);
    let emulator = faulty(&faults).await;
    let base = emulator.base_url();
    let args = [
        "configs",
        "list",
        "--endpoint",
        base,
        "--retries",
        "2",
        "-v",
    ];
    let out = run(&args, &aksk(), "").await;
    assert_eq!(out.code, Some(4), "refused: {out:?}");
    assert_eq!(faults.report().requests, 3);
    let retries: Vec<_> = out
        .stderr
        .lines()
        .filter(|l| l.contains(": retrying "))
        .collect();
    assert_eq!(retries.len(), 2, "{}", out.stderr);
    for retry in &retries {
        for field in [
            "operation=\"list_record_callback_configs\"",
            "reason=\"503\"",
            "delay_ms=",
            "request_id=",
        ] {
            assert!(retry.contains(field), "{field} in {retry}");
        }
    }
    assert!(out.stderr.contains("attempts=3"), "{}", out.stderr);
    assert!(out.stderr.contains("status=503"), "{}", out.stderr);
    assert!(out.stderr.contains("(after 3 attempts)"), "{}", out.stderr);
    for secret in [common::SK, "Signature=", "SDK-HMAC-SHA256"] {
        assert!(!out.stderr.contains(secret), "{secret} in {}", out.stderr);
    }
}

#[tokio::test]
async fn retries_zero_is_one_attempt_and_without_v_nothing_is_traced() {
    let faults = Faults::always(FaultKind::Throttled).with_retry_after(0);
    let emulator = faulty(&faults).await;
    let base = emulator.base_url();
    let out = run(
        &["configs", "list", "--endpoint", base, "--retries", "0"],
        &aksk(),
        "",
    )
    .await;
    assert_eq!(out.code, Some(4), "{out:?}");
    assert_eq!(faults.report().requests, 1);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: 429 EMULATOR.429"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn timeout_bounds_a_call_and_its_retries() {
    let faults: Faults = "rate=1,kinds=slow,latency=5000".parse().unwrap();
    let emulator = faulty(&faults).await;
    let base = emulator.base_url();
    let started = std::time::Instant::now();
    let out = run(
        &["configs", "list", "--endpoint", base, "--timeout", "1"],
        &aksk(),
        "",
    )
    .await;
    assert_eq!(out.code, Some(6), "a transport failure: {out:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
}

#[tokio::test]
async fn a_bad_faults_spec_is_a_usage_error_naming_the_part() {
    let out = run(
        &["emulate", "--faults", "rate=0.2,kinds=429+teapot"],
        &[],
        "",
    )
    .await;
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("--faults") && out.stderr.contains("`teapot` is not a fault"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn bad_retry_flags_are_usage_errors_naming_the_flag() {
    for (flag, value) in [("--retries", "11"), ("--retries", "x"), ("--timeout", "0")] {
        let out = run(
            &[
                "configs",
                "list",
                "--endpoint",
                "http://127.0.0.1:9",
                flag,
                value,
            ],
            &aksk(),
            "",
        )
        .await;
        assert_eq!(out.code, Some(2), "{out:?}");
        assert!(out.stderr.contains(flag), "{}", out.stderr);
    }
}
