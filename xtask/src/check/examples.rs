//! Every example the document holds, with the schema it must satisfy.

use crate::document::{
    entries, escape, reference, to_json, unescape, Document, Kind, Mapping, Node, Side, Value,
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
    let mut found = Vec::new();
    for Node { at, kind, value } in doc.nodes() {
        match kind {
            Kind::Parameter(side) if value.get("schema").is_some() => {
                examples_of(doc, value, &at, side, &mut found);
            }
            Kind::Media(side) => examples_of(doc, value, &at, side, &mut found),
            Kind::Schema => found.extend(own_example(&at, value)),
            _ => {}
        }
    }
    found
}

/// `example` and `examples` of a parameter, header or media type.
fn examples_of(doc: &Document, holder: &Value, at: &str, side: Side, found: &mut Vec<Example>) {
    let schema = holder
        .get("schema")
        .cloned()
        .unwrap_or(Value::Mapping(Mapping::new()));
    let mut push = |pointer: String, value: &Value| {
        let (value, schema) = (to_json(value), schema.clone());
        found.push(Example {
            pointer,
            value,
            schema,
            side,
        });
    };
    if let Some(example) = holder.get("example") {
        push(format!("{at}/example"), example);
    }
    for (name, ex) in entries(holder.get("examples")) {
        if let Some(value) = doc.resolve(ex).get("value") {
            push(format!("{at}/examples/{}/value", escape(name)), value);
        }
    }
}

/// A schema's own `example`. A component's is checked against its `$ref`,
/// so that it counts as an instance of the named schema.
fn own_example(at: &str, schema: &Value) -> Option<Example> {
    let (Some(example), None) = (schema.get("example"), schema.get("$ref")) else {
        return None;
    };
    let component = at
        .strip_prefix("/components/schemas/")
        .filter(|name| !name.contains('/'));
    let schema = match component {
        Some(name) => reference(&format!("#/components/schemas/{}", unescape(name))),
        None => schema.clone(),
    };
    Some(Example {
        pointer: format!("{at}/example"),
        value: to_json(example),
        schema,
        side: Side::Neutral,
    })
}
