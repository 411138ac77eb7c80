//! The contract as `proxy` and `verify --audit` hold traffic to it: the
//! published OpenAPI 3.1 rendition of the document (its schemas are JSON
//! Schema 2020-12, so the `jsonschema` crate validates against them as they
//! are), built into the binary or read from `--contract`.
//!
//! Two kinds of finding come out:
//! - what breaks the contract: an undeclared status, a body that fails its
//!   schema, a missing required header, a request the contract refuses
//!   (strict on requests), a field a request may not carry;
//! - what the contract allows but does not name (tolerant on what the
//!   service sends): a field the schema does not list, a value of an open
//!   enum (`x-extensible-enum`) it does not know, an absent field whose
//!   absence the document reads as its `default`, an error code the
//!   response's `x-error-codes` does not list.
//!
//! Every finding carries a JSON pointer into the exchange's report line
//! (`/response/body/...`, `/response/request_id`, `/request/query/limit`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

/// The published 3.1 rendition, as `cargo xtask bundle` wrote it.
const BUILT_IN: &str = include_str!("../live-record-callbacks.3.1.json");

/// The schema every notification is read with.
const NOTIFICATION: &str = "#/components/schemas/RecordNotificationBody";
/// The schema whose discriminator names each known event's schema.
const KNOWN_EVENTS: &str = "#/components/schemas/RecordNotification";

/// One departure from the contract.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// Where, as a JSON pointer into the report line.
    pub pointer: String,
    /// What kind: a JSON Schema keyword (`required`, `type`, ...) or one of
    /// `status`, `header`, `body`, `unknown-field`, `open-enum`,
    /// `absent-default`, `error-code`, `operation`.
    pub rule: String,
    /// Whether it breaks the contract (a CI run fails on it).
    pub breaks: bool,
    /// What is wrong or unnamed, in words (never a secret: keys and
    /// signatures are not quoted).
    pub message: String,
}

impl Finding {
    fn new(pointer: String, rule: &str, breaks: bool, message: String) -> Self {
        let rule = rule.to_owned();
        Self {
            pointer,
            rule,
            breaks,
            message,
        }
    }
}

/// Which side sent a value: requests are held strictly, what the service
/// sends tolerantly.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Service,
}

/// A schema of the document with its compiled validator.
struct Schema {
    schema: Json,
    validator: jsonschema::Validator,
}

struct Response {
    /// The response object, `$ref` resolved.
    object: Json,
    body: Option<Schema>,
    /// Headers with `required: true`, lowercase.
    required_headers: Vec<String>,
}

struct Operation {
    id: String,
    method: String,
    segments: Vec<String>,
    path: Vec<(String, Schema)>,
    query: Vec<(String, Schema)>,
    body: Option<Schema>,
    /// By status key as written (`201`, `4XX`, `default`).
    responses: BTreeMap<String, Response>,
}

/// The operation an exchange belongs to, once matched.
pub struct Matched<'c> {
    op: &'c Operation,
}

impl Matched<'_> {
    /// The operation's `operationId`.
    pub fn id(&self) -> &str {
        &self.op.id
    }

    /// The path parameters of `path` (decoded), by the operation's template.
    pub fn path_params(&self, path: &str) -> Vec<(String, String)> {
        let pairs = self.op.segments.iter().zip(path.split('/'));
        pairs
            .filter(|(t, _)| t.starts_with('{') && t.ends_with('}'))
            .map(|(t, s)| (t[1..t.len() - 1].to_owned(), percent_decode(s)))
            .collect()
    }
}

/// The document's operations, responses and notification schemas, compiled
/// once for validating many exchanges.
pub struct Contract {
    doc: Json,
    operations: Vec<Operation>,
    notification: Schema,
    /// A known event's own schema, by `event_type`: validating with it
    /// points at the field that is wrong, not at the `anyOf`.
    events: BTreeMap<String, Schema>,
}

impl Contract {
    /// The rendition built into the binary.
    pub fn built_in() -> Result<Self, String> {
        Self::from_text(BUILT_IN, "the built-in contract")
    }

