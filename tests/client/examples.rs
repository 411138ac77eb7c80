//! The generated types against the contract, with no list of types kept by
//! hand: `for_each_schema!` (written by build.rs) holds the names of the
//! document's schemas that progenitor generated types for, and each name is
//! the generated type of that name (a schema without one fails to compile
//! here).
//!
//! - every example in the document whose schema is a named one, and every
//!   example Huawei prints (`openapi/documented/`) that the contract
//!   accepts, deserializes into the generated type; a documented
//!   notification also parses with `notify::parse`;
//! - the JSON Schema that schemars derives for each generated type agrees
//!   with the document on property names, the required set, types and enum
//!   values (not on formats or lengths, which schemars does not see).
//!
//! `cargo xtask check` validates the same examples against the schemas.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const SPEC: &str = live_record_callbacks_test_support::DOCUMENT_PATH;
const DOCUMENTED: &str = "openapi/documented";

/// The generated types by schema name. build.rs replaces `CallbackKey`,
/// `PageLimit` and `PageOffset` with types of `secret` and `paging`.
mod generated {
    pub use live_record_callbacks::{paging::*, secret::*, types::*};
}

/// What a test can do with a schema's generated type.
struct Generated {
    deserialize: fn(Value) -> Result<(), String>,
    schemars: fn() -> Value,
}

macro_rules! schema_table {
    ($($name:ident)*) => {
        fn generated(name: &str) -> Option<Generated> {
            match name {
                $(stringify!($name) => Some(Generated {
                    deserialize: |v| {
                        serde_json::from_value::<generated::$name>(v).map(drop).map_err(|e| e.to_string())
                    },
                    schemars: || {
                        serde_json::to_value(schemars::schema_for!(generated::$name)).unwrap()
                    },
                }),)*
                _ => None,
            }
        }
        const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

include!(concat!(env!("OUT_DIR"), "/schema_names.rs"));
for_each_schema!(schema_table);

fn read(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(path: &str) -> Value {
    serde_yaml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Follows a local `$ref`.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let target = v["$ref"].as_str().and_then(|r| r.strip_prefix('#'));
    target.and_then(|p| doc.pointer(p)).unwrap_or(v)
}

/// An operation by its id, and the path item that holds it.
fn operation<'a>(doc: &'a Value, id: &str) -> (&'a Value, &'a Value) {
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op["operationId"] == id {
                return (item, op);
            }
        }
    }
    panic!("no operation {id} in the document")
}

/// The component a schema names with its `$ref`.
fn named(schema: &Value) -> Option<&str> {
    schema["$ref"]
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Every example whose schema names a component: (where, name, value).
fn named_examples(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            out.push((format!("schema {name}"), name.clone(), example.clone()));
        }
    }
    walk(doc, doc, "", &mut out);
    out
}

/// Parameters, headers and media types: a `schema` that is a `$ref` beside
/// an `example` or `examples`.
fn walk(doc: &Value, v: &Value, at: &str, out: &mut Vec<(String, String, Value)>) {
    let Some(map) = v.as_object() else {
        if let Some(list) = v.as_array() {
            for (i, item) in list.iter().enumerate() {
                walk(doc, item, &format!("{at}/{i}"), out);
            }
        }
        return;
    };
    if let Some(name) = map.get("schema").and_then(named) {
        let examples = map
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten();
        let examples =
            examples.filter_map(|(n, e)| Some((n.clone(), resolve(doc, e).get("value")?)));
        let lone = map.get("example").map(|e| ("example".to_owned(), e));
        for (which, value) in lone.into_iter().chain(examples) {
            out.push((format!("{at} {which}"), name.to_owned(), value.clone()));
        }
    }
    for (key, child) in map {
        if key != "example" && key != "examples" && !key.starts_with("x-") {
            walk(doc, child, &format!("{at}/{key}"), out);
        }
    }
}

