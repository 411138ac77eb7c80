//! The examples Huawei's pages print (`openapi/documented/`), checked
//! against the contract, and the discrepancies we accept on purpose.
//!
//! `index.yaml` lists one entry per example file: `file`, `source` (the
//! page), `operation` (an operationId), `part` and, for a response,
//! `status`. The file holds what the page prints, as JSON:
//! - `request`: the operation's request body;
//! - `response`: the body of the operation's `status` response;
//! - `notification`: a notification body, checked against
//!   [`NOTIFICATION`] (`operation` is then optional);
//! - `parameters`: an object from parameter name to value, each checked
//!   against that parameter of the operation (a string stands for the text
//!   of a path or query parameter and is read as the schema's type).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::check::dialect::{self, Failure};
use crate::check::Check;
use crate::document::{escape, pointer, reference, str_of, Document, Kind, Side, Value};

pub const DIR: &str = "openapi/documented";

/// The schema of every notification.
const NOTIFICATION: &str = "#/components/schemas/RecordNotification";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub source: String,
    pub operation: Option<String>,
    pub part: Part,
    pub status: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Request,
    Response,
    Notification,
    Parameters,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discrepancy {
    pub file: String,
    pub pointer: String,
    pub keyword: String,
    pub documented: String,
    pub contract: String,
    pub reason: String,
}

/// Checks every documented example: it validates, or disagrees only where
/// discrepancies.yaml says why. Returns how many hold, and how many of
/// those are notifications.
pub fn check(c: &mut Check, doc: &Document) -> Result<(usize, usize)> {
    check_in(c, doc, &crate::root().join(DIR))
}

/// [`check`] on the documented examples of `dir` (a copy, in tests).
pub fn check_in(c: &mut Check, doc: &Document, dir: &Path) -> Result<(usize, usize)> {
    let (entries, discrepancies) = load(dir)?;
    for file in unlisted(dir, &entries)? {
        let problem = format!(
            "{DIR}/{file} is not listed in {DIR}/index.yaml, so nothing checks it: list it"
        );
        c.problem("documented", problem);
    }
    let mut verdicts = Vec::new();
    let mut matched = BTreeSet::new();
    let mut notifications = 0;
    for entry in &entries {
        let file = &entry.file;
        let found = entry.value(dir).and_then(|v| entry.disagreements(doc, &v));
        let disagreements = match found {
            Ok(d) => d,
            Err(e) => {
                c.problem("documented", format!("{file}: {e:#}"));
                verdicts.push(format!("{file} -> {}: NOT VALIDATED", entry.target()));
                continue;
            }
        };
        let (mut unexplained, mut explained) = (0, Vec::new());
        for (at, keyword, message) in disagreements {
            let known = discrepancies
                .iter()
                .position(|d| d.file == *file && d.pointer == at && d.keyword == keyword);
            if let Some(i) = known {
                matched.insert(i);
                explained.push(format!("{at} `{keyword}`"));
            } else {
                unexplained += 1;
                c.problem("documented", format!("{DIR}/{file} ({}) disagrees with the contract at {at}: `{keyword}`: {message}; fix the contract or list it in {DIR}/discrepancies.yaml with the reason", entry.source));
            }
        }
        let verdict = match (unexplained, explained.is_empty()) {
            (0, true) => "agrees".to_owned(),
            (0, false) => format!("known discrepancy at {}", explained.join(", ")),
            _ => "DISAGREES".to_owned(),
        };
        if unexplained == 0 && entry.part == Part::Notification {
            notifications += 1;
        }
        verdicts.push(format!("{file} -> {}: {verdict}", entry.target()));
    }
    for (i, d) in discrepancies.iter().enumerate() {
        if !matched.contains(&i) {
            c.problem("documented", format!("{DIR}/discrepancies.yaml lists {} {} `{}`, but the example no longer disagrees there: remove the entry", d.file, d.pointer, d.keyword));
        }
    }
    let count = |verdict: &str| verdicts.iter().filter(|v| v.contains(verdict)).count();
    let (agree, known) = (count(": agrees"), count(": known discrepancy"));
    let (disagree, unchecked) = (count(": DISAGREES"), count(": NOT VALIDATED"));
    let listed = entries.len();
    c.line(format!("documented examples: {listed} listed, {} validated ({agree} agree, {known} with a known discrepancy, {disagree} disagree), {unchecked} not validated", listed - unchecked));
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
    Ok((agree + known, notifications))
}

pub fn load(dir: &Path) -> Result<(Vec<Entry>, Vec<Discrepancy>)> {
    let entries: Vec<Entry> = serde_yaml::from_str(&read(dir, "index.yaml")?)
        .with_context(|| format!("parsing {DIR}/index.yaml"))?;
    let discrepancies: Vec<Discrepancy> =
        serde_yaml::from_str(&read(dir, "discrepancies.yaml")?)
            .with_context(|| format!("parsing {DIR}/discrepancies.yaml"))?;
    for d in &discrepancies {
        if d.reason.trim().is_empty() || d.contract.trim().is_empty() || d.documented.is_empty() {
            bail!("{DIR}/discrepancies.yaml: the entry for {} {} must say what is documented, what the contract says and why", d.file, d.pointer);
        }
        if !entries.iter().any(|e| e.file == d.file) {
            bail!(
                "{DIR}/discrepancies.yaml names {}, which index.yaml does not list",
                d.file
            );
        }
    }
    Ok((entries, discrepancies))
}

