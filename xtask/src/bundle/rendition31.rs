//! The OpenAPI 3.1 rendition, in one pass over the 3.0.3 source:
//!
//! - every schema becomes JSON Schema 2020-12 ([`schema`]);
//! - each operation's callbacks are written out, and `components/callbacks`
//!   left out: openapi-python-client refuses a callback that is a `$ref`
//!   (valid OpenAPI; its bug), and the dereferenced rendition does not suit
//!   it (without `components` it generates no notification types). Other
//!   references stay. A written-out callback's operation takes the id
//!   `<id>From<operation's id>`, as ids must be unique and openapi-generator
//!   warns about a callback operation without one;
//! - each callback's path item is also a top-level webhook, inline with its
//!   own `operationId` (Redocly requires one; @hey-api/openapi-ts names the
//!   types after it): openapi-typescript types only an inline webhook, and
//!   @hey-api/openapi-ts, Redocly's `build-docs` and openapi-to-postmanv2
//!   lose one that is a reference. A webhook is named after its callback; the
//!   same callback on several operations is published once, different ones
//!   under one name are told apart by the operation's id;
//! - server variables lose their `description`: @apidevtools/swagger-parser's
//!   bundled 3.1 schema refuses it (APIDevTools/swagger-cli#83).

use crate::bundle::{insert_after, operations_mut};
use crate::document::{map_outside_data, map_schema, str_of, Document, Mapping, Value};

/// The OpenAPI 3.1 rendition of a 3.0 document.
pub fn to_3_1(source: &Document) -> Value {
    // Example values and extensions are data, left as they are.
    let doc = Document {
        root: map_outside_data(source, &|key, v| match (key, v) {
            ("schema", _) => Some(map_schema(v, &schema)),
            ("schemas", Value::Mapping(s)) => {
                let s = s.iter().map(|(n, s)| (n.clone(), map_schema(s, &schema)));
                Some(Value::Mapping(s.collect()))
            }
            // A server's variables.
            ("variables", Value::Mapping(vars)) => {
                let mut vars = vars.clone();
                for var in vars.values_mut().filter_map(Value::as_mapping_mut) {
                    var.remove("description");
                }
                Some(vars.into())
            }
            _ => None,
        }),
    };
    let mut out = doc.root.clone();
    out["openapi"] = "3.1.0".into();
    let mut webhooks = Mapping::new();
    operations_mut(&mut out, &mut |op, parent| match parent {
        None => write_out_callbacks(&doc, op, &mut webhooks),
        Some(parent) => {
            if let Some(id) = str_of(op, "operationId") {
                op["operationId"] = format!("{id}From{parent}").into();
            }
        }
    });
    if let Some(Value::Mapping(components)) = out.get_mut("components") {
        components.remove("callbacks");
    }
    match out {
        Value::Mapping(m) if !webhooks.is_empty() => {
            insert_after(m, "paths", "webhooks", webhooks.into()).into()
        }
        out => out,
    }
}

/// Writes out each callback of `op` (its `$ref` and its path items'
/// followed in `doc`) and adds its path items to `webhooks`.
fn write_out_callbacks(doc: &Document, op: &mut Value, webhooks: &mut Mapping) {
    let op_id = str_of(op, "operationId").unwrap_or("Operation").to_owned();
    let Some(Value::Mapping(callbacks)) = op.get_mut("callbacks") else {
        return;
    };
    for (name, callback) in callbacks.iter_mut() {
        let name = name.as_str().unwrap_or_default();
        let items = doc.resolve(callback).as_mapping().cloned();
        let mut items = items.unwrap_or_default();
        let many = items.len() > 1;
        for (i, item) in items.values_mut().enumerate() {
            *item = doc.resolve(item).clone();
            let hook = match many {
                true => format!("{name}{}", i + 1),
                false => name.to_owned(),
            };
            let hook = match webhooks.get(&hook) {
                Some(other) if other != item => format!("{hook}_{op_id}"),
                _ => hook,
            };
            webhooks.entry(hook.into()).or_insert(item.clone());
        }
        *callback = Value::Mapping(items);
    }
}

