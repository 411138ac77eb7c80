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
//! * `--region ID` — the region;
//! * `--endpoint URL` — a base URL that replaces the region's endpoint,
//!   e.g. a local emulator started with
//!   `live-record-callbacks emulate --ak "$HUAWEICLOUD_SDK_AK" --sk "$HUAWEICLOUD_SDK_SK"`
//!   and reached as `LIVE_ENDPOINT=http://127.0.0.1:8080`;
//!
//!   without either, `Region::from_env` reads `LIVE_ENDPOINT` or
//!   `HUAWEICLOUD_SDK_REGION` (not both), else uses `cn-north-4`;
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

const USAGE: &str = "\
usage: create_callback [--region ID] [--endpoint URL] [--domain DOMAIN] [--app APP] [--url URL] [--key KEY]

Credentials come from HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and
HUAWEICLOUD_SDK_PROJECT_ID (plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary
credentials), or an IAM token in HUAWEICLOUD_SDK_TOKEN (not both) with
HUAWEICLOUD_SDK_PROJECT_ID. The endpoint comes from --endpoint or --region,
else LIVE_ENDPOINT or HUAWEICLOUD_SDK_REGION (not both), else cn-north-4.";

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

/// Where requests go: `--endpoint`, else `--region`, else the client's rule
/// for the environment (`LIVE_ENDPOINT` or `HUAWEICLOUD_SDK_REGION`, not
/// both; else cn-north-4).
fn target(args: &Args) -> Result<Region, String> {
    match (&args.endpoint, &args.region) {
        (Some(_), Some(_)) => Err("give --region or --endpoint, not both".to_owned()),
        (Some(url), None) => Region::custom(url).map_err(|_| {
            format!("--endpoint: `{url}` is not an http:// or https:// URL with a host")
        }),
        (None, Some(id)) => id.parse().map_err(|e| format!("--region: {e}")),
        (None, None) => Region::from_env().map_err(|e| e.to_string()),
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
                "{e} (set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID, \
                 or HUAWEICLOUD_SDK_TOKEN and HUAWEICLOUD_SDK_PROJECT_ID)"
            )
        })?;
        let project_id = match &credentials {
            Credentials::AkSk(c) => c.project_id().map(str::to_owned),
            Credentials::Token(_) => std::env::var(ENV_PROJECT_ID).ok().filter(|p| !p.is_empty()),
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