/// A file of the directory.
fn read(dir: &Path, name: &str) -> Result<String> {
    std::fs::read_to_string(dir.join(name)).with_context(|| format!("reading {DIR}/{name}"))
}

/// The files in the directory that index.yaml does not list (so nothing
/// checks them).
pub fn unlisted(dir: &Path, entries: &[Entry]) -> Result<Vec<String>> {
    let listed: BTreeSet<&str> = entries.iter().map(|e| e.file.as_str()).collect();
    let mut out = Vec::new();
    for f in std::fs::read_dir(dir).with_context(|| format!("listing {DIR}"))? {
        let name = f?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !listed.contains(name.as_str()) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

impl Entry {
    fn value(&self, dir: &Path) -> Result<Json> {
        let text = read(dir, &self.file)?;
        serde_json::from_str(&text).with_context(|| format!("{DIR}/{} is not JSON", self.file))
    }

    /// Every disagreement of the example with the place it belongs to.
    fn disagreements(&self, doc: &Document, value: &Json) -> Result<Vec<Failure>> {
        let name = self.operation.as_deref().unwrap_or_default();
        let schema_of = |holder: &Value, what: &str| {
            let at = "/content/application~1json/schema";
            pointer(doc.resolve(holder), at)
                .cloned()
                .with_context(|| format!("{name}'s {what} has no application/json schema"))
        };
        let (schema, side) = match self.part {
            Part::Notification => {
                if self.operation.is_some() {
                    self.operation(doc)?;
                }
                // The event's own schema, through the union's discriminator,
                // so that a disagreement names the field rather than `oneOf`.
                let event = value.get("event_type").and_then(Json::as_str);
                let mapped = event.and_then(|e| {
                    let at = format!("{NOTIFICATION}/discriminator/mapping/{e}");
                    doc.pointer(&at)?.as_str().map(reference)
                });
                let schema = mapped.unwrap_or_else(|| reference(NOTIFICATION));
                (schema, Side::Response)
            }
            Part::Parameters => return self.parameters(doc, value),
            Part::Request => {
                let body = self.operation(doc)?.get("requestBody");
                let body = body.with_context(|| format!("{name} has no request body"))?;
                (schema_of(body, "request body")?, Side::Request)
            }
            Part::Response => {
                let status = self.status.as_deref();
                let status = status
                    .with_context(|| format!("{DIR}/index.yaml: {} needs a status", self.file))?;
                let response = self.operation(doc)?.get("responses");
                let response = response
                    .and_then(|r| r.get(status))
                    .with_context(|| format!("{name} declares no {status} response"))?;
                let what = format!("{status} response");
                (schema_of(response, &what)?, Side::Response)
            }
        };
        dialect::validate(doc, &schema, side, value)
    }

    /// A `parameters` example: each value against its parameter's schema.
    fn parameters(&self, doc: &Document, value: &Json) -> Result<Vec<Failure>> {
        self.operation(doc)?;
        let Some(given) = value.as_object() else {
            bail!("{DIR}/{}: a parameters example is a JSON object", self.file);
        };
        let id = self.operation.as_deref();
        let operation = doc
            .operations()
            .into_iter()
            .find(|o| str_of(o.op, "operationId") == id);
        let params = operation.map(|o| doc.parameters(&o)).unwrap_or_default();
        let mut out = Vec::new();
        for (name, v) in given {
            let at = format!("/{}", escape(name));
            let Some(p) = params.iter().find(|p| str_of(p, "name") == Some(name)) else {
                let message = format!("the operation has no parameter `{name}`");
                out.push((at, "parameters".to_owned(), message));
                continue;
            };
            let schema = p.get("schema").cloned().unwrap_or_default();
            let typed = match (v, str_of(doc.resolve(&schema), "type")) {
                (Json::String(s), Some("integer" | "number" | "boolean")) => {
                    serde_json::from_str(s).unwrap_or_else(|_| v.clone())
                }
                _ => v.clone(),
            };
            for (inner, keyword, message) in dialect::validate(doc, &schema, Side::Request, &typed)?
            {
                out.push((format!("{at}{inner}"), keyword, message));
            }
        }
        Ok(out)
    }

    /// The operation the entry names, top-level or a callback's.
    fn operation<'a>(&self, doc: &'a Document) -> Result<&'a Value> {
        let id = self
            .operation
            .as_deref()
            .with_context(|| format!("{DIR}/index.yaml: {} needs an operation", self.file))?;
        let ops = doc
            .nodes()
            .into_iter()
            .filter(|n| n.kind == Kind::Operation);
        ops.map(|n| n.value)
            .find(|op| str_of(op, "operationId") == Some(id))
            .with_context(|| format!("{DIR}/index.yaml: no operation {id} in the document"))
    }

    /// What to call it in the report.
    fn target(&self) -> String {
        let op = self.operation.as_deref().unwrap_or("a");
        match (self.part, &self.status) {
            (Part::Response, Some(status)) => format!("{op} {status} response"),
            (part, _) => format!("{op} {}", format!("{part:?}").to_lowercase()),
        }
    }
}
