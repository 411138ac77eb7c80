//! The emulator's create path against the bare axum handler of
//! `examples/bare_create.rs` (the same JSON in and out, no gateway, request
//! id or store), in process: each request goes through the router with
//! `oneshot`, so the figures are the handlers' own cost without the
//! network's. `.ci/throughput` measures the same pair over loopback.
//!
//! `emulator` and `bare_axum` are measured one after the other, as
//! criterion does; `interleaved` makes the calls in turn and prints the
//! medians of their timings and the ratio, the comparison that holds on a
//! busy machine.
//!
//! `cargo bench -p live-record-callbacks-emulator --bench create`

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use live_record_callbacks::auth::IamToken;
use live_record_callbacks_emulator::{router, EmulatorConfig};
use tower::ServiceExt;

#[path = "../examples/bare_create.rs"]
mod bare;

const TOKEN: &str = "bench-token";
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A create with its own `app`, as `.ci/throughput.lua` sends it.
fn request() -> Request<Body> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let body = format!(
        r#"{{"publish_domain":"push.example.com","app":"bench-{n}","notify_event_subscription":["RECORD_FILE_COMPLETE"],"sign_type":"HMACSHA256","key":"0123456789abcdef0123456789abcdef"}}"#
    );
    Request::post("/v1/0123456789abcdef0123456789abcdef/record/callbacks")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-auth-token", TOKEN)
        .body(Body::from(body))
        .expect("a valid request")
}

async fn call(app: &Router) {
    let response = app.clone().oneshot(request()).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    criterion::black_box(body);
}

fn create(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let emulator = router(EmulatorConfig::default().with_token(IamToken::new(TOKEN).unwrap()));
    let bare = bare::router();
    let mut group = c.benchmark_group("create");
    group.bench_function("emulator", |b| b.to_async(&rt).iter(|| call(&emulator)));
    group.bench_function("bare_axum", |b| b.to_async(&rt).iter(|| call(&bare)));
    let timings: Mutex<[Vec<Duration>; 2]> = Mutex::default();
    group.bench_function("interleaved", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (timings, emulator, bare) = (&timings, &emulator, &bare);
            async move {
                let started = Instant::now();
                for i in 0..iters {
                    for k in 0..2 {
                        let which = (i as usize + k) % 2;
                        let start = Instant::now();
                        call(if which == 0 { emulator } else { bare }).await;
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
    let [emulator, bare] = timings.each_mut().map(|t| median(t));
    eprintln!(
        "create/interleaved medians over {} calls each: emulator {:.2} µs, bare_axum {:.2} µs; \
         emulator / bare_axum = {:.2} (in process, without the network)",
        timings[0].len(),
        emulator * 1e6,
        bare * 1e6,
        emulator / bare,
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

criterion_group!(benches, create);
criterion_main!(benches);
