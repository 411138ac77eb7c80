//! The Postman collection (v2.1) of the operations, generated from the
//! dereferenced document: one request per operation in the document's order
//! (a collection run creates, lists, shows, updates and deletes), grouped by
//! tag; the first request example as the body (never values made up from
//! patterns), the others in the description; every response example saved;
//! a pre-request script (`xtask/postman/sign.js`, a file so that node can
//! test it) that signs with `SDK-HMAC-SHA256` when `ak` and `sk` are set or
//! sends `X-Auth-Token` when `token` is; tests of the documented success
//! status, `X-request-id` and the body's schema, which also store the ids
//! the response's `links` pass on (create's `config_id`).

use anyhow::{bail, Context, Result};
use serde_json::{json, Value as Json};

use crate::bundle::REFRESH;
use crate::document::{entries, is_true, map_schema, seq, str_of, to_json};
use crate::document::{Document, Operation, Value};

/// Where the collection is written, relative to the workspace root.
pub const PATH: &str = "openapi/published/live-record-callbacks.postman_collection.json";

const SIGN_JS: &str = include_str!("../../postman/sign.js");

const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
/// What a request with a body declares, as Huawei's SDKs send it.
const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// The collection as pretty-printed JSON.
pub fn collection(source: &Document) -> Result<String> {
    let doc = Document {
        root: crate::bundle::deref::rendition(source)?,
    };
    let mut folders: Vec<Json> = Vec::new();
    for op in doc.operations() {
        let request = operation(&doc, &op)
            .with_context(|| format!("{} {}", op.method.to_uppercase(), op.path))?;
        let name = op.op["tags"][0].as_str().unwrap_or("Operations");
        if let Some(folder) = folders.iter_mut().find(|f| f["name"] == name) {
            folder["item"].as_array_mut().expect("a list").push(request);
            continue;
        }
        let tag = seq(doc.get("tags")).find(|t| str_of(t, "name") == Some(name));
        let description = tag.and_then(|t| str_of(t, "description"));
        folders.push(json!({ "name": name, "description": description, "item": [request] }));
    }
    let info = &doc["info"];
    crate::bundle::json(&without_nulls(json!({
        "info": {
            "name": info["title"].as_str().unwrap_or("API"),
            "version": info["version"].as_str().unwrap_or(""),
            "description": description(&doc),
            "schema": SCHEMA,
        },
        "auth": { "type": "noauth" },
        "event": [event("prerequest", SIGN_JS)],
        "variable": variables(&doc),
        "item": folders,
    })))
}

/// The collection's description: the document's, then how to use it.
fn description(doc: &Value) -> String {
    let about = doc["info"]["description"].as_str().unwrap_or("").trim_end();
    format!(
        "{about}\n\n\
         ## Using this collection\n\n\
         Generated from the OpenAPI document by `{REFRESH}`; do not edit.\n\n\
         1. Set the collection variables (or an environment's, which win): \
         `endpoint` (the regional endpoint, already set to the default region's), \
         `project_id`, and either `ak` and `sk` (plus `security_token` for \
         temporary credentials) or `token` (an IAM token).\n\
         2. Send **Create**: its test script stores the new config's id in \
         `config_id`, which Show, Replace and Delete use.\n\n\
         With `ak` and `sk` set, the collection's pre-request script signs every \
         request with `SDK-HMAC-SHA256` (the API gateway's AK/SK scheme): it adds \
         `X-Sdk-Date`, `X-Project-Id`, `X-Security-Token` when set, and \
         `Authorization`, signing the method, the path, the sorted query, the \
         `Content-Type` and `Host` headers and the SHA-256 of the body. Without \
         them and with `token` set it sends `X-Auth-Token`. Keep `sk` and `token` \
         in the *current value* only, so they are not synced or exported.\n"
    )
}

