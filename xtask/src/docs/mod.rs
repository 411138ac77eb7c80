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
use crate::document::Document;
use crate::documented;

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
    let (_, discrepancies) = documented::load()?;
    let contents = markdown::print(&model::read(&doc, discrepancies));
    Ok(Rendition {
        path: PATH,
        contents,
    })
}

#[cfg(test)]
mod tests {
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
    /// written inline with a `title` is shown like a component.
    #[test]
    fn rules_are_shown_beside_their_sources() {
        let path = crate::root().join("xtask/tests/sources/all-sourced/openapi.yaml");
        let text = print(&std::fs::read_to_string(path).unwrap());
        assert_shows(&text, &[
            "| `id` (path) | string ([Id](#schema-id)) | yes (api) |",
            "Constraints: minLength `1`, maxLength `64` (api).",
            "Constraints: additionalProperties `false` (ours: closed so that typos are caught).\nRequired: `id`, `size` (sdk).",
            "| `size` | integer (int64) | yes | format `int64` (sdk); minimum `0` (api) | `0` (api; sdk) |  |",
            "| `tags` | array of string | no | uniqueItems `true` (sdk); items: enum `[\"a\",\"b\"]` (api) |",
            "| `note` | string | no |  |  |  |",
            "| 200 (api) | ok | none |  |",
            "| 404 | no such thing ([NotFound](#response-notfound)) | none | `LIVE.1` |",
            "Source of the status: api: the error table.",
            "| `X-request-id` | string | yes (api; sdk) |",
            "| `LIVE.1` | not found | sdk |",
            "- The whole thing is replaced. (ours: the page says \"modify\", the SDK sends every field)",
            "- size is in bytes (api)",
            "**Scheme:** type `apiKey`, in `header`, name `X-Auth-Token`.",
            "- `api`: [The API page](https://example.invalid/api)",
        ]);
        let text = print(
            "components: {schemas: {R: {type: object, properties: {e: {title: E, \
            type: string, maxLength: 3, x-source: 'api: three'}}}, N: {maxLength: 3}}}",
        );
        assert_shows(&text, &[
            "| `e` | string ([E](#schema-e)) | no |  |  |  |",
            "<a id=\"schema-e\"></a>\n### E\n\nType: string.\nConstraints: maxLength `3` (api: three).",
            "Type: any.\nConstraints: maxLength `3` (**no source**).",
        ]);
    }

    /// The reference of the contract shows every operation, status, error
    /// code, notification, signing field and source, and its links land.
    #[test]
    fn the_reference_is_complete_and_its_links_land() {
        let doc = Document::load().unwrap();
        let text = reference().unwrap().contents;
        let mut shown = Vec::new();
        for op in doc.operations() {
            shown.push(format!(
                "### {}\n\n`{} {}`",
                op.id(),
                op.method.to_uppercase(),
                op.path
            ));
            for (status, _) in entries(op.op.get("responses")) {
                let section = text.split(&format!("### {}\n", op.id())).nth(1).unwrap();
                assert!(section
                    .split("\n### ")
                    .next()
                    .unwrap()
                    .contains(&format!("| {status}")));
            }
        }
        let mut sources = Vec::new();
        every_source(&doc, &mut sources);
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        shown.extend(sources.iter().map(|s| one_line(s)));
        let schema = doc.schema("RecordNotification").unwrap();
        let signed = seq(schema["x-signing"]["HMACSHA256"].get("message"));
        shown.extend(signed.map(|f| format!("  - {}\n", f.as_str().unwrap())));
        shown.push("### recordNotification\n\nRegistered by [CreateRecordCallbackConfig]".into());
        for (_, response) in entries(doc["components"].get("responses")) {
            for e in seq(response.get("x-error-codes")) {
                shown.push(format!("`{}`", e["code"].as_str().unwrap()));
            }
        }
        assert_shows(&text, &shown.iter().map(String::as_str).collect::<Vec<_>>());
        let anchor = |at: &str| text.contains(&format!("<a id=\"{at}\">"));
        // GitHub's id of a heading; those linked to are plain words.
        let lower = text.to_lowercase();
        let heading = |at: &str| lower.contains(&format!("\n## {}\n", at.replace('-', " ")));
        for link in text.split("](").skip(1).filter_map(|l| l.split(')').next()) {
            match link.strip_prefix('#') {
                Some(at) => assert!(anchor(at) || heading(at), "no anchor for {link}"),
                None if !link.starts_with("http") => {
                    assert!(crate::root().join("docs").join(link).exists(), "{link}")
                }
                None => {}
            }
        }
    }

    /// Every reference an `x-source` gives, anywhere.
    fn every_source<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
        let strings = |v: &'v Value| seq(Some(v)).chain([v]).filter_map(Value::as_str);
        for (key, v) in entries(Some(v)) {
            match key {
                "x-source" if v.is_mapping() => {
                    entries(Some(v)).for_each(|(_, v)| out.extend(strings(v)))
                }
                "x-source" => out.extend(strings(v)),
                _ => every_source(v, out),
            }
        }
        seq(Some(v)).for_each(|v| every_source(v, out));
    }
}
