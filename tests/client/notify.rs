//! The receiving side: parsing, signing and verifying recording
//! notifications, against the reference's vectors, the document's examples
//! and real HTTP on 127.0.0.1.

use live_record_callbacks_test_support as common;

use std::sync::Arc;
use std::time::Duration;

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Json, Router};
use chrono::{DateTime, TimeZone, Utc};
use live_record_callbacks::clock::FixedClock;
use live_record_callbacks::notify::{
    self, EventType, Notification, NotificationVerifier, NotificationVerifyError, Outcome,
    ParseError, ReceiveError, Receiver, TIMESTAMP_FUTURE_BOUND, TIMESTAMP_WINDOW,
};
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::types::{RecordNotification, SignType};
use proptest::prelude::*;
use serde_json::{json, Value};

const KEY: &str = common::CALLBACK_KEY;
const OTHER_KEY: &str = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";
const TS: i64 = 1583676745;
const DOWNLOAD_URL: &str = "https://obs.cn-north-4.myhuaweicloud.com/live/a.m3u8";
const VECTOR_HMAC_COMPLETE: &str =
    "00e33eb3d95f075b8379822d619b7a3f6378604f156a9695332013f1969d7463";
const VECTOR_HMAC_OVER: &str = "e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9";
const VECTOR_MD5: &str = "fbea60f41db857bbdee04a5127b742fa";

/// Every event's name, from the generated types.
fn event_names() -> Vec<String> {
    EventType::all().iter().map(ToString::to_string).collect()
}

fn key(k: &str) -> CallbackKey {
    k.parse().expect("a valid key")
}

fn at(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().expect("a valid time")
}

/// The body of one event, with the fields the reference's vectors use.
fn body(event: &str) -> Value {
    let mut v = json!({
        "project_id": common::PROJECT,
        "task_id": "task-1",
        "event_type": event,
        "publish_domain": common::DOMAIN,
        "app": "live",
        "stream": "mystream",
        "record_format": "HLS",
        "file_size": 1024,
        "record_duration": 10,
    });
    if event == "RECORD_NEW_FILE_START" || event == "RECORD_FILE_COMPLETE" {
        v["job_id"] = json!("job-1");
    }
    if event == "RECORD_FILE_COMPLETE" {
        for (k, val) in [
            ("download_url", json!(DOWNLOAD_URL)),
            ("start_time", json!("2020-03-08T13:12:26Z")),
            ("end_time", json!("2020-03-08T14:12:24Z")),
            ("obs_location", json!("cn-north-4")),
            ("obs_bucket", json!("live")),
            ("obs_object", json!("a.m3u8")),
        ] {
            v[k] = val;
        }
    }
    v
}

fn parse(v: &Value) -> RecordNotification {
    notify::parse(v.to_string().as_bytes())
        .expect("a valid notification")
        .into_known()
        .expect("a known event")
}

fn signed(event: &str, sign_type: SignType) -> Value {
    let mut v = body(event);
    let n = parse(&v);
    v["auth_timestamp"] = json!(TS);
    v["auth_sign"] = json!(notify::signature(sign_type, &key(KEY), &n, TS));
    v
}

fn hmac() -> NotificationVerifier {
    NotificationVerifier::new(SignType::Hmacsha256, key(KEY))
}

fn verify(verifier: &NotificationVerifier, v: &Value) -> Result<(), NotificationVerifyError> {
    verifier.verify_at(&parse(v), at(TS + 1))
}

// ---- the reference's vectors -------------------------------------------

#[test]
fn reference_vectors() {
    let k = key(KEY);
    let complete = parse(&body("RECORD_FILE_COMPLETE"));
    assert_eq!(
        notify::signed_string(&complete, TS),
        format!("1583676745RECORD_FILE_COMPLETEpush.example.comlivemystream{DOWNLOAD_URL}")
    );
    assert_eq!(
        notify::signature(SignType::Hmacsha256, &k, &complete, TS),
        VECTOR_HMAC_COMPLETE
    );
    let over = parse(&body("RECORD_OVER"));
    assert_eq!(
        notify::signed_string(&over, TS),
        "1583676745RECORD_OVERpush.example.comlivemystream"
    );
    assert_eq!(
        notify::signature(SignType::Hmacsha256, &k, &over, TS),
        VECTOR_HMAC_OVER
    );
    assert_eq!(notify::signature(SignType::Md5, &k, &over, TS), VECTOR_MD5);

    // ... and the verifier accepts them as the service would send them.
    let mut v = body("RECORD_FILE_COMPLETE");
    v["auth_timestamp"] = json!(TS);
    v["auth_sign"] = json!(VECTOR_HMAC_COMPLETE);
    assert_eq!(verify(&hmac(), &v), Ok(()));
    let mut v = body("RECORD_OVER");
    v["auth_timestamp"] = json!(TS);
    v["auth_sign"] = json!(VECTOR_MD5);
    assert_eq!(
        verify(&NotificationVerifier::new(SignType::Md5, key(KEY)), &v),
        Ok(())
    );
}