fn variables(doc: &Value) -> Vec<Json> {
    let server = &doc["servers"][0];
    let url = server["url"].as_str().unwrap_or("");
    let mut endpoint = url.to_owned();
    let mut regions = String::new();
    for (name, var) in entries(server.get("variables")) {
        endpoint = endpoint.replace(&format!("{{{name}}}"), str_of(var, "default").unwrap_or(""));
        if let Some(values) = var["enum"].as_sequence() {
            let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            regions = format!(" (`{name}`: {})", values.join(", "));
        }
    }
    let endpoint_help = format!("The Live endpoint: {url}{regions}, or an emulator's base URL.");
    let config_id = entries(doc.get("paths"))
        .flat_map(|(_, item)| seq(item.get("parameters")))
        .find(|p| str_of(p, "name") == Some("id"))
        .and_then(|p| str_of(p, "example"))
        .unwrap_or("");
    let vars = [
        ("endpoint", endpoint.as_str(), endpoint_help.as_str()),
        ("project_id", "", "The project that owns the configs (path parameter `project_id`; also sent as `X-Project-Id` when signing)."),
        ("ak", "", "Access key id; with `sk`, requests are signed (SDK-HMAC-SHA256)."),
        ("sk", "", "Secret access key: set it as the current value only. Never sent, only used to sign."),
        ("security_token", "", "With temporary AK/SK credentials: their security token, sent and signed as `X-Security-Token`."),
        ("token", "", "An IAM token, sent as `X-Auth-Token` when `ak` and `sk` are not set."),
        ("config_id", config_id, "The config that Show, Replace and Delete act on; Create's test script sets it to the created config's id."),
    ];
    let var = |(key, value, description)| json!({ "key": key, "value": value, "type": "string", "description": description });
    vars.map(var).to_vec()
}

/// The collection variable a path parameter takes its value from.
fn variable_for(param: &str) -> &str {
    match param {
        "id" => "config_id",
        other => other,
    }
}

/// One request, with its saved responses and tests.
fn operation(doc: &Document, op: &Operation) -> Result<Json> {
    let id = op.id();
    let about = str_of(op.op, "description").unwrap_or("").trim_end();
    let mut description = format!("`{id}`. {about}");
    // The body: the first request example; the others are described.
    let mut body = None;
    if let Some(content) = op.op["requestBody"]["content"].as_mapping() {
        let media = content
            .get("application/json")
            .context("a request body that is not application/json")?;
        let examples = examples(doc, media);
        let Some((_, _, first)) = examples.first() else {
            bail!("a request body without an example");
        };
        body = Some(json!({
            "mode": "raw",
            "raw": pretty(first)?,
            "options": { "raw": { "language": "json" } },
        }));
        for (name, summary, value) in &examples[1..] {
            description.push_str(&format!(
                "\n\nOther example body, `{name}`{}:\n\n```json\n{}\n```",
                summary.map(|s| format!(" ({s})")).unwrap_or_default(),
                pretty(value)?
            ));
        }
    }
    let content_type = body.as_ref().map(|_| header("Content-Type", JSON_UTF8));
    let mut request = json!({
        "method": op.method.to_uppercase(),
        "header": Vec::from_iter(content_type),
        "url": url(op.path, &doc.parameters(op)),
        "body": body,
    });
    let mut saved = Vec::new();
    let mut success = None;
    for (status, response) in entries(op.op.get("responses")) {
        // A range (`5XX`) is saved with its first code: Postman's examples
        // need a number.
        let code = match status.strip_suffix("XX") {
            Some(class) => class.parse::<u16>().map(|class| class * 100),
            None => status.parse::<u16>(),
        };
        let Ok(code) = code else { continue };
        if success.is_none() && (200..300).contains(&code) {
            success = Some((code, response));
        }
        saved.extend(saved_responses(doc, code, response, &request)?);
    }
    let Some((code, success)) = success else {
        bail!("no success response");
    };
    request["description"] = description.into();
    Ok(json!({
        "id": id,
        "name": str_of(op.op, "summary").unwrap_or(&id),
        "request": request,
        "response": saved,
        "event": [event("test", &tests(code, success)?)],
    }))
}

/// The request's URL: `{name}` path segments become Postman path variables;
/// query filters are off until the user turns them on, paging is on.
fn url(path: &str, params: &[&Value]) -> Json {
    let segment = |s: &str| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(name) => format!(":{name}"),
        None => s.to_owned(),
    };
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(segment)
        .collect();
    let mut raw = format!("{{{{endpoint}}}}/{}", segments.join("/"));
    let (mut variables, mut query) = (Vec::new(), Vec::new());
    for p in params {
        let name = str_of(p, "name").unwrap_or("");
        let description = str_of(p, "description").unwrap_or("");
        match str_of(p, "in") {
            Some("path") => {
                let value = format!("{{{{{}}}}}", variable_for(name));
                variables.push(json!({ "key": name, "value": value, "description": description }));
            }
            Some("query") => {
                let value = match to_json(&p["example"]) {
                    Json::String(s) => s,
                    Json::Null => String::new(),
                    other => other.to_string(),
                };
                let disabled = p["schema"]["default"].is_null() && !is_true(p, "required");
                if !disabled {
                    let separator = if raw.contains('?') { '&' } else { '?' };
                    raw.push_str(&format!("{separator}{name}={value}"));
                }
                query.push(json!({ "key": name, "value": value, "description": description, "disabled": disabled }));
            }
            _ => {}
        }
    }
    let non_empty = |list: Vec<Json>| (!list.is_empty()).then_some(list);
    json!({
        "raw": raw,
        "host": ["{{endpoint}}"],
        "path": segments,
        "query": non_empty(query),
        "variable": non_empty(variables),
    })
}

