//! `x-source`: every rule of the contract names where it comes from.
//!
//! The root's `x-sources` maps a short key to `{title, url?}`. A reference
//! is `<key>` or `<key>: <note>`; the key `ours` (our reading) needs the
//! note, which gives the reason. `x-source` sits on the node that carries
//! the rule: a reference or a list of them covers every rule of the node;
//! a mapping names each rule (`"*"` covers the rules it does not name).
//!
//! The rules: on a schema (not a bare `$ref`), the keywords of [`KEYWORDS`]
//! (`required` when non-empty; `additionalProperties` when `false`;
//! `nullable`, `uniqueItems` and the exclusive bounds when `true`); on a
//! parameter or header, `required: true`; on a response, its `status`; on
//! a security scheme, the `scheme`. `x-rules` (on an operation or a
//! schema) and `x-error-codes` (on a response) list further rules, each
//! entry with its own `x-source`.

use std::collections::BTreeMap;

use crate::document::{entries, escape, is_true, seq, str_of, Document, Kind, Node, Value};

/// The schema keywords that are rules.
pub const KEYWORDS: &str = "minLength maxLength pattern format minimum maximum \
    exclusiveMinimum exclusiveMaximum minItems maxItems uniqueItems enum default required \
    additionalProperties nullable x-extensible-enum";

/// Whether `keyword` states a rule on this schema.
pub fn is_rule(schema: &Value, keyword: &str) -> bool {
    let value = schema.get(keyword);
    let rule = match keyword {
        "required" => seq(value).next().is_some(),
        "additionalProperties" => value == Some(&Value::Bool(false)),
        "nullable" | "uniqueItems" | "exclusiveMinimum" | "exclusiveMaximum" => {
            value == Some(&Value::Bool(true))
        }
        _ => value.is_some(),
    };
    rule && schema.get("$ref").is_none() && KEYWORDS.split_whitespace().any(|k| k == keyword)
}

