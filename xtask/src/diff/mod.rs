//! `cargo xtask diff`: what changed in the contract between two versions,
//! each change marked breaking or not, for the request and the response
//! side separately.
//!
//! `$ref`s are resolved while comparing, so a change to a shared schema is
//! reported at every place a client meets it (`CreateRecordCallbackConfig
//! request body .app`, `UpdateRecordCallbackConfig request body .app`, ...).
//!
//! Who breaks is decided by who reads: the service reads requests, so a
//! request that used to be accepted and is now refused is breaking
//! (narrowed constraints, new required fields, removed enum values); the
//! client reads responses and notifications, so a response it may not
//! understand is breaking (removed or optional fields, widened
//! constraints, new enum values, which strict generated clients refuse).

mod schema;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::document::{
    entries as obj, is_true, seq, str_of, to_json, Document, Operation, Value, METHODS,
};
use crate::SPEC;

/// One change between the two versions.
#[derive(Serialize, Clone, Debug)]
pub struct Change {
    pub breaking: bool,
    /// `request`, `response`, `notification`, `operation` or `security`.
    pub side: &'static str,
    /// A stable name for the rule (`property-removed`, ...).
    pub kind: &'static str,
    /// Where: `<operationId> request body .field`, `<operationId> 200
    /// response body .list[].field`, ...
    pub at: String,
    pub message: String,
}

/// Where a change was found: the side, the place in the operation and the
/// field path inside its schema.
#[derive(Clone)]
pub struct Loc {
    pub side: &'static str,
    pub base: String,
    pub field: String,
}

impl Loc {
    fn new(side: &'static str, base: String) -> Self {
        Loc {
            side,
            base,
            field: String::new(),
        }
    }

    /// Whether the service reads what is here (a request); otherwise the
    /// client does (a response or a notification).
    pub fn to_service(&self) -> bool {
        self.side == "request"
    }

    /// A place inside this one: `<base> <suffix>`.
    fn under(&self, suffix: &str) -> Self {
        Loc {
            base: format!("{} {suffix}", self.base),
            ..self.clone()
        }
    }

    /// A field inside the schema here.
    fn child(&self, suffix: &str) -> Self {
        Loc {
            field: format!("{}{suffix}", self.field),
            ..self.clone()
        }
    }
}

pub struct Differ<'a> {
    pub old: &'a Document,
    pub new: &'a Document,
    pub changes: Vec<Change>,
}

impl Differ<'_> {
    pub fn push(
        &mut self,
        loc: &Loc,
        breaking: bool,
        kind: &'static str,
        message: impl Into<String>,
    ) {
        let at = match loc.field.is_empty() {
            true => loc.base.clone(),
            false => format!("{} {}", loc.base, loc.field),
        };
        let (side, message) = (loc.side, message.into());
        self.changes.push(Change {
            breaking,
            side,
            kind,
            at,
            message,
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
            Source::Rev(rev) => {
                let mut git = Command::new("git");
                let out = git
                    .args(["show", &format!("{rev}:{SPEC}")])
                    .current_dir(crate::root());
                let out = out.output().context("running git show")?;
                if !out.status.success() {
                    let why = String::from_utf8_lossy(&out.stderr);
                    bail!("git show {rev}:{SPEC} failed: {}", why.trim());
                }
                String::from_utf8(out.stdout).context("the document is not UTF-8")?
            }
            Source::File(p) => {
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
            }
            Source::WorkTree => return Document::load(),
        };
        Document::parse(&text, &self.label())
    }
}

/// `cargo xtask diff`.
pub fn run(old: Source, new: Source, json: bool, allow_breaking: bool) -> Result<()> {
    let changes = compare(&old.load()?, &new.load()?);
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let (old, new) = (old.label(), new.label());
    if json {
        let non_breaking = changes.len() - breaking;
        let report = serde_json::json!({"old": old, "new": new, "breaking": breaking, "non_breaking": non_breaking, "changes": changes});
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human(&old, &new, &changes));
    }
    if breaking > 0 && !allow_breaking {
        bail!("{breaking} breaking change(s) to the contract; pass --allow-breaking if they are intended (and record them in CHANGELOG.md)");
    }
    Ok(())
}

