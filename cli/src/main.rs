//! The command line: the contract's operations (`configs`, generated from
//! the document by progenitor), serve the emulator, make it fire a
//! notification, and verify a notification.
//!
//! Each subcommand is a module of [`commands`] with its clap arguments and
//! its `run`; [`values`] turns the generated types into clap choices, so no
//! list of events or sign types is kept here; [`usage`] prints a usage
//! error as one line.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

// progenitor writes the replacement types of the settings with the paths
// the client uses (`crate::paging::PageLimit`, `crate::secret::CallbackKey`);
// in the generated `configs` commands they name these.
use live_record_callbacks::{paging, secret};

mod commands;
mod usage;
mod values;

/// Tools for Huawei Cloud Live recording callbacks: a local emulator of the
/// recording-callback API, and notification triggering and verification.
#[derive(Parser)]
#[command(name = "live-record-callbacks", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Emulate(commands::emulate::Args),
    Trigger(commands::trigger::Args),
    Verify(commands::verify::Args),
    Proxy(commands::proxy::Args),
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = commands::configs::with_operation_list(
        Cli::command().subcommand(commands::configs::command()),
    );
    let matches = match command.try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return usage::report(e),
    };
    if let Some(("configs", m)) = matches.subcommand() {
        return commands::configs::run(m).await;
    }
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return usage::report(e),
    };
    let result = match cli.command {
        Command::Emulate(args) => commands::emulate::run(args).await,
        Command::Trigger(args) => commands::trigger::run(args).await,
        Command::Verify(args) => commands::verify::run(args),
        Command::Proxy(args) => commands::proxy::run(args).await,
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
