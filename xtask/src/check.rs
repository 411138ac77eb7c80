//! `cargo xtask check`: every way the contract can go wrong, one report.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use crate::dialect::{self, Side};
use crate::{documented, examples, notifications, probe, progenitor_rules, snapshot, SPEC};

/// Problems found so far; the check keeps going to report them all.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn add(&mut self, section: &str, message: impl std::fmt::Display) {
        self.0.push(format!("[{section}] {message}"));
    }
}

pub fn run() -> Result<()> {
    let mut report = String::new();
    let mut problems = Findings::default();
    let text = std::fs::read_to_string(crate::root().join(SPEC))
        .with_context(|| format!("reading {SPEC}"))?;

    // 1. The document parses, as YAML and as OpenAPI 3.0.3.
    let doc: Value = serde_yaml::from_str(&text).with_context(|| format!("{SPEC} is not YAML"))?;
    let spec = progenitor_rules::parse_document(&text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{SPEC} does not parse as an OpenAPI 3.0 document"))?;
    if spec.openapi != "3.0.3" {
        problems.add(
            "document",
            format!("`openapi: {}`: the contract is OpenAPI 3.0.3", spec.openapi),
        );
    }
    writeln!(
        report,
        "contract {SPEC}: OpenAPI {}, \"{}\" version {}",
        spec.openapi, spec.info.title, spec.info.version
    )?;

    // 2. Progenitor's rules.
    for p in progenitor_rules::progenitor_rule_violations(&spec) {
        problems.add("progenitor", p);
    }
    let operations = operations(&spec);
    writeln!(report, "operations ({}):", operations.len())?;
    for line in &operations {
        writeln!(report, "  {line}")?;
    }
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    writeln!(
        report,
        "schemas ({}): {}",
        components.len(),
        components.keys().cloned().collect::<Vec<_>>().join(", ")
    )?;

    // 3. Every example validates against its schema.
    let all = examples::collect(&doc);
    let mut to_deserialize: Vec<(String, String, Value)> = Vec::new(); // (what, schema, value)
    for ex in &all {
        let errors = validate(&ex.schema, &components, ex.side, &ex.value)?;
        if errors.is_empty() {
            if let Some(name) = ex.component() {
                to_deserialize.push((
                    format!("example {}", ex.pointer),
                    name.to_owned(),
                    ex.value.clone(),
                ));
            }
        }
        for e in errors {
            problems.add("examples", format!("{}: {e}", ex.pointer));
        }
    }
    let validated = all.len();
    // The notification examples are signed as the document's x-signing says.
    let notifications = notifications::check(&doc, &all);
    for p in &notifications.problems {
        problems.add("notifications", p);
    }

    // 4. The examples Huawei's pages print.
    let (entries, discrepancies) = documented::load()?;
    let mut verdicts = Vec::new();
    let mut matched = BTreeSet::new();
    for entry in &entries {
        let value = entry.value()?;
        let schema = match entry.schema(&doc) {
            Ok(s) => s,
            Err(e) => {
                problems.add("documented", format!("{}: {e:#}", entry.file));
                continue;
            }
        };
        let raw = validate_raw(&schema, &components, entry.side(), &value)?;
        let mut unexplained = Vec::new();
        let mut explained = Vec::new();
        for (pointer, keyword, message) in raw {
            match discrepancies
                .iter()
                .position(|d| d.file == entry.file && d.pointer == pointer && d.keyword == keyword)
            {
                Some(i) => {
                    matched.insert(i);
                    explained.push(format!("{pointer} `{keyword}`"));
                }
                None => unexplained.push(format!("{pointer}: `{keyword}`: {message}")),
            }
        }
        for u in &unexplained {
            problems.add(
                "documented",
                format!("{}/{} ({}) disagrees with the contract at {u}; fix the contract or list it in {}/discrepancies.yaml with the reason", documented::DIR, entry.file, entry.source, documented::DIR),
            );
        }
        let verdict = if !unexplained.is_empty() {
            "DISAGREES".to_owned()
        } else if explained.is_empty() {
            if let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                to_deserialize.push((
                    format!("{}/{}", documented::DIR, entry.file),
                    name.to_owned(),
                    value.clone(),
                ));
            }
            "agrees".to_owned()
        } else {
            format!("known discrepancy at {}", explained.join(", "))
        };
        verdicts.push(format!("{} -> {}: {verdict}", entry.file, entry.target()));
    }
    for (i, d) in discrepancies.iter().enumerate() {
        if !matched.contains(&i) {
            problems.add(
                "documented",
                format!("{}/discrepancies.yaml lists {} {} `{}`, but the example no longer disagrees there: remove the entry", documented::DIR, d.file, d.pointer, d.keyword),
            );
        }
    }

    // Stop before building the generated client if the document is broken:
    // its problems are the ones to fix first.
    if !problems.0.is_empty() {
        print!("{report}");
        fail(&problems)?;
    }

    // 5. The generated types: examples deserialize, schemas agree, snapshot.
    let values: Vec<(String, Value)> = to_deserialize
        .iter()
        .map(|(_, s, v)| (s.clone(), v.clone()))
        .collect();
    let answer = probe::ask(&values)?;
    for ((what, schema, _), result) in to_deserialize.iter().zip(&answer.results) {
        if let Some(e) = result {
            problems.add(
                "types",
                format!(
                    "{what} is valid for {schema} but does not deserialize into its Rust type: {e}"
                ),
            );
        }
    }
    for name in components.keys() {
        if !answer.types.contains_key(name) {
            problems.add(
                "types",
                format!(
                    "schema {name} has no Rust type in xtask/probe/src/main.rs's table: add it"
                ),
            );
        }
    }
    for name in answer.types.keys() {
        if !components.contains_key(name) {
            problems.add(
                "types",
                format!(
                    "xtask/probe/src/main.rs maps {name}, which is not a schema of the document"
                ),
            );
        }
    }
    let mut agreeing = 0;
    for (name, schema) in &components {
        let Some(derived) = answer.types.get(name) else {
            continue;
        };
        let drift = drift(name, schema, &doc, derived);
        if drift.is_empty() {
            agreeing += 1;
        }
        for d in drift {
            problems.add("drift", d);
        }
    }
    let snapshot = match snapshot::stale(&answer.generated_source) {
        Err(e) => {
            problems.add("snapshot", format!("{e:#}"));
            "MISSING".to_owned()
        }
        Ok(None) => "up to date".to_owned(),
        Ok(Some(diff)) => {
            problems.add(
                "snapshot",
                format!(
                    "{} is stale ({diff}); review the change, then run `{}`",
                    snapshot::PATH,
                    snapshot::UPDATE
                ),
            );
            "STALE".to_owned()
        }
    };

    writeln!(report, "progenitor rules: hold")?;
    writeln!(report, "examples: {validated} validated against their schemas (JSON Schema draft 4, OpenAPI 3.0 dialect)")?;
    for line in &notifications.lines {
        writeln!(report, "{line}")?;
    }
    writeln!(report, "generated types: {} values deserialized, {agreeing}/{} schemars schemas agree with the document", to_deserialize.len(), components.len())?;
    writeln!(report, "documented examples ({}):", verdicts.len())?;
    for v in &verdicts {
        writeln!(report, "  {v}")?;
    }
    writeln!(report, "known discrepancies ({}):", discrepancies.len())?;
    for d in &discrepancies {
        writeln!(
            report,
            "  {} {}: documented {}, contract: {}",
            d.file, d.pointer, d.documented, d.contract
        )?;
    }
    writeln!(
        report,
        "generated-code snapshot ({}): {snapshot}",
        snapshot::PATH
    )?;
    // 6. The published renditions and the reference are up to date.
    let stale = crate::bundle::stale()?;
    for s in &stale {
        problems.add("bundle", format!("{s}; run `{}`", crate::bundle::REFRESH));
    }
    writeln!(
        report,
        "renditions (JSON, OpenAPI 3.1): {}",
        if stale.is_empty() {
            "up to date"
        } else {
            "STALE"
        }
    )?;
    let reference = crate::docs::stale()?;
    if let Some(s) = &reference {
        problems.add("docs", format!("{s}; run `{}`", crate::docs::REFRESH));
    }
    writeln!(
        report,
        "contract reference ({}): {}",
        crate::docs::PATH,
        if reference.is_none() {
            "up to date"
        } else {
            "STALE"
        }
    )?;
    print!("{report}");
    fail(&problems)?;
    println!("contract check: OK");
    Ok(())
}

