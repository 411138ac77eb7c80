//! `cargo xtask check`: every way the contract can go wrong, one report.
//! Every section runs whatever the others found; the problems are listed
//! together at the end.
//!
//! The generated client is not built here: tests/snapshot.rs (insta) holds
//! the generated code, and tests/examples.rs deserializes the examples into
//! the generated types and compares their schemars schemas with the document.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Result};

use crate::document::{entries, Document};
use crate::{dialect, documented, examples, notifications, progenitor_rules, sources, SPEC};

/// What the check holds the contract to, stated once: it fails when the
/// examples Huawei prints that the contract is checked against, or the
/// rules that name their source, fall below these (issue 10: at least 8
/// documented examples, notifications included, and no rule without a
/// source). Raise a floor when an example is added; never lower one to make
/// the check pass.
pub struct Floors {
    /// Documented examples validated against the contract (agreeing, or
    /// disagreeing only where discrepancies.yaml says why).
    pub documented_examples: usize,
    /// Of those, notification bodies.
    pub documented_notifications: usize,
    /// Rules with no valid source: at most this many.
    pub rules_without_source: usize,
}

pub const FLOORS: Floors = Floors {
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

/// What the floors are compared with.
#[derive(Default)]
struct Counts {
    documented_examples: usize,
    documented_notifications: usize,
    rules_without_source: usize,
}

/// The report so far, and the problems found; the check keeps going to
/// report them all.
#[derive(Default)]
struct Check {
    report: String,
    problems: Vec<String>,
}

impl Check {
    fn line(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.report, "{line}");
    }

    fn problem(&mut self, section: &str, message: impl std::fmt::Display) {
        self.problems.push(format!("[{section}] {message}"));
    }
}