fn human(old: &str, new: &str, changes: &[Change]) -> String {
    let mut out = format!("contract changes from {old} to {new}:\n");
    let breaking = changes.iter().filter(|c| c.breaking).count();
    if changes.is_empty() {
        return out + "  none\n";
    }
    let _ = writeln!(
        out,
        "  {breaking} breaking, {} not breaking",
        changes.len() - breaking
    );
    for (title, wanted) in [("BREAKING", true), ("not breaking", false)] {
        let mine: Vec<&Change> = changes.iter().filter(|c| c.breaking == wanted).collect();
        if !mine.is_empty() {
            let _ = writeln!(out, "\n{title} ({}):", mine.len());
        }
        for side in [
            "operation",
            "security",
            "request",
            "response",
            "notification",
        ] {
            let here: Vec<&&Change> = mine.iter().filter(|c| c.side == side).collect();
            if !here.is_empty() {
                let _ = writeln!(out, "  {side} side:");
            }
            for c in here {
                let _ = writeln!(out, "    - {}: {} [{}]", c.at, c.message, c.kind);
            }
        }
    }
    out
}

/// Every change between two documents, in a stable order.
pub fn compare(old: &Document, new: &Document) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    let (old_ops, new_ops) = (old.operations(), new.operations());
    let place = |o: &Operation| format!("{} {}", o.method.to_uppercase(), o.path);
    let mut matched = BTreeSet::new();
    for o in &old_ops {
        let same_place = new_ops
            .iter()
            .position(|n| n.method == o.method && n.path == o.path);
        let id = o.op.get("operationId");
        let same_id = new_ops
            .iter()
            .position(|n| id.is_some() && n.op.get("operationId") == id);
        let loc = Loc::new("operation", o.id());
        match (same_place, same_id) {
            (Some(i), _) | (None, Some(i)) => {
                matched.insert(i);
                let n = &new_ops[i];
                if same_place.is_none() {
                    let message = format!("moved from {} to {}", place(o), place(n));
                    d.push(&loc, true, "operation-moved", message);
                } else if o.id() != n.id() {
                    let (from, to) = (o.id(), n.id());
                    let message = format!("{}: operationId changed from {from} to {to} (generated clients rename the method)", place(o));
                    d.push(&loc, true, "operation-id-changed", message);
                }
                operation(&mut d, o, n);
            }
            (None, None) => {
                let gone = !new_ops.iter().any(|n| n.path == o.path);
                let message = format!(
                    "{} removed{}",
                    place(o),
                    if gone { " (the path is gone)" } else { "" }
                );
                d.push(&loc, true, "operation-removed", message);
            }
        }
    }
    for (i, n) in new_ops.iter().enumerate() {
        if !matched.contains(&i) {
            let (loc, message) = (Loc::new("operation", n.id()), format!("{} added", place(n)));
            d.push(&loc, false, "operation-added", message);
        }
    }
    security_schemes(&mut d);
    d.changes
}

fn operation<'v>(d: &mut Differ<'v>, o: &Operation<'v>, n: &Operation<'v>) {
    let id = n.id();
    security(d, &id, o, n);
    parameters(d, &id, o, n);
    request_body(d, &id, o.op.get("requestBody"), n.op.get("requestBody"));
    responses(d, &id, o.op.get("responses"), n.op.get("responses"));
    callbacks(d, &id, o.op.get("callbacks"), n.op.get("callbacks"));
}

/// The effective security of an operation as a set of alternatives, each
/// the set of schemes it needs together.
fn alternatives(doc: &Document, op: &Value) -> BTreeSet<Vec<String>> {
    let list = op.get("security").or_else(|| doc.get("security"));
    let names = |req| {
        let mut names: Vec<String> = obj(Some(req)).map(|(k, _)| k.to_owned()).collect();
        names.sort();
        names
    };
    seq(list).map(names).collect()
}

fn security(d: &mut Differ, id: &str, o: &Operation, n: &Operation) {
    let (old, new) = (alternatives(d.old, o.op), alternatives(d.new, n.op));
    let show = |a: &Vec<String>| {
        if a.is_empty() {
            "no authentication".to_owned()
        } else {
            a.join(" + ")
        }
    };
    let loc = Loc::new("security", format!("{id} security"));
    for gone in old.difference(&new) {
        let message = format!("no longer accepts {}", show(gone));
        d.push(&loc, true, "security-changed", message);
    }
    for added in new.difference(&old) {
        let message = match old.is_empty() {
            true => format!("now requires {} (it needed none)", show(added)),
            false => format!("also accepts {}", show(added)),
        };
        d.push(&loc, old.is_empty(), "security-changed", message);
    }
}