/// One 3.0 schema object as 3.1, its subschemas already rewritten:
/// `nullable: true` becomes a `null` type and enum value (without a `type`,
/// `anyOf` the schema and `{type: 'null'}`), `example` becomes `examples`,
/// and boolean exclusive bounds take the bound's value. Everything else
/// (`format: password`, `writeOnly`, extensions) is kept.
pub fn schema(m: &Mapping) -> Value {
    let flag = |key: &str| m.get(key).and_then(Value::as_bool) == Some(true);
    let nullable = flag("nullable");
    let with_null = |v: &Value, null: Value| {
        let mut list = v.as_sequence().cloned().unwrap_or_else(|| vec![v.clone()]);
        if !list.contains(&null) {
            list.push(null);
        }
        Value::Sequence(list)
    };
    let mut out = Mapping::new();
    for (k, v) in m {
        let (k, v) = match (k.as_str().unwrap_or_default(), v) {
            ("nullable", _) | ("exclusiveMinimum" | "exclusiveMaximum", Value::Bool(_)) => continue,
            ("example", _) => ("examples", Value::Sequence(vec![v.clone()])),
            ("minimum", _) if flag("exclusiveMinimum") => ("exclusiveMinimum", v.clone()),
            ("maximum", _) if flag("exclusiveMaximum") => ("exclusiveMaximum", v.clone()),
            ("type", _) if nullable => ("type", with_null(v, "null".into())),
            ("enum", _) if nullable => ("enum", with_null(v, Value::Null)),
            (k, _) => (k, v.clone()),
        };
        out.insert(k.into(), v);
    }
    if nullable && !m.contains_key("type") {
        let null = Mapping::from_iter([("type".into(), "null".into())]);
        let any_of = vec![out.into(), null.into()];
        return Mapping::from_iter([("anyOf".into(), Value::Sequence(any_of))]).into();
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::{doc, keys, y};

    #[test]
    fn schemas_become_3_1() {
        let cases = y(r#"
- - {type: string, nullable: true, enum: [a, b], example: a, format: password, writeOnly: true, x-extensible-enum: [a]}
  - {type: [string, 'null'], enum: [a, b, null], examples: [a], format: password, writeOnly: true, x-extensible-enum: [a]}
- - {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false}
  - {type: integer, exclusiveMinimum: 0, maximum: 9}
- - {nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}
  - {anyOf: [{allOf: [{$ref: '#/components/schemas/A'}]}, {type: 'null'}]}
- - {type: object, properties: {a: {type: [string, integer], nullable: true}}}
  - {type: object, properties: {a: {type: [string, integer, 'null']}}}
"#);
        for case in cases.as_sequence().unwrap() {
            assert_eq!(map_schema(&case[0], &schema), case[1], "{case:?}");
        }
    }

    /// The whole rendition: 3.1, schemas rewritten everywhere, callbacks
    /// written out (their ids told apart), published once as webhooks (ids
    /// kept), `components/callbacks` gone, server variables without
    /// descriptions.
    #[test]
    fn callbacks_become_webhooks() {
        let got = to_3_1(&doc(r#"
openapi: 3.0.3
servers:
  - url: https://{region}.example.com
    description: kept
    variables: {region: {description: dropped, default: a, enum: [a, b]}}
paths:
  /things:
    post:
      operationId: MakeThing
      callbacks:
        thing:
          '{$request.body#/url}':
            post: {operationId: NotifyThing, requestBody: {content: {application/json: {schema: {type: object, example: {a: 1}}}}}}
    put:
      operationId: ReplaceThing
      callbacks: {thing: {$ref: '#/components/callbacks/Thing'}}
components:
  callbacks:
    Thing: {'{$request.body#/url}': {$ref: '#/paths/~1things/post/callbacks/thing/%7B$request.body%23~1url%7D'}}
  schemas: {T: {type: string, nullable: true}}
"#));
        let hook = y("thing: {post: {operationId: NotifyThing, requestBody: {content: {application/json: {schema: {type: object, examples: [{a: 1}]}}}}}}");
        let top = ["openapi", "servers", "paths", "webhooks", "components"];
        assert_eq!(keys(&got), top);
        assert_eq!(got["openapi"], "3.1.0");
        assert_eq!(got["webhooks"], hook);
        for (method, id) in [("post", "MakeThing"), ("put", "ReplaceThing")] {
            let callback = &got["paths"]["/things"][method]["callbacks"]["thing"];
            let written = &callback["{$request.body#/url}"]["post"];
            assert_eq!(
                written["operationId"],
                Value::from(format!("NotifyThingFrom{id}"))
            );
            assert_eq!(written["requestBody"], hook["thing"]["post"]["requestBody"]);
        }
        assert_eq!(
            got["components"],
            y("schemas: {T: {type: [string, 'null']}}")
        );
        let server = "{url: 'https://{region}.example.com', description: kept, variables: {region: {default: a, enum: [a, b]}}}";
        assert_eq!(got["servers"][0], y(server));
    }
}