    /// A rendition read from a file (`--contract`).
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--contract {}: {e}", path.display()))?;
        Self::from_text(&text, &format!("--contract {}", path.display()))
    }

    fn from_text(text: &str, label: &str) -> Result<Self, String> {
        let doc: Json =
            serde_json::from_str(text).map_err(|e| format!("{label} is not JSON: {e}"))?;
        if !doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
        {
            return Err(format!(
                "{label} is not the OpenAPI 3.1 rendition (openapi/published/live-record-callbacks.3.1.json)"
            ));
        }
        let mut contract = Contract {
            notification: compile(&doc, &json!({ "$ref": NOTIFICATION }))
                .map_err(|e| format!("{label}: {e}"))?,
            operations: Vec::new(),
            events: BTreeMap::new(),
            doc,
        };
        let mapping = contract
            .pointer(KNOWN_EVENTS)
            .map(|s| s["discriminator"]["mapping"].clone())
            .unwrap_or_default();
        for (event, target) in mapping.as_object().into_iter().flatten() {
            let schema = compile(&contract.doc, &json!({ "$ref": target }))
                .map_err(|e| format!("{label}: {e}"))?;
            contract.events.insert(event.clone(), schema);
        }
        contract.operations = contract
            .collect_operations()
            .map_err(|e| format!("{label}: {e}"))?;
        Ok(contract)
    }

    fn collect_operations(&self) -> Result<Vec<Operation>, String> {
        let mut out = Vec::new();
        let paths = self.doc["paths"].as_object().into_iter().flatten();
        for (path, item) in paths {
            let item = self.resolve(item);
            for method in ["get", "put", "post", "delete", "patch"] {
                let Some(op) = item.get(method) else { continue };
                let params = item["parameters"].as_array().into_iter().flatten();
                let own = op["parameters"].as_array().into_iter().flatten();
                let (mut path_params, mut query) = (Vec::new(), Vec::new());
                for p in params.chain(own).map(|p| self.resolve(p)) {
                    let name = p["name"].as_str().unwrap_or_default().to_owned();
                    match p["in"].as_str() {
                        Some("query") => query.push((name, compile(&self.doc, &p["schema"])?)),
                        Some("path") => path_params.push((name, compile(&self.doc, &p["schema"])?)),
                        _ => {}
                    }
                }
                let body = match op.get("requestBody").map(|b| self.resolve(b)) {
                    Some(b) => Some(compile(
                        &self.doc,
                        &b["content"]["application/json"]["schema"],
                    )?),
                    None => None,
                };
                let mut responses = BTreeMap::new();
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    let object = self.resolve(r).clone();
                    let body = match object["content"]["application/json"].get("schema") {
                        Some(s) => Some(compile(&self.doc, s)?),
                        None => None,
                    };
                    let headers = object["headers"].as_object().into_iter().flatten();
                    let required_headers = headers
                        .filter(|(_, h)| self.resolve(h)["required"] == true)
                        .map(|(name, _)| name.to_ascii_lowercase())
                        .collect();
                    let response = Response {
                        object,
                        body,
                        required_headers,
                    };
                    responses.insert(status.clone(), response);
                }
                out.push(Operation {
                    id: op["operationId"].as_str().unwrap_or(path).to_owned(),
                    method: method.to_ascii_uppercase(),
                    segments: path.split('/').map(str::to_owned).collect(),
                    path: path_params,
                    query,
                    body,
                    responses,
                });
            }
        }
        Ok(out)
    }

    /// The operation of `method path`, if the contract has one.
    pub fn operation(&self, method: &str, path: &str) -> Option<Matched<'_>> {
        let segments: Vec<&str> = path.split('/').collect();
        let op = self.operations.iter().find(|op| {
            op.method == method
                && op.segments.len() == segments.len()
                && op.segments.iter().zip(&segments).all(|(t, s)| {
                    t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                })
        })?;
        Some(Matched { op })
    }

    /// What is wrong with a request: its path and query parameters (as
    /// text, read as the schema's type) and its JSON body.
    pub fn check_request(
        &self,
        m: &Matched<'_>,
        params: &[(String, String)],
        query: &[(String, String)],
        body: &[u8],
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for (name, value) in params {
            if let Some((_, schema)) = m.op.path.iter().find(|(n, _)| n == name) {
                let at = format!("/request/params/{}", escape(name));
                let value = Json::String(value.clone());
                out.extend(self.validate(schema, &value, &at, Side::Request));
            }
        }
        for (name, value) in query {
            let at = format!("/request/query/{}", escape(name));
            let Some((_, schema)) = m.op.query.iter().find(|(n, _)| n == name) else {
                let message = format!("{} takes no query parameter {name:?}", m.op.id);
                out.push(Finding::new(at, "unknown-field", true, message));
                continue;
            };
            let typed = self.as_typed(&schema.schema, value);
            out.extend(self.validate(schema, &typed, &at, Side::Request));
        }
        if let Some(schema) = &m.op.body {
            match serde_json::from_slice::<Json>(body) {
                Ok(v) => out.extend(self.validate(schema, &v, "/request/body", Side::Request)),
                Err(e) => out.push(Finding::new(
                    "/request/body".into(),
                    "body",
                    true,
                    format!("{} needs a JSON body: {e}", m.op.id),
                )),
            }
        }
        out
    }

    /// What is wrong with, or unnamed in, an answer.
    pub fn check_response(
        &self,
        m: &Matched<'_>,
        status: u16,
        has_header: &dyn Fn(&str) -> bool,
        body: &[u8],
    ) -> Vec<Finding> {
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        let responses = &m.op.responses;
        let Some(response) = [code.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|k| responses.get(*k))
        else {
            let declared: Vec<&str> = responses.keys().map(String::as_str).collect();
            let message = format!(
                "{} does not declare status {status} (it declares {})",
                m.op.id,
                declared.join(", ")
            );
            return vec![Finding::new(
                "/response/status".into(),
                "status",
                true,
                message,
            )];
        };
        let mut out = Vec::new();
        for name in &response.required_headers {
            if !has_header(name) {
                let message = format!("the {status} answer has no {name} header (the contract requires it on every answer)");
                let at = if name == "x-request-id" {
                    "/response/request_id".to_owned()
                } else {
                    format!("/response/headers/{}", escape(name))
                };
                out.push(Finding::new(at, "header", true, message));
            }
        }
        let Some(schema) = &response.body else {
            return out;
        };
        let at = "/response/body";
        if body.is_empty() {
            // Error bodies may be missing (ServerError says so); a success
            // body may not.
            let breaks = status < 400;
            let message = format!("the {status} answer has no body; the contract declares one");
            out.push(Finding::new(at.into(), "body", breaks, message));
            return out;
        }
        let v: Json = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => {
                let message = format!("the {status} answer's body is not JSON: {e}");
                out.push(Finding::new(at.into(), "body", true, message));
                return out;
            }
        };
        out.extend(self.validate(schema, &v, at, Side::Service));
        if let Some(codes) = response.object["x-error-codes"].as_array() {
            out.extend(error_code(&v, codes, status));
        }
        out
    }

    /// How a notification body departs from the contract.
    pub fn check_notification(&self, body: &Json, at: &str) -> Vec<Finding> {
        let event = body["event_type"].as_str().unwrap_or_default();
        let schema = self.events.get(event).unwrap_or(&self.notification);
        self.validate(schema, body, at, Side::Service)
    }

    /// Schema errors (they break the contract), then what it leaves
    /// unnamed.
    fn validate(&self, schema: &Schema, v: &Json, at: &str, side: Side) -> Vec<Finding> {
        let mut out: Vec<Finding> = schema
            .validator
            .iter_errors(v)
            .map(|e| {
                let mut pointer = format!("{at}{}", e.instance_path());
                if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind() {
                    pointer = format!("{pointer}/{}", escape(property.as_str().unwrap_or("")));
                }
                let keyword = e.kind().keyword().to_owned();
                Finding {
                    pointer,
                    rule: keyword,
                    breaks: true,
                    message: e.to_string(),
                }
            })
            .collect();
        // A oneOf that fails reports once at its own place; the rest of
        // the walk would only repeat it.
        let failed: Vec<String> = out.iter().map(|f| f.pointer.clone()).collect();
        let mut notes = Vec::new();
        self.walk(&schema.schema, v, at, side, &mut notes, 0);
        notes.retain(|n| !failed.contains(&n.pointer));
        out.extend(notes);
        out
    }

    /// What the contract allows but does not name, at `v` and below it.
    fn walk(
        &self,
        schema: &Json,
        v: &Json,
        at: &str,
        side: Side,
        out: &mut Vec<Finding>,
        depth: u8,
    ) {
        if depth > 32 {
            return;
        }
        let s = self.resolve(schema);
        if let Some(target) = self.discriminated(s, v) {
            return self.walk(target, v, at, side, out, depth + 1);
        }
        for key in ["oneOf", "anyOf"] {
            let branches = s[key].as_array().into_iter().flatten();
            if let Some(b) = branches.into_iter().find(|b| self.fits(b, v, 0)) {
                self.walk(b, v, at, side, out, depth + 1);
            }
        }
        match v {
            Json::Object(fields) => {
                let properties = self.properties(s);
                if properties.is_empty() {
                    return;
                }
                for (name, value) in fields {
                    let here = format!("{at}/{}", escape(name));
                    match properties.get(name.as_str()) {
                        Some(p) => self.walk(p, value, &here, side, out, depth + 1),
                        None if s.get("additionalProperties").is_none() => {
                            let message = match side {
                                Side::Request => format!("{name:?} is not a field the contract lists here; the request may not carry it"),
                                Side::Service => format!("{name:?} is not a field the contract lists here (allowed: read tolerantly)"),
                            };
                            out.push(Finding::new(
                                here,
                                "unknown-field",
                                side == Side::Request,
                                message,
                            ));
                        }
                        None => {}
                    }
                }
                if side == Side::Service {
                    for (name, p) in &properties {
                        let default = self.resolve(p).get("default");
                        if let (false, Some(d)) = (fields.contains_key(*name), default) {
                            let message = format!(
                                "{name:?} is absent; the contract reads its absence as {d}"
                            );
                            out.push(Finding::new(
                                format!("{at}/{}", escape(name)),
                                "absent-default",
                                false,
                                message,
                            ));
                        }
                    }
                }
            }
            Json::Array(items) => {
                if let Some(item) = s.get("items") {
                    for (i, value) in items.iter().enumerate() {
                        self.walk(item, value, &format!("{at}/{i}"), side, out, depth + 1);
                    }
                }
            }
            Json::String(text) => {
                if let Some(known) = s["x-extensible-enum"].as_array() {
                    if !known.iter().any(|k| k == text) {
                        let message = format!("{text:?} is not among the values the contract knows ({}); open enum: allowed", list(known));
                        out.push(Finding::new(at.to_owned(), "open-enum", false, message));
                    }
                }
            }
            _ => {}
        }
    }

    /// The schema a discriminator picks for `v`, if `s` has one that
    /// maps `v`'s value.
    fn discriminated<'a>(&'a self, s: &'a Json, v: &Json) -> Option<&'a Json> {
        let d = s.get("discriminator")?;
        let value = v.get(d["propertyName"].as_str()?)?.as_str()?;
        let target = d["mapping"].get(value)?.as_str()?;
        self.pointer(target)
    }

    /// Whether `v` could be an instance of branch `b` of a oneOf/anyOf,
    /// judged by type, enum, const and discriminator (enough to pick the
    /// branch the walk follows; the validator has judged the rest).
    fn fits(&self, b: &Json, v: &Json, depth: u8) -> bool {
        let b = self.resolve(b);
        if depth > 16 {
            return true;
        }
        if let Some(d) = b.get("discriminator") {
            return self.discriminated(b, v).is_some() || d.get("mapping").is_none();
        }
        if let Some(t) = b["type"].as_str() {
            let ok = match v {
                Json::Null => t == "null",
                Json::Bool(_) => t == "boolean",
                Json::Number(n) => t == "number" || (t == "integer" && (n.is_i64() || n.is_u64())),
                Json::String(_) => t == "string",
                Json::Array(_) => t == "array",
                Json::Object(_) => t == "object",
            };
            if !ok {
                return false;
            }
        }
        if let Some(values) = b["enum"].as_array() {
            if !values.contains(v) {
                return false;
            }
        }
        if let (Json::Object(fields), props) = (v, self.properties(b)) {
            for (name, p) in props {
                let p = self.resolve(p);
                if let (Some(values), Some(x)) = (p["enum"].as_array(), fields.get(name)) {
                    if !values.contains(x) {
                        return false;
                    }
                }
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = b[key].as_array() {
                if !branches.iter().any(|x| self.fits(x, v, depth + 1)) {
                    return false;
                }
            }
        }
        true
    }

    /// The properties a schema lists, its `allOf` members' included.
    fn properties<'a>(&'a self, s: &'a Json) -> BTreeMap<&'a str, &'a Json> {
        let mut out: BTreeMap<&str, &Json> = BTreeMap::new();
        for (k, p) in s["properties"].as_object().into_iter().flatten() {
            out.insert(k, p);
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            for (k, p) in self.properties(self.resolve(part)) {
                out.entry(k).or_insert(p);
            }
        }
        out
    }

    /// A query value as the type its schema gives it (`limit=10` is the
    /// integer 10; text that is not one stays text, and fails `type`).
    fn as_typed(&self, schema: &Json, text: &str) -> Json {
        match self.resolve(schema)["type"].as_str() {
            Some("integer") => text.parse::<i64>().map_or_else(|_| text.into(), Json::from),
            _ => Json::String(text.to_owned()),
        }
    }

    fn pointer(&self, reference: &str) -> Option<&Json> {
        let at = reference.strip_prefix('#')?;
        let decoded = percent_decode(at);
        self.doc.pointer(&decoded)
    }

    fn resolve<'a>(&'a self, mut v: &'a Json) -> &'a Json {
        for _ in 0..16 {
            match v["$ref"].as_str().and_then(|r| self.pointer(r)) {
                Some(target) => v = target,
                None => break,
            }
        }
        v
    }
}

