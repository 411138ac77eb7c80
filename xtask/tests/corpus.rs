//! `cargo xtask diff` against ground truth: the contract as it is now,
//! mutated one change at a time (requests, responses, notifications,
//! parameters, security, servers, every extension, the discriminator,
//! generated names, text), each mutation with the verdict it must get and
//! why. The corpus is made from the working tree's document when the test
//! runs, so it follows the contract as it changes; a mutation whose target
//! is gone fails by its name.
//!
//! `oasdiff_cross_check` (ignored; `.ci/oasdiff` runs it with `OASDIFF`
//! set to the binary) runs `oasdiff breaking` on the same pairs, prints
//! the comparison table, and fails where the two disagree without a
//! written reason, or where a written reason no longer applies.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// One deliberate change to the contract.
struct Mutation {
    name: &'static str,
    /// requests, responses, notifications, parameters, security, servers,
    /// extensions, discriminator, names, document.
    area: &'static str,
    /// The verdict `cargo xtask diff` must give the whole change.
    breaking: bool,
    /// A rule the report must hold with that verdict.
    kind: &'static str,
    why: &'static str,
    /// Why oasdiff's verdict differs, where it does.
    oasdiff: Option<&'static str>,
    apply: fn(&mut Value) -> Option<()>,
}

const CREATE: &str = "/paths/~1v1~1{project_id}~1record~1callbacks/post";
const LIST: &str = "/paths/~1v1~1{project_id}~1record~1callbacks/get";
const ITEM: &str = "/paths/~1v1~1{project_id}~1record~1callbacks~1{id}";
const SHOW: &str = "/paths/~1v1~1{project_id}~1record~1callbacks~1{id}/get";
const DELETE: &str = "/paths/~1v1~1{project_id}~1record~1callbacks~1{id}/delete";
const S: &str = "/components/schemas";
const REQUEST: &str = "/components/schemas/RecordCallbackConfigRequest";
const CONFIG: &str = "/components/schemas/RecordCallbackConfig";
const COMPLETE: &str = "/components/schemas/RecordFileCompleteNotification";
const UNION: &str = "/components/schemas/RecordNotification";
const SIGNING: &str = "/components/schemas/RecordNotification/x-signing";
const REGION: &str = "/servers/0/variables/region";

fn at<'v>(d: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    d.pointer_mut(pointer)
}

fn set(d: &mut Value, pointer: &str, v: Value) -> Option<()> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    match at(d, parent)? {
        Value::Object(m) => {
            m.insert(key, v);
            Some(())
        }
        Value::Array(a) => {
            *a.get_mut(key.parse::<usize>().ok()?)? = v;
            Some(())
        }
        _ => None,
    }
}

fn remove(d: &mut Value, pointer: &str) -> Option<()> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    match at(d, parent)? {
        Value::Object(m) => m.remove(&key).map(drop),
        Value::Array(a) => {
            let i = key.parse::<usize>().ok().filter(|i| *i < a.len())?;
            a.remove(i);
            Some(())
        }
        _ => None,
    }
}

fn push(d: &mut Value, pointer: &str, v: Value) -> Option<()> {
    at(d, pointer)?.as_array_mut()?.push(v);
    Some(())
}

/// Removes `v` from the list at `pointer`; it must be there.
fn drop_value(d: &mut Value, pointer: &str, v: Value) -> Option<()> {
    let list = at(d, pointer)?.as_array_mut()?;
    let i = list.iter().position(|x| *x == v)?;
    list.remove(i);
    Some(())
}

/// Adds `by` to the number at `pointer`.
fn shift(d: &mut Value, pointer: &str, by: i64) -> Option<()> {
    let n = at(d, pointer)?;
    *n = json!(n.as_i64()? + by);
    Some(())
}

/// Every `$ref` to `from` made a `$ref` to `to`.
fn retarget(d: &mut Value, from: &str, to: &str) {
    match d {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if k == "$ref" && v == from {
                    *v = json!(to);
                } else {
                    retarget(v, from, to);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| retarget(v, from, to)),
        _ => {}
    }
}

/// The pointer of the first x-rules list under `prefix`.
fn rules_of(prefix: &str) -> String {
    format!("{prefix}/x-rules")
}

const WIRE: &str = "oasdiff compares what goes over the wire";
const EXTENSIONS: &str = "oasdiff does not read this project's x- extensions";
const CALLBACKS: &str = "oasdiff has no callback checks (its Known Limitations; oasdiff#1161)";
const DEFAULTS: &str = "oasdiff rates a changed request default as information at most (request-property-default-value-changed)";
const OPTIONAL: &str = "oasdiff rates a removed optional response property as information (response-optional-property-removed)";
const SILENT: &str = "oasdiff 1.39.0 reports nothing for this change";
const SERVERS: &str = "oasdiff rates no server change as breaking";

