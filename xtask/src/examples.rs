//! Every example the document holds, with the schema it must satisfy.

use serde_json::{Map, Value};

use crate::dialect::Side;

/// One example found in the document.
pub struct Example {
    /// JSON pointer to the example's value in the document.
    pub pointer: String,
    pub value: Value,
    /// The schema it must satisfy (possibly a `$ref`).
    pub schema: Value,
    pub side: Side,
}

impl Example {
    /// The component schema whose generated Rust type the example must
    /// deserialize into, when the example's schema names one.
    pub fn component(&self) -> Option<&str> {
        self.schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
    }
}

/// Escapes one JSON-pointer token (RFC 6901).
pub fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Collects the examples of the whole document.
pub fn collect(doc: &Value) -> Vec<Example> {
    let mut w = Walker {
        doc,
        found: Vec::new(),
    };
    if let Some(components) = doc.get("components") {
        for (name, schema) in entries(components.get("schemas")) {
            let ptr = format!("/components/schemas/{}", token(name));
            // A component's own example is checked against its `$ref`, so
            // that it is also deserialized into the generated type.
            let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
            if let Some(example) = schema.get("example") {
                w.push(format!("{ptr}/example"), example, &reference, Side::Neutral);
            }
            w.schema_children(schema, &ptr);
        }
        for (name, p) in entries(components.get("parameters")) {
            w.parameter(
                p,
                &format!("/components/parameters/{}", token(name)),
                Side::Request,
            );
        }
        for (name, h) in entries(components.get("headers")) {
            w.parameter(
                h,
                &format!("/components/headers/{}", token(name)),
                Side::Response,
            );
        }
        for (name, b) in entries(components.get("requestBodies")) {
            w.content(
                b,
                &format!("/components/requestBodies/{}", token(name)),
                Side::Request,
            );
        }
        for (name, r) in entries(components.get("responses")) {
            w.response(r, &format!("/components/responses/{}", token(name)));
        }
    }
    for (path, item) in entries(doc.get("paths")) {
        w.path_item(item, &format!("/paths/{}", token(path)));
    }
    w.found
}

fn entries(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    v.and_then(Value::as_object).into_iter().flat_map(Map::iter)
}

struct Walker<'a> {
    doc: &'a Value,
    found: Vec<Example>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Walker<'_> {
    fn push(&mut self, pointer: String, value: &Value, schema: &Value, side: Side) {
        self.found.push(Example {
            pointer,
            value: value.clone(),
            schema: schema.clone(),
            side,
        });
    }

    fn path_item(&mut self, item: &Value, ptr: &str) {
        for (i, p) in item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.parameter(p, &format!("{ptr}/parameters/{i}"), Side::Request);
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let ptr = format!("{ptr}/{method}");
            for (i, p) in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                self.parameter(p, &format!("{ptr}/parameters/{i}"), Side::Request);
            }
            if let Some(body) = op.get("requestBody") {
                self.content(body, &format!("{ptr}/requestBody"), Side::Request);
            }
            for (code, r) in entries(op.get("responses")) {
                self.response(r, &format!("{ptr}/responses/{}", token(code)));
            }
            for (name, callback) in entries(op.get("callbacks")) {
                for (expr, item) in entries(Some(callback)) {
                    let p = format!("{ptr}/callbacks/{}/{}", token(name), token(expr));
                    self.path_item(item, &p);
                }
            }
        }
    }

    fn parameter(&mut self, p: &Value, ptr: &str, side: Side) {
        if p.get("$ref").is_some() {
            return; // checked where it is defined
        }
        if let Some(schema) = p.get("schema") {
            self.schema_children(schema, &format!("{ptr}/schema"));
            self.examples_of(p, schema, ptr, side);
        }
        self.content(p, ptr, side);
    }

    fn response(&mut self, r: &Value, ptr: &str) {
        if r.get("$ref").is_some() {
            return;
        }
        for (name, h) in entries(r.get("headers")) {
            self.parameter(h, &format!("{ptr}/headers/{}", token(name)), Side::Response);
        }
        self.content(r, ptr, Side::Response);
    }

    /// The media types under `holder.content`.
    fn content(&mut self, holder: &Value, ptr: &str, side: Side) {
        if holder.get("$ref").is_some() {
            return;
        }
        for (mt, media) in entries(holder.get("content")) {
            let ptr = format!("{ptr}/content/{}", token(mt));
            let schema = media
                .get("schema")
                .cloned()
                .unwrap_or(Value::Object(Map::new()));
            self.schema_children(&schema, &format!("{ptr}/schema"));
            self.examples_of(media, &schema, &ptr, side);
        }
    }

    /// `example` and `examples` of a parameter, header or media type.
    fn examples_of(&mut self, holder: &Value, schema: &Value, ptr: &str, side: Side) {
        if let Some(example) = holder.get("example") {
            self.push(format!("{ptr}/example"), example, schema, side);
        }
        for (name, ex) in entries(holder.get("examples")) {
            let ex_ptr = format!("{ptr}/examples/{}", token(name));
            let ex = match ex.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| self.doc.pointer(p)) {
                    Some(target) => target,
                    None => continue,
                },
                None => ex,
            };
            if let Some(value) = ex.get("value") {
                self.push(format!("{ex_ptr}/value"), value, schema, side);
            }
        }
    }

    /// `example`s nested anywhere inside a schema (not the schema's own,
    /// which the caller handles).
    fn schema_children(&mut self, schema: &Value, ptr: &str) {
        let Some(obj) = schema.as_object() else {
            return;
        };
        let visit = |w: &mut Self, child: &Value, child_ptr: String| {
            if child.get("$ref").is_none() {
                if let Some(example) = child.get("example") {
                    w.push(
                        format!("{child_ptr}/example"),
                        example,
                        child,
                        Side::Neutral,
                    );
                }
            }
            w.schema_children(child, &child_ptr);
        };
        for (name, child) in entries(obj.get("properties")) {
            visit(self, child, format!("{ptr}/properties/{}", token(name)));
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = obj.get(key).filter(|c| c.is_object()) {
                visit(self, child, format!("{ptr}/{key}"));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for (i, child) in obj
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                visit(self, child, format!("{ptr}/{key}/{i}"));
            }
        }
    }
}
