//! The last touches on the OpenAPI 3.1 rendition, for the tools people
//! import it into:
//!
//! - each `webhooks` entry is written out in full rather than as a `$ref`
//!   to the callback's path item: openapi-typescript types a webhook only
//!   when its path item is inline, and @hey-api/openapi-ts, Redocly's
//!   `build-docs` and openapi-to-postmanv2 lose a webhook that is a
//!   reference (into `#/paths/...` or elsewhere). The rendition is
//!   generated, so the copy costs nothing; references inside the path item
//!   (schemas, examples under `components`) stay references;
//!   The operation keeps its `operationId` in the webhook, where Redocly
//!   requires one and @hey-api/openapi-ts names the webhook's types after
//!   it (`NotifyRecordEventWebhookPayload`);
//! - each operation's `callbacks` entry is written out in full too, and
//!   `components/callbacks` (then unused) is left out: openapi-python-client
//!   refuses a callback that is a `$ref` (valid OpenAPI, its bug), and the
//!   dereferenced rendition does not suit it (without `components` it
//!   generates no notification types and names the inline error bodies
//!   twice). The source keeps the callback once, under
//!   `components/callbacks`. A written-out callback's operation takes the
//!   id `<id>From<operation's id>` (`NotifyRecordEventFromCreateRecordCallbackConfig`),
//!   as ids must be unique and openapi-generator warns about a callback
//!   operation without one;
//! - server variables lose their `description`: @apidevtools/swagger-parser's
//!   bundled 3.1 schema refuses it (a tool bug, APIDevTools/swagger-cli#83),
//!   and users would read "invalid". The 3.0 source and its renditions keep
//!   it.

use anyhow::{bail, Result};
use serde_yaml::{Mapping, Value};

use crate::document::pointer;

/// The 3.1 rendition `bundle::to_3_1` produced, finished.
pub fn finish(doc: Value) -> Result<Value> {
    let webhooks = match doc.get("webhooks") {
        Some(Value::Mapping(hooks)) => {
            let mut out = Mapping::new();
            for (name, item) in hooks {
                out.insert(name.clone(), written_out(&doc, item)?);
            }
            Some(out)
        }
        _ => None,
    };
    let mut doc = without_server_variable_descriptions(&doc);
    let source = doc.clone();
    if let Some(Value::Mapping(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Mapping(item) = item else { continue };
            for op in item.values_mut() {
                write_out_callbacks(&source, op)?;
            }
        }
    }
    if let Some(Value::Mapping(components)) = doc.get_mut("components") {
        components.remove("callbacks");
    }
    if let (Some(hooks), Value::Mapping(map)) = (webhooks, &mut doc) {
        map.insert("webhooks".into(), Value::Mapping(hooks));
    }
    Ok(doc)
}

/// The `callbacks` of operation `op`, each written out in full (its own
/// `$ref` and its path items' followed), the operations in them renamed
/// `<id>From<op's id>`.
fn write_out_callbacks(doc: &Value, op: &mut Value) -> Result<()> {
    let op_id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("Operation")
        .to_owned();
    let Some(Value::Mapping(callbacks)) = op.get_mut("callbacks") else {
        return Ok(());
    };
    for callback in callbacks.values_mut() {
        let mut out = Mapping::new();
        for (expr, item) in written_out(doc, callback)?
            .as_mapping()
            .into_iter()
            .flatten()
        {
            let mut item = written_out(doc, item)?;
            for cb_op in item
                .as_mapping_mut()
                .into_iter()
                .flat_map(|i| i.values_mut())
            {
                let Value::Mapping(cb_op) = cb_op else {
                    continue;
                };
                if let Some(id) = cb_op.get("operationId").and_then(Value::as_str) {
                    let renamed = format!("{id}From{op_id}");
                    cb_op.insert("operationId".into(), renamed.into());
                }
            }
            out.insert(expr.clone(), item);
        }
        *callback = Value::Mapping(out);
    }
    Ok(())
}

/// A callback or path item with its own `$ref` chain followed (16 steps at
/// most).
fn written_out(doc: &Value, item: &Value) -> Result<Value> {
    let mut item = item;
    for _ in 0..16 {
        let Some(r) = item.get("$ref") else {
            return Ok(item.clone());
        };
        let Some(p) = r.as_str().and_then(|r| r.strip_prefix("#/")) else {
            bail!("`$ref: {r:?}` (a webhook or callback) does not point into the document");
        };
        let Some(target) = pointer(doc, p) else {
            bail!("`$ref: #/{p}` (a webhook or callback) points at nothing");
        };
        item = target;
    }
    bail!("a webhook's or callback's `$ref` chain is longer than 16 steps")
}

/// Every `servers` list (top level, path items, operations) without
/// `description` on its variables. Examples and extensions are data.
fn without_server_variable_descriptions(v: &Value) -> Value {
    crate::document::map_outside_data(v, &|key, v| (key == "servers").then(|| servers(v)))
}

fn servers(v: &Value) -> Value {
    let Value::Sequence(list) = v else {
        return v.clone();
    };
    let list = list
        .iter()
        .map(|server| {
            let mut server = server.clone();
            if let Some(Value::Mapping(vars)) = server.get_mut("variables") {
                for var in vars.values_mut() {
                    if let Value::Mapping(var) = var {
                        var.remove("description");
                    }
                }
            }
            server
        })
        .collect();
    Value::Sequence(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::{keys, y};

    #[test]
    fn webhooks_and_callbacks_are_written_out_and_variables_lose_descriptions() {
        let doc = y(r#"
openapi: 3.1.0
servers:
  - url: https://{region}.example.com
    description: kept
    variables:
      region: {description: dropped, default: a, enum: [a, b]}
paths:
  /things:
    post:
      operationId: MakeThing
      callbacks:
        thing:
          $ref: '#/components/callbacks/Thing'
webhooks:
  thing:
    $ref: '#/components/callbacks/Thing/%7B$request.body%23~1url%7D'
components:
  callbacks:
    Thing:
      '{$request.body#/url}':
        post:
          operationId: NotifyThing
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/T'}
  schemas:
    T: {type: object}
"#);
        let got = finish(doc).unwrap();
        assert_eq!(
            got["webhooks"]["thing"],
            y(r#"
post:
  operationId: NotifyThing
  requestBody:
    content:
      application/json:
        schema: {$ref: '#/components/schemas/T'}
"#)
        );
        // The id stays with the webhook; the operation's callback is
        // written out too, its id told apart, and components/callbacks
        // (unused now) is gone.
        let callback = &got["paths"]["/things"]["post"]["callbacks"]["thing"];
        assert_eq!(
            callback["{$request.body#/url}"]["post"]["operationId"],
            Value::from("NotifyThingFromMakeThing")
        );
        assert_eq!(
            callback["{$request.body#/url}"]["post"]["requestBody"],
            got["webhooks"]["thing"]["post"]["requestBody"]
        );
        assert!(got["components"].get("callbacks").is_none());
        assert_eq!(got["components"]["schemas"]["T"], y("{type: object}"));
        assert_eq!(
            got["servers"][0],
            y("{url: 'https://{region}.example.com', description: kept, variables: {region: {default: a, enum: [a, b]}}}")
        );
        assert_eq!(
            keys(&got),
            ["openapi", "servers", "paths", "webhooks", "components"]
        );
    }
}
