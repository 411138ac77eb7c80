//! `cargo xtask observed REPORT...`: what `live-record-callbacks proxy`
//! and `verify --audit` saw, written as candidate documented examples
//! under `openapi/documented/`, so `cargo xtask check` holds the contract
//! to real answers from then on (and lists a disagreement like any other).
//!
//! A report is JSON lines: the proxy's exchanges (`operation`, `response`
//! with `status` and `body`), the audit's notifications (`notification`),
//! and summaries (skipped). Each body is redacted before it is written:
//! ids, project ids, domains, OBS names and URLs become the example the
//! document gives for that field (`<redacted>` where it has none), and the
//! callback key and signatures are left out. A body already written for
//! the same operation and status is not written twice.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value as Json};

use crate::check::documented::{self, Part, DIR};
use crate::document::{reference, str_of, to_json, Document, Mapping, Value};

/// Fields never written, whatever their value.
const SECRETS: [&str; 3] = ["key", "auth_sign", "secret_key"];

/// Where a notification's own schema is found, by `event_type`.
const MAPPING: &str = "/components/schemas/RecordNotification/discriminator/mapping";
/// The schema of a notification whose event the document does not list.
const OTHER: &str = "#/components/schemas/OtherRecordNotification";

/// One candidate example.
struct Candidate {
    operation: Option<String>,
    part: Part,
    status: Option<String>,
    body: Json,
    /// What saw it: `proxy` or `verify --audit`.
    seen_by: &'static str,
    report: String,
}

pub fn run(reports: &[PathBuf], date: Option<String>, into: Option<PathBuf>) -> Result<()> {
    let date = match date {
        Some(d) => {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .with_context(|| format!("--date {d}: not a date (YYYY-MM-DD)"))?;
            d
        }
        None => chrono::Utc::now().format("%Y-%m-%d").to_string(),
    };
    let shown = into
        .as_ref()
        .map_or(DIR.to_owned(), |d| d.display().to_string());
    let dir = into.unwrap_or_else(|| crate::root().join(DIR));
    let doc = Document::load()?;
    let (written, skipped) = write(&doc, reports, &date, &dir)?;
    for file in &written {
        println!("{shown}/{file}: written");
    }
    println!(
        "{} candidate example(s) written, {skipped} skipped (no body, or one already written); run `cargo xtask check` to hold the contract to them",
        written.len()
    );
    Ok(())
}

/// Writes the candidates of `reports` into `dir` and lists them in its
/// index.yaml; returns the files written and how many were skipped.
fn write(
    doc: &Document,
    reports: &[PathBuf],
    date: &str,
    dir: &Path,
) -> Result<(Vec<String>, usize)> {
    let (entries, _) = documented::load(dir)?;
    let mut index = std::fs::read_to_string(dir.join("index.yaml"))
        .with_context(|| format!("reading {DIR}/index.yaml"))?;
    let mut files: Vec<String> = entries.iter().map(|e| e.file.clone()).collect();
    let (mut written, mut skipped) = (Vec::new(), 0);
    for path in reports {
        for c in candidates(doc, path)? {
            let Some(c) = c else {
                skipped += 1;
                continue;
            };
            let text = serde_json::to_string_pretty(&c.body)? + "\n";
            let stem = format!(
                "observed-{date}-{}-{}",
                c.operation.as_deref().unwrap_or("notification"),
                c.status.as_deref().unwrap_or(match c.part {
                    Part::Notification => c.body["event_type"].as_str().unwrap_or("event"),
                    _ => "body",
                })
            );
            let same = files
                .iter()
                .filter(|f| f.starts_with(&stem))
                .any(|f| std::fs::read_to_string(dir.join(f)).is_ok_and(|t| t == text));
            if same {
                skipped += 1;
                continue;
            }
            let n = files.iter().filter(|f| f.starts_with(&stem)).count() + 1;
            let file = format!("{stem}-{n}.json");
            std::fs::write(dir.join(&file), &text)
                .with_context(|| format!("writing {DIR}/{file}"))?;
            index += &entry(&c, &file, date)?;
            files.push(file.clone());
            written.push(file);
        }
    }
    std::fs::write(dir.join("index.yaml"), index)
        .with_context(|| format!("writing {DIR}/index.yaml"))?;
    Ok((written, skipped))
}