/// The references `node` gives for `rule`, as written (none: no source).
pub fn references<'v>(node: &'v Value, rule: &str) -> Vec<&'v str> {
    let given = match node.get("x-source") {
        Some(Value::Mapping(m)) => m.get(rule).or_else(|| m.get("*")),
        other => other,
    };
    match given {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Sequence(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// What the check found.
#[derive(Default, Debug, PartialEq, serde::Deserialize)]
pub struct Report {
    pub rules: usize,
    /// The rules without a valid source, each `pointer: why`.
    pub missing: Vec<String>,
    /// Other mistakes in `x-sources` and `x-source`.
    pub problems: Vec<String>,
    /// Source key -> how many rules cite it.
    pub by_source: BTreeMap<String, usize>,
}

impl Report {
    /// `sources: N rules, M without a source` and the count by source.
    pub fn summary(&self) -> [String; 2] {
        let by: Vec<String> = self
            .by_source
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let by = match by.is_empty() {
            true => "none".to_owned(),
            false => by.join(", "),
        };
        let (rules, missing) = (self.rules, self.missing.len());
        [
            format!("sources: {rules} rules, {missing} without a source"),
            format!("by source: {by}"),
        ]
    }
}

/// Counts every rule of the document and checks its source.
pub fn check(doc: &Document) -> Report {
    let registry = doc.get("x-sources");
    let mut c = Checker {
        registry: entries(registry).map(|(key, _)| key.to_owned()).collect(),
        report: Report::default(),
    };
    if !registry.is_some_and(Value::is_mapping) {
        let problem = "the document has no `x-sources` registry".to_owned();
        c.report.problems.push(problem);
    }
    for (key, _) in entries(registry).filter(|(_, e)| blank(e, "title")) {
        let problem = format!(
            "/x-sources/{}: a source needs a non-empty `title`",
            escape(key)
        );
        c.report.problems.push(problem);
    }
    for Node { at, kind, value } in doc.nodes() {
        let at = at.as_str();
        match kind {
            Kind::Schema => {
                let keywords = KEYWORDS.split_whitespace();
                let rules: Vec<&str> = keywords.filter(|k| is_rule(value, k)).collect();
                c.node(at, value, &rules);
                c.listed(at, value, "x-rules", "rule");
            }
            Kind::Parameter(_) => {
                let required = is_true(value, "required");
                c.node(at, value, if required { &["required"] } else { &[] });
            }
            Kind::Response => {
                c.node(at, value, &["status"]);
                c.listed(at, value, "x-error-codes", "code");
            }
            Kind::Operation => c.listed(at, value, "x-rules", "rule"),
            Kind::SecurityScheme => c.node(at, value, &["scheme"]),
            Kind::Media(_) => {}
        }
    }
    c.report
}

/// Whether `v.key` is missing or blank.
fn blank(v: &Value, key: &str) -> bool {
    str_of(v, key).is_none_or(|t| t.trim().is_empty())
}

struct Checker {
    registry: Vec<String>,
    report: Report,
}

impl Checker {
    /// The rules a node states, each with its source.
    fn node(&mut self, at: &str, node: &Value, rules: &[&str]) {
        for rule in rules {
            let here = match node.get(*rule) {
                Some(_) => format!("{at}/{}", escape(rule)),
                None => format!("{at} ({rule})"),
            };
            self.rule(&here, node, rule);
        }
        for (key, _) in entries(node.get("x-source")) {
            if key != "*" && !rules.contains(&key) {
                let problem =
                    format!("{at}/x-source: names `{key}`, which is not a rule of this node");
                self.report.problems.push(problem);
            }
        }
    }

    /// The entries of an `x-rules` or `x-error-codes` list.
    fn listed(&mut self, at: &str, node: &Value, list: &str, field: &str) {
        for (i, entry) in seq(node.get(list)).enumerate() {
            let here = format!("{at}/{list}/{i}");
            if blank(entry, field) {
                let problem = format!("{here}: an entry of `{list}` needs a `{field}`");
                self.report.problems.push(problem);
            }
            self.rule(&here, entry, field);
        }
    }

    /// One rule of `node`: counted, and its source checked.
    fn rule(&mut self, here: &str, node: &Value, rule: &str) {
        self.report.rules += 1;
        let refs = references(node, rule);
        let keys: Result<Vec<String>, String> = match (refs.is_empty(), node.get("x-source")) {
            (true, None) => Err("no x-source".to_owned()),
            (true, Some(_)) => Err("x-source does not give a reference for it".to_owned()),
            (false, _) => refs.iter().map(|r| self.key(r)).collect(),
        };
        match keys {
            Ok(keys) => {
                for key in keys {
                    *self.report.by_source.entry(key).or_default() += 1;
                }
            }
            Err(why) => self.report.missing.push(format!("{here}: {why}")),
        }
    }

    /// The source key of a reference, or why the reference is not valid.
    fn key(&self, reference: &str) -> Result<String, String> {
        let (key, note) = reference.split_once(':').unwrap_or((reference, ""));
        let key = key.trim();
        if !self.registry.iter().any(|k| k == key) {
            return Err(format!("`{key}` is not a key of x-sources"));
        }
        if key == "ours" && note.trim().is_empty() {
            return Err("`ours` needs the reason (`ours: <why>`)".to_owned());
        }
        Ok(key.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each directory of `xtask/tests/sources/` holds a small document
    /// and the report it must give.
    #[test]
    fn every_fixture_gets_its_report() {
        let dir = crate::root().join("xtask/tests/sources");
        let mut cases = 0;
        for case in std::fs::read_dir(&dir).unwrap() {
            let case = case.unwrap().path();
            if !case.is_dir() {
                continue;
            }
            let read = |f: &str| std::fs::read_to_string(case.join(f)).unwrap();
            let doc = Document::parse(&read("openapi.yaml"), "fixture").unwrap();
            let expected: Report = serde_yaml::from_str(&read("expected.yaml")).unwrap();
            assert_eq!(check(&doc), expected, "{}", case.display());
            cases += 1;
        }
        assert!(cases >= 3, "the fixtures are missing");
    }
}
