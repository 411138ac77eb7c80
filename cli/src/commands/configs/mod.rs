//! `configs`: the contract's five operations as commands, generated from
//! the document by progenitor (`cli/build.rs`), with what a generator
//! cannot know added here: the command names, the credentials and the
//! endpoint, where the key comes from (never a flag), the rules of each
//! field in `--help`, the output and the exit codes.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::TypedValueParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::TryStreamExt;
use live_record_callbacks::auth::{self, Authenticator, Credentials, IamToken};
use live_record_callbacks::paging::{ListFilter, PageLimit};
use live_record_callbacks::region::Region;
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::{enums, types, ApiError, Client, ClientContext};

use crate::values;

mod failure;
mod fields;
mod output;

pub use failure::{exit, one_line, Failure};

use fields::Location;
use output::Output;

/// progenitor's commands: `Cli`, `CliCommand` and the `CliConfig` trait.
mod generated {
    #![allow(unused_imports, unused_variables, dead_code, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/cli.rs"));
}

use generated::{Cli, CliCommand};

pub use live_record_callbacks::auth::ENV_TOKEN;
pub use live_record_callbacks::region::{ENV_ENDPOINT, ENV_REGION};

/// Environment variable holding the callback key for create and update
/// (the variable the receiver example and `verify` read too).
pub const ENV_KEY: &str = "LIVE_CALLBACK_KEY";

/// The body field progenitor makes no flag of (it takes only values that
/// parse from one string); its flag is added here.
const EVENTS: &str = "notify-event-subscription";
/// The body field that is never a flag.
const KEY: &str = "key";

const BODY_HEADING: &str = "Body fields (or --json-body)";
const CONNECTION_HEADING: &str = "Connection";

/// The command name of each operation. A new operation in the document
/// does not compile until it is given one here.
fn name_of(op: CliCommand) -> &'static str {
    match op {
        CliCommand::CreateRecordCallbackConfig => "create",
        CliCommand::ListRecordCallbackConfigs => "list",
        CliCommand::ShowRecordCallbackConfig => "show",
        CliCommand::UpdateRecordCallbackConfig => "update",
        CliCommand::DeleteRecordCallbackConfig => "delete",
    }
}

/// `configs` and its five commands.
pub fn command() -> Command {
    let regions: Vec<&'static str> = Region::KNOWN.iter().filter_map(Region::id).collect();
    let mut configs = Command::new("configs")
        .about("Create, list, show, update and delete recording-callback configs")
        .long_about(
            "Create, list, show, update and delete recording-callback configs: the \
             operations of the contract, with its rules checked before anything is sent.\n\n\
             Credentials come from the environment: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK \
             and HUAWEICLOUD_SDK_PROJECT_ID (plus HUAWEICLOUD_SDK_SECURITY_TOKEN for \
             temporary credentials), or an IAM token in HUAWEICLOUD_SDK_TOKEN or on standard \
             input (--token-stdin). The service's JSON goes to standard output, the request \
             id to standard error.",
        )
        .after_help(exit::TABLE)
        .subcommand_required(true)
        .arg(
            Arg::new("region")
                .long("region")
                .global(true)
                .env(ENV_REGION)
                .help_heading(CONNECTION_HEADING)
                .value_parser(clap::builder::PossibleValuesParser::new(regions))
                .help("The region to call (cn-north-4 unless this or --endpoint is given)"),
        )
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .value_name("URL")
                .global(true)
                .env(ENV_ENDPOINT)
                .help_heading(CONNECTION_HEADING)
                .value_parser(|url: &str| {
                    Region::custom(url)
                        .map_err(|_| "not an http:// or https:// URL with a host".to_owned())
                })
                .help("Call this base URL instead of a region's (the emulator, a proxy)"),
        )
        .arg(
            Arg::new("token-stdin")
                .long("token-stdin")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(CONNECTION_HEADING)
                .help(format!(
                    "Read an IAM token from standard input (one line) instead of {ENV_TOKEN} or AK/SK"
                )),
        );
    configs = retry_args(configs);
    for op in CliCommand::iter() {
        configs = configs.subcommand(operation_command(op));
    }
    configs
}

