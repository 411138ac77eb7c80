//! `cargo xtask check`: every way the contract can go wrong, one report.
//! Every section runs whatever the others found; the problems are listed
//! together at the end.
//!
//! The generated client is not built here: tests/client/snapshot.rs (insta) holds
//! the generated code, and tests/client/examples.rs deserializes the examples into
//! the generated types and compares their schemars schemas with the document.

use std::fmt::Display;

use anyhow::{bail, Result};

use crate::document::{entries, str_of, Document};
use crate::{progenitor_rules, SPEC};

pub mod dialect;
pub mod documented;
pub mod examples;
pub mod notifications;
pub mod pins;
pub mod sources;

/// The counts the floors hold.
#[derive(Clone, Copy)]
pub struct Counts {
    /// Documented examples validated against the contract (agreeing, or
    /// disagreeing only where discrepancies.yaml says why).
    pub examples: usize,
    /// Of those, notification bodies.
    pub notifications: usize,
    /// Rules with no valid source (a ceiling, not a floor).
    pub unsourced: usize,
}

/// What the check holds the contract to, stated once: it fails when the
/// examples Huawei prints that the contract is checked against, or the
/// rules that name their source, fall below these. Raise a floor when an
/// example is added; never lower one to make the check pass.
pub const FLOORS: Counts = Counts {
    examples: 8,
    notifications: 1,
    unsourced: 0,
};

// The least the floors may say: the 8 examples Huawei prints today (a
// notification among them) are all checked, and no rule is without its
// source. Lower, it does not compile.
const _: () = assert!(FLOORS.examples >= 8 && FLOORS.notifications >= 1 && FLOORS.unsourced == 0);

/// The report so far, and the problems found; the check keeps going to
/// report them all.
#[derive(Default)]
pub struct Check {
    pub report: String,
    pub problems: Vec<String>,
}

impl Check {
    pub fn line(&mut self, line: impl Display) {
        self.report += &format!("{line}\n");
    }

    pub fn problem(&mut self, section: &str, message: impl Display) {
        self.problems.push(format!("[{section}] {message}"));
    }
}

pub fn run() -> Result<()> {
    let doc = Document::load()?;
    let mut c = Check::default();
    document(&mut c, &doc);
    examples(&mut c, &doc)?;
    let (examples, notifications) = documented::check(&mut c, &doc)?;
    let sources = sources::check(&doc);
    for line in sources.summary() {
        c.line(line);
    }
    for p in sources.problems.iter().chain(&sources.missing) {
        c.problem("sources", p);
    }
    let unsourced = sources.missing.len();
    floors(
        &mut c,
        Counts {
            examples,
            notifications,
            unsourced,
        },
    );
    pins::check(&mut c)?;
    published(&mut c)?;
    print!("{}", c.report);
    if !c.problems.is_empty() {
        for p in &c.problems {
            eprintln!("{p}");
        }
        bail!("contract check failed: {} problem(s)", c.problems.len());
    }
    println!("contract check: OK");
    Ok(())
}

/// The document: OpenAPI 3.0.3, progenitor's rules, what it holds.
fn document(c: &mut Check, doc: &Document) {
    let version = str_of(doc, "openapi").unwrap_or("?");
    let info = |k: &str| doc.get("info").and_then(|i| str_of(i, k)).unwrap_or("?");
    c.line(format!(
        "contract {SPEC}: OpenAPI {version}, \"{}\" version {}",
        info("title"),
        info("version")
    ));
    if version != "3.0.3" {
        let problem = format!("`openapi: {version}`: the contract is OpenAPI 3.0.3");
        c.problem("document", problem);
    }
    match doc.openapi() {
        Ok(spec) => {
            let broken = progenitor_rules::progenitor_rule_violations(&spec);
            let held = if broken.is_empty() { "hold" } else { "BROKEN" };
            c.line(format!("progenitor rules: {held}"));
            for p in broken {
                c.problem("progenitor", p);
            }
        }
        Err(e) => c.problem("document", format!("{e:#}")),
    }
    let operations = doc.operations();
    c.line(format!("operations ({}):", operations.len()));
    for op in &operations {
        let codes: Vec<&str> = entries(op.op.get("responses")).map(|(k, _)| k).collect();
        let method = op.method.to_uppercase();
        let (id, path, codes) = (op.id(), op.path, codes.join(" "));
        c.line(format!("  {id:<28} {method:<6} {path}  [{codes}]"));
    }
    let schemas = entries(doc.get("components").and_then(|c| c.get("schemas")));
    let mut names: Vec<&str> = schemas.map(|(name, _)| name).collect();
    names.sort();
    c.line(format!("schemas ({}): {}", names.len(), names.join(", ")));
}

