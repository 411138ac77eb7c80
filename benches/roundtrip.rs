//! One signed CreateRecordCallbackConfig round trip on loopback, through
//! the generated client and through the same request written by hand with a
//! plain `reqwest::Client`. Target: the generated client's median at most
//! 1.05 times the hand-written call (`hand_written`).
//!
//! The server is a small axum app started here on 127.0.0.1:0 (not the
//! emulator, which refuses a second config for the same domain and app): it
//! reads the body and answers 201 with a fixed config and an `X-request-id`.
//!
//! Every call sends the same headers (`Accept`, `Content-Type`,
//! `api-version`, `User-Agent`, `X-Sdk-Date`, `X-Project-Id`,
//! `Authorization`) and the same body bytes, over clients with the same
//! settings (keep-alive, timeouts), on one tokio runtime, and parses the
//! answer into `types::RecordCallbackConfig`. A check before measuring
//! asserts that the server received the same headers (the date and
//! signature aside) and the same body from the generated client and from
//! the hand-written call.
//!
//! - `generated_client`: the builder, as a user calls it; it signs every
//!   request in its `pre` hook.
//! - `hand_written`: what a caller writes without the generated client,
//!   from the same input (a project id and a typed body): the URL formatted,
//!   the body serialized with serde_json, the request signed with
//!   `AkSkCredentials::sign` (every call must be: `X-Sdk-Date` moves and the
//!   gateway refuses a date 15 minutes off), sent, the answer parsed. This
//!   is the comparison the target is about: the cost of the generated code.
//! - `hand_signed`: the same with the URL parsed and the body serialized
//!   once, ahead of time, signing each call: a floor for a caller who sends
//!   the same bytes again and again.
//! - `hand_built`: also reuses one `Authorization`, a floor no real caller
//!   reaches (its ratio counts the signing too).
//! - `generated_unsigned`: the generated client without credentials,
//!   which separates the signing from the rest.
//! - `generated_no_retry`: the generated client with retries off
//!   (`RetryPolicy::none()`); `generated_client` has the default policy,
//!   so their ratio is what the retry layer costs when nothing fails (the
//!   copy of the request kept for a retry, the budget's token).
//!
//! The criterion groups run one after the other; on a shared machine a
//! burst of load elsewhere can land on either. `interleaved` therefore
//! makes the six calls in turn (the order rotating), times each call, and
//! prints the medians and ratios of those timings at the end: that is the
//! comparison that holds under load.
//!
//! Run with `cargo bench --bench roundtrip`; criterion's medians are in
//! `target/criterion/roundtrip/*/new/estimates.json`
//! (`.median.point_estimate`, nanoseconds).

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

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
use live_record_callbacks::{types, Client, ClientContext, RequestId, RetryPolicy};
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

/// The call by hand: a plain reqwest client, the fixed headers every
/// request carries, and (for the floors) the URL, body and signed headers
/// prepared once.
#[derive(Clone)]
struct HandBuilt {
    http: reqwest::Client,
    base_url: String,
    /// `Accept`, `Content-Type`, `api-version`: the same on every call.
    headers: reqwest::header::HeaderMap,
    url: reqwest::Url,
    body: Bytes,
    /// `headers` and a signature computed once.
    presigned: reqwest::header::HeaderMap,
}

/// The create call's URL and body bytes, as a caller without the generated
/// client makes them from its input.
fn prepared(
    base_url: &str,
    project_id: &str,
    body: &types::RecordCallbackConfigRequest,
) -> (reqwest::Url, Bytes) {
    let url = format!("{base_url}/v1/{project_id}/record/callbacks")
        .parse()
        .expect("a URL");
    let body = serde_json::to_vec(body).expect("serializable");
    (url, Bytes::from(body))
}

impl HandBuilt {
    /// `hand_written`: from the input, as a caller without the generated
    /// client writes it.
    async fn call(
        &self,
        creds: &AkSkCredentials,
        project_id: &str,
        body: &types::RecordCallbackConfigRequest,
    ) -> (types::RecordCallbackConfig, Option<String>) {
        let (url, body) = prepared(&self.base_url, project_id, body);
        self.send_signed(creds, url, body).await
    }

    /// `hand_signed`: the URL and body prepared once, signed now.
    async fn call_signed(
        &self,
        creds: &AkSkCredentials,
    ) -> (types::RecordCallbackConfig, Option<String>) {
        self.send_signed(creds, self.url.clone(), self.body.clone())
            .await
    }

    /// `hand_built`: everything prepared once, the signature too.
    async fn call_presigned(&self) -> (types::RecordCallbackConfig, Option<String>) {
        self.send(self.url.clone(), self.presigned.clone(), self.body.clone())
            .await
    }

    async fn send_signed(
        &self,
        creds: &AkSkCredentials,
        url: reqwest::Url,
        body: Bytes,
    ) -> (types::RecordCallbackConfig, Option<String>) {
        let headers = signed(creds, &self.headers, &url, &body);
        self.send(url, headers, body).await
    }

