//! The whole resource through the generated client: list, show, update,
//! delete (and create), against the emulator on 127.0.0.1, plus paging.

use live_record_callbacks_test_support as common;

use common::{anonymous, config, create, failure, list, show, ManualClock, PROJECT};
use futures::TryStreamExt;
use live_record_callbacks::clock::Clock;
use live_record_callbacks::paging::{ListFilter, PageLimit};
use live_record_callbacks::{ApiError, Client, ClientContext, RequestId};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};

/// An emulator on `clock`, and an anonymous client of it.
async fn clocked_emulator(clock: ManualClock) -> (Emulator, Client) {
    let config = EmulatorConfig::default().with_clock(clock);
    common::emulator_with(config, ClientContext::anonymous(), &[]).await
}

fn request_id_format(id: &str) -> bool {
    let re = regex::Regex::new(r"^[0-9a-f]{32}-\d{13}-[a-z0-9-]+$").unwrap();
    re.is_match(id)
}

#[tokio::test]
async fn create_show_update_delete_round_trip() {
    let clock = ManualClock::start();
    let (_emulator, client) = clocked_emulator(clock.clone()).await;

    let created = create(&client, config("push.example.com", "live"))
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(
        request_id_format(created.request_id().unwrap()),
        "{:?}",
        created.request_id()
    );
    let created = created.into_inner();
    // The service's defaults, and no key in the answer.
    assert_eq!(created.notify_event_subscription, ["RECORD_FILE_COMPLETE"]);
    assert_eq!(created.sign_type.as_deref(), Some("HMACSHA256"));
    assert_eq!(created.create_time, Some(clock.now()));

    let shown = show(&client, &created.id).await.unwrap();
    assert_eq!(shown.status(), 200);
    assert!(request_id_format(shown.request_id().unwrap()));
    assert_eq!(shown.into_inner(), created);

    clock.advance(90);
    let mut replacement = config("push.example.com", "live");
    replacement["notify_callback_url"] = "http://other.example.com/cb".into();
    replacement["notify_event_subscription"] = serde_json::json!(["RECORD_OVER", "RECORD_FAILED"]);
    replacement["sign_type"] = "MD5".into();
    let updated = common::update(&client, &created.id, replacement)
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated = updated.into_inner();
    assert_eq!(updated.id, created.id);
    assert_eq!(
        updated.notify_callback_url.as_deref(),
        Some("http://other.example.com/cb")
    );
    assert_eq!(
        updated.notify_event_subscription,
        ["RECORD_OVER", "RECORD_FAILED"]
    );
    assert_eq!(updated.sign_type.as_deref(), Some("MD5"));
    assert_eq!(updated.create_time, created.create_time);
    assert_eq!(updated.update_time, Some(clock.now()));

    let deleted = common::delete(&client, &created.id).await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(request_id_format(deleted.request_id().unwrap()));

    let gone = show(&client, &created.id).await.unwrap_err();
    let gone = ApiError::from(gone);
    assert_eq!(gone.status(), Some(404));
    assert_eq!(gone.error_code(), Some("LIVE.100011001"));
    assert!(gone.request_id().is_some_and(request_id_format), "{gone}");

    let again = failure(common::delete(&client, &created.id).await);
    assert_eq!(again.status(), Some(404));
}

