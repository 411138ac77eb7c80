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
