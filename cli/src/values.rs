//! clap choices read from the generated types: the possible values are
//! what the types' `Display` prints for every value, and parsing is their
//! `FromStr`. Nothing is listed by hand.

use std::fmt::Display;
use std::str::FromStr;

use clap::builder::{PossibleValuesParser, TypedValueParser};

/// A parser that accepts exactly `all`, by their displayed names, and
/// lists them in `--help` and in the error for anything else.
pub fn one_of<T>(all: Vec<T>) -> impl TypedValueParser<Value = T>
where
    T: Display + FromStr + Clone + Send + Sync + 'static,
    T::Err: Display,
{
    let names: Vec<String> = all.iter().map(ToString::to_string).collect();
    PossibleValuesParser::new(names).map(|name: String| {
        name.parse::<T>()
            .unwrap_or_else(|e| panic!("{name} was printed by the type that refuses it: {e}"))
    })
}
