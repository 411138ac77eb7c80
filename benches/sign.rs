//! How long AK/SK signing takes for the create request (the reference's
//! body B), the most common signed call. Target: a median of 2 µs or less.
//!
//! Needs `[[bench]] name = "sign" harness = false` in Cargo.toml; run with
//! `cargo bench --bench sign`.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use chrono::{TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use http::{HeaderMap, HeaderValue, Method};
use live_record_callbacks::auth::AkSkCredentials;
use url::Url;

const BODY_B: &str = r#"{"publish_domain":"push.example.com","app":"live","notify_callback_url":"https://cb.example.com/record","notify_event_subscription":["RECORD_FILE_COMPLETE"],"sign_type":"HMACSHA256","key":"0123456789abcdef0123456789abcdef"}"#;

fn sign(c: &mut Criterion) {
    let creds = AkSkCredentials::new(
        "AKTESTEXAMPLE0000000",
        "SKTESTEXAMPLE0000000000000000000000000000",
    )
    .and_then(|c| c.with_project_id("0123456789abcdef0123456789abcdef"))
    .expect("valid credentials");
    let url = Url::parse(
        "https://live.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/record/callbacks",
    )
    .expect("valid URL");
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    let now = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date");

    c.bench_function("sign/create", |b| {
        b.iter(|| {
            creds
                .sign(
                    black_box(&Method::POST),
                    black_box(&url),
                    black_box(&headers),
                    black_box(BODY_B.as_bytes()),
                    now,
                )
                .map(|h| h.authorization().len())
        })
    });

    c.bench_function("sign_reqwest/create", |b| {
        b.iter_batched(
            || {
                let mut req = reqwest::Request::new(Method::POST, url.clone());
                *req.headers_mut() = headers.clone();
                *req.body_mut() = Some(BODY_B.into());
                req
            },
            |mut req| creds.sign_reqwest(&mut req, now).map(|()| req),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, sign);
criterion_main!(benches);
