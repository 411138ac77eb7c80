//! `cargo xtask check`: every way the contract can go wrong, one report.
//! Every section runs whatever the others found; the problems are listed
//! together at the end.
//!
//! The generated client is not built here: tests/snapshot.rs (insta) holds
//! the generated code, and tests/examples.rs deserializes the examples into
//! the generated types and compares their schemars schemas with the document.

use std::fmt::Display;

use anyhow::{bail, Result};

use crate::document::{entries, str_of, Document};
use crate::{dialect, documented, examples, notifications, progenitor_rules, sources, SPEC};

/// The counts the floors hold.
#[derive(Clone, Copy)]
pub struct Counts {
    /// Documented examples validated against the contract (agreeing, or
    /// disagreeing only where discrepancies.yaml says why).
    pub documented_examples: usize,
    /// Of those, notification bodies.
    pub documented_notifications: usize,
    /// Rules with no valid source (a ceiling, not a floor).
    pub rules_without_source: usize,
}

/// What the check holds the contract to, stated once: it fails when the
/// examples Huawei prints that the contract is checked against, or the
/// rules that name their source, fall below these (issue 10: at least 8
/// documented examples, notifications included, and no rule without a
/// source). Raise a floor when an example is added; never lower one to make
/// the check pass.
pub const FLOORS: Counts = Counts {
    documented_examples: 8,
    documented_notifications: 1,
    rules_without_source: 0,
};

// Issue 10's floors are the least these may say: lowering one below them
// does not compile.
const _: () = assert!(
    FLOORS.documented_examples >= 8
        && FLOORS.documented_notifications >= 1
        && FLOORS.rules_without_source == 0
);

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
    let (documented_examples, documented_notifications) = documented::check(&mut c, &doc)?;
    let sources = sources::check(&doc);
    for line in sources.summary() {
        c.line(line);
    }
    for p in sources.problems.iter().chain(&sources.missing) {
        c.problem("sources", p);
    }
    let counts = Counts {
        documented_examples,
        documented_notifications,
        rules_without_source: sources.missing.len(),
    };
    floors(&mut c, counts);
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
fn floors(c: &mut Check, counts: Counts) {
    let (n, f) = (counts, FLOORS);
    let at_least = [
        (
            "documented examples",
            n.documented_examples,
            f.documented_examples,
        ),
        (
            "documented notifications",
            n.documented_notifications,
            f.documented_notifications,
        ),
    ];
    let mut held = Vec::new();
    for (what, have, floor) in at_least {
        held.push(format!("{what} {have} (at least {floor})"));
        if have < floor {
            c.problem("floors", format!("{what}: {have}, fewer than the floor of {floor} (xtask/src/check.rs, FLOORS); restore the example, or fix the contract so that it validates"));
        }
    }
    let (have, most) = (n.rules_without_source, f.rules_without_source);
    held.push(format!("rules without a source {have} (at most {most})"));
    if have > most {
        let problem = format!("rules without a source: {have}, more than the {most} allowed (xtask/src/check.rs, FLOORS)");
        c.problem("floors", problem);
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
        "renditions (JSON, OpenAPI 3.1): {}",
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
            documented_examples: FLOORS.documented_examples - 1,
            ..FLOORS
        };
        let found = problems(fewer);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("[floors] documented examples: 7, fewer than the floor of 8"));
        let unsourced = Counts {
            documented_notifications: 0,
            rules_without_source: 1,
            ..FLOORS
        };
        assert_eq!(problems(unsourced).len(), 2);
    }
}
