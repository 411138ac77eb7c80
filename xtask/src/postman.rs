//! The Postman collection (v2.1) of the five operations,
//! `live-record-callbacks.postman_collection.json`, generated from the
//! dereferenced document:
//!
//! - one request per operation, in the document's order (so a collection
//!   run creates, lists, shows, updates and deletes), grouped by tag;
//! - the request body is the document's first request example, byte for
//!   byte as JSON (never values made up from patterns); the other examples
//!   are listed in the request's description;
//! - every response example is a saved response, with its status and the
//!   documented `X-request-id`;
//! - collection variables `endpoint`, `project_id`, `ak`, `sk`,
//!   `security_token`, `token` and `config_id` (nothing refers to a variable
//!   the collection does not define);
//! - a collection-level pre-request script, `xtask/postman/sign.js`
//!   embedded as it is, signs every request with `SDK-HMAC-SHA256` when
//!   `ak` and `sk` are set, or sends `X-Auth-Token` when `token` is;
//! - each request's tests check the documented success status, the
//!   `X-request-id` header and the body against the success schema; the
//!   create request stores the new config's id in `config_id`, as the
//!   document's `links` say the id feeds the other operations.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value as Json};
use serde_yaml::Value;

/// Where the collection is written, relative to the workspace root.
pub const PATH: &str = "openapi/live-record-callbacks.postman_collection.json";

/// The pre-request script, kept as a file so that node can test it.
const SIGN_JS: &str = include_str!("../postman/sign.js");

const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// What a request with a body declares, as Huawei's SDKs send it.
const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// The collection as pretty-printed JSON.
pub fn collection(source: &Value) -> Result<String> {
    let doc = crate::deref::rendition(source)?;
    let mut folders: Vec<(String, Vec<Json>)> = Vec::new();
    let Some(Value::Mapping(paths)) = doc.get("paths") else {
        bail!("the document has no paths");
    };
    for (path, item) in paths {
        let path = path.as_str().context("a path that is not a string")?;
        for method in item.as_mapping().into_iter().flat_map(|m| m.keys()) {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else {
                continue;
            };
            let op = &item[method];
            let tag = op["tags"][0].as_str().unwrap_or("Operations").to_owned();
            let request = operation(path, method, item, op)
                .with_context(|| format!("{} {path}", method.to_uppercase()))?;
            match folders.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, items)) => items.push(request),
                None => folders.push((tag, vec![request])),
            }
        }
    }
    let tag_description = |name: &str| -> Option<String> {
        doc["tags"]
            .as_sequence()?
            .iter()
            .find(|t| t["name"].as_str() == Some(name))?["description"]
            .as_str()
            .map(str::to_owned)
    };
    let items: Vec<Json> = folders
        .into_iter()
        .map(|(name, items)| {
            let mut folder = json!({ "name": name, "item": items });
            if let Some(d) = tag_description(&name) {
                folder["description"] = d.into();
            }
            folder
        })
        .collect();
    let info = &doc["info"];
    let collection = json!({
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
        "item": items,
    });
    let mut out = serde_json::to_string_pretty(&collection).context("writing the collection")?;
    out.push('\n');
    Ok(out)
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
    let mut endpoint = server["url"].as_str().unwrap_or("").to_owned();
    let mut regions = String::new();
    if let Some(Value::Mapping(vars)) = server.get("variables") {
        for (name, var) in vars {
            let name = name.as_str().unwrap_or("");
            let default = var["default"].as_str().unwrap_or("");
            endpoint = endpoint.replace(&format!("{{{name}}}"), default);
            if let Some(values) = var["enum"].as_sequence() {
                let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
                regions = format!(" (`{name}`: {})", values.join(", "));
            }
        }
    }
    let config_id = doc["paths"]
        .as_mapping()
        .into_iter()
        .flat_map(|p| p.values())
        .flat_map(|item| item["parameters"].as_sequence().into_iter().flatten())
        .find(|p| p["name"].as_str() == Some("id"))
        .and_then(|p| p["example"].as_str())
        .unwrap_or("")
        .to_owned();
    let var = |key: &str, value: &str, description: String| json!({ "key": key, "value": value, "type": "string", "description": description });
    vec![
        var(
            "endpoint",
            &endpoint,
            format!(
                "The Live endpoint: {}{regions}, or an emulator's base URL.",
                server["url"].as_str().unwrap_or("")
            ),
        ),
        var(
            "project_id",
            "",
            "The project that owns the configs (path parameter `project_id`; also sent as `X-Project-Id` when signing).".into(),
        ),
        var(
            "ak",
            "",
            "Access key id; with `sk`, requests are signed (SDK-HMAC-SHA256).".into(),
        ),
        var(
            "sk",
            "",
            "Secret access key: set it as the current value only. Never sent, only used to sign.".into(),
        ),
        var(
            "security_token",
            "",
            "With temporary AK/SK credentials: their security token, sent and signed as `X-Security-Token`.".into(),
        ),
        var(
            "token",
            "",
            "An IAM token, sent as `X-Auth-Token` when `ak` and `sk` are not set.".into(),
        ),
        var(
            "config_id",
            &config_id,
            "The config that Show, Replace and Delete act on; Create's test script sets it to the created config's id.".into(),
        ),
    ]
}

