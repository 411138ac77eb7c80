//! `cargo xtask docs`: the contract as a Markdown reference for reviewers
//! (`docs/contract.md`), generated from the document and from
//! `openapi/documented/discrepancies.yaml`.
//!
//! Everything is read generically, in the document's order: [`model`] reads
//! the document, [`markdown`] prints what it read.

mod markdown;
mod model;

use anyhow::Result;

use crate::bundle::{self, Rendition};
use crate::check::documented;
use crate::document::Document;

pub const PATH: &str = "docs/contract.md";
pub const REFRESH: &str = "cargo xtask docs";

/// `cargo xtask docs [--check]`.
pub fn run(check: bool) -> Result<()> {
    bundle::write(&[reference()?], check, REFRESH)
}

/// Why `docs/contract.md` is not what the document generates now, if so.
pub fn stale() -> Result<Option<String>> {
    Ok(bundle::stale_files(&[reference()?]).pop())
}

/// The whole reference.
fn reference() -> Result<Rendition> {
    let doc = Document::load()?;
    let (_, discrepancies) = documented::load(&crate::root().join(documented::DIR))?;
    let contents = markdown::print(&model::read(&doc, discrepancies));
    Ok(Rendition {
        path: PATH,
        contents,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::markdown::anchor;
    use super::*;
    use crate::document::{entries, seq, Value};

    fn print(yaml: &str) -> String {
        let doc = Document::parse(yaml, "test").unwrap();
        markdown::print(&model::read(&doc, Vec::new()))
    }

    fn assert_shows(text: &str, lines: &[&str]) {
        for line in lines {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
    }

    /// Each rule of a small document, shown beside its sources; a schema
    /// written inline with a `title` is shown like a component, and shared
    /// request bodies and headers once, linked where used.
    #[test]
    fn rules_are_shown_beside_their_sources() {
        let path = crate::root().join("xtask/tests/sources/all-sourced/openapi.yaml");
        let text = print(&std::fs::read_to_string(path).unwrap());
        assert_shows(&text, &[
            "| `id` (path) | string ([Id](#schema-id)) | yes (api) |",
            "Type: string. Constraints: minLength `1`, maxLength `64` (api).",
            "Constraints: additionalProperties `false` (ours: closed so that typos are caught). Required: `id`, `size` (sdk).",
            "| `size` | integer (int64) | yes | format `int64` (sdk); minimum `0` (api) | `0` (api; sdk) |  |",
            "| `tags` | array of string | no | uniqueItems `true` (sdk); items: enum `[\"a\",\"b\"]` (api) |",
            "| `note` | string | no |  |  |  |",
            "| 200 (api) | ok | `X-request-id` | none |  |",
            "| 404 | no such thing ([NotFound](#response-notfound)) |  | none | `LIVE.1` |",
            "Source of the status: api: the error table.",
            "**200**: no body.\n\n| header | type | required |",
            "| `X-request-id` | string | yes (api; sdk) |",
            "| `LIVE.1` | not found | sdk |",
            "- The whole thing is replaced. (ours: the page says \"modify\", the SDK sends every field)",
            "- size is in bytes (api)",
            "**Scheme:** type `apiKey`, in `header`, name `X-Auth-Token` (api).",
            "- `api`: [The API page](https://example.invalid/api)",
        ]);
        let text = print(
            r#"
paths:
  /x:
    post:
      requestBody: {$ref: '#/components/requestBodies/B'}
      responses:
        '200': {description: ok, headers: {X-Id: {$ref: '#/components/headers/Id'}}}
components:
  requestBodies:
    B:
      content:
        application/json: {examples: {e: {summary: S, value: {k: [1, '`']}}}}
  headers:
    Id: {schema: {type: string}}
  schemas:
    R:
      description: "one\n  two\n\n- a\n  b"
      type: object
      properties: {e: {title: E, type: string, maxLength: 3, x-source: 'api: three'}}
    N: {maxLength: 3, description: "x\n```\n  a\n```"}
"#,
        );
        assert_shows(&text, &[
            "**Request body** (optional): [B](#body-b).",
            "| 200 (**no source**) | ok | `X-Id` ([Id](#header-id)) | none |  |",
            "<a id=\"body-b\"></a>B\n\n**Request body** (optional)\n\nBody `application/json`: any.\n- Example `e` (S): `` { \"k\": [ 1, \"`\" ] } ``\n",
            "<a id=\"header-id\"></a>Id\n\n| header | type |",
            "one two\n\n- a b\n",
            "x\n```\n  a\n```\n",
            "| `e` | string ([E](#schema-e)) | no |  |  |  |",
            "<a id=\"schema-e\"></a>E\n\nType: string. Constraints: maxLength `3` (api: three).",
            "Type: any. Constraints: maxLength `3` (**no source**).",
        ]);
    }

    /// The reference of the contract shows each operation with its
    /// statuses, each schema, error code, notification, signed field and
    /// source, and its links land.
    #[test]
    fn the_reference_is_complete_and_its_links_land() {
        let doc = Document::load().unwrap();
        let text = reference().unwrap().contents;
        // The text after each anchor, up to the next one; "" is all of it.
        let mut sections: HashMap<&str, &str> = text
            .split("<a id=\"")
            .skip(1)
            .filter_map(|s| s.split_once("\"></a>"))
            .collect();
        sections.insert("", &text);
        let mut shown: Vec<(String, String)> = Vec::new();
        for op in doc.operations() {
            let at = anchor("op", &op.id());
            let (method, path) = (op.method.to_uppercase(), op.path);
            shown.push((at.clone(), format!("`{method} {path}`")));
            for (status, _) in entries(op.op.get("responses")) {
                shown.push((at.clone(), format!("\n| {status} ")));
            }
            for (name, _) in entries(op.op.get("callbacks")) {
                let by = format!("[{}](#{at})", op.id());
                shown.push((anchor("notification", name), by));
            }
        }
        let components = |kind| entries(doc["components"].get(kind));
        for (name, response) in components("responses") {
            for e in seq(response.get("x-error-codes")) {
                let code = format!("| `{}` |", e["code"].as_str().unwrap());
                shown.push((anchor("response", name), code));
            }
        }
        for (name, schema) in components("schemas") {
            shown.push((anchor("schema", name), "Type: ".into()));
            for (_, signing) in entries(schema.get("x-signing")) {
                let Some(message) = signing.get("message") else {
                    continue;
                };
                let fields = seq(Some(message)).map(|f| format!("`{}`", f.as_str().unwrap()));
                let fields = fields.collect::<Vec<_>>().join(", ");
                shown.push((String::new(), format!("- `message`: {fields}\n")));
            }
        }
        let mut sources = Vec::new();
        every_source(&doc, false, &mut sources);
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        shown.extend(sources.iter().map(|s| (String::new(), one_line(s))));
        for (at, needle) in &shown {
            let within = sections.get(at.as_str()).expect(at);
            assert!(within.contains(needle.as_str()), "{needle:?} not in {at:?}");
        }
        // GitHub's id of a heading; those linked to are plain words.
        let lower = text.to_lowercase();
        let heading = |at: &str| lower.contains(&format!("\n## {}\n", at.replace('-', " ")));
        for link in text.split("](").skip(1).filter_map(|l| l.split(')').next()) {
            match link.strip_prefix('#') {
                Some(at) => assert!(
                    sections.contains_key(at) || heading(at),
                    "no anchor for {link}"
                ),
                None if !link.starts_with("http") => {
                    assert!(crate::root().join("docs").join(link).exists(), "{link}")
                }
                None => {}
            }
        }
    }

    /// Every string inside an `x-source`, anywhere.
    fn every_source<'v>(v: &'v Value, inside: bool, out: &mut Vec<&'v str>) {
        match v {
            Value::String(s) if inside => out.push(s),
            Value::Sequence(list) => list.iter().for_each(|v| every_source(v, inside, out)),
            Value::Mapping(m) => {
                for (key, v) in m {
                    every_source(v, inside || key.as_str() == Some("x-source"), out);
                }
            }
            _ => {}
        }
    }
}
