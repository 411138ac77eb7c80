//! Command-line errors as one line on standard error, exit status 2.
//!
//! clap prints a usage error over several lines, with the usage and a hint;
//! a script reading standard error gets one line naming the argument and
//! what is wrong with it. A value given to `--key` (which the `configs`
//! commands refuse) is never repeated.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::commands::configs::exit;

/// Prints `e` (help and version as clap does) and returns the exit status.
pub fn report(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(exit::BAD_INPUT);
        }
        _ => {}
    }
    let mut line = one_line(&e);
    for secret in key_values(std::env::args()) {
        line = line.replace(&secret, "<redacted>");
    }
    eprintln!("error: {line}");
    ExitCode::from(exit::BAD_INPUT)
}

fn one_line(e: &clap::Error) -> String {
    // `--app <app>` → `--app`
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(a)) => a.split(' ').next().unwrap_or(a).to_owned(),
        _ => String::new(),
    };
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) => Some(v.as_str()),
        _ => None,
    };
    match (e.kind(), value) {
        (ErrorKind::ValueValidation, Some(_)) if arg == "--key" => {
            let why = std::error::Error::source(e).map(|s| s.to_string());
            format!("{arg}: {}", why.unwrap_or_default())
        }
        (ErrorKind::ValueValidation, Some(value)) => {
            let why = std::error::Error::source(e).map(|s| s.to_string());
            format!(
                "{arg}: invalid value '{value}': {}",
                why.unwrap_or_default()
            )
        }
        (ErrorKind::InvalidValue, Some(value)) if arg != "--key" => {
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => format!(" [possible values: {}]", v.join(", ")),
                _ => String::new(),
            };
            format!("{arg}: invalid value '{value}'{valid}")
        }
        _ => {
            // clap's own text, without the usage and the pointer to --help.
            let text = e.render().to_string();
            let mut line = String::new();
            for l in text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .filter(|l| !l.is_empty())
            {
                if !line.is_empty() {
                    line.push_str(if line.ends_with(':') { " " } else { "; " });
                }
                line.push_str(l);
            }
            line.trim_start_matches("error: ").to_owned()
        }
    }
}

/// Values given to `--key` on the command line.
fn key_values(args: impl Iterator<Item = String>) -> Vec<String> {
    let args: Vec<String> = args.collect();
    let mut found = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a == "--key" {
            found.extend(args.get(i + 1).cloned());
        } else if let Some(v) = a.strip_prefix("--key=") {
            found.push(v.to_owned());
        }
    }
    found.retain(|s| !s.is_empty());
    found
}