/// The index.yaml entry of a candidate, in the format of the others.
fn entry(c: &Candidate, file: &str, date: &str) -> Result<String> {
    let what = match (&c.operation, &c.status) {
        (Some(op), Some(status)) => format!("the {op} answer with status {status}"),
        _ => format!(
            "a {} notification",
            c.body["event_type"].as_str().unwrap_or("recording")
        ),
    };
    let source = format!(
        "observed {date}: {what}, as `live-record-callbacks {}` reported it ({}); ids, project ids, domains, OBS names and URLs replaced by the document's examples, key and signature left out",
        c.seen_by, c.report
    );
    let mut m = Mapping::new();
    m.insert("file".into(), file.into());
    m.insert("source".into(), source.into());
    if let Some(op) = &c.operation {
        m.insert("operation".into(), op.as_str().into());
    }
    let part = format!("{:?}", c.part).to_lowercase();
    m.insert("part".into(), part.into());
    if let Some(status) = &c.status {
        m.insert("status".into(), status.as_str().into());
    }
    Ok(serde_yaml::to_string(&vec![Value::Mapping(m)])?)
}

/// The candidates of one report, in its order (`None` for an exchange
/// with nothing to keep).
fn candidates(doc: &Document, path: &Path) -> Result<Vec<Option<Candidate>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let report = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = || format!("{}, line {}", path.display(), i + 1);
        let v: Json = serde_json::from_str(line).with_context(|| format!("{}: not JSON", at()))?;
        if v.get("summary").is_some() {
            continue;
        }
        if let Some(body) = v.get("notification") {
            let event = body["event_type"].as_str().unwrap_or_default();
            let schema = doc
                .pointer(&format!("{MAPPING}/{}", crate::document::escape(event)))
                .and_then(Value::as_str)
                .map_or_else(|| reference(OTHER), reference);
            out.push(Some(Candidate {
                operation: None,
                part: Part::Notification,
                status: None,
                body: redact(doc, &schema, body, 0),
                seen_by: "verify --audit",
                report: report.clone(),
            }));
            continue;
        }
        let (Some(op), Some(status)) = (v["operation"].as_str(), v["response"]["status"].as_u64())
        else {
            bail!(
                "{}: neither an exchange of `proxy` nor a notification of `verify --audit`",
                at()
            );
        };
        let body = &v["response"]["body"];
        let Some((key, schema)) = response_schema(doc, op, status) else {
            // An answer the contract has no body for (a 204, an undeclared
            // status): the proxy's report already names it.
            out.push(None);
            continue;
        };
        if body.is_null() {
            out.push(None);
            continue;
        }
        out.push(Some(Candidate {
            operation: Some(op.to_owned()),
            part: Part::Response,
            status: Some(key),
            body: redact(doc, &schema, body, 0),
            seen_by: "proxy",
            report: report.clone(),
        }));
    }
    Ok(out)
}

/// The declared status key (`200`, `4XX`, `default`) and body schema of
/// `op`'s answer with `status`.
fn response_schema(doc: &Document, op: &str, status: u64) -> Option<(String, Value)> {
    let ops = doc.operations();
    let op = ops
        .iter()
        .find(|o| str_of(o.op, "operationId") == Some(op))?;
    let responses = op.op.get("responses")?;
    let keys = [
        status.to_string(),
        format!("{}XX", status / 100),
        "default".to_owned(),
    ];
    let (key, response) = keys
        .into_iter()
        .find_map(|k| responses.get(k.as_str()).map(|r| (k, r)))?;
    let schema = doc
        .resolve(response)
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    Some((key, schema.clone()))
}

/// Whether a field names something of the account that observed it.
fn identifying(name: &str, value: &Json) -> bool {
    name == "id"
        || name.ends_with("_id")
        || name.ends_with("domain")
        || name == "obs_bucket"
        || name == "obs_object"
        || value
            .as_str()
            .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"))
}