fn security_schemes(d: &mut Differ) {
    let (old, new) = (
        d.old.pointer("/components/securitySchemes"),
        d.new.pointer("/components/securitySchemes"),
    );
    for (name, o) in obj(old) {
        // A scheme that is gone is reported through the operations that used it.
        let Some(n) = new.and_then(|m| m.get(name)) else {
            continue;
        };
        let loc = Loc::new("security", format!("security scheme {name}"));
        for key in [
            "type",
            "in",
            "name",
            "scheme",
            "bearerFormat",
            "openIdConnectUrl",
        ] {
            if o.get(key) != n.get(key) {
                let message = format!(
                    "`{key}` changed from {} to {}",
                    show(o.get(key)),
                    show(n.get(key))
                );
                d.push(&loc, true, "security-scheme-changed", message);
            }
        }
    }
}

fn parameters(d: &mut Differ, id: &str, o: &Operation, n: &Operation) {
    let (old, new) = (d.old.parameters(o), d.new.parameters(n));
    let key = |p: &Value| {
        format!(
            "{} parameter {}",
            str_of(p, "in").unwrap_or("?"),
            str_of(p, "name").unwrap_or("?")
        )
    };
    for op in &old {
        let loc = Loc::new("request", format!("{id} {}", key(op)));
        let Some(np) = new.iter().find(|np| key(np) == key(op)) else {
            let message = "removed (clients that send it are refused or ignored)";
            d.push(&loc, true, "parameter-removed", message);
            continue;
        };
        match (required(op), required(np)) {
            (false, true) => d.push(&loc, true, "parameter-required", "became required"),
            (true, false) => d.push(&loc, false, "parameter-optional", "became optional"),
            _ => {}
        }
        schema::compare(d, &loc, schema_of(op), schema_of(np));
    }
    for np in new
        .iter()
        .filter(|np| !old.iter().any(|op| key(op) == key(np)))
    {
        let loc = Loc::new("request", format!("{id} {}", key(np)));
        let how = if required(np) {
            "added as required"
        } else {
            "added as optional"
        };
        d.push(&loc, required(np), "parameter-added", how);
    }
}

fn required(v: &Value) -> bool {
    is_true(v, "required")
}

fn schema_of(v: &Value) -> &Value {
    v.get("schema").unwrap_or(&Value::Null)
}

fn request_body(d: &mut Differ, id: &str, old: Option<&Value>, new: Option<&Value>) {
    let loc = Loc::new("request", format!("{id} request body"));
    match (old.map(|b| d.old.resolve(b)), new.map(|b| d.new.resolve(b))) {
        (None, None) => {}
        (Some(_), None) => d.push(&loc, true, "body-removed", "removed"),
        (None, Some(n)) => {
            let how = if required(n) {
                "added as required"
            } else {
                "added as optional"
            };
            d.push(&loc, required(n), "body-added", how);
        }
        (Some(o), Some(n)) => {
            match (required(o), required(n)) {
                (false, true) => d.push(&loc, true, "body-required", "became required"),
                (true, false) => d.push(&loc, false, "body-optional", "became optional"),
                _ => {}
            }
            content(d, &loc, o.get("content"), n.get("content"));
        }
    }
}

/// Media types and their schemas.
fn content(d: &mut Differ, loc: &Loc, old: Option<&Value>, new: Option<&Value>) {
    let single = obj(old).count() == 1 && obj(new).count() == 1;
    for (mt, om) in obj(old) {
        let here = if single {
            loc.clone()
        } else {
            Loc {
                base: format!("{} ({mt})", loc.base),
                ..loc.clone()
            }
        };
        match new.and_then(|n| n.get(mt)) {
            Some(nm) => schema::compare(d, &here, schema_of(om), schema_of(nm)),
            None if single => {
                let (nt, nm) = obj(new).next().expect("one media type");
                let message = format!("media type changed from {mt} to {nt}");
                d.push(loc, true, "media-type-changed", message);
                schema::compare(d, loc, schema_of(om), schema_of(nm));
            }
            None => d.push(loc, true, "media-type-removed", format!("{mt} removed")),
        }
    }
    for (mt, _) in obj(new).filter(|(mt, _)| !single && old.and_then(|o| o.get(mt)).is_none()) {
        d.push(loc, false, "media-type-added", format!("{mt} added"));
    }
}

fn responses<'v>(d: &mut Differ<'v>, id: &str, old: Option<&'v Value>, new: Option<&'v Value>) {
    let at = |status: &str| Loc::new("response", format!("{id} {status} response"));
    let gone = ("status-removed", "removed from the documented responses");
    for (loc, or, nr) in pairs(d, old, new, at, gone) {
        headers(d, &loc, or.get("headers"), nr.get("headers"));
        let (body, oc, nc) = (loc.under("body"), or.get("content"), nr.get("content"));
        if both(d, &body, oc, nc) {
            content(d, &body, oc, nc);
        }
    }
    for (status, _) in obj(new).filter(|(s, _)| old.and_then(|o| o.get(s)).is_none()) {
        d.push(&at(status), false, "status-added", "added");
    }
}

