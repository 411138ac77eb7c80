//! The generation settings, in one place for the two build scripts that run
//! progenitor over the document: the client's (`build.rs`, the types, the
//! builders and the `Client`) and the command line's (`cli/build.rs`, the
//! clap commands, whose code names the client's types and builders, so it
//! must be generated with the very same settings). Both include this file
//! with `#[path]`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl};
use quote::quote;

/// The document, relative to the root of the workspace.
pub const SPEC: &str = "openapi/live-record-callbacks.yaml";

/// How progenitor is asked to generate the client.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        // Requests pass through `ClientHooks::pre` in src/client.rs, which
        // applies the credentials held in the client's `inner` value.
        .with_inner_type(quote!(crate::client::ClientContext))
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        // The callback key is a secret: its hand-written type keeps it out of
        // `Debug` output. Its rule is still read from the document (tests).
        .with_replacement(
            "CallbackKey",
            "crate::secret::CallbackKey",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        // typify does not enforce integer ranges; these enforce the
        // document's bounds (checked against it by tests/paging.rs).
        .with_replacement(
            "PageOffset",
            "crate::paging::PageOffset",
            [TypeImpl::FromStr, TypeImpl::Display, TypeImpl::Default].into_iter(),
        )
        .with_replacement(
            "PageLimit",
            "crate::paging::PageLimit",
            [TypeImpl::FromStr, TypeImpl::Display, TypeImpl::Default].into_iter(),
        )
        .with_timeout(30);
    settings
}

/// Runs `generate` on a generator made with [`settings`] and returns the
/// code it produced, formatted.
///
/// `generate` returns the tokens as text (`TokenStream::to_string`), which
/// keeps `proc-macro2` out of the build scripts' dependencies. progenitor
/// may still panic on shapes the document rules do not know; that becomes
/// an error that says so instead of a bare panic backtrace.
pub fn generate<E: std::fmt::Display>(
    generate: impl FnOnce(&mut Generator) -> Result<String, E>,
) -> Result<String, String> {
    let mut generator = Generator::new(&settings());
    let tokens = catch_unwind(AssertUnwindSafe(|| generate(&mut generator)))
        .map_err(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            format!("progenitor panicked on it: {why}")
        })?
        .map_err(|e| format!("progenitor refused it: {e}"))?;
    let file = syn::parse_file(&tokens)
        .map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