fn fail(problems: &Findings) -> Result<()> {
    if problems.0.is_empty() {
        return Ok(());
    }
    for p in &problems.0 {
        eprintln!("{p}");
    }
    bail!("contract check failed: {} problem(s)", problems.0.len())
}

fn operations(spec: &openapiv3::OpenAPI) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let mut codes: Vec<String> = op
                .responses
                .responses
                .keys()
                .map(|c| c.to_string())
                .collect();
            if op.responses.default.is_some() {
                codes.push("default".into());
            }
            out.push(format!(
                "{:<28} {:<6} {path}  [{}]",
                op.operation_id.as_deref().unwrap_or("(no operationId)"),
                method.to_uppercase(),
                codes.join(" ")
            ));
        }
    }
    out
}

/// Validation errors as `(instance pointer, keyword, message)`.
fn validate_raw(
    schema: &Value,
    components: &Map<String, Value>,
    side: Side,
    value: &Value,
) -> Result<Vec<(String, String, String)>> {
    let js = dialect::json_schema(schema, components, side);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&js)
        .map_err(|e| anyhow::anyhow!("a schema does not compile as JSON Schema: {e}"))?;
    Ok(validator
        .iter_errors(value)
        .map(|e| {
            (
                e.instance_path().to_string(),
                e.kind().keyword().to_owned(),
                e.to_string(),
            )
        })
        .collect())
}

