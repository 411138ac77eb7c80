//! `cargo xtask diff` on pairs of small documents, one rule each: every
//! directory under `tests/diff/` holds `old.yaml`, `new.yaml` and
//! `expected.yaml`, the changes the command must report (breaking or not,
//! side, rule, place), in its order. Add a directory to add a case.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use serde::Deserialize;

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Expected {
    breaking: bool,
    side: String,
    kind: String,
    at: String,
}

fn diff(case: &Path, extra: &[&str]) -> std::process::Output {
    let (old, new) = (case.join("old.yaml"), case.join("new.yaml"));
    let mut args: Vec<&OsStr> = vec!["diff".as_ref(), "--old".as_ref(), old.as_os_str()];
    args.extend([OsStr::new("--new"), new.as_os_str()]);
    args.extend(extra.iter().map(OsStr::new));
    common::xtask(&args)
}

#[test]
fn every_pair_reports_the_expected_changes() {
    let cases = common::cases("diff");
    assert!(cases.len() >= 20, "the pairs are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let (name, expected): (String, Vec<Expected>) = common::expected(case);

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