#[rustfmt::skip]
fn corpus() -> Vec<Mutation> {
    vec![
        // Requests: what the service reads. Narrowing breaks.
        Mutation { name: "request-field-required", area: "requests", breaking: true, kind: "property-required",
            why: "a request that leaves notify_callback_url out was valid and is now refused", oasdiff: None,
            apply: |d| push(d, &format!("{REQUEST}/required"), json!("notify_callback_url")) },
        Mutation { name: "request-field-removed", area: "requests", breaking: true, kind: "property-removed",
            why: "requests that send key send a field the service no longer knows", oasdiff: Some("oasdiff rates a removed request property a warning (a service that ignores unknown fields still takes old requests); diff counts it, since those requests no longer match the contract"),
            apply: |d| remove(d, &format!("{REQUEST}/properties/key")) },
        Mutation { name: "request-field-added-optional", area: "requests", breaking: false, kind: "property-added",
            why: "every old request is still valid", oasdiff: None,
            apply: |d| set(d, &format!("{REQUEST}/properties/comment"), json!({"type": "string"})) },
        Mutation { name: "request-field-added-required", area: "requests", breaking: true, kind: "property-added",
            why: "old requests lack the new required field", oasdiff: None,
            apply: |d| {
                set(d, &format!("{REQUEST}/properties/comment"), json!({"type": "string"}))?;
                push(d, &format!("{REQUEST}/required"), json!("comment"))
            } },
        Mutation { name: "request-max-length-narrowed", area: "requests", breaking: true, kind: "constraint-narrowed",
            why: "a publish_domain of the old maximum length is now refused", oasdiff: None,
            apply: |d| shift(d, &format!("{S}/PublishDomain/maxLength"), -1) },
        Mutation { name: "request-min-length-widened", area: "requests", breaking: false, kind: "constraint-widened",
            why: "the key accepts everything it did and more (the key is write-only: no response carries it)", oasdiff: None,
            apply: |d| shift(d, &format!("{S}/CallbackKey/minLength"), -1) },
        Mutation { name: "request-pattern-changed", area: "requests", breaking: true, kind: "constraint-changed",
            why: "a changed pattern may refuse URLs the old one took", oasdiff: Some("oasdiff rates a changed pattern a warning, since it may not narrow; diff cannot tell either way and counts it"),
            apply: |d| set(d, &format!("{S}/CallbackUrl/pattern"), json!("^https://.+$")) },
        Mutation { name: "request-enum-value-removed", area: "requests", breaking: true, kind: "enum-value-removed",
            why: "a request that subscribes to RECORD_OVER is now refused", oasdiff: None,
            apply: |d| drop_value(d, &format!("{S}/SubscribedEvent/enum"), json!("RECORD_OVER")) },
        Mutation { name: "request-enum-value-added", area: "requests", breaking: false, kind: "enum-value-added",
            why: "the service accepts one more value; no old request changes", oasdiff: None,
            apply: |d| push(d, &format!("{S}/SignType/enum"), json!("SHA256")) },
        Mutation { name: "request-default-changed", area: "requests", breaking: true, kind: "default-changed",
            why: "requests that leave sign_type out now ask for another signing method", oasdiff: Some(DEFAULTS),
            apply: |d| set(d, &format!("{REQUEST}/properties/sign_type/default"), json!("MD5")) },
        Mutation { name: "request-body-optional", area: "requests", breaking: false, kind: "body-optional",
            why: "every old request still carries a body the service accepts", oasdiff: None,
            apply: |d| set(d, "/components/requestBodies/RecordCallbackConfigRequest/required", json!(false)) },
        Mutation { name: "request-media-type-changed", area: "requests", breaking: true, kind: "media-type-changed",
            why: "old clients send application/json, which the service no longer takes", oasdiff: Some(SILENT),
            apply: |d| {
                let content = at(d, "/components/requestBodies/RecordCallbackConfigRequest/content")?.as_object_mut()?;
                let json = content.remove("application/json")?;
                content.insert("application/merge-patch+json".into(), json);
                Some(())
            } },
        Mutation { name: "request-type-changed", area: "requests", breaking: true, kind: "type-changed",
            why: "publish_domain sent as a string is refused when it must be an integer", oasdiff: None,
            apply: |d| set(d, &format!("{S}/PublishDomain/type"), json!("integer")) },
        Mutation { name: "request-write-only-dropped", area: "requests", breaking: true, kind: "access-changed",
            why: "without writeOnly generators and validators expect the key in responses too", oasdiff: Some(WIRE),
            apply: |d| remove(d, &format!("{S}/CallbackKey/writeOnly")) },
        // Parameters.
        Mutation { name: "parameter-added-required", area: "parameters", breaking: true, kind: "parameter-added",
            why: "old calls lack the new required query parameter", oasdiff: None,
            apply: |d| push(d, &format!("{LIST}/parameters"), json!({"name": "region", "in": "query", "required": true, "schema": {"type": "string"}})) },
        Mutation { name: "parameter-added-optional", area: "parameters", breaking: false, kind: "parameter-added",
            why: "every old call is still valid", oasdiff: None,
            apply: |d| push(d, &format!("{LIST}/parameters"), json!({"name": "region", "in": "query", "schema": {"type": "string"}})) },
        Mutation { name: "parameter-removed", area: "parameters", breaking: true, kind: "parameter-removed",
            why: "calls that filter by app send a parameter the service no longer reads", oasdiff: Some("oasdiff rates a removed request parameter a warning: old calls still go through where the service ignores it"),
            apply: |d| {
                let list = at(d, &format!("{LIST}/parameters"))?.as_array_mut()?;
                let i = list.iter().position(|p| p["name"] == "app")?;
                list.remove(i);
                Some(())
            } },
        Mutation { name: "parameter-required", area: "parameters", breaking: true, kind: "parameter-required",
            why: "calls without limit were valid and are now refused", oasdiff: None,
            apply: |d| {
                let list = at(d, &format!("{LIST}/parameters"))?.as_array_mut()?;
                let p = list.iter_mut().find(|p| p["name"] == "limit")?;
                p.as_object_mut()?.insert("required".into(), json!(true));
                Some(())
            } },
        Mutation { name: "parameter-explode-changed", area: "parameters", breaking: true, kind: "serialization-changed",
            why: "the parameter is written another way on the wire", oasdiff: Some(SILENT),
            apply: |d| {
                let list = at(d, &format!("{LIST}/parameters"))?.as_array_mut()?;
                let p = list.iter_mut().find(|p| p["name"] == "offset")?;
                p.as_object_mut()?.insert("style".into(), json!("deepObject"));
                Some(())
            } },
        Mutation { name: "parameter-maximum-narrowed", area: "parameters", breaking: true, kind: "constraint-narrowed",
            why: "a limit of the old maximum is now refused", oasdiff: None,
            apply: |d| shift(d, &format!("{S}/PageLimit/maximum"), -50) },
        Mutation { name: "parameter-minimum-widened", area: "parameters", breaking: false, kind: "constraint-widened",
            why: "limit accepts every value it did, and 0", oasdiff: None,
            apply: |d| shift(d, &format!("{S}/PageLimit/minimum"), -1) },
        Mutation { name: "parameter-default-changed", area: "parameters", breaking: true, kind: "default-changed",
            why: "calls that leave limit out now get pages of another size", oasdiff: Some(DEFAULTS),
            apply: |d| shift(d, &format!("{S}/PageLimit/default"), 10) },
        Mutation { name: "path-parameter-description", area: "parameters", breaking: false, kind: "doc-changed",
            why: "text only", oasdiff: None,
            apply: |d| set(d, "/components/parameters/ConfigId/description", json!("The config's id.")) },
        // Responses: what clients read. Widening breaks.
        Mutation { name: "response-field-removed", area: "responses", breaking: true, kind: "property-removed",
            why: "clients that read create_time no longer get it", oasdiff: Some(OPTIONAL),
            apply: |d| remove(d, &format!("{CONFIG}/properties/create_time")) },
        Mutation { name: "response-field-optional", area: "responses", breaking: true, kind: "property-optional",
            why: "clients that rely on app being there may not get it", oasdiff: None,
            apply: |d| drop_value(d, &format!("{CONFIG}/required"), json!("app")) },
        Mutation { name: "response-field-added", area: "responses", breaking: false, kind: "property-added",
            why: "clients ignore fields they do not know (the contract's responses are open)", oasdiff: None,
            apply: |d| set(d, &format!("{CONFIG}/properties/region"), json!({"type": "string"})) },
        Mutation { name: "response-status-removed", area: "responses", breaking: true, kind: "status-removed",
            why: "clients that handle 404 from show no longer get it", oasdiff: Some("oasdiff rates a removed non-success status as information (response-non-success-status-removed)"),
            apply: |d| remove(d, &format!("{SHOW}/responses/404")) },
        Mutation { name: "response-status-added", area: "responses", breaking: false, kind: "status-added",
            why: "a new error status reads as the error body every status shares", oasdiff: None,
            apply: |d| set(d, &format!("{DELETE}/responses/409"), json!({"$ref": "#/components/responses/BadRequest"})) },
        Mutation { name: "response-header-removed", area: "responses", breaking: true, kind: "header-removed",
            why: "clients that read X-request-id from a created config no longer get it", oasdiff: None,
            apply: |d| remove(d, &format!("{CREATE}/responses/201/headers/X-request-id")) },
        Mutation { name: "response-extensible-value-added", area: "responses", breaking: false, kind: "extensible-enum-value-added",
            why: "sign_type is read as any string; the list only names the known values", oasdiff: None,
            apply: |d| push(d, &format!("{CONFIG}/properties/sign_type/x-extensible-enum"), json!("HMACSHA512")) },
        Mutation { name: "response-extensible-value-removed", area: "responses", breaking: false, kind: "extensible-enum-value-removed",
            why: "clients read sign_type as any string, so a value no longer listed still reads", oasdiff: None,
            apply: |d| drop_value(d, &format!("{CONFIG}/properties/sign_type/x-extensible-enum"), json!("MD5")) },
        Mutation { name: "response-type-changed", area: "responses", breaking: true, kind: "type-changed",
            why: "clients that parse create_time as a string get a number", oasdiff: None,
            apply: |d| set(d, &format!("{CONFIG}/properties/create_time/type"), json!("integer")) },
        Mutation { name: "response-format-changed", area: "responses", breaking: true, kind: "format-changed",
            why: "clients that parse create_time as a date-time get another format", oasdiff: None,
            apply: |d| set(d, &format!("{CONFIG}/properties/create_time/format"), json!("date")) },
        Mutation { name: "response-nullable", area: "responses", breaking: true, kind: "nullable-changed",
            why: "clients that expect a string may get null", oasdiff: None,
            apply: |d| set(d, &format!("{CONFIG}/properties/create_time/nullable"), json!(true)) },
        Mutation { name: "path-parameter-widened", area: "parameters", breaking: false, kind: "constraint-widened",
            why: "the service accepts every id it did, and longer ones (responses carry id unconstrained)", oasdiff: None,
            apply: |d| shift(d, &format!("{S}/ConfigId/maxLength"), 128) },
        Mutation { name: "error-field-removed", area: "responses", breaking: true, kind: "property-removed",
            why: "clients that read error_msg no longer get it", oasdiff: Some(OPTIONAL),
            apply: |d| remove(d, &format!("{S}/ErrorResponse/properties/error_msg")) },
        // Operations.
        Mutation { name: "operation-removed", area: "responses", breaking: true, kind: "operation-removed",
            why: "clients that delete configs can no longer", oasdiff: None,
            apply: |d| remove(d, DELETE) },
        Mutation { name: "operation-added", area: "requests", breaking: false, kind: "operation-added",
            why: "no old call changes", oasdiff: None,
            apply: |d| {
                let mut op = at(d, SHOW)?.clone();
                op["operationId"] = json!("PatchRecordCallbackConfig");
                set(d, &format!("{ITEM}/patch"), op)
            } },
        Mutation { name: "operation-id-changed", area: "requests", breaking: true, kind: "operation-id-changed",
            why: "generated clients rename the method", oasdiff: Some("oasdiff rates a changed operationId as information (api-operation-id-removed)"),
            apply: |d| set(d, &format!("{SHOW}/operationId"), json!("GetRecordCallbackConfig")) },
        Mutation { name: "operation-tag-changed", area: "requests", breaking: true, kind: "tags-changed",
            why: "openapi-generator puts each tag's operations in a class of their own: show moves to another class", oasdiff: Some("oasdiff rates a removed tag as information (api-tag-removed)"),
            apply: |d| set(d, &format!("{SHOW}/tags"), json!(["Callbacks"])) },
        Mutation { name: "operation-deprecated", area: "requests", breaking: false, kind: "deprecated-changed",
            why: "a deprecation warns; every call still works", oasdiff: None,
            apply: |d| set(d, &format!("{SHOW}/deprecated"), json!(true)) },
        Mutation { name: "operation-summary", area: "document", breaking: false, kind: "doc-changed",
            why: "text only", oasdiff: None,
            apply: |d| set(d, &format!("{SHOW}/summary"), json!("Read one recording-callback config")) },
        // Notifications: what receivers read.
        Mutation { name: "notification-field-removed", area: "notifications", breaking: true, kind: "property-removed",
            why: "receivers that read file_size no longer get it", oasdiff: Some(CALLBACKS),
            apply: |d| remove(d, &format!("{COMPLETE}/properties/file_size")) },
        Mutation { name: "notification-field-optional", area: "notifications", breaking: true, kind: "property-optional",
            why: "receivers that rely on download_url being there may not get it", oasdiff: Some(CALLBACKS),
            apply: |d| drop_value(d, &format!("{COMPLETE}/required"), json!("download_url")) },
        Mutation { name: "notification-field-added", area: "notifications", breaking: false, kind: "property-added",
            why: "receivers ignore fields they do not know", oasdiff: None,
            apply: |d| set(d, &format!("{COMPLETE}/properties/codec"), json!({"type": "string"})) },
        Mutation { name: "notification-type-changed", area: "notifications", breaking: true, kind: "type-changed",
            why: "receivers that parse file_size as a number get a string", oasdiff: Some(CALLBACKS),
            apply: |d| set(d, &format!("{COMPLETE}/properties/file_size/type"), json!("string")) },
        Mutation { name: "notification-enum-value-added", area: "notifications", breaking: true, kind: "enum-value-added",
            why: "strict receivers refuse an event_type value their closed enum does not hold", oasdiff: Some(CALLBACKS),
            apply: |d| push(d, &format!("{COMPLETE}/properties/event_type/enum"), json!("RECORD_FILE_READY")) },
        Mutation { name: "notification-callback-removed", area: "notifications", breaking: true, kind: "callback-removed",
            why: "receivers registered through create no longer hear of recordings", oasdiff: Some(CALLBACKS),
            apply: |d| remove(d, &format!("{CREATE}/callbacks/recordNotification")) },
        Mutation { name: "receiver-status-removed", area: "notifications", breaking: true, kind: "status-removed",
            why: "receivers that answer 401 to a bad signature answer what the contract no longer lists", oasdiff: Some(CALLBACKS),
            apply: |d| remove(d, "/components/callbacks/RecordNotification/{$request.body#~1notify_callback_url}/post/responses/401") },
        Mutation { name: "receiver-answer-narrowed", area: "notifications", breaking: true, kind: "constraint-narrowed",
            why: "receivers whose 200 answer is any JSON object may now answer what the contract refuses", oasdiff: Some(CALLBACKS),
            apply: |d| set(d, "/components/callbacks/RecordNotification/{$request.body#~1notify_callback_url}/post/responses/200/content/application~1json/schema/maxProperties", json!(2)) },
        Mutation { name: "notification-extensible-value-added", area: "notifications", breaking: false, kind: "extensible-enum-value-added",
            why: "record_format is read as any string", oasdiff: None,
            apply: |d| push(d, &format!("{S}/RecordFormat/x-extensible-enum"), json!("TS")) },
        Mutation { name: "notification-extensible-value-removed", area: "notifications", breaking: false, kind: "extensible-enum-value-removed",
            why: "record_format is read as any string, so FLV still reads", oasdiff: None,
            apply: |d| drop_value(d, &format!("{S}/RecordFormat/x-extensible-enum"), json!("FLV")) },
        // Security.
        Mutation { name: "security-alternative-removed", area: "security", breaking: true, kind: "security-changed",
            why: "callers that use an IAM token are refused", oasdiff: None,
            apply: |d| remove(d, "/security/0") },
        Mutation { name: "security-alternative-added", area: "security", breaking: false, kind: "security-changed",
            why: "callers gain a way in; every old one still works", oasdiff: None,
            apply: |d| push(d, "/security", json!({"IamToken": [], "AkSkProjectId": []})) },
        Mutation { name: "security-header-renamed", area: "security", breaking: true, kind: "security-scheme-changed",
            why: "clients send the token in a header the service no longer reads", oasdiff: None,
            apply: |d| set(d, "/components/securitySchemes/IamToken/name", json!("X-Token")) },
        Mutation { name: "security-description", area: "security", breaking: false, kind: "doc-changed",
            why: "text only", oasdiff: None,
            apply: |d| set(d, "/components/securitySchemes/IamToken/description", json!("An IAM token.")) },
        // Servers.
        Mutation { name: "server-region-removed", area: "servers", breaking: true, kind: "server-value-removed",
            why: "callers that name ap-southeast-3 can no longer", oasdiff: Some(SERVERS),
            apply: |d| drop_value(d, &format!("{REGION}/enum"), json!("ap-southeast-3")) },
        Mutation { name: "server-region-added", area: "servers", breaking: false, kind: "server-value-added",
            why: "one more region to choose; no old caller changes", oasdiff: None,
            apply: |d| push(d, &format!("{REGION}/enum"), json!("af-south-1")) },
        Mutation { name: "server-default-changed", area: "servers", breaking: true, kind: "server-default-changed",
            why: "callers that leave the region out reach another region", oasdiff: Some(SERVERS),
            apply: |d| set(d, &format!("{REGION}/default"), json!("cn-east-3")) },
        Mutation { name: "server-url-changed", area: "servers", breaking: true, kind: "server-removed",
            why: "callers of the regional endpoint reach another host", oasdiff: Some(SERVERS),
            apply: |d| set(d, "/servers/0/url", json!("https://live-api.{region}.myhuaweicloud.com")) },
        Mutation { name: "server-added", area: "servers", breaking: false, kind: "server-added",
            why: "one more endpoint; the default stays first", oasdiff: None,
            apply: |d| push(d, "/servers", json!({"url": "https://live.example.com"})) },
        Mutation { name: "server-removed", area: "servers", breaking: true, kind: "server-removed",
            why: "callers of another endpoint (a proxy, the emulator) lose the server they chose", oasdiff: Some(SERVERS),
            apply: |d| remove(d, "/servers/1") },
        Mutation { name: "server-reordered", area: "servers", breaking: true, kind: "default-server-changed",
            why: "generated clients take the first server as their default", oasdiff: Some(SERVERS),
            apply: |d| {
                at(d, "/servers")?.as_array_mut()?.swap(0, 1);
                Some(())
            } },
        Mutation { name: "server-variable-removed", area: "servers", breaking: true, kind: "server-variable-removed",
            why: "callers that set endpoint can no longer", oasdiff: Some(SERVERS),
            apply: |d| {
                remove(d, "/servers/1/variables/endpoint")?;
                set(d, "/servers/1/variables/base", json!({"default": "https://live.cn-north-4.myhuaweicloud.com"}))
            } },
        Mutation { name: "server-description", area: "servers", breaking: false, kind: "doc-changed",
            why: "text only", oasdiff: None,
            apply: |d| set(d, "/servers/0/description", json!("A regional endpoint.")) },
        // Extensions: x-signing (every deployed verifier computes it).
        Mutation { name: "signing-order-changed", area: "extensions", breaking: true, kind: "signing-changed",
            why: "verifiers concatenate the fields in the old order", oasdiff: Some(EXTENSIONS),
            apply: |d| {
                at(d, &format!("{SIGNING}/HMACSHA256/message"))?.as_array_mut()?.swap(0, 1);
                Some(())
            } },
        Mutation { name: "signing-field-added", area: "extensions", breaking: true, kind: "signing-changed",
            why: "verifiers leave project_id out of the message", oasdiff: Some(EXTENSIONS),
            apply: |d| push(d, &format!("{SIGNING}/HMACSHA256/message"), json!("project_id")) },
        Mutation { name: "signing-algorithm-changed", area: "extensions", breaking: true, kind: "signing-changed",
            why: "verifiers compute HMAC-SHA256", oasdiff: Some(EXTENSIONS),
            apply: |d| set(d, &format!("{SIGNING}/HMACSHA256/algorithm"), json!("HMAC-SHA512 keyed with the config's key")) },
        Mutation { name: "signing-separator-changed", area: "extensions", breaking: true, kind: "signing-changed",
            why: "verifiers join the fields with nothing between them", oasdiff: Some(EXTENSIONS),
            apply: |d| set(d, &format!("{SIGNING}/separator"), json!("&")) },
        Mutation { name: "signing-encoding-changed", area: "extensions", breaking: true, kind: "signing-changed",
            why: "verifiers decode hex", oasdiff: Some(EXTENSIONS),
            apply: |d| set(d, &format!("{SIGNING}/encoding"), json!("base64")) },
        Mutation { name: "signing-test-key-changed", area: "extensions", breaking: true, kind: "signing-changed",
            why: "verifiers' tests hold the published vectors, signed with the old key", oasdiff: Some(EXTENSIONS),
            apply: |d| set(d, &format!("{SIGNING}/test_key"), json!("fedcba9876543210fedcba9876543210")) },
        Mutation { name: "signing-note-changed", area: "extensions", breaking: false, kind: "signing-changed",
            why: "a note describes; nothing is computed from it", oasdiff: None,
            apply: |d| set(d, &format!("{SIGNING}/MD5/note"), json!("only the key and the timestamp are signed")) },
        // x-error-codes, per response.
        Mutation { name: "error-code-removed", area: "extensions", breaking: true, kind: "error-code-removed",
            why: "clients that branch on LIVE.103011018 (config exists) no longer get it", oasdiff: Some(EXTENSIONS),
            apply: |d| {
                let codes = at(d, "/components/responses/WriteBadRequest/x-error-codes")?.as_array_mut()?;
                let i = codes.iter().position(|c| c["code"] == "LIVE.103011018")?;
                codes.remove(i);
                Some(())
            } },
        Mutation { name: "error-code-added", area: "extensions", breaking: false, kind: "error-code-added",
            why: "error_code is read as any string", oasdiff: None,
            apply: |d| push(d, "/components/responses/Unauthorized/x-error-codes", json!({"code": "APIGW.0308", "meaning": "Throttled.", "x-source": "ours: a test"})) },
        Mutation { name: "error-code-meaning-changed", area: "extensions", breaking: false, kind: "error-code-changed",
            why: "the meaning is text for readers", oasdiff: None,
            apply: |d| set(d, "/components/responses/Unauthorized/x-error-codes/0/meaning", json!("Not authenticated.")) },
        Mutation { name: "error-codes-by-reference", area: "extensions", breaking: true, kind: "error-code-removed",
            why: "create's 400 now points at a response without LIVE.103011018, so the code is gone there", oasdiff: Some(EXTENSIONS),
            apply: |d| set(d, &format!("{CREATE}/responses/400/$ref"), json!("#/components/responses/BadRequest")) },
        // x-rules and x-source: informational.
        Mutation { name: "rule-added", area: "extensions", breaking: false, kind: "rule-added",
            why: "rules are prose for reviewers; what they change shows in the schemas", oasdiff: None,
            apply: |d| push(d, &rules_of(SHOW), json!({"rule": "The answer is never cached.", "x-source": "ours: a test"})) },
        Mutation { name: "rule-removed", area: "extensions", breaking: false, kind: "rule-removed",
            why: "informational, as above", oasdiff: None,
            apply: |d| at(d, &rules_of(SHOW))?.as_array_mut()?.pop().map(drop) },
        Mutation { name: "rule-source-changed", area: "extensions", breaking: false, kind: "rule-changed",
            why: "where a rule comes from, for reviewers", oasdiff: None,
            apply: |d| set(d, &format!("{}/0/x-source", rules_of(SHOW)), json!("ours: a test")) },
        Mutation { name: "source-changed", area: "extensions", breaking: false, kind: "source-changed",
            why: "where a rule comes from, for reviewers", oasdiff: None,
            apply: |d| set(d, &format!("{S}/PageLimit/x-source"), json!("ours: a test")) },
        Mutation { name: "source-registry-changed", area: "extensions", breaking: false, kind: "source-changed",
            why: "the registry of sources is for reviewers", oasdiff: None,
            apply: |d| set(d, "/x-sources/openapi/url", json!("https://spec.openapis.org/oas/v3.0.3.html")) },
        Mutation { name: "unknown-extension-added", area: "extensions", breaking: false, kind: "extension-changed",
            why: "an extension no tool of this project reads; reported so a reviewer sees it", oasdiff: None,
            apply: |d| set(d, &format!("{SHOW}/x-internal"), json!(true)) },
        // The discriminator.
        Mutation { name: "discriminator-property-changed", area: "discriminator", breaking: true, kind: "discriminator-changed",
            why: "receivers pick the event's type by event_type", oasdiff: Some(CALLBACKS),
            apply: |d| set(d, &format!("{UNION}/discriminator/propertyName"), json!("type")) },
        Mutation { name: "discriminator-mapping-removed", area: "discriminator", breaking: true, kind: "discriminator-mapping-removed",
            why: "receivers that dispatch on RECORD_OVER lose its type", oasdiff: Some(CALLBACKS),
            apply: |d| remove(d, &format!("{UNION}/discriminator/mapping/RECORD_OVER")) },
        Mutation { name: "discriminator-mapping-changed", area: "discriminator", breaking: true, kind: "discriminator-mapping-changed",
            why: "RECORD_OVER now reads as another event's type", oasdiff: Some(CALLBACKS),
            apply: |d| set(d, &format!("{UNION}/discriminator/mapping/RECORD_OVER"), json!("#/components/schemas/RecordFailedNotification")) },
        Mutation { name: "discriminator-mapping-added", area: "discriminator", breaking: false, kind: "discriminator-mapping-added",
            why: "a value old receivers do not map falls to the open OtherRecordNotification, as before", oasdiff: None,
            apply: |d| set(d, &format!("{UNION}/discriminator/mapping/RECORD_PAUSED"), json!("#/components/schemas/RecordOverNotification")) },
        // Names generators give.
        Mutation { name: "title-changed", area: "names", breaking: true, kind: "type-renamed",
            why: "progenitor names the request's sign_type type by its title", oasdiff: Some(WIRE),
            apply: |d| set(d, &format!("{REQUEST}/properties/sign_type/title"), json!("SignTypeChoice")) },
        Mutation { name: "component-renamed", area: "names", breaking: true, kind: "component-removed",
            why: "generated code loses the type PageLimit", oasdiff: Some(WIRE),
            apply: |d| {
                let limit = at(d, S)?.as_object_mut()?.remove("PageLimit")?;
                set(d, &format!("{S}/Limit"), limit)?;
                retarget(d, "#/components/schemas/PageLimit", "#/components/schemas/Limit");
                Some(())
            } },
        Mutation { name: "component-title-added", area: "names", breaking: false, kind: "doc-changed",
            why: "generators name a schema under components by its key, not its title", oasdiff: None,
            apply: |d| set(d, &format!("{S}/PageLimit/title"), json!("Page size")) },
        Mutation { name: "component-added", area: "names", breaking: false, kind: "component-added",
            why: "a new type; none is lost", oasdiff: None,
            apply: |d| set(d, &format!("{S}/Region"), json!({"type": "string"})) },
        Mutation { name: "reference-inlined", area: "names", breaking: true, kind: "type-renamed",
            why: "the request's app gets a type made up from its place instead of AppName", oasdiff: Some(WIRE),
            apply: |d| {
                let app = at(d, &format!("{S}/AppName"))?.clone();
                set(d, &format!("{REQUEST}/properties/app"), app)
            } },
        // The rest of the document.
        Mutation { name: "info-version", area: "document", breaking: false, kind: "doc-changed",
            why: "the version names the document; no call changes", oasdiff: None,
            apply: |d| set(d, "/info/version", json!("9.9.9")) },
        Mutation { name: "example-changed", area: "document", breaking: false, kind: "example-changed",
            why: "examples illustrate; cargo xtask check validates them", oasdiff: None,
            apply: |d| set(d, "/components/examples/ConfigCreated/summary", json!("A config")) },
        Mutation { name: "link-changed", area: "document", breaking: false, kind: "link-changed",
            why: "links guide tools from create to show; no call changes", oasdiff: None,
            apply: |d| set(d, "/components/links/ShowCreatedConfig/description", json!("Show it.")) },
        Mutation { name: "tag-description", area: "document", breaking: false, kind: "doc-changed",
            why: "text only", oasdiff: None,
            apply: |d| set(d, "/tags/0/description", json!("Configs.")) },
    ]
}