/// Adds the operations and their summaries to the top-level help.
pub fn with_operation_list(cmd: Command) -> Command {
    let mut text = String::from("Operations of the recording-callback API:\n");
    for op in CliCommand::iter() {
        let summary = operation_command(op)
            .get_about()
            .map(|a| a.to_string())
            .unwrap_or_default();
        text.push_str(&format!("  configs {:<7} {summary}\n", name_of(op)));
    }
    text.push_str("See `configs <command> --help` for the fields and their rules.");
    cmd.after_help(text)
}

fn has_arg(cmd: &Command, id: &str) -> bool {
    cmd.get_arguments().any(|a| a.get_id() == id)
}

/// progenitor's command for `op`, named, with the document's rules in the
/// help of each argument, and with the changes this command line makes.
fn operation_command(op: CliCommand) -> Command {
    let operation = op.operation_id();
    let generated = Cli::<Output>::get_command(op);
    // progenitor puts the summary and the description together in `about`;
    // a listing of commands shows the summary only.
    let about = generated
        .get_about()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let summary = about.split("\n\n").next().unwrap_or("").trim().to_owned();
    let mut cmd = generated
        .name(name_of(op))
        .about(summary)
        .long_about(about.trim().to_owned());

    for f in fields::of(operation) {
        if has_arg(&cmd, f.arg) {
            cmd = cmd.mut_arg(f.arg, |a| {
                let a = a.help(f.help).long_help(f.long_help);
                match f.location {
                    Location::Body => a.help_heading(BODY_HEADING),
                    Location::Path | Location::Query => a,
                }
            });
        }
    }
    cmd = cmd.mut_arg("project-id", |a| a.env(auth::ENV_PROJECT_ID));
    if has_arg(&cmd, "id") {
        // `configs show ID` rather than `--id ID`.
        cmd = cmd.mut_arg("id", |a| a.long(None).value_name("ID"));
    }
    if has_arg(&cmd, KEY) {
        let rules = fields::find(operation, KEY).map_or("", |f| f.help);
        // progenitor makes a flag of every body field that parses from a
        // string. The key must not be one (the process list shows flags to
        // every user): the flag is hidden and refused, without repeating
        // the value given.
        cmd = cmd
            .mut_arg(KEY, |a| {
                a.hide(true)
                    .value_parser(|_: &str| -> Result<CallbackKey, String> {
                        Err(format!(
                            "the key is not taken from the command line, where other users can \
                             see it; set {ENV_KEY} or use --key-stdin"
                        ))
                    })
            })
            .arg(
                Arg::new("key-stdin")
                    .long("key-stdin")
                    .action(ArgAction::SetTrue)
                    .help_heading(BODY_HEADING)
                    .help(format!(
                        "Read the callback key from standard input (one line) instead of \
                         {ENV_KEY}. {rules}"
                    )),
            );
    }
    if let Some(events) = fields::find(operation, EVENTS) {
        if !has_arg(&cmd, EVENTS) {
            cmd = cmd.arg(
                Arg::new(EVENTS)
                    .long(EVENTS)
                    .value_name("EVENT")
                    .action(ArgAction::Append)
                    .value_delimiter(',')
                    .help_heading(BODY_HEADING)
                    .value_parser(values::one_of(enums::all::<types::SubscribedEvent>()))
                    .help(events.help)
                    .long_help(format!(
                        "{}\nRepeat the flag or separate the events with commas.",
                        events.long_help
                    )),
            );
        }
    }
    // The document lets a request carry a sign type it does not list, so
    // that a config read back can be sent back unchanged; what a user types
    // is held to the values the service documents.
    if has_arg(&cmd, "sign-type") {
        cmd = cmd.mut_arg("sign-type", |a| {
            a.value_parser(
                values::one_of(enums::all::<types::SignType>()).map(types::RequestedSignType::from),
            )
        });
    }
    if has_arg(&cmd, "json-body") {
        let flags: Vec<&'static str> = fields::body_of(operation)
            .map(|f| f.arg)
            .filter(|arg| *arg != KEY)
            .collect();
        cmd = cmd
            .mut_arg("json-body", |a| {
                a.value_parser(move |path: &str| check_json_body(operation, path))
                    .conflicts_with_all(flags)
                    .help(
                        "A file holding the whole body as JSON, checked against the contract \
                         before anything is sent (instead of the body's flags; the key may be \
                         in it)",
                    )
            })
            // A flag progenitor adds without a use yet.
            .mut_arg("json-body-template", |a| a.hide(true));
    }
    if matches!(op, CliCommand::ListRecordCallbackConfigs) {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .conflicts_with("offset")
                .help(
                    "Walk every page (--limit sets the page size) and print every matching \
                     config as one page",
                ),
        );
    }
    cmd
}

