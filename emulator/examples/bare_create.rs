//! A bare axum handler for the create operation: the same JSON in and out
//! as the emulator's create (the generated request type in, the generated
//! config type out, 201), with no gateway, no request id and no store. It
//! is the baseline `.ci/throughput` holds the emulator against.
//!
//! ```sh
//! cargo run --release -p live-record-callbacks-emulator --example bare_create -- 127.0.0.1:8081
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use chrono::{SubsecRound, Utc};
use live_record_callbacks::types::{RecordCallbackConfig, RecordCallbackConfigRequest};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

async fn create(
    Path(_project): Path<String>,
    Json(body): Json<RecordCallbackConfigRequest>,
) -> (StatusCode, Json<RecordCallbackConfig>) {
    let now = Utc::now().trunc_subsecs(0);
    let id = format!("{:032x}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let config = RecordCallbackConfig {
        id,
        publish_domain: body.publish_domain.to_string(),
        app: body.app.to_string(),
        notify_callback_url: body.notify_callback_url.map(|u| u.to_string()),
        notify_event_subscription: body
            .notify_event_subscription
            .iter()
            .map(ToString::to_string)
            .collect(),
        sign_type: Some(body.sign_type.to_string()),
        create_time: Some(now),
        update_time: Some(now),
    };
    (StatusCode::CREATED, Json(config))
}

/// The handler's router.
pub fn router() -> Router {
    Router::new().route("/v1/{project_id}/record/callbacks", post(create))
}

#[tokio::main]
#[allow(dead_code)] // also included by benches/create.rs, which has its own main
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let app = router();
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    eprintln!(
        "bare create handler listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
