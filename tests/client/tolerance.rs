//! Tolerant in what the service sends, strict in what the user sends, over
//! real HTTP on 127.0.0.1: small axum servers answer as the service might
//! (fields left out, values the contract does not list), and the emulator
//! checks what the client refuses to send.
//!
//! - a list page without `callback_config` and without `total` is read,
//!   and paging through such pages ends;
//! - a config shown with an event or signing method the request types do
//!   not list goes back with update unchanged (`RecordCallbackConfig::
//!   to_request`), and passes the client's own validation;
//! - names with control characters are refused before anything is sent.

use live_record_callbacks_test_support as common;

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use common::{Log, Seen, CALLBACK_KEY, DOMAIN, PROJECT};
use live_record_callbacks::paging::{ListFilter, PageLimit};
use live_record_callbacks::types::{self, RecordCallbackConfig};
use live_record_callbacks::ApiError;
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

/// A list endpoint serving `configs` in pages, as the service might: no
/// `total`, and no `callback_config` at all on an empty page. Records the
/// `offset` and `limit` of every call.
async fn lister(configs: Vec<Value>) -> (String, Arc<Mutex<Vec<(usize, usize)>>>) {
    #[derive(serde::Deserialize)]
    struct Page {
        offset: Option<usize>,
        limit: Option<usize>,
    }
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let configs = Arc::new(configs);
    let router = Router::new().route(
        "/v1/{project}/record/callbacks",
        get(move |Query(page): Query<Page>| {
            let (seen, configs) = (seen.clone(), configs.clone());
            async move {
                let offset = page.offset.unwrap_or(0);
                let limit = page.limit.unwrap_or(10);
                seen.lock().unwrap().push((offset, limit));
                let slice: Vec<Value> = configs.iter().skip(offset).take(limit).cloned().collect();
                if slice.is_empty() {
                    Json(json!({}))
                } else {
                    Json(json!({ "callback_config": slice }))
                }
            }
        }),
    );
    (common::serve(router).await, calls)
}

/// A config with only the fields the contract requires of a response.
fn minimal(i: usize) -> Value {
    json!({"id": format!("cfg-{i}"), "publish_domain": DOMAIN, "app": format!("app{i}")})
}

#[tokio::test]
async fn a_list_without_callback_config_or_total_is_read() {
    for (body, total) in [("{}", None), (r#"{"total": 0}"#, Some(0))] {
        let (base, _) = common::answering(200, "application/json", "rid-list", body).await;
        let page = common::anonymous(&base)
            .list_record_callback_configs()
            .project_id(PROJECT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{body}: {e}"));
        assert!(page.callback_config.is_empty(), "{body}");
        assert_eq!(page.total, total, "{body}");
    }

    // Items with only id, publish_domain and app, and no total.
    let (base, _) = lister((0..3).map(minimal).collect()).await;
    let page = common::anonymous(&base)
        .list_record_callback_configs()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total, None);
    assert_eq!(page.callback_config.len(), 3);
    let first = &page.callback_config[0];
    assert_eq!((first.id.as_str(), first.app.as_str()), ("cfg-0", "app0"));
    assert!(first.notify_event_subscription.is_empty());
    assert_eq!(
        (
            &first.sign_type,
            &first.create_time,
            &first.notify_callback_url
        ),
        (&None, &None, &None)
    );
}

/// Without `total`, a short page ends the walk; when the last page is
/// full, the empty page after it (with no `callback_config`) does.
#[tokio::test]
async fn paging_ends_without_total() {
    let (base, calls) = lister((0..25).map(minimal).collect()).await;
    let client = common::anonymous(&base);
    let filter = ListFilter::all().page_size(PageLimit::try_from(10).unwrap());
    let all = client
        .collect_all_configs(PROJECT, filter.clone())
        .await
        .unwrap();
    assert_eq!(all.len(), 25);
    assert_eq!(all[24].id, "cfg-24");
    assert_eq!(*calls.lock().unwrap(), [(0, 10), (10, 10), (20, 10)]);

    let (base, calls) = lister((0..20).map(minimal).collect()).await;
    let all = common::anonymous(&base)
        .collect_all_configs(PROJECT, filter)
        .await
        .unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(*calls.lock().unwrap(), [(0, 10), (10, 10), (20, 10)]);
}

/// What show returns in the test below: an event and a signing method the
/// request types do not list, and no times.
const SHOWN: &str = r#"{"id": "cfg-1", "publish_domain": "push.example.com", "app": "live",
    "notify_callback_url": "https://hooks.example.com/live/record",
    "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_SEGMENT_READY"],
    "sign_type": "HMACSHA512", "something_new": true}"#;

