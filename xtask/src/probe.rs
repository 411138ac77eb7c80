//! Runs `xtask-probe`, the helper that links the generated client.

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

pub struct Answer {
    /// Component name -> the JSON Schema schemars derives for its Rust type.
    pub types: Map<String, Value>,
    /// One entry per requested value: `None` when it deserialized.
    pub results: Vec<Option<String>>,
    pub generated_source: String,
}

/// Builds the library (running build.rs) and asks the probe whether each
/// `(schema name, value)` deserializes into its generated type.
pub fn ask(values: &[(String, Value)]) -> Result<Answer> {
    let request = json!({
        "values": values.iter().map(|(s, v)| json!({"schema": s, "value": v})).collect::<Vec<_>>()
    });
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask-probe"])
        .current_dir(crate::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting `cargo run --package xtask-probe`")?;
    child
        .stdin
        .take()
        .context("probe stdin")?
        .write_all(request.to_string().as_bytes())
        .context("writing to the probe")?;
    let out = child.wait_with_output().context("waiting for the probe")?;
    if !out.status.success() {
        bail!("the generated client does not build or the probe failed (cargo's output is above)");
    }
    let answer: Value =
        serde_json::from_slice(&out.stdout).context("reading the probe's answer")?;
    Ok(Answer {
        types: answer["types"].as_object().cloned().unwrap_or_default(),
        results: answer["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .map(|x| x["error"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        generated_source: answer["generated_source"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    })
}