#[test]
fn sign_sets_timestamp_and_signature() {
    let mut n = parse(&body("RECORD_FILE_COMPLETE"));
    assert_eq!(
        hmac().verify_at(&n, at(TS)),
        Err(NotificationVerifyError::MissingSignature)
    );
    notify::sign(&mut n, SignType::Hmacsha256, &key(KEY), TS);
    assert_eq!(n.auth_timestamp(), Some(TS));
    assert_eq!(
        n.auth_sign().map(|s| s.as_str()),
        Some(VECTOR_HMAC_COMPLETE)
    );
    assert_eq!(hmac().verify_at(&n, at(TS)), Ok(()));
    // The signed notification serializes to a body the parser reads back.
    let again = notify::parse(&serde_json::to_vec(&n).unwrap()).unwrap();
    assert_eq!(again, Notification::Known(n));
}

// ---- the document ------------------------------------------------------

fn document() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/live-record-callbacks.yaml"
    ))
    .unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The document's examples are signed with its test key, and this crate's
/// verifier (not only xtask's independent check) accepts them.
#[test]
fn document_examples_verify() {
    let doc = document();
    let test_key = doc
        .pointer("/components/schemas/RecordNotification/x-signing/test_key")
        .and_then(Value::as_str)
        .expect("x-signing.test_key");
    // Each event's schema carries its signed example.
    let mapping = doc
        .pointer("/components/schemas/RecordNotification/discriminator/mapping")
        .and_then(Value::as_object)
        .expect("the union's discriminator");
    let mut events = Vec::new();
    for reference in mapping.values() {
        let name = reference.as_str().unwrap().trim_start_matches('#');
        let value = doc
            .pointer(&format!("{name}/example"))
            .unwrap_or_else(|| panic!("{name} has no example"));
        let n = notify::parse(value.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("example {name}: {e}"))
            .into_known()
            .unwrap_or_else(|u| panic!("example {name}: unknown event {}", u.event_type()));
        let sign_type = match n.auth_sign().map(|s| s.len()) {
            Some(32) => SignType::Md5,
            _ => SignType::Hmacsha256,
        };
        let ts = n.auth_timestamp().expect("signed examples");
        NotificationVerifier::new(sign_type, key(test_key))
            .verify_at(&n, at(ts))
            .unwrap_or_else(|e| panic!("example {name}: {e}"));
        events.push(n.event_type());
    }
    events.sort_unstable();
    let mut all = EventType::all();
    all.sort_unstable();
    assert_eq!(events, all, "one example per event type");
}