/// Reads a `--json-body` file and checks it as `send()` would, naming the
/// field at fault. A field the body does not have is refused too (the
/// generated type would drop it silently).
fn check_json_body(operation: &str, path: &str) -> Result<PathBuf, String> {
    let file = PathBuf::from(path);
    let meta = std::fs::metadata(&file).map_err(|e| format!("cannot read it: {e}"))?;
    // The generated code reads the file again to send it.
    if !meta.is_file() {
        return Err("not a regular file (it is read once to check it and again to send it)".into());
    }
    let text = std::fs::read(&file).map_err(|e| format!("cannot read it: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(object) = value.as_object() {
        for name in object.keys() {
            if !fields::body_of(operation).any(|f| f.name == name) {
                let known: Vec<&str> = fields::body_of(operation).map(|f| f.name).collect();
                return Err(format!(
                    "{name}: not a field of this body (its fields: {})",
                    known.join(", ")
                ));
            }
        }
    }
    live_record_callbacks::input::from_value::<types::RecordCallbackConfigRequest>(value)
        .map_err(|e| e.to_string())?;
    Ok(file)
}

/// `--retries`, `--timeout` and `-v`: how the client retries, and whether
/// it says so.
fn retry_args(configs: Command) -> Command {
    configs
        .arg(
            Arg::new("retries")
                .long("retries")
                .value_name("N")
                .global(true)
                .default_value("2")
                .value_parser(clap::value_parser!(u32).range(0..=10))
                .help_heading(CONNECTION_HEADING)
                .help(
                    "Retries after the first attempt (0 turns them off): 429, 502, 503, 504 and \
                     dropped connections; a create only when no duplicate can come of it",
                ),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .global(true)
                .default_value("60")
                .value_parser(clap::value_parser!(u64).range(1..=3600))
                .help_heading(CONNECTION_HEADING)
                .help("The most time a call may take, its retries and their waits included"),
        )
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(CONNECTION_HEADING)
                .help(
                    "Print each call (operation, attempts, status, request id, time) and each \
                     retry (reason, wait) to standard error; never a secret",
                ),
        )
}

/// The retry policy `--retries` and `--timeout` ask for; with `-v`, the
/// client's `call` spans and retry events go to standard error.
fn retry_policy(m: &ArgMatches) -> live_record_callbacks::RetryPolicy {
    if m.get_flag("verbose") {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .without_time()
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_max_level(tracing::Level::INFO)
            .try_init();
    }
    let retries = m.get_one::<u32>("retries").copied().unwrap_or(2);
    let timeout = m.get_one::<u64>("timeout").copied().unwrap_or(60);
    live_record_callbacks::RetryPolicy::default()
        .with_attempts(retries + 1)
        .with_hard_deadline(std::time::Duration::from_secs(timeout))
}

