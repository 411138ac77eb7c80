//! `cargo xtask diff`: the contract's changes between two versions, each
//! breaking or not. `$ref`s are followed, so a change to a shared schema is
//! reported at every place a client meets it. Who breaks is who reads: the
//! service reads requests, so what narrows them breaks (narrowed constraints,
//! new required fields, removed enum values); the client reads responses and
//! notifications, so what widens them breaks (removed or optional fields,
//! widened constraints, new enum values, which strict clients refuse).
//! The operations and schemas are compared here and in schema.rs; the rest
//! of the document (extensions, the discriminator, servers, the names
//! generators give, text) is walked in walk.rs. The JSON report's fields
//! are documented in docs/reviewing.md.

mod schema;
mod walk;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::process::Command;

use anyhow::{ensure, Context, Result};
use serde::Serialize;

use crate::document::{entries, is_true, seq, str_of, to_json, Document, Operation, Value};
use crate::SPEC;

/// One change between the two versions.
#[derive(Serialize)]
struct Change {
    breaking: bool,
    /// One of [`SIDES`].
    side: &'static str,
    /// The rule (`property-removed`, ...).
    kind: String,
    /// Where: `<operationId> 200 response body .list[].field`, ..., or a
    /// JSON pointer for what walk.rs finds.
    at: String,
    message: String,
}

/// Where a change is: a side and a place (`UpdateThing request body`),
/// then, after a space, the field inside the schema there (`.a[].b`).
struct Loc {
    side: &'static str,
    at: String,
}

/// Whether a change narrows what is allowed (`NARROWS`) or widens it.
const NARROWS: bool = true;
const WIDENS: bool = false;

impl Loc {
    fn new(side: &'static str, at: String) -> Loc {
        Loc { side, at }
    }

    fn then(&self, suffix: &str) -> Loc {
        Loc::new(self.side, format!("{}{suffix}", self.at))
    }

    /// Whether a change that narrows or widens what is allowed here breaks
    /// its reader: narrowing breaks requests and what a notification's
    /// receiver answers (the service reads them, the deployed writers no
    /// longer fit), widening breaks responses and notifications (the client
    /// and the receiver read them).
    fn breaks(&self, narrows: bool) -> bool {
        narrows == matches!(self.side, "request" | "receiver")
    }
}

struct Differ<'a> {
    old: &'a Document,
    new: &'a Document,
    changes: Vec<Change>,
}

impl Differ<'_> {
    fn push(&mut self, loc: &Loc, breaking: bool, kind: &str, message: impl Into<String>) {
        self.changes.push(Change {
            breaking,
            side: loc.side,
            kind: kind.to_owned(),
            at: loc.at.trim_end().to_owned(),
            message: message.into(),
        });
    }
}

/// Where the document to compare comes from.
pub enum Source {
    Rev(String),
    File(std::path::PathBuf),
    WorkTree,
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Rev(r) => format!("{SPEC} at {r}"),
            Source::File(p) => p.display().to_string(),
            Source::WorkTree => format!("{SPEC} in the working tree"),
        }
    }

    fn load(&self) -> Result<Document> {
        let text = match self {
            Source::WorkTree => return Document::load(),
            Source::File(p) => {
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
            }
            Source::Rev(rev) => {
                let spec = format!("{rev}:{SPEC}");
                let mut git = Command::new("git");
                let out = git
                    .args(["show", &spec])
                    .current_dir(crate::root())
                    .output()?;
                let why = String::from_utf8_lossy(&out.stderr);
                ensure!(
                    out.status.success(),
                    "git show {spec} failed: {}",
                    why.trim()
                );
                String::from_utf8(out.stdout).context("the document is not UTF-8")?
            }
        };
        Document::parse(&text, &self.label())
    }
}

/// How `cargo xtask diff` prints its report.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people at a terminal.
    Text,
    /// For tools: the fields documented in docs/reviewing.md.
    Json,
    /// For a pull-request comment.
    Markdown,
}

/// The version of the JSON report's shape: raised only when a field
/// changes meaning or goes away (docs/reviewing.md).
const JSON_VERSION: u32 = 1;