/// The collection variable a path parameter takes its value from.
fn variable_for(param: &str) -> String {
    match param {
        "id" => "config_id".into(),
        other => other.into(),
    }
}

/// One request, with its saved responses and tests.
fn operation(path: &str, method: &str, item: &Value, op: &Value) -> Result<Json> {
    let name = op["summary"]
        .as_str()
        .or(op["operationId"].as_str())
        .unwrap_or(path);
    let mut params: Vec<&Value> = Vec::new();
    for p in item["parameters"]
        .as_sequence()
        .into_iter()
        .flatten()
        .chain(op["parameters"].as_sequence().into_iter().flatten())
    {
        params.retain(|q| !(q["name"] == p["name"] && q["in"] == p["in"]));
        params.push(p);
    }
    // The URL: `{name}` path segments become Postman path variables.
    let mut segments = Vec::new();
    for segment in path.trim_start_matches('/').split('/') {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => segments.push(format!(":{name}")),
            None => segments.push(segment.to_owned()),
        }
    }
    let path_variables: Vec<Json> = params
        .iter()
        .filter(|p| p["in"].as_str() == Some("path"))
        .map(|p| {
            let name = p["name"].as_str().unwrap_or("");
            json!({
                "key": name,
                "value": format!("{{{{{}}}}}", variable_for(name)),
                "description": p["description"].as_str().unwrap_or(""),
            })
        })
        .collect();
    let query: Vec<Json> = params
        .iter()
        .filter(|p| p["in"].as_str() == Some("query"))
        .map(|p| {
            let value = match &p["example"] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            };
            let name = p["name"].as_str().unwrap_or("");
            // Filters are off until the user turns them on; paging is on.
            let filter = p["schema"]["default"].is_null() && p["required"].as_bool() != Some(true);
            json!({
                "key": name,
                "value": value,
                "description": p["description"].as_str().unwrap_or(""),
                "disabled": filter,
            })
        })
        .collect();
    let enabled: Vec<String> = query
        .iter()
        .filter(|q| q["disabled"] != Json::Bool(true))
        .map(|q| {
            format!(
                "{}={}",
                q["key"].as_str().unwrap_or(""),
                q["value"].as_str().unwrap_or("")
            )
        })
        .collect();
    let mut raw = format!("{{{{endpoint}}}}/{}", segments.join("/"));
    if !enabled.is_empty() {
        raw = format!("{raw}?{}", enabled.join("&"));
    }
    let mut url = json!({ "raw": raw, "host": ["{{endpoint}}"], "path": segments });
    if !query.is_empty() {
        url["query"] = Json::Array(query);
    }
    if !path_variables.is_empty() {
        url["variable"] = Json::Array(path_variables);
    }

    // The body: the first request example; the others are described.
    let mut headers = Vec::new();
    let mut body = None;
    let mut other_examples = String::new();
    if let Some(content) = op["requestBody"]["content"].as_mapping() {
        let Some(media) = content.get("application/json") else {
            bail!("a request body that is not application/json");
        };
        let examples = examples(media);
        let Some((_, _, first)) = examples.first() else {
            bail!("a request body without an example");
        };
        body = Some(json!({
            "mode": "raw",
            "raw": pretty(first)?,
            "options": { "raw": { "language": "json" } },
        }));
        headers.push(json!({ "key": "Content-Type", "value": JSON_UTF8 }));
        for (name, summary, value) in examples.iter().skip(1) {
            other_examples.push_str(&format!(
                "\n\nOther example body, `{name}`{}:\n\n```json\n{}\n```",
                summary.map(|s| format!(" ({s})")).unwrap_or_default(),
                pretty(value)?
            ));
        }
    }
    let mut request = json!({
        "method": method.to_uppercase(),
        "header": headers,
        "url": url,
    });
    if let Some(body) = body {
        request["body"] = body;
    }
    let original = request.clone();
    let mut description = op["description"]
        .as_str()
        .unwrap_or("")
        .trim_end()
        .to_owned();
    if let Some(id) = op["operationId"].as_str() {
        description = format!("`{id}`. {description}");
    }
    description.push_str(&other_examples);
    request["description"] = description.into();

    let mut saved = Vec::new();
    let mut success = None;
    let Some(responses) = op["responses"].as_mapping() else {
        bail!("no responses");
    };
    for (status, response) in responses {
        let status = match status {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if success.is_none() && (200..300).contains(&code) {
            success = Some((code, response));
        }
        let request_id = response["headers"]
            .as_mapping()
            .into_iter()
            .flatten()
            .find(|(k, _)| {
                k.as_str()
                    .is_some_and(|k| k.eq_ignore_ascii_case("x-request-id"))
            })
            .and_then(|(k, h)| Some((k.as_str()?, h["example"].as_str()?)));
        let mut header = Vec::new();
        let media = response["content"].get("application/json");
        if media.is_some() {
            header.push(json!({ "key": "Content-Type", "value": "application/json" }));
        }
        if let Some((name, value)) = request_id {
            header.push(json!({ "key": name, "value": value }));
        }
        let reason = reason(code);
        let mut add = |label: String, body: String, language: &str| {
            saved.push(json!({
                "name": label,
                "originalRequest": original,
                "status": reason,
                "code": code,
                "_postman_previewlanguage": language,
                "header": header,
                "body": body,
            }));
        };
        match media {
            Some(media) => {
                let examples = examples(media);
                if examples.is_empty() {
                    bail!("response {code} has no example");
                }
                for (name, summary, value) in examples {
                    add(
                        format!("{code} {}", summary.unwrap_or(&name)),
                        pretty(value)?,
                        "json",
                    );
                }
            }
            None => add(format!("{code} {reason}"), String::new(), "text"),
        }
    }
    let Some((code, response)) = success else {
        bail!("no success response");
    };
    let mut item = json!({
        "name": name,
        "request": request,
        "response": saved,
        "event": [{
            "listen": "test",
            "script": { "type": "text/javascript", "exec": tests(code, response)? },
        }],
    });
    if let Some(id) = op["operationId"].as_str() {
        item["id"] = id.into();
    }
    Ok(item)
}

