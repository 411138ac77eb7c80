//! The command line: serve the emulator, make it fire a notification, and
//! verify a notification.

use std::net::SocketAddr;
use std::process::ExitCode;

use std::io::Read;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use live_record_callbacks::auth::{AkSkCredentials, IamToken};
use live_record_callbacks::emulator::{
    Emulator, EmulatorConfig, TriggerReport, TriggerRequest, RESERVED_PREFIX,
};
use live_record_callbacks::notify;
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::types::SignType;

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
    /// Serve the emulator until interrupted (Ctrl-C).
    ///
    /// Without --ak/--sk or --token every request is accepted; with them,
    /// requests must be AK/SK-signed with those keys or carry the token.
    Emulate {
        /// Address to listen on; keep it on loopback.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Access key that signed requests must use (needs --sk).
        #[arg(long, requires = "sk", env = "HUAWEICLOUD_SDK_AK")]
        ak: Option<String>,
        /// Secret key that signed requests must use (needs --ak).
        #[arg(
            long,
            requires = "ak",
            env = "HUAWEICLOUD_SDK_SK",
            hide_env_values = true
        )]
        sk: Option<String>,
        /// IAM token accepted in X-Auth-Token.
        #[arg(long, hide_env_values = true)]
        token: Option<String>,
    },
    /// Ask a running emulator to fire a notification for a stream.
    ///
    /// The emulator picks the config the service would (the exact app over
    /// the domain's `*` config), checks its subscription, signs the body
    /// with the config's key and sign_type, POSTs it to the config's URL and
    /// reports the receiver's answer. Exits 0 only if the receiver answered
    /// 200.
    Trigger {
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
        #[arg(long, value_enum, default_value_t = Event::RecordFileComplete)]
        event: Event,
    },
    /// Verify a notification read from standard input, and say why not.
    ///
    /// Exits 0 when it verifies, 1 when it does not, 2 on bad input.
    Verify {
        /// The config's key (letters and digits, at least 32). Repeat it to
        /// accept several keys while rotating.
        #[arg(
            long,
            required = true,
            env = "LIVE_CALLBACK_KEY",
            hide_env_values = true
        )]
        key: Vec<String>,
        /// The config's sign_type.
        #[arg(long, value_enum, default_value_t = Sign::Hmacsha256)]
        sign_type: Sign,
        /// How old auth_timestamp may be, in seconds.
        #[arg(long, default_value_t = 300)]
        window: u64,
    },
}

/// Variant names are the service's event names.
#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(clippy::enum_variant_names)]
enum Event {
    RecordStart,
    RecordNewFileStart,
    RecordFileComplete,
    RecordOver,
    RecordFailed,
}

#[derive(Clone, Copy, ValueEnum)]
enum Sign {
    #[value(name = "HMACSHA256")]
    Hmacsha256,
    #[value(name = "MD5")]
    Md5,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Emulate {
            listen,
            ak,
            sk,
            token,
        } => emulate(listen, ak, sk, token).await,
        Command::Trigger {
            emulator,
            project,
            domain,
            app,
            stream,
            event,
        } => {
            let event_type = event
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            let request = TriggerRequest {
                project_id: project,
                publish_domain: domain,
                app,
                stream,
                event_type,
            };
            trigger(&emulator, request).await
        }
        Command::Verify {
            key,
            sign_type,
            window,
        } => verify(key, sign_type, window),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn emulate(
    listen: SocketAddr,
    ak: Option<String>,
    sk: Option<String>,
    token: Option<String>,
) -> Result<ExitCode, String> {
    let mut config = EmulatorConfig::default();
    let mut auth = Vec::new();
    if let (Some(ak), Some(sk)) = (ak, sk) {
        let creds = AkSkCredentials::new(ak, sk).map_err(|e| format!("--ak/--sk: {e}"))?;
        auth.push(format!("AK/SK (access key {})", creds.access_key()));
        config = config.with_aksk(creds);
    }
    if let Some(token) = token {
        config = config.with_token(IamToken::new(token).map_err(|e| format!("--token: {e}"))?);
        auth.push("IAM token".to_owned());
    }
    let emulator = Emulator::start_on(listen, config)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    eprintln!(
        "emulator listening on {} ({})",
        emulator.base_url(),
        if auth.is_empty() {
            "no authentication".to_owned()
        } else {
            auth.join(" or ")
        }
    );
    let _ = tokio::signal::ctrl_c().await;
    emulator.stop().await;
    Ok(ExitCode::SUCCESS)
}

async fn trigger(emulator: &str, request: TriggerRequest) -> Result<ExitCode, String> {
    let url = format!(
        "{}{RESERVED_PREFIX}/trigger",
        emulator.trim_end_matches('/')
    );
    let response = reqwest::Client::new()
        .post(&url)
        .json(&request)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| format!("cannot reach the emulator at {emulator} ({e}); is `live-record-callbacks emulate` running?"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| format!("the emulator's answer is not JSON: {e}"))?;
    if let Some(error) = body.get("error").and_then(|e| e.as_str()) {
        eprintln!("not sent: {error}");
        return Ok(ExitCode::FAILURE);
    }
    let report: TriggerReport = serde_json::from_value(body)
        .map_err(|e| format!("unexpected answer from the emulator ({status}): {e}"))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&report.notification).unwrap_or_default()
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

fn verify(keys: Vec<String>, sign_type: Sign, window: u64) -> Result<ExitCode, String> {
    let sign_type = match sign_type {
        Sign::Hmacsha256 => SignType::Hmacsha256,
        Sign::Md5 => SignType::Md5,
    };
    let mut keys = keys.iter().enumerate().map(|(i, k)| {
        k.parse::<CallbackKey>()
            .map_err(|e| format!("--key #{}: {e}", i + 1))
    });
    let first = keys.next().ok_or("give the config's key with --key")??;
    let mut verifier =
        notify::Verifier::new(sign_type, first).with_window(Duration::from_secs(window));
    for key in keys {
        verifier = verifier.with_key(key?);
    }
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| format!("reading standard input: {e}"))?;
    let notification = match notify::parse(&body) {
        Ok(n) => n,
        Err(e) => return Err(format!("not a recording notification: {e}")),
    };
    match verifier.verify(&notification) {
        Ok(()) => {
            println!(
                "valid: {} for {}/{}/{} (task {})",
                notification.event_type(),
                notification.publish_domain(),
                notification.app(),
                notification.stream(),
                notification.task_id()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("invalid: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
