//! The command line: serve the emulator, make it fire a notification, and
//! verify a notification.
//!
//! Each subcommand is a module of [`commands`] with its clap arguments and
//! its `run`; [`values`] turns the generated types into clap choices, so no
//! list of events or sign types is kept here.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
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
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Emulate(args) => commands::emulate::run(args).await,
        Command::Trigger(args) => commands::trigger::run(args).await,
        Command::Verify(args) => commands::verify::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
