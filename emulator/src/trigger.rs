//! Firing a notification as the service would: pick the config for the
//! stream, honour its subscription, build the body, sign it with the
//! config's key and `sign_type`, POST it to the config's URL.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use live_record_callbacks::notify::{self, EventType};
use live_record_callbacks::types::{
    RecordFailedNotification, RecordFailedNotificationEventType, RecordFileCompleteNotification,
    RecordFileCompleteNotificationEventType, RecordFormat, RecordNewFileStartNotification,
    RecordNewFileStartNotificationEventType, RecordNotification, RecordOverNotification,
    RecordOverNotificationEventType, RecordStartNotification, RecordStartNotificationEventType,
    SubscribedEvent,
};

use super::store::Stored;
use super::Shared;

/// The route that fires a notification (`POST`), under
/// [`RESERVED_PREFIX`](crate::RESERVED_PREFIX).
pub const TRIGGER_PATH: &str = concat!(reserved_prefix!(), "/trigger");

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
    /// The event to fire.
    pub event_type: EventType,
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
    pub notification: RecordNotification,
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
    let request: TriggerRequest = match live_record_callbacks::input::from_json(&body) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e.to_string()),
    };
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
    let event = request.event_type;
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
    let mut notification = notification(&project, &request, now);
    if let Some(key) = &config.key {
        notify::sign(&mut notification, config.sign_type, key, now.timestamp());
    }
    let (receiver_status, receiver_body) =
        match shared.http.post(&url).json(&notification).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let text = match resp.text().await {
                    Ok(text) => text.chars().take(2000).collect(),
                    Err(e) => format!("(the answer could not be read: {e})"),
                };
                (Some(status), text)
            }
            Err(e) => (None, format!("could not reach {url}: {e}")),
        };
    let report = TriggerReport {
        config_id: config.config.id.clone(),
        config_app: config.config.app.clone(),
        url,
        signed: config.key.is_some(),
        notification,
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
fn subscribed(config: &Stored, event: EventType) -> bool {
    match event {
        EventType::Start => true,
        EventType::Subscribed(e) => config.events.contains(&e),
    }
}

/// A plausible notification for the request's event, with the fields the
/// contract says that event always carries. Unsigned: the caller signs it.
fn notification(project: &str, r: &TriggerRequest, now: DateTime<Utc>) -> RecordNotification {
    let now = now.trunc_subsecs(0);
    let task_id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{project}/{}/{}/{}", r.publish_domain, r.app, r.stream).as_bytes(),
    )
    .simple()
    .to_string();
    // Huawei's examples print job ids as hyphenated UUIDs.
    let job_id = || uuid::Uuid::new_v4().hyphenated().to_string();
    let project_id = project.to_owned();
    let (publish_domain, app, stream) = (r.publish_domain.clone(), r.app.clone(), r.stream.clone());
    let record_format = RecordFormat("HLS".to_owned());
    // RECORD_START, RECORD_OVER and RECORD_FAILED are three types with the
    // same fields; `size` is the file's size and duration (none yet for a
    // recording that just started, empty for one that ended).
    macro_rules! plain {
        ($notification:ident, $event_type:expr, $size:expr) => {
            $notification {
                event_type: $event_type,
                project_id,
                task_id,
                publish_domain,
                app,
                stream,
                record_format,
                file_size: $size,
                record_duration: $size,
                play_url: None,
                auth_timestamp: None,
                auth_sign: None,
            }
            .into()
        };
    }
    match r.event_type {
        EventType::Start => plain!(
            RecordStartNotification,
            RecordStartNotificationEventType::RecordStart,
            None
        ),
        EventType::Subscribed(SubscribedEvent::RecordNewFileStart) => {
            RecordNewFileStartNotification {
                event_type: RecordNewFileStartNotificationEventType::RecordNewFileStart,
                project_id,
                task_id,
                job_id: job_id(),
                publish_domain,
                app,
                stream,
                record_format,
                file_size: None,
                record_duration: None,
                play_url: None,
                auth_timestamp: None,
                auth_sign: None,
            }
            .into()
        }
        EventType::Subscribed(SubscribedEvent::RecordFileComplete) => {
            let object = format!(
                "record/{}/{}/{}-{}.m3u8",
                r.publish_domain,
                r.app,
                r.stream,
                now.timestamp()
            );
            RecordFileCompleteNotification {
                event_type: RecordFileCompleteNotificationEventType::RecordFileComplete,
                project_id,
                task_id,
                job_id: job_id(),
                publish_domain,
                app,
                stream,
                record_format,
                file_size: 52_428_800,
                record_duration: 600,
                download_url: format!(
                    "https://live-emulator.obs.cn-north-4.myhuaweicloud.com/{object}"
                ),
                asset_id: Some(uuid::Uuid::new_v4().simple().to_string()),
                start_time: now - TimeDelta::seconds(600),
                end_time: now,
                width: Some(1280),
                height: Some(720),
                // As in Huawei's examples: the OBS endpoint, the bucket and
                // the object's path in it.
                obs_location: Some("https://obs.cn-north-4.myhuaweicloud.com".to_owned()),
                obs_bucket: Some("live-emulator".to_owned()),
                obs_object: Some(object),
                play_url: None,
                auth_timestamp: None,
                auth_sign: None,
            }
            .into()
        }
        EventType::Subscribed(SubscribedEvent::RecordOver) => plain!(
            RecordOverNotification,
            RecordOverNotificationEventType::RecordOver,
            Some(0)
        ),
        EventType::Subscribed(SubscribedEvent::RecordFailed) => plain!(
            RecordFailedNotification,
            RecordFailedNotificationEventType::RecordFailed,
            Some(0)
        ),
    }
}