/// A show and update endpoint: show answers [`SHOWN`], update echoes the
/// body it got (without the key) and records the request.
async fn config_server() -> (String, Log) {
    let log = Log::default();
    let router = Router::new()
        .route(
            "/v1/{project}/record/callbacks/{id}",
            get(|| async { Json(serde_json::from_str::<Value>(SHOWN).unwrap()) }).put(
                |State(log): State<Log>, request: axum::extract::Request| async move {
                    let (parts, body) = request.into_parts();
                    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
                    let mut stored: Value = serde_json::from_slice(&body).unwrap();
                    log.0.lock().unwrap().push(Seen {
                        method: parts.method.to_string(),
                        uri: parts.uri.to_string(),
                        headers: parts.headers,
                        body,
                    });
                    stored.as_object_mut().unwrap().remove("key");
                    stored["id"] = json!("cfg-1");
                    Json(stored)
                },
            ),
        )
        .with_state(log.clone());
    (common::serve(router).await, log)
}

#[tokio::test]
async fn a_shown_config_with_unlisted_values_goes_back_unchanged() {
    let (base, log) = config_server().await;
    let client = common::anonymous(&base);
    let shown = client
        .show_record_callback_config()
        .project_id(PROJECT)
        .id("cfg-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.notify_event_subscription[1], "RECORD_SEGMENT_READY");
    assert_eq!(shown.sign_type.as_deref(), Some("HMACSHA512"));

    let body = shown
        .to_request(Some(CALLBACK_KEY.parse().unwrap()))
        .unwrap();
    // It passes the client's validation: send() checks the body and sends.
    let updated = client
        .update_record_callback_config()
        .project_id(PROJECT)
        .id("cfg-1")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    let sent = log.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "PUT");
    let wire: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(
        wire,
        json!({
            "publish_domain": "push.example.com", "app": "live",
            "notify_callback_url": "https://hooks.example.com/live/record",
            "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_SEGMENT_READY"],
            "sign_type": "HMACSHA512",
            "key": CALLBACK_KEY,
        })
    );
    // What the server stored reads back as what was shown.
    let mut expected: RecordCallbackConfig = serde_json::from_str(SHOWN).unwrap();
    expected.create_time = None;
    assert_eq!(updated, expected);

    // The same body as JSON passes the same validation.
    let json = serde_json::to_value(&body).unwrap();
    assert!(types::RecordCallbackConfigRequest::try_from(json).is_ok());

    // Without a key, none is sent.
    let keyless = shown.to_request(None).unwrap();
    let wire = serde_json::to_value(&keyless).unwrap();
    assert!(wire.get("key").is_none(), "{wire}");
}

#[test]
fn a_config_that_cannot_go_back_names_the_field() {
    let shown = |patch: Value| -> RecordCallbackConfig {
        let mut v: Value = serde_json::from_str(SHOWN).unwrap();
        for (k, val) in patch.as_object().unwrap() {
            v[k] = val.clone();
        }
        serde_json::from_value(v).unwrap()
    };
    for (patch, path, says) in [
        (json!({"app": "live\u{0}x"}), "app", "doesn't match pattern"),
        (
            json!({"publish_domain": ""}),
            "publish_domain",
            "shorter than 1",
        ),
        (
            json!({"notify_callback_url": "https://hooks.example.com/cb?x=1"}),
            "notify_callback_url",
            "doesn't match pattern",
        ),
        (
            json!({"notify_event_subscription": ["RECORD_OVER", "record over"]}),
            "notify_event_subscription[1]",
            "neither a known event nor an event name",
        ),
        (
            json!({"sign_type": "hmac sha1"}),
            "sign_type",
            "neither a known signing method",
        ),
    ] {
        let err = shown(patch.clone())
            .to_request(Some(CALLBACK_KEY.parse().unwrap()))
            .unwrap_err();
        assert_eq!(err.path(), path, "{patch}");
        assert!(err.message().contains(says), "{patch}: {err}");
        assert!(err.to_string().starts_with(&format!("{path}: ")), "{err}");
        assert!(!err.to_string().contains(CALLBACK_KEY));
    }
}

