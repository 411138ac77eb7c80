//! `proxy`: a local HTTP proxy in front of the real service (or any
//! upstream) that signs what it forwards and holds every exchange to the
//! contract.
//!
//! Prism's validating proxy forwards with `Host` rewritten, which breaks
//! every AK/SK signature (it covers `host`); this one signs each request
//! itself, for the upstream's host, with the client crate's signer. Each
//! exchange becomes one JSON line on standard output (see [`contract`] for
//! the findings); the summary follows when the proxy is stopped (Ctrl-C or
//! SIGTERM), and the exit status is 1 when any finding breaks the
//! contract.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, Request, Response, StatusCode};
use chrono::Utc;
use live_record_callbacks::auth::{
    AkSkCredentials, Credentials, IamToken, ENV_PROJECT_ID, ENV_SECURITY_TOKEN, HEADER_AUTH_TOKEN,
    HEADER_PROJECT_ID, HEADER_SDK_DATE, HEADER_SECURITY_TOKEN,
};
use serde_json::{json, Value as Json};

use live_record_callbacks_emulator::contract::{redacted, Contract, Finding};

use super::CredentialArgs;

/// The most a request or answer body may hold (configs are small).
const BODY_LIMIT: usize = 1 << 20;

/// Forward the five operations to an upstream, signed, and report how
/// every exchange departs from the contract.
///
/// With --ak/--sk (or HUAWEICLOUD_SDK_AK/SK) each request is signed for
/// the upstream host, with the project id of HUAWEICLOUD_SDK_PROJECT_ID or
/// else the path's; with --token (HUAWEICLOUD_SDK_TOKEN) it carries that
/// token; with neither, the caller's X-Auth-Token is passed on. One JSON
/// line per exchange goes to standard output, a summary line when stopped
/// (Ctrl-C or SIGTERM). Exits 1 if any finding breaks the contract.
#[derive(clap::Args)]
pub struct Args {
    /// The service to forward to, e.g.
    /// https://live.cn-north-4.myhuaweicloud.com
    #[arg(long)]
    upstream: reqwest::Url,
    /// Address to listen on; keep it on loopback.
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// The OpenAPI 3.1 rendition to validate with (default: the one built
    /// in, openapi/published/live-record-callbacks.3.1.json).
    #[arg(long)]
    contract: Option<std::path::PathBuf>,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// How requests are authenticated upstream.
enum Upstream {
    AkSk(AkSkCredentials),
    Token(IamToken),
    PassToken,
}

struct Proxy {
    contract: Contract,
    upstream: reqwest::Url,
    auth: Upstream,
    http: reqwest::Client,
    report: Mutex<Tally>,
}

#[derive(Default)]
struct Tally {
    exchanges: u64,
    findings: u64,
    breaking: u64,
}

pub async fn run(args: Args) -> Result<ExitCode, String> {
    let contract = match &args.contract {
        Some(path) => Contract::read(path)?,
        None => Contract::built_in()?,
    };
    let CredentialArgs { ak, sk, token } = args.credentials;
    let auth = match (ak, sk, token) {
        (Some(_), _, Some(_)) => return Err(
            "give AK/SK or a token, not both (check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_TOKEN)"
                .into(),
        ),
        (Some(ak), Some(sk), None) => {
            let mut creds = AkSkCredentials::new(ak, sk).map_err(|e| format!("--ak/--sk: {e}"))?;
            let env = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
            if let Some(p) = env(ENV_PROJECT_ID) {
                creds = creds
                    .with_project_id(p)
                    .map_err(|e| format!("{ENV_PROJECT_ID}: {e}"))?;
            }
            if let Some(t) = env(ENV_SECURITY_TOKEN) {
                creds = creds
                    .with_security_token(t)
                    .map_err(|e| format!("{ENV_SECURITY_TOKEN}: {e}"))?;
            }
            Upstream::AkSk(creds)
        }
        (None, None, Some(t)) => {
            Upstream::Token(IamToken::new(t).map_err(|e| format!("--token: {e}"))?)
        }
        _ => Upstream::PassToken,
    };
    let described = match &auth {
        Upstream::AkSk(c) => format!("signing with access key {}", c.access_key()),
        Upstream::Token(_) => "sending the configured IAM token".to_owned(),
        Upstream::PassToken => "passing the caller's X-Auth-Token".to_owned(),
    };
    let http = reqwest::Client::builder()
        .user_agent(concat!(
            "live-record-callbacks-proxy/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .map_err(|e| format!("cannot set up HTTP: {e}"))?;
    let proxy = Arc::new(Proxy {
        contract,
        upstream: args.upstream,
        auth,
        http,
        report: Mutex::default(),
    });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!(
        "proxy listening on http://{addr}, forwarding to {} ({described})",
        proxy.upstream
    );
    let app = axum::Router::new()
        .fallback(exchange)
        .with_state(Arc::clone(&proxy));
    axum::serve(listener, app)
        .with_graceful_shutdown(stopped())
        .await
        .map_err(|e| format!("serving: {e}"))?;
    let tally = proxy
        .report
        .lock()
        .map_err(|_| "a report writer panicked")?;
    let summary = json!({ "summary": {
        "exchanges": tally.exchanges,
        "findings": tally.findings,
        "breaking": tally.breaking,
    }});
    println!("{summary}");
    eprintln!(
        "proxy: {} exchanges, {} findings, {} breaking the contract",
        tally.exchanges, tally.findings, tally.breaking
    );
    Ok(if tally.breaking > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The headers that belong to one hop, or that the proxy sets itself.
fn forwarded(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "host"
            | "connection"
            | "keep-alive"
            | "proxy-connection"
            | "transfer-encoding"
            | "te"
            | "trailer"
            | "upgrade"
            | "content-length"
    )
}

/// Whether a caller's header would clash with the proxy's own signature
/// or token.
fn credential(name: &HeaderName) -> bool {
    [
        "authorization",
        HEADER_SDK_DATE,
        HEADER_AUTH_TOKEN,
        HEADER_SECURITY_TOKEN,
    ]
    .contains(&name.as_str())
}

async fn exchange(State(proxy): State<Arc<Proxy>>, request: Request<Body>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) => return plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("request body: {e}")),
    };
    let path = parts.uri.path().to_owned();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let matched = proxy.contract.operation(parts.method.as_str(), &path);
    let params = matched
        .as_ref()
        .map(|m| m.path_params(&path))
        .unwrap_or_default();
    let mut findings = match &matched {
        Some(m) => proxy.contract.check_request(m, &params, &query, &body),
        None => vec![Finding {
            pointer: "/request/path".into(),
            rule: "operation".into(),
            breaks: true,
            message: format!(
                "{} {path} is none of the contract's operations",
                parts.method
            ),
        }],
    };
    let mut url = proxy.upstream.clone();
    url.set_path(&format!(
        "{}{path}",
        proxy.upstream.path().trim_end_matches('/')
    ));
    url.set_query(parts.uri.query());
    let upstream = async {
        let mut headers = HeaderMap::new();
        let pass_token = matches!(proxy.auth, Upstream::PassToken);
        for (name, value) in &parts.headers {
            if forwarded(name) && (pass_token || !credential(name)) {
                headers.append(name.clone(), value.clone());
            }
        }
        let mut req = proxy
            .http
            .request(parts.method.clone(), url)
            .headers(headers)
            .body(body.clone())
            .build()
            .map_err(|e| format!("building the upstream request: {e}"))?;
        match &proxy.auth {
            Upstream::AkSk(creds) => {
                let project = path.split('/').nth(2).filter(|p| !p.is_empty());
                let creds = match (creds.project_id(), project) {
                    (None, Some(p)) => creds
                        .clone()
                        .with_project_id(p)
                        .map_err(|e| e.to_string())?,
                    _ => creds.clone(),
                };
                req.headers_mut().remove(HEADER_PROJECT_ID);
                creds
                    .sign_reqwest(&mut req, Utc::now())
                    .map_err(|e| format!("signing: {e}"))?
            }
            Upstream::Token(t) => Credentials::from(t.clone())
                .apply(&mut req, Utc::now())
                .map_err(|e| format!("token: {e}"))?,
            Upstream::PassToken => {}
        }
        let answer = proxy
            .http
            .execute(req)
            .await
            .map_err(|e| format!("upstream: {e}"))?;
        let status = answer.status();
        let headers = answer.headers().clone();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| format!("upstream body: {e}"))?;
        Ok::<_, String>((status, headers, bytes))
    };
    let (status, headers, bytes) = match upstream.await {
        Ok(answer) => answer,
        Err(message) => {
            eprintln!("proxy: {} {path}: {message}", parts.method);
            return plain(StatusCode::BAD_GATEWAY, &message);
        }
    };
    if let Some(m) = &matched {
        let has = |name: &str| headers.contains_key(name);
        findings.extend(
            proxy
                .contract
                .check_response(m, status.as_u16(), &has, &bytes),
        );
    }
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let line = json!({
        "operation": matched.as_ref().map(|m| m.id()),
        "request": {
            "method": parts.method.as_str(),
            "path": path,
            "params": object(params),
            "query": object(query),
            "body": redacted(serde_json::from_slice(&body).ok()),
        },
        "response": {
            "status": status.as_u16(),
            "request_id": request_id,
            "body": redacted(serde_json::from_slice(&bytes).ok()),
        },
        "findings": findings,
    });
    if let Ok(mut tally) = proxy.report.lock() {
        tally.exchanges += 1;
        tally.findings += findings.len() as u64;
        tally.breaking += findings.iter().filter(|f| f.breaks).count() as u64;
        println!("{line}");
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if forwarded(name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

/// Name-value pairs as a JSON object of strings.
fn object(pairs: Vec<(String, String)>) -> Json {
    Json::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Json::String(v)))
            .collect(),
    )
}

fn plain(status: StatusCode, message: &str) -> Response<Body> {
    let mut r = Response::new(Body::from(format!("proxy: {message}\n")));
    *r.status_mut() = status;
    r
}
