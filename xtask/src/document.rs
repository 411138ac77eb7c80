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
    pub fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(target) = str_of(v, "$ref").and_then(|r| self.pointer(r.strip_prefix('#')?))
            else {
                break;
            };
            v = target;
        }
        v
    }

    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.get("components")?.get("schemas")?.get(name)
    }

    /// Every operation under `paths`, in the document's order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        self.operations_in(self.get("paths"))
    }

    /// Every operation of a mapping of path items (`paths`, or a callback,
    /// whose keys are expressions), in order; path items may be `$ref`s.
    pub fn operations_in<'a>(&'a self, items: Option<&'a Value>) -> Vec<Operation<'a>> {
        let mut out = Vec::new();
        for (path, item) in entries(items) {
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

    /// A media type's examples, in order: its lone `example` (no name),
    /// then each of `examples` (`$ref`s followed) with its name, summary and
    /// `value` (or `externalValue`).
    pub fn media_examples<'a>(&'a self, media: &'a Value) -> Vec<NamedExample<'a>> {
        let lone = media.get("example").map(|v| (None, None, v));
        let named = entries(media.get("examples")).filter_map(|(name, e)| {
            let e = self.resolve(e);
            let value = e.get("value").or(e.get("externalValue"))?;
            Some((Some(name), str_of(e, "summary"), value))
        });
        lone.into_iter().chain(named).collect()
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

    /// Every place of the document that holds a schema, a parameter, a
    /// response or an operation, in the document's order: the components,
    /// then the paths with their callbacks. A `$ref` parameter, response or
    /// body is listed where it is defined, not where it is used.
    pub fn nodes(&self) -> Vec<Node<'_>> {
        let mut out = Nodes(Vec::new());
        let components = self.get("components");
        let kinds = "schemas parameters headers requestBodies responses securitySchemes";
        for kind in kinds.split_whitespace() {
            for (name, x) in entries(components.and_then(|c| c.get(kind))) {
                let at = format!("/components/{kind}/{}", escape(name));
                match kind {
                    "schemas" => out.schema(&at, x),
                    "parameters" => out.parameter(&at, x, Side::Request),
                    "headers" => out.parameter(&at, x, Side::Response),
                    "requestBodies" => out.content(&at, x, Side::Request),
                    "responses" => out.response(&at, x),
                    _ => out.push(&at, Kind::SecurityScheme, x),
                }
            }
        }
        for (path, item) in entries(self.get("paths")) {
            out.path_item(&format!("/paths/{}", escape(path)), item);
        }
        out.0
    }
}

/// An example of [`Document::media_examples`]: name (none for a lone
/// `example`), summary, value.
pub type NamedExample<'a> = (Option<&'a str>, Option<&'a str>, &'a Value);

/// What a node of [`Document::nodes`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An operation, those of callbacks included.
    Operation,
    /// A parameter or a header.
    Parameter(Side),
    Response,
    /// A media type of a body, parameter or header.
    Media(Side),
    /// Any schema object, `$ref`s included.
    Schema,
    SecurityScheme,
}

/// A place of the document: its JSON pointer, what it is, its value.
pub struct Node<'a> {
    pub at: String,
    pub kind: Kind,
    pub value: &'a Value,
}

struct Nodes<'a>(Vec<Node<'a>>);

impl<'a> Nodes<'a> {
    fn push(&mut self, at: &str, kind: Kind, value: &'a Value) {
        let at = at.to_owned();
        self.0.push(Node { at, kind, value });
    }

    fn path_item(&mut self, at: &str, item: &'a Value) {
        for (i, p) in seq(item.get("parameters")).enumerate() {
            self.parameter(&format!("{at}/parameters/{i}"), p, Side::Request);
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{at}/{method}");
            self.push(&at, Kind::Operation, op);
            for (i, p) in seq(op.get("parameters")).enumerate() {
                self.parameter(&format!("{at}/parameters/{i}"), p, Side::Request);
            }
            if let Some(body) = op.get("requestBody") {
                self.content(&format!("{at}/requestBody"), body, Side::Request);
            }
            for (code, r) in entries(op.get("responses")) {
                self.response(&format!("{at}/responses/{}", escape(code)), r);
            }
            for (name, callback) in entries(op.get("callbacks")) {
                for (expr, item) in entries(Some(callback)) {
                    let at = format!("{at}/callbacks/{}/{}", escape(name), escape(expr));
                    self.path_item(&at, item);
                }
            }
        }
    }

    fn parameter(&mut self, at: &str, p: &'a Value, side: Side) {
        if p.get("$ref").is_some() {
            return;
        }
        self.push(at, Kind::Parameter(side), p);
        if let Some(schema) = p.get("schema") {
            self.schema(&format!("{at}/schema"), schema);
        }
        self.content(at, p, side);
    }

    fn response(&mut self, at: &str, r: &'a Value) {
        if r.get("$ref").is_some() {
            return;
        }
        self.push(at, Kind::Response, r);
        for (name, h) in entries(r.get("headers")) {
            self.parameter(&format!("{at}/headers/{}", escape(name)), h, Side::Response);
        }
        self.content(at, r, Side::Response);
    }

    /// The media types under `holder.content` (a `$ref` holder has none).
    fn content(&mut self, at: &str, holder: &'a Value, side: Side) {
        for (mt, media) in entries(holder.get("content")) {
            let at = format!("{at}/content/{}", escape(mt));
            self.push(&at, Kind::Media(side), media);
            if let Some(schema) = media.get("schema") {
                self.schema(&format!("{at}/schema"), schema);
            }
        }
    }

    fn schema(&mut self, at: &str, schema: &'a Value) {
        if schema.is_mapping() {
            self.push(at, Kind::Schema, schema);
            for (path, child) in subschemas(schema) {
                self.schema(&format!("{at}/{path}"), child);
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

pub fn is_true(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

/// A YAML value as JSON (instance data for validators and signers).
pub fn to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
pub fn y(s: &str) -> Value {
    serde_yaml::from_str(s).unwrap()
}

#[cfg(test)]
pub fn doc(s: &str) -> Document {
    Document::parse(s, "test").unwrap()
}

/// The keys of a mapping, in order.
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
