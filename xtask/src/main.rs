//! The contract's own tooling. `cargo xtask check` is the main job.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bundle;
mod check;
mod diff;
mod docs;
mod document;
mod observed;
use live_record_callbacks_codegen::progenitor_rules;

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
    /// sources of its rules and the published files; print a report.
    Check,
    /// Generate the JSON and OpenAPI 3.1 renditions of the document under
    /// openapi/published/ (`--check`: fail if they are stale).
    Bundle {
        #[arg(long)]
        check: bool,
    },
    /// Generate the Markdown contract reference docs/contract.md
    /// (`--check`: fail if it is stale).
    Docs {
        #[arg(long)]
        check: bool,
    },
    /// List the contract's changes between a git revision (or a file) and
    /// the working tree (or a file), breaking or not.
    Diff {
        /// The git revision to compare with (`git show REV:openapi/...`).
        #[arg(long, conflicts_with = "old")]
        base: Option<String>,
        /// The old document, as a file.
        #[arg(long, required_unless_present = "base")]
        old: Option<std::path::PathBuf>,
        /// The new document, as a file (default: the working tree's).
        #[arg(long)]
        new: Option<std::path::PathBuf>,
        /// `text` for people, `json` for tools (its fields are documented in
        /// docs/reviewing.md), `markdown` for a pull-request comment.
        #[arg(long, default_value = "text", value_parser = ["text", "json", "markdown"])]
        format: String,
        /// Exit 0 even when a change is breaking.
        #[arg(long)]
        allow_breaking: bool,
    },
    /// Turn `live-record-callbacks proxy` and `verify --audit` reports into
    /// candidate documented examples under openapi/documented/ (redacted),
    /// for `check` to validate.
    Observed {
        /// Report files (JSON lines).
        #[arg(required = true)]
        reports: Vec<std::path::PathBuf>,
        /// The day the reports were made, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
        /// Write into this directory instead of openapi/documented/.
        #[arg(long)]
        into: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check => check::run(),
        Command::Bundle { check } => bundle::run(check),
        Command::Docs { check } => docs::run(check),
        Command::Diff {
            base,
            old,
            new,
            format,
            allow_breaking,
        } => {
            let old = match base {
                Some(rev) => diff::Source::Rev(rev),
                None => diff::Source::File(old.expect("clap requires --base or --old")),
            };
            let new = new.map_or(diff::Source::WorkTree, diff::Source::File);
            let format = match format.as_str() {
                "json" => diff::Format::Json,
                "markdown" => diff::Format::Markdown,
                _ => diff::Format::Text,
            };
            diff::run(old, new, format, allow_breaking)
        }
        Command::Observed {
            reports,
            date,
            into,
        } => observed::run(&reports, date, into),
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
pub const SPEC: &str = live_record_callbacks_codegen::DOCUMENT_PATH;
