//! The emulator's HTTP surface: the contract's five operations, the
//! reserved routes, and the gateway in front of both.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use live_record_callbacks::auth::HEADER_AUTH_TOKEN;
use live_record_callbacks::error::REQUEST_ID_HEADER;
use live_record_callbacks::input;
use live_record_callbacks::paging::{PageLimit, PageOffset};
use live_record_callbacks::types::{self, RecordCallbackConfigRequest};

use super::connection;
use super::faults::FaultKind;
use super::store::{NewConfig, StoreError, Stored, Taken, Unlisted};
use super::trigger::{self, TRIGGER_PATH};
use super::Shared;

/// An error answer in the service's shape.
pub(crate) struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
    detail: Option<String>,
    /// Gateway errors carry the request id in the body too.
    gateway: bool,
    allow: Option<&'static str>,
}

impl Failure {
    fn live(status: StatusCode, code: &'static str, message: &str, detail: Option<String>) -> Self {
        Self {
            status,
            code,
            message: message.to_owned(),
            detail,
            gateway: false,
            allow: None,
        }
    }

    /// `LIVE.100011001`, naming what is wrong.
    pub(crate) fn invalid(detail: impl Into<String>) -> Self {
        Self::live(
            StatusCode::BAD_REQUEST,
            "LIVE.100011001",
            "Request Illegal",
            Some(detail.into()),
        )
    }

    fn not_found(id: &str) -> Self {
        Self::live(
            StatusCode::NOT_FOUND,
            "LIVE.100011001",
            "record callback config not found",
            Some(format!("no config has id {id:?}")),
        )
    }

    /// A value the contract lets a client send back (an unlisted event or
    /// signing method) but that this service does not know.
    fn unknown(field: &str, value: &str) -> Self {
        Self::invalid(format!(
            "{field}: `{value}` is not a value this service knows"
        ))
    }

    fn exists(domain: &str, app: &str, id: &str) -> Self {
        Self::live(
            StatusCode::BAD_REQUEST,
            "LIVE.103011018",
            "Resource already exist",
            Some(format!("config {id} already exists for {domain}/{app}")),
        )
    }

    fn unauthorized(why: String) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "APIGW.0301",
            message: format!("Incorrect IAM authentication information: {why}"),
            detail: None,
            gateway: true,
            allow: None,
        }
    }

    /// The error answer of an injected fault, in the service's shape: the
    /// gateway's (request id in the body too) for 429, 502, 503 and 504,
    /// the service's for 500. The codes are the emulator's own: Huawei's
    /// pages document none for these statuses.
    fn fault(kind: FaultKind, status: u16) -> Self {
        let (code, message) = match kind {
            FaultKind::Throttled => ("EMULATOR.429", "injected fault: too many requests"),
            FaultKind::Internal => ("EMULATOR.500", "injected fault: internal error"),
            FaultKind::BadGateway => ("EMULATOR.502", "injected fault: bad gateway"),
            FaultKind::Unavailable => ("EMULATOR.503", "injected fault: service unavailable"),
            _ => (
                "EMULATOR.504",
                "injected fault: the backend did not answer in time",
            ),
        };
        Self {
            status: StatusCode::from_u16(status).expect("a fault's status is valid"),
            code,
            message: message.to_owned(),
            detail: None,
            gateway: status != 500,
            allow: None,
        }
    }

    fn render(self, request_id: Option<&HeaderValue>) -> Response {
        let mut body = json!({ "error_code": self.code, "error_msg": self.message });
        if let Some(d) = self.detail {
            body["error_detail"] = d.into();
        }
        if self.gateway {
            if let Some(value) = request_id {
                let id = value.to_str().expect("the request id is visible ASCII");
                // The gateway's request id is the first part of the header.
                body["request_id"] = id.split_once('-').map_or(id, |(first, _)| first).into();
            }
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

impl From<Unlisted> for Failure {
    fn from(e: Unlisted) -> Self {
        Failure::unknown(&e.field, &e.value)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        // The gateway layer adds the header; gateway bodies are rendered
        // there, where the id is known.
        self.render(None)
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let base = "/v1/{project_id}/record/callbacks";
    let one = "/v1/{project_id}/record/callbacks/{id}";
    // The reserved route is behind the same gateway as the API: when
    // credentials are required, triggering a notification (which makes the
    // emulator POST to a configured URL) requires them too.
    // One layer (one boxed future per request) for the request id and the
    // gateway; the fallback answers with its own request id.
    let gated = Router::new()
        .route(base, post(create).get(list))
        .route(one, get(show).put(update).delete(remove))
        .route(TRIGGER_PATH, post(trigger::handle))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), gateway));
    Router::new()
        .merge(gated)
        .fallback(unknown_path)
        .with_state(shared)
}