/// A name with a control character is refused by the client, for create
/// and update, typed or as JSON: nothing reaches the server.
#[tokio::test]
async fn names_with_control_characters_are_refused_before_sending() {
    let (base, log) = common::answering(201, "application/json", "rid", "{}").await;
    let client = common::anonymous(&base);
    let good = || {
        types::RecordCallbackConfigRequest::builder()
            .publish_domain(DOMAIN)
            .app("live")
    };
    for (field, builder) in [
        ("app", good().app("live\u{0}x")),
        ("app", good().app("li\u{7f}ve")),
        (
            "publish_domain",
            good().publish_domain("push.example.com\r\n"),
        ),
        (
            "publish_domain",
            good().publish_domain("push\u{1b}.example.com"),
        ),
    ] {
        let create = client
            .create_record_callback_config()
            .project_id(PROJECT)
            .body(builder.clone())
            .send()
            .await
            .unwrap_err();
        let update = client
            .update_record_callback_config()
            .project_id(PROJECT)
            .id("cfg-1")
            .body(builder)
            .send()
            .await
            .unwrap_err();
        for err in [create, update] {
            let err = ApiError::from(err);
            assert!(matches!(err, ApiError::InvalidRequest(_)), "{err:?}");
            assert!(err.to_string().contains(field), "{err}");
        }
    }
    let json = client
        .create_record_callback_config()
        .project_id(PROJECT)
        .body(json!({"publish_domain": DOMAIN, "app": "live\u{0}x"}))
        .send()
        .await
        .unwrap_err();
    assert!(ApiError::from(json)
        .to_string()
        .contains("app: doesn't match pattern"));
    assert!(log.requests().is_empty(), "nothing may be sent");
}

/// The emulator follows the contract too: a body with such a name, sent
/// around the client, is refused naming the field.
#[tokio::test]
async fn the_emulator_refuses_control_characters_in_names() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let url = format!("{}/v1/{PROJECT}/record/callbacks", emulator.base_url());
    for body in [
        json!({"publish_domain": DOMAIN, "app": "live\u{0}x"}),
        json!({"publish_domain": "push.example.com\n", "app": "live"}),
    ] {
        let response = reqwest::Client::new()
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error_code"], "LIVE.100011001", "{answer}");
        let detail = answer["error_detail"].as_str().unwrap_or_default();
        assert!(detail.contains("doesn't match pattern"), "{answer}");
    }
    let listed = common::anonymous(emulator.base_url())
        .list_record_callback_configs()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.total, Some(0), "nothing was stored");
    emulator.stop().await;
}

/// The generated types keep the fields the contract names; a field the
/// service adds later still reaches a body observer, byte for byte, and the
/// typed answer (with its request id) is read as without one. Error
/// answers go to the error reader, not to the observer.
#[tokio::test]
async fn a_body_observer_sees_what_the_types_do_not_keep() {
    const SENT: &str =
        r#"{"id":"cfg-1","publish_domain":"push.example.com","app":"live","added_later":{"x":1}}"#;
    // (operation id, status, request id, body) as the observer saw them.
    type Seen = Vec<(String, u16, Option<String>, Vec<u8>)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let client = |base: &str| {
        let sink = seen.clone();
        let context =
            live_record_callbacks::ClientContext::anonymous().observe_bodies(move |answer| {
                sink.lock().unwrap().push((
                    answer.operation_id.into(),
                    answer.status.as_u16(),
                    answer.request_id.map(Into::into),
                    answer.body.into(),
                ))
            });
        live_record_callbacks::Client::with_context(base, context).unwrap()
    };

    let (base, _) = common::answering(200, "application/json", "rid-show", SENT).await;
    let shown = common::show(&client(&base), "cfg-1").await.unwrap();
    assert_eq!((shown.id.as_str(), shown.app.as_str()), ("cfg-1", "live"));
    assert_eq!(
        live_record_callbacks::RequestId::request_id(&shown),
        Some("rid-show")
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [(
            "show_record_callback_config".to_owned(),
            200,
            Some("rid-show".to_owned()),
            SENT.as_bytes().to_vec()
        )]
    );

    let (base, _) = common::not_found("rid-404").await;
    let err = common::failure(common::show(&client(&base), "cfg-1").await);
    assert_eq!(err.error_code(), Some("LIVE.100011001"));
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "an error answer is not observed"
    );
}
