//! Creates a recording-callback config and prints it with its request id.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run --example create_callback -- \
//!     --domain push.example.com --app live --url https://hooks.example.com/live/record
//! ```
//!
//! Options (all optional):
//!
//! * `--region ID` — the region (default `HUAWEICLOUD_SDK_REGION`, else
//!   `cn-north-4`);
//! * `--endpoint URL` — a base URL that replaces the region's endpoint
//!   (default `LIVE_ENDPOINT`), e.g. a local emulator started with
//!   `live-record-callbacks emulate --ak "$HUAWEICLOUD_SDK_AK" --sk "$HUAWEICLOUD_SDK_SK"`
//!   and reached as `LIVE_ENDPOINT=http://127.0.0.1:8080`;
//! * `--domain`, `--app`, `--url` — the ingest domain, the application and
//!   the callback URL (defaults `push.example.com`, `live`,
//!   `https://hooks.example.com/live/record`);
//! * `--key KEY` — the key that signs the notifications (none by default).
//!
//! Exits 0 after printing the created config, 1 when the call fails (the
//! error and its request id are printed), 2 on a usage or setup error.

use std::process::ExitCode;

use live_record_callbacks::auth::{Authenticator, Credentials, ENV_PROJECT_ID};
use live_record_callbacks::region::Region;
use live_record_callbacks::{ApiError, Client, RequestId};

/// Environment variable for the region id.
const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";
/// Environment variable for a base URL that replaces the region's endpoint.
const ENV_ENDPOINT: &str = "LIVE_ENDPOINT";

const USAGE: &str = "\
usage: create_callback [--region ID] [--endpoint URL] [--domain DOMAIN] [--app APP] [--url URL] [--key KEY]

Credentials come from HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and
HUAWEICLOUD_SDK_PROJECT_ID (plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary
credentials). The region comes from --region, else HUAWEICLOUD_SDK_REGION,
else cn-north-4; --endpoint (or LIVE_ENDPOINT) replaces its endpoint.";

struct Args {
    region: Option<String>,
    endpoint: Option<String>,
    domain: String,
    app: String,
    url: String,
    key: Option<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        region: None,
        endpoint: None,
        domain: "push.example.com".to_owned(),
        app: "live".to_owned(),
        url: "https://hooks.example.com/live/record".to_owned(),
        key: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (flag.clone(), None),
        };
        if !matches!(
            name.as_str(),
            "--region" | "--endpoint" | "--domain" | "--app" | "--url" | "--key"
        ) {
            return Err(format!("unknown argument `{flag}`"));
        }
        let Some(value) = inline.or_else(|| it.next()) else {
            return Err(format!("{name} needs a value"));
        };
        match name.as_str() {
            "--region" => args.region = Some(value),
            "--endpoint" => args.endpoint = Some(value),
            "--domain" => args.domain = value,
            "--app" => args.app = value,
            "--url" => args.url = value,
            _ => args.key = Some(value),
        }
    }
    Ok(Some(args))
}

/// A non-empty environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Where requests go: `--endpoint`/`LIVE_ENDPOINT`, else the region's.
fn target(args: &Args) -> Result<Region, String> {
    if let Some(url) = args.endpoint.clone().or_else(|| env(ENV_ENDPOINT)) {
        let from = if args.endpoint.is_some() {
            "--endpoint"
        } else {
            ENV_ENDPOINT
        };
        return Region::custom(&url)
            .map_err(|_| format!("{from}: `{url}` is not an http:// or https:// URL with a host"));
    }
    match args.region.clone() {
        Some(id) => id.parse().map_err(|e| format!("--region: {e}")),
        None => match env(ENV_REGION) {
            Some(id) => id.parse().map_err(|e| format!("{ENV_REGION}: {e}")),
            None => Ok(Region::CnNorth4),
        },
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let setup = (|| {
        let credentials = Credentials::from_env().map_err(|e| {
            format!(
                "{e} (set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID)"
            )
        })?;
        let project_id = match &credentials {
            Credentials::AkSk(c) => c.project_id().map(str::to_owned),
            Credentials::Token(_) => None,
        }
        .ok_or_else(|| format!("environment variable {ENV_PROJECT_ID} is not set"))?;
        let region = target(&args)?;
        let client = Client::connect(&region, Authenticator::new(credentials))
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok::<_, String>((client, project_id, region))
    })();
    let (client, project_id, region) = match setup {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    // Given as JSON, the body is checked against the contract by `send()`,
    // which names the field that breaks a constraint.
    let mut body = serde_json::json!({
        "publish_domain": args.domain,
        "app": args.app,
        "notify_callback_url": args.url,
    });
    if let Some(key) = &args.key {
        body["key"] = key.as_str().into();
    }

    eprintln!(
        "creating a callback config for {}/{} in project {project_id} at {}",
        args.domain,
        args.app,
        region.endpoint()
    );
    match client
        .create_record_callback_config()
        .project_id(project_id.as_str())
        .body(body)
        .send()
        .await
    {
        Ok(created) => {
            let request_id = created.request_id().unwrap_or("(none)").to_owned();
            let config = created.into_inner();
            match serde_json::to_string_pretty(&config) {
                Ok(json) => println!("{json}"),
                Err(_) => println!("{config:?}"),
            }
            println!("request id: {request_id}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let e = ApiError::from(e);
            eprintln!("error: {e}");
            // The causes, less those the message above already spells out.
            let mut shown = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !shown.contains(&text) {
                    eprintln!("  caused by: {text}");
                    shown = text;
                }
                source = cause.source();
            }
            eprintln!("request id: {}", e.request_id().unwrap_or("(none)"));
            ExitCode::FAILURE
        }
    }
}
