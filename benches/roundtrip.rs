//! One signed CreateRecordCallbackConfig round trip on loopback, through
//! the generated client and through the same request built by hand with a
//! plain `reqwest::Client`. Target: the generated client's median at most
//! 1.05 times the hand-built call that signs its request as every real call
//! must (`hand_signed`).
//!
//! The server is a small axum app started here on 127.0.0.1:0 (not the
//! emulator, which refuses a second config for the same domain and app): it
//! reads the body and answers 201 with a fixed config and an `X-request-id`.
//!
//! Both calls send the same headers (`Accept`, `Content-Type`,
//! `api-version`, `User-Agent`, `X-Sdk-Date`, `X-Project-Id`,
//! `Authorization`) and the same body bytes, over clients with the same
//! settings (keep-alive, timeouts), on one tokio runtime; both parse the
//! answer into `types::RecordCallbackConfig`. The generated client signs
//! every request in its `pre` hook, as it does in use. The hand-built call
//! comes in two forms: `hand_signed` signs each request with
//! `AkSkCredentials::sign` (a real caller must: `X-Sdk-Date` moves and the
//! gateway refuses a date 15 minutes off), which is the comparison the
//! target is about, the cost of the generated code; `hand_built` reuses an
//! `Authorization` computed once, a floor no real caller reaches, so its
//! ratio also counts the signing. A check before measuring asserts
//! that the server received the same headers (the date and signature
//! aside) and the same body from both.
//!
//! `generated_client` and `hand_built` are measured one after the other, as
//! criterion does; on a shared machine a burst of load elsewhere can land on
//! either. `interleaved` therefore makes the calls in turn (the generated
//! client, both hand-built forms, and the generated client without
//! credentials, which separates the signing from the rest of the
//! difference), times each call, and prints the
//! medians and ratios of those timings at the end: that comparison is the
//! one that holds under load.
//!
//! Run with `cargo bench --bench roundtrip`; criterion's medians are in
//! `target/criterion/roundtrip/*/new/estimates.json`
//! (`.median.point_estimate`, nanoseconds).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::routing::post;
use axum::Router;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use live_record_callbacks::auth::{AkSkCredentials, Authenticator};
use live_record_callbacks::client::{
    CONNECT_TIMEOUT, JSON_CONTENT_TYPE, REQUEST_TIMEOUT, USER_AGENT,
};
use live_record_callbacks::{types, Client, ClientContext, RequestId};
use progenitor_client::ClientInfo;

const AK: &str = "AKTESTEXAMPLE0000000";
const SK: &str = "SKTESTEXAMPLE0000000000000000000000000000";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

const CREATED: &str = r#"{"id":"5fb8a1a0c3e24b1d9a5b7c2d3e4f5a6b","publish_domain":"push.example.com","app":"live","notify_callback_url":"https://hooks.example.com/live/record","notify_event_subscription":["RECORD_FILE_COMPLETE"],"sign_type":"HMACSHA256","create_time":"2024-01-01T00:00:00Z","update_time":"2024-01-01T00:00:00Z"}"#;
const REQUEST_ID: &str = "6f1c0a0f2b4e4f8c9d7a3b2e1f0c9d8e-1704067200000-bench";

/// What the server saw of one request, when asked to look.
#[derive(Default)]
struct Capture {
    on: AtomicBool,
    seen: Mutex<Option<(HeaderMap, Bytes)>>,
}

async fn create(
    State(capture): State<Arc<Capture>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(HeaderName, HeaderValue); 2], &'static str) {
    if capture.on.load(Ordering::Relaxed) {
        *capture.seen.lock().expect("not poisoned") = Some((headers, body));
    }
    (
        StatusCode::CREATED,
        [
            (
                HeaderName::from_static("content-type"),
                HeaderValue::from_static("application/json"),
            ),
            (
                HeaderName::from_static("x-request-id"),
                HeaderValue::from_static(REQUEST_ID),
            ),
        ],
        CREATED,
    )
}

