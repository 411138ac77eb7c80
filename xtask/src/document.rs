//! The one model of the contract that every command works on: the document
//! as YAML (its mappings keep the source's order), with local `$ref`s
//! resolved, JSON pointers escaped and decoded, operations and parameters
//! listed, `allOf` merged, and a walk over every place that holds a schema.
//! Instance data (example values) is `serde_json::Value` ([`to_json`]).

use std::ops::Deref;

use anyhow::{Context, Result};
pub use serde_yaml::{Mapping, Value};

use crate::SPEC;

/// The HTTP methods a path item may hold, in OpenAPI's order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Which side of the exchange a value stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Sent by the client (requests, their parameters).
    Request,
    /// Sent by the service (responses, their headers, notifications).
    Response,
    /// A schema's own example: neither side's rules apply.
    Neutral,
}

/// A loaded OpenAPI document.
pub struct Document {
    pub root: Value,
}

impl Deref for Document {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.root
    }
}

/// One operation: where it is and the path item that holds it.
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub op: &'a Value,
    pub item: &'a Value,
}

impl Operation<'_> {
    /// The operationId, or `METHOD /path` when it has none.
    pub fn id(&self) -> String {
        str_of(self.op, "operationId")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {}", self.method.to_uppercase(), self.path))
    }
}

impl Document {
    /// The contract itself, from the workspace.
    pub fn load() -> Result<Document> {
        let text = std::fs::read_to_string(crate::root().join(SPEC))
            .with_context(|| format!("reading {SPEC}"))?;
        Document::parse(&text, SPEC)
    }

    pub fn parse(text: &str, label: &str) -> Result<Document> {
        let root = serde_yaml::from_str(text).with_context(|| format!("{label} is not YAML"))?;
        Ok(Document { root })
    }

    /// The same document read as typed OpenAPI 3.0 (progenitor's view).
    pub fn openapi(&self) -> Result<openapiv3::OpenAPI> {
        crate::progenitor_rules::parse_value(self.root.clone())
            .map_err(anyhow::Error::msg)
            .context("the document does not parse as an OpenAPI 3.0 document")
    }

    /// The value at a JSON pointer (`/a/b`, `#/a/b` or `a/b`, percent-encoded
    /// as in a `$ref` or not).
    pub fn pointer(&self, at: &str) -> Option<&Value> {
        pointer(&self.root, at)
    }