/// Runs the `configs` command `m` holds; prints a failure as one line.
pub async fn run(m: &ArgMatches) -> ExitCode {
    match execute(m).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(failure.code)
        }
    }
}

async fn execute(m: &ArgMatches) -> Result<(), Failure> {
    let (name, sub) = m
        .subcommand()
        .ok_or_else(|| Failure::bad_input("no command given"))?;
    let op = CliCommand::iter()
        .find(|op| name_of(*op) == name)
        .ok_or_else(|| Failure::bad_input(format!("unknown command {name}")))?;

    // Everything that can be wrong locally is checked before connecting:
    // the key, then the credentials and the endpoint.
    let key = callback_key(sub)?;
    let project_id = sub
        .get_one::<types::ProjectId>("project-id")
        .map(|id| id.as_str().to_owned())
        .ok_or_else(|| Failure::bad_input("--project-id is missing"))?;
    let region = target(sub)?;
    let credentials = credentials(&project_id, sub.get_flag("token-stdin"))?;
    let output = Output::new(key);
    // The answers as sent: printed in place of the generated types, which
    // would drop a field the service adds later.
    let bodies = output.bodies();
    let context = ClientContext::authenticated(Authenticator::new(credentials))
        .with_retry(retry_policy(sub))
        .observe_bodies(move |answer| {
            let request_id = answer.request_id.map(str::to_owned);
            let sent = (request_id, answer.body.to_vec());
            bodies.lock().expect("not poisoned").push(sent);
        });
    let client = Client::with_context(&region.endpoint(), context)
        .map_err(|e| Failure::config(format!("cannot set up HTTP: {}", one_line(&e))))?;

    if matches!(op, CliCommand::ListRecordCallbackConfigs) && sub.get_flag("all") {
        return list_all(&client, &output, &project_id, sub).await;
    }
    Cli::new(client, output)
        .execute(op, sub)
        .await
        .map_err(
            |e| match e.downcast::<live_record_callbacks::Error<types::ErrorResponse>>() {
                Ok(e) => Failure::from(ApiError::from(e)),
                // The generated code's other failure: reading --json-body again.
                Err(e) => Failure::bad_input(format!("{e:#}")),
            },
        )
}

/// The callback key of create and update: standard input with
/// `--key-stdin`, else `LIVE_CALLBACK_KEY` if set.
fn callback_key(m: &ArgMatches) -> Result<Option<CallbackKey>, Failure> {
    // Commands without a key have no `--key-stdin`.
    let Ok(key_stdin) = m.try_get_one::<bool>("key-stdin") else {
        return Ok(None);
    };
    let (from, key) = if key_stdin == Some(&true) {
        if m.get_flag("token-stdin") {
            return Err(Failure::bad_input(format!(
                "--key-stdin and --token-stdin cannot both read standard input; put the token in {ENV_TOKEN}"
            )));
        }
        ("--key-stdin", read_line("--key-stdin")?)
    } else {
        match std::env::var(ENV_KEY) {
            Ok(key) => (ENV_KEY, key),
            Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::bad_input(format!(
                    "{ENV_KEY}: not valid UTF-8 (a key has letters and digits only)"
                )))
            }
        }
    };
    // The parse error says what is wrong without repeating the key.
    key.parse::<CallbackKey>()
        .map(Some)
        .map_err(|e| Failure::bad_input(format!("{from}: {e}")))
}