/// Every example of a response, saved as an answer to `request`.
fn saved_responses(
    doc: &Document,
    code: u16,
    response: &Value,
    request: &Json,
) -> Result<Vec<Json>> {
    let reason = reason(code);
    let media = response["content"].get("application/json");
    let content_type = media.map(|_| header("Content-Type", "application/json"));
    let request_id = entries(response.get("headers"))
        .find(|(k, _)| k.eq_ignore_ascii_case("x-request-id"))
        .and_then(|(k, h)| Some(header(k, str_of(h, "example")?)));
    let headers = Vec::from_iter(content_type.into_iter().chain(request_id));
    let answer = |name: String, body: String, language: &str| {
        json!({
            "name": name,
            "originalRequest": request,
            "status": reason,
            "code": code,
            "_postman_previewlanguage": language,
            "header": headers,
            "body": body,
        })
    };
    let Some(media) = media else {
        return Ok(vec![answer(
            format!("{code} {reason}"),
            String::new(),
            "text",
        )]);
    };
    let examples = examples(doc, media);
    if examples.is_empty() {
        bail!("response {code} has no example");
    }
    let answers = examples.into_iter().map(|(name, summary, value)| {
        let name = format!("{code} {}", summary.unwrap_or(name));
        Ok(answer(name, pretty(value)?, "json"))
    });
    answers.collect()
}

/// The tests of a request: the documented success status, the request id,
/// the body's schema, and the ids that the response's links pass on.
fn tests(code: u16, response: &Value) -> Result<String> {
    let mut out = format!(
        r#"pm.test("status is {code} {}, as documented", function () {{
    pm.response.to.have.status({code});
}});
pm.test("X-request-id is set", function () {{
    pm.expect(pm.response.headers.get("X-request-id")).to.be.a("string").that.is.not.empty;
}});"#,
        reason(code)
    );
    if let Some(schema) = response["content"]["application/json"].get("schema") {
        let name = schema["title"].as_str().unwrap_or("the success schema");
        let schema = serde_json::to_string(&json_schema(schema)).context("writing a schema")?;
        out.push_str(&format!(
            r#"
pm.test("the body matches {name}", function () {{
    pm.response.to.have.jsonSchema({schema}, {{ strict: false }});
}});"#
        ));
    }
    let links = entries(response.get("links")).flat_map(|(_, l)| entries(l.get("parameters")));
    for (param, expr) in links {
        let field = expr
            .as_str()
            .and_then(|e| e.strip_prefix("$response.body#/"));
        let Some(field) = field else { continue };
        let line = format!(
            "\nif (pm.response.code === {code}) {{ pm.collectionVariables.set(\"{}\", pm.response.json()[\"{field}\"]); }}",
            variable_for(param)
        );
        if !out.contains(&line) {
            out.push_str(&line);
        }
    }
    Ok(out)
}

/// A 3.0 schema (dereferenced) as JSON Schema for Postman's `jsonSchema`
/// assertion (ajv): the 3.1 rendition's translation ([`super::rendition31`])
/// without descriptions, examples, extensions and OpenAPI-only keywords.
/// (`crate::check::dialect` translates for validating examples: it closes
/// objects and keeps descriptions and OpenAPI formats, which this must not.)
fn json_schema(schema: &Value) -> Value {
    map_schema(schema, &|m| {
        let mut m = m.clone();
        m.retain(|k, v| {
            let k = k.as_str().unwrap_or("");
            let annotation = "description example discriminator xml externalDocs";
            // ajv refuses a schema with one of OpenAPI's own formats (int32,
            // password, ...).
            let openapi_format = k == "format" && !JSON_SCHEMA_FORMATS.split(' ').any(|f| v == f);
            !annotation.split(' ').any(|a| a == k) && !k.starts_with("x-") && !openapi_format
        });
        super::rendition31::schema(&m)
    })
}

