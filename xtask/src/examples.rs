//! Every example the document holds, with the schema it must satisfy.

use crate::document::{
    entries, escape, reference, to_json, unescape, Document, Side, Value, Visit,
};

/// One example found in the document.
pub struct Example {
    /// JSON pointer to the example's value in the document.
    pub pointer: String,
    pub value: serde_json::Value,
    /// The schema it must satisfy (possibly a `$ref`).
    pub schema: Value,
    pub side: Side,
}

impl Example {
    /// The component schema the example is an instance of, when its schema
    /// names one.
    pub fn component(&self) -> Option<&str> {
        self.schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
    }
}

/// Collects the examples of the whole document.
pub fn collect(doc: &Document) -> Vec<Example> {
    let mut c = Collector {
        doc,
        found: Vec::new(),
    };
    doc.walk(&mut c);
    c.found
}

struct Collector<'a> {
    doc: &'a Document,
    found: Vec<Example>,
}

impl Collector<'_> {
    fn push(&mut self, pointer: String, value: &Value, schema: Value, side: Side) {
        self.found.push(Example {
            pointer,
            value: to_json(value),
            schema,
            side,
        });
    }

    /// `example` and `examples` of a parameter, header or media type.
    fn examples_of(&mut self, holder: &Value, at: &str, side: Side) {
        let schema = (holder.get("schema").cloned()).unwrap_or(Value::Mapping(Default::default()));
        if let Some(example) = holder.get("example") {
            self.push(format!("{at}/example"), example, schema.clone(), side);
        }
        for (name, ex) in entries(holder.get("examples")) {
            if let Some(value) = self.doc.resolve(ex).get("value") {
                let at = format!("{at}/examples/{}/value", escape(name));
                self.push(at, value, schema.clone(), side);
            }
        }
    }
}

impl<'a> Visit<'a> for Collector<'_> {
    fn parameter(&mut self, at: &str, p: &'a Value, side: Side) {
        if p.get("schema").is_some() {
            self.examples_of(p, at, side);
        }
    }

    fn media(&mut self, at: &str, media: &'a Value, side: Side) {
        self.examples_of(media, at, side);
    }

    /// A schema's own `example`. A component's is checked against its
    /// `$ref`, so that it counts as an instance of the named schema.
    fn schema(&mut self, at: &str, schema: &'a Value) {
        let (Some(example), None) = (schema.get("example"), schema.get("$ref")) else {
            return;
        };
        let component = at
            .strip_prefix("/components/schemas/")
            .filter(|name| !name.contains('/'));
        let schema = match component {
            Some(name) => reference(&format!("#/components/schemas/{}", unescape(name))),
            None => schema.clone(),
        };
        self.push(format!("{at}/example"), example, schema, Side::Neutral);
    }
}
