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

use serde_json::{Map, Value};

/// Which side of the exchange an example stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
    /// A component schema's own example: neither side's rules apply.
    Neutral,
}

/// The JSON Schema to validate an example against: `schema` translated, with
/// every component schema (translated for the same side) as `definitions`.
pub fn json_schema(schema: &Value, components: &Map<String, Value>, side: Side) -> Value {
    let mut root = match translate(schema, components, side) {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("allOf".into(), Value::Array(vec![other]));
            m
        }
    };
    let definitions = components
        .iter()
        .map(|(name, s)| (name.clone(), translate(s, components, side)))
        .collect::<Map<_, _>>();
    root.insert("definitions".into(), Value::Object(definitions));
    root.insert(
        "$schema".into(),
        Value::String("http://json-schema.org/draft-04/schema#".into()),
    );
    Value::Object(root)
}

fn translate(schema: &Value, components: &Map<String, Value>, side: Side) -> Value {
    let Value::Object(obj) = schema else {
        return schema.clone();
    };
    if let Some(Value::String(r)) = obj.get("$ref") {
        let target = r
            .strip_prefix("#/components/schemas/")
            .map(|name| format!("#/definitions/{name}"))
            .unwrap_or_else(|| r.clone());
        return serde_json::json!({ "$ref": target });
    }
    let mut out = Map::new();
    for (key, value) in obj {
        match key.as_str() {
            "nullable" | "example" | "readOnly" | "writeOnly" | "xml" | "externalDocs"
            | "deprecated" | "discriminator" => {}
            k if k.starts_with("x-") => {}
            "properties" | "patternProperties" => {
                let props = value
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(name, s)| {
                                let forbidden = match side {
                                    Side::Request => flag(s, components, "readOnly"),
                                    Side::Response => flag(s, components, "writeOnly"),
                                    Side::Neutral => false,
                                };
                                let translated = if forbidden {
                                    // Present at all is an error: `not: {}` matches nothing.
                                    serde_json::json!({ "not": {} })
                                } else {
                                    translate(s, components, side)
                                };
                                (name.clone(), translated)
                            })
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            "required" => {
                // A readOnly property is required only in responses, a
                // writeOnly one only in requests.
                let props = obj.get("properties").and_then(Value::as_object);
                let kept = value
                    .as_array()
                    .map(|names| {
                        names
                            .iter()
                            .filter(|n| {
                                let Some(s) = n.as_str().and_then(|n| props?.get(n)) else {
                                    return true;
                                };
                                match side {
                                    Side::Request => !flag(s, components, "readOnly"),
                                    Side::Response => !flag(s, components, "writeOnly"),
                                    Side::Neutral => true,
                                }
                            })
                            .cloned()
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Array(kept));
                }
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), translate(value, components, side));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|l| l.iter().map(|s| translate(s, components, side)).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), serde_json::json!([t, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            if !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
        }
    }
    Value::Object(out)
}

/// Whether `schema`, or the component it refers to, sets a boolean keyword.
fn flag(schema: &Value, components: &Map<String, Value>, keyword: &str) -> bool {
    if schema.get(keyword) == Some(&Value::Bool(true)) {
        return true;
    }
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| components.get(name))
        .is_some_and(|target| target.get(keyword) == Some(&Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validate(schema: Value, components: Value, side: Side, instance: Value) -> Vec<String> {
        let components = components.as_object().cloned().unwrap_or_default();
        let js = json_schema(&schema, &components, side);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&js)
            .expect("schema builds");
        validator
            .iter_errors(&instance)
            .map(|e| format!("{} {}", e.instance_path(), e.kind().keyword()))
            .collect()
    }

    #[test]
    fn nullable_admits_null_only_when_set() {
        let s = json!({"type": "string", "nullable": true});
        assert!(validate(s, json!({}), Side::Neutral, Value::Null).is_empty());
        let s = json!({"type": "string"});
        assert_eq!(
            validate(s, json!({}), Side::Neutral, Value::Null),
            [" type"]
        );
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
