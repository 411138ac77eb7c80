//! `cargo xtask diff` on pairs of small documents, one rule each: every
//! directory under `tests/diff/` holds `old.yaml`, `new.yaml` and
//! `expected.yaml`, the changes the command must report (breaking or not,
//! side, rule, place), in its order. Add a directory to add a case.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Expected {
    breaking: bool,
    side: String,
    kind: String,
    at: String,
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/diff exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn diff(case: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg("--old")
        .arg(case.join("old.yaml"))
        .arg("--new")
        .arg(case.join("new.yaml"))
        .args(extra)
        .output()
        .expect("xtask runs")
}

#[test]
fn every_pair_reports_the_expected_changes() {
    let cases = cases();
    assert!(cases.len() >= 20, "the pairs are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Vec<Expected> = serde_yaml::from_str(
            &std::fs::read_to_string(case.join("expected.yaml")).expect("expected.yaml"),
        )
        .expect("expected.yaml parses");

        let out = diff(case, &["--format", "json", "--allow-breaking"]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("--format json prints JSON");
        let got: Vec<Expected> = report["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| Expected {
                breaking: c["breaking"].as_bool().unwrap(),
                side: c["side"].as_str().unwrap().to_owned(),
                kind: c["kind"].as_str().unwrap().to_owned(),
                at: c["at"].as_str().unwrap().to_owned(),
            })
            .collect();
        if got != expected {
            failures.push(format!("{name}:\n  expected {expected:#?}\n  got {got:#?}"));
        }
        let breaking = expected.iter().filter(|e| e.breaking).count();
        assert_eq!(report["breaking"], breaking, "{name}: breaking count");

        // Without --allow-breaking, a breaking change fails the command.
        let strict = diff(case, &[]);
        assert_eq!(
            strict.status.success(),
            breaking == 0,
            "{name}: exit status without --allow-breaking"
        );
        if breaking > 0 {
            let stderr = String::from_utf8_lossy(&strict.stderr);
            assert!(stderr.contains("--allow-breaking"), "{name}: {stderr}");
            let stdout = String::from_utf8_lossy(&strict.stdout);
            assert!(stdout.contains("BREAKING"), "{name}: {stdout}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
