//! The contract's own tooling. `cargo xtask check` is the main job.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod dialect;
mod documented;
mod examples;
mod probe;
#[path = "../../build/progenitor_rules.rs"]
mod progenitor_rules;
mod snapshot;

/// Checks and publishes the OpenAPI contract of live-record-callbacks.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the document, its examples, the documented examples, the
    /// generated types and the generated-code snapshot; print a report.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check => check::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, where the document and the snapshots live.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The handwritten source of truth, relative to the workspace root.
pub const SPEC: &str = "openapi/live-record-callbacks.yaml";
