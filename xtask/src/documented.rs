//! The examples Huawei's pages print (`openapi/documented/`), checked
//! against the contract, and the discrepancies we accept on purpose.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::Value;

use crate::dialect::Side;

pub const DIR: &str = "openapi/documented";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub source: String,
    pub operation: String,
    pub part: Part,
    pub status: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Request,
    Response,
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

pub fn load() -> Result<(Vec<Entry>, Vec<Discrepancy>)> {
    let read = |name: &str| -> Result<String> {
        let path = crate::root().join(DIR).join(name);
        std::fs::read_to_string(&path).with_context(|| format!("reading {DIR}/{name}"))
    };
    let entries: Vec<Entry> = serde_yaml::from_str(&read("index.yaml")?)
        .context("parsing openapi/documented/index.yaml")?;
    let discrepancies: Vec<Discrepancy> = serde_yaml::from_str(&read("discrepancies.yaml")?)
        .context("parsing openapi/documented/discrepancies.yaml")?;
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

impl Entry {
    pub fn value(&self) -> Result<Value> {
        let path = crate::root().join(DIR).join(&self.file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {DIR}/{}", self.file))?;
        serde_json::from_str(&text).with_context(|| format!("{DIR}/{} is not JSON", self.file))
    }

    pub fn side(&self) -> Side {
        match self.part {
            Part::Request => Side::Request,
            Part::Response => Side::Response,
        }
    }

    /// The schema of the place this example belongs to, from the document.
    pub fn schema(&self, doc: &Value) -> Result<Value> {
        let (path, method, op) = find_operation(doc, &self.operation).with_context(|| {
            format!(
                "{DIR}/index.yaml: no operation {} in the document",
                self.operation
            )
        })?;
        let holder = match self.part {
            Part::Request => op
                .get("requestBody")
                .with_context(|| format!("{} has no request body", self.operation))?,
            Part::Response => {
                let status = self
                    .status
                    .as_deref()
                    .with_context(|| format!("{DIR}/index.yaml: {} needs a status", self.file))?;
                op.pointer(&format!("/responses/{status}"))
                    .with_context(|| {
                        format!(
                            "{} {method} {path} declares no {status} response",
                            self.operation
                        )
                    })?
            }
        };
        let holder = resolve(doc, holder);
        holder
            .pointer("/content/application~1json/schema")
            .cloned()
            .with_context(|| {
                format!(
                    "{}'s {:?} has no application/json schema",
                    self.operation, self.part
                )
            })
    }

    /// What to call it in the report.
    pub fn target(&self) -> String {
        match (&self.part, &self.status) {
            (Part::Request, _) => format!("{} request", self.operation),
            (Part::Response, Some(s)) => format!("{} {s} response", self.operation),
            (Part::Response, None) => format!("{} response", self.operation),
        }
    }
}

fn find_operation<'a>(doc: &'a Value, id: &str) -> Option<(&'a str, &'a str, &'a Value)> {
    doc.get("paths")?
        .as_object()?
        .iter()
        .find_map(|(path, item)| {
            item.as_object()?.iter().find_map(|(method, op)| {
                (op.get("operationId").and_then(Value::as_str) == Some(id)).then_some((
                    path.as_str(),
                    method.as_str(),
                    op,
                ))
            })
        })
}

/// Follows a local `$ref` (one level is all the document uses for these).
pub fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(p) => doc.pointer(p).unwrap_or(v),
        None => v,
    }
}