    async fn send(
        &self,
        url: reqwest::Url,
        headers: reqwest::header::HeaderMap,
        body: Bytes,
    ) -> (types::RecordCallbackConfig, Option<String>) {
        let response = self
            .http
            .post(url)
            .headers(headers)
            .body(body)
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

/// `headers` with a POST of `body` to `url` signed now.
fn signed(
    creds: &AkSkCredentials,
    headers: &reqwest::header::HeaderMap,
    url: &reqwest::Url,
    body: &[u8],
) -> reqwest::header::HeaderMap {
    let mut headers = headers.clone();
    creds
        .sign(&http::Method::POST, url, &headers, body, chrono::Utc::now())
        .expect("signed")
        .apply_to(&mut headers);
    headers
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

/// Fails unless the generated client and the hand-written call reached the
/// server with the same headers (the date and signature aside, which change
/// every second) and body, and unless every form of the call gets the same
/// answer.
async fn check_same_request(
    capture: &Capture,
    client: &Client,
    body: &types::RecordCallbackConfigRequest,
    hand: &HandBuilt,
    creds: &AkSkCredentials,
) {
    capture.on.store(true, Ordering::Relaxed);
    let a = generated_call(client, body).await;
    let seen_generated = capture.seen.lock().expect("not poisoned").take();
    let b = hand.call(creds, PROJECT, body).await;
    let seen_hand = capture.seen.lock().expect("not poisoned").take();
    capture.on.store(false, Ordering::Relaxed);
    assert_eq!(a, b, "both calls parse the same answer");
    assert_eq!(hand.call_signed(creds).await, b);
    assert_eq!(hand.call_presigned().await, b);
    let (Some((hg, bg)), Some((hh, bh))) = (seen_generated, seen_hand) else {
        panic!("the server saw both requests");
    };
    assert_eq!(bg, bh, "same body bytes");
    assert_eq!(
        bh, hand.body,
        "the prepared body is the one serialized per call"
    );
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
    // The same client without credentials: no signing in its `pre` hook.
    let unsigned = Client::with_context(&base_url, ClientContext::anonymous()).expect("a client");
    // The same client with retries off.
    let no_retry = Client::with_context(
        &base_url,
        ClientContext::authenticated(Authenticator::new(creds.clone()))
            .with_retry(RetryPolicy::none()),
    )
    .expect("a client");
    let body = request_body();

    // The headers every call carries: what reqwest's `json()` and the
    // generated code set, with the content type the hook puts in its place.
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
    let (url, body_bytes) = prepared(&base_url, PROJECT, &body);
    let presigned = signed(&creds, &headers, &url, &body_bytes);
    let hand = HandBuilt {
        http: reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("a reqwest client"),
        base_url,
        headers,
        url,
        body: body_bytes,
        presigned,
    };
    rt.block_on(check_same_request(&capture, &client, &body, &hand, &creds));

    let (client, unsigned, no_retry) = (&client, &unsigned, &no_retry);
    let (body, hand, creds) = (&body, &hand, &creds);
    let mut group = c.benchmark_group("roundtrip");
    group.bench_function("generated_client", |b| {
        b.to_async(&rt).iter(|| generated_call(client, body))
    });
    group.bench_function("generated_no_retry", |b| {
        b.to_async(&rt).iter(|| generated_call(no_retry, body))
    });
    group.bench_function("hand_written", |b| {
        b.to_async(&rt).iter(|| hand.call(creds, PROJECT, body))
    });
    group.bench_function("hand_signed", |b| {
        b.to_async(&rt).iter(|| hand.call_signed(creds))
    });
    group.bench_function("hand_built", |b| {
        b.to_async(&rt).iter(|| hand.call_presigned())
    });

    // The six calls in turn (the order rotating), each call timed: load
    // from elsewhere on the machine then weighs on all alike, which the
    // separate runs above cannot promise. The medians of these timings are
    // printed at the end.
    const NAMES: [&str; 6] = [
        "generated_client",
        "hand_written",
        "hand_signed",
        "hand_built",
        "generated_unsigned",
        "generated_no_retry",
    ];
    let timings: Mutex<[Vec<Duration>; 6]> = Mutex::default();
    group.bench_function("interleaved", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let timings = &timings;
            async move {
                let started = Instant::now();
                for i in 0..iters {
                    for k in 0..NAMES.len() {
                        let which = (i as usize + k) % NAMES.len();
                        let start = Instant::now();
                        match which {
                            0 => drop(black_box(generated_call(client, body).await)),
                            1 => drop(black_box(hand.call(creds, PROJECT, body).await)),
                            2 => drop(black_box(hand.call_signed(creds).await)),
                            3 => drop(black_box(hand.call_presigned().await)),
                            4 => drop(black_box(generated_call(unsigned, body).await)),
                            _ => drop(black_box(generated_call(no_retry, body).await)),
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
    let calls = timings[0].len();
    let [generated, written, signed, built, unsigned, once] = timings.each_mut().map(|t| median(t));
    let medians: Vec<String> = NAMES
        .iter()
        .zip([generated, written, signed, built, unsigned, once])
        .map(|(name, m)| format!("{name} {:.2} µs", m * 1e6))
        .collect();
    eprintln!(
        "roundtrip/interleaved medians over {calls} calls each: {}\n\
         generated_client / hand_written = {:.3} (target <= 1.05)\n\
         generated_client / hand_signed = {:.3} (URL and body prepared once)\n\
         generated_client / hand_built = {:.3} (the signature reused too)\n\
         generated_unsigned / hand_built = {:.3} (neither signs)\n\
         generated_client / generated_no_retry = {:.3} (the retry layer, nothing failing)",
        medians.join(", "),
        generated / written,
        generated / signed,
        generated / built,
        unsigned / built,
        generated / once,
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