fn credentials() -> AkSkCredentials {
    AkSkCredentials::new(AK, SK)
        .and_then(|c| c.with_project_id(PROJECT))
        .expect("valid credentials")
}

fn request_body() -> types::RecordCallbackConfigRequest {
    serde_json::from_value(serde_json::json!({
        "publish_domain": "push.example.com",
        "app": "live",
        "notify_callback_url": "https://hooks.example.com/live/record",
        "notify_event_subscription": ["RECORD_FILE_COMPLETE"],
        "sign_type": "HMACSHA256",
        "key": "0123456789abcdef0123456789abcdef"
    }))
    .expect("a valid create body")
}

/// The hand-built call: fixed headers and body, a plain reqwest client.
#[derive(Clone)]
struct HandBuilt {
    http: reqwest::Client,
    url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
}

impl HandBuilt {
    async fn call(&self) -> (types::RecordCallbackConfig, Option<String>) {
        self.send(self.headers.clone()).await
    }

    /// The same call, signed now with `creds`, as a real caller does.
    async fn call_signed(
        &self,
        creds: &AkSkCredentials,
    ) -> (types::RecordCallbackConfig, Option<String>) {
        let mut headers = self.headers.clone();
        creds
            .sign(
                &http::Method::POST,
                &self.url,
                &headers,
                &self.body,
                chrono::Utc::now(),
            )
            .expect("signed")
            .apply_to(&mut headers);
        self.send(headers).await
    }

    async fn send(
        &self,
        headers: reqwest::header::HeaderMap,
    ) -> (types::RecordCallbackConfig, Option<String>) {
        let response = self
            .http
            .post(self.url.clone())
            .headers(headers)
            .body(self.body.clone())
            .send()
            .await
            .expect("the call completes");
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.expect("a body");
        let config = serde_json::from_slice(&bytes).expect("a RecordCallbackConfig");
        (config, request_id)
    }
}

async fn generated_call(
    client: &Client,
    body: &types::RecordCallbackConfigRequest,
) -> (types::RecordCallbackConfig, Option<String>) {
    let response = client
        .create_record_callback_config()
        .project_id(PROJECT)
        .body(body.clone())
        .send()
        .await
        .expect("the call succeeds");
    let request_id = response.request_id().map(str::to_owned);
    (response.into_inner(), request_id)
}

