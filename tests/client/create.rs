//! CreateRecordCallbackConfig over real HTTP on 127.0.0.1: against the
//! emulator for the answers it serves, and against small servers inside the
//! test for what the emulator must not fake (the bytes on the wire, header
//! case, malformed answers, dropped connections, timeouts).

use live_record_callbacks_test_support as common;

use std::time::Duration;

use common::{anonymous as client, create, failure, PROJECT};
use live_record_callbacks::auth::AkSkCredentials;
use live_record_callbacks::{types, ApiError, Client, ClientContext, RequestId};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

/// A key other than the document's test key, so that a leak is not mistaken
/// for the example.
const KEY: &str = "SecretKeyForTests0123456789abcdef";

fn request() -> types::builder::RecordCallbackConfigRequest {
    types::RecordCallbackConfigRequest::builder()
        .publish_domain("push.example.com")
        .app("live")
        .notify_callback_url(Some(
            "https://hooks.example.com/live/record".parse().unwrap(),
        ))
        .notify_event_subscription(vec![types::SubscribedEvent::RecordFileComplete.into()])
        .sign_type(types::SignType::Hmacsha256)
        .key(Some(KEY.parse().unwrap()))
}

/// The same request as JSON, with `field` replaced by `value`.
fn json_with(field: &str, value: serde_json::Value) -> serde_json::Value {
    let mut body = serde_json::json!({
        "publish_domain": "push.example.com", "app": "live",
        "notify_callback_url": "https://hooks.example.com/live/record",
        "notify_event_subscription": ["RECORD_FILE_COMPLETE"], "sign_type": "HMACSHA256", "key": KEY
    });
    body[field] = value;
    body
}

const CREATED: &str = r#"{"id":"5fb8a1a0c3e24b1d9a5b7c2d3e4f5a6b","publish_domain":"push.example.com","app":"live",
 "notify_callback_url":"https://hooks.example.com/live/record","notify_event_subscription":["RECORD_FILE_COMPLETE"],
 "sign_type":"HMACSHA256","create_time":"2024-01-01T00:00:00Z","update_time":"2024-01-01T00:00:00Z"}"#;

#[tokio::test]
async fn created_config_is_parsed_with_its_request_id() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let created = create(&client(emulator.base_url()), request())
        .await
        .expect("201 is a success");
    assert_eq!(created.status(), 201);
    let rid = created.request_id().expect("X-request-id");
    let parts: Vec<&str> = rid.splitn(3, '-').collect();
    assert!(
        parts.len() == 3
            && parts[0].len() == 32
            && parts[1].bytes().all(|b| b.is_ascii_digit())
            && !parts[2].is_empty(),
        "request_id-timestamp-hostname: {rid}"
    );
    assert_eq!(created.id.len(), 32);
    assert_eq!(created.app, "live");
    assert_eq!(
        created.notify_callback_url.as_deref(),
        Some("https://hooks.example.com/live/record")
    );
    assert_eq!(created.notify_event_subscription, ["RECORD_FILE_COMPLETE"]);
    assert_eq!(created.sign_type.as_deref(), Some("HMACSHA256"));
    assert!(created.create_time.is_some() && created.create_time == created.update_time);
}

#[tokio::test]
async fn the_request_on_the_wire_is_what_the_service_expects() {
    let (base, log) = common::answering(
        201,
        "application/json",
        "rid-201-1704067200-live-01",
        CREATED,
    )
    .await;
    create(&client(&base), request()).await.unwrap();
    let seen = log.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].uri, format!("/v1/{PROJECT}/record/callbacks"));
    assert_eq!(
        seen[0].headers["content-type"],
        "application/json; charset=UTF-8"
    );
    assert!(seen[0].headers["user-agent"]
        .to_str()
        .unwrap()
        .starts_with("live-record-callbacks/"));
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "publish_domain": "push.example.com", "app": "live",
            "notify_callback_url": "https://hooks.example.com/live/record",
            "notify_event_subscription": ["RECORD_FILE_COMPLETE"],
            "sign_type": "HMACSHA256", "key": KEY
        })
    );
}

#[tokio::test]
async fn request_id_header_is_read_whatever_its_case() {
    // HTTP/1 header names arrive as sent; the lookup must not care.
    for name in ["X-Request-Id", "x-request-id", "X-REQUEST-ID"] {
        let reply = format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n{name}: rid-case\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{CREATED}", CREATED.len());
        let base = common::replying(move |_| reply.clone().into_bytes()).await;
        let created = create(&client(&base), request()).await.unwrap();
        assert_eq!(
            created.request_id(),
            Some("rid-case"),
            "header spelled {name}"
        );
    }
}

#[tokio::test]
async fn bad_request_is_a_typed_error_with_code_message_and_request_id() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(emulator.base_url());
    create(&client, request()).await.unwrap();
    // The same domain and app again: the service refuses an existing resource.
    let err = create(&client, request()).await.unwrap_err();
    let rid = err
        .request_id()
        .expect("X-request-id on errors too")
        .to_owned();
    let err = ApiError::from(err);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.error_code(), Some("LIVE.103011018"));
    assert_eq!(err.request_id(), Some(rid.as_str()));
    let ApiError::Service { body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(body.error_msg.as_deref(), Some("Resource already exist"));
    assert!(body
        .error_detail
        .as_deref()
        .unwrap()
        .contains("push.example.com/live"));
    assert!(
        err.to_string()
            .starts_with("400 LIVE.103011018: Resource already exist ("),
        "{err}"
    );
    assert!(
        err.to_string().ends_with(&format!("[request id {rid}]")),
        "{err}"
    );
}