pub fn run() -> Result<()> {
    let doc = Document::load()?;
    let mut c = Check::default();
    let mut counts = Counts::default();
    document(&mut c, &doc);
    examples(&mut c, &doc)?;
    documented(&mut c, &doc, &mut counts)?;
    sources(&mut c, &doc, &mut counts);
    floors(&mut c, &counts, &FLOORS);
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
    let field = |k: &str| {
        doc.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_owned()
    };
    let info = |k: &str| {
        doc.get("info")
            .and_then(|i| i.get(k)?.as_str())
            .unwrap_or("?")
    };
    let version = field("openapi");
    c.line(format!(
        "contract {SPEC}: OpenAPI {version}, \"{}\" version {}",
        info("title"),
        info("version")
    ));
    if version != "3.0.3" {
        c.problem(
            "document",
            format!("`openapi: {version}`: the contract is OpenAPI 3.0.3"),
        );
    }
    match doc.openapi() {
        Ok(spec) => {
            let broken = progenitor_rules::progenitor_rule_violations(&spec);
            c.line(format!(
                "progenitor rules: {}",
                if broken.is_empty() { "hold" } else { "BROKEN" }
            ));
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
        c.line(format!(
            "  {:<28} {:<6} {}  [{}]",
            op.id(),
            op.method.to_uppercase(),
            op.path,
            codes.join(" ")
        ));
    }
    let schemas = entries(doc.get("components").and_then(|c| c.get("schemas")));
    let names: BTreeSet<&str> = schemas.map(|(name, _)| name).collect();
    let names: Vec<&str> = names.into_iter().collect();
    c.line(format!("schemas ({}): {}", names.len(), names.join(", ")));
}

/// Every example validates against its schema; the notification examples
/// are signed as `x-signing` says.
fn examples(c: &mut Check, doc: &Document) -> Result<()> {
    let all = examples::collect(doc);
    for ex in &all {
        for (at, keyword, message) in dialect::validate(doc, &ex.schema, ex.side, &ex.value)? {
            let at = if at.is_empty() {
                "the value".to_owned()
            } else {
                format!("value at {at}")
            };
            c.problem(
                "examples",
                format!("{}: {at} fails `{keyword}`: {message}", ex.pointer),
            );
        }
    }
    c.line(format!(
        "examples: {} validated against their schemas (JSON Schema draft 4, OpenAPI 3.0 dialect)",
        all.len()
    ));
    let notifications = notifications::check(doc, &all);
    for p in &notifications.problems {
        c.problem("notifications", p);
    }
    for line in &notifications.lines {
        c.line(line);
    }
    Ok(())
}

/// The examples Huawei's pages print: each one validates, or disagrees only
/// where discrepancies.yaml says why.
fn documented(c: &mut Check, doc: &Document, counts: &mut Counts) -> Result<()> {
    const DIR: &str = documented::DIR;
    let (entries, discrepancies) = documented::load()?;
    for file in documented::unlisted(&entries)? {
        c.problem(
            "documented",
            format!(
                "{DIR}/{file} is not listed in {DIR}/index.yaml, so nothing checks it: list it"
            ),
        );
    }
    let mut verdicts = Vec::new();
    let mut matched = BTreeSet::new();
    for entry in &entries {
        let found = entry.value().and_then(|v| entry.disagreements(doc, &v));
        let disagreements = match found {
            Ok(d) => d,
            Err(e) => {
                c.problem("documented", format!("{}: {e:#}", entry.file));
                verdicts.push(format!(
                    "{} -> {}: NOT VALIDATED",
                    entry.file,
                    entry.target()
                ));
                continue;
            }
        };
        let (mut unexplained, mut explained) = (Vec::new(), Vec::new());
        for (pointer, keyword, message) in disagreements {
            let known = discrepancies
                .iter()
                .position(|d| d.file == entry.file && d.pointer == pointer && d.keyword == keyword);
            match known {
                Some(i) => {
                    matched.insert(i);
                    explained.push(format!("{pointer} `{keyword}`"));
                }
                None => unexplained.push(format!("{pointer}: `{keyword}`: {message}")),
            }
        }
        for u in &unexplained {
            c.problem("documented", format!("{DIR}/{} ({}) disagrees with the contract at {u}; fix the contract or list it in {DIR}/discrepancies.yaml with the reason", entry.file, entry.source));
        }
        let verdict = match (unexplained.is_empty(), explained.is_empty()) {
            (false, _) => "DISAGREES".to_owned(),
            (true, true) => "agrees".to_owned(),
            (true, false) => format!("known discrepancy at {}", explained.join(", ")),
        };
        if unexplained.is_empty() {
            counts.documented_examples += 1;
            if entry.part == documented::Part::Notification {
                counts.documented_notifications += 1;
            }
        }
        verdicts.push(format!("{} -> {}: {verdict}", entry.file, entry.target()));
    }
    for (i, d) in discrepancies.iter().enumerate() {
        if !matched.contains(&i) {
            c.problem("documented", format!("{DIR}/discrepancies.yaml lists {} {} `{}`, but the example no longer disagrees there: remove the entry", d.file, d.pointer, d.keyword));
        }
    }
    let count = |end: &str| verdicts.iter().filter(|v| v.contains(end)).count();
    let (agree, known) = (count(": agrees"), count(": known discrepancy"));
    let (disagree, unchecked) = (count(": DISAGREES"), count(": NOT VALIDATED"));
    c.line(format!("documented examples: {} listed, {} validated ({agree} agree, {known} with a known discrepancy, {disagree} disagree), {unchecked} not validated", entries.len(), entries.len() - unchecked));
    for v in verdicts {
        c.line(format!("  {v}"));
    }
    c.line(format!("known discrepancies ({}):", discrepancies.len()));
    for d in &discrepancies {
        c.line(format!(
            "  {} {}: documented {}, contract: {}",
            d.file, d.pointer, d.documented, d.contract
        ));
    }
    Ok(())
}

/// Every rule names its source.
fn sources(c: &mut Check, doc: &Document, counts: &mut Counts) {
    let report = sources::check(doc);
    counts.rules_without_source = report.missing.len();
    for line in report.summary() {
        c.line(line);
    }
    for p in report.problems {
        c.problem("sources", p);
    }
    for m in report.missing {
        c.problem("sources", m);
    }
}

/// The counts against [`FLOORS`]: one line in the report, a problem for
/// each floor not met.
fn floors(c: &mut Check, counts: &Counts, floors: &Floors) {
    let at_least = [
        (
            "documented examples",
            counts.documented_examples,
            floors.documented_examples,
        ),
        (
            "documented notifications",
            counts.documented_notifications,
            floors.documented_notifications,
        ),
    ];
    let mut held = Vec::new();
    for (what, have, floor) in at_least {
        held.push(format!("{what} {have} (at least {floor})"));
        if have < floor {
            c.problem("floors", format!("{what}: {have}, fewer than the floor of {floor} (xtask/src/check.rs, FLOORS); restore the example, or fix the contract so that it validates"));
        }
    }
    let (have, most) = (counts.rules_without_source, floors.rules_without_source);
    held.push(format!("rules without a source {have} (at most {most})"));
    if have > most {
        c.problem(
            "floors",
            format!("rules without a source: {have}, more than the {most} allowed (xtask/src/check.rs, FLOORS)"),
        );
    }
    c.line(format!("floors: {}", held.join(", ")));
}

/// The published renditions and the reference are up to date.
fn published(c: &mut Check) -> Result<()> {
    let stale = crate::bundle::stale()?;
    for s in &stale {
        c.problem("bundle", format!("{s}; run `{}`", crate::bundle::REFRESH));
    }
    let state = |ok: bool| if ok { "up to date" } else { "STALE" };
    c.line(format!(
        "renditions (JSON, OpenAPI 3.1): {}",
        state(stale.is_empty())
    ));
    let reference = crate::docs::stale()?;
    if let Some(s) = &reference {
        c.problem("docs", format!("{s}; run `{}`", crate::docs::REFRESH));
    }
    c.line(format!(
        "contract reference ({}): {}",
        crate::docs::PATH,
        state(reference.is_none())
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(counts: &Counts) -> Vec<String> {
        let mut c = Check::default();
        floors(&mut c, counts, &FLOORS);
        assert!(
            c.report.starts_with("floors: documented examples "),
            "{}",
            c.report
        );
        c.problems
    }

    #[test]
    fn the_floors_fail_the_check_when_not_met() {
        let met = Counts {
            documented_examples: FLOORS.documented_examples,
            documented_notifications: FLOORS.documented_notifications,
            rules_without_source: FLOORS.rules_without_source,
        };
        assert!(problems(&met).is_empty());
        let fewer = Counts {
            documented_examples: FLOORS.documented_examples - 1,
            ..met
        };
        let found = problems(&fewer);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("[floors] documented examples: 7, fewer than the floor of 8"));
        let unsourced = Counts {
            documented_examples: FLOORS.documented_examples,
            documented_notifications: 0,
            rules_without_source: 1,
        };
        assert_eq!(problems(&unsourced).len(), 2);
    }
}