/// `cargo xtask diff`.
pub fn run(old: Source, new: Source, format: Format, allow_breaking: bool) -> Result<()> {
    let changes = compare(&old.load()?, &new.load()?);
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let (old, new) = (old.label(), new.label());
    match format {
        Format::Json => {
            let non_breaking = changes.len() - breaking;
            let report = serde_json::json!({"version": JSON_VERSION, "old": old, "new": new, "breaking": breaking, "non_breaking": non_breaking, "changes": changes});
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Format::Text => print!("{}", human(&old, &new, &changes)),
        Format::Markdown => print!("{}", markdown(&old, &new, &changes)),
    }
    ensure!(breaking == 0 || allow_breaking, "{breaking} breaking change(s) to the contract; pass --allow-breaking if they are intended (and record them in CHANGELOG.md)");
    Ok(())
}

/// The changes in the order the reports show them: breaking first, then
/// by side.
fn sorted(changes: &[Change]) -> Vec<&Change> {
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort_by_key(|c| (!c.breaking, SIDES.iter().position(|s| *s == c.side)));
    sorted
}

/// A pull-request comment: a heading with the counts, a table of the
/// breaking changes, and the others folded away.
fn markdown(old: &str, new: &str, changes: &[Change]) -> String {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let not_breaking = changes.len() - breaking;
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out =
        format!("### Contract changes: {breaking} breaking, {not_breaking} not breaking\n\n");
    let _ = writeln!(out, "From {} to {}.", cell(old), cell(new));
    let table = |out: &mut String, rows: &[&&Change]| {
        let _ = writeln!(
            out,
            "\n| side | where | change | rule |\n| --- | --- | --- | --- |"
        );
        for c in rows {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | `{}` |",
                c.side,
                cell(&c.at),
                cell(&c.message),
                c.kind
            );
        }
    };
    let all = sorted(changes);
    let (yes, no): (Vec<&&Change>, Vec<&&Change>) = all.iter().partition(|c| c.breaking);
    if !yes.is_empty() {
        let _ = writeln!(out, "\n**Breaking**");
        table(&mut out, &yes);
    }
    if !no.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Not breaking ({not_breaking})</summary>"
        );
        table(&mut out, &no);
        let _ = writeln!(out, "\n</details>");
    }
    out
}

/// The changes, breaking ones first, grouped by side.
fn human(old: &str, new: &str, changes: &[Change]) -> String {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let not_breaking = changes.len() - breaking;
    let mut out = format!("contract changes from {old} to {new}:\n");
    let _ = writeln!(out, "  {breaking} breaking, {not_breaking} not breaking");
    let mut group = None;
    for c in sorted(changes) {
        if group != Some((c.breaking, c.side)) {
            let title = match c.breaking {
                true => "BREAKING",
                false => "not breaking",
            };
            let _ = writeln!(out, "\n{title}, {} side:", c.side);
            group = Some((c.breaking, c.side));
        }
        let _ = writeln!(out, "  - {}: {} [{}]", c.at, c.message, c.kind);
    }
    out
}

/// The order in which the sides are shown.
const SIDES: [&str; 8] = [
    "operation",
    "security",
    "servers",
    "request",
    "response",
    "notification",
    "receiver",
    "document",
];

/// Every change between two documents, in a stable order. An operation is
/// found by its method and path, or else by its operationId (moved).
fn compare(old: &Document, new: &Document) -> Vec<Change> {
    let changes = Vec::new();
    let mut d = Differ { old, new, changes };
    let new_ops = new.operations();
    let place = |o: &Operation| format!("{} {}", o.method.to_uppercase(), o.path);
    let id = |o: &Operation| o.op.get("operationId").cloned();
    let mut matched = vec![false; new_ops.len()];
    for o in &old.operations() {
        let here = Loc::new("operation", o.id());
        let same_place = new_ops.iter().position(|n| place(n) == place(o));
        let same_id = |n: &Operation| id(n).is_some() && id(n) == id(o);
        let Some(i) = same_place.or_else(|| new_ops.iter().position(same_id)) else {
            d.push(&here, true, "operation-removed", place(o) + " removed");
            continue;
        };
        matched[i] = true;
        let n = &new_ops[i];
        if same_place.is_none() {
            let message = format!("moved from {} to {}", place(o), place(n));
            d.push(&here, true, "operation-moved", message);
        } else if o.id() != n.id() {
            let to = n.id();
            let message =
                format!("operationId changed to {to}: generated clients rename the method");
            d.push(&here, true, "operation-id-changed", message);
        }
        operation(&mut d, o, n);
    }
    for (n, _) in new_ops.iter().zip(matched).filter(|(_, seen)| !seen) {
        let here = Loc::new("operation", n.id());
        d.push(&here, false, "operation-added", place(n) + " added");
    }
    security_schemes(&mut d);
    walk::compare(&mut d);
    d.changes
}

