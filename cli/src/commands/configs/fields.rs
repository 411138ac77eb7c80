//! What the document says about each argument of each operation, as
//! `cli/build.rs` read it: the text `--help` shows, with the rules.

/// Where an argument goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Body,
}

/// One parameter or body field of an operation.
#[derive(Debug)]
pub struct FieldDoc {
    /// The operation, as progenitor's `CliCommand::operation_id()` names it.
    pub operation: &'static str,
    /// The name in the document (and in a JSON body).
    pub name: &'static str,
    /// The argument's id in the generated command (kebab case).
    pub arg: &'static str,
    pub location: Location,
    /// First sentence of the description, then the rules (`-h`).
    pub help: &'static str,
    /// The whole description, then the rules (`--help`).
    pub long_help: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/fields.rs"));

/// The arguments of `operation`, in the document's order.
pub fn of(operation: &str) -> impl Iterator<Item = &'static FieldDoc> + '_ {
    FIELDS.iter().filter(move |f| f.operation == operation)
}

/// The body fields of `operation`.
pub fn body_of(operation: &str) -> impl Iterator<Item = &'static FieldDoc> + '_ {
    of(operation).filter(|f| f.location == Location::Body)
}

/// The argument `arg` of `operation`.
pub fn find(operation: &str, arg: &str) -> Option<&'static FieldDoc> {
    of(operation).find(|f| f.arg == arg)
}
