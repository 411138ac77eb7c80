//! `cargo xtask docs`: the contract as a Markdown reference for reviewers
//! (`docs/contract.md`), generated from the document and from
//! `openapi/documented/discrepancies.yaml`.
//!
//! Everything is read generically: operations, parameters, bodies,
//! responses, callbacks, component schemas and any `x-signing` extension
//! are rendered from whatever the document holds, in the document's order.
//! [`model`] reads the document; [`markdown`] prints what it read.

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

    /// Each rule of a small document, shown beside its source.
    #[test]
    fn sources_are_shown_beside_their_rules() {
        let path = crate::root().join("xtask/tests/sources/all-sourced/openapi.yaml");
        let doc = Document::parse(&std::fs::read_to_string(path).unwrap(), "fixture").unwrap();
        let text = markdown::print(&model::read(&doc, Vec::new()));
        for line in [
            // Parameters and fields: required, each constraint, the default.
            "| `id` | path | string ([Id](#schema-id)) | yes (api) | minLength 1 (api); maxLength 64 (api) |  |  |",
            "| `size` | integer (int64) | yes (sdk) | format `int64` (sdk); minimum 0 (api) | `0` (api; sdk) |  |",
            "| `tags` | array of string | no | uniqueItems true (sdk); items: one of `\"a\"`, `\"b\"` (api) |  |  |",
            "Constraints: no other properties (ours: closed so that typos are caught).",
            // Status codes, headers, error codes, rules, schemes, the registry.
            "| 404 (api: the error table) | no such thing | none | `LIVE.1` |",
            "| `X-request-id` | string | yes (api; sdk) |  |",
            "| `LIVE.1` | not found | sdk |",
            "- The whole thing is replaced. (ours: the page says \"modify\", the SDK sends every field)",
            "- size is in bytes (api)",
            "Source: api.",
            "- `api`: [The API page](https://example.invalid/api)",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        // A rule without a source says so.
        let bare = "components: {schemas: {N: {type: string, maxLength: 3}}}";
        let doc = Document::parse(bare, "bare").unwrap();
        let text = markdown::print(&model::read(&doc, Vec::new()));
        assert!(
            text.contains("Constraints: maxLength 3 (**no source**)."),
            "{text}"
        );
    }

    /// A schema written inline with a `title` gets a section of its own,
    /// with its rules beside their sources, and the field holding it links
    /// there.
    #[test]
    fn inline_titled_schemas_are_shown_like_components() {
        let text = "components: {schemas: {R: {type: object, properties: {e: {title: E, \
            type: string, maxLength: 3, x-source: 'api: three at most'}}}}}";
        let doc = Document::parse(text, "titled").unwrap();
        let text = markdown::print(&model::read(&doc, Vec::new()));
        for line in [
            "| `e` | string ([E](#schema-e)) | no | maxLength 3 (api: three at most) |",
            "<a id=\"schema-e\"></a>\n### E\n",
            "Type: string.\nConstraints: maxLength 3 (api: three at most).",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
    }
}
