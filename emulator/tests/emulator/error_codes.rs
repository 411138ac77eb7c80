//! Every error code the emulator answers an operation with is one the
//! document gives for that operation and status: listed in the response's
//! `x-error-codes` or, where the response lists none, the code of one of its
//! examples. The codes are read from the document, not from a second list.

use serde_json::{json, Value};

use live_record_callbacks::auth::AkSkCredentials;
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};
use live_record_callbacks_test_support::{AK, PROJECT, SK};

/// The document as JSON.
fn document() -> Value {
    serde_yaml::from_str(live_record_callbacks_test_support::DOCUMENT)
        .expect("the document is YAML")
}

/// Follows a local `$ref` (`#/components/...`), once.
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} does not resolve")),
        None => node,
    }
}

/// The codes the document gives for `operation_id` answering `status`:
/// the response's `x-error-codes`, else its examples' `error_code`s. The
/// response is the exact status, else its range (`4XX`), else `default`.
fn documented_codes(doc: &Value, operation_id: &str, status: u16) -> Vec<String> {
    let operation = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .find(|op| op["operationId"] == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in the document"));
    let responses = &operation["responses"];
    let range = format!("{}XX", status / 100);
    let response = [status.to_string(), range, "default".into()]
        .iter()
        .find_map(|key| responses.get(key))
        .map(|r| resolve(doc, r))
        .unwrap_or_else(|| panic!("{operation_id} declares no response for {status}"));
    let listed: Vec<String> = response["x-error-codes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    response["content"]["application/json"]["examples"]
        .as_object()
        .into_iter()
        .flat_map(|examples| examples.values())
        .filter_map(|e| {
            resolve(doc, e)["value"]["error_code"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// Every `x-error-codes` entry anywhere in the document.
fn all_listed_codes(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Array(codes)) = map.get("x-error-codes") {
                out.extend(
                    codes
                        .iter()
                        .filter_map(|c| c["code"].as_str().map(str::to_owned)),
                );
            }
            map.values().for_each(|v| all_listed_codes(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| all_listed_codes(v, out)),
        _ => {}
    }
}

/// Sends one request; gives the status and the body's `error_code`.
async fn call(
    method: reqwest::Method,
    url: &str,
    content_type: &str,
    body: &Value,
) -> (u16, Option<String>) {
    let mut request = reqwest::Client::new().request(method, url);
    if !body.is_null() {
        request = request
            .header("content-type", content_type)
            .body(body.to_string());
    }
    let answer = request.send().await.expect("the emulator answers");
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    (status, body["error_code"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn every_error_code_the_emulator_sends_is_the_documents() {
    const JSON: &str = "application/json";
    let doc = document();
    let open = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let base = format!("{}/v1/{PROJECT}/record/callbacks", open.base_url());
    let config = |app: &str| json!({"publish_domain": "push.example.com", "app": app});

    // Two configs, so that an update can take the other's pair.
    let mut ids = Vec::new();
    for app in ["live", "other"] {
        let answer = reqwest::Client::new()
            .post(&base)
            .json(&config(app))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
        ids.push(
            answer.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let one = format!("{base}/{}", ids[0]);
    let unknown = format!("{base}/{}", "f".repeat(32));
    use reqwest::Method as M;
    let null = Value::Null;
    let cases: Vec<(&str, M, String, &str, Value)> = vec![
        (
            "CreateRecordCallbackConfig",
            M::POST,
            base.clone(),
            JSON,
            json!({"app": "live"}),
        ),
        (
            "CreateRecordCallbackConfig",
            M::POST,
            base.clone(),
            "text/plain",
            config("x"),
        ),
        (
            "CreateRecordCallbackConfig",
            M::POST,
            base.clone(),
            JSON,
            config("live"),
        ),
        (
            "ListRecordCallbackConfigs",
            M::GET,
            format!("{base}?limit=0"),
            JSON,
            null.clone(),
        ),
        (
            "ShowRecordCallbackConfig",
            M::GET,
            unknown.clone(),
            JSON,
            null.clone(),
        ),
        (
            "ShowRecordCallbackConfig",
            M::GET,
            format!("{base}/not*an*id"),
            JSON,
            null.clone(),
        ),
        (
            "UpdateRecordCallbackConfig",
            M::PUT,
            one.clone(),
            JSON,
            config("other"),
        ),
        (
            "UpdateRecordCallbackConfig",
            M::PUT,
            one.clone(),
            JSON,
            json!({"app": 1}),
        ),
        (
            "UpdateRecordCallbackConfig",
            M::PUT,
            unknown.clone(),
            JSON,
            config("z"),
        ),
        (
            "DeleteRecordCallbackConfig",
            M::DELETE,
            unknown.clone(),
            JSON,
            null.clone(),
        ),
    ];
    let mut seen = Vec::new();
    for (operation, method, url, content_type, body) in cases {
        let (status, code) = call(method.clone(), &url, content_type, &body).await;
        let code = code.unwrap_or_else(|| panic!("{method} {url}: {status} without error_code"));
        let documented = documented_codes(&doc, operation, status);
        assert!(
            documented.contains(&code),
            "{operation} answered {status} {code} ({method} {url}); the document gives {documented:?} for it"
        );
        seen.push(code);
    }

    // Behind a gateway that wants AK/SK, every operation's refusal.
    let guarded =
        Emulator::start(EmulatorConfig::default().with_aksk(AkSkCredentials::new(AK, SK).unwrap()))
            .await
            .unwrap();
    let gbase = format!("{}/v1/{PROJECT}/record/callbacks", guarded.base_url());
    for (operation, method, url) in [
        ("CreateRecordCallbackConfig", M::POST, gbase.clone()),
        ("ListRecordCallbackConfigs", M::GET, gbase.clone()),
        (
            "ShowRecordCallbackConfig",
            M::GET,
            format!("{gbase}/{}", "a".repeat(32)),
        ),
        (
            "UpdateRecordCallbackConfig",
            M::PUT,
            format!("{gbase}/{}", "a".repeat(32)),
        ),
        (
            "DeleteRecordCallbackConfig",
            M::DELETE,
            format!("{gbase}/{}", "a".repeat(32)),
        ),
    ] {
        let (status, code) = call(method, &url, JSON, &config("live")).await;
        let code = code.expect("a gateway refusal carries error_code");
        let documented = documented_codes(&doc, operation, status);
        assert!(
            documented.contains(&code),
            "{operation}: {status} {code}, documented {documented:?}"
        );
        seen.push(code);
    }

    // A method no operation has on a path of the contract: no operation's
    // response applies, so the code must be one the document lists somewhere.
    let (status, code) = call(M::PATCH, &one, JSON, &null).await;
    let mut listed = Vec::new();
    all_listed_codes(&doc, &mut listed);
    let code = code.expect("405 carries error_code");
    assert_eq!(status, 405);
    assert!(listed.contains(&code), "405 {code} is in no x-error-codes");
    seen.push(code);

    // What was driven covers every kind of error the emulator answers
    // (a path outside the contract, APIGW.0101, has no operation and is
    // the gateway's, not the contract's).
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            "APIGW.0301",
            "LIVE.100011001",
            "LIVE.100011011",
            "LIVE.100011012",
            "LIVE.103011018"
        ]
    );
    open.stop().await;
    guarded.stop().await;
}
