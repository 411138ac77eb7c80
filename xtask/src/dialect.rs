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

use crate::document::{entries, is_true, seq, to_json, Document, Side, Value};

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
        let Value::Mapping(obj) = schema else {
            return to_json(schema);
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let target = match r.strip_prefix("#/components/schemas/") {
                Some(name) => format!("#/definitions/{name}"),
                None => r.to_owned(),
            };
            return json!({ "$ref": target });
        }
        let mut out = Map::new();
        for (key, value) in obj {
            let Some(key) = key.as_str() else { continue };
            let translated = match key {
                "nullable" | "example" | "readOnly" | "writeOnly" | "xml" | "externalDocs"
                | "deprecated" | "discriminator" => continue,
                k if k.starts_with("x-") => continue,
                "properties" | "patternProperties" => Json::Object(
                    entries(Some(value))
                        .map(|(name, s)| {
                            // Present at all is an error: `not: {}` matches nothing.
                            let t = match self.forbidden(s) {
                                true => json!({ "not": {} }),
                                false => self.translate(s),
                            };
                            (name.to_owned(), t)
                        })
                        .collect(),
                ),
                "required" => {
                    // A readOnly property is required only in responses, a
                    // writeOnly one only in requests.
                    let kept: Vec<Json> = seq(Some(value))
                        .filter(|n| {
                            let prop = n.as_str().and_then(|n| obj.get("properties")?.get(n));
                            !prop.is_some_and(|s| self.forbidden(s))
                        })
                        .map(to_json)
                        .collect();
                    if kept.is_empty() {
                        continue;
                    }
                    Json::Array(kept)
                }
                "items" | "additionalProperties" | "not" => self.translate(value),
                "allOf" | "anyOf" | "oneOf" => {
                    Json::Array(seq(Some(value)).map(|s| self.translate(s)).collect())
                }
                _ => to_json(value),
            };
            out.insert(key.to_owned(), translated);
        }
        if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
            out.insert("additionalProperties".into(), Json::Bool(false));
        }
        if is_true(schema, "nullable") {
            if let Some(Json::String(t)) = out.get("type").cloned() {
                out.insert("type".into(), json!([t, "null"]));
            }
            if let Some(Json::Array(values)) = out.get_mut("enum") {
                if !values.contains(&Json::Null) {
                    values.push(Json::Null);
                }
            }
        }
        Json::Object(out)
    }

    /// Whether a property may not appear on this side: a `readOnly` one in
    /// requests, a `writeOnly` one in responses (itself or its `$ref` target).
    fn forbidden(&self, schema: &Value) -> bool {
        let keyword = match self.side {
            Side::Request => "readOnly",
            Side::Response => "writeOnly",
            Side::Neutral => return false,
        };
        is_true(schema, keyword) || is_true(self.doc.resolve(schema), keyword)
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