/// Entries to pair by name: the name as it reads in a place (` 200
/// response`), the value, and whether it is required.
type Named<'a> = Vec<(String, &'a Value, bool)>;

/// The entries of the mapping `v`, each named by `template` with `{}` for
/// its key, required when it says so (`$ref`s followed).
fn named<'a>(doc: &'a Document, template: &str, v: Option<&'a Value>) -> Named<'a> {
    let required = |v| is_true(doc.resolve(v), "required");
    let named = |(k, v)| (template.replace("{}", k), v, required(v));
    entries(v).map(named).collect()
}

/// `v`, if there, as the only entry, named `name`.
fn one<'a>(doc: &'a Document, name: &str, v: Option<&'a Value>) -> Named<'a> {
    let entry = |v| (name.to_owned(), v, is_true(doc.resolve(v), "required"));
    v.map(entry).into_iter().collect()
}

/// Pairs the entries of two lists by name and compares each pair with
/// `both`, `$ref`s followed; an entry on one side only is `<what>-removed`
/// (breaking: someone relied on it) or `<what>-added` (breaking when
/// requests must send it).
fn members<'v>(
    d: &mut Differ,
    what: &str,
    loc: &Loc,
    [old, new]: [Named<'v>; 2],
    mut both: impl FnMut(&mut Differ, &Loc, &Value, &Value),
) {
    let (old_doc, new_doc) = (d.old, d.new);
    let kind = |change| format!("{what}-{change}");
    for (name, o, was_required) in &old {
        let here = loc.then(name);
        let Some((_, n, required)) = new.iter().find(|e| &e.0 == name) else {
            d.push(&here, true, &kind("removed"), "removed");
            continue;
        };
        if was_required != required {
            // Becoming required narrows.
            let change = match required {
                true => "required",
                false => "optional",
            };
            let message = format!("became {change}");
            d.push(&here, here.breaks(*required), &kind(change), message);
        }
        both(d, &here, old_doc.resolve(o), new_doc.resolve(n));
    }
    for (name, _, required) in new.iter().filter(|n| !old.iter().any(|o| o.0 == n.0)) {
        let here = loc.then(name);
        let how = if *required { " as required" } else { "" };
        let breaking = *required && here.breaks(NARROWS);
        d.push(&here, breaking, &kind("added"), format!("added{how}"));
    }
}

/// An operation's security, its parameters and body (the service reads
/// them), its responses and its callbacks (the client reads them).
fn operation(d: &mut Differ, o: &Operation, n: &Operation) {
    let id = n.id();
    security(d, &id, o, n);
    let sides = [(d.old, o), (d.new, n)];
    let parameters = sides.map(|(doc, op)| {
        let params = doc.parameters(op);
        params.into_iter().map(parameter).collect()
    });
    let request = Loc::new("request", id.clone());
    members(d, "parameter", &request, parameters, schemas);
    let body = sides.map(|(doc, op)| one(doc, " request body", op.op.get("requestBody")));
    members(d, "body", &request, body, content);
    let responses = sides.map(|(doc, op)| named(doc, " {} response", op.op.get("responses")));
    let response = Loc::new("response", id.clone());
    members(d, "status", &response, responses, response_parts);
    let callbacks = sides.map(|(doc, op)| named(doc, " callback {}", op.op.get("callbacks")));
    let notification = Loc::new("notification", id);
    members(d, "callback", &notification, callbacks, callback);
}

/// A parameter named as it reads in a place: ` query parameter limit`.
fn parameter(p: &Value) -> (String, &Value, bool) {
    let [place, name] = ["in", "name"].map(|k| str_of(p, k).unwrap_or("?"));
    let name = format!(" {place} parameter {name}");
    (name, p, is_true(p, "required"))
}

/// The effective security of an operation: its alternatives, each the
/// schemes it needs together.
fn alternatives(doc: &Document, op: &Value) -> BTreeSet<String> {
    let list = op.get("security").or_else(|| doc.get("security"));
    let names = |req| {
        let mut names: Vec<&str> = entries(Some(req)).map(|(k, _)| k).collect();
        names.sort();
        match names.is_empty() {
            true => "no authentication".to_owned(),
            false => names.join(" + "),
        }
    };
    seq(list).map(names).collect()
}