/// A new `X-request-id` in the service's `request_id-timestamp-hostname`
/// form.
fn request_id(shared: &Shared) -> HeaderValue {
    let now = shared.config.clock.now();
    let id = format!(
        "{}-{}-{}",
        uuid::Uuid::new_v4().simple(),
        now.timestamp_millis(),
        shared.config.hostname
    );
    HeaderValue::from_maybe_shared(Bytes::from(id))
        .expect("hex digits, decimal digits, `-` and the configured hostname are visible ASCII")
}

/// Gives the response an `X-request-id`, reads the body (up to the limit)
/// and authenticates the call like the API gateway: a matching IAM token,
/// or a valid AK/SK signature.
async fn gateway(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let id = request_id(&shared);
    let mut response = gate(&shared, &id, req, next).await;
    response.headers_mut().insert(REQUEST_ID_HEADER, id);
    response
}

async fn gate(shared: &Shared, rid: &HeaderValue, req: Request, next: Next) -> Response {
    let fault = match &shared.config.faults {
        Some(faults) if !req.uri().path().starts_with(super::RESERVED_PREFIX) => faults.draw(),
        _ => None,
    };
    let Some(kind) = fault else {
        return authenticated(shared, rid, req, next).await;
    };
    let faults = shared.config.faults.as_ref().expect("a fault was drawn");
    let connection = req
        .extensions()
        .get::<axum::extract::ConnectInfo<connection::Handle>>()
        .map(|c| c.0.clone());
    if let Some(status) = kind.status() {
        let mut response = Failure::fault(kind, status).render(Some(rid));
        if kind == FaultKind::Throttled {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(faults.retry_after()));
        }
        return response;
    }
    match kind {
        FaultKind::Slow => {
            tokio::time::sleep(faults.latency()).await;
            authenticated(shared, rid, req, next).await
        }
        // Lost: the request is processed, then its answer dropped.
        FaultKind::Lost => {
            let answer = authenticated(shared, rid, req, next).await;
            drop_connection(connection, answer)
        }
        _ => drop_connection(connection, StatusCode::OK.into_response()),
    }
}

/// Drops the connection before `answer` is written; without the
/// emulator's own server (an embedded router), breaks the answer's body.
fn drop_connection(connection: Option<connection::Handle>, answer: Response) -> Response {
    if connection.is_some_and(|c| c.drop_connection()) {
        return answer;
    }
    let broken = futures::stream::iter([Err::<Bytes, _>(std::io::Error::other(
        "injected fault: connection dropped",
    ))]);
    let (parts, _) = answer.into_parts();
    Response::from_parts(parts, Body::from_stream(broken))
}

