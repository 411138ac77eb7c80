//! Error answers in every form Huawei's core SDK reads (huaweicloudsdkcore
//! 3.1.219, `DefaultExceptionHandler`) and the API gateway's, each sent by a
//! raw HTTP server on 127.0.0.1 with the exact bytes (so the request-id
//! header's case is the one on the wire). `ApiError` must give the status,
//! the code, the message and the request id of each.

use live_record_callbacks_test_support as common;

use common::PROJECT;
use live_record_callbacks::{ApiError, RequestId};

/// A server that answers every request with `status`, the given header
/// lines and `body`, written byte for byte.
async fn answering(status: &str, headers: &[&str], body: &str) -> String {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let reply = [head.as_bytes(), body.as_bytes()].concat();
    common::replying(move |_| reply.clone()).await
}

/// Lists configs from a server that answers with the given error.
async fn list_error(status: &str, headers: &[&str], body: &str) -> ApiError {
    let base = answering(status, headers, body).await;
    let err = common::anonymous(&base)
        .list_record_callback_configs()
        .project_id(PROJECT)
        .send()
        .await
        .expect_err("an error status");
    ApiError::from(err)
}

/// (status, code, message, request id) of an error.
fn parts(e: &ApiError) -> (Option<u16>, Option<&str>, Option<&str>, Option<&str>) {
    (e.status(), e.error_code(), e.message(), e.request_id())
}

const JSON: &str = "Content-Type: application/json";

#[tokio::test]
async fn live_error_code_and_error_msg() {
    let e = list_error(
        "400 Bad Request",
        &[JSON, "X-Request-Id: rid-live"],
        r#"{"error_code":"LIVE.100011001","error_msg":"Request Illegal","error_detail":"publish_domain is empty"}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(400),
            Some("LIVE.100011001"),
            Some("Request Illegal"),
            Some("rid-live")
        )
    );
    assert_eq!(
        e.to_string(),
        "400 LIVE.100011001: Request Illegal (publish_domain is empty) [request id rid-live]"
    );
    assert!(matches!(e, ApiError::Service { .. }), "{e:?}");
}

#[tokio::test]
async fn camel_case_error_code_and_error_msg() {
    // Lower-case header name on the wire.
    let e = list_error(
        "400 Bad Request",
        &[JSON, "x-request-id: rid-camel"],
        r#"{"errorCode":"LIVE.100011012","errorMsg":"Unsupported media type"}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(400),
            Some("LIVE.100011012"),
            Some("Unsupported media type"),
            Some("rid-camel")
        )
    );
}

#[tokio::test]
async fn code_and_message() {
    let e = list_error(
        "429 Too Many Requests",
        &[JSON, "X-request-id: rid-429"],
        r#"{"code":"APIGW.0308","message":"The throttling threshold has been reached"}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(429),
            Some("APIGW.0308"),
            Some("The throttling threshold has been reached"),
            Some("rid-429")
        )
    );
    // A numeric code reads as its digits.
    let e = list_error(
        "500 Internal Server Error",
        &[JSON, "X-Request-Id: rid-500"],
        r#"{"code":500,"message":"internal error"}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(500),
            Some("500"),
            Some("internal error"),
            Some("rid-500")
        )
    );
}

#[tokio::test]
async fn nested_error_objects() {
    // The IAM/Keystone form.
    let e = list_error(
        "401 Unauthorized",
        &[JSON, "X-Request-Id: rid-nested"],
        r#"{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(401),
            Some("401"),
            Some("The request you have made requires authentication."),
            Some("rid-nested")
        )
    );
    // Any nested object, at any depth, under any name.
    let e = list_error(
        "403 Forbidden",
        &[JSON, "X-Request-Id: rid-deep"],
        r#"{"result":{"detail":{"error_code":"LIVE.100011004","error_msg":"No permission"}},"status":"failed"}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(403),
            Some("LIVE.100011004"),
            Some("No permission"),
            Some("rid-deep")
        )
    );
}

/// The order the SDK reads the forms in: `error_code`/`error_msg`, then
/// `errorCode`/`errorMsg`, then `code`/`message`; each pair only whole.
#[tokio::test]
async fn the_forms_are_read_in_the_sdks_order() {
    let e = list_error(
        "400 Bad Request",
        &[JSON],
        r#"{"code":"C","message":"c","errorCode":"B","errorMsg":"b","error_code":"A","error_msg":"a"}"#,
    )
    .await;
    assert_eq!((e.error_code(), e.message()), (Some("A"), Some("a")));
    let e = list_error(
        "400 Bad Request",
        &[JSON],
        r#"{"code":"C","message":"c","errorCode":"B","errorMsg":"b","error_code":"A"}"#,
    )
    .await;
    assert_eq!((e.error_code(), e.message()), (Some("B"), Some("b")));
    // A pair at the top wins over one nested.
    let e = list_error(
        "400 Bad Request",
        &[JSON],
        r#"{"error":{"code":"N","message":"nested"},"code":"T","message":"top"}"#,
    )
    .await;
    assert_eq!((e.error_code(), e.message()), (Some("T"), Some("top")));
}

