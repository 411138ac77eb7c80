//! `proxy` over loopback: the emulator as upstream (AK/SK, and a token)
//! gives zero findings for all five operations; an upstream that lies gets
//! each lie reported once, at its pointer.

use live_record_callbacks_test_support as common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Command, Stdio};

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use live_record_callbacks::auth::{IamToken, ENV_AK, ENV_PROJECT_ID, ENV_SK, ENV_TOKEN};
use live_record_callbacks_emulator::EmulatorConfig;
use serde_json::{json, Value};

use common::{DOMAIN, PROJECT, SK};

/// The callback key of the configs (the shared one equals the project id,
/// which the report shows in every path).
const KEY: &str = "ProxyTestKey0123456789abcdefABCDEF";

fn body(app: &str) -> Value {
    let mut c = common::config(DOMAIN, app);
    c["key"] = json!(KEY);
    c
}

/// A running `live-record-callbacks proxy`.
pub struct Proxy {
    child: Child,
    stderr: BufReader<ChildStderr>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// What a stopped proxy wrote.
pub struct Run {
    pub exchanges: Vec<Value>,
    pub summary: Value,
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Proxy {
    /// Starts the proxy in front of `upstream` with only `env` set.
    pub fn start(upstream: &str, env: &[(&str, &str)]) -> Proxy {
        let mut child = Command::new(env!("CARGO_BIN_EXE_live-record-callbacks"))
            .env_clear()
            .envs(env.iter().copied())
            .args(["proxy", "--listen", "127.0.0.1:0", "--upstream", upstream])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches(',')
            .to_owned();
        Proxy {
            child,
            stderr,
            base,
        }
    }

    /// Stops it as Ctrl-C would, and reads its report.
    pub fn stop(mut self) -> Run {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stderr, &mut rest).unwrap();
        let out = self.child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut lines: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let summary = lines.pop().expect("a summary line")["summary"].clone();
        Run {
            exchanges: lines,
            summary,
            success: out.status.success(),
            stdout,
            stderr: rest,
        }
    }
}

/// All five operations through `client` (which talks to a proxy).
async fn five_operations(client: &live_record_callbacks::Client) {
    let created = common::create(client, body("live")).await.unwrap();
    let id = created.id.to_string();
    common::list(client).send().await.unwrap();
    common::show(client, &id).await.unwrap();
    let mut changed = body("live");
    changed["notify_event_subscription"] = json!(["RECORD_FILE_COMPLETE", "RECORD_OVER"]);
    common::update(client, &id, changed).await.unwrap();
    common::delete(client, &id).await.unwrap();
}

fn assert_clean(run: &Run, secrets: &[&str]) {
    let ops: Vec<&str> = run
        .exchanges
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "CreateRecordCallbackConfig",
            "ListRecordCallbackConfigs",
            "ShowRecordCallbackConfig",
            "UpdateRecordCallbackConfig",
            "DeleteRecordCallbackConfig"
        ]
    );
    for e in &run.exchanges {
        assert_eq!(e["findings"], json!([]), "{e}");
        assert!(e["response"]["request_id"].is_string(), "{e}");
    }
    assert_eq!(
        run.summary,
        json!({"exchanges": 5, "findings": 0, "breaking": 0})
    );
    assert!(run.success, "{}", run.stderr);
    for s in secrets {
        assert!(
            !run.stdout.contains(s) && !run.stderr.contains(s),
            "{s} leaked"
        );
    }
}

#[tokio::test]
async fn proxy_signs_for_the_emulator_and_finds_nothing() {
    let emulator = live_record_callbacks_emulator::Emulator::start(
        EmulatorConfig::default().with_aksk(common::creds()),
    )
    .await
    .unwrap();
    let env = [
        (ENV_AK, common::AK),
        (ENV_SK, SK),
        (ENV_PROJECT_ID, PROJECT),
    ];
    let proxy = Proxy::start(emulator.base_url(), &env);
    // The caller sends nothing: the proxy signs for the emulator's host,
    // and the emulator checks the signature.
    five_operations(&common::anonymous(&proxy.base)).await;
    let run = proxy.stop();
    assert_clean(&run, &[SK, KEY, "Signature="]);
    assert_eq!(run.exchanges[0]["request"]["body"]["key"], "<redacted>");
    same_as_kept_report(&run.stdout);
}

