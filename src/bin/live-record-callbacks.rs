//! The command line: serve the emulator, make it fire a notification, and
//! verify a notification.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use live_record_callbacks::auth::{AkSkCredentials, IamToken};
use live_record_callbacks::emulator::{Emulator, EmulatorConfig};

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
