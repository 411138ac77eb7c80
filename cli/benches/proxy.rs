//! What `live-record-callbacks proxy` adds to a call: a show of one config
//! from the emulator over loopback, directly and through the proxy (the
//! release binary, signing with AK/SK and validating the answer), one
//! after the other as criterion does, then interleaved, with the medians
//! and their ratio printed.
//!
//! `cargo bench -p live-record-callbacks-cli --bench proxy`

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use live_record_callbacks::auth::{Credentials, ENV_AK, ENV_PROJECT_ID, ENV_SK};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};
use live_record_callbacks_test_support as common;

/// A show through `http`, signed first when `creds` are given.
async fn show(http: &reqwest::Client, url: &str, creds: Option<&Credentials>) {
    let mut req = http.get(url).build().expect("a request");
    if let Some(creds) = creds {
        creds.apply(&mut req, chrono::Utc::now()).expect("signed");
    }
    let answer = http.execute(req).await.expect("an answer");
    assert_eq!(answer.status(), 200);
    criterion::black_box(answer.bytes().await.expect("a body"));
}

fn overhead(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let creds = common::creds();
    let (emulator, id) = rt.block_on(async {
        let emulator = Emulator::start(EmulatorConfig::default().with_aksk(creds.clone()))
            .await
            .expect("an emulator");
        let client = common::authenticated(emulator.base_url(), creds);
        let created = common::create(&client, common::config(common::DOMAIN, "live"))
            .await
            .expect("a config");
        (emulator, created.id.to_string())
    });
    let mut proxy = Command::new(env!("CARGO_BIN_EXE_live-record-callbacks"))
        .env_clear()
        .envs([
            (ENV_AK, common::AK),
            (ENV_SK, common::SK),
            (ENV_PROJECT_ID, common::PROJECT),
        ])
        .args([
            "proxy",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            emulator.base_url(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the proxy starts");
    let mut line = String::new();
    BufReader::new(proxy.stderr.take().expect("its stderr"))
        .read_line(&mut line)
        .expect("its address");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("an address")
        .trim_end_matches(',')
        .to_owned();
    let path = format!("/v1/{}/record/callbacks/{id}", common::PROJECT);
    // Direct calls are signed by the caller, calls to the proxy by the
    // proxy; each side keeps its own connections.
    let creds = Credentials::from(common::creds());
    let direct_url = format!("{}{path}", emulator.base_url());
    let proxied_url = format!("{base}{path}");
    let (to_emulator, to_proxy) = (reqwest::Client::new(), reqwest::Client::new());

    let mut group = c.benchmark_group("show");
    group.bench_function("direct", |b| {
        b.to_async(&rt)
            .iter(|| show(&to_emulator, &direct_url, Some(&creds)))
    });
    group.bench_function("through_proxy", |b| {
        b.to_async(&rt).iter(|| show(&to_proxy, &proxied_url, None))
    });
    let timings: Mutex<[Vec<Duration>; 2]> = Mutex::default();
    group.bench_function("interleaved", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (timings, creds) = (&timings, &creds);
            let (direct_url, proxied_url) = (&direct_url, &proxied_url);
            let (to_emulator, to_proxy) = (&to_emulator, &to_proxy);
            async move {
                let started = Instant::now();
                for i in 0..iters {
                    for k in 0..2 {
                        let which = (i as usize + k) % 2;
                        let start = Instant::now();
                        if which == 0 {
                            show(to_emulator, direct_url, Some(creds)).await;
                        } else {
                            show(to_proxy, proxied_url, None).await;
                        }
                        timings.lock().expect("not poisoned")[which].push(start.elapsed());
                    }
                }
                started.elapsed()
            }
        })
    });
    group.finish();
    let _ = Command::new("kill")
        .args(["-INT", &proxy.id().to_string()])
        .status();
    let _ = proxy.wait();
    let mut timings = timings.into_inner().expect("not poisoned");
    let [direct, proxied] = timings.each_mut().map(|t| median(t));
    eprintln!(
        "show/interleaved medians over {} calls each: direct {:.1} µs, through the proxy {:.1} µs; \
         proxy / direct = {:.2}, overhead {:.1} µs per call",
        timings[0].len(),
        direct * 1e6,
        proxied * 1e6,
        proxied / direct,
        (proxied - direct) * 1e6,
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

criterion_group!(benches, overhead);
criterion_main!(benches);
