//! The notification examples are signed, and their signatures hold.
//!
//! The signing rule is read from the document (`x-signing` on the
//! notification union), not restated here: each mode lists the parts of the
//! message in order (`key` is the config's key, any other name a field of
//! the body, absent fields empty, numbers as decimal digits). This module
//! recomputes every example's `auth_sign` with the published test key. It
//! is deliberately independent of the library's `notify` module, so the two
//! implementations check each other.

use std::collections::{BTreeMap, BTreeSet};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use crate::document::{self, entries, seq, str_of, Document};
use crate::examples::Example;

/// The component schema that unions the notification events.
pub const UNION: &str = "RecordNotification";

/// What the check found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Lines for the report.
    pub lines: Vec<String>,
    /// Problems, each a sentence that says what to fix.
    pub problems: Vec<String>,
}

/// The signing rule as the document states it (`x-signing`).
#[derive(Debug, Deserialize)]
struct Rule {
    test_key: String,
    #[serde(rename = "HMACSHA256")]
    hmac: Mode,
    #[serde(rename = "MD5")]
    md5: Mode,
}

#[derive(Debug, Deserialize)]
struct Mode {
    /// The parts of the message, in order.
    message: Vec<String>,
    /// The fields the mode leaves unsigned.
    #[serde(default)]
    unsigned: Vec<String>,
}

impl Rule {
    fn mode(&self, mode: &str) -> &Mode {
        if mode == "MD5" {
            &self.md5
        } else {
            &self.hmac
        }
    }
}

fn rule(union: &document::Value) -> Result<Rule, String> {
    let signing = union
        .get("x-signing")
        .ok_or(format!("schema {UNION} has no `x-signing`"))?;
    serde_yaml::from_value(signing.clone()).map_err(|e| format!("{UNION}'s x-signing: {e}"))
}

/// The mode a signature's length implies: 32 hex digits for MD5, 64 for
/// HMAC-SHA256.
fn mode_of(sign: &str) -> Option<&'static str> {
    match sign.len() {
        32 => Some("MD5"),
        64 => Some("HMACSHA256"),
        _ => None,
    }
}

/// `value`'s signature in `mode`, lowercase hex.
fn sign(rule: &Rule, mode: &str, value: &Value) -> String {
    let mut message = Vec::new();
    for part in &rule.mode(mode).message {
        if part == "key" && mode == "MD5" {
            message.extend_from_slice(rule.test_key.as_bytes());
            continue;
        }
        match value.get(part) {
            Some(Value::String(s)) => message.extend_from_slice(s.as_bytes()),
            Some(Value::Number(n)) => message.extend_from_slice(n.to_string().as_bytes()),
            Some(other) => message.extend_from_slice(other.to_string().as_bytes()),
            None => {}
        }
    }
    match mode {
        "MD5" => hex::encode(Md5::digest(&message)),
        _ => {
            let mut mac = Hmac::<Sha256>::new_from_slice(rule.test_key.as_bytes())
                .expect("HMAC takes a key of any length");
            mac.update(&message);
            hex::encode(mac.finalize().into_bytes())
        }
    }
}

