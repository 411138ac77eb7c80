//! Firing a notification as the service would: pick the config for the
//! stream, honour its subscription, build the body, sign it with the
//! config's key and `sign_type`, POST it to the config's URL.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{SecondsFormat, TimeDelta};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{Shared, Stored};
use crate::notify;
use crate::types::SubscribedEvent;

/// What to fire: the stream and the event (`POST /_emulator/trigger`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TriggerRequest {
    /// The project to look in; any project when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The ingest domain the stream is pushed to.
    pub publish_domain: String,
    /// The stream's application (an exact name, not `*`).
    pub app: String,
    /// The stream's name.
    pub stream: String,
    /// `RECORD_START`, `RECORD_NEW_FILE_START`, `RECORD_FILE_COMPLETE`,
    /// `RECORD_OVER` or `RECORD_FAILED`.
    pub event_type: String,
}

/// What happened (the answer of `POST /_emulator/trigger`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TriggerReport {
    /// The config that was used.
    pub config_id: String,
    /// Its `app`: the stream's app, or `*`.
    pub config_app: String,
    /// Where the notification went.
    pub url: String,
    /// The body that was POSTed.
    pub notification: Value,
    /// Whether it carried `auth_timestamp` and `auth_sign`.
    pub signed: bool,
    /// The receiver's HTTP status, if it answered.
    pub receiver_status: Option<u16>,
    /// The receiver's answer (truncated), or why it could not be reached.
    pub receiver_body: String,
    /// Whether the receiver answered 200, as the service expects.
    pub delivered: bool,
}

fn refuse(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

pub(crate) async fn handle(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let request: TriggerRequest = match crate::input::from_json(&body) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, format!("trigger request: {e}")),
    };
    let event = request.event_type.as_str();
    if !notify::EVENT_TYPES.contains(&event) {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "event_type: {event:?} is none of {}",
                notify::EVENT_TYPES.join(", ")
            ),
        );
    }
    let found = {
        let store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
        store.matching(
            request.project_id.as_deref(),
            &request.publish_domain,
            &request.app,
        )
    };
    let Some((project, config)) = found else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!(
                "no config for {}/{} (nor a `*` config of the domain)",
                request.publish_domain, request.app
            ),
        );
    };
    if !subscribed(&config, event) {
        return refuse(
            StatusCode::CONFLICT,
            format!(
                "config {} does not subscribe to {event} (it subscribes to {})",
                config.config.id,
                config.config.notify_event_subscription.join(", ")
            ),
        );
    }
    let Some(url) = config.config.notify_callback_url.clone() else {
        return refuse(
            StatusCode::CONFLICT,
            format!("config {} has no notify_callback_url", config.config.id),
        );
    };
    let now = shared.config.clock.now();
    let body = notification(&project, &request, now);
    let mut parsed = match notify::parse(body.to_string().as_bytes()) {
        Ok(n) => n,
        Err(e) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the emulator built an invalid notification: {e}"),
            )
        }
    };
    if let Some(key) = &config.key {
        notify::sign(&mut parsed, config.sign_type, key, now.timestamp());
    }
    let payload = serde_json::to_value(&parsed).unwrap_or(body);
    let (receiver_status, receiver_body) = match shared.http.post(&url).json(&payload).send().await
    {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            (Some(status), text.chars().take(2000).collect())
        }
        Err(e) => (None, format!("could not reach {url}: {e}")),
    };
    let report = TriggerReport {
        config_id: config.config.id.clone(),
        config_app: config.config.app.clone(),
        url,
        signed: config.key.is_some(),
        notification: payload,
        delivered: receiver_status == Some(200),
        receiver_status,
        receiver_body,
    };
    let status = if report.receiver_status.is_some() {
        StatusCode::OK
    } else {
        StatusCode::BAD_GATEWAY
    };
    (status, Json(report)).into_response()
}

/// `RECORD_START` cannot be subscribed to (it is not a `SubscribedEvent`),
/// so the emulator sends it to every config with a URL; the others go only
/// to configs that list them. (Inferred: Huawei does not say.)
fn subscribed(config: &Stored, event: &str) -> bool {
    event == "RECORD_START"
        || config
            .events
            .iter()
            .any(|e: &SubscribedEvent| e.to_string() == event)
}

/// A plausible body for `event`, with the fields the contract says that
/// event always carries. Unsigned: the caller signs it.
fn notification(project: &str, r: &TriggerRequest, now: chrono::DateTime<chrono::Utc>) -> Value {
    let task_id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{project}/{}/{}/{}", r.publish_domain, r.app, r.stream).as_bytes(),
    )
    .simple()
    .to_string();
    let mut body = json!({
        "project_id": project,
        "task_id": task_id,
        "event_type": r.event_type,
        "publish_domain": r.publish_domain,
        "app": r.app,
        "stream": r.stream,
        "record_format": "HLS",
        "file_size": 0,
        "record_duration": 0,
    });
    let object = format!(
        "record/{}/{}/{}-{}.m3u8",
        r.publish_domain,
        r.app,
        r.stream,
        now.timestamp()
    );
    if matches!(
        r.event_type.as_str(),
        "RECORD_NEW_FILE_START" | "RECORD_FILE_COMPLETE"
    ) {
        body["job_id"] = uuid::Uuid::new_v4().simple().to_string().into();
    }
    if r.event_type == "RECORD_FILE_COMPLETE" {
        let start = now - TimeDelta::seconds(600);
        body["file_size"] = 52_428_800.into();
        body["record_duration"] = 600.into();
        body["download_url"] =
            format!("https://live-emulator.obs.cn-north-4.myhuaweicloud.com/{object}").into();
        body["asset_id"] = uuid::Uuid::new_v4().simple().to_string().into();
        body["start_time"] = start.to_rfc3339_opts(SecondsFormat::Secs, true).into();
        body["end_time"] = now.to_rfc3339_opts(SecondsFormat::Secs, true).into();
        body["width"] = 1280.into();
        body["height"] = 720.into();
        body["obs_location"] = "cn-north-4".into();
        body["obs_bucket"] = "live-emulator".into();
        body["obs_object"] = object.into();
    }
    body
}
