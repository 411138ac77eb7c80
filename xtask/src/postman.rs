//! The Postman collection (v2.1) of the operations, generated from the
//! dereferenced document:
//!
//! - one request per operation in the document's order (a collection run
//!   creates, lists, shows, updates and deletes), grouped by tag;
//! - the body is the first request example as it is, never values made up
//!   from patterns; the other examples are in the request's description;
//! - every response example is a saved response;
//! - a pre-request script, `xtask/postman/sign.js` (kept as a file so that
//!   node can test it), signs with `SDK-HMAC-SHA256` when `ak` and `sk` are
//!   set, or sends `X-Auth-Token` when `token` is;
//! - each request's tests check the documented success status, the
//!   `X-request-id` header and the body's schema, and store the ids that the
//!   response's `links` pass on (create's `config_id`).

use anyhow::{bail, Context, Result};
use serde_json::{json, Value as Json};

use crate::document::{entries, is_true, map_schema, seq, str_of, to_json};
use crate::document::{Document, Mapping, Operation, Value};

/// Where the collection is written, relative to the workspace root.
pub const PATH: &str = "openapi/live-record-callbacks.postman_collection.json";

const SIGN_JS: &str = include_str!("../postman/sign.js");

const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
/// What a request with a body declares, as Huawei's SDKs send it.
const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// The collection as pretty-printed JSON.
pub fn collection(source: &Document) -> Result<String> {
    let doc = crate::deref::rendition(source)?;
    let doc = Document { root: doc };
    let mut folders: Vec<Json> = Vec::new();
    for op in doc.operations() {
        let request = operation(&doc, &op)
            .with_context(|| format!("{} {}", op.method.to_uppercase(), op.path))?;
        let name = op.op["tags"][0].as_str().unwrap_or("Operations");
        if let Some(folder) = folders.iter_mut().find(|f| f["name"] == name) {
            folder["item"].as_array_mut().expect("a list").push(request);
            continue;
        }
        let mut folder = json!({ "name": name, "item": [request] });
        let tag = seq(doc.get("tags")).find(|t| str_of(t, "name") == Some(name));
        if let Some(d) = tag.and_then(|t| str_of(t, "description")) {
            folder["description"] = d.into();
        }
        folders.push(folder);
    }
    let info = &doc["info"];
    crate::bundle::json(&json!({
        "info": {
            "name": info["title"].as_str().unwrap_or("API"),
            "version": info["version"].as_str().unwrap_or(""),
            "description": description(&doc),
            "schema": SCHEMA,
        },
        "auth": { "type": "noauth" },
        "event": [{
            "listen": "prerequest",
            "script": { "type": "text/javascript", "exec": lines(SIGN_JS) },
        }],
        "variable": variables(&doc),
        "item": folders,
    }))
}

/// The collection's description: the document's, then how to use it.
fn description(doc: &Value) -> String {
    let about = doc["info"]["description"].as_str().unwrap_or("").trim_end();
    format!(
        "{about}\n\n\
         ## Using this collection\n\n\
         Generated from the OpenAPI document by `cargo xtask bundle`; do not edit.\n\n\
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
    let mut request = json!({
        "method": op.method.to_uppercase(),
        "header": [],
        "url": url(op.path, &doc.parameters(op)),
    });
    let about = str_of(op.op, "description").unwrap_or("").trim_end();
    let mut description = match str_of(op.op, "operationId") {
        Some(id) => format!("`{id}`. {about}"),
        None => about.to_owned(),
    };
    // The body: the first request example; the others are described.
    if let Some(content) = op.op["requestBody"]["content"].as_mapping() {
        let media = content
            .get("application/json")
            .context("a request body that is not application/json")?;
        let examples = examples(media);
        let Some((_, _, first)) = examples.first() else {
            bail!("a request body without an example");
        };
        request["header"] = json!([{ "key": "Content-Type", "value": JSON_UTF8 }]);
        request["body"] = json!({
            "mode": "raw",
            "raw": pretty(first)?,
            "options": { "raw": { "language": "json" } },
        });
        for (name, summary, value) in &examples[1..] {
            description.push_str(&format!(
                "\n\nOther example body, `{name}`{}:\n\n```json\n{}\n```",
                summary.map(|s| format!(" ({s})")).unwrap_or_default(),
                pretty(value)?
            ));
        }
    }
    let (saved, code, success) = responses(op.op, &request)?;
    request["description"] = description.into();
    let mut item = json!({
        "name": str_of(op.op, "summary").or(str_of(op.op, "operationId")).unwrap_or(op.path),
        "request": request,
        "response": saved,
        "event": [{
            "listen": "test",
            "script": { "type": "text/javascript", "exec": tests(code, success)? },
        }],
    });
    if let Some(id) = str_of(op.op, "operationId") {
        item["id"] = id.into();
    }
    Ok(item)
}

/// The request's URL: `{name}` path segments become Postman path variables;
/// query filters are off until the user turns them on, paging is on.
fn url(path: &str, params: &[&Value]) -> Json {
    let segment = |s: &str| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(name) => format!(":{name}"),
        None => s.to_owned(),
    };
    let path = path.trim_start_matches('/');
    let segments: Vec<String> = path.split('/').map(segment).collect();
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
    let mut url = json!({ "raw": raw, "host": ["{{endpoint}}"], "path": segments });
    if !query.is_empty() {
        url["query"] = query.into();
    }
    if !variables.is_empty() {
        url["variable"] = variables.into();
    }
    url
}

