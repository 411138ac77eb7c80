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

use serde_json::{json, Map, Value as Json};

use crate::document::{
    entries, is_true, map_schema, reference, seq, str_of, to_json, Document, Mapping, Side, Value,
};

/// The JSON Schema to validate a value against: `schema` translated, with
/// every component schema (translated for the same side) as `definitions`.
pub fn json_schema(doc: &Document, schema: &Value, side: Side) -> Json {
    let t = Translator { doc, side };
    let mut root = match t.translate(schema) {
        Json::Object(m) => m,
        other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
    };
    let components = doc.get("components").and_then(|c| c.get("schemas"));
    let definitions: Map<String, Json> = entries(components)
        .map(|(name, s)| (name.to_owned(), t.translate(s)))
        .collect();
    root.insert("definitions".into(), Json::Object(definitions));
    root.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-04/schema#"),
    );
    Json::Object(root)
}

/// Validation errors as `(instance pointer, keyword, message)`.
pub fn validate(
    doc: &Document,
    schema: &Value,
    side: Side,
    value: &Json,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&json_schema(doc, schema, side))
        .map_err(|e| anyhow::anyhow!("a schema does not compile as JSON Schema: {e}"))?;
    Ok(validator
        .iter_errors(value)
        .map(|e| {
            let keyword = e.kind().keyword().to_owned();
            (e.instance_path().to_string(), keyword, e.to_string())
        })
        .collect())
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
        let mut out = Mapping::new();
        for (key, value) in obj {
            let value = match key.as_str().unwrap_or_default() {
                // Annotations (`readOnly` and `writeOnly` stay: the parent
                // reads them below, and JSON Schema ignores them).
                "nullable" | "example" | "xml" | "externalDocs" | "deprecated"
                | "discriminator" => continue,
                k if k.starts_with("x-") => continue,
                "properties" | "patternProperties" => {
                    // Present at all is an error: `not: {}` matches nothing.
                    let props = entries(Some(value)).map(|(name, s)| {
                        let nothing = Mapping::from_iter([("not".into(), Mapping::new().into())]);
                        let s = if self.forbidden(s) {
                            nothing.into()
                        } else {
                            s.clone()
                        };
                        (Value::from(name), s)
                    });
                    Value::Mapping(props.collect())
                }
                "required" => {
                    // A readOnly property is required only in responses, a
                    // writeOnly one only in requests.
                    let props = obj.get("properties");
                    let kept = seq(Some(value)).filter(|n| {
                        let prop = n.as_str().and_then(|n| props?.get(n));
                        !prop.is_some_and(|s| self.forbidden(s))
                    });
                    let kept: Vec<Value> = kept.cloned().collect();
                    if kept.is_empty() {
                        continue;
                    }
                    Value::Sequence(kept)
                }
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
            out.insert("additionalProperties".into(), false.into());
        }
        if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
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
    use serde_json::json;

    fn validate(schema: Json, components: Json, side: Side, instance: Json) -> Vec<String> {
        let doc = Document {
            root: serde_yaml::to_value(json!({"components": {"schemas": components}})).unwrap(),
        };
        let schema = serde_yaml::to_value(schema).unwrap();
        super::validate(&doc, &schema, side, &instance)
            .expect("schema builds")
            .into_iter()
            .map(|(at, keyword, _)| format!("{at} {keyword}"))
            .collect()
    }

    #[test]
    fn nullable_admits_null_only_when_set() {
        let s = json!({"type": "string", "nullable": true});
        assert!(validate(s, json!({}), Side::Neutral, Json::Null).is_empty());
        let s = json!({"type": "string"});
        assert_eq!(validate(s, json!({}), Side::Neutral, Json::Null), [" type"]);
    }

    #[test]
    fn write_only_is_refused_in_responses_only() {
        let components = json!({"Key": {"type": "string", "writeOnly": true}});
        let s = json!({"type": "object", "required": ["key"], "properties": {"key": {"$ref": "#/components/schemas/Key"}}});
        let body = json!({"key": "k"});
        assert!(validate(s.clone(), components.clone(), Side::Request, body.clone()).is_empty());
        assert_eq!(
            validate(s.clone(), components.clone(), Side::Response, body),
            ["/key not"]
        );
        // ... and not required in a response.
        assert!(validate(s, components, Side::Response, json!({})).is_empty());
    }

    #[test]
    fn examples_may_not_show_undeclared_fields() {
        let s = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        assert_eq!(
            validate(s, json!({}), Side::Response, json!({"id": "x", "key": "k"})),
            [" additionalProperties"]
        );
        let open = json!({"type": "object", "properties": {}, "additionalProperties": true});
        assert!(validate(open, json!({}), Side::Response, json!({"key": "k"})).is_empty());
    }

    #[test]
    fn read_only_is_refused_in_requests() {
        let s =
            json!({"type": "object", "properties": {"id": {"type": "string", "readOnly": true}}});
        assert_eq!(
            validate(s, json!({}), Side::Request, json!({"id": "x"})),
            ["/id not"]
        );
    }

    #[test]
    fn formats_and_refs_are_checked() {
        let components = json!({"T": {"type": "string", "format": "date-time"}});
        let s = json!({"$ref": "#/components/schemas/T"});
        assert!(validate(
            s.clone(),
            components.clone(),
            Side::Neutral,
            json!("2024-01-01T00:00:00Z")
        )
        .is_empty());
        assert_eq!(
            validate(s, components, Side::Neutral, json!("yesterday")),
            [" format"]
        );
    }
}