    /// Follows local `$ref`s to the end of the chain.
    pub fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        self.located(v, String::new()).0
    }

    /// A value and the JSON pointer of where it is defined: `at` itself, or
    /// the target of its `$ref` chain.
    pub fn located<'a>(&'a self, v: &'a Value, at: String) -> (&'a Value, String) {
        let (mut v, mut at) = (v, at);
        for _ in 0..16 {
            let Some(r) = str_of(v, "$ref").and_then(|r| r.strip_prefix('#')) else {
                break;
            };
            let Some(target) = self.pointer(r) else { break };
            v = target;
            at = percent_decode(r);
        }
        (v, at)
    }

    /// A component schema by name.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.get("components")?.get("schemas")?.get(name)
    }

    /// Every operation under `paths`, in the document's order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        let mut out = Vec::new();
        for (path, item) in entries(self.get("paths")) {
            let item = self.resolve(item);
            for (method, op) in entries(Some(item)) {
                if METHODS.contains(&method) {
                    out.push(Operation {
                        path,
                        method,
                        op,
                        item,
                    });
                }
            }
        }
        out
    }

    /// An operation's parameters, resolved, path-level ones first; an
    /// operation-level one replaces the path-level one of the same name and
    /// place.
    pub fn parameters<'a>(&'a self, op: &Operation<'a>) -> Vec<&'a Value> {
        let mut out: Vec<&Value> = Vec::new();
        for p in seq(op.item.get("parameters")).chain(seq(op.op.get("parameters"))) {
            let p = self.resolve(p);
            let key = |p: &'a Value| (str_of(p, "in"), str_of(p, "name"));
            out.retain(|q| key(q) != key(p));
            out.push(p);
        }
        out
    }

    /// The schema with `$ref`s followed and `allOf` members merged in
    /// (properties and `required` united, the first value of any other
    /// keyword kept).
    pub fn merged(&self, schema: &Value) -> Mapping {
        self.merged_depth(schema, 0)
    }

    fn merged_depth(&self, schema: &Value, depth: usize) -> Mapping {
        let mut out = self
            .resolve(schema)
            .as_mapping()
            .cloned()
            .unwrap_or_default();
        let Some(all) = out.shift_remove("allOf") else {
            return out;
        };
        for part in seq(Some(&all)).filter(|_| depth < 16) {
            for (k, v) in self.merged_depth(part, depth + 1) {
                match (k.as_str(), out.get_mut(&k)) {
                    (Some("properties"), Some(Value::Mapping(mine))) => {
                        for (pk, pv) in v.as_mapping().into_iter().flatten() {
                            mine.entry(pk.clone()).or_insert(pv.clone());
                        }
                    }
                    (Some("required"), Some(Value::Sequence(mine))) => {
                        for r in seq(Some(&v)) {
                            if !mine.contains(r) {
                                mine.push(r.clone());
                            }
                        }
                    }
                    (_, Some(_)) => {}
                    (_, None) => {
                        out.insert(k, v);
                    }
                }
            }
        }
        out
    }

    /// The node that carries `keyword` for `schema`: the schema itself, its
    /// `$ref` target, or the `allOf` member it comes from.
    pub fn carrier<'a>(&'a self, schema: &'a Value, keyword: &str) -> Option<&'a Value> {
        self.find(schema, &|n| n.get(keyword).is_some())
    }

    /// The first node of `schema` (itself or its `$ref` target, then its
    /// `allOf` members, depth first) that `pred` holds for.
    pub fn find<'a>(
        &'a self,
        schema: &'a Value,
        pred: &dyn Fn(&Value) -> bool,
    ) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        if pred(schema) {
            return Some(schema);
        }
        seq(schema.get("allOf")).find_map(|part| self.find(part, pred))
    }

    /// Walks every place of the document that holds a schema, a parameter,
    /// a response or an operation, in the document's order: component
    /// schemas, parameters, headers, request bodies, responses and security
    /// schemes, then the paths with their callbacks. A `$ref` parameter,
    /// response or body is visited where it is defined, not where it is used.
    pub fn walk<'a>(&'a self, v: &mut dyn Visit<'a>) {
        let components = self.get("components");
        let kinds = "schemas parameters headers requestBodies responses securitySchemes";
        for kind in kinds.split_whitespace() {
            for (name, x) in entries(components.and_then(|c| c.get(kind))) {
                let at = format!("/components/{kind}/{}", escape(name));
                match kind {
                    "schemas" => self.walk_schema(v, &at, x),
                    "parameters" => self.walk_parameter(v, &at, x, Side::Request),
                    "headers" => self.walk_parameter(v, &at, x, Side::Response),
                    "requestBodies" => self.walk_content(v, &at, x, Side::Request),
                    "responses" => self.walk_response(v, &at, x),
                    _ => v.security_scheme(&at, x),
                }
            }
        }
        for (path, item) in entries(self.get("paths")) {
            self.walk_path_item(v, &format!("/paths/{}", escape(path)), item);
        }
    }

    fn walk_path_item<'a>(&'a self, v: &mut dyn Visit<'a>, at: &str, item: &'a Value) {
        for (i, p) in seq(item.get("parameters")).enumerate() {
            self.walk_parameter(v, &format!("{at}/parameters/{i}"), p, Side::Request);
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{at}/{method}");
            v.operation(&at, op);
            for (i, p) in seq(op.get("parameters")).enumerate() {
                self.walk_parameter(v, &format!("{at}/parameters/{i}"), p, Side::Request);
            }
            if let Some(body) = op.get("requestBody") {
                self.walk_content(v, &format!("{at}/requestBody"), body, Side::Request);
            }
            for (code, r) in entries(op.get("responses")) {
                self.walk_response(v, &format!("{at}/responses/{}", escape(code)), r);
            }
            for (name, callback) in entries(op.get("callbacks")) {
                for (expr, item) in entries(Some(callback)) {
                    let at = format!("{at}/callbacks/{}/{}", escape(name), escape(expr));
                    self.walk_path_item(v, &at, item);
                }
            }
        }
    }

    fn walk_parameter<'a>(&'a self, v: &mut dyn Visit<'a>, at: &str, p: &'a Value, side: Side) {
        if p.get("$ref").is_some() {
            return;
        }
        v.parameter(at, p, side);
        if let Some(schema) = p.get("schema") {
            self.walk_schema(v, &format!("{at}/schema"), schema);
        }
        self.walk_content(v, at, p, side);
    }

    fn walk_response<'a>(&'a self, v: &mut dyn Visit<'a>, at: &str, r: &'a Value) {
        if r.get("$ref").is_some() {
            return;
        }
        v.response(at, r);
        for (name, h) in entries(r.get("headers")) {
            let at = format!("{at}/headers/{}", escape(name));
            self.walk_parameter(v, &at, h, Side::Response);
        }
        self.walk_content(v, at, r, Side::Response);
    }

    /// The media types under `holder.content` (a `$ref` holder has none).
    fn walk_content<'a>(&'a self, v: &mut dyn Visit<'a>, at: &str, holder: &'a Value, side: Side) {
        for (mt, media) in entries(holder.get("content")) {
            let at = format!("{at}/content/{}", escape(mt));
            v.media(&at, media, side);
            if let Some(schema) = media.get("schema") {
                self.walk_schema(v, &format!("{at}/schema"), schema);
            }
        }
    }

    /// A schema and every schema nested in it.
    fn walk_schema<'a>(&'a self, v: &mut dyn Visit<'a>, at: &str, schema: &'a Value) {
        if schema.is_mapping() {
            v.schema(at, schema);
            for (path, child) in subschemas(schema) {
                self.walk_schema(v, &format!("{at}/{path}"), child);
            }
        }
    }
}

