//! `emulate`: serve the emulator until interrupted.

use std::net::SocketAddr;
use std::process::ExitCode;

use live_record_callbacks::auth::{AkSkCredentials, IamToken};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig};

use super::CredentialArgs;

/// Serve the emulator until interrupted (Ctrl-C).
///
/// Without --ak/--sk or --token every request is accepted; with them,
/// requests (to the API and to the emulator's own trigger route) must be
/// AK/SK-signed with those keys or carry the token.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on; keep it on loopback.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    credentials: CredentialArgs,
}

pub async fn run(args: Args) -> Result<ExitCode, String> {
    let Args {
        listen,
        credentials: CredentialArgs { ak, sk, token },
    } = args;
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
    // An error here means no signal handler could be installed: stop
    // serving rather than run with no way to stop cleanly.
    let waited = tokio::signal::ctrl_c().await;
    emulator.stop().await;
    waited
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))
}
