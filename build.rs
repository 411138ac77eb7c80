//! Generates the API client from the OpenAPI document at build time.
//!
//! The document, the generation settings and progenitor's rules come from
//! the `live-record-callbacks-codegen` crate (their only copy; the document
//! is embedded there, so this builds from the published package). It
//! writes `$OUT_DIR/client.rs`, which `src/lib.rs` includes and which the
//! insta snapshot (`tests/client/snapshots/`) records for review,
//! `$OUT_DIR/schema_names.rs`, the names of the schemas it generated types
//! for, which `tests/client/examples.rs` maps to those types (no list kept by
//! hand), and `$OUT_DIR/contract_version.txt`, the document's `info.version`
//! (`CONTRACT_VERSION`).

use std::process::ExitCode;

use live_record_callbacks_codegen::output::{self, write_out};
use live_record_callbacks_codegen::{progenitor_rule_violations, settings};
use progenitor::Generator;

fn main() -> ExitCode {
    output::run("the client", generate)
}

fn generate() -> Result<(), String> {
    let spec = output::document()?;

    let problems = progenitor_rule_violations(&spec);
    if !problems.is_empty() {
        return Err(format!("  - {}", problems.join("\n  - ")));
    }

    let settings = settings::generation_settings();
    let mut generator = Generator::new(&settings);
    // Progenitor may still panic on shapes the rules above do not know; turn
    // that into an error that says so instead of a bare panic backtrace.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&spec)
    }))
    .map_err(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        format!("progenitor panicked on it: {why}")
    })?
    .map_err(|e| format!("progenitor refused it: {e}"))?;
    write_out("client.rs", &output::source_file(tokens, "build.rs")?)?;

    let names = spec.components.iter().flat_map(|c| c.schemas.keys());
    let names = names.map(String::as_str).collect::<Vec<_>>().join(" ");
    write_out(
        "schema_names.rs",
        &format!(
            "/// `for_each_schema!(callback)` is `callback! {{ <schema names> }}`.\n\
             macro_rules! for_each_schema {{ ($callback:ident) => {{ $callback! {{ {names} }} }}; }}\n"
        ),
    )?;
    write_out("contract_version.txt", &spec.info.version)
}