/// The report `cargo xtask observed` is tested with (xtask/src/observed.rs)
/// is this run's: the two agree but for ids, times and request ids, and
/// `UPDATE_REPORTS=1` rewrites it.
fn same_as_kept_report(stdout: &str) {
    let kept = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-support/reports/proxy-emulator.jsonl");
    if std::env::var_os("UPDATE_REPORTS").is_some() {
        std::fs::write(&kept, stdout).unwrap();
    }
    fn normalized(text: &str) -> Vec<Value> {
        fn walk(v: &mut Value) {
            match v {
                Value::Object(fields) => {
                    for (k, x) in fields.iter_mut() {
                        if ["id", "create_time", "update_time", "request_id"].contains(&k.as_str())
                        {
                            *x = json!("<varies>");
                        } else if k == "path" {
                            let path = x.as_str().unwrap_or_default();
                            *x = json!(path.split("/callbacks/").next().unwrap_or_default());
                        } else {
                            walk(x);
                        }
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(walk),
                _ => {}
            }
        }
        text.lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                walk(&mut v);
                v
            })
            .collect()
    }
    let text = std::fs::read_to_string(&kept)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_REPORTS=1", kept.display()));
    assert_eq!(
        normalized(&text),
        normalized(stdout),
        "test-support/reports/proxy-emulator.jsonl is stale: run with UPDATE_REPORTS=1"
    );
}

#[tokio::test]
async fn proxy_sends_its_token_to_the_emulator_and_finds_nothing() {
    let token = "MIITokenExample0123";
    let emulator = live_record_callbacks_emulator::Emulator::start(
        EmulatorConfig::default().with_token(IamToken::new(token).unwrap()),
    )
    .await
    .unwrap();
    let proxy = Proxy::start(emulator.base_url(), &[(ENV_TOKEN, token)]);
    five_operations(&common::anonymous(&proxy.base)).await;
    let run = proxy.stop();
    assert_clean(&run, &[token, KEY]);
}

fn config(id: &str) -> Value {
    json!({
        "id": id, "publish_domain": DOMAIN, "app": "live",
        "notify_callback_url": common::HOOK_URL,
        "notify_event_subscription": ["RECORD_FILE_COMPLETE"],
        "sign_type": "HMACSHA256",
        "create_time": "2024-01-01T00:00:00Z", "update_time": "2024-01-01T00:00:00Z"
    })
}

fn answer(status: u16, request_id: bool, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap();
    let mut r = (status, axum::Json(body)).into_response();
    if request_id {
        let id = "rid-lying-1704067200000-test".parse().unwrap();
        r.headers_mut().insert("x-request-id", id);
    }
    r
}

/// The lies, by config id (show) or by `app` filter (list).
async fn show(Path((_, id)): Path<(String, String)>, headers: axum::http::HeaderMap) -> Response {
    // The proxy has no credentials of its own: it passes the caller's token.
    assert_eq!(headers["x-auth-token"], "MIICallerToken");
    let mut c = config(&id);
    match id.as_str() {
        "no-id" => {
            c.as_object_mut().unwrap().remove("id");
            answer(200, true, c)
        }
        "extra-field" => {
            c["region"] = json!("cn-north-4");
            answer(200, true, c)
        }
        "undeclared-status" => answer(418, true, json!({"error_code": "X", "error_msg": "teapot"})),
        "no-request-id" => answer(200, false, c),
        "gateway-401" => answer(
            401,
            true,
            json!({"error_code": "APIGW.0307", "error_msg": "The token must be updated.", "request_id": "6f1c0a0f"}),
        ),
        _ => answer(200, true, c),
    }
}

async fn list(RawQuery(query): RawQuery) -> Response {
    let mut c = config("cfg-1");
    let mut page = json!({"total": 1, "callback_config": []});
    match query.unwrap_or_default().as_str() {
        "app=wrong-type" => page["total"] = json!("1"),
        "app=unknown-event" => {
            c["notify_event_subscription"] = json!(["RECORD_FILE_COMPLETE", "RECORD_SEGMENT_READY"])
        }
        _ => {}
    }
    page["callback_config"] = json!([c]);
    answer(200, true, page)
}