/// Compiles `schema` with the document's components beside it, so its
/// `#/components/...` references resolve.
fn compile(doc: &Json, schema: &Json) -> Result<Schema, String> {
    let mut root = match schema {
        Json::Object(m) => m.clone(),
        other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
    };
    root.insert("components".into(), doc["components"].clone());
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&Json::Object(root))
        .map_err(|e| format!("a schema does not compile: {e}"))?;
    Ok(Schema {
        schema: schema.clone(),
        validator,
    })
}

/// The error code of an error body, read as Huawei's SDKs read it, when the
/// response's `x-error-codes` does not list it.
fn error_code(body: &Json, codes: &[Json], status: u16) -> Option<Finding> {
    let (at, code) = ["error_code", "errorCode", "code"]
        .iter()
        .find_map(|k| body.get(*k).map(|c| (format!("/{k}"), c)))
        .or_else(|| {
            body["error"]
                .get("code")
                .map(|c| ("/error/code".to_owned(), c))
        })?;
    let code = match code {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    let listed: Vec<&Json> = codes.iter().map(|c| &c["code"]).collect();
    if listed.iter().any(|c| c.as_str() == Some(code.as_str())) {
        return None;
    }
    let known: Vec<Json> = listed.into_iter().cloned().collect();
    let message = format!(
        "error code {code:?} is not among those the contract lists for status {status} ({})",
        list(&known)
    );
    Some(Finding::new(
        format!("/response/body{at}"),
        "error-code",
        false,
        message,
    ))
}

fn list(values: &[Json]) -> String {
    let texts: Vec<&str> = values.iter().filter_map(Json::as_str).collect();
    texts.join(", ")
}

/// A body for the report: the callback key (a request's, or one a
/// misbehaving service returned) and notification signatures replaced.
pub fn redacted(body: Option<Json>) -> Json {
    fn walk(v: &mut Json) {
        match v {
            Json::Object(fields) => {
                for (k, x) in fields.iter_mut() {
                    if matches!(k.as_str(), "key" | "auth_sign" | "sk" | "secret_key") {
                        *x = Json::String("<redacted>".into());
                    } else {
                        walk(x);
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut body = body.unwrap_or(Json::Null);
    walk(&mut body);
    body
}

/// Escapes one JSON-pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