async fn authenticated(shared: &Shared, rid: &HeaderValue, req: Request, next: Next) -> Response {
    let rid = Some(rid);
    let (parts, body) = req.into_parts();
    let limit = shared.config.body_limit;
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return Failure::invalid(format!("the request body is larger than {limit} bytes"))
                .render(rid)
        }
    };
    if shared.config.requires_auth() {
        if let Err(why) = authenticate(shared, &parts.method, &parts.uri, &parts.headers, &bytes) {
            return Failure::unauthorized(why).render(rid);
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn authenticate(
    shared: &Shared,
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let config = &shared.config;
    if let Some(token) = headers.get(HEADER_AUTH_TOKEN) {
        return match &config.token {
            Some(expected) if expected.matches(token.as_bytes()) => Ok(()),
            Some(_) => Err("the token is not valid".into()),
            None => Err("token authentication is not enabled".into()),
        };
    }
    if headers.contains_key(header::AUTHORIZATION) {
        let Some(aksk) = &config.aksk else {
            return Err("AK/SK authentication is not enabled".into());
        };
        let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
        return aksk
            .verify(method.as_str(), target, headers, body, config.clock.now())
            .map_err(|e| format!("verify aksk signature fail: {e}"));
    }
    Err("the request carries no credentials (X-Auth-Token or an AK/SK signature)".into())
}

async fn unknown_path(State(shared): State<Arc<Shared>>) -> Response {
    let mut response = Failure {
        status: StatusCode::NOT_FOUND,
        code: "APIGW.0101",
        message: "The API does not exist or has not been published in the environment".into(),
        detail: None,
        gateway: false,
        allow: None,
    }
    .into_response();
    response
        .headers_mut()
        .insert(REQUEST_ID_HEADER, request_id(&shared));
    response
}

async fn method_not_allowed(req: Request) -> Failure {
    let path = req.uri().path().trim_end_matches('/');
    let allow = if path == TRIGGER_PATH {
        "POST"
    } else if path.ends_with("/record/callbacks") {
        "GET, POST"
    } else {
        "GET, PUT, DELETE"
    };
    Failure {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "LIVE.100011011",
        message: format!("Method {} not supported", req.method()),
        detail: None,
        gateway: false,
        allow: Some(allow),
    }
}

type Reply = Result<Response, Failure>;

fn check_project(project_id: &str) -> Result<(), Failure> {
    types::ProjectId::try_from(project_id)
        .map(drop)
        .map_err(|e| Failure::invalid(format!("project_id: {e}")))
}

fn check_id(id: &str) -> Result<(), Failure> {
    types::ConfigId::try_from(id)
        .map(drop)
        .map_err(|e| Failure::invalid(format!("id: {e}")))
}

/// The request body, validated by the generated type. (The request is
/// taken whole rather than as `HeaderMap` and `Bytes`, whose extractors
/// would copy the headers.)
async fn config_body(req: Request) -> Result<RecordCallbackConfigRequest, Failure> {
    let (parts, body) = req.into_parts();
    // The gateway has read the body whole, refusing one over the limit.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("the gateway passes the body on as bytes in memory");
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(Failure::live(
            StatusCode::BAD_REQUEST,
            "LIVE.100011012",
            "Unsupported Media Type",
            Some(format!(
                "content type {content_type:?}; send application/json"
            )),
        ));
    }
    input::from_json(&body).map_err(|e| Failure::invalid(e.to_string()))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    (status, axum::Json(value)).into_response()
}

async fn create(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    req: Request,
) -> Reply {
    let Path(project) = path.map_err(|e| Failure::invalid(e.body_text()))?;
    check_project(&project)?;
    let request = config_body(req).await?;
    let now = shared.config.clock.now();
    // Built, answer included, before taking the lock.
    let stored = Stored::new(new_id(), request, now).map_err(Failure::from)?;
    let answer = json_response(StatusCode::CREATED, &stored.config);
    let new = NewConfig::new(stored);
    let created = shared
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .create(&project, new);
    match created {
        Ok(()) => Ok(answer),
        Err(Taken {
            pair: (domain, app),
            id,
        }) => Err(Failure::exists(&domain, &app, &id)),
    }
}

async fn list(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(query): RawQuery,
) -> Reply {
    let Path(project) = path.map_err(|e| Failure::invalid(e.body_text()))?;
    check_project(&project)?;
    let (mut domain, mut app) = (None, None);
    let (mut offset, mut limit) = (PageOffset::DEFAULT, PageLimit::DEFAULT);
    for (key, value) in form_urlencoded_pairs(query.as_deref().unwrap_or("")) {
        let bad = |e: String| Failure::invalid(format!("{key}: {e}"));
        match key.as_str() {
            "publish_domain" => {
                domain = Some(
                    types::PublishDomain::try_from(value.as_str())
                        .map_err(|e| bad(e.to_string()))?
                        .to_string(),
                )
            }
            "app" => {
                app = Some(
                    types::AppName::try_from(value.as_str())
                        .map_err(|e| bad(e.to_string()))?
                        .to_string(),
                )
            }
            "offset" => offset = value.parse().map_err(bad)?,
            "limit" => limit = value.parse().map_err(bad)?,
            _ => {} // the service ignores parameters it does not know
        }
    }
    let store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
    let (total, page) = store.list(
        &project,
        domain.as_deref(),
        app.as_deref(),
        offset.get().into(),
        limit.get().into(),
    );
    let list = types::RecordCallbackConfigList {
        total: Some(i32::try_from(total).unwrap_or(i32::MAX)),
        callback_config: page,
    };
    Ok(json_response(StatusCode::OK, &list))
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

type TwoPath = Result<Path<(String, String)>, axum::extract::rejection::PathRejection>;

async fn show(State(shared): State<Arc<Shared>>, path: TwoPath) -> Reply {
    let Path((project, id)) = path.map_err(|e| Failure::invalid(e.body_text()))?;
    check_project(&project)?;
    check_id(&id)?;
    let store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.get(&project, &id) {
        Some(s) => Ok(json_response(StatusCode::OK, &s.config)),
        None => Err(Failure::not_found(&id)),
    }
}

async fn update(State(shared): State<Arc<Shared>>, path: TwoPath, req: Request) -> Reply {
    let Path((project, id)) = path.map_err(|e| Failure::invalid(e.body_text()))?;
    check_project(&project)?;
    check_id(&id)?;
    let request = config_body(req).await?;
    let now = shared.config.clock.now();
    let stored = Stored::new(id.clone(), request, now).map_err(Failure::from)?;
    let mut store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.update(&project, stored) {
        Ok(s) => Ok(json_response(StatusCode::OK, &s.config)),
        Err(StoreError::Exists(Taken {
            pair: (domain, app),
            id: other,
        })) => Err(Failure::exists(&domain, &app, &other)),
        Err(StoreError::NotFound) => Err(Failure::not_found(&id)),
    }
}

async fn remove(State(shared): State<Arc<Shared>>, path: TwoPath) -> Reply {
    let Path((project, id)) = path.map_err(|e| Failure::invalid(e.body_text()))?;
    check_project(&project)?;
    check_id(&id)?;
    let mut store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.delete(&project, &id) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(_) => Err(Failure::not_found(&id)),
    }
}
