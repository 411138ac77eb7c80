//! A receiver for recording notifications: verifies each POST, drops
//! duplicates, answers 200 with a JSON body, and logs the event.
//!
//! ```sh
//! LIVE_CALLBACK_KEY=0123456789abcdef0123456789abcdef \
//!     cargo run --example receiver -- 127.0.0.1:8080 [--audit]
//! ```
//!
//! - listen address: the first argument that is not `--audit`, else
//!   `LIVE_RECEIVER_LISTEN`, else `127.0.0.1:8080`;
//! - `--audit`: for each notification, also print one JSON line on standard
//!   output with the signature verdict and how the body departs from the
//!   contract, in the findings format of `live-record-callbacks verify
//!   --audit` and `proxy` (the body itself is not printed, nor its
//!   signature);
//! - `LIVE_CALLBACK_KEY`: the config's key; during a rotation, the new and
//!   the old key separated by a comma. Read from the environment only, so
//!   it does not show in the process list;
//! - `LIVE_CALLBACK_SIGN_TYPE`: the config's `sign_type`, `HMACSHA256`
//!   (default) or `MD5`.
//!
//! Answers: 200 `{"status":"ok"}` (new) or `{"status":"duplicate"}`, 200
//! `{"status":"ignored"}` for an event the contract does not list (a newer
//! one: logged with its body, not acted on), 400 when the body is not a
//! notification, 401 when a signature check fails; the error says which.

use std::sync::Arc;

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Json, Router};
use live_record_callbacks::notify::{NotificationVerifier, Outcome, Receiver};
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::types::SignType;
use live_record_callbacks_emulator::contract::Contract;

struct Receiving {
    receiver: Receiver,
    /// Set by `--audit`: the contract the bodies are held to.
    audit: Option<Contract>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (flags, positional): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let audit = match flags.as_slice() {
        [] => None,
        [flag] if flag == "--audit" => Some(Contract::built_in()?),
        [flag, ..] => {
            return Err(format!("unknown option {flag} (the one option is --audit)").into())
        }
    };
    let listen = positional
        .into_iter()
        .next()
        .or_else(|| std::env::var("LIVE_RECEIVER_LISTEN").ok())
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let sign_type: SignType = std::env::var("LIVE_CALLBACK_SIGN_TYPE")
        .unwrap_or_else(|_| "HMACSHA256".to_owned())
        .parse()
        .map_err(|e| format!("LIVE_CALLBACK_SIGN_TYPE: {e}"))?;
    let keys = std::env::var("LIVE_CALLBACK_KEY")
        .map_err(|_| "set LIVE_CALLBACK_KEY to the config's key (new,old while rotating)")?;
    let mut keys = keys.split(',').map(|k| k.trim().parse::<CallbackKey>());
    let first = keys
        .next()
        .ok_or("LIVE_CALLBACK_KEY is empty")?
        .map_err(|e| format!("LIVE_CALLBACK_KEY: {e}"))?;
    let mut verifier = NotificationVerifier::new(sign_type, first);
    let mut count = 1;
    for key in keys {
        verifier = verifier.with_key(key.map_err(|e| format!("LIVE_CALLBACK_KEY: {e}"))?);
        count += 1;
    }
    let auditing = if audit.is_some() { ", auditing" } else { "" };
    let receiver = Arc::new(Receiving {
        receiver: Receiver::new(verifier),
        audit,
    });

    let app = Router::new()
        .route("/", post(receive))
        .route("/{*path}", post(receive))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    eprintln!(
        "receiver: listening on http://{} ({sign_type}, {count} key(s){auditing})",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}

async fn receive(
    State(receiving): State<Arc<Receiving>>,
    body: Bytes,
) -> (StatusCode, Json<serde_json::Value>) {
    let outcome = receiving.receiver.handle(&body);
    if let Some(contract) = &receiving.audit {
        audit(contract, &body, &outcome);
    }
    match &outcome {
        Outcome::New(n) | Outcome::Duplicate(n) => {
            let key = n.dedup_key();
            eprintln!(
                "receiver: {} {} {}/{}/{} task {}{}{}",
                if matches!(outcome, Outcome::New(_)) {
                    "new"
                } else {
                    "duplicate"
                },
                n.event_type(),
                n.publish_domain(),
                n.app(),
                n.stream(),
                key.task_id,
                if key.file.is_empty() { "" } else { " file " },
                key.file,
            );
        }
        Outcome::Ignored {
            notification,
            verified,
        } => eprintln!(
            "receiver: ignored unknown event {} (signature {}): {}",
            notification.event_type(),
            match verified {
                Ok(()) => "holds".to_owned(),
                Err(e) => format!("does not hold: {e}"),
            },
            notification.raw()
        ),
        Outcome::Refused(e) => eprintln!("receiver: refused ({}): {e}", e.status()),
    }
    let status = StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::OK);
    (status, Json(outcome.response_body()))
}

/// The audit line of one notification: the signature's verdict (`valid`,
/// or the check that failed, as the published vectors name it) and the
/// contract's findings, each at its JSON pointer.
fn audit(contract: &Contract, body: &[u8], outcome: &Outcome) {
    let signature = match outcome {
        Outcome::New(_)
        | Outcome::Duplicate(_)
        | Outcome::Ignored {
            verified: Ok(()), ..
        } => "valid",
        Outcome::Ignored {
            verified: Err(e), ..
        } => e.reason(),
        Outcome::Refused(e) => e.reason(),
    };
    let (event_type, findings) = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => (
            value["event_type"].clone(),
            contract.check_notification(&value, "/notification"),
        ),
        Err(_) => (serde_json::Value::Null, Vec::new()),
    };
    let line = serde_json::json!({
        "event_type": event_type,
        "signature": signature,
        "findings": findings,
    });
    println!("{line}");
}