fn validate(
    schema: &Value,
    components: &Map<String, Value>,
    side: Side,
    value: &Value,
) -> Result<Vec<String>> {
    Ok(validate_raw(schema, components, side, value)?
        .into_iter()
        .map(|(pointer, keyword, message)| {
            let at = if pointer.is_empty() {
                "the value".to_owned()
            } else {
                format!("value at {pointer}")
            };
            format!("{at} fails `{keyword}`: {message}")
        })
        .collect())
}

/// What the drift check compares: property names, the required set, types
/// and enum values (not formats or lengths, which schemars does not see).
#[derive(Debug, PartialEq)]
enum Shape {
    Object {
        properties: BTreeMap<String, Shape>,
        required: BTreeSet<String>,
    },
    Array(Box<Shape>),
    Scalar {
        ty: String,
        values: Option<BTreeSet<String>>,
    },
    Any,
}

fn drift(name: &str, schema: &Value, doc: &Value, derived: &Value) -> Vec<String> {
    let documented = shape(
        schema,
        &|r| r.strip_prefix('#').and_then(|p| doc.pointer(p)),
        0,
    );
    let defs = derived.get("definitions");
    let generated = shape(
        derived,
        &|r| r.strip_prefix("#/definitions/").and_then(|n| defs?.get(n)),
        0,
    );
    let mut out = Vec::new();
    compare(name, &documented, &generated, &mut out);
    out
}

fn compare(at: &str, doc: &Shape, gen: &Shape, out: &mut Vec<String>) {
    match (doc, gen) {
        (
            Shape::Object {
                properties: dp,
                required: dr,
            },
            Shape::Object {
                properties: gp,
                required: gr,
            },
        ) => {
            for (name, ds) in dp {
                match gp.get(name) {
                    Some(gs) => compare(&format!("{at}.{name}"), ds, gs, out),
                    None => out.push(format!(
                        "{at}: property `{name}` is in the document but not in the generated type"
                    )),
                }
            }
            for name in gp.keys().filter(|n| !dp.contains_key(*n)) {
                out.push(format!(
                    "{at}: property `{name}` is in the generated type but not in the document"
                ));
            }
            if dr != gr {
                out.push(format!(
                    "{at}: required {dr:?} in the document, {gr:?} in the generated type"
                ));
            }
        }
        (Shape::Array(d), Shape::Array(g)) => compare(&format!("{at}[]"), d, g, out),
        (Shape::Any, _) | (_, Shape::Any) => {}
        (d, g) if d == g => {}
        (d, g) => out.push(format!(
            "{at}: {} in the document, {} in the generated type",
            describe(d),
            describe(g)
        )),
    }
}

fn describe(s: &Shape) -> String {
    match s {
        Shape::Object { .. } => "an object".into(),
        Shape::Array(_) => "an array".into(),
        Shape::Scalar {
            ty,
            values: Some(v),
        } => format!("{ty} enum {v:?}"),
        Shape::Scalar { ty, values: None } => ty.clone(),
        Shape::Any => "anything".into(),
    }
}

/// Reduces a schema (either side's dialect) to its [`Shape`]. Nested
/// objects are compared one level deep; named ones get their own entry.
fn shape<'a>(
    schema: &'a Value,
    resolve: &dyn Fn(&str) -> Option<&'a Value>,
    depth: usize,
) -> Shape {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return match resolve(r) {
            Some(target) if depth < 8 => shape(target, resolve, depth + 1),
            _ => Shape::Any,
        };
    }
    // schemars writes Option<T> as `anyOf: [T, null]` and a lone `allOf: [T]`.
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = list
                .iter()
                .filter(|s| s.get("type") != Some(&Value::String("null".into())))
                .collect();
            if non_null.len() == 1 {
                return shape(non_null[0], resolve, depth);
            }
        }
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => None,
    };
    match ty.as_deref() {
        Some("object") if depth <= 1 => Shape::Object {
            properties: schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), shape(v, resolve, depth + 1)))
                        .collect()
                })
                .unwrap_or_default(),
            required: schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        },
        Some("array") => Shape::Array(Box::new(
            schema
                .get("items")
                .map(|i| shape(i, resolve, depth + 1))
                .unwrap_or(Shape::Any),
        )),
        Some(t) => Shape::Scalar {
            ty: t.to_owned(),
            values: schema.get("enum").and_then(Value::as_array).map(|v| {
                v.iter()
                    .filter(|x| !x.is_null())
                    .map(|x| {
                        x.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| x.to_string())
                    })
                    .collect()
            }),
        },
        None => Shape::Any,
    }
}