#[tokio::test]
async fn gateway_bodies_carry_request_id_and_encoded_authorization_message() {
    // No header: the gateway's request_id in the body is the request id.
    let e = list_error(
        "401 Unauthorized",
        &[JSON],
        r#"{"error_msg":"Incorrect IAM authentication information: decrypt token fail","error_code":"APIGW.0301","request_id":"gw-6f1c0a0f"}"#,
    )
    .await;
    assert_eq!(
        parts(&e),
        (
            Some(401),
            Some("APIGW.0301"),
            Some("Incorrect IAM authentication information: decrypt token fail"),
            Some("gw-6f1c0a0f")
        )
    );
    // With the header, the header's id; the body's stays in the body.
    let e = list_error(
        "403 Forbidden",
        &[JSON, "X-Request-Id: hdr-rid"],
        r#"{"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized to access the API.","request_id":"gw-rid","encoded_authorization_message":"vjXXQ1NtU2xqb3Vr"}"#,
    )
    .await;
    assert_eq!(e.request_id(), Some("hdr-rid"));
    let ApiError::Service { body, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(body.request_id.as_deref(), Some("gw-rid"));
    assert_eq!(
        body.encoded_authorization_message.as_deref(),
        Some("vjXXQ1NtU2xqb3Vr")
    );
    // encoded_authorization_message is read from a nested object too.
    let e = list_error(
        "403 Forbidden",
        &[JSON],
        r#"{"error":{"code":"IAM.0002","message":"denied","encoded_authorization_message":"nested-enc"}}"#,
    )
    .await;
    let ApiError::Service { body, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        body.encoded_authorization_message.as_deref(),
        Some("nested-enc")
    );
}

/// A body that is not JSON (a proxy's page) or is JSON but not an object:
/// the status stands for the code and the text is the message.
#[tokio::test]
async fn bodies_that_are_not_json_objects() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let e = list_error(
        "502 Bad Gateway",
        &["Content-Type: text/html", "X-Request-Id: rid-proxy"],
        page,
    )
    .await;
    assert_eq!(parts(&e), (Some(502), None, Some(page), Some("rid-proxy")));
    assert!(matches!(e, ApiError::Service { status: 502, .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("502 (no error code): <html>"),
        "{e}"
    );

    for body in [r#""Service Unavailable""#, "[1,2]", "42", "null"] {
        let e = list_error("503 Service Unavailable", &[JSON], body).await;
        assert_eq!(
            (e.status(), e.error_code(), e.message()),
            (Some(503), None, Some(body))
        );
    }
    // Plain text without a content type.
    let e = list_error("500 Internal Server Error", &[], "upstream timed out").await;
    assert_eq!(e.message(), Some("upstream timed out"));
    // Nothing at all.
    let e = list_error("500 Internal Server Error", &[JSON], "").await;
    assert_eq!(
        (e.status(), e.error_code(), e.message()),
        (Some(500), None, None)
    );
    assert_eq!(e.to_string(), "500 (no error code): (no error message)");
}

/// An object with no whole pair: the SDK takes the text as the message; a
/// lone code is still given. A field of a type the contract does not
/// allow there does not make the body unreadable.
#[tokio::test]
async fn objects_without_a_pair_and_odd_fields() {
    let e = list_error("400 Bad Request", &[JSON], r#"{"reason":"no"}"#).await;
    assert_eq!(
        (e.error_code(), e.message()),
        (None, Some(r#"{"reason":"no"}"#))
    );
    let e = list_error("400 Bad Request", &[JSON], r#"{"error_code":"LIVE.1"}"#).await;
    assert_eq!(
        (e.error_code(), e.message()),
        (Some("LIVE.1"), Some(r#"{"error_code":"LIVE.1"}"#))
    );
    let e = list_error(
        "404 Not Found",
        &[JSON],
        r#"{"error":"not_found","error_detail":7,"error_code":"LIVE.100011001","error_msg":"gone","code":1.5}"#,
    )
    .await;
    // List does not document 404: the contract's answer to that is
    // InvalidResponse, with the status.
    assert_eq!(e.status(), Some(404));
    let base = answering(
        "404 Not Found",
        &[JSON, "X-Request-Id: rid-404"],
        r#"{"error":"not_found","error_detail":7,"error_code":"LIVE.100011001","error_msg":"gone","code":1.5}"#,
    )
    .await;
    let e = ApiError::from(
        common::anonymous(&base)
            .show_record_callback_config()
            .project_id(PROJECT)
            .id("cfg")
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        parts(&e),
        (
            Some(404),
            Some("LIVE.100011001"),
            Some("gone"),
            Some("rid-404")
        )
    );
}

/// The generated client's own error gives the request id too, before it
/// becomes an `ApiError`.
#[tokio::test]
async fn the_generated_error_has_the_request_id() {
    let base = answering(
        "400 Bad Request",
        &[JSON, "X-REQUEST-ID: rid-upper"],
        r#"{"errorCode":"X","errorMsg":"y"}"#,
    )
    .await;
    let err = common::anonymous(&base)
        .list_record_callback_configs()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("rid-upper"));
    let progenitor_client::Error::ErrorResponse(rv) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rv.error_code.as_deref(), Some("X"));
    assert_eq!(rv.error_msg.as_deref(), Some("y"));
}
