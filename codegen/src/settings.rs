//! The generation settings of the client: the one copy, for every build
//! script that runs progenitor over the document (the client's, and the
//! command line's, whose commands call the client's builders with its
//! types).

use progenitor::{GenerationSettings, HooksMode, InterfaceStyle, TypeImpl};
use quote::quote;

/// How progenitor generates the client and its types.
pub fn generation_settings() -> GenerationSettings {
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
        // document's bounds (checked against it by tests/client/paging.rs).
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