/// The keywords that hold one subschema, a list of them, a map of them.
const ONE: &str =
    "items additionalProperties not additionalItems contains propertyNames if then else";
const LIST: &str = "allOf anyOf oneOf";
const MAP: &str = "properties patternProperties $defs definitions";

/// The schemas directly inside `schema`, with the pointer from it to each
/// (`properties/a`, `items`, `allOf/0`).
pub fn subschemas(schema: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (k, v) in entries(Some(schema)) {
        let holds = |list: &str| list.split_whitespace().any(|w| w == k);
        if holds(ONE) && v.is_mapping() {
            out.push((k.to_owned(), v));
        } else if holds(LIST) {
            out.extend(
                seq(Some(v))
                    .enumerate()
                    .map(|(i, s)| (format!("{k}/{i}"), s)),
            );
        } else if holds(MAP) {
            out.extend(entries(Some(v)).map(|(n, s)| (format!("{k}/{}", escape(n)), s)));
        }
    }
    out
}

/// `schema` rewritten by `f`, the schemas inside it first: `f` gets each
/// schema object with its subschemas already rewritten.
pub fn map_schema(schema: &Value, f: &dyn Fn(&Mapping) -> Value) -> Value {
    let mut out = schema.clone();
    for (at, child) in subschemas(schema) {
        let slot = at.split('/').try_fold(&mut out, |v, token| match v {
            Value::Mapping(m) => m.get_mut(unescape(token).as_str()),
            Value::Sequence(s) => s.get_mut(token.parse::<usize>().ok()?),
            _ => None,
        });
        *slot.expect("a subschema's pointer leads to it") = map_schema(child, f);
    }
    match &out {
        Value::Mapping(m) => f(m),
        _ => out,
    }
}

