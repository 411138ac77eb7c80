//! How long verifying a notification takes, next to the HMAC-SHA256 it
//! cannot avoid. Target: the median of `notify/verify_hmac` at most 1.5×
//! the median of `notify/bare_hmac_sha256` (the same signed string, keyed
//! from scratch each time, as a receiver without a prepared key would).
//!
//! Needs `[[bench]] name = "verify" harness = false` in Cargo.toml; run with
//! `cargo bench --bench verify`. `notify/parse_and_verify` adds reading the
//! JSON body, for scale.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use chrono::{TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use live_record_callbacks::notify::{self, NotificationVerifier};
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::types::SignType;
use sha2::Sha256;

const KEY: &str = "0123456789abcdef0123456789abcdef";
const TS: i64 = 1583676745;
const BODY: &str = r#"{"project_id":"0123456789abcdef0123456789abcdef","task_id":"a3c0e6b2d4f84c1e9b7a5d3f1e2c4b6a","event_type":"RECORD_FILE_COMPLETE","publish_domain":"push.example.com","app":"live","stream":"mystream","record_format":"HLS","job_id":"f1e2d3c4b5a697887766554433221100","file_size":268435456,"record_duration":3598,"download_url":"https://obs.cn-north-4.myhuaweicloud.com/live/a.m3u8","asset_id":"9d8c7b6a5f4e3d2c1b0a998877665544","start_time":"2020-03-08T13:12:26Z","end_time":"2020-03-08T14:12:24Z","width":1280,"height":720,"obs_location":"cn-north-4","obs_bucket":"live","obs_object":"a.m3u8","auth_timestamp":1583676745,"auth_sign":"00e33eb3d95f075b8379822d619b7a3f6378604f156a9695332013f1969d7463"}"#;

fn verify(c: &mut Criterion) {
    let key: CallbackKey = KEY.parse().expect("a valid key");
    let now = Utc.timestamp_opt(TS + 1, 0).single().expect("a valid time");
    let verifier = NotificationVerifier::new(SignType::Hmacsha256, key);
    let notification = notify::parse(BODY.as_bytes()).expect("a valid notification");
    verifier
        .verify_at(&notification, now)
        .expect("the body is signed with KEY");
    let signed = notify::signed_string(&notification, TS);

    let mut group = c.benchmark_group("notify");
    group.bench_function("bare_hmac_sha256", |b| {
        b.iter(|| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(black_box(KEY.as_bytes())).expect("any key length");
            mac.update(black_box(signed.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    group.bench_function("verify_hmac", |b| {
        b.iter(|| verifier.verify_at(black_box(&notification), now))
    });
    group.bench_function("parse_and_verify", |b| {
        b.iter(|| {
            notify::parse(black_box(BODY.as_bytes())).map(|n| verifier.verify_at(&n, now).is_ok())
        })
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