/// The current contract, as JSON.
fn base() -> Value {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/live-record-callbacks.yaml");
    let text = std::fs::read_to_string(&spec).expect("the contract reads");
    serde_yaml::from_str(&text).expect("the contract is YAML")
}

/// The corpus written to a directory of its own: `base.json` and one
/// `<name>.json` per mutation. Removed when dropped.
struct Corpus {
    dir: PathBuf,
    mutations: Vec<Mutation>,
}

impl Corpus {
    fn write() -> Corpus {
        let dir = std::env::temp_dir().join(format!(
            "xtask-corpus-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let base = base();
        std::fs::write(
            dir.join("base.json"),
            serde_json::to_vec_pretty(&base).unwrap(),
        )
        .unwrap();
        let mutations = corpus();
        let mut missing = Vec::new();
        for m in &mutations {
            let mut doc = base.clone();
            if (m.apply)(&mut doc).is_none() || doc == base {
                missing.push(m.name);
            }
            std::fs::write(
                dir.join(format!("{}.json", m.name)),
                serde_json::to_vec_pretty(&doc).unwrap(),
            )
            .unwrap();
        }
        assert!(missing.is_empty(), "these mutations found nothing to change in the contract (rewrite them for it): {missing:?}");
        Corpus { dir, mutations }
    }

    fn pair(&self, m: &Mutation) -> [PathBuf; 2] {
        [
            self.dir.join("base.json"),
            self.dir.join(format!("{}.json", m.name)),
        ]
    }
}

impl Drop for Corpus {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `cargo xtask diff --format json` on a pair: its changes.
fn xtask_diff([old, new]: &[PathBuf; 2]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "--format", "json", "--allow-breaking", "--old"])
        .arg(old)
        .arg("--new")
        .arg(new)
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
    report["changes"].as_array().cloned().unwrap_or_default()
}

fn is_breaking(changes: &[Value]) -> bool {
    changes.iter().any(|c| c["breaking"] == true)
}

#[test]
fn every_mutation_gets_its_verdict() {
    let corpus = Corpus::write();
    assert!(
        corpus.mutations.len() >= 60,
        "the corpus holds {} mutations",
        corpus.mutations.len()
    );
    let mut names: Vec<&str> = corpus.mutations.iter().map(|m| m.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        corpus.mutations.len(),
        "mutation names are unique"
    );
    let base = corpus.dir.join("base.json");
    let unchanged = xtask_diff(&[base.clone(), base]);
    assert!(
        unchanged.is_empty(),
        "the contract against itself: {unchanged:?}"
    );
    let mut wrong = Vec::new();
    for m in &corpus.mutations {
        let changes = xtask_diff(&corpus.pair(m));
        let has_kind = changes
            .iter()
            .any(|c| c["kind"] == m.kind && c["breaking"] == m.breaking);
        if is_breaking(&changes) != m.breaking || !has_kind {
            let shown: Vec<String> = changes
                .iter()
                .map(|c| {
                    format!(
                        "  {} {} {}: {}",
                        c["breaking"], c["kind"], c["at"], c["message"]
                    )
                })
                .collect();
            wrong.push(format!(
                "{} (expected breaking: {}, a {} change; {}):\n{}",
                m.name,
                m.breaking,
                m.kind,
                m.why,
                shown.join("\n")
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} mutations got another verdict:\n{}",
        wrong.len(),
        corpus.mutations.len(),
        wrong.join("\n")
    );
}

/// oasdiff's verdict on a pair: breaking when it reports an error-level
/// change (`--fail-on ERR` exits 1 then).
fn oasdiff(bin: &Path, [old, new]: &[PathBuf; 2]) -> (bool, Vec<String>) {
    let out = Command::new(bin)
        .args([
            "breaking",
            "--format",
            "json",
            "--allow-external-refs=false",
        ])
        .arg(old)
        .arg(new)
        .output()
        .expect("oasdiff runs");
    assert!(
        out.status.success(),
        "oasdiff failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let errors = found.iter().filter(|c| c["level"] == 3);
    let ids = found
        .iter()
        .map(|c| format!("{}:{}", c["level"], c["id"].as_str().unwrap_or("?")))
        .collect();
    (errors.count() > 0, ids)
}

#[test]
#[ignore = "needs oasdiff: OASDIFF=path/to/oasdiff (.ci/oasdiff installs it)"]
fn oasdiff_cross_check() {
    let bin = PathBuf::from(std::env::var_os("OASDIFF").expect("OASDIFF names the oasdiff binary"));
    let corpus = Corpus::write();
    let verdict = |b: bool| if b { "breaking" } else { "-" };
    let mut rows = vec![
        "| mutation | area | diff | oasdiff | oasdiff found | why they differ |".to_owned(),
        "| --- | --- | --- | --- | --- | --- |".to_owned(),
    ];
    let (mut agree, mut diff_only, mut oasdiff_only, mut unexplained) = (0, 0, 0, Vec::new());
    let mut verdicts = Vec::new();
    for m in &corpus.mutations {
        let pair = corpus.pair(m);
        let ours = is_breaking(&xtask_diff(&pair));
        let (theirs, ids) = oasdiff(&bin, &pair);
        verdicts.push((ours, theirs));
        let note = match (ours == theirs, m.oasdiff) {
            (true, None) => {
                agree += 1;
                ""
            }
            (false, Some(why)) => {
                if ours {
                    diff_only += 1
                } else {
                    oasdiff_only += 1
                }
                why
            }
            (false, None) => {
                unexplained.push(format!(
                    "{}: diff says {}, oasdiff {} ({ids:?}) and no reason is written",
                    m.name,
                    verdict(ours),
                    verdict(theirs)
                ));
                "NO REASON WRITTEN"
            }
            (true, Some(why)) => {
                unexplained.push(format!(
                    "{}: both agree now, but the corpus says they differ because {why}",
                    m.name
                ));
                "STALE REASON"
            }
        };
        rows.push(format!(
            "| {} | {} | {} | {} | {} | {note} |",
            m.name,
            m.area,
            verdict(ours),
            verdict(theirs),
            ids.join(" ")
        ));
    }
    println!("{}", rows.join("\n"));
    let summary = summary(&corpus.mutations, &verdicts);
    println!("\nThe README's table:\n{}", summary.join("\n"));
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    for row in &summary {
        if !readme.lines().any(|l| l.starts_with(row.as_str())) {
            unexplained.push(format!(
                "the README's table lacks the row `{row} ...|` (paste the rows above)"
            ));
        }
    }
    println!("\n{} mutations: {agree} agree, {diff_only} breaking for diff only, {oasdiff_only} breaking for oasdiff only, {} unexplained", corpus.mutations.len(), unexplained.len());
    assert!(unexplained.is_empty(), "{}", unexplained.join("\n"));
}

/// The README's table: per group of areas, how many mutations, both
/// breaking, both not, breaking for diff only, for oasdiff only (the row
/// up to its last cell, the reason, which is the README's own).
fn summary(mutations: &[Mutation], verdicts: &[(bool, bool)]) -> Vec<String> {
    let groups: [(&str, &[&str]); 6] = [
        (
            "requests, parameters, responses",
            &["requests", "parameters", "responses"],
        ),
        (
            "notifications, receivers' answers, their discriminator",
            &["notifications", "discriminator"],
        ),
        ("security", &["security"]),
        ("servers", &["servers"]),
        ("extensions, generated names", &["extensions", "names"]),
        ("text, examples, links", &["document"]),
    ];
    let grouped: usize = groups
        .iter()
        .map(|(_, areas)| mutations.iter().filter(|m| areas.contains(&m.area)).count())
        .sum();
    assert_eq!(
        grouped,
        mutations.len(),
        "every area belongs to a group of the README's table"
    );
    groups
        .iter()
        .map(|(label, areas)| {
            let mut counts = [0; 4];
            let mut n = 0;
            for (m, (ours, theirs)) in mutations.iter().zip(verdicts) {
                if areas.contains(&m.area) {
                    n += 1;
                    counts[match (ours, theirs) {
                        (true, true) => 0,
                        (false, false) => 1,
                        (true, false) => 2,
                        (false, true) => 3,
                    }] += 1;
                }
            }
            let [a, b, c, d] = counts;
            format!("| {label} ({n}) | {a} | {b} | {c} | {d} |")
        })
        .collect()
}