/// Every example validates against its schema; the notifications hang
/// together.
fn examples(c: &mut Check, doc: &Document) -> Result<()> {
    let all = examples::collect(doc);
    for ex in &all {
        for (at, keyword, message) in dialect::validate(doc, &ex.schema, ex.side, &ex.value)? {
            let at = if at.is_empty() {
                "the value".to_owned()
            } else {
                format!("value at {at}")
            };
            let problem = format!("{}: {at} fails `{keyword}`: {message}", ex.pointer);
            c.problem("examples", problem);
        }
    }
    c.line(format!(
        "examples: {} validated against their schemas (JSON Schema draft 4, OpenAPI 3.0 dialect)",
        all.len()
    ));
    notifications::check(c, doc, &all);
    Ok(())
}

/// The counts against [`FLOORS`]: one line in the report, a problem for
/// each bound not held.
fn floors(c: &mut Check, n: Counts) {
    let mut held = Vec::new();
    for (what, have, floor) in [
        ("documented examples", n.examples, FLOORS.examples),
        (
            "documented notifications",
            n.notifications,
            FLOORS.notifications,
        ),
    ] {
        held.push(format!("{what} {have} (at least {floor})"));
        if have < floor {
            c.problem("floors", format!("{what}: {have}, fewer than the floor of {floor} (xtask/src/check/mod.rs, FLOORS); restore the example, or fix the contract so that it validates"));
        }
    }
    let (have, most) = (n.unsourced, FLOORS.unsourced);
    held.push(format!("rules without a source {have} (at most {most})"));
    if have > most {
        c.problem("floors", format!("rules without a source: {have}, more than the {most} allowed (xtask/src/check/mod.rs, FLOORS)"));
    }
    c.line(format!("floors: {}", held.join(", ")));
}

/// The published renditions and the reference are up to date.
fn published(c: &mut Check) -> Result<()> {
    let state = |ok: bool| if ok { "up to date" } else { "STALE" };
    let stale = crate::bundle::stale()?;
    for s in &stale {
        c.problem("bundle", format!("{s}; run `{}`", crate::bundle::REFRESH));
    }
    c.line(format!(
        "published files (JSON, OpenAPI 3.1, deref, Postman, notification vectors): {}",
        state(stale.is_empty())
    ));
    let reference = crate::docs::stale()?;
    if let Some(s) = &reference {
        c.problem("docs", format!("{s}; run `{}`", crate::docs::REFRESH));
    }
    let path = crate::docs::PATH;
    c.line(format!(
        "contract reference ({path}): {}",
        state(reference.is_none())
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floors_fail_the_check_when_not_met() {
        let problems = |counts| {
            let mut c = Check::default();
            floors(&mut c, counts);
            assert!(c.report.starts_with("floors: documented examples "));
            c.problems
        };
        assert!(problems(FLOORS).is_empty());
        let fewer = Counts {
            examples: FLOORS.examples - 1,
            ..FLOORS
        };
        let found = problems(fewer);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("[floors] documented examples: 7, fewer than the floor of 8"));
        let unsourced = Counts {
            notifications: 0,
            unsourced: 1,
            ..FLOORS
        };
        assert_eq!(problems(unsourced).len(), 2);
    }
}
