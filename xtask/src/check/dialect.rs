//! OpenAPI 3.0 schemas as JSON Schema (draft 4, the draft OpenAPI 3.0's
//! schema object is based on), so a real validator can check examples.
//!
//! What differs and is translated here:
//! - `nullable: true` adds `null` to `type` (and to `enum` when present);
//! - `$ref`s to `#/components/schemas/X` point at `#/definitions/X`;
//! - `readOnly` properties may not appear in requests (and are not
//!   required there), `writeOnly` ones may not appear in responses;
//! - `example`, `x-*` and other OpenAPI-only keywords are annotations and
//!   are dropped;
//! - an object schema that lists `properties` and says nothing of
//!   `additionalProperties` is closed: clients read responses tolerantly,
//!   but an example that shows an undeclared field (a `key` in a response,
//!   a typo) is a mistake in the example.

use anyhow::{anyhow, Result};
use serde_json::{json, Map, Value as Json};

use crate::document::{
    entries, is_true, map_schema, reference, str_of, to_json, Document, Mapping, Side, Value,
};

/// A validation error: the instance pointer, the JSON Schema keyword and
/// the validator's message.
pub type Failure = (String, String, String);

/// Validates `value` against `schema` translated, with every component
/// schema (translated for the same side) as `definitions`.
pub fn validate(doc: &Document, schema: &Value, side: Side, value: &Json) -> Result<Vec<Failure>> {
    let t = Translator { doc, side };
    let mut root = match t.translate(schema) {
        Json::Object(m) => m,
        other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
    };
    let components = doc.get("components").and_then(|c| c.get("schemas"));
    let definitions = entries(components).map(|(name, s)| (name.to_owned(), t.translate(s)));
    root.insert("definitions".into(), Json::Object(definitions.collect()));
    let draft4 = json!("http://json-schema.org/draft-04/schema#");
    root.insert("$schema".into(), draft4);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&Json::Object(root))
        .map_err(|e| anyhow!("a schema does not compile as JSON Schema: {e}"))?;
    let failure = |e: jsonschema::ValidationError| {
        let keyword = e.kind().keyword().to_owned();
        (e.instance_path().to_string(), keyword, e.to_string())
    };
    Ok(validator.iter_errors(value).map(failure).collect())
}

struct Translator<'a> {
    doc: &'a Document,
    side: Side,
}

impl Translator<'_> {
    fn translate(&self, schema: &Value) -> Json {
        to_json(&map_schema(schema, &|s| self.node(s)))
    }

    /// One schema object, its subschemas already translated.
    fn node(&self, obj: &Mapping) -> Value {
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            return reference(&r.replace("#/components/schemas/", "#/definitions/"));
        }
        let mut out = obj.clone();
        // Annotations go (`readOnly` and `writeOnly` stay: they are read
        // below, and JSON Schema ignores them).
        let annotations = "nullable example xml externalDocs deprecated discriminator";
        out.retain(|k, _| {
            let k = k.as_str().unwrap_or_default();
            !k.starts_with("x-") && !annotations.split_whitespace().any(|a| a == k)
        });
        // A property that may not appear on this side is `not: {}`, which
        // matches nothing, and is not required.
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Mapping(props)) = out.get_mut(key) {
                for s in props.values_mut().filter(|s| self.forbidden(s)) {
                    *s = Mapping::from_iter([("not".into(), Mapping::new().into())]).into();
                }
            }
        }
        if let Some(Value::Sequence(required)) = out.get_mut("required") {
            let props = obj.get("properties");
            required.retain(|n| {
                let prop = n.as_str().and_then(|n| props?.get(n));
                !prop.is_some_and(|s| self.forbidden(s))
            });
        }
        if out.get("required") == Some(&Value::Sequence(Vec::new())) {
            out.shift_remove("required");
        }
        if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
            out.insert("additionalProperties".into(), false.into());
        }
        if obj.get("nullable") == Some(&Value::Bool(true)) {
            if let Some(t @ Value::String(_)) = out.get("type").cloned() {
                out.insert("type".into(), Value::Sequence(vec![t, "null".into()]));
            }
            if let Some(Value::Sequence(values)) = out.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
        }
        Value::Mapping(out)
    }

    /// Whether a property may not appear on this side: a `readOnly` one in
    /// requests, a `writeOnly` one in responses (itself or its `$ref` target).
    fn forbidden(&self, schema: &Value) -> bool {
        let keyword = match self.side {
            Side::Request => "readOnly",
            Side::Response => "writeOnly",
            Side::Neutral => return false,
        };
        let target = str_of(schema, "$ref").and_then(|r| r.strip_prefix("#/definitions/"));
        is_true(schema, keyword)
            || target
                .and_then(|n| self.doc.schema(n))
                .is_some_and(|t| is_true(t, keyword))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{doc, y};

    #[test]
    fn values_are_checked_as_openapi_3_0_means() {
        let d = doc(r#"
components:
  schemas:
    Key: {type: string, writeOnly: true}
    T: {type: string, format: date-time}
"#);
        let keyed = "{type: object, required: [key], properties: {key: {$ref: '#/components/schemas/Key'}}}";
        let id = "{type: object, properties: {id: {type: string}}}";
        let read_only = "{type: object, properties: {id: {type: string, readOnly: true}}}";
        let open = "{type: object, properties: {}, additionalProperties: true}";
        let date = "{$ref: '#/components/schemas/T'}";
        // The schema, the side, the value, the failures (`pointer keyword`).
        let cases = [
            ("{type: string, nullable: true}", Side::Neutral, "null", ""),
            ("{type: string}", Side::Neutral, "null", " type"),
            // writeOnly: refused in responses only, and not required there.
            (keyed, Side::Request, "{key: k}", ""),
            (keyed, Side::Response, "{key: k}", "/key not"),
            (keyed, Side::Response, "{}", ""),
            (read_only, Side::Request, "{id: x}", "/id not"),
            // An example may not show undeclared fields.
            (
                id,
                Side::Response,
                "{id: x, key: k}",
                " additionalProperties",
            ),
            (open, Side::Response, "{key: k}", ""),
            (date, Side::Neutral, "'2024-01-01T00:00:00Z'", ""),
            (date, Side::Neutral, "yesterday", " format"),
        ];
        for (schema, side, value, expected) in cases {
            let value = to_json(&y(value));
            let failures = validate(&d, &y(schema), side, &value).expect("schema builds");
            let found: Vec<String> = failures
                .iter()
                .map(|(at, k, _)| format!("{at} {k}"))
                .collect();
            assert_eq!(found.join(", "), expected, "{schema} {side:?} {value}");
        }
    }
}
