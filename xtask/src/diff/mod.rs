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

use crate::document::{entries as obj, is_true, seq, str_of, Document, Operation, Value, METHODS};
use crate::SPEC;

/// Which way the data flows, and so which rules apply.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Sent by the client, read by the service.
    ToService,
    /// Sent by the service, read by the client.
    ToClient,
}

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

/// Where a change was found: the place in the operation and the field path
/// inside its schema.
#[derive(Clone)]
pub struct Loc {
    pub side: &'static str,
    pub dir: Dir,
    pub base: String,
    pub field: String,
}

impl Loc {
    fn new(side: &'static str, dir: Dir, base: String) -> Self {
        Loc {
            side,
            dir,
            base,
            field: String::new(),
        }
    }

    fn child(&self, suffix: &str) -> Self {
        Loc {
            field: format!("{}{suffix}", self.field),
            ..self.clone()
        }
    }

    fn at(&self) -> String {
        if self.field.is_empty() {
            self.base.clone()
        } else {
            format!("{} {}", self.base, self.field)
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
        self.changes.push(Change {
            breaking,
            side: loc.side,
            kind,
            at: loc.at(),
            message: message.into(),
        });
    }

    fn push_at(
        &mut self,
        side: &'static str,
        at: String,
        breaking: bool,
        kind: &'static str,
        message: impl Into<String>,
    ) {
        self.changes.push(Change {
            breaking,
            side,
            kind,
            at,
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
            Source::Rev(rev) => {
                let out = Command::new("git")
                    .args(["show", &format!("{rev}:{SPEC}")])
                    .current_dir(crate::root())
                    .output()
                    .context("running git show")?;
                if !out.status.success() {
                    bail!(
                        "git show {rev}:{SPEC} failed: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    );
                }
                String::from_utf8(out.stdout).context("the document is not UTF-8")?
            }
            Source::File(p) => {
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
            }
            Source::WorkTree => std::fs::read_to_string(crate::root().join(SPEC))
                .with_context(|| format!("reading {SPEC}"))?,
        };
        Document::parse(&text, &self.label())
    }
}

/// `cargo xtask diff`.
pub fn run(old: Source, new: Source, json: bool, allow_breaking: bool) -> Result<()> {
    let (old_doc, new_doc) = (old.load()?, new.load()?);
    let changes = compare(&old_doc, &new_doc);
    let breaking = changes.iter().filter(|c| c.breaking).count();
    if json {
        let report = serde_json::json!({
            "old": old.label(),
            "new": new.label(),
            "breaking": breaking,
            "non_breaking": changes.len() - breaking,
            "changes": changes,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human(&old.label(), &new.label(), &changes));
    }
    if breaking > 0 && !allow_breaking {
        bail!("{breaking} breaking change(s) to the contract; pass --allow-breaking if they are intended (and record them in CHANGELOG.md)");
    }
    Ok(())
}

fn human(old: &str, new: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(out, "contract changes from {old} to {new}:");
    if changes.is_empty() {
        let _ = writeln!(out, "  none");
        return out;
    }
    let _ = writeln!(
        out,
        "  {breaking} breaking, {} not breaking",
        changes.len() - breaking
    );
    for (title, wanted) in [("BREAKING", true), ("not breaking", false)] {
        let mine: Vec<&Change> = changes.iter().filter(|c| c.breaking == wanted).collect();
        if mine.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({}):", mine.len());
        for side in [
            "operation",
            "security",
            "request",
            "response",
            "notification",
        ] {
            let here: Vec<&&Change> = mine.iter().filter(|c| c.side == side).collect();
            if here.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {side} side:");
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
    let old_ops = old.operations();
    let new_ops = new.operations();
    let mut matched = BTreeSet::new();
    for o in &old_ops {
        let same_place = new_ops
            .iter()
            .position(|n| n.method == o.method && n.path == o.path);
        let same_id = new_ops.iter().position(|n| {
            o.op.get("operationId").is_some() && n.op.get("operationId") == o.op.get("operationId")
        });
        match (same_place, same_id) {
            (Some(i), _) => {
                matched.insert(i);
                let n = &new_ops[i];
                if o.id() != n.id() {
                    d.push_at(
                        "operation",
                        o.id(),
                        true,
                        "operation-id-changed",
                        format!(
                            "{} {}: operationId changed from {} to {} (generated clients rename the method)",
                            o.method.to_uppercase(),
                            o.path,
                            o.id(),
                            n.id()
                        ),
                    );
                }
                operation(&mut d, o, n);
            }
            (None, Some(i)) => {
                matched.insert(i);
                let n = &new_ops[i];
                d.push_at(
                    "operation",
                    o.id(),
                    true,
                    "operation-moved",
                    format!(
                        "moved from {} {} to {} {}",
                        o.method.to_uppercase(),
                        o.path,
                        n.method.to_uppercase(),
                        n.path
                    ),
                );
                operation(&mut d, o, n);
            }
            (None, None) => {
                let path_gone = !new_ops.iter().any(|n| n.path == o.path);
                d.push_at(
                    "operation",
                    o.id(),
                    true,
                    "operation-removed",
                    format!(
                        "{} {} removed{}",
                        o.method.to_uppercase(),
                        o.path,
                        if path_gone { " (the path is gone)" } else { "" }
                    ),
                );
            }
        }
    }
    for (i, n) in new_ops.iter().enumerate() {
        if !matched.contains(&i) {
            d.push_at(
                "operation",
                n.id(),
                false,
                "operation-added",
                format!("{} {} added", n.method.to_uppercase(), n.path),
            );
        }
    }
    security_schemes(&mut d);
    d.changes
}

fn operation(d: &mut Differ, o: &Operation, n: &Operation) {
    let id = n.id();
    security(d, &id, o, n);
    parameters(d, &id, o, n);
    request_body(d, &id, o.op.get("requestBody"), n.op.get("requestBody"));
    responses(d, &id, o.op.get("responses"), n.op.get("responses"));
    callbacks(d, &id, o.op.get("callbacks"), n.op.get("callbacks"));
}

/// The effective security of an operation as a set of alternatives, each
/// the set of schemes it needs together.
fn alternatives(doc: &Document, op: &Value) -> Option<BTreeSet<Vec<String>>> {
    let list = op.get("security").or_else(|| doc.get("security"))?;
    Some(
        seq(Some(list))
            .map(|req| {
                let mut names: Vec<String> = obj(Some(req)).map(|(k, _)| k.to_owned()).collect();
                names.sort();
                names
            })
            .collect(),
    )
}

fn security(d: &mut Differ, id: &str, o: &Operation, n: &Operation) {
    let old = alternatives(d.old, o.op).unwrap_or_default();
    let new = alternatives(d.new, n.op).unwrap_or_default();
    let show = |a: &Vec<String>| {
        if a.is_empty() {
            "no authentication".to_owned()
        } else {
            a.join(" + ")
        }
    };
    for gone in old.difference(&new) {
        d.push_at(
            "security",
            format!("{id} security"),
            true,
            "security-changed",
            format!("no longer accepts {}", show(gone)),
        );
    }
    for added in new.difference(&old) {
        let was_open = old.is_empty();
        d.push_at(
            "security",
            format!("{id} security"),
            was_open,
            "security-changed",
            if was_open {
                format!("now requires {} (it needed none)", show(added))
            } else {
                format!("also accepts {}", show(added))
            },
        );
    }
}

fn security_schemes(d: &mut Differ) {
    let old = d.old.pointer("/components/securitySchemes").cloned();
    let new = d.new.pointer("/components/securitySchemes").cloned();
    for (name, o) in obj(old.as_ref()) {
        let Some(n) = new.as_ref().and_then(|m| m.get(name)) else {
            continue; // reported through the operations that used it
        };
        for key in [
            "type",
            "in",
            "name",
            "scheme",
            "bearerFormat",
            "openIdConnectUrl",
        ] {
            if o.get(key) != n.get(key) {
                d.push_at(
                    "security",
                    format!("security scheme {name}"),
                    true,
                    "security-scheme-changed",
                    format!(
                        "`{key}` changed from {} to {}",
                        show(o.get(key)),
                        show(n.get(key))
                    ),
                );
            }
        }
    }
}

fn parameters(d: &mut Differ, id: &str, o: &Operation, n: &Operation) {
    fn key(p: &Value) -> (&str, &str) {
        (
            str_of(p, "in").unwrap_or("?"),
            str_of(p, "name").unwrap_or("?"),
        )
    }
    let old: Vec<_> = d
        .old
        .parameters(o)
        .into_iter()
        .map(|p| (key(p), p))
        .collect();
    let new: Vec<_> = d
        .new
        .parameters(n)
        .into_iter()
        .map(|p| (key(p), p))
        .collect();
    for ((place, name), op) in &old {
        let at = format!("{id} {place} parameter {name}");
        let loc = Loc::new("request", Dir::ToService, at.clone());
        match new.iter().find(|(k, _)| k.0 == *place && k.1 == *name) {
            None => d.push(
                &loc,
                true,
                "parameter-removed",
                "removed (clients that send it are refused or ignored)",
            ),
            Some((_, np)) => {
                let (or, nr) = (required(op), required(np));
                if !or && nr {
                    d.push(&loc, true, "parameter-required", "became required");
                } else if or && !nr {
                    d.push(&loc, false, "parameter-optional", "became optional");
                }
                schema::compare(
                    d,
                    &loc,
                    op.get("schema").unwrap_or(&Value::Null),
                    np.get("schema").unwrap_or(&Value::Null),
                );
            }
        }
    }
    for ((place, name), np) in &new {
        if !old.iter().any(|(k, _)| k.0 == *place && k.1 == *name) {
            let loc = Loc::new(
                "request",
                Dir::ToService,
                format!("{id} {place} parameter {name}"),
            );
            if required(np) {
                d.push(&loc, true, "parameter-added", "added as required");
            } else {
                d.push(&loc, false, "parameter-added", "added as optional");
            }
        }
    }
}

fn required(v: &Value) -> bool {
    is_true(v, "required")
}

fn request_body(d: &mut Differ, id: &str, old: Option<&Value>, new: Option<&Value>) {
    let loc = Loc::new("request", Dir::ToService, format!("{id} request body"));
    let old = old.map(|b| d.old.resolve(b));
    let new = new.map(|b| d.new.resolve(b));
    match (old, new) {
        (None, None) => {}
        (Some(_), None) => d.push(&loc, true, "body-removed", "removed"),
        (None, Some(n)) => {
            let req = required(n);
            d.push(
                &loc,
                req,
                "body-added",
                if req {
                    "added as required"
                } else {
                    "added as optional"
                },
            );
        }
        (Some(o), Some(n)) => {
            if !required(o) && required(n) {
                d.push(&loc, true, "body-required", "became required");
            } else if required(o) && !required(n) {
                d.push(&loc, false, "body-optional", "became optional");
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
            Some(nm) => schema::compare(
                d,
                &here,
                om.get("schema").unwrap_or(&Value::Null),
                nm.get("schema").unwrap_or(&Value::Null),
            ),
            None if single => {
                let (nt, nm) = obj(new).next().expect("one media type");
                d.push(
                    loc,
                    true,
                    "media-type-changed",
                    format!("media type changed from {mt} to {nt}"),
                );
                schema::compare(
                    d,
                    loc,
                    om.get("schema").unwrap_or(&Value::Null),
                    nm.get("schema").unwrap_or(&Value::Null),
                );
            }
            None => d.push(loc, true, "media-type-removed", format!("{mt} removed")),
        }
    }
    if !single {
        for (mt, _) in obj(new) {
            if old.and_then(|o| o.get(mt)).is_none() {
                d.push(loc, false, "media-type-added", format!("{mt} added"));
            }
        }
    }
}

fn responses(d: &mut Differ, id: &str, old: Option<&Value>, new: Option<&Value>) {
    for (status, or) in obj(old) {
        let loc = Loc::new("response", Dir::ToClient, format!("{id} {status} response"));
        let Some(nr) = new.and_then(|n| n.get(status)) else {
            d.push(
                &loc,
                true,
                "status-removed",
                "removed from the documented responses",
            );
            continue;
        };
        let (or, nr) = (d.old.resolve(or), d.new.resolve(nr));
        headers(d, &loc, or.get("headers"), nr.get("headers"));
        let body = Loc {
            base: format!("{} body", loc.base),
            ..loc.clone()
        };
        match (or.get("content"), nr.get("content")) {
            (Some(_), None) => d.push(&body, true, "body-removed", "removed"),
            (None, Some(_)) => d.push(&body, false, "body-added", "added"),
            (o, n) => content(d, &body, o, n),
        }
    }
    for (status, _) in obj(new) {
        if old.and_then(|o| o.get(status)).is_none() {
            d.push_at(
                "response",
                format!("{id} {status} response"),
                false,
                "status-added",
                "added",
            );
        }
    }
}

fn headers(d: &mut Differ, loc: &Loc, old: Option<&Value>, new: Option<&Value>) {
    for (name, oh) in obj(old) {
        let here = Loc {
            base: format!("{} header {name}", loc.base),
            ..loc.clone()
        };
        // Header names are case-insensitive.
        let nh = obj(new).find(|(n, _)| n.eq_ignore_ascii_case(name));
        match nh {
            None => d.push(&here, true, "header-removed", "removed"),
            Some((_, nh)) => {
                let (oh, nh) = (d.old.resolve(oh), d.new.resolve(nh));
                if required(oh) && !required(nh) {
                    d.push(&here, true, "header-optional", "became optional");
                }
                schema::compare(
                    d,
                    &here,
                    oh.get("schema").unwrap_or(&Value::Null),
                    nh.get("schema").unwrap_or(&Value::Null),
                );
            }
        }
    }
    for (name, _) in obj(new) {
        if !obj(old).any(|(o, _)| o.eq_ignore_ascii_case(name)) {
            let here = Loc {
                base: format!("{} header {name}", loc.base),
                ..loc.clone()
            };
            d.push(&here, false, "header-added", "added");
        }
    }
}

/// Notifications: the service sends the callback's request, the client
/// reads it, so its body follows the response rules.
fn callbacks(d: &mut Differ, id: &str, old: Option<&Value>, new: Option<&Value>) {
    for (name, oc) in obj(old) {
        let base = format!("{id} callback {name}");
        let Some(nc) = new.and_then(|n| n.get(name)) else {
            d.push_at(
                "notification",
                base,
                true,
                "callback-removed",
                "removed: the service no longer documents this notification",
            );
            continue;
        };
        let (oc, nc) = (d.old.resolve(oc), d.new.resolve(nc));
        for (expr, oi) in obj(Some(oc)) {
            let Some(ni) = nc.get(expr).or_else(|| {
                // One expression on each side: compare them even if the
                // expression changed.
                (obj(Some(oc)).count() == 1 && obj(Some(nc)).count() == 1)
                    .then(|| obj(Some(nc)).next().map(|(_, v)| v))
                    .flatten()
            }) else {
                d.push_at(
                    "notification",
                    format!("{base} {expr}"),
                    true,
                    "callback-removed",
                    "removed",
                );
                continue;
            };
            let (oi, ni) = (d.old.resolve(oi), d.new.resolve(ni));
            for (method, oop) in obj(Some(oi)) {
                if !METHODS.contains(&method) {
                    continue;
                }
                let here = format!("{base} {}", method.to_uppercase());
                let Some(nop) = ni.get(method) else {
                    d.push_at("notification", here, true, "callback-removed", "removed");
                    continue;
                };
                let loc = Loc::new("notification", Dir::ToClient, format!("{here} body"));
                match (oop.get("requestBody"), nop.get("requestBody")) {
                    (Some(ob), Some(nb)) => {
                        let (ob, nb) = (d.old.resolve(ob), d.new.resolve(nb));
                        content(d, &loc, ob.get("content"), nb.get("content"));
                    }
                    (Some(_), None) => d.push(&loc, true, "body-removed", "removed"),
                    (None, Some(_)) => d.push(&loc, false, "body-added", "added"),
                    (None, None) => {}
                }
            }
        }
    }
    for (name, nc) in obj(new) {
        if old.and_then(|o| o.get(name)).is_none() {
            let nc = d.new.resolve(nc);
            let requests: Vec<String> = obj(Some(nc))
                .flat_map(|(expr, item)| {
                    obj(Some(d.new.resolve(item)))
                        .filter(|(m, _)| METHODS.contains(m))
                        .map(move |(m, _)| format!("{} {expr}", m.to_uppercase()))
                })
                .collect();
            d.push_at(
                "notification",
                format!("{id} callback {name}"),
                false,
                "callback-added",
                format!("added: {}", requests.join(", ")),
            );
        }
    }
}

/// A value for a message: JSON, or `nothing` when absent.
pub fn show(v: Option<&Value>) -> String {
    match v {
        None => "nothing".into(),
        Some(v) => crate::document::to_json(v).to_string(),
    }
}
