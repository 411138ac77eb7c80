//! `cargo xtask diff` on pairs of small documents, one rule each: every
//! directory under `tests/diff/` holds `old.yaml`, `new.yaml` and
//! `expected.yaml`, the changes the command must report (breaking or not,
//! side, rule, place), in its order. Add a directory to add a case.

use std::path::Path;
use std::process::{Command, Output};

use serde::Deserialize;

#[derive(Deserialize, Debug, PartialEq)]
struct Expected {
    breaking: bool,
    side: String,
    kind: String,
    at: String,
}

fn diff(case: &Path, extra: &[&str]) -> Output {
    let mut xtask = Command::new(env!("CARGO_BIN_EXE_xtask"));
    xtask.arg("diff").arg("--old").arg(case.join("old.yaml"));
    xtask.arg("--new").arg(case.join("new.yaml")).args(extra);
    xtask.output().expect("xtask runs")
}

#[test]
fn every_pair_reports_the_expected_changes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let mut cases: Vec<_> = dir.read_dir().unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 20, "the pairs are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let expected = std::fs::read_to_string(case.join("expected.yaml")).unwrap();
        let expected: Vec<Expected> = serde_yaml::from_str(&expected).unwrap();
        let out = diff(case, &["--format", "json", "--allow-breaking"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {stderr}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let got: Vec<Expected> = serde_json::from_value(report["changes"].clone()).unwrap();
        if got != expected {
            failures.push(format!("{name}:\n  expected {expected:#?}\n  got {got:#?}"));
        }
        let breaking = expected.iter().filter(|e| e.breaking).count();
        assert_eq!(report["breaking"], breaking, "{name}: breaking count");

        // Without --allow-breaking, a breaking change fails the command.
        let strict = diff(case, &[]);
        let (stdout, stderr) = (strict.stdout.as_slice(), strict.stderr.as_slice());
        assert_eq!(
            strict.status.success(),
            breaking == 0,
            "{name}: exit status"
        );
        assert_eq!(
            String::from_utf8_lossy(stdout).contains("BREAKING"),
            breaking > 0
        );
        assert_eq!(
            String::from_utf8_lossy(stderr).contains("--allow-breaking"),
            breaking > 0
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Markdown report holds what the JSON one does: the counts in its
/// heading, one table row per change (breaking ones in the first table),
/// each with its rule; and the JSON report names its shape's version.
#[test]
fn markdown_report_matches_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    for case in dir.read_dir().unwrap().map(|e| e.unwrap().path()) {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let json = diff(&case, &["--format", "json", "--allow-breaking"]);
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(report["version"], 1, "{name}");
        let changes = report["changes"].as_array().unwrap();
        let md = diff(&case, &["--format", "markdown", "--allow-breaking"]);
        let md = String::from_utf8(md.stdout).unwrap();
        let heading = format!(
            "### Contract changes: {} breaking, {} not breaking\n",
            report["breaking"], report["non_breaking"]
        );
        assert!(md.starts_with(&heading), "{name}: {md}");
        // Each row as (breaking, side, at, rule): the breaking table comes
        // before the folded one.
        let folded = md.find("<details>").unwrap_or(md.len());
        let mut rows: Vec<(bool, String, String, String)> = Vec::new();
        let mut offset = 0;
        for line in md.lines() {
            let here = offset;
            offset += line.len() + 1;
            if !line.starts_with("| ") || line.starts_with("| side") || line.starts_with("| ---") {
                continue;
            }
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            let [side, at, _, rule] = cells[..] else {
                panic!("{name}: a row of four cells: {line}")
            };
            let unquote = |s: &str| s.trim_matches('`').to_owned();
            rows.push((here < folded, side.to_owned(), unquote(at), unquote(rule)));
        }
        let mut expected: Vec<(bool, String, String, String)> = changes
            .iter()
            .map(|c| {
                let s = |k: &str| c[k].as_str().unwrap().to_owned();
                (c["breaking"] == true, s("side"), s("at"), s("kind"))
            })
            .collect();
        rows.sort();
        expected.sort();
        assert_eq!(rows, expected, "{name}: {md}");
        assert_eq!(
            md.contains("**Breaking**"),
            report["breaking"] != 0,
            "{name}"
        );
    }
}