/// What [`Document::walk`] reports; every method has a default that does
/// nothing. `at` is the JSON pointer of the value.
pub trait Visit<'a> {
    /// An operation, those of callbacks included.
    fn operation(&mut self, _at: &str, _op: &'a Value) {}
    /// A parameter or a header (not a `$ref`).
    fn parameter(&mut self, _at: &str, _p: &'a Value, _side: Side) {}
    /// A response (not a `$ref`).
    fn response(&mut self, _at: &str, _r: &'a Value) {}
    /// A media type of a body, parameter or header.
    fn media(&mut self, _at: &str, _media: &'a Value, _side: Side) {}
    /// Any schema object, `$ref`s included.
    fn schema(&mut self, _at: &str, _schema: &'a Value) {}
    fn security_scheme(&mut self, _at: &str, _scheme: &'a Value) {}
}

/// A copy of `v` in which `replace` may rewrite the value under any key
/// (`Some`), walking the rest; example values (`example`, `examples`) and
/// extensions (`x-*`) are data and are copied as they are.
pub fn map_outside_data(v: &Value, replace: &dyn Fn(&str, &Value) -> Option<Value>) -> Value {
    match v {
        Value::Mapping(m) => Value::Mapping(
            m.iter()
                .map(|(k, v)| {
                    let key = k.as_str().unwrap_or("");
                    let v = if key == "example" || key == "examples" || key.starts_with("x-") {
                        v.clone()
                    } else {
                        replace(key, v).unwrap_or_else(|| map_outside_data(v, replace))
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Sequence(s) => {
            Value::Sequence(s.iter().map(|v| map_outside_data(v, replace)).collect())
        }
        other => other.clone(),
    }
}

/// Escapes one JSON-pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `{$ref: target}`.
pub fn reference(target: &str) -> Value {
    Value::Mapping(Mapping::from_iter([("$ref".into(), target.into())]))
}

/// The value at a JSON pointer into any YAML value (see [`Document::pointer`]).
pub fn pointer<'a>(root: &'a Value, at: &str) -> Option<&'a Value> {
    let at = percent_decode(at.trim_start_matches('#'));
    let at = at.strip_prefix('/').unwrap_or(&at);
    if at.is_empty() {
        return Some(root);
    }
    at.split('/').try_fold(root, |v, token| {
        let token = unescape(token);
        match v {
            Value::Mapping(m) => m.get(token.as_str()),
            Value::Sequence(s) => s.get(token.parse::<usize>().ok()?),
            _ => None,
        }
    })
}

/// Decodes the `%XX` escapes of a URI fragment (`$ref`s to paths and
/// callback expressions escape `{`, `}` and `#`).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A mapping's string-keyed entries (nothing for anything else).
pub fn entries(v: Option<&Value>) -> impl Iterator<Item = (&str, &Value)> {
    v.and_then(Value::as_mapping)
        .into_iter()
        .flat_map(Mapping::iter)
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
}

/// A sequence's items (nothing for anything else).
pub fn seq(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_sequence).into_iter().flatten()
}

pub fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// Whether `v.key` is `true`.
pub fn is_true(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

/// A YAML value as JSON (instance data for validators and signers).
pub fn to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// A YAML value written in a test.
#[cfg(test)]
pub fn y(s: &str) -> Value {
    serde_yaml::from_str(s).unwrap()
}

/// A document written in a test.
#[cfg(test)]
pub fn doc(s: &str) -> Document {
    Document::parse(s, "test").unwrap()
}

/// The keys of a mapping, in order (for tests).
#[cfg(test)]
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_mapping()
        .unwrap()
        .keys()
        .filter_map(Value::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_and_refs() {
        let d = doc(r#"
paths:
  /a/{id}:
    get: {operationId: A}
components:
  schemas:
    X: {$ref: '#/components/schemas/Y'}
    Y: {type: string}
"#);
        let x = d.schema("X").unwrap();
        assert_eq!(d.resolve(x), d.schema("Y").unwrap());
        let (_, at) = d.located(x, "/components/schemas/X".into());
        assert_eq!(at, "/components/schemas/Y");
        assert!(d.pointer("#/paths/~1a~1%7Bid%7D/get").is_some());
        assert_eq!(escape("/a/{id}~"), "~1a~1{id}~0");
        assert_eq!(d.operations()[0].id(), "A");
    }

    #[test]
    fn all_of_is_merged() {
        let d = doc(r#"
components:
  schemas:
    A: {type: object, required: [a], properties: {a: {type: string}}}
    B:
      allOf:
        - $ref: '#/components/schemas/A'
        - {required: [b], properties: {b: {type: integer}, a: {type: integer}}}
"#);
        let m = Value::Mapping(d.merged(d.schema("B").unwrap()));
        assert_eq!(m["required"], y("[a, b]"));
        assert_eq!(m["properties"]["a"]["type"], "string");
        assert_eq!(m["type"], "object");
        let b = d.schema("B").unwrap();
        assert_eq!(d.carrier(b, "type"), d.schema("A"));
    }
}
