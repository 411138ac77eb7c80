#![allow(clippy::result_large_err)]
//! The emulator as a server: the service's errors for bad input, gateway
//! authentication, request ids, and state under concurrent requests.

use live_record_callbacks_test_support as common;

use std::collections::HashSet;

use chrono::Utc;
use common::{config, create, creds, failure, list, DOMAIN, PROJECT};
use live_record_callbacks::auth::{AkSkCredentials, Authenticator, IamToken};
use live_record_callbacks::clock::FixedClock;
use live_record_callbacks::{ApiError, Client, ClientContext, RequestId};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

/// A raw call: status, the error code if any, the whole body.
async fn raw(
    method: reqwest::Method,
    url: String,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Option<String>, Value, reqwest::header::HeaderMap) {
    let mut req = reqwest::Client::new().request(method, url).body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    let value: Value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (
        status,
        value["error_code"].as_str().map(str::to_owned),
        value,
        headers,
    )
}

#[tokio::test]
async fn bad_input_gets_the_service_error_naming_the_field() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let url = format!("{}/v1/{PROJECT}/record/callbacks", emulator.base_url());
    let post =
        |ct: Option<&'static str>, b: Vec<u8>| raw(reqwest::Method::POST, url.clone(), ct, b);
    let json_ct = Some("application/json; charset=UTF-8");

    for (bad, field) in [
        (json!({"app": "live"}), "missing field `publish_domain`"),
        (
            json!({"publish_domain": "", "app": "live"}),
            "publish_domain:",
        ),
        (json!({"publish_domain": "d", "app": "a\u{7}"}), "app:"),
        (
            json!({"publish_domain": "d", "app": "a", "notify_callback_url": "ftp://x/y"}),
            "notify_callback_url:",
        ),
        (
            json!({"publish_domain": "d", "app": "a", "notify_event_subscription": ["NOPE"]}),
            "notify_event_subscription[0]:",
        ),
        (
            json!({"publish_domain": "d", "app": "a", "sign_type": "SHA1"}),
            "sign_type:",
        ),
        (
            json!({"publish_domain": "d", "app": "a", "key": "short"}),
            "key:",
        ),
        (
            json!({"publish_domain": "x".repeat(256), "app": "a"}),
            "publish_domain:",
        ),
    ] {
        let (status, code, value, headers) = post(json_ct, serde_json::to_vec(&bad).unwrap()).await;
        assert_eq!(
            (status, code.as_deref()),
            (400, Some("LIVE.100011001")),
            "{bad}"
        );
        let detail = value["error_detail"].as_str().unwrap();
        assert!(detail.contains(field), "{bad}: {detail}");
        assert!(headers.contains_key("x-request-id"));
        // The key is never echoed.
        assert!(!value.to_string().contains("\"short\""), "{value}");
    }

    let (status, code, _, _) = post(json_ct, b"{not json".to_vec()).await;
    assert_eq!((status, code.as_deref()), (400, Some("LIVE.100011001")));

    let (status, code, _, _) = post(
        Some("text/plain"),
        serde_json::to_vec(&config(DOMAIN, "a")).unwrap(),
    )
    .await;
    assert_eq!((status, code.as_deref()), (400, Some("LIVE.100011012")));
    let (status, code, _, _) = post(None, serde_json::to_vec(&config(DOMAIN, "a")).unwrap()).await;
    assert_eq!((status, code.as_deref()), (400, Some("LIVE.100011012")));

    let huge =
        serde_json::to_vec(&json!({"publish_domain": "d", "app": "a", "pad": "x".repeat(100_000)}))
            .unwrap();
    let (status, code, value, _) = post(json_ct, huge).await;
    assert_eq!((status, code.as_deref()), (400, Some("LIVE.100011001")));
    assert!(value["error_detail"]
        .as_str()
        .unwrap()
        .contains("larger than 65536 bytes"));

    let (status, code, _, headers) = raw(reqwest::Method::PATCH, url.clone(), None, vec![]).await;
    assert_eq!((status, code.as_deref()), (405, Some("LIVE.100011011")));
    assert!(headers.contains_key("allow"));

    let (status, code, _, headers) = raw(
        reqwest::Method::GET,
        format!("{}/v2/nothing", emulator.base_url()),
        None,
        vec![],
    )
    .await;
    assert_eq!((status, code.as_deref()), (404, Some("APIGW.0101")));
    assert!(headers.contains_key("x-request-id"));

    for query in [
        "limit=0",
        "limit=101",
        "offset=-1",
        "offset=4097",
        "limit=ten",
        "app=a%07b",
    ] {
        let (status, code, value, _) =
            raw(reqwest::Method::GET, format!("{url}?{query}"), None, vec![]).await;
        assert_eq!(
            (status, code.as_deref()),
            (400, Some("LIVE.100011001")),
            "{query}"
        );
        let field = query.split('=').next().unwrap();
        assert!(
            value["error_detail"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{field}:")),
            "{value}"
        );
    }

    // Nothing was stored by any of that.
    let (_, _, list, _) = raw(reqwest::Method::GET, url.clone(), None, vec![]).await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn one_config_per_domain_and_app() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = common::anonymous(emulator.base_url());
    let first = create(&client, config(DOMAIN, "live")).await.unwrap();
    let err = failure(create(&client, config(DOMAIN, "live")).await);
    assert_eq!(
        (err.status(), err.error_code()),
        (Some(400), Some("LIVE.103011018"))
    );
    // A wildcard config for the same domain is another pair.
    let star = create(&client, config(DOMAIN, "*")).await.unwrap();
    // Updating the wildcard onto the taken pair is refused too.
    let err = failure(common::update(&client, &star.id, config(DOMAIN, "live")).await);
    assert_eq!(err.error_code(), Some("LIVE.103011018"));
    // After delete the pair is free again.
    common::delete(&client, &first.id).await.unwrap();
    create(&client, config(DOMAIN, "live")).await.unwrap();
}

