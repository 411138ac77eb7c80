//! Generates the `configs` commands from the OpenAPI document at build time:
//! progenitor's clap commands for the five operations (`$OUT_DIR/cli.rs`)
//! and, for their `--help`, each argument's description and rules as the
//! document states them (`$OUT_DIR/fields.rs`).
//!
//! The document and the generation settings are the client's, from the
//! `live-record-callbacks-codegen` crate (their one copy; the document is
//! embedded there, so this builds from the published package): the
//! generated commands call the client's builders with its types.

use std::process::ExitCode;

use live_record_callbacks_codegen::output::{self, write_out};
use live_record_callbacks_codegen::{field_docs, settings};
use progenitor::Generator;

fn main() -> ExitCode {
    output::run("the command line", generate)
}

fn generate() -> Result<(), String> {
    let spec = output::document()?;

    // The generated code starts with `use live_record_callbacks::*;`: it
    // names the client's types and builders. (A document progenitor panics
    // on fails the client's build too, whose message names the rule.)
    let tokens = Generator::new(&settings::generation_settings())
        .cli(&spec, "live_record_callbacks")
        .map_err(|e| format!("progenitor refused it: {e}"))?;
    write_out("cli.rs", &output::source_file(tokens, "cli/build.rs")?)?;
    write_out("fields.rs", &field_docs::field_docs(&spec)?)
}