#[tokio::test]
async fn proxy_reports_each_lie_once_at_its_pointer() {
    let router = axum::Router::new()
        .route("/v1/{project}/record/callbacks", axum::routing::get(list))
        .route(
            "/v1/{project}/record/callbacks/{id}",
            axum::routing::get(show),
        );
    let upstream = common::serve(router).await;
    let proxy = Proxy::start(&upstream, &[]);
    let http = reqwest::Client::new();
    let base = format!("{}/v1/{PROJECT}/record/callbacks", proxy.base);
    let long_id: &str = Box::leak(format!("/{}", "x".repeat(129)).into_boxed_str());
    let cases = [
        ("/no-id", "/response/body/id", "required", true),
        (
            "/extra-field",
            "/response/body/region",
            "unknown-field",
            false,
        ),
        ("/undeclared-status", "/response/status", "status", true),
        ("?app=wrong-type", "/response/body/total", "type", true),
        ("/no-request-id", "/response/request_id", "header", true),
        (
            "?app=unknown-event",
            "/response/body/callback_config/0/notify_event_subscription/1",
            "open-enum",
            false,
        ),
        (
            "/gateway-401",
            "/response/body/error_code",
            "error-code",
            false,
        ),
        // Strict on requests: an id longer than the contract's 128.
        (long_id, "/request/params/id", "maxLength", true),
    ];
    for (tail, ..) in cases {
        let direct = http
            .get(format!("{upstream}/v1/{PROJECT}/record/callbacks{tail}"))
            .header("x-auth-token", "MIICallerToken")
            .send()
            .await
            .unwrap();
        let (status, body) = (direct.status(), direct.bytes().await.unwrap());
        let proxied = http
            .get(format!("{base}{tail}"))
            .header("x-auth-token", "MIICallerToken")
            .send()
            .await
            .unwrap();
        // The answer comes back unchanged.
        assert_eq!(proxied.status(), status, "{tail}");
        assert_eq!(proxied.bytes().await.unwrap(), body, "{tail}");
    }
    let run = proxy.stop();
    assert_eq!(run.exchanges.len(), cases.len());
    for ((tail, pointer, rule, breaks), e) in cases.iter().zip(&run.exchanges) {
        let findings = e["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{tail}: {e}");
        let f = &findings[0];
        assert_eq!(
            (
                f["pointer"].as_str(),
                f["rule"].as_str(),
                f["breaks"].as_bool()
            ),
            (Some(*pointer), Some(*rule), Some(*breaks)),
            "{tail}: {e}"
        );
        // The pointer leads into the report line itself where the value is.
        if *rule != "header" && *rule != "required" {
            assert!(e.pointer(pointer).is_some(), "{tail}: {pointer} in {e}");
        }
    }
    assert_eq!(
        run.summary,
        json!({"exchanges": 8, "findings": 8, "breaking": 5})
    );
    assert!(!run.success, "a breaking finding fails the run");
    assert!(!run.stdout.contains("MIICallerToken") && !run.stderr.contains("MIICallerToken"));
}

/// `verify --audit` on `body` (signed with the test vectors' key, read
/// with a window wide enough for their 2020 timestamp).
fn audit(body: &Value) -> (Option<i32>, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_live-record-callbacks"))
        .env_clear()
        .args(["verify", "--audit", "--window", "9999999999"])
        .args(["--key", common::CALLBACK_KEY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, body.to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        out.status.code(),
        stdout.lines().map(str::to_owned).collect(),
    )
}

#[test]
fn verify_audit_reports_findings_beside_the_signature_verdict() {
    // The RECORD_OVER vector of the reference: HMACSHA256 over the
    // timestamp, event, domain, app and stream.
    let mut body = json!({
        "project_id": "p-audit", "task_id": "t-1", "event_type": "RECORD_OVER",
        "publish_domain": DOMAIN, "app": "live", "stream": "mystream",
        "record_format": "WEBM", "recorder": "edge-7",
        "auth_timestamp": 1583676745_i64,
        "auth_sign": "e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9"
    });
    let (code, lines) = audit(&body);
    assert_eq!(code, Some(0), "{lines:?}");
    assert!(lines[0].starts_with("valid: RECORD_OVER"), "{lines:?}");
    let line: Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(line["signature"], "valid");
    assert_eq!(line["notification"]["auth_sign"], "<redacted>");
    let found: Vec<(&str, &str, bool)> = line["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap();
            (
                text("pointer"),
                text("rule"),
                f["breaks"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("/notification/record_format", "open-enum", false),
            ("/notification/recorder", "unknown-field", false)
        ]
    );

    // Without record_format (unsigned, required) the contract is broken:
    // the body is no longer one the client reads, and the audit says where.
    body.as_object_mut().unwrap().remove("record_format");
    let (code, lines) = audit(&body);
    assert_eq!(code, Some(1), "{lines:?}");
    assert!(lines[0].starts_with("unreadable:"), "{lines:?}");
    let line: Value = serde_json::from_str(&lines[1]).unwrap();
    let findings = line["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["pointer"] == "/notification/record_format"
                && f["rule"] == "required"
                && f["breaks"] == true),
        "{line}"
    );
    assert!(!lines.concat().contains(common::CALLBACK_KEY));
}