/// Every response example of `op` saved as an answer to `request`, and the
/// first success response with its status.
fn responses<'a>(op: &'a Value, request: &Json) -> Result<(Vec<Json>, u16, &'a Value)> {
    let mut saved = Vec::new();
    let mut success = None;
    for (status, response) in entries(op.get("responses")) {
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
        let media = response["content"].get("application/json");
        let content_type =
            media.map(|_| json!({ "key": "Content-Type", "value": "application/json" }));
        let request_id = entries(response.get("headers"))
            .find(|(k, _)| k.eq_ignore_ascii_case("x-request-id"))
            .and_then(|(k, h)| Some(json!({ "key": k, "value": str_of(h, "example")? })));
        let header: Vec<Json> = content_type.into_iter().chain(request_id).collect();
        let reason = reason(code);
        let mut add = |label: String, body: String, language: &str| {
            saved.push(json!({
                "name": label,
                "originalRequest": request,
                "status": reason,
                "code": code,
                "_postman_previewlanguage": language,
                "header": header,
                "body": body,
            }));
        };
        let Some(media) = media else {
            add(format!("{code} {reason}"), String::new(), "text");
            continue;
        };
        let examples = examples(media);
        if examples.is_empty() {
            bail!("response {code} has no example");
        }
        for (name, summary, value) in examples {
            let label = format!("{code} {}", summary.unwrap_or(name));
            add(label, pretty(value)?, "json");
        }
    }
    let Some((code, response)) = success else {
        bail!("no success response");
    };
    Ok((saved, code, response))
}

/// The tests of a request: the documented success status, the request id,
/// the body's schema, and the ids that the response's links pass on.
fn tests(code: u16, response: &Value) -> Result<Vec<String>> {
    let mut out = lines(&format!(
        r#"pm.test("status is {code} {}, as documented", function () {{
    pm.response.to.have.status({code});
}});
pm.test("X-request-id is set", function () {{
    pm.expect(pm.response.headers.get("X-request-id")).to.be.a("string").that.is.not.empty;
}});"#,
        reason(code)
    ));
    if let Some(schema) = response["content"]["application/json"].get("schema") {
        let name = schema["title"].as_str().unwrap_or("the success schema");
        let schema = serde_json::to_string(&json_schema(schema)).context("writing a schema")?;
        out.extend(lines(&format!(
            r#"pm.test("the body matches {name}", function () {{
    pm.response.to.have.jsonSchema({schema}, {{ strict: false }});
}});"#
        )));
    }
    let links = entries(response.get("links")).flat_map(|(_, l)| entries(l.get("parameters")));
    for (param, expr) in links {
        if let Some(field) = expr
            .as_str()
            .and_then(|e| e.strip_prefix("$response.body#/"))
        {
            let line = format!(
                "if (pm.response.code === {code}) {{ pm.collectionVariables.set(\"{}\", pm.response.json()[\"{field}\"]); }}",
                variable_for(param)
            );
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    Ok(out)
}

/// A 3.0 schema (dereferenced) as plain JSON Schema for Postman's
/// `jsonSchema` assertion (ajv): `nullable` becomes a `null` type, and
/// descriptions, examples, extensions and the OpenAPI-only keywords are left
/// out. (`crate::dialect` translates for validating examples: it closes
/// objects and keeps descriptions and OpenAPI formats, which this must not.)
fn json_schema(schema: &Value) -> Value {
    map_schema(schema, &|m| {
        let nullable = m.get("nullable").and_then(Value::as_bool) == Some(true);
        let mut out = Mapping::new();
        for (k, v) in m {
            let v = match (k.as_str().unwrap_or(""), v) {
                ("example" | "nullable" | "discriminator" | "xml" | "externalDocs", _)
                | ("description", _) => continue,
                (key, _) if key.starts_with("x-") => continue,
                ("type", _) if nullable => Value::Sequence(vec![v.clone(), "null".into()]),
                // ajv refuses a schema with one of OpenAPI's own formats
                // (int32, password, ...).
                ("format", _) if !JSON_SCHEMA_FORMATS.split(' ').any(|f| v == f) => continue,
                _ => v.clone(),
            };
            out.insert(k.clone(), v);
        }
        Value::Mapping(out)
    })
}

/// The formats that JSON Schema defines and ajv knows.
const JSON_SCHEMA_FORMATS: &str =
    "date time date-time uri uri-reference email hostname ipv4 ipv6 uuid regex";

/// A media type's examples, in order: (name, summary, value).
fn examples(media: &Value) -> Vec<(&str, Option<&str>, &Value)> {
    if let Some(named) = media.get("examples") {
        let with_value = entries(Some(named)).filter_map(|(name, example)| {
            Some((name, str_of(example, "summary"), example.get("value")?))
        });
        return with_value.collect();
    }
    let example = media.get("example").or(media["schema"].get("example"));
    Vec::from_iter(example.map(|value| ("example", None, value)))
}

/// A value as pretty JSON, keys in the document's order.
fn pretty(v: &Value) -> Result<String> {
    serde_json::to_string_pretty(v).context("writing an example as JSON")
}

/// A script as Postman stores it: one string per line.
fn lines(script: &str) -> Vec<String> {
    script.lines().map(str::to_owned).collect()
}

/// The reason phrase of a status code.
fn reason(code: u16) -> &'static str {
    let status = http::StatusCode::from_u16(code).ok();
    status.and_then(|s| s.canonical_reason()).unwrap_or("")
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