/// Each entry of `old` with the entry of the same key in `new`, both
/// resolved, at `at(key)`; an entry `new` lacks is reported as `gone`.
fn pairs<'a>(
    d: &mut Differ<'a>,
    old: Option<&'a Value>,
    new: Option<&'a Value>,
    at: impl Fn(&str) -> Loc,
    gone: (&'static str, &str),
) -> Vec<(Loc, &'a Value, &'a Value)> {
    let mut out = Vec::new();
    for (key, o) in obj(old) {
        match new.and_then(|n| n.get(key)) {
            Some(n) => out.push((at(key), d.old.resolve(o), d.new.resolve(n))),
            None => d.push(&at(key), true, gone.0, gone.1),
        }
    }
    out
}

fn headers(d: &mut Differ, loc: &Loc, old: Option<&Value>, new: Option<&Value>) {
    // Header names are case-insensitive.
    let find = |list, name: &str| {
        obj(list)
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, h)| h)
    };
    for (name, oh) in obj(old) {
        let here = loc.under(&format!("header {name}"));
        let Some(nh) = find(new, name) else {
            d.push(&here, true, "header-removed", "removed");
            continue;
        };
        let (oh, nh) = (d.old.resolve(oh), d.new.resolve(nh));
        if required(oh) && !required(nh) {
            d.push(&here, true, "header-optional", "became optional");
        }
        schema::compare(d, &here, schema_of(oh), schema_of(nh));
    }
    for (name, _) in obj(new).filter(|(name, _)| find(old, name).is_none()) {
        let here = loc.under(&format!("header {name}"));
        d.push(&here, false, "header-added", "added");
    }
}

/// A body on one side only is reported removed or added; `true` when both
/// sides have one.
fn both(d: &mut Differ, loc: &Loc, old: Option<&Value>, new: Option<&Value>) -> bool {
    match (old, new) {
        (Some(_), None) => d.push(loc, true, "body-removed", "removed"),
        (None, Some(_)) => d.push(loc, false, "body-added", "added"),
        _ => return old.is_some(),
    }
    false
}

/// Notifications: the service sends the callback's request, the client
/// reads it, so its body follows the response rules.
fn callbacks<'v>(d: &mut Differ<'v>, id: &str, old: Option<&'v Value>, new: Option<&'v Value>) {
    let at = |name: &str| Loc::new("notification", format!("{id} callback {name}"));
    let gone = (
        "callback-removed",
        "removed: the service no longer documents this notification",
    );
    for (loc, oc, nc) in pairs(d, old, new, at, gone) {
        // One expression on each side: compare them even if it changed.
        let only = (obj(Some(oc)).count() == 1 && obj(Some(nc)).count() == 1)
            .then(|| obj(Some(nc)).next());
        for (expr, oi) in obj(Some(oc)) {
            let Some(ni) = nc.get(expr).or(only.flatten().map(|(_, v)| v)) else {
                d.push(&loc.under(expr), true, "callback-removed", "removed");
                continue;
            };
            let (oi, ni) = (d.old.resolve(oi), d.new.resolve(ni));
            for (method, oop) in obj(Some(oi)).filter(|(m, _)| METHODS.contains(m)) {
                let here = loc.under(&method.to_uppercase());
                let Some(nop) = ni.get(method) else {
                    d.push(&here, true, "callback-removed", "removed");
                    continue;
                };
                let body = here.under("body");
                let (ob, nb) = (oop.get("requestBody"), nop.get("requestBody"));
                if let (true, Some(ob), Some(nb)) = (both(d, &body, ob, nb), ob, nb) {
                    let (ob, nb) = (d.old.resolve(ob), d.new.resolve(nb));
                    content(d, &body, ob.get("content"), nb.get("content"));
                }
            }
        }
    }
    for (name, nc) in obj(new).filter(|(name, _)| old.and_then(|o| o.get(name)).is_none()) {
        let items = obj(Some(d.new.resolve(nc))).flat_map(|(expr, item)| {
            let methods = obj(Some(d.new.resolve(item))).filter(|(m, _)| METHODS.contains(m));
            methods.map(move |(m, _)| format!("{} {expr}", m.to_uppercase()))
        });
        let message = format!("added: {}", items.collect::<Vec<_>>().join(", "));
        d.push(&at(name), false, "callback-added", message);
    }
}

/// A value for a message: JSON, or `nothing` when absent.
pub fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "nothing".into(), |v| to_json(v).to_string())
}
