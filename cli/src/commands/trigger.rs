//! `trigger`: ask a running emulator to fire a notification.

use std::process::ExitCode;
use std::time::Duration;

use live_record_callbacks::auth::{AkSkCredentials, Authenticator, Credentials, IamToken};
use live_record_callbacks::notify::EventType;
use live_record_callbacks::types::SubscribedEvent;
use live_record_callbacks_emulator::{TriggerReport, TriggerRequest, TRIGGER_PATH};

use super::CredentialArgs;
use crate::values;

/// Ask a running emulator to fire a notification for a stream.
///
/// The emulator picks the config the service would (the exact app over the
/// domain's `*` config), checks its subscription, signs the body with the
/// config's key and sign_type, POSTs it to the config's URL and reports the
/// receiver's answer. With --ak/--sk (or HUAWEICLOUD_SDK_AK/SK) the request
/// is AK/SK-signed, with --token it carries the token: an emulator that
/// requires credentials requires them here too. Exits 0 only if the
/// receiver answered 200.
#[derive(clap::Args)]
pub struct Args {
    /// The emulator's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    emulator: String,
    /// The project to look in (any project when left out).
    #[arg(long)]
    project: Option<String>,
    /// Ingest domain of the stream.
    #[arg(long)]
    domain: String,
    /// Application of the stream.
    #[arg(long)]
    app: String,
    /// Stream name.
    #[arg(long)]
    stream: String,
    /// The event to fire.
    #[arg(
        long,
        value_parser = values::one_of(EventType::all()),
        default_value_t = EventType::Subscribed(SubscribedEvent::RecordFileComplete)
    )]
    event: EventType,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// The credentials given, if any.
fn authenticator(c: CredentialArgs) -> Result<Option<Authenticator>, String> {
    let credentials: Credentials = match (c.ak, c.sk, c.token) {
        (Some(_), Some(_), Some(_)) => {
            return Err("give --ak/--sk (or HUAWEICLOUD_SDK_AK/SK) or --token, not both".into())
        }
        (Some(ak), Some(sk), None) => AkSkCredentials::new(ak, sk)
            .map_err(|e| format!("--ak/--sk: {e}"))?
            .into(),
        (None, None, Some(token)) => IamToken::new(token)
            .map_err(|e| format!("--token: {e}"))?
            .into(),
        (None, None, None) => return Ok(None),
        // clap's `requires` makes --ak and --sk come together.
        _ => return Err("--ak and --sk go together".into()),
    };
    Ok(Some(Authenticator::new(credentials)))
}

pub async fn run(args: Args) -> Result<ExitCode, String> {
    let auth = authenticator(args.credentials)?;
    let emulator = args.emulator;
    let request = TriggerRequest {
        project_id: args.project,
        publish_domain: args.domain,
        app: args.app,
        stream: args.stream,
        event_type: args.event,
    };
    let url = format!("{}{TRIGGER_PATH}", emulator.trim_end_matches('/'));
    let http = reqwest::Client::new();
    let mut call = http
        .post(&url)
        .json(&request)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot build the request to {url}: {e}"))?;
    if let Some(auth) = &auth {
        auth.authenticate(&mut call)
            .map_err(|e| format!("cannot sign the request to {url}: {e}"))?;
    }
    let response = http.execute(call).await.map_err(|e| {
        format!("cannot reach the emulator at {emulator} ({e}); is `live-record-callbacks emulate` running?")
    })?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| format!("the emulator's answer ({status}) is not JSON: {e}"))?;
    if let Some(error) = body
        .get("error")
        .or_else(|| body.get("error_msg"))
        .and_then(|e| e.as_str())
    {
        eprintln!("not sent ({status}): {error}");
        return Ok(ExitCode::FAILURE);
    }
    let report: TriggerReport = serde_json::from_value(body)
        .map_err(|e| format!("unexpected answer from the emulator ({status}): {e}"))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&report.notification)
            .expect("a notification serializes to JSON")
    );
    eprintln!(
        "{} {} to {} (config {}, app {}): {}",
        if report.signed { "signed" } else { "unsigned" },
        request.event_type,
        report.url,
        report.config_id,
        report.config_app,
        match report.receiver_status {
            Some(s) => format!("receiver answered {s} {}", report.receiver_body),
            None => report.receiver_body.clone(),
        }
    );
    Ok(if report.delivered {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