/// Fails unless both calls reached the server with the same headers (the
/// date and signature aside, which change every second) and body.
async fn check_same_request(
    capture: &Capture,
    client: &Client,
    body: &types::RecordCallbackConfigRequest,
    hand: &HandBuilt,
) {
    capture.on.store(true, Ordering::Relaxed);
    let a = generated_call(client, body).await;
    let seen_generated = capture.seen.lock().expect("not poisoned").take();
    let b = hand.call().await;
    let seen_hand = capture.seen.lock().expect("not poisoned").take();
    capture.on.store(false, Ordering::Relaxed);
    assert_eq!(a, b, "both calls parse the same answer");
    let (Some((hg, bg)), Some((hh, bh))) = (seen_generated, seen_hand) else {
        panic!("the server saw both requests");
    };
    assert_eq!(bg, bh, "same body bytes");
    let normal = |h: &HeaderMap| {
        let mut v: Vec<(String, String)> = h
            .iter()
            .map(|(k, v)| {
                let value = match k.as_str() {
                    "x-sdk-date" => "<date>".to_owned(),
                    "authorization" => "<signature>".to_owned(),
                    _ => v.to_str().unwrap_or("<binary>").to_owned(),
                };
                (k.as_str().to_owned(), value)
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(normal(&hg), normal(&hh), "same headers");
}

fn roundtrip(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");

    let capture = Arc::new(Capture::default());
    let app = Router::new()
        .route("/v1/{project_id}/record/callbacks", post(create))
        .with_state(capture.clone());
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let addr = listener.local_addr().expect("an address");
    rt.spawn(async move { axum::serve(listener, app).await });
    let base_url = format!("http://{addr}");

    let creds = credentials();
    let client = Client::with_context(
        &base_url,
        ClientContext::authenticated(Authenticator::new(creds.clone())),
    )
    .expect("a client");
    let body = request_body();

    // The same request, built once: what reqwest's `json()` would send, the
    // content type the hook sets, and a signature computed now.
    let url: reqwest::Url = format!("{base_url}/v1/{PROJECT}/record/callbacks")
        .parse()
        .expect("a URL");
    let body_bytes = Bytes::from(serde_json::to_vec(&body).expect("serializable"));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    headers.insert(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static(Client::api_version()),
    );
    let unsigned_headers = headers.clone();
    let signed = creds
        .sign(
            &http::Method::POST,
            &url,
            &headers,
            &body_bytes,
            chrono::Utc::now(),
        )
        .expect("signed");
    signed.apply_to(&mut headers);
    let hand = HandBuilt {
        http: reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("a reqwest client"),
        url,
        headers,
        body: body_bytes,
    };

    rt.block_on(check_same_request(&capture, &client, &body, &hand));
    // `call_signed` starts from the headers before signing.
    let hand_signed = HandBuilt {
        headers: unsigned_headers,
        ..hand.clone()
    };
    rt.block_on(async {
        assert_eq!(hand_signed.call_signed(&creds).await, hand.call().await);
    });

    // The same client without credentials: no signing in its `pre` hook.
    let unsigned = Client::with_context(&base_url, ClientContext::anonymous()).expect("a client");
    let (client, unsigned, body, hand, hand_signed, creds) =
        (&client, &unsigned, &body, &hand, &hand_signed, &creds);

    let mut group = c.benchmark_group("roundtrip");
    group.bench_function("generated_client", |b| {
        b.to_async(&rt).iter(|| generated_call(client, body))
    });
    group.bench_function("hand_signed", |b| {
        b.to_async(&rt).iter(|| hand_signed.call_signed(creds))
    });
    group.bench_function("hand_built", |b| b.to_async(&rt).iter(|| hand.call()));

    // The four calls in turn (the order rotating), each call timed: load
    // from elsewhere on the machine then weighs on all three alike, which
    // the separate runs above cannot promise. The medians of these timings
    // are printed at the end.
    let timings: Mutex<[Vec<Duration>; 4]> = Mutex::default();
    group.bench_function("interleaved", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let timings = &timings;
            async move {
                let started = Instant::now();
                for i in 0..iters {
                    for k in 0..4 {
                        let which = (i as usize + k) % 4;
                        let start = Instant::now();
                        match which {
                            0 => drop(black_box(generated_call(client, body).await)),
                            1 => drop(black_box(hand_signed.call_signed(creds).await)),
                            2 => drop(black_box(hand.call().await)),
                            _ => drop(black_box(generated_call(unsigned, body).await)),
                        }
                        let elapsed = start.elapsed();
                        timings.lock().expect("not poisoned")[which].push(elapsed);
                    }
                }
                started.elapsed()
            }
        })
    });
    group.finish();

    let mut timings = timings.into_inner().expect("not poisoned");
    let [generated, hand_signed, hand_built, generated_unsigned] =
        timings.each_mut().map(|t| median(t));
    eprintln!(
        "roundtrip/interleaved medians over {} calls each: generated_client {:.2} µs, \
         hand_signed {:.2} µs, hand_built {:.2} µs, generated_unsigned {:.2} µs; \
         generated_client / hand_signed = {:.3} (target <= 1.05), \
         generated_client / hand_built = {:.3} (signature reused: includes signing), \
         generated_unsigned / hand_built = {:.3}",
        timings[0].len(),
        generated * 1e6,
        hand_signed * 1e6,
        hand_built * 1e6,
        generated_unsigned * 1e6,
        generated / hand_signed,
        generated / hand_built,
        generated_unsigned / hand_built,
    );
}

/// The median of `t`, in seconds.
fn median(t: &mut [Duration]) -> f64 {
    if t.is_empty() {
        return f64::NAN;
    }
    t.sort_unstable();
    t[t.len() / 2].as_secs_f64()
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