#[tokio::test]
async fn delete_answers_204_with_an_empty_body() {
    let (emulator, client) = clocked_emulator(ManualClock::start()).await;
    let id = create(&client, config("d.example.com", "a"))
        .await
        .unwrap()
        .into_inner()
        .id;
    let raw = reqwest::Client::new()
        .delete(format!(
            "{}/v1/{PROJECT}/record/callbacks/{id}",
            emulator.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 204);
    assert!(raw.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn list_filters_and_pages_with_the_true_total() {
    let (_emulator, client) = clocked_emulator(ManualClock::start()).await;
    for app in ["a", "b", "c", "*"] {
        create(&client, config("one.example.com", app))
            .await
            .unwrap();
    }
    create(&client, config("two.example.com", "a"))
        .await
        .unwrap();

    let page = list(&client).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(request_id_format(page.request_id().unwrap()));
    assert_eq!(page.total, Some(5));

    let page = list(&client)
        .publish_domain("one.example.com")
        .offset(1)
        .limit(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        page.total,
        Some(4),
        "total counts every match, not the page"
    );
    assert_eq!(
        page.callback_config
            .iter()
            .map(|c| c.app.as_str())
            .collect::<Vec<_>>(),
        ["b", "c"]
    );

    let page = list(&client).app("a").send().await.unwrap().into_inner();
    assert_eq!(page.total, Some(2));
    let page = list(&client).app("*").send().await.unwrap().into_inner();
    assert_eq!(
        (page.total, page.callback_config[0].app.as_str()),
        (Some(1), "*")
    );

    // Another project sees none of them.
    let other = client
        .list_record_callback_configs()
        .project_id("another")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(other.total, Some(0));
}

#[tokio::test]
async fn out_of_range_paging_is_refused_before_sending() {
    let (base, log) = common::answering(
        200,
        "application/json",
        "rid",
        r#"{"total":0,"callback_config":[]}"#,
    )
    .await;
    let client = anonymous(&base);
    for (offset, limit) in [(0, 0), (0, 101), (-1, 10), (4097, 10)] {
        let err = list(&client)
            .offset(offset)
            .limit(limit)
            .send()
            .await
            .unwrap_err();
        let err = ApiError::from(err);
        assert!(matches!(err, ApiError::InvalidRequest(_)), "{err:?}");
        let field = if limit == 0 || limit == 101 {
            "limit"
        } else {
            "offset"
        };
        assert!(err.to_string().contains(field), "{err}");
    }
    // The bounded types say exactly what is wrong.
    assert_eq!(
        PageLimit::try_from(101).unwrap_err().to_string(),
        "limit must be between 1 and 100, got 101"
    );
    assert!(log.requests().is_empty(), "nothing may be sent");
    // The edges themselves are fine.
    list(&client).offset(4096).limit(100).send().await.unwrap();
    list(&client).offset(0).limit(1).send().await.unwrap();
    let sent: Vec<_> = log.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        sent,
        [
            format!("/v1/{PROJECT}/record/callbacks?limit=100&offset=4096"),
            format!("/v1/{PROJECT}/record/callbacks?limit=1&offset=0")
        ]
    );
}

#[tokio::test]
async fn ids_that_need_percent_encoding_round_trip() {
    let awkward = "a b/c?d%e#f+ü";
    // On the wire: one path segment, every reserved character encoded.
    let (base, log) = common::not_found("rid").await;
    let client = anonymous(&base);
    let _ = show(&client, awkward).await;
    let uri = &log.requests()[0].uri;
    assert_eq!(
        uri,
        &format!("/v1/{PROJECT}/record/callbacks/a%20b%2Fc%3Fd%25e%23f+%C3%BC")
    );

    // And the emulator decodes it back to the same id.
    let (_emulator, client) = clocked_emulator(ManualClock::start()).await;
    let err = failure(show(&client, awkward).await);
    let ApiError::Service { body, status, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 404);
    assert_eq!(
        body.error_detail.as_deref(),
        Some(format!("no config has id {awkward:?}").as_str())
    );
}

#[tokio::test]
async fn list_all_walks_every_page() {
    let (_emulator, client) = clocked_emulator(ManualClock::start()).await;
    for i in 0..25 {
        create(&client, config("many.example.com", &format!("app{i:02}")))
            .await
            .unwrap();
    }
    create(&client, config("other.example.com", "x"))
        .await
        .unwrap();
    let filter = ListFilter::all()
        .publish_domain("many.example.com".parse().unwrap())
        .page_size(PageLimit::try_from(10).unwrap());
    let all = client.collect_all_configs(PROJECT, filter).await.unwrap();
    let apps: Vec<String> = all.iter().map(|c| c.app.clone()).collect();
    assert_eq!(
        apps,
        (0..25).map(|i| format!("app{i:02}")).collect::<Vec<_>>()
    );
    // Default page size and no filter: everything.
    assert_eq!(
        client
            .collect_all_configs(PROJECT, ListFilter::all())
            .await
            .unwrap()
            .len(),
        26
    );
    // Exactly one page.
    let one = ListFilter::all().publish_domain("other.example.com".parse().unwrap());
    assert_eq!(
        client
            .collect_all_configs(PROJECT, one)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Walks every page of a server that answers every list call with `page`
/// items and `total`: how many configs the walk collected, and how many
/// requests it made.
async fn walk_lying_server(total: i64, page: usize) -> (Result<usize, ApiError>, usize) {
    let item = r#"{"id":"x","publish_domain":"d.example.com","app":"a"}"#;
    let body: &'static str = Box::leak(
        format!(
            r#"{{"total":{total},"callback_config":[{}]}}"#,
            vec![item; page].join(",")
        )
        .into_boxed_str(),
    );
    let (base, log) = common::answering(200, "application/json", "rid", body).await;
    let walked = anonymous(&base)
        .collect_all_configs(PROJECT, ListFilter::all())
        .await
        .map(|all| all.len());
    (walked, log.requests().len())
}

#[tokio::test]
async fn paging_never_loops_on_a_server_that_misreports_total() {
    // Full pages forever, total far too high: stops at the largest offset.
    let (walked, requests) = walk_lying_server(1_000_000, 100).await;
    assert!(
        matches!(
            walked,
            Err(ApiError::Incomplete {
                listed: 4100,
                total: Some(1_000_000)
            })
        ),
        "{walked:?}"
    );
    assert_eq!(requests, 41, "offsets 0, 100, ..., 4000");

    // Total says more, but a page comes back empty: stop, no error.
    let (walked, requests) = walk_lying_server(50, 0).await;
    assert_eq!((walked.unwrap(), requests), (0, 1));

    // A short page ends the walk whatever total says.
    let (walked, requests) = walk_lying_server(500, 3).await;
    assert_eq!((walked.unwrap(), requests), (3, 1));

    // Full pages but total already reached: stop.
    let (walked, requests) = walk_lying_server(0, 100).await;
    assert_eq!((walked.unwrap(), requests), (100, 1));
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let (base, _) = common::answering(
        400,
        "application/json",
        "rid-x",
        r#"{"error_code":"LIVE.100011001","error_msg":"Request Illegal"}"#,
    )
    .await;
    let client = anonymous(&base);
    let mut stream = std::pin::pin!(client.list_all_configs(PROJECT, ListFilter::all()));
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(
        (err.error_code(), err.request_id()),
        (Some("LIVE.100011001"), Some("rid-x"))
    );
}