/// The tests of a request: the documented success status, the request id,
/// the body's schema, and the ids that the response's links pass on.
fn tests(code: u16, response: &Value) -> Result<Vec<String>> {
    let mut out = vec![
        format!(
            "pm.test(\"status is {code} {}, as documented\", function () {{",
            reason(code)
        ),
        format!("    pm.response.to.have.status({code});"),
        "});".to_owned(),
        "pm.test(\"X-request-id is set\", function () {".to_owned(),
        "    pm.expect(pm.response.headers.get(\"X-request-id\")).to.be.a(\"string\").that.is.not.empty;"
            .to_owned(),
        "});".to_owned(),
    ];
    if let Some(schema) = response["content"]["application/json"].get("schema") {
        let name = schema["title"].as_str().unwrap_or("the success schema");
        out.push(format!(
            "pm.test(\"the body matches {name}\", function () {{"
        ));
        out.push(format!(
            "    pm.response.to.have.jsonSchema({}, {{ strict: false }});",
            serde_json::to_string(&json_schema(schema)).context("writing a schema")?
        ));
        out.push("});".to_owned());
    }
    for link in response["links"]
        .as_mapping()
        .into_iter()
        .flat_map(|l| l.values())
    {
        for (param, expr) in link["parameters"].as_mapping().into_iter().flatten() {
            let (Some(param), Some(field)) = (
                param.as_str(),
                expr.as_str()
                    .and_then(|e| e.strip_prefix("$response.body#/")),
            ) else {
                continue;
            };
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

/// A 3.0 schema as plain JSON Schema for Postman's `jsonSchema` assertion
/// (ajv): `nullable` becomes a `null` type, and descriptions, examples,
/// extensions and the OpenAPI-only keywords are left out.
fn json_schema(v: &Value) -> Value {
    match v {
        Value::Mapping(m) => {
            let nullable = m.get("nullable").and_then(Value::as_bool) == Some(true);
            let mut out = serde_yaml::Mapping::new();
            for (k, v) in m {
                let key = k.as_str().unwrap_or("");
                match key {
                    "example" | "nullable" | "discriminator" | "xml" | "externalDocs"
                    | "description" => {}
                    k if k.starts_with("x-") => {}
                    "properties" => {
                        let props = v
                            .as_mapping()
                            .into_iter()
                            .flatten()
                            .map(|(n, s)| (n.clone(), json_schema(s)))
                            .collect();
                        out.insert(k.clone(), Value::Mapping(props));
                    }
                    "type" if nullable => {
                        out.insert(k.clone(), Value::Sequence(vec![v.clone(), "null".into()]));
                    }
                    "default" | "enum" | "const" => {
                        out.insert(k.clone(), v.clone());
                    }
                    // OpenAPI's own formats (int32, password, ...) are
                    // unknown to ajv, which refuses a schema that uses one.
                    "format" if !v.as_str().is_some_and(|f| JSON_SCHEMA_FORMATS.contains(&f)) => {}
                    _ => {
                        out.insert(k.clone(), json_schema(v));
                    }
                }
            }
            Value::Mapping(out)
        }
        Value::Sequence(s) => Value::Sequence(s.iter().map(json_schema).collect()),
        other => other.clone(),
    }
}

/// The formats that JSON Schema defines and ajv knows.
const JSON_SCHEMA_FORMATS: [&str; 11] = [
    "date",
    "time",
    "date-time",
    "uri",
    "uri-reference",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
    "regex",
];

/// A media type's examples, in order: (name, summary, value).
fn examples(media: &Value) -> Vec<(String, Option<&str>, &Value)> {
    let mut out = Vec::new();
    if let Some(Value::Mapping(named)) = media.get("examples") {
        for (name, example) in named {
            if let Some(value) = example.get("value") {
                out.push((
                    name.as_str().unwrap_or("").to_owned(),
                    example["summary"].as_str(),
                    value,
                ));
            }
        }
    } else if let Some(value) = media.get("example") {
        out.push(("example".to_owned(), None, value));
    } else if let Some(value) = media["schema"].get("example") {
        out.push(("example".to_owned(), None, value));
    }
    out
}

/// A value as pretty JSON, keys in the document's order.
fn pretty(v: &Value) -> Result<String> {
    serde_json::to_string_pretty(v).context("writing an example as JSON")
}

/// A script as Postman stores it: one string per line.
fn lines(script: &str) -> Vec<String> {
    script.lines().map(str::to_owned).collect()
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
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
        let source = crate::document::Document::load().unwrap();
        let text = collection(&source).unwrap();
        let c: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(c["info"]["schema"], SCHEMA);
        let requests: Vec<&Json> = c["item"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["item"].as_array().unwrap())
            .collect();
        let ids: Vec<&str> = requests.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "CreateRecordCallbackConfig",
                "ListRecordCallbackConfigs",
                "ShowRecordCallbackConfig",
                "UpdateRecordCallbackConfig",
                "DeleteRecordCallbackConfig"
            ]
        );
        let create = requests[0];
        let body: Json =
            serde_json::from_str(create["request"]["body"]["raw"].as_str().unwrap()).unwrap();
        assert_eq!(body["publish_domain"], "push.example.com");
        assert_eq!(body["key"], "0123456789abcdef0123456789abcdef");
        // Every response example of create: 201, two 400s, 401, 403, 429
        // (not the 5XX range, which a saved response's code cannot hold).
        let codes: Vec<u64> = create["response"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_u64().unwrap())
            .collect();
        assert_eq!(codes, [201, 400, 400, 401, 403, 429]);
        let tests = create["event"][0]["script"]["exec"].to_string();
        assert!(tests.contains("pm.response.to.have.status(201)"), "{tests}");
        assert!(
            tests.contains("collectionVariables.set(\\\"config_id\\\""),
            "{tests}"
        );
        assert!(requests[4]["response"][0]["body"] == "");

        // Every variable used is defined.
        let defined: Vec<&str> = c["variable"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["key"].as_str().unwrap())
            .collect();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("{{") {
            let end = rest[start..].find("}}").unwrap() + start;
            let name = &rest[start + 2..end];
            assert!(defined.contains(&name), "{{{{{name}}}}} is not defined");
            rest = &rest[end..];
        }
        // The script is embedded line for line.
        let script: Vec<&str> = c["event"][0]["script"]["exec"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(script.join("\n"), SIGN_JS.trim_end_matches('\n'));
    }
}
