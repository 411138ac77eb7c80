//! `emulate`: serve the emulator until interrupted.

use std::net::SocketAddr;
use std::process::ExitCode;

use live_record_callbacks::auth::{AkSkCredentials, IamToken};
use live_record_callbacks_emulator::{Emulator, EmulatorConfig, Faults};

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
    /// Inject faults into the API's answers, seeded and reproducible:
    /// comma-separated key=value of rate (0 to 1), seed, kinds (429, 500,
    /// 502, 503, 504, reset, lost, slow joined with +), retry-after
    /// (seconds), latency (ms), skip, count. Example:
    /// rate=0.2,seed=7,kinds=429+503+lost
    #[arg(long, value_name = "SPEC")]
    faults: Option<Faults>,
}

pub async fn run(args: Args) -> Result<ExitCode, String> {
    let Args {
        listen,
        credentials: CredentialArgs { ak, sk, token },
        faults,
    } = args;
    let mut config = EmulatorConfig::default();
    if let Some(faults) = &faults {
        config = config.with_faults(faults.clone());
    }
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
        "emulator listening on {} ({}{})",
        emulator.base_url(),
        if auth.is_empty() {
            "no authentication".to_owned()
        } else {
            auth.join(" or ")
        },
        faults
            .as_ref()
            .map(|f| format!("; faults {f}"))
            .unwrap_or_default()
    );
    // An error here means no signal handler could be installed: stop
    // serving rather than run with no way to stop cleanly.
    let waited = tokio::signal::ctrl_c().await;
    emulator.stop().await;
    if let Some(faults) = &faults {
        let report = faults.report();
        let injected: Vec<_> = report
            .injected
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        eprintln!(
            "{} API requests, {} faults injected ({})",
            report.requests,
            report.total(),
            injected.join(", ")
        );
    }
    waited
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))
}