/// One line of standard input, without its line ending.
fn read_line(flag: &str) -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::bad_input(format!("{flag}: cannot read standard input: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The credentials: an IAM token from `--token-stdin`, else the client's
/// rule for the environment ([`Credentials::from_env_with`]: a token in
/// `HUAWEICLOUD_SDK_TOKEN` or AK/SK, never both), signing for `project_id`.
fn credentials(project_id: &str, token_stdin: bool) -> Result<Credentials, Failure> {
    if token_stdin {
        return IamToken::new(read_line("--token-stdin")?)
            .map(Credentials::from)
            .map_err(|e| Failure::config(format!("--token-stdin: {e}")));
    }
    // The project the request is signed for (`X-Project-Id`) is the one in
    // its path: --project-id, or HUAWEICLOUD_SDK_PROJECT_ID by default.
    Credentials::from_env_with(|name| {
        if name == auth::ENV_PROJECT_ID {
            Some(project_id.to_owned())
        } else {
            std::env::var(name).ok()
        }
    })
    .map_err(|e| match e {
        // Both name the variable at fault.
        auth::CredentialsError::Conflict(..)
        | auth::CredentialsError::Invalid {
            what: ENV_TOKEN, ..
        } => Failure::config(e.to_string()),
        e => Failure::config(format!(
            "no credentials: {e} (set {} and {}, or {ENV_TOKEN}, or use --token-stdin)",
            auth::ENV_AK,
            auth::ENV_SK
        )),
    })
}

/// Where to send the call: `--endpoint`, `--region`, or cn-north-4.
fn target(m: &ArgMatches) -> Result<Region, Failure> {
    match (
        m.get_one::<Region>("endpoint"),
        m.get_one::<String>("region"),
    ) {
        (Some(_), Some(_)) => Err(Failure::config(format!(
            "give --region ({ENV_REGION}) or --endpoint ({ENV_ENDPOINT}), not both"
        ))),
        (Some(endpoint), None) => Ok(endpoint.clone()),
        (None, Some(id)) => id
            .parse()
            .map_err(|e| Failure::config(format!("--region: {e}"))),
        (None, None) => Ok(Region::CnNorth4),
    }
}

/// `list --all`: every matching config, through the client's paging
/// stream, printed as one page.
async fn list_all(
    client: &Client,
    output: &Output,
    project_id: &str,
    m: &ArgMatches,
) -> Result<(), Failure> {
    use generated::CliConfig;

    let mut filter = ListFilter::all();
    if let Some(domain) = m.get_one::<types::PublishDomain>("publish-domain") {
        filter = filter.publish_domain(domain.clone());
    }
    if let Some(app) = m.get_one::<types::AppName>("app") {
        filter = filter.app(app.clone());
    }
    if let Some(limit) = m.get_one::<PageLimit>("limit") {
        filter = filter.page_size(*limit);
    }
    output.list_start::<types::RecordCallbackConfig>();
    let mut configs = std::pin::pin!(client.list_all_configs(project_id, filter));
    while let Some(config) = configs.try_next().await.map_err(Failure::from)? {
        output.list_item(&config);
    }
    output.list_end_success::<types::RecordCallbackConfig>();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument the document describes is an argument of the
    /// generated command (so the names agree), or one this command line
    /// adds by hand; nothing of the body is left without a way in.
    #[test]
    fn the_document_and_the_commands_agree() {
        for op in CliCommand::iter() {
            let cmd = operation_command(op);
            let described: Vec<_> = fields::of(op.operation_id()).collect();
            assert!(!described.is_empty(), "{op:?} has no fields");
            for f in described {
                let arg = cmd
                    .get_arguments()
                    .find(|a| a.get_id() == f.arg)
                    .unwrap_or_else(|| panic!("{op:?}: {} has no argument", f.name));
                if f.arg == KEY {
                    assert!(arg.is_hide_set(), "the key must not be a visible flag");
                } else {
                    let help = arg
                        .get_long_help()
                        .expect("help from the document")
                        .to_string();
                    assert!(help.starts_with(f.long_help), "{help}");
                }
            }
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                let known = fields::find(op.operation_id(), id).is_some()
                    || [
                        "json-body",
                        "json-body-template",
                        "key-stdin",
                        "region",
                        "endpoint",
                        "token-stdin",
                        "all",
                    ]
                    .contains(&id);
                assert!(known, "{op:?}: --{id} is not in the document");
            }
        }
    }
}
