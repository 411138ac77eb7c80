//! What the tests of the workspace share: fixtures (the project, test
//! credentials, a config body, a clock to move by hand) and small servers on
//! 127.0.0.1 (an axum app for well-formed answers, raw TCP for faults no
//! framework would produce).
//!
//! The tests of the client, the emulator and the command line use it as
//! `use live_record_callbacks_test_support as common;` (a dev-dependency).

// Fixtures, not an API: their names say what they are.
#![allow(missing_docs)]

use std::sync::{Arc, Mutex};

use axum::Router;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use live_record_callbacks::auth::AkSkCredentials;
use live_record_callbacks::clock::Clock;
use live_record_callbacks::{types, ApiError, Client, ClientContext, ResponseValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The contract's text and its path in the repository, from the crate
/// that embeds it for the build scripts: tests read the document through
/// these, not through a path of their own.
pub use live_record_callbacks_codegen::{DOCUMENT, DOCUMENT_PATH};

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
/// A callback key other than [`CALLBACK_KEY`], for notifications the
/// emulator signs.
pub const TRIGGER_KEY: &str = "TriggerTestKey0123456789abcdefABCD";

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

/// A client of `base` that authenticates with `credentials`.
pub fn authenticated(
    base: &str,
    credentials: impl Into<live_record_callbacks::auth::Credentials>,
) -> Client {
    let context =
        ClientContext::authenticated(live_record_callbacks::auth::Authenticator::new(credentials));
    Client::with_context(base, context).expect("a client for a loopback URL")
}

// ---- calls ---------------------------------------------------------------

/// What one call of the generated client returns.
pub type Answer<T> = Result<ResponseValue<T>, live_record_callbacks::Error<types::ErrorResponse>>;

/// Creates `body` in [`PROJECT`].
pub async fn create<B>(client: &Client, body: B) -> Answer<types::RecordCallbackConfig>
where
    B: TryInto<types::RecordCallbackConfigRequest>,
    B::Error: std::fmt::Display,
{
    client
        .create_record_callback_config()
        .project_id(PROJECT)
        .body(body)
        .send()
        .await
}

/// Shows config `id` of [`PROJECT`].
pub async fn show(client: &Client, id: &str) -> Answer<types::RecordCallbackConfig> {
    client
        .show_record_callback_config()
        .project_id(PROJECT)
        .id(id)
        .send()
        .await
}

/// Replaces config `id` of [`PROJECT`] with `body`.
pub async fn update<B>(client: &Client, id: &str, body: B) -> Answer<types::RecordCallbackConfig>
where
    B: TryInto<types::RecordCallbackConfigRequest>,
    B::Error: std::fmt::Display,
{
    client
        .update_record_callback_config()
        .project_id(PROJECT)
        .id(id)
        .body(body)
        .send()
        .await
}

/// Deletes config `id` of [`PROJECT`].
pub async fn delete(client: &Client, id: &str) -> Answer<()> {
    client
        .delete_record_callback_config()
        .project_id(PROJECT)
        .id(id)
        .send()
        .await
}

/// A list call in [`PROJECT`], for the test to add filters to and send.
pub fn list(client: &Client) -> live_record_callbacks::builder::ListRecordCallbackConfigs<'_> {
    client.list_record_callback_configs().project_id(PROJECT)
}

/// The error of a call that must fail, as an [`ApiError`].
pub fn failure<T: std::fmt::Debug>(answer: Answer<T>) -> ApiError {
    ApiError::from(answer.expect_err("the call must fail"))
}

/// The message of a gateway refusal (401 APIGW.0301), after checking that
/// the request id in the header starts with the gateway's id in the body.
pub fn gateway_refusal(err: &ApiError) -> &str {
    assert_eq!(
        (err.status(), err.error_code()),
        (Some(401), Some("APIGW.0301"))
    );
    let ApiError::Service {
        body, request_id, ..
    } = err
    else {
        panic!("{err:?}")
    };
    let in_body = body
        .request_id
        .as_deref()
        .expect("gateway errors carry request_id");
    assert!(request_id.as_deref().unwrap().starts_with(in_body));
    body.error_msg.as_deref().unwrap_or_default()
}

/// An emulator started with `config`, a client of it with `context`, and
/// `configs` created in [`PROJECT`] through that client.
pub async fn emulator_with(
    config: live_record_callbacks_emulator::EmulatorConfig,
    context: ClientContext,
    configs: &[serde_json::Value],
) -> (live_record_callbacks_emulator::Emulator, Client) {
    let emulator = live_record_callbacks_emulator::Emulator::start(config)
        .await
        .unwrap();
    let client = Client::with_context(emulator.base_url(), context).unwrap();
    for c in configs {
        create(&client, c.clone()).await.unwrap();
    }
    (emulator, client)
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

/// The command line's `trigger` at the emulator `base`, for
/// [`DOMAIN`]/`app`/`stream` and `event`.
pub fn trigger_args<'a>(
    base: &'a str,
    app: &'a str,
    stream: &'a str,
    event: &'a str,
) -> Vec<&'a str> {
    let mut args = vec!["trigger", "--emulator", base, "--domain", DOMAIN];
    args.extend(["--app", app, "--stream", stream, "--event", event]);
    args
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

