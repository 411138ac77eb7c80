//! Everything in one process, no cloud account: start the emulator, manage
//! a callback config with the generated client (AK/SK-signed), start a
//! receiver, make the emulator fire a signed `RECORD_FILE_COMPLETE` at it,
//! and verify it there.
//!
//! Run it with `cargo run --example quickstart`.

use std::sync::Arc;

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Json, Router};
use live_record_callbacks::auth::{AkSkCredentials, Authenticator};
use live_record_callbacks::notify::{EventType, NotificationVerifier, Outcome, Receiver};
use live_record_callbacks::paging::ListFilter;
use live_record_callbacks::types::{SignType, SubscribedEvent};
use live_record_callbacks::{types, ApiError, Client, ClientContext, RequestId};
use live_record_callbacks_emulator::{
    Emulator, EmulatorConfig, TriggerReport, TriggerRequest, TRIGGER_PATH,
};
use tokio::sync::mpsc;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const KEY: &str = "QuickstartKey0123456789abcdefABCDEF";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The emulator, requiring AK/SK signatures made with these keys.
    let creds = AkSkCredentials::new(
        "AKTESTEXAMPLE0000000",
        "SKTESTEXAMPLE0000000000000000000000000000",
    )?
    .with_project_id(PROJECT)?;
    let emulator = Emulator::start(EmulatorConfig::default().with_aksk(creds.clone())).await?;
    println!("1. emulator listening on {}", emulator.base_url());

    // 2. A receiver that verifies what it gets with the config's key.
    let (tx, mut received) = mpsc::channel(4);
    let receiver = Arc::new(Receiver::new(NotificationVerifier::new(
        SignType::Hmacsha256,
        KEY.parse()?,
    )));
    let app = Router::new()
        .route("/record", post(receive))
        .with_state((receiver, tx));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let receiver_url = format!("http://{}/record", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("2. receiver listening on {receiver_url}");

    // 3. The generated client, signing every request.
    let client = Client::with_context(
        emulator.base_url(),
        ClientContext::authenticated(Authenticator::new(creds.clone())),
    )?;
    let body = types::RecordCallbackConfigRequest::builder()
        .publish_domain("push.example.com")
        .app("live")
        .notify_callback_url(Some(receiver_url.parse()?))
        .notify_event_subscription(vec![
            SubscribedEvent::RecordFileComplete.into(),
            SubscribedEvent::RecordOver.into(),
        ])
        .sign_type(SignType::Hmacsha256)
        .key(Some(KEY.parse()?));
    let created = client
        .create_record_callback_config()
        .project_id(PROJECT)
        .body(body)
        .send()
        .await
        .map_err(ApiError::from)?;
    println!(
        "3. created config {} (request {})",
        created.id,
        created.request_id().unwrap_or("-")
    );

    let all = client
        .collect_all_configs(PROJECT, ListFilter::all())
        .await?;
    println!(
        "4. listed {} config(s): {:?}",
        all.len(),
        all.iter()
            .map(|c| format!("{}/{}", c.publish_domain, c.app))
            .collect::<Vec<_>>()
    );
    let shown = client
        .show_record_callback_config()
        .project_id(PROJECT)
        .id(created.id.as_str())
        .send()
        .await
        .map_err(ApiError::from)?;
    println!(
        "5. showed it: events {:?}, sign_type {:?}, no key in the answer",
        shown.notify_event_subscription, shown.sign_type
    );

    // 4. Ask the emulator to fire the event, as if a file had been recorded.
    // Its trigger route is behind the same gate as the API: sign the call.
    let trigger = TriggerRequest {
        project_id: Some(PROJECT.into()),
        publish_domain: "push.example.com".into(),
        app: "live".into(),
        stream: "mystream".into(),
        event_type: EventType::Subscribed(SubscribedEvent::RecordFileComplete),
    };
    let http = reqwest::Client::new();
    let mut call = http
        .post(format!("{}{TRIGGER_PATH}", emulator.base_url()))
        .json(&trigger)
        .build()?;
    Authenticator::new(creds).authenticate(&mut call)?;
    let report: TriggerReport = http.execute(call).await?.error_for_status()?.json().await?;
    println!(
        "6. emulator sent a signed RECORD_FILE_COMPLETE; the receiver answered {:?} {}",
        report.receiver_status, report.receiver_body
    );

    let verified = received.recv().await.ok_or("the receiver got nothing")?;
    println!("7. receiver verified it: {verified}");
    if !report.delivered {
        return Err("the notification was not delivered".into());
    }
    emulator.stop().await;
    println!("done");
    Ok(())
}

type ReceiverState = (Arc<Receiver>, mpsc::Sender<String>);

async fn receive(
    State((receiver, tx)): State<ReceiverState>,
    body: Bytes,
) -> (StatusCode, Json<serde_json::Value>) {
    let outcome = receiver.handle(&body);
    if let Outcome::New(n) = &outcome {
        let _ = tx
            .send(format!(
                "{} {}/{}/{} {}",
                n.event_type(),
                n.publish_domain(),
                n.app(),
                n.stream(),
                n.download_url().unwrap_or("")
            ))
            .await;
    }
    (
        StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        Json(outcome.response_body()),
    )
}
