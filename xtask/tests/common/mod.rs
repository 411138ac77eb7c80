//! What the fixture tests share: each case is a directory of small files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The case directories under `tests/<dir>/`, sorted.
pub fn cases(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The case's name and its `expected.yaml`, parsed.
pub fn expected<T: serde::de::DeserializeOwned>(case: &Path) -> (String, T) {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(case.join("expected.yaml")).expect("expected.yaml");
    let expected = serde_yaml::from_str(&text).expect("expected.yaml parses");
    (name, expected)
}

/// Runs `cargo xtask` with these arguments.
pub fn xtask(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}
