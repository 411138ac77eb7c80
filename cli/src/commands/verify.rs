//! `verify`: check a notification read from standard input.

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use live_record_callbacks::enums;
use live_record_callbacks::notify::{
    self, Notification, NotificationVerifier, TIMESTAMP_FUTURE_BOUND, TIMESTAMP_WINDOW,
};
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::types::{RequestedSignType, SignType};

use crate::values;

/// Verify a notification read from standard input, and say why not.
///
/// Exits 0 when it verifies, 1 when it does not (or, with --audit, when
/// it breaks the contract), 2 on bad input.
#[derive(clap::Args)]
pub struct Args {
    /// The config's key (letters and digits, at least 32). Repeat it to
    /// accept several keys while rotating.
    #[arg(
        long,
        required = true,
        env = super::configs::ENV_KEY,
        hide_env_values = true
    )]
    key: Vec<String>,
    /// The config's sign_type.
    #[arg(
        long,
        value_parser = values::one_of(enums::all::<SignType>()),
        default_value_t = default_sign_type()
    )]
    sign_type: SignType,
    /// How far the clock may be past auth_timestamp, in seconds (older is
    /// stale).
    #[arg(long, default_value_t = TIMESTAMP_WINDOW.as_secs())]
    window: u64,
    /// How far auth_timestamp may be ahead of the clock, in seconds. Huawei
    /// calls it the time the signature expires, so it may be minutes
    /// ahead; keep this at least as long as that expiry.
    #[arg(long, default_value_t = TIMESTAMP_FUTURE_BOUND.as_secs())]
    future_bound: u64,
    /// Also print, as one JSON line, how the notification departs from the
    /// contract (the findings of `proxy`, pointers into that line).
    #[arg(long)]
    audit: bool,
}

/// The sign type a config has when its request leaves it out: the
/// document's default for the request's `sign_type`.
fn default_sign_type() -> SignType {
    match RequestedSignType::default() {
        RequestedSignType::SignType(s) => s,
        RequestedSignType::UnlistedSignType(other) => {
            unreachable!("the document's default sign_type {other:?} is one it lists")
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let mut keys = args.key.iter().enumerate().map(|(i, k)| {
        k.parse::<CallbackKey>()
            .map_err(|e| format!("--key #{}: {e}", i + 1))
    });
    let first = keys.next().ok_or("give the config's key with --key")??;
    let mut verifier = NotificationVerifier::new(args.sign_type, first)
        .with_window(Duration::from_secs(args.window))
        .with_future_bound(Duration::from_secs(args.future_bound));
    for key in keys {
        verifier = verifier.with_key(key?);
    }
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| format!("reading standard input: {e}"))?;
    let notification = match notify::parse(&body) {
        Ok(n) => n,
        // The audit says where the body departs from the contract.
        Err(e) if args.audit => {
            println!("unreadable: {e}");
            audit(&body, Err(format!("not verified: {e}")))?;
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(format!("not a recording notification: {e}")),
    };
    let verdict = verifier.verify(&notification);
    let code = match &verdict {
        Ok(()) => {
            match &notification {
                Notification::Known(n) => println!(
                    "valid: {} for {}/{}/{} (task {})",
                    n.event_type(),
                    n.publish_domain(),
                    n.app(),
                    n.stream(),
                    n.task_id()
                ),
                Notification::Unknown(n) => {
                    let f = n.fields();
                    let text = |v: &Option<String>| v.clone().unwrap_or_default();
                    println!(
                        "valid: {} for {}/{}/{} (task {}); not an event the contract lists: a receiver answers 200 and ignores it",
                        n.event_type(),
                        text(&f.publish_domain),
                        text(&f.app),
                        text(&f.stream),
                        text(&f.task_id)
                    )
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("invalid: {e}");
            Ok(ExitCode::FAILURE)
        }
    };
    let verdict = verdict.map_err(|e| format!("invalid: {e}"));
    if args.audit && audit(&body, verdict)? {
        return Ok(ExitCode::FAILURE);
    }
    code
}

/// Prints the audit line of a notification (its body with the signature
/// redacted, the verdict, the findings); says whether any breaks the
/// contract.
fn audit(body: &[u8], verdict: Result<(), String>) -> Result<bool, String> {
    let contract = live_record_callbacks_emulator::contract::Contract::built_in()?;
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let findings = contract.check_notification(&value, "/notification");
    let breaks = findings.iter().any(|f| f.breaks);
    let line = serde_json::json!({
        "notification": live_record_callbacks_emulator::contract::redacted(Some(value)),
        "signature": verdict.err().unwrap_or_else(|| "valid".to_owned()),
        "findings": findings,
    });
    println!("{line}");
    Ok(breaks)
}