#[test]
fn every_named_example_deserializes_into_its_generated_type() {
    let doc = yaml(SPEC);
    let examples = named_examples(&doc);
    assert!(
        examples.len() >= 30,
        "only {} examples found",
        examples.len()
    );
    let mut failures = Vec::new();
    for (at, name, value) in examples {
        let generated = generated(&name).expect("every schema has a generated type");
        if let Err(e) = (generated.deserialize)(value) {
            failures.push(format!("{at} ({name}): {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The examples Huawei prints that the contract accepts as they are (those
/// in discrepancies.yaml disagree on purpose) deserialize into the type of
/// their place; a notification also parses with `notify::parse`.
#[test]
fn documented_examples_deserialize_into_their_generated_types() {
    let doc = yaml(SPEC);
    let index = yaml(&format!("{DOCUMENTED}/index.yaml"));
    let known = yaml(&format!("{DOCUMENTED}/discrepancies.yaml"));
    let disagree: BTreeSet<&str> = known
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    let json_schema =
        |holder: &Value| resolve(&doc, holder)["content"]["application/json"]["schema"].clone();
    let (mut checked, mut failures) = (0, Vec::new());
    for entry in index.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        if disagree.contains(file) {
            // documented_notifications_parse covers those that are
            // notifications.
            continue;
        }
        let text = read(&format!("{DOCUMENTED}/{file}"));
        let value: Value = serde_json::from_str(&text).unwrap();
        let op = || operation(&doc, entry["operation"].as_str().unwrap());
        let mut values = Vec::new(); // (schema, value)
        match entry["part"].as_str().unwrap() {
            "request" => values.push((json_schema(&op().1["requestBody"]), value)),
            "response" => {
                let status = entry["status"].as_str().unwrap();
                values.push((json_schema(&op().1["responses"][status]), value));
            }
            "notification" => {
                let schema = serde_json::json!({"$ref": "#/components/schemas/RecordNotification"});
                values.push((schema, value));
            }
            "parameters" => {
                let (item, op) = op();
                let params = [item, op].map(|h| h["parameters"].as_array().into_iter().flatten());
                let params: Vec<&Value> = params
                    .into_iter()
                    .flatten()
                    .map(|p| resolve(&doc, p))
                    .collect();
                for (name, v) in value.as_object().unwrap() {
                    let p = params
                        .iter()
                        .rev()
                        .find(|p| p["name"] == name.as_str())
                        .expect("a parameter");
                    // A path or query parameter is text: read it as its type.
                    let v = match v.as_str().map(serde_json::from_str::<Value>) {
                        Some(Ok(n)) if n.is_number() || n.is_boolean() => n,
                        _ => v.clone(),
                    };
                    values.push((p["schema"].clone(), v));
                }
            }
            part => panic!("{file}: unknown part {part}"),
        }
        for (schema, value) in values {
            let Some(name) = named(&schema) else { continue };
            checked += 1;
            if let Err(e) = (generated(name).unwrap().deserialize)(value) {
                failures.push(format!("{file} ({name}): {e}"));
            }
        }
    }
    assert!(checked >= 1, "no documented example was checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the comparison sees: property names, the required set, types and
/// enum values.
#[derive(Debug, PartialEq)]
enum Shape {
    Object {
        properties: BTreeMap<String, Shape>,
        required: BTreeSet<String>,
    },
    Array(Box<Shape>),
    Scalar {
        ty: String,
        values: Option<BTreeSet<String>>,
    },
    Any,
}

/// Reduces a schema (the document's or schemars') to its [`Shape`]. Nested
/// objects are compared one level deep; named ones get their own entry.
fn shape<'a>(
    schema: &'a Value,
    resolve: &dyn Fn(&str) -> Option<&'a Value>,
    depth: usize,
) -> Shape {
    if let Some(r) = schema["$ref"].as_str() {
        return match resolve(r) {
            Some(target) if depth < 8 => shape(target, resolve, depth + 1),
            _ => Shape::Any,
        };
    }
    // schemars writes Option<T> as `anyOf: [T, null]` and a lone `allOf: [T]`.
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            let non_null: Vec<&Value> = list.iter().filter(|s| s["type"] != "null").collect();
            if non_null.len() == 1 {
                return shape(non_null[0], resolve, depth);
            }
        }
    }
    let ty = match &schema["type"] {
        Value::String(t) => Some(t.clone()),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => None,
    };
    let strings = |v: &Value| -> BTreeSet<String> {
        let items = v.as_array().into_iter().flatten().filter(|x| !x.is_null());
        items
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect()
    };
    match ty.as_deref() {
        Some("object") if depth <= 1 => Shape::Object {
            properties: (schema["properties"].as_object().into_iter().flatten())
                .map(|(k, v)| (k.clone(), shape(v, resolve, depth + 1)))
                .collect(),
            required: strings(&schema["required"]),
        },
        Some("array") => Shape::Array(Box::new(match schema.get("items") {
            Some(items) => shape(items, resolve, depth + 1),
            None => Shape::Any,
        })),
        Some(t) => Shape::Scalar {
            ty: t.to_owned(),
            values: schema.get("enum").map(strings),
        },
        None => Shape::Any,
    }
}

fn compare(at: &str, doc: &Shape, gen: &Shape, out: &mut Vec<String>) {
    match (doc, gen) {
        (
            Shape::Object {
                properties: dp,
                required: dr,
            },
            Shape::Object {
                properties: gp,
                required: gr,
            },
        ) => {
            for (name, ds) in dp {
                match gp.get(name) {
                    Some(gs) => compare(&format!("{at}.{name}"), ds, gs, out),
                    None => out.push(format!(
                        "{at}: property `{name}` is in the document but not in the generated type"
                    )),
                }
            }
            for name in gp.keys().filter(|n| !dp.contains_key(*n)) {
                out.push(format!(
                    "{at}: property `{name}` is in the generated type but not in the document"
                ));
            }
            if dr != gr {
                out.push(format!(
                    "{at}: required {dr:?} in the document, {gr:?} in the generated type"
                ));
            }
        }
        (Shape::Array(d), Shape::Array(g)) => compare(&format!("{at}[]"), d, g, out),
        (Shape::Any, _) | (_, Shape::Any) => {}
        (d, g) if d == g => {}
        (d, g) => out.push(format!(
            "{at}: {d:?} in the document, {g:?} in the generated type"
        )),
    }
}

#[test]
fn schemars_schemas_agree_with_the_document() {
    let doc = yaml(SPEC);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert_eq!(NAMES.len(), schemas.len());
    let mut drift = Vec::new();
    for (name, schema) in schemas {
        let derived = (generated(name).unwrap().schemars)();
        let documented = shape(schema, &|r| doc.pointer(r.strip_prefix('#')?), 0);
        let defs = &derived["definitions"];
        let generated = shape(
            &derived,
            &|r| defs.get(r.strip_prefix("#/definitions/")?),
            0,
        );
        compare(name, &documented, &generated, &mut drift);
    }
    assert!(drift.is_empty(), "{}", drift.join("\n"));
}

/// The comparison sees what it must: a property, the required set, a type
/// or an enum value that differs.
#[test]
fn the_comparison_finds_drift() {
    let doc: Value = serde_json::json!({
        "type": "object", "required": ["a"],
        "properties": {"a": {"type": "string", "enum": ["x", "y"]}, "b": {"type": "integer"}},
    });
    let none = |_: &str| None;
    let mut drift = Vec::new();
    let same = shape(&doc, &none, 0);
    compare("T", &same, &shape(&doc, &none, 0), &mut drift);
    assert!(drift.is_empty(), "{drift:?}");
    let mut other = doc.clone();
    other["required"] = serde_json::json!(["a", "b"]);
    other["properties"]["a"]["enum"] = serde_json::json!(["x"]);
    other["properties"]["b"]["type"] = serde_json::json!("string");
    other["properties"]["c"] = serde_json::json!({"type": "string"});
    compare("T", &same, &shape(&other, &none, 0), &mut drift);
    assert_eq!(drift.len(), 4, "{drift:#?}");
}

/// Every notification Huawei prints goes through `notify::parse`: one the
/// contract accepts parses as its event; one listed in discrepancies.yaml
/// is refused for the listed field, and for nothing else (without that
/// field it parses).
#[test]
fn documented_notifications_parse() {
    use live_record_callbacks::notify;
    let index = yaml(&format!("{DOCUMENTED}/index.yaml"));
    let known = yaml(&format!("{DOCUMENTED}/discrepancies.yaml"));
    let mut parsed = 0;
    for entry in index.as_array().unwrap() {
        if entry["part"] != "notification" {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let text = read(&format!("{DOCUMENTED}/{file}"));
        let value: Value = serde_json::from_str(&text).unwrap();
        let listed: Vec<&str> = known
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| d["pointer"].as_str().unwrap())
            .collect();
        if listed.is_empty() {
            let n = notify::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                n.event_type(),
                value["event_type"].as_str().unwrap(),
                "{file}"
            );
            assert!(
                n.known().is_some(),
                "{file}: a printed event is a known one"
            );
            parsed += 1;
            continue;
        }
        let err = notify::parse(text.as_bytes()).expect_err(file).to_string();
        let mut without = value.clone();
        for pointer in &listed {
            let field = pointer.trim_start_matches('/');
            assert!(err.contains(field), "{file}: `{err}` should name {field}");
            without.as_object_mut().unwrap().remove(field);
        }
        let n = notify::parse(without.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{file} without {listed:?}: {e}"));
        assert!(n.known().is_some(), "{file}");
        parsed += 1;
    }
    assert!(parsed >= 1, "no documented notification");
}

/// Every schema of a notification (the five events and
/// `OtherRecordNotification`) has an example, and it goes through
/// `notify::parse` as that kind of event, and verifies with the document's
/// test key: the unknown event's too, by the same signing rule.
#[test]
fn every_notification_schema_example_parses_and_verifies() {
    use chrono::{TimeZone, Utc};
    use live_record_callbacks::notify::{self, NotificationVerifier};
    use live_record_callbacks::types::SignType;
    let doc = yaml(SPEC);
    let union = &doc["components"]["schemas"]["RecordNotification"];
    let test_key = union["x-signing"]["test_key"].as_str().unwrap();
    let mapping = union["discriminator"]["mapping"].as_object().unwrap();
    let known: BTreeSet<&str> = mapping
        .values()
        .map(|r| {
            r.as_str()
                .unwrap()
                .trim_start_matches("#/components/schemas/")
        })
        .collect();
    let body = &doc["components"]["schemas"]["RecordNotificationBody"]["anyOf"];
    let mut names: BTreeSet<&str> = known.clone();
    for branch in body.as_array().unwrap() {
        let name = named(branch).unwrap();
        if name != "RecordNotification" {
            names.insert(name);
        }
    }
    assert_eq!(names.len(), 6, "{names:?}");
    for name in names {
        let example = &doc["components"]["schemas"][name]["example"];
        assert!(example.is_object(), "{name} has no example");
        let n =
            notify::parse(example.to_string().as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(n.known().is_some(), known.contains(name), "{name}");
        assert_eq!(n.event_type(), example["event_type"].as_str().unwrap());
        let sign_type = match n.auth_sign().map(|s| s.len()) {
            Some(32) => SignType::Md5,
            _ => SignType::Hmacsha256,
        };
        let ts = n
            .auth_timestamp()
            .unwrap_or_else(|| panic!("{name} is signed"));
        NotificationVerifier::new(sign_type, test_key.parse().unwrap())
            .verify_at(&n, Utc.timestamp_opt(ts, 0).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
