//! Answers `cargo xtask check`'s questions that need the generated types:
//! which component schemas have a Rust type, what JSON Schema schemars
//! derives for each, whether values deserialize into them, and what
//! build.rs generated. Reads one JSON request on stdin, writes one answer.
//!
//! It is a separate binary so that xtask itself does not depend on the
//! library: a document that breaks progenitor's rules is still reported by
//! xtask, with the operation named, instead of failing xtask's own build.

use std::io::Read;

use live_record_callbacks::{paging, secret, types, GENERATED_SOURCE};
use serde_json::{json, Value};

type Deserialize = fn(Value) -> Result<(), String>;
type Schema = fn() -> Value;

/// Component schema name -> the generated (or replacement) Rust type.
macro_rules! table {
    ($($name:literal => $ty:ty),* $(,)?) => {
        &[$(
            (
                $name,
                (|v| serde_json::from_value::<$ty>(v).map(drop).map_err(|e| e.to_string())) as Deserialize,
                (|| serde_json::to_value(schemars::schema_for!($ty)).expect("schemas serialize")) as Schema,
            )
        ),*]
    };
}

const TYPES: &[(&str, Deserialize, Schema)] = table! {
    "AppName" => types::AppName,
    "CallbackKey" => secret::CallbackKey,
    "CallbackUrl" => types::CallbackUrl,
    "ConfigId" => types::ConfigId,
    "ErrorResponse" => types::ErrorResponse,
    "NestedError" => types::NestedError,
    "NotificationSignature" => types::NotificationSignature,
    "OtherRecordNotification" => types::OtherRecordNotification,
    "PageLimit" => paging::PageLimit,
    "PageOffset" => paging::PageOffset,
    "ProjectId" => types::ProjectId,
    "PublishDomain" => types::PublishDomain,
    "RecordCallbackConfig" => types::RecordCallbackConfig,
    "RecordCallbackConfigList" => types::RecordCallbackConfigList,
    "RecordCallbackConfigRequest" => types::RecordCallbackConfigRequest,
    "RecordFailedNotification" => types::RecordFailedNotification,
    "RecordFileCompleteNotification" => types::RecordFileCompleteNotification,
    "RecordFormat" => types::RecordFormat,
    "RecordNewFileStartNotification" => types::RecordNewFileStartNotification,
    "RecordNotification" => types::RecordNotification,
    "RecordNotificationBody" => types::RecordNotificationBody,
    "RecordOverNotification" => types::RecordOverNotification,
    "RecordStartNotification" => types::RecordStartNotification,
    "RequestedEvent" => types::RequestedEvent,
    "RequestedSignType" => types::RequestedSignType,
    "SignType" => types::SignType,
    "SubscribedEvent" => types::SubscribedEvent,
    "UnlistedEvent" => types::UnlistedEvent,
    "UnlistedSignType" => types::UnlistedSignType,
};

fn main() {
    let mut input = String::new();
    let request: Value = std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_str(&input).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| {
            eprintln!("xtask-probe: bad request on stdin: {e}");
            std::process::exit(2)
        });
    let results: Vec<Value> = request["values"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let name = item["schema"].as_str().unwrap_or_default();
            match TYPES.iter().find(|(n, _, _)| *n == name) {
                None => json!({"error": format!("no Rust type is known for schema {name}")}),
                Some((_, deserialize, _)) => match deserialize(item["value"].clone()) {
                    Ok(()) => json!({}),
                    Err(e) => json!({"error": e}),
                },
            }
        })
        .collect();
    let types: serde_json::Map<String, Value> = TYPES
        .iter()
        .map(|(name, _, schema)| (name.to_string(), schema()))
        .collect();
    let answer = json!({
        "types": types,
        "results": results,
        "generated_source": GENERATED_SOURCE,
    });
    println!("{answer}");
}
