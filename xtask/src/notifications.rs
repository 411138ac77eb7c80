//! The notifications hang together: the union's discriminator names every
//! variant, each variant's `event_type` allows exactly its event, every
//! field of a notification is either signed or listed as unsigned in
//! `x-signing`, and every event has an example.
//!
//! Whether the examples' signatures hold is a test of the client crate
//! (`tests/notify.rs`): its verifier checks each one with
//! `x-signing.test_key`, and its signed fields are held against
//! `x-signing`, with the reference's vectors pinning the algorithm.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

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
    #[serde(rename = "HMACSHA256")]
    hmac: Mode,
    #[serde(rename = "MD5")]
    md5: Mode,
}

#[derive(Debug, Deserialize)]
struct Mode {
    /// The parts of the message, in order (`key` is the config's key).
    message: Vec<String>,
    /// The fields the mode leaves unsigned.
    #[serde(default)]
    unsigned: Vec<String>,
}

pub fn check(doc: &Document, examples: &[Example]) -> Outcome {
    let mut out = Outcome::default();
    let problem = |out: &mut Outcome, p: String| out.problems.push(p);
    let Some(union) = doc.schema(UNION) else {
        let p = format!(
            "the document has no {UNION} schema: the notifications are part of the contract"
        );
        problem(&mut out, p);
        return out;
    };
    let signing = union.get("x-signing").cloned().unwrap_or_default();
    let rule: Rule = match serde_yaml::from_value(signing) {
        Ok(r) => r,
        Err(e) => {
            problem(&mut out, format!("{UNION}'s x-signing: {e}"));
            return out;
        }
    };

    // The discriminator maps each event to a variant whose `event_type`
    // allows exactly that event, and names every variant of `oneOf`.
    let mapping = entries(union.get("discriminator").and_then(|d| d.get("mapping")));
    let mapping: BTreeMap<&str, &str> = mapping
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        .collect();
    let one_of: BTreeSet<&str> = seq(union.get("oneOf"))
        .filter_map(|s| str_of(s, "$ref"))
        .collect();
    let mapped: BTreeSet<&str> = mapping.values().copied().collect();
    if mapped != one_of {
        problem(
            &mut out,
            format!("{UNION}: discriminator.mapping names {mapped:?} but oneOf lists {one_of:?}"),
        );
    }
    let mut variants = BTreeSet::from([UNION]);
    let mut fields = BTreeSet::new();
    for (event, reference) in &mapping {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or(reference);
        let Some(schema) = doc.schema(name) else {
            problem(
                &mut out,
                format!("{UNION}: discriminator maps {event} to {reference}, which does not exist"),
            );
            continue;
        };
        let allowed =
            document::pointer(schema, "/properties/event_type/enum").map(document::to_json);
        if allowed != Some(serde_json::json!([event])) {
            let allowed = allowed.map_or("anything".to_owned(), |a| a.to_string());
            problem(&mut out, format!("{name}: `event_type` must allow exactly [{event}] (its discriminator value), it allows {allowed}"));
        }
        fields.extend(entries(schema.get("properties")).map(|(k, _)| k));
        variants.insert(name);
    }

    // Every field is either signed or listed as unsigned, not both.
    let signed: BTreeSet<&str> = rule.hmac.message.iter().map(String::as_str).collect();
    let unsigned: BTreeSet<&str> = rule.hmac.unsigned.iter().map(String::as_str).collect();
    for both in signed.intersection(&unsigned) {
        problem(
            &mut out,
            format!("{UNION}'s x-signing lists `{both}` as both signed and unsigned"),
        );
    }
    for f in fields
        .iter()
        .filter(|f| **f != "auth_sign" && !signed.contains(*f) && !unsigned.contains(*f))
    {
        problem(&mut out, format!("field `{f}` of a notification is neither in x-signing.HMACSHA256.message nor in .unsigned: say whether it is signed"));
    }
    for f in signed.union(&unsigned).filter(|f| !fields.contains(*f)) {
        problem(
            &mut out,
            format!("{UNION}'s x-signing names `{f}`, which no notification schema has"),
        );
    }

    // Every event has an example.
    let notifications = examples
        .iter()
        .filter(|ex| ex.component().is_some_and(|c| variants.contains(c)));
    let covered: BTreeSet<&str> = notifications
        .filter_map(|ex| ex.value.get("event_type")?.as_str())
        .collect();
    for event in mapping.keys().filter(|e| !covered.contains(*e)) {
        problem(
            &mut out,
            format!("no example of {event}: add one to the notification callback's examples"),
        );
    }
    let events = mapping.len();
    out.lines.push(format!(
        "notifications: {events} events, {} with an example (their signatures: tests/notify.rs)",
        covered.len()
    ));
    let (hmac, md5) = (rule.hmac.message.join(" + "), rule.md5.message.join(" + "));
    let unsigned = rule.hmac.unsigned.len();
    out.lines.push(format!("notification signing: HMACSHA256 signs {hmac} ({unsigned} fields unsigned), MD5 signs {md5}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Side;
    use serde_json::json;

    /// A union of one event, with one example.
    fn document(example: serde_json::Value) -> (Document, Vec<Example>) {
        let r = json!({"$ref": "#/components/schemas/RecordOverNotification"});
        let doc = json!({"components": {"schemas": {
            "RecordNotification": {
                "oneOf": [r],
                "discriminator": {"propertyName": "event_type", "mapping": {"RECORD_OVER": r["$ref"]}},
                "x-signing": {
                    "HMACSHA256": {"message": ["auth_timestamp", "event_type", "stream"], "unsigned": []},
                    "MD5": {"message": ["key", "auth_timestamp"]},
                },
            },
            "RecordOverNotification": {"type": "object", "properties": {
                "event_type": {"type": "string", "enum": ["RECORD_OVER"]},
                "auth_timestamp": {}, "auth_sign": {}, "stream": {},
            }},
        }}});
        let examples = vec![Example {
            pointer: "/x".into(),
            value: example,
            schema: document::reference("#/components/schemas/RecordNotification"),
            side: Side::Request,
        }];
        (
            Document {
                root: serde_yaml::to_value(doc).unwrap(),
            },
            examples,
        )
    }

    #[test]
    fn a_consistent_union_passes() {
        let (doc, examples) = document(json!({"event_type": "RECORD_OVER"}));
        let out = check(&doc, &examples);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert!(out.lines[0].starts_with("notifications: 1 events, 1 with an example"));
    }

    #[test]
    fn fields_must_be_classified_and_events_shown() {
        let (mut doc, examples) = document(json!({"event_type": "RECORD_FAILED"}));
        let props = &mut doc.root["components"]["schemas"]["RecordOverNotification"]["properties"];
        props["file_size"] = serde_yaml::to_value(json!({})).unwrap();
        let out = check(&doc, &examples);
        assert_eq!(out.problems.len(), 2, "{:?}", out.problems);
        assert!(out.problems[0].contains("`file_size`"));
        assert!(out.problems[1].contains("no example of RECORD_OVER"));
    }

    #[test]
    fn the_discriminator_must_match_the_variants() {
        let (mut doc, examples) = document(json!({"event_type": "RECORD_OVER"}));
        let variant = &mut doc.root["components"]["schemas"]["RecordOverNotification"];
        variant["properties"]["event_type"]["enum"] =
            serde_yaml::to_value(json!(["RECORD_FAILED"])).unwrap();
        let out = check(&doc, &examples);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(out.problems[0].contains("must allow exactly [RECORD_OVER]"));
    }
}