/// Checks the union's discriminator, the signing rule's coverage of the
/// fields, and every notification example's signature.
pub fn check(doc: &Document, examples: &[Example]) -> Outcome {
    let mut out = Outcome::default();
    let Some(union) = doc.schema(UNION) else {
        out.problems.push(format!(
            "the document has no {UNION} schema: the notifications are part of the contract"
        ));
        return out;
    };
    let rule = match rule(union) {
        Ok(r) => r,
        Err(e) => {
            out.problems.push(e);
            return out;
        }
    };

    // The discriminator maps each event to a variant whose `event_type`
    // allows exactly that event, and names every variant of `oneOf`.
    let mapping: BTreeMap<String, String> =
        entries(union.get("discriminator").and_then(|d| d.get("mapping")))
            .filter_map(|(k, v)| Some((k.to_owned(), v.as_str()?.to_owned())))
            .collect();
    let one_of: BTreeSet<String> = seq(union.get("oneOf"))
        .filter_map(|s| str_of(s, "$ref").map(str::to_owned))
        .collect();
    let mapped: BTreeSet<String> = mapping.values().cloned().collect();
    if mapped != one_of {
        out.problems.push(format!(
            "{UNION}: discriminator.mapping names {mapped:?} but oneOf lists {one_of:?}"
        ));
    }
    let mut variants = BTreeMap::new(); // schema name -> event
    let mut fields = BTreeSet::new();
    for (event, reference) in &mapping {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or(reference);
        let Some(schema) = doc.schema(name) else {
            out.problems.push(format!(
                "{UNION}: discriminator maps {event} to {reference}, which does not exist"
            ));
            continue;
        };
        let allowed =
            document::pointer(schema, "/properties/event_type/enum").map(document::to_json);
        if allowed != Some(serde_json::json!([event])) {
            out.problems.push(format!(
                "{name}: `event_type` must allow exactly [{event}] (its discriminator value), it allows {}",
                allowed.map_or("anything".to_owned(), |a| a.to_string())
            ));
        }
        fields.extend(entries(schema.get("properties")).map(|(k, _)| k.to_owned()));
        variants.insert(name.to_owned(), event.clone());
    }

    // Every field is either signed or listed as unsigned, not both.
    let signed: BTreeSet<String> = rule.hmac.message.iter().cloned().collect();
    let unsigned: BTreeSet<String> = rule.hmac.unsigned.iter().cloned().collect();
    for both in signed.intersection(&unsigned) {
        out.problems.push(format!(
            "{UNION}'s x-signing lists `{both}` as both signed and unsigned"
        ));
    }
    for f in &fields {
        if f != "auth_sign" && !signed.contains(f) && !unsigned.contains(f) {
            out.problems.push(format!(
                "field `{f}` of a notification is neither in x-signing.HMACSHA256.message nor in .unsigned: say whether it is signed"
            ));
        }
    }
    for f in signed.union(&unsigned) {
        if !fields.contains(f) {
            out.problems.push(format!(
                "{UNION}'s x-signing names `{f}`, which no notification schema has"
            ));
        }
    }

    // Every example of a notification is signed with the test key, and
    // every event has one.
    let mut by_mode: BTreeMap<&str, usize> = BTreeMap::new();
    let mut covered = BTreeSet::new();
    let mut verified = 0;
    for ex in examples {
        let Some(schema) = ex.component() else {
            continue;
        };
        if schema != UNION && !variants.contains_key(schema) {
            continue;
        }
        let event = ex
            .value
            .get("event_type")
            .and_then(Value::as_str)
            .unwrap_or("(no event_type)");
        match (
            ex.value.get("auth_sign").and_then(Value::as_str),
            ex.value.get("auth_timestamp"),
        ) {
            (Some(given), Some(_)) => {
                let Some(mode) = mode_of(given) else {
                    out.problems.push(format!(
                        "{}: auth_sign has {} hex digits; an MD5 signature has 32, an HMACSHA256 one 64",
                        ex.pointer,
                        given.len()
                    ));
                    continue;
                };
                let expected = sign(&rule, mode, &ex.value);
                if expected == given {
                    verified += 1;
                    *by_mode.entry(mode).or_default() += 1;
                    covered.insert(event.to_owned());
                } else {
                    out.problems.push(format!(
                        "{}: auth_sign does not verify ({mode} with x-signing.test_key gives {expected}); re-sign the example",
                        ex.pointer
                    ));
                }
            }
            (None, None) => {} // a config without a key: unsigned is fine
            (Some(_), None) => out
                .problems
                .push(format!("{}: auth_sign without auth_timestamp", ex.pointer)),
            (None, Some(_)) => out
                .problems
                .push(format!("{}: auth_timestamp without auth_sign", ex.pointer)),
        }
    }
    let events: Vec<&String> = mapping.keys().collect();
    for event in &events {
        if !covered.contains(*event) {
            out.problems.push(format!(
                "no signed example of {event}: add one to the notification callback's examples"
            ));
        }
    }

    let modes = by_mode
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    out.lines.push(format!(
        "notifications: {verified} signed examples verify with x-signing.test_key ({modes}); {}/{} events have one",
        covered.len(),
        events.len()
    ));
    out.lines.push(format!(
        "notification signing: HMACSHA256 signs {} ({} fields unsigned), MD5 signs {}",
        rule.hmac.message.join(" + "),
        rule.hmac.unsigned.len(),
        rule.md5.message.join(" + ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Side;
    use serde_json::json;

    fn rule() -> Rule {
        super::rule(&serde_yaml::to_value(json!({"x-signing": {
            "test_key": "0123456789abcdef0123456789abcdef",
            "HMACSHA256": {
                "message": ["auth_timestamp", "event_type", "publish_domain", "app", "stream", "download_url", "play_url"],
                "unsigned": ["file_size"],
            },
            "MD5": {"message": ["key", "auth_timestamp"]},
        }})).unwrap())
        .expect("a valid rule")
    }

    fn body(event: &str) -> Value {
        json!({
            "event_type": event, "auth_timestamp": 1583676745,
            "publish_domain": "push.example.com", "app": "live", "stream": "mystream",
        })
    }

    /// The reference's three vectors.
    #[test]
    fn reference_vectors() {
        let r = rule();
        let mut complete = body("RECORD_FILE_COMPLETE");
        complete["download_url"] = json!("https://obs.cn-north-4.myhuaweicloud.com/live/a.m3u8");
        assert_eq!(
            sign(&r, "HMACSHA256", &complete),
            "00e33eb3d95f075b8379822d619b7a3f6378604f156a9695332013f1969d7463"
        );
        assert_eq!(
            sign(&r, "HMACSHA256", &body("RECORD_OVER")),
            "e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9"
        );
        assert_eq!(
            sign(&r, "MD5", &body("RECORD_OVER")),
            "fbea60f41db857bbdee04a5127b742fa"
        );
    }

    fn document(example: Value) -> (Document, Vec<Example>) {
        let r = json!({"$ref": "#/components/schemas/RecordOverNotification"});
        let doc = json!({"components": {"schemas": {
            "RecordNotification": {
                "oneOf": [r],
                "discriminator": {"propertyName": "event_type", "mapping": {"RECORD_OVER": r["$ref"]}},
                "x-signing": {
                    "test_key": "0123456789abcdef0123456789abcdef",
                    "HMACSHA256": {
                        "message": ["auth_timestamp", "event_type", "publish_domain", "app", "stream"],
                        "unsigned": [],
                    },
                    "MD5": {"message": ["key", "auth_timestamp"]},
                },
            },
            "RecordOverNotification": {"type": "object", "properties": {
                "event_type": {"type": "string", "enum": ["RECORD_OVER"]},
                "auth_timestamp": {}, "auth_sign": {}, "publish_domain": {}, "app": {}, "stream": {},
            }},
        }}});
        let examples = vec![Example {
            pointer: "/x".into(),
            value: example,
            schema: document::reference("#/components/schemas/RecordNotification"),
            side: Side::Request,
        }];
        let root = serde_yaml::to_value(doc).unwrap();
        (Document { root }, examples)
    }

    #[test]
    fn a_correctly_signed_example_passes_and_a_tampered_one_fails() {
        let mut good = body("RECORD_OVER");
        good["auth_sign"] =
            json!("e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9");
        let (doc, examples) = document(good.clone());
        let out = check(&doc, &examples);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert!(out.lines[0].starts_with("notifications: 1 signed examples verify"));

        let mut tampered = good;
        tampered["stream"] = json!("other");
        let (doc, examples) = document(tampered);
        let out = check(&doc, &examples);
        assert_eq!(out.problems.len(), 2, "{:?}", out.problems); // mismatch, and no signed example left
        assert!(out.problems[0].contains("does not verify"));
    }

    #[test]
    fn fields_must_be_classified() {
        let mut good = body("RECORD_OVER");
        good["auth_sign"] = json!("fbea60f41db857bbdee04a5127b742fa");
        let (mut doc, examples) = document(good);
        doc.root["components"]["schemas"]["RecordOverNotification"]["properties"]["file_size"] =
            serde_yaml::to_value(json!({})).unwrap();
        let out = check(&doc, &examples);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(out.problems[0].contains("`file_size`"));
    }
}