/// The fields this crate signs are the ones the document says, in order,
/// and the events are the discriminator's.
#[test]
fn signing_rule_and_events_match_the_document() {
    let doc = document();
    let union = &doc["components"]["schemas"]["RecordNotification"];
    let message: Vec<&str> = union["x-signing"]["HMACSHA256"]["message"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let signed: Vec<&str> = notify::HMAC_SIGNED_FIELDS
        .iter()
        .map(|f| f.name())
        .collect();
    assert_eq!(message, signed);
    let md5: Vec<&str> = union["x-signing"]["MD5"]["message"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(md5, ["key", "auth_timestamp"]);
    let mut mapped: Vec<&String> = union["discriminator"]["mapping"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    mapped.sort();
    let mut known = event_names();
    known.sort_unstable();
    let known: Vec<&String> = known.iter().collect();
    assert_eq!(mapped, known);
}

// ---- what the signature protects ---------------------------------------

/// Every field `HMACSHA256` signs: changing it breaks the signature.
#[test]
fn tampering_a_signed_field_fails() {
    let good = signed("RECORD_FILE_COMPLETE", SignType::Hmacsha256);
    assert_eq!(verify(&hmac(), &good), Ok(()));
    for (field, value) in [
        ("auth_timestamp", json!(TS - 1)),
        ("publish_domain", json!("push.example.net")),
        ("app", json!("live2")),
        ("stream", json!("mystream2")),
        ("download_url", json!("https://evil.example.com/a.m3u8")),
        ("play_url", json!("https://play.example.com/x.m3u8")),
    ] {
        let mut bad = good.clone();
        bad[field] = value;
        assert_eq!(
            verify(&hmac(), &bad),
            Err(NotificationVerifyError::Mismatch {
                sign_type: SignType::Hmacsha256,
                keys: 1
            }),
            "{field} is signed"
        );
    }
    // event_type too: the same fields as another event do not verify.
    let mut bad = signed("RECORD_OVER", SignType::Hmacsha256);
    bad["event_type"] = json!("RECORD_FAILED");
    assert!(matches!(
        verify(&hmac(), &bad),
        Err(NotificationVerifyError::Mismatch { .. })
    ));
}

/// The documented limit: `HMACSHA256` leaves these fields unsigned, so a
/// change to them still verifies. Receivers must not trust them more than
/// the transport.
#[test]
fn tampering_an_unsigned_field_still_verifies() {
    let good = signed("RECORD_FILE_COMPLETE", SignType::Hmacsha256);
    for (field, value) in [
        ("file_size", json!(1)),
        ("record_duration", json!(99999)),
        ("task_id", json!("someone-else")),
        ("job_id", json!("job-2")),
        ("project_id", json!("another-project")),
        ("obs_bucket", json!("evil-bucket")),
        ("obs_object", json!("evil.m3u8")),
        ("start_time", json!("2000-01-01T00:00:00Z")),
        ("record_format", json!("MP4")),
    ] {
        let mut changed = good.clone();
        changed[field] = value;
        assert_eq!(verify(&hmac(), &changed), Ok(()), "{field} is not signed");
    }
}

/// `MD5` signs the key and the timestamp only: every body field can change.
#[test]
fn md5_protects_nothing_in_the_body() {
    let md5 = NotificationVerifier::new(SignType::Md5, key(KEY));
    let good = signed("RECORD_FILE_COMPLETE", SignType::Md5);
    assert_eq!(verify(&md5, &good), Ok(()));
    let mut changed = good.clone();
    changed["stream"] = json!("another");
    changed["download_url"] = json!("https://evil.example.com/a.m3u8");
    assert_eq!(verify(&md5, &changed), Ok(()));
    // The timestamp is signed.
    let mut bad = good;
    bad["auth_timestamp"] = json!(TS + 1);
    assert!(matches!(
        md5.verify_at(&parse(&bad), at(TS + 1)),
        Err(NotificationVerifyError::Mismatch { .. })
    ));
}

// ---- keys --------------------------------------------------------------

#[test]
fn wrong_key_is_a_mismatch_that_reveals_nothing() {
    let v = signed("RECORD_OVER", SignType::Hmacsha256);
    let other = NotificationVerifier::new(SignType::Hmacsha256, key(OTHER_KEY));
    let err = verify(&other, &v).unwrap_err();
    assert_eq!(
        err,
        NotificationVerifyError::Mismatch {
            sign_type: SignType::Hmacsha256,
            keys: 1
        }
    );
    let message = err.to_string();
    assert!(message.contains("signature mismatch"), "{message}");
    let expected_under_other =
        notify::signature(SignType::Hmacsha256, &key(OTHER_KEY), &parse(&v), TS);
    assert!(!message.contains(&expected_under_other));
    assert!(!message.contains(VECTOR_HMAC_OVER));
    assert!(!format!("{other:?}").contains(OTHER_KEY));
}

#[test]
fn several_keys_are_accepted_while_rotating() {
    let old = signed("RECORD_OVER", SignType::Hmacsha256);
    let mut new = body("RECORD_OVER");
    let mut n = parse(&new);
    notify::sign(&mut n, SignType::Hmacsha256, &key(OTHER_KEY), TS);
    new = serde_json::to_value(&n).unwrap();

    let rotating =
        NotificationVerifier::new(SignType::Hmacsha256, key(OTHER_KEY)).with_key(key(KEY));
    assert_eq!(verify(&rotating, &old), Ok(()));
    assert_eq!(verify(&rotating, &new), Ok(()));
    // After the rotation, only the new key.
    let after = NotificationVerifier::new(SignType::Hmacsha256, key(OTHER_KEY));
    assert_eq!(verify(&after, &new), Ok(()));
    assert!(verify(&after, &old).is_err());
    // A third key matches neither.
    let third = "third0000000000000000000000000000key";
    let mut n = parse(&body("RECORD_OVER"));
    notify::sign(&mut n, SignType::Hmacsha256, &key(third), TS);
    assert_eq!(
        rotating.verify_at(&n, at(TS)),
        Err(NotificationVerifyError::Mismatch {
            sign_type: SignType::Hmacsha256,
            keys: 2
        })
    );
}

// ---- time --------------------------------------------------------------

#[test]
fn stale_and_future_timestamps_are_refused() {
    let n = parse(&signed("RECORD_OVER", SignType::Hmacsha256));
    let v = hmac();
    assert_eq!(TIMESTAMP_WINDOW, Duration::from_secs(300));
    assert_eq!(v.verify_at(&n, at(TS + 300)), Ok(()));
    assert_eq!(
        v.verify_at(&n, at(TS + 301)),
        Err(NotificationVerifyError::Stale {
            age_secs: 301,
            window_secs: 300
        })
    );
    // The default bound on the future fits an expiry of 15 minutes with
    // room for the clocks' difference.
    let bound = TIMESTAMP_FUTURE_BOUND.as_secs() as i64;
    assert!(bound >= 15 * 60, "{bound}");
    assert_eq!(v.verify_at(&n, at(TS - bound)), Ok(()));
    assert_eq!(
        v.verify_at(&n, at(TS - bound - 1)),
        Err(NotificationVerifyError::Future {
            ahead_secs: bound + 1,
            bound_secs: bound as u64
        })
    );
    let strict = hmac()
        .with_window(Duration::from_secs(10))
        .with_future_bound(Duration::ZERO);
    assert!(matches!(
        strict.verify_at(&n, at(TS + 11)),
        Err(NotificationVerifyError::Stale { .. })
    ));
    assert!(matches!(
        strict.verify_at(&n, at(TS - 1)),
        Err(NotificationVerifyError::Future { .. })
    ));
    assert_eq!(strict.verify_at(&n, at(TS)), Ok(()));
    assert!(v
        .verify_at(&n, at(TS + 301))
        .unwrap_err()
        .to_string()
        .starts_with("stale timestamp"));
    assert!(v
        .verify_at(&n, at(TS - bound - 1))
        .unwrap_err()
        .to_string()
        .starts_with("future timestamp"));
}

/// Huawei's field table calls `auth_timestamp` the time the signature
/// expires: a notification sent now may carry a time minutes ahead. It
/// verifies, and it is stale only once the clock is past it by more than
/// the window.
#[test]
fn an_expiry_style_timestamp_verifies() {
    let now = TS;
    let expires = now + 10 * 60;
    let mut n = parse(&body("RECORD_FILE_COMPLETE"));
    notify::sign(&mut n, SignType::Hmacsha256, &key(KEY), expires);
    let v = hmac();
    assert_eq!(v.verify_at(&n, at(now)), Ok(()));
    assert_eq!(v.verify_at(&n, at(expires)), Ok(()));
    assert_eq!(v.verify_at(&n, at(expires + 300)), Ok(()));
    assert_eq!(
        v.verify_at(&n, at(expires + 301)),
        Err(NotificationVerifyError::Stale {
            age_secs: 301,
            window_secs: 300
        })
    );
    // A configured bound shorter than the expiry refuses it as from the
    // future; a longer one accepts it.
    let short = hmac().with_future_bound(Duration::from_secs(5 * 60));
    assert_eq!(
        short.verify_at(&n, at(now)),
        Err(NotificationVerifyError::Future {
            ahead_secs: 600,
            bound_secs: 300
        })
    );
    let long = hmac().with_future_bound(Duration::from_secs(60 * 60));
    assert_eq!(long.verify_at(&n, at(now - 40 * 60)), Ok(()));
    // MD5 too: the timestamp rule does not depend on the algorithm.
    let mut n = parse(&body("RECORD_OVER"));
    notify::sign(&mut n, SignType::Md5, &key(KEY), expires);
    let md5 = NotificationVerifier::new(SignType::Md5, key(KEY));
    assert_eq!(md5.verify_at(&n, at(now)), Ok(()));
}

/// No page says which case the service writes the hex digits in: an
/// upper-case or mixed-case `auth_sign` verifies, and a wrong one in upper
/// case is still a mismatch.
#[test]
fn auth_sign_is_compared_case_insensitively() {
    for (sign_type, vector) in [
        (SignType::Hmacsha256, VECTOR_HMAC_OVER),
        (SignType::Md5, VECTOR_MD5),
    ] {
        let verifier = NotificationVerifier::new(sign_type, key(KEY));
        let mut v = body("RECORD_OVER");
        v["auth_timestamp"] = json!(TS);
        let mixed: String = vector
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        for sign in [vector.to_owned(), vector.to_ascii_uppercase(), mixed] {
            v["auth_sign"] = json!(sign);
            assert_eq!(verify(&verifier, &v), Ok(()), "{sign_type} {sign}");
        }
        // One digit changed, in upper case: a mismatch, not a parse error.
        let mut wrong = vector.to_ascii_uppercase();
        let last = if wrong.ends_with('0') { "1" } else { "0" };
        wrong.replace_range(wrong.len() - 1.., last);
        v["auth_sign"] = json!(wrong);
        assert_eq!(
            verify(&verifier, &v),
            Err(NotificationVerifyError::Mismatch { sign_type, keys: 1 })
        );
    }
}

#[test]
fn the_clock_is_injectable() {
    let n = parse(&signed("RECORD_OVER", SignType::Hmacsha256));
    assert_eq!(hmac().with_clock(FixedClock(at(TS + 5))).verify(&n), Ok(()));
    assert!(matches!(
        hmac().with_clock(FixedClock(at(TS + 3600))).verify(&n),
        Err(NotificationVerifyError::Stale { .. })
    ));
    // The system clock is years past the vector's timestamp.
    assert!(matches!(
        hmac().verify(&n),
        Err(NotificationVerifyError::Stale { .. })
    ));
}

/// A bad signature is reported as a mismatch even when the timestamp is
/// also stale: the signature is checked first, so "stale" always means a
/// genuine but old notification.
#[test]
fn the_signature_is_checked_before_the_time() {
    let mut v = signed("RECORD_OVER", SignType::Hmacsha256);
    v["stream"] = json!("changed");
    assert!(matches!(
        hmac().verify_at(&parse(&v), at(TS + 10_000)),
        Err(NotificationVerifyError::Mismatch { .. })
    ));
}

// ---- missing and malformed ---------------------------------------------

#[test]
fn missing_signature_or_timestamp() {
    let unsigned = body("RECORD_START");
    assert_eq!(
        verify(&hmac(), &unsigned),
        Err(NotificationVerifyError::MissingSignature)
    );
    let mut no_ts = signed("RECORD_START", SignType::Hmacsha256);
    no_ts.as_object_mut().unwrap().remove("auth_timestamp");
    assert_eq!(
        verify(&hmac(), &no_ts),
        Err(NotificationVerifyError::MissingTimestamp)
    );
    let mut no_sign = signed("RECORD_START", SignType::Hmacsha256);
    no_sign.as_object_mut().unwrap().remove("auth_sign");
    assert_eq!(
        verify(&hmac(), &no_sign),
        Err(NotificationVerifyError::MissingSignature)
    );
    assert!(NotificationVerifyError::MissingSignature
        .to_string()
        .starts_with("no signature"));
}

#[test]
fn malformed_signature() {
    // An MD5-sized signature where HMACSHA256 is expected.
    let md5_signed = signed("RECORD_OVER", SignType::Md5);
    assert_eq!(
        verify(&hmac(), &md5_signed),
        Err(NotificationVerifyError::MalformedSignature {
            sign_type: SignType::Hmacsha256,
            expected: 64,
            actual: 32
        })
    );
    // Not hex at all (the contract accepts either case of hex digits): the
    // body breaks the contract, and the error names the field.
    let mut v = signed("RECORD_OVER", SignType::Hmacsha256);
    v["auth_sign"] = json!(VECTOR_HMAC_OVER.replace(|c: char| c.is_ascii_digit(), "z"));
    let err = notify::parse(v.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("auth_sign"), "{err}");
}

#[test]
fn oversized_bodies_are_refused_unread() {
    let mut v = signed("RECORD_OVER", SignType::Hmacsha256);
    v["padding"] = json!("x".repeat(live_record_callbacks::MAX_BODY));
    let big = v.to_string();
    assert_eq!(
        notify::parse(big.as_bytes()),
        Err(ParseError::TooLarge {
            size: big.len(),
            limit: live_record_callbacks::MAX_BODY
        })
    );
    let small = signed("RECORD_OVER", SignType::Hmacsha256).to_string();
    assert!(notify::parse_with_limit(small.as_bytes(), small.len()).is_ok());
    assert!(matches!(
        notify::parse_with_limit(small.as_bytes(), small.len() - 1),
        Err(ParseError::TooLarge { .. })
    ));
    let verifier = hmac().with_clock(FixedClock(at(TS))).with_max_body(100);
    assert!(matches!(
        verifier.receive(small.as_bytes()),
        Err(ReceiveError::Parse(ParseError::TooLarge { limit: 100, .. }))
    ));
    assert!(ParseError::TooLarge { size: 2, limit: 1 }
        .to_string()
        .contains("more than the 1 bytes"));
}

#[test]
fn malformed_bodies_say_what_is_wrong() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "expected"),
        (b"{}".to_vec(), "missing field `event_type`"),
        (br#"{"event_type": 5}"#.to_vec(), "event_type"),
        (b"[1, 2]".to_vec(), "invalid type: sequence, expected a map"),
        (
            json!({"event_type": "RECORD_PAUSED", "stream": 5})
                .to_string()
                .into_bytes(),
            "stream: invalid type: integer `5`, expected a string",
        ),
        (
            {
                let mut v = body("RECORD_OVER");
                v.as_object_mut().unwrap().remove("stream");
                v.to_string().into_bytes()
            },
            "missing field `stream`",
        ),
        (
            {
                let mut v = body("RECORD_OVER");
                v["file_size"] = json!("12");
                v.to_string().into_bytes()
            },
            "file_size: invalid type: string \"12\"",
        ),
        (
            {
                let mut v = body("RECORD_FILE_COMPLETE");
                v["end_time"] = json!("yesterday");
                v.to_string().into_bytes()
            },
            "end_time:",
        ),
        (
            {
                let mut v = body("RECORD_FILE_COMPLETE");
                v.as_object_mut().unwrap().remove("download_url");
                v.to_string().into_bytes()
            },
            "missing field `download_url`",
        ),
    ];
    for (bytes, expected) in cases {
        let err = notify::parse(&bytes).unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{:?}: `{err}` should mention `{expected}`",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn unknown_fields_are_ignored_and_every_event_parses() {
    for event in event_names() {
        let mut v = signed(&event, SignType::Hmacsha256);
        v["something_new"] = json!({"nested": [1, 2]});
        let n = parse(&v);
        assert_eq!(n.event_type(), event.as_str());
        assert_eq!(verify(&hmac(), &v), Ok(()));
    }
    // record_format is read tolerantly: a format added later still parses.
    let mut v = body("RECORD_START");
    v["record_format"] = json!("CMAF");
    assert_eq!(parse(&v).event_type(), "RECORD_START");
}

// ---- events and fields the contract does not promise ---------------------

/// An event added after the contract: its fields as the service might send
/// them, with one the contract has never seen.
fn unknown_body() -> Value {
    json!({
        "project_id": common::PROJECT,
        "task_id": "task-1",
        "event_type": "RECORD_PAUSED",
        "publish_domain": common::DOMAIN,
        "app": "live",
        "stream": "mystream",
        "record_format": "HLS",
        "pause_reason": {"code": 3, "text": "source stalled"},
        "download_url": DOWNLOAD_URL,
    })
}

#[test]
fn an_unknown_event_is_kept_with_its_raw_json() {
    let v = unknown_body();
    let n = notify::parse(v.to_string().as_bytes()).unwrap();
    assert_eq!(n.event_type(), "RECORD_PAUSED");
    assert!(n.known().is_none());
    let Notification::Unknown(unknown) = &n else {
        panic!("{n:?}")
    };
    assert_eq!(unknown.event_type(), "RECORD_PAUSED");
    assert_eq!(unknown.raw(), &v);
    assert_eq!(unknown.fields().task_id.as_deref(), Some("task-1"));
    assert_eq!(unknown.fields().stream.as_deref(), Some("mystream"));
    assert_eq!(unknown.auth_sign(), None);
    // It serializes back to the body it came from.
    assert_eq!(serde_json::to_value(&n).unwrap(), v);
    // Only event_type is required of an unknown event.
    let bare = notify::parse(br#"{"event_type": "SOMETHING_ELSE"}"#).unwrap();
    assert_eq!(bare.event_type(), "SOMETHING_ELSE");
    // A name that differs from a known one only in case is not that event.
    let lower = notify::parse(br#"{"event_type": "record_over"}"#).unwrap();
    assert!(lower.known().is_none());
}

/// The contract states one signing rule for every event, so an unknown
/// event is signed over the same fields, read from its raw JSON.
#[test]
fn an_unknown_event_is_signed_by_the_same_rule() {
    let mut n = notify::parse(unknown_body().to_string().as_bytes()).unwrap();
    assert_eq!(
        notify::signed_string(&n, TS),
        format!("1583676745RECORD_PAUSEDpush.example.comlivemystream{DOWNLOAD_URL}")
    );
    notify::sign(&mut n, SignType::Hmacsha256, &key(KEY), TS);
    let wire = serde_json::to_value(&n).unwrap();
    assert_eq!(wire["auth_timestamp"], json!(TS));
    assert_eq!(
        wire["pause_reason"]["code"],
        json!(3),
        "the raw JSON is kept"
    );
    let back = notify::parse(wire.to_string().as_bytes()).unwrap();
    assert_eq!(hmac().verify_at(&back, at(TS)), Ok(()));
    // What is signed for a known event is signed here.
    for field in ["stream", "download_url", "event_type"] {
        let mut changed = wire.clone();
        changed[field] = json!("RECORD_CHANGED");
        let changed = notify::parse(changed.to_string().as_bytes()).unwrap();
        assert!(
            matches!(
                hmac().verify_at(&changed, at(TS)),
                Err(NotificationVerifyError::Mismatch { .. })
            ),
            "{field}"
        );
    }
    // The checked receive reads and verifies an unknown event too.
    let verifier = hmac().with_clock(FixedClock(at(TS)));
    let received = verifier.receive(wire.to_string().as_bytes()).unwrap();
    assert_eq!(received.event_type(), "RECORD_PAUSED");
}

/// A receiver answers 200 to an unknown event and does not act on it,
/// whether its signature holds (a new event may be signed differently),
/// and keeps no memory of it.
#[test]
fn the_receiver_ignores_an_unknown_event() {
    let receiver = Receiver::new(hmac().with_clock(FixedClock(at(TS))));
    let unsigned = unknown_body().to_string();
    let outcome = receiver.handle(unsigned.as_bytes());
    assert_eq!(outcome.status(), 200);
    assert_eq!(outcome.response_body(), json!({"status": "ignored"}));
    let Outcome::Ignored {
        notification,
        verified,
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(notification.raw()["pause_reason"]["text"], "source stalled");
    assert_eq!(verified, &Err(NotificationVerifyError::MissingSignature));

    let mut n = notify::parse(unsigned.as_bytes()).unwrap();
    notify::sign(&mut n, SignType::Hmacsha256, &key(KEY), TS);
    let signed = serde_json::to_vec(&n).unwrap();
    for _ in 0..2 {
        let outcome = receiver.handle(&signed);
        assert!(
            matches!(
                outcome,
                Outcome::Ignored {
                    verified: Ok(()),
                    ..
                }
            ),
            "{outcome:?}"
        );
    }
    // A body that is not a notification at all is still refused.
    assert_eq!(receiver.handle(br#"{"no_event": 1}"#).status(), 400);
}

/// Fields the pages only imply are optional: RECORD_START without
/// `file_size` and `record_duration`, RECORD_FILE_COMPLETE without the OBS
/// fields, `asset_id`, `width` and `height`. Both parse and verify.
#[test]
fn a_notification_without_an_implied_field_parses() {
    for (event, drop) in [
        ("RECORD_START", &["file_size", "record_duration"][..]),
        (
            "RECORD_NEW_FILE_START",
            &["file_size", "record_duration"][..],
        ),
        ("RECORD_OVER", &["file_size", "record_duration"][..]),
        ("RECORD_FAILED", &["file_size", "record_duration"][..]),
        (
            "RECORD_FILE_COMPLETE",
            &["obs_location", "obs_bucket", "obs_object"][..],
        ),
    ] {
        let mut v = signed(event, SignType::Hmacsha256);
        for field in drop {
            v.as_object_mut().unwrap().remove(*field);
        }
        let n = parse(&v);
        assert_eq!(n.event_type(), event);
        assert_eq!(verify(&hmac(), &v), Ok(()), "{event} without {drop:?}");
    }
    // A field the contract requires of the event is still required.
    let mut v = body("RECORD_FILE_COMPLETE");
    v.as_object_mut().unwrap().remove("job_id");
    let err = notify::parse(v.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("missing field `job_id`"), "{err}");
}

// ---- deduplication -----------------------------------------------------

#[test]
fn receiver_deduplicates_verified_events_only() {
    let receiver = Receiver::with_capacity(hmac().with_clock(FixedClock(at(TS))), 2);
    let a = signed("RECORD_FILE_COMPLETE", SignType::Hmacsha256).to_string();
    assert!(matches!(receiver.handle(a.as_bytes()), Outcome::New(_)));
    let second = receiver.handle(a.as_bytes());
    assert!(matches!(second, Outcome::Duplicate(_)));
    assert_eq!(second.status(), 200);
    assert_eq!(second.response_body(), json!({"status": "duplicate"}));

    // A forged copy of a new event is refused, and not remembered.
    let mut forged = signed("RECORD_OVER", SignType::Hmacsha256);
    forged["auth_sign"] = json!(VECTOR_HMAC_COMPLETE);
    let refused = receiver.handle(forged.to_string().as_bytes());
    assert_eq!(refused.status(), 401);
    let genuine = signed("RECORD_OVER", SignType::Hmacsha256).to_string();
    assert!(matches!(
        receiver.handle(genuine.as_bytes()),
        Outcome::New(_)
    ));

    // Capacity 2: a third event pushes the first out.
    let start = signed("RECORD_START", SignType::Hmacsha256).to_string();
    assert!(matches!(receiver.handle(start.as_bytes()), Outcome::New(_)));
    assert!(matches!(receiver.handle(a.as_bytes()), Outcome::New(_)));
    assert_eq!(receiver.handle(b"{").status(), 400);
}

#[test]
fn dedup_key_is_task_event_and_file() {
    let complete = parse(&body("RECORD_FILE_COMPLETE")).dedup_key();
    assert_eq!(
        (
            complete.task_id.as_str(),
            complete.event_type.to_string().as_str(),
            complete.file.as_str()
        ),
        ("task-1", "RECORD_FILE_COMPLETE", DOWNLOAD_URL)
    );
    let mut other_file = body("RECORD_FILE_COMPLETE");
    other_file["download_url"] = json!("https://obs.cn-north-4.myhuaweicloud.com/live/b.m3u8");
    assert_ne!(parse(&other_file).dedup_key(), complete);
    assert_eq!(
        parse(&body("RECORD_NEW_FILE_START")).dedup_key().file,
        "job-1"
    );
}

// ---- over real HTTP ----------------------------------------------------

async fn handler(State(receiver): State<Arc<Receiver>>, body: Bytes) -> (StatusCode, Json<Value>) {
    let outcome = receiver.handle(&body);
    let status = StatusCode::from_u16(outcome.status()).unwrap();
    (status, Json(outcome.response_body()))
}

#[tokio::test]
async fn signed_notifications_over_http() {
    let receiver = Arc::new(Receiver::new(hmac()));
    let base = common::serve(
        Router::new()
            .route("/record", post(handler))
            .with_state(receiver),
    )
    .await;
    let url = format!("{base}/record");
    let http = reqwest::Client::new();
    let now = Utc::now().timestamp();
    let mut n = parse(&body("RECORD_FILE_COMPLETE"));
    notify::sign(&mut n, SignType::Hmacsha256, &key(KEY), now);

    let post_json = |v: Value| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let r = http
                .post(&url)
                .header("content-type", "application/json")
                .body(v.to_string())
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };

    let sent = serde_json::to_value(&n).unwrap();
    assert_eq!(
        post_json(sent.clone()).await,
        (200, json!({"status": "ok"}))
    );
    // The service publishes no retry policy: the same event again is
    // acknowledged, but reported as a duplicate.
    assert_eq!(
        post_json(sent.clone()).await,
        (200, json!({"status": "duplicate"}))
    );

    let mut tampered = sent.clone();
    tampered["download_url"] = json!("https://evil.example.com/a.m3u8");
    let (status, answer) = post_json(tampered).await;
    assert_eq!(status, 401);
    assert!(answer["error"]
        .as_str()
        .unwrap()
        .starts_with("signature mismatch"));

    let mut old = parse(&body("RECORD_OVER"));
    notify::sign(&mut old, SignType::Hmacsha256, &key(KEY), now - 3600);
    let (status, answer) = post_json(serde_json::to_value(&old).unwrap()).await;
    assert_eq!(status, 401);
    assert!(answer["error"]
        .as_str()
        .unwrap()
        .starts_with("stale timestamp"));

    let (status, answer) = post_json(json!({"event_type": "RECORD_OVER"})).await;
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("missing field"));

    // auth_timestamp as an expiry time, ten minutes ahead: accepted.
    let mut expiring = parse(&body("RECORD_OVER"));
    notify::sign(&mut expiring, SignType::Hmacsha256, &key(KEY), now + 600);
    assert_eq!(
        post_json(serde_json::to_value(&expiring).unwrap()).await,
        (200, json!({"status": "ok"}))
    );
    // ... but not a day ahead.
    let mut far = parse(&body("RECORD_FAILED"));
    notify::sign(&mut far, SignType::Hmacsha256, &key(KEY), now + 86_400);
    let (status, answer) = post_json(serde_json::to_value(&far).unwrap()).await;
    assert_eq!(status, 401);
    assert!(answer["error"]
        .as_str()
        .unwrap()
        .starts_with("future timestamp"));

    // An upper-case auth_sign: accepted.
    let mut upper = parse(&body("RECORD_NEW_FILE_START"));
    notify::sign(&mut upper, SignType::Hmacsha256, &key(KEY), now);
    let mut upper = serde_json::to_value(&upper).unwrap();
    upper["auth_sign"] = json!(upper["auth_sign"].as_str().unwrap().to_ascii_uppercase());
    assert_eq!(post_json(upper).await, (200, json!({"status": "ok"})));

    // RECORD_START without file_size and record_duration: accepted.
    let mut start = body("RECORD_START");
    start.as_object_mut().unwrap().remove("file_size");
    start.as_object_mut().unwrap().remove("record_duration");
    let mut start = parse(&start);
    notify::sign(&mut start, SignType::Hmacsha256, &key(KEY), now);
    assert_eq!(
        post_json(serde_json::to_value(&start).unwrap()).await,
        (200, json!({"status": "ok"}))
    );

    // An event the contract does not list: 200, ignored.
    assert_eq!(
        post_json(unknown_body()).await,
        (200, json!({"status": "ignored"}))
    );
}

// ---- properties --------------------------------------------------------

fn event() -> impl Strategy<Value = String> {
    prop::sample::select(event_names())
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._/:-]{1,40}"
}

proptest! {
    #[test]
    fn sign_then_verify_passes(
        event in event(),
        domain in text(), app in text(), stream in text(), url in text(),
        ts in 0i64..4_000_000_000,
        md5 in any::<bool>(),
    ) {
        let mut v = body(&event);
        v["publish_domain"] = json!(domain);
        v["app"] = json!(app);
        v["stream"] = json!(stream);
        if event == "RECORD_FILE_COMPLETE" {
            v["download_url"] = json!(url);
        }
        let sign_type = if md5 { SignType::Md5 } else { SignType::Hmacsha256 };
        let mut n = parse(&v);
        notify::sign(&mut n, sign_type, &key(KEY), ts);
        let wire = serde_json::to_vec(&n).unwrap();
        let verifier = NotificationVerifier::new(sign_type, key(KEY)).with_clock(FixedClock(at(ts)));
        prop_assert_eq!(verifier.receive(&wire).map(|_| ()), Ok(()));
    }

    #[test]
    fn changing_a_signed_field_fails(
        field in prop::sample::select(vec!["publish_domain", "app", "stream", "download_url", "play_url", "auth_timestamp"]),
        value in text(),
        shift in 1i64..1000,
    ) {
        let mut n = parse(&body("RECORD_FILE_COMPLETE"));
        notify::sign(&mut n, SignType::Hmacsha256, &key(KEY), TS);
        let mut v = serde_json::to_value(&n).unwrap();
        if field == "auth_timestamp" {
            v[field] = json!(TS + shift);
        } else {
            prop_assume!(v.get(field) != Some(&json!(value)));
            v[field] = json!(value);
        }
        let result = hmac().verify_at(&parse(&v), at(TS));
        prop_assert!(
            matches!(result, Err(NotificationVerifyError::Mismatch { .. })),
            "changing {} gave {:?}", field, result
        );
    }
}