#[tokio::test]
async fn gateway_401_carries_its_request_id_in_the_body_too() {
    let creds = |sk: &str| {
        AkSkCredentials::new(common::AK, sk)
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap()
    };
    let emulator = Emulator::start(EmulatorConfig::default().with_aksk(common::creds()))
        .await
        .unwrap();
    let wrong = common::authenticated(emulator.base_url(), creds("a-different-secret"));
    let err = failure(create(&wrong, request()).await);
    let message = common::gateway_refusal(&err);
    assert!(
        message.starts_with("Incorrect IAM authentication information"),
        "{message}"
    );
}

/// Sends `body` and returns the error message; asserts nothing was sent.
async fn refused<B>(body: B) -> String
where
    B: TryInto<types::RecordCallbackConfigRequest>,
    B::Error: std::fmt::Display,
{
    let (base, log) = common::answering(201, "application/json", "rid", CREATED).await;
    let err = create(&client(&base), body).await.unwrap_err();
    assert!(
        log.requests().is_empty(),
        "an invalid request must not be sent"
    );
    let err = ApiError::from(err);
    assert!(matches!(err, ApiError::InvalidRequest(_)), "{err:?}");
    err.to_string()
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending_naming_the_field() {
    let no_app = types::RecordCallbackConfigRequest::builder().publish_domain("push.example.com");
    assert!(refused(no_app).await.contains("app"), "missing app");

    let msg = refused(request().publish_domain("")).await;
    assert!(
        msg.contains("publish_domain") && msg.contains("shorter than 1"),
        "{msg}"
    );

    let msg = refused(request().app("a\u{7}b")).await;
    assert!(msg.contains("app") && msg.contains("pattern"), "{msg}");

    // Typed values are checked when they are made; JSON bodies when sent.
    let msg = refused(json_with("key", KEY[..31].into())).await;
    assert!(
        msg.contains("key: key must be at least 32 characters long, got 31"),
        "{msg}"
    );
    assert!(
        !msg.contains(&KEY[..31]),
        "the key must not be echoed: {msg}"
    );
    assert!("0123"
        .parse::<live_record_callbacks::secret::CallbackKey>()
        .is_err());

    let pattern = "doesn't match pattern";
    for (field, value, expected) in [
        (
            "notify_callback_url",
            json!("https://hooks.example.com/cb?x=1"),
            pattern,
        ),
        (
            "notify_callback_url",
            json!("ftp://hooks.example.com/cb"),
            pattern,
        ),
        // An event or signing method the contract does not list is accepted
        // (a config read back must be sendable again), but only in the shape
        // of one: upper-case letters, digits and underscores.
        (
            "notify_event_subscription[1]",
            json!(["RECORD_FILE_COMPLETE", "record bogus"]),
            "",
        ),
        ("sign_type", json!("sha 1"), ""),
        // Names refuse control characters.
        ("app", json!("live\u{0}x"), pattern),
        ("publish_domain", json!("push.example.com\n"), pattern),
    ] {
        let name = field.split('[').next().unwrap();
        let msg = refused(json_with(name, value)).await;
        let expected = format!("{field}: {expected}");
        assert!(msg.contains(&expected), "{expected}: {msg}");
    }
}

#[test]
fn json_input_errors_carry_the_path() {
    let json = br#"{"publish_domain":"push.example.com","app":"live","notify_event_subscription":["RECORD_FILE_COMPLETE","record bogus"]}"#;
    let err = live_record_callbacks::input::from_json::<types::RecordCallbackConfigRequest>(json)
        .unwrap_err();
    assert_eq!(err.path(), "notify_event_subscription[1]");
    assert!(
        err.message()
            .starts_with("data did not match any variant of untagged enum RequestedEvent"),
        "{err}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_clear_error() {
    let (base, _) = common::answering(
        201,
        "application/json",
        "rid-bad",
        r#"{"id": "x", "publish_domain": "#,
    )
    .await;
    let err = failure(create(&client(&base), request()).await);
    let msg = err.to_string();
    assert!(matches!(err, ApiError::InvalidResponse { .. }), "{err:?}");
    assert!(msg.contains("not the documented JSON"), "{msg}");
}

#[tokio::test]
async fn wrong_content_type_is_a_clear_error() {
    let (base, _) =
        common::answering(201, "text/html", "rid-html", "<html>gateway timeout</html>").await;
    let err = failure(create(&client(&base), request()).await);
    let msg = err.to_string();
    assert!(
        msg.contains("content type \"text/html\"") && msg.contains("rid-html"),
        "{msg}"
    );
}

#[tokio::test]
async fn dropped_connection_is_a_transport_error() {
    let base = common::raw(|s, _| async move { drop(s) }).await;
    let err = failure(create(&client(&base), request()).await);
    assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("the call did not complete"),
        "{err}"
    );
}

#[tokio::test]
async fn timeout_is_a_transport_error() {
    let base = common::raw(|s, _| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(s)
    })
    .await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = Client::new_with_client(&base, http, ClientContext::anonymous());
    let err = failure(create(&client, request()).await);
    let ApiError::Transport(inner) = &err else {
        panic!("{err:?}")
    };
    assert!(inner.is_timeout(), "{inner:?}");
}

#[tokio::test]
async fn the_key_never_shows_in_debug_output() {
    let built = types::RecordCallbackConfigRequest::try_from(request()).unwrap();
    let builder = request();
    let (base, _) = common::answering(201, "application/json", "rid", CREATED).await;
    let client = client(&base);
    let call = client
        .create_record_callback_config()
        .project_id(PROJECT)
        .body(request());
    for text in [
        format!("{built:?}"),
        format!("{built:#?}"),
        format!("{builder:?}"),
        format!("{call:?}"),
    ] {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
    // It still goes over the wire.
    assert!(serde_json::to_string(&built).unwrap().contains(KEY));
}