/// The formats that JSON Schema defines and ajv knows.
const JSON_SCHEMA_FORMATS: &str =
    "date time date-time uri uri-reference email hostname ipv4 ipv6 uuid regex";

/// A media type's examples (the schema's own when it has none), in order:
/// (name, summary, value); a lone one is named `example`.
fn examples<'a>(doc: &'a Document, media: &'a Value) -> Vec<(&'a str, Option<&'a str>, &'a Value)> {
    let mut found = doc.media_examples(media);
    if found.is_empty() {
        found.extend(media["schema"].get("example").map(|v| (None, None, v)));
    }
    let named = found
        .into_iter()
        .map(|(name, summary, v)| (name.unwrap_or("example"), summary, v));
    named.collect()
}

/// A value as pretty JSON, keys in the document's order.
fn pretty(v: &Value) -> Result<String> {
    serde_json::to_string_pretty(v).context("writing an example as JSON")
}

fn header(key: &str, value: &str) -> Json {
    json!({ "key": key, "value": value })
}

/// A script run on `listen`, as Postman stores it: one string per line.
fn event(listen: &str, script: &str) -> Json {
    let exec: Vec<&str> = script.lines().collect();
    json!({ "listen": listen, "script": { "type": "text/javascript", "exec": exec } })
}

/// The reason phrase of a status code.
fn reason(code: u16) -> &'static str {
    let status = http::StatusCode::from_u16(code).ok();
    status.and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// `v` without `null` members: the parts a request or folder may lack are
/// `None` until here, and Postman expects them left out.
fn without_nulls(v: Json) -> Json {
    match v {
        Json::Object(o) => {
            let kept = o.into_iter().filter(|(_, v)| !v.is_null());
            Json::Object(kept.map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Json::Array(a) => Json::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The collection generated from the real document: every operation is
    /// there with the document's example as its body, every response
    /// example is saved, and every `{{variable}}` it uses is defined.
    #[test]
    fn the_collection_of_the_contract() {
        let text = collection(&Document::load().unwrap()).unwrap();
        let c: Json = serde_json::from_str(&text).unwrap();
        let each = |list: &Json, key: &str| -> Vec<Json> {
            let list = list.as_array().unwrap().iter();
            list.map(|v| v[key].clone()).collect()
        };
        assert_eq!(c["info"]["schema"], SCHEMA);
        let requests: Vec<Json> = each(&c["item"], "item")
            .into_iter()
            .flat_map(|folder| folder.as_array().unwrap().clone())
            .collect();
        let ids = "CreateRecordCallbackConfig ListRecordCallbackConfigs ShowRecordCallbackConfig \
                   UpdateRecordCallbackConfig DeleteRecordCallbackConfig";
        let ids: Vec<&str> = ids.split_whitespace().collect();
        assert_eq!(each(&requests.clone().into(), "id"), ids);
        let create = &requests[0];
        let body: Json =
            serde_json::from_str(create["request"]["body"]["raw"].as_str().unwrap()).unwrap();
        assert_eq!(body["publish_domain"], "push.example.com");
        assert_eq!(body["key"], "0123456789abcdef0123456789abcdef");
        // Every response example of create: 201, two 400s, 401, 403, 429
        // and the two 5XX forms (saved as 500).
        assert_eq!(
            each(&create["response"], "code"),
            [201, 400, 400, 401, 403, 429, 500, 500]
        );
        let tests = create["event"][0]["script"]["exec"].to_string();
        assert!(tests.contains("pm.response.to.have.status(201)"), "{tests}");
        assert!(tests.contains(r#"set(\"config_id\""#), "{tests}");
        assert_eq!(requests[4]["response"][0]["body"], "");
        // What a request does not have is left out, not null.
        assert_eq!(requests[1]["request"].get("body"), None);

        // Every variable used is defined.
        let defined = each(&c["variable"], "key");
        for used in text.split("{{").skip(1) {
            let name = used.split("}}").next().unwrap();
            assert!(defined.contains(&name.into()), "{name} is not defined");
        }
        // The script is embedded line for line.
        let script: Vec<&str> = SIGN_JS.trim_end_matches('\n').split('\n').collect();
        assert_eq!(c["event"][0]["script"]["exec"], json!(script));
    }
}
