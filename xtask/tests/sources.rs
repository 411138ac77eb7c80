//! `cargo xtask sources` (the x-source part of `cargo xtask check`) on
//! small documents: every directory under `tests/sources/` holds
//! `openapi.yaml` and `expected.yaml`, the report the command must give
//! (rules counted, each rule without a valid source by its JSON pointer,
//! other mistakes, the count by source). The command fails exactly when a
//! rule lacks a source or a source is malformed.

mod common;

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Report {
    rules: usize,
    missing: Vec<String>,
    problems: Vec<String>,
    by_source: BTreeMap<String, usize>,
}

#[test]
fn every_document_gets_the_expected_report() {
    let cases = common::cases("sources");
    assert!(cases.len() >= 3, "the documents are missing");
    for case in &cases {
        let (name, expected): (String, Report) = common::expected(case);
        let file = case.join("openapi.yaml");
        let out = common::xtask(&["sources".as_ref(), file.as_os_str(), "--json".as_ref()]);
        let got: Report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(got, expected, "{name}");
        let clean = expected.missing.is_empty() && expected.problems.is_empty();
        assert_eq!(out.status.success(), clean, "{name}: exit status");

        // The text report says the same.
        let text = common::xtask(&["sources".as_ref(), file.as_os_str()]);
        let stdout = String::from_utf8_lossy(&text.stdout);
        let summary = format!(
            "sources: {} rules, {} without a source",
            expected.rules,
            expected.missing.len()
        );
        assert!(stdout.starts_with(&summary), "{name}: {stdout}");
        for line in expected.missing.iter().chain(&expected.problems) {
            assert!(
                stdout.contains(line.as_str()),
                "{name}: {line} not in {stdout}"
            );
        }
    }
}
