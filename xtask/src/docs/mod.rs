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

use anyhow::{bail, Context, Result};

use crate::document::Document;
use crate::{documented, SPEC};

pub const PATH: &str = "docs/contract.md";
pub const REFRESH: &str = "cargo xtask docs";

/// `cargo xtask docs [--check]`.
pub fn run(check: bool) -> Result<()> {
    let text = render()?;
    let path = crate::root().join(PATH);
    let old = std::fs::read_to_string(&path).ok();
    if check {
        match old {
            Some(old) if old == text => {
                println!("{PATH}: up to date");
                Ok(())
            }
            Some(_) => bail!("{PATH} is out of date with {SPEC}; run `{REFRESH}`"),
            None => bail!("{PATH} is missing; run `{REFRESH}`"),
        }
    } else {
        if old.as_deref() == Some(text.as_str()) {
            println!("{PATH}: unchanged");
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&path, text).with_context(|| format!("writing {PATH}"))?;
            println!("{PATH}: written");
        }
        Ok(())
    }
}

/// Whether `docs/contract.md` is what the document generates now.
pub fn stale() -> Result<Option<String>> {
    let text = render()?;
    Ok(match std::fs::read_to_string(crate::root().join(PATH)) {
        Ok(old) if old == text => None,
        Ok(_) => Some(format!("{PATH} is out of date")),
        Err(_) => Some(format!("{PATH} is missing")),
    })
}

/// The whole reference.
pub fn render() -> Result<String> {
    let doc = Document::load()?;
    let (_, discrepancies) = documented::load()?;
    markdown::print(&model::read(&doc, discrepancies))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rule of a small document, shown beside its source.
    #[test]
    fn sources_are_shown_beside_their_rules() {
        let path = crate::root().join("xtask/tests/sources/all-sourced/openapi.yaml");
        let doc = Document::parse(&std::fs::read_to_string(path).unwrap(), "fixture").unwrap();
        let text = markdown::print(&model::read(&doc, Vec::new())).unwrap();
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
        let text = markdown::print(&model::read(&doc, Vec::new())).unwrap();
        assert!(
            text.contains("Constraints: maxLength 3 (**no source**)."),
            "{text}"
        );
    }
}