#[tokio::test]
async fn aksk_signatures_are_verified_like_the_gateway() {
    let emulator = Emulator::start(EmulatorConfig::default().with_aksk(creds()))
        .await
        .unwrap();
    let signed = common::authenticated(emulator.base_url(), creds());
    let created = create(&signed, config(DOMAIN, "live")).await.unwrap();
    let listed = list(&signed).app("*").limit(5).send().await.unwrap();
    assert_eq!(listed.total, Some(0));
    common::show(&signed, &created.id).await.unwrap();

    // Wrong secret key: 401 APIGW.0301 with the request id in the body.
    let wrong = AkSkCredentials::new(common::AK, "not-the-secret")
        .unwrap()
        .with_project_id(PROJECT)
        .unwrap();
    let err = failure(
        list(&common::authenticated(emulator.base_url(), wrong))
            .send()
            .await,
    );
    let message = common::gateway_refusal(&err);
    assert!(message.contains("signature mismatch"), "{message}");

    // A signature from 20 minutes ago is refused as expired.
    let stale_clock = FixedClock(Utc::now() - chrono::TimeDelta::minutes(20));
    let stale = Client::with_context(
        emulator.base_url(),
        ClientContext::authenticated(Authenticator::new(creds()).with_clock(stale_clock)),
    )
    .unwrap();
    let err = failure(list(&stale).send().await);
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    assert!(err.to_string().contains("X-Sdk-Date"), "{err}");

    // No credentials at all.
    let err = failure(list(&common::anonymous(emulator.base_url())).send().await);
    assert_eq!(
        (err.status(), err.error_code()),
        (Some(401), Some("APIGW.0301"))
    );

    // A malformed X-Sdk-Date on an otherwise signed request.
    let mut headers = http::HeaderMap::new();
    let url: url::Url = format!("{}/v1/{PROJECT}/record/callbacks", emulator.base_url())
        .parse()
        .unwrap();
    creds()
        .sign(&http::Method::GET, &url, &headers, b"", Utc::now())
        .unwrap()
        .apply_to(&mut headers);
    headers.insert(
        "x-sdk-date",
        http::HeaderValue::from_static("2024-01-01 00:00"),
    );
    let resp = reqwest::Client::new()
        .get(url)
        .headers(headers)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["error_msg"]
            .as_str()
            .unwrap()
            .contains("YYYYMMDDTHHMMSSZ"),
        "{v}"
    );
}

#[tokio::test]
async fn tokens_are_accepted_when_configured() {
    let emulator =
        Emulator::start(EmulatorConfig::default().with_token(IamToken::new("MIItoken").unwrap()))
            .await
            .unwrap();
    let good = common::authenticated(emulator.base_url(), IamToken::new("MIItoken").unwrap());
    let page = list(&good).send().await.unwrap();
    assert!(page.request_id().is_some());
    let bad = common::authenticated(emulator.base_url(), IamToken::new("MIIother").unwrap());
    let err = failure(list(&bad).send().await);
    assert_eq!(
        (err.status(), err.error_code()),
        (Some(401), Some("APIGW.0301"))
    );
    // AK/SK is not enabled on this emulator.
    let aksk = common::authenticated(emulator.base_url(), creds());
    assert_eq!(failure(list(&aksk).send().await).status(), Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_and_updates_lose_nothing() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = common::anonymous(emulator.base_url());

    // 64 different pairs at once: 64 configs, 64 distinct ids.
    let creates = (0..64).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            create(&client, config(DOMAIN, &format!("app{i}")))
                .await
                .map(|r| r.into_inner().id)
        })
    });
    let ids: HashSet<String> = futures::future::join_all(creates)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();
    assert_eq!(ids.len(), 64);
    assert_eq!(total(&client).await, Some(64));

    // 32 creates of one pair at once: exactly one wins.
    let racing = (0..32).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            create(&client, config(DOMAIN, "contended"))
                .await
                .map_err(ApiError::from)
        })
    });
    let results: Vec<_> = futures::future::join_all(racing)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| e.error_code() == Some("LIVE.103011018")));

    // 32 updates of one config at once: each is a whole replacement, and
    // the final state is one of them, not a mixture.
    let id = ids.iter().next().unwrap().clone();
    let updates = (0..32).map(|i| {
        let (client, id) = (client.clone(), id.clone());
        tokio::spawn(async move {
            let mut b = config(DOMAIN, "updated");
            b["notify_callback_url"] = format!("https://hooks.example.com/{i}").into();
            b["notify_event_subscription"] = if i % 2 == 0 {
                json!(["RECORD_OVER"])
            } else {
                json!(["RECORD_FAILED"])
            };
            common::update(&client, &id, b).await.map(|_| ())
        })
    });
    for r in futures::future::join_all(updates).await {
        r.unwrap().unwrap();
    }
    let fin = common::show(&client, &id).await.unwrap().into_inner();
    let n: usize = fin
        .notify_callback_url
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let expected = if n.is_multiple_of(2) {
        "RECORD_OVER"
    } else {
        "RECORD_FAILED"
    };
    assert_eq!(fin.notify_event_subscription, [expected]);
    assert_eq!(total(&client).await, Some(65));
}

/// The number of configs in [`PROJECT`], from a list of one.
async fn total(client: &Client) -> Option<i32> {
    list(client).limit(1).send().await.unwrap().total
}