/// A receiver of notifications: answers every request with `status` and a
/// small JSON body, and keeps what it gets. Returns the hook's URL (its
/// path `/hook`) and what it saw.
pub async fn hook(status: u16) -> (String, Log) {
    let (base, log) = answering(status, "application/json", "rid-hook", r#"{"status":"ok"}"#).await;
    (format!("{base}/hook"), log)
}

/// A server that answers every request with `status`, `content_type`,
/// `X-request-id: request_id` and `body`, recording what it received.
pub async fn answering(
    status: u16,
    content_type: &'static str,
    request_id: &'static str,
    reply: &'static str,
) -> (String, Log) {
    recording(move |_| {
        axum::response::Response::builder()
            .status(status)
            .header("content-type", content_type)
            .header("X-request-id", request_id)
            .body(axum::body::Body::from(reply))
            .unwrap()
    })
    .await
}

/// A server that records every request and answers the n-th (from 0) with
/// `answer(n)`.
pub async fn recording<F>(answer: F) -> (String, Log)
where
    F: Fn(usize) -> axum::response::Response + Send + Sync + 'static,
{
    let log = Log::default();
    let seen = log.clone();
    let answer = Arc::new(answer);
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let router = Router::new().fallback(move |req: axum::extract::Request| {
        let (seen, answer, count) = (seen.clone(), answer.clone(), count.clone());
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
            seen.0.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body,
            });
            answer(count.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        }
    });
    (serve(router).await, log)
}

/// A server that answers every request 404 with the service's "not
/// found" error and `X-request-id: request_id`.
pub async fn not_found(request_id: &'static str) -> (String, Log) {
    let body = r#"{"error_code":"LIVE.100011001","error_msg":"not found"}"#;
    answering(404, "application/json", request_id, body).await
}

/// A raw TCP server: reads each request (its head, and as many bytes of
/// body as its `Content-Length` says), then calls `act` with the socket and
/// the request's bytes (to write bytes, close, or stall). A connection closed before a
/// whole request is dropped.
pub async fn raw<F, Fut>(act: F) -> String
where
    F: Fn(tokio::net::TcpStream, Vec<u8>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let act = Arc::new(act);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let act = act.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                let mut end = None;
                while end.is_none_or(|end| seen.len() < end) {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                    if end.is_none() {
                        end = request_end(&seen);
                    }
                }
                seen.truncate(end.unwrap());
                act(socket, seen).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Where the request in `seen` ends: after its head and `Content-Length`
/// bytes of body; `None` while the head is incomplete.
fn request_end(seen: &[u8]) -> Option<usize> {
    let head_end = seen.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&seen[..head_end]);
    let body = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, value)| {
            value.trim().parse().expect("a Content-Length")
        });
    Some(head_end + body)
}

/// A raw server that answers each request with the bytes `reply` makes of
/// it, and closes.
pub async fn replying<F>(reply: F) -> String
where
    F: Fn(&[u8]) -> Vec<u8> + Send + Sync + 'static,
{
    let reply = Arc::new(reply);
    raw(move |socket, request| {
        let bytes = reply(&request);
        write_and_close(socket, bytes)
    })
    .await
}

/// Writes `bytes` and closes.
pub async fn write_and_close(mut socket: tokio::net::TcpStream, bytes: Vec<u8>) {
    let _ = socket.write_all(&bytes).await;
    let _ = socket.shutdown().await;
}

// ---- Huawei's Python SDK ---------------------------------------------------

/// The Python with huaweicloudsdkcore that the differential tests need,
/// from `HUAWEI_SDK_PYTHON`; without it they fail (a differential test that
/// silently passes proves nothing).
pub fn huawei_python() -> std::ffi::OsString {
    std::env::var_os("HUAWEI_SDK_PYTHON").unwrap_or_else(|| {
        panic!("needs HUAWEI_SDK_PYTHON: a python with huaweicloudsdkcore==3.1.219; .ci/run sets it up")
    })
}

/// Runs `script` with `python`, `input` on its standard input, and returns
/// its standard output line by line; the script must succeed.
pub fn run_python(python: &std::ffi::OsStr, script: &str, input: String) -> Vec<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start HUAWEI_SDK_PYTHON={python:?}: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Written from another thread: Python answers line by line, and its
    // answers would fill the pipe while this thread is still writing.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("python runs");
    writer
        .join()
        .expect("writer thread")
        .expect("write to python");
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

// ---- signing vectors -------------------------------------------------------

/// The AK/SK signing vectors of `vectors/aksk-signing.json`, the one copy
/// that the client's tests and the Postman script's tests both read.
#[derive(Debug, serde::Deserialize)]
pub struct SigningVectors {
    /// The access key every vector is signed with.
    pub access_key: String,
    /// The secret key every vector is signed with.
    pub secret_key: String,
    /// The project id sent (and signed) as `X-Project-Id`.
    pub project_id: String,
    /// The host of every request.
    pub host: String,
    /// The signing time.
    pub time: DateTime<Utc>,
    /// The signing time as `X-Sdk-Date`.
    pub sdk_date: String,
    /// The `SignedHeaders` of every vector.
    pub signed_headers: String,
    /// The requests and their signatures.
    pub vectors: Vec<SigningVector>,
}

/// One signed request.
#[derive(Debug, serde::Deserialize)]
pub struct SigningVector {
    /// The HTTP method.
    pub method: String,
    /// The path and query of the URL.
    pub path_and_query: String,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body (empty for none).
    pub body: String,
    /// The expected `Signature` of the `Authorization` header.
    pub signature: String,
}

/// The signing vectors, read once.
pub fn signing_vectors() -> &'static SigningVectors {
    static VECTORS: std::sync::OnceLock<SigningVectors> = std::sync::OnceLock::new();
    VECTORS.get_or_init(|| {
        serde_json::from_str(include_str!("../vectors/aksk-signing.json"))
            .expect("vectors/aksk-signing.json is a valid vector file")
    })
}