/// `v` with identifying values replaced by the schema's examples and
/// secrets left out.
fn redact(doc: &Document, schema: &Value, v: &Json, depth: u8) -> Json {
    let merged = Value::Mapping(doc.merged(schema));
    match v {
        Json::Object(fields) if depth < 32 => {
            let props = merged.get("properties");
            let mut out = Map::new();
            for (name, x) in fields {
                if SECRETS.contains(&name.as_str()) {
                    continue;
                }
                let p = props.and_then(|p| p.get(name.as_str()));
                let x = if identifying(name, x) {
                    p.map(|p| doc.resolve(p))
                        .and_then(|p| p.get("example"))
                        .map(to_json)
                        .unwrap_or_else(|| Json::String("<redacted>".into()))
                } else {
                    redact(doc, p.unwrap_or(&Value::Null), x, depth + 1)
                };
                out.insert(name.clone(), x);
            }
            Json::Object(out)
        }
        Json::Array(items) if depth < 32 => {
            let item = merged.get("items").cloned().unwrap_or(Value::Null);
            Json::Array(
                items
                    .iter()
                    .map(|x| redact(doc, &item, x, depth + 1))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Check;

    /// A proxy report against the emulator, kept up to date by
    /// cli/tests/cli/proxy.rs (its `UPDATE_REPORTS=1` run rewrites it).
    const REPORT: &str = "test-support/reports/proxy-emulator.jsonl";

    /// A copy of openapi/documented/ to write into.
    fn copy(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("xtask-observed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for f in std::fs::read_dir(crate::root().join(DIR)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), dir.join(f.file_name())).unwrap();
        }
        dir
    }

    #[test]
    fn a_proxy_report_against_the_emulator_becomes_examples_the_check_validates() {
        let doc = Document::load().unwrap();
        let dir = copy("emulator");
        let report = crate::root().join(REPORT);
        let (written, skipped) =
            write(&doc, std::slice::from_ref(&report), "2026-12-07", &dir).unwrap();
        // Create, list, show and update answer with a body; delete (204)
        // has none.
        assert_eq!(written.len(), 4, "{written:?}");
        assert_eq!(skipped, 1);
        assert!(
            written.contains(&"observed-2026-12-07-ShowRecordCallbackConfig-200-1.json".to_owned())
        );
        let mut c = Check::default();
        let (validated, _) = documented::check_in(&mut c, &doc, &dir).unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let before = documented::load(&crate::root().join(DIR)).unwrap().0.len();
        assert_eq!(validated, before + 4);
        for file in &written {
            assert!(c.report.contains(&format!("{file} -> ")), "{}", c.report);
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            // The emulator's ids are UUIDs; the document's example id stands in.
            assert!(
                text.contains("2a6f8c1e-4b7d-4e0a-9c3f-5d8b1e7a6c42"),
                "{text}"
            );
            assert!(!text.contains("\"key\""), "{text}");
        }
        let index = std::fs::read_to_string(dir.join("index.yaml")).unwrap();
        assert!(
            index.contains(
                "source: 'observed 2026-12-07: the ShowRecordCallbackConfig answer with status 200"
            ),
            "{index}"
        );
        // Run again: nothing new.
        let (again, skipped) = write(&doc, &[report], "2026-12-07", &dir).unwrap();
        assert_eq!((again.len(), skipped), (0, 5));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_observed_answer_that_disagrees_is_listed_like_any_other() {
        let doc = Document::load().unwrap();
        let dir = copy("lie");
        let report = dir.join("lie.jsonl");
        let line = r#"{"operation":"ListRecordCallbackConfigs","response":{"status":200,"request_id":"r","body":{"total":"1","callback_config":[{"id":"cfg-9","publish_domain":"push.corp.example","app":"live","notify_callback_url":"https://corp.example/hook","key":"SecretKeyThatMustNotBeWritten0000"}]}},"findings":[]}"#;
        // And a notification as `verify --audit` printed it.
        let audit = r#"{"notification":{"project_id":"p-real","task_id":"t-real","event_type":"RECORD_OVER","publish_domain":"push.corp.example","app":"live","stream":"s","record_format":"HLS","auth_timestamp":1583676745,"auth_sign":"<redacted>"},"signature":"valid","findings":[]}"#;
        std::fs::write(&report, format!("{line}\n{audit}\n{{\"summary\":{{}}}}\n")).unwrap();
        let (written, _) = write(&doc, &[report], "2026-12-07", &dir).unwrap();
        assert_eq!(written.len(), 2, "{written:?}");
        for file in &written {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            for private in [
                "cfg-9",
                "corp.example",
                "SecretKey",
                "p-real",
                "t-real",
                "auth_sign",
            ] {
                assert!(!text.contains(private), "{private} in {text}");
            }
        }
        assert_eq!(
            written[1],
            "observed-2026-12-07-notification-RECORD_OVER-1.json"
        );
        let mut c = Check::default();
        documented::check_in(&mut c, &doc, &dir).unwrap();
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert!(
            c.problems[0].contains("disagrees with the contract at /total: `type`"),
            "{}",
            c.problems[0]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
