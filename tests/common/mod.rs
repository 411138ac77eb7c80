//! What the tests of the workspace share: fixtures (the project, test
//! credentials, a config body, a clock to move by hand) and small servers on
//! 127.0.0.1 (an axum app for well-formed answers, raw TCP for faults no
//! framework would produce).
//!
//! The client's tests use it as `mod common;`; the emulator's and the
//! command line's as `#[path = "../../tests/common/mod.rs"] mod common;`.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::Router;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use live_record_callbacks::auth::AkSkCredentials;
use live_record_callbacks::clock::Clock;
use live_record_callbacks::{Client, ClientContext};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// ---- fixtures ------------------------------------------------------------

/// The project of every test.
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Test access key (the reference's signing vectors use it).
pub const AK: &str = "AKTESTEXAMPLE0000000";
/// Test secret key (the reference's signing vectors use it).
pub const SK: &str = "SKTESTEXAMPLE0000000000000000000000000000";
/// The callback key the document publishes for testing
/// (`x-signing.test_key`), which the reference's vectors use too.
pub const CALLBACK_KEY: &str = "0123456789abcdef0123456789abcdef";
/// The ingest domain of most configs.
pub const DOMAIN: &str = "push.example.com";
/// Where most configs send their notifications (nothing listens there).
pub const HOOK_URL: &str = "https://hooks.example.com/live/record";

/// AK/SK credentials with [`PROJECT`].
pub fn creds() -> AkSkCredentials {
    AkSkCredentials::new(AK, SK)
        .and_then(|c| c.with_project_id(PROJECT))
        .expect("valid test credentials")
}

/// A config body for `domain`/`app`, with [`HOOK_URL`] and [`CALLBACK_KEY`]
/// (events and sign type left to the defaults).
pub fn config(domain: &str, app: &str) -> serde_json::Value {
    serde_json::json!({
        "publish_domain": domain, "app": app,
        "notify_callback_url": HOOK_URL,
        "key": CALLBACK_KEY
    })
}

/// A client of `base` that sends no credentials.
pub fn anonymous(base: &str) -> Client {
    Client::with_context(base, ClientContext::anonymous()).expect("a client for a loopback URL")
}

/// A clock the test moves by hand, starting at 2024-01-01T00:00:00Z.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl ManualClock {
    pub fn start() -> Self {
        Self(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        )))
    }

    pub fn advance(&self, seconds: i64) {
        *self.0.lock().unwrap() += TimeDelta::seconds(seconds);
    }
}

// ---- servers -------------------------------------------------------------

/// What a test server saw: one entry per request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct Log(pub Arc<Mutex<Vec<Seen>>>);

impl Log {
    pub fn requests(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
}

/// Serves `router` on a random loopback port; returns its base URL.
pub async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A receiver of notifications: answers every POST to `/hook` with
/// `status` and a small JSON body, and keeps each body it gets. Returns the
/// hook's URL and what it saw.
pub async fn hook(status: u16) -> (String, Log) {
    let log = Log::default();
    let seen = log.clone();
    let app = Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                seen.0.lock().unwrap().push(Seen {
                    method: "POST".into(),
                    uri: "/hook".into(),
                    headers: Default::default(),
                    body: body.to_vec(),
                });
                let status = axum::http::StatusCode::from_u16(status).unwrap();
                (status, "{\"status\":\"ok\"}")
            }
        }),
    );
    (format!("{}/hook", serve(app).await), log)
}

/// A server that answers every request with `status`, `content_type`,
/// `X-request-id: request_id` and `body`, recording what it received.
pub async fn answering(
    status: u16,
    content_type: &'static str,
    request_id: &'static str,
    reply: &'static str,
) -> (String, Log) {
    let log = Log::default();
    let seen = log.clone();
    let router = Router::new().fallback(move |req: axum::extract::Request| {
        let seen = seen.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
            seen.0.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body,
            });
            axum::response::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .header("X-request-id", request_id)
                .body(axum::body::Body::from(reply))
                .unwrap()
        }
    });
    (serve(router).await, log)
}

/// A raw TCP server: reads one request head, then calls `act` with the
/// socket (to write garbage, close, or stall).
pub async fn raw<F, Fut>(act: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let act = Arc::new(act);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let act = act.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                act(socket).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Writes `bytes` and closes.
pub async fn write_and_close(mut socket: tokio::net::TcpStream, bytes: &'static [u8]) {
    let _ = socket.write_all(bytes).await;
    let _ = socket.shutdown().await;
}