fn security(d: &mut Differ, id: &str, o: &Operation, n: &Operation) {
    let (old, new) = (alternatives(d.old, o.op), alternatives(d.new, n.op));
    let here = Loc::new("security", format!("{id} security"));
    for gone in old.difference(&new) {
        let message = format!("no longer accepts {gone}");
        d.push(&here, true, "security-changed", message);
    }
    // A new alternative breaks only an operation that needed none.
    for added in new.difference(&old) {
        let message = format!("now accepts {added}");
        d.push(&here, old.is_empty(), "security-changed", message);
    }
}

/// A security scheme that changed (its description and extensions aside);
/// one that is gone is reported through the operations that used it.
fn security_schemes(d: &mut Differ) {
    let at = "/components/securitySchemes";
    for (name, o) in entries(d.old.pointer(at)) {
        let Some(n) = d.new.pointer(at).and_then(|m| m.get(name)) else {
            continue;
        };
        let asked = |k: &&str| *k != "description" && !k.starts_with("x-");
        let keys = entries(Some(o))
            .chain(entries(Some(n)))
            .map(|e| e.0)
            .filter(asked);
        let keys: BTreeSet<&str> = keys.filter(|k| o.get(k) != n.get(k)).collect();
        let here = Loc::new("security", format!("security scheme {name}"));
        for key in keys {
            let (a, b) = (show(o.get(key)), show(n.get(key)));
            let message = format!("`{key}` changed from {a} to {b}");
            d.push(&here, true, "security-scheme-changed", message);
        }
    }
}

/// A response's headers (their names are case-insensitive) and body.
fn response_parts(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    let sides = [(d.old, old), (d.new, new)];
    let headers = sides.map(|(doc, r)| named(doc, " header {}", r.get("headers")));
    let [old_headers, mut new_headers] = headers;
    for (name, ..) in &mut new_headers {
        if let Some(same) = old_headers.iter().find(|h| h.0.eq_ignore_ascii_case(name)) {
            name.clone_from(&same.0);
        }
    }
    members(d, "header", loc, [old_headers, new_headers], schemas);
    // The response holds its body's `content` itself.
    let body = sides.map(|(doc, r)| one(doc, " body", r.get("content").and(Some(r))));
    members(d, "body", loc, body, content);
}

/// A notification: what the service sends to the callback's URL. Its
/// operations are named by method, and by expression too when there are
/// several expressions.
fn callback(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    let operations = [(d.old, old), (d.new, new)].map(|(doc, callback)| {
        let many = entries(Some(callback)).nth(1).is_some();
        let operations = doc.operations_in(Some(callback)).into_iter();
        let named = operations.map(|o| {
            let expr = if many { o.path } else { "" };
            let name = format!(" {} {expr}", o.method.to_uppercase());
            (name.trim_end().to_owned(), o.op, false)
        });
        named.collect()
    });
    members(d, "callback", loc, operations, |d, loc, o, n| {
        let sides = [(d.old, o), (d.new, n)];
        let body = sides.map(|(doc, op)| one(doc, " body", op.get("requestBody")));
        members(d, "body", loc, body, content);
        // What the receiver answers, which the service reads.
        let answers = sides.map(|(doc, op)| named(doc, " {} answer", op.get("responses")));
        let receiver = Loc::new("receiver", loc.at.clone());
        members(d, "status", &receiver, answers, response_parts);
    });
}

/// Media types and their schemas; when each side has exactly one, a
/// changed media type is reported and the schemas are still compared.
fn content(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    let sides = [(d.old, old), (d.new, new)];
    let [old, new] = sides.map(|(doc, body)| named(doc, " ({})", body.get("content")));
    if let ([(ot, o, _)], [(nt, n, _)]) = (&old[..], &new[..]) {
        if ot != nt {
            let message = format!("media type changed from {} to {}", ot.trim(), nt.trim());
            d.push(loc, true, "media-type-changed", message);
        }
        return schemas(d, loc, o, n);
    }
    members(d, "media-type", loc, [old, new], schemas);
}

/// The schemas of two parameters, headers or media types.
fn schemas(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    let [old, new] = [old, new].map(|v| v.get("schema").unwrap_or(&Value::Null));
    schema::compare(d, loc, old, new);
}

/// A value for a message: JSON, or `nothing` when absent.
fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "nothing".into(), |v| to_json(v).to_string())
}
