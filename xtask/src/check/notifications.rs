//! The notifications hang together: the union's discriminator names every
//! variant, each variant's `event_type` allows exactly its event, every
//! field of a notification is either signed or listed as unsigned in
//! `x-signing`, and every event has an example.
//!
//! Whether the examples' signatures hold is a test of the client crate
//! (`tests/client/notify.rs`): its verifier checks each one with
//! `x-signing.test_key`, and its signed fields are held against
//! `x-signing`, with the reference's vectors pinning the algorithm.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::check::examples::Example;
use crate::check::Check;
use crate::document::{entries, pointer, seq, str_of, to_json, Document};

/// The component schema that unions the notification events.
const UNION: &str = "RecordNotification";

/// The signing rule as the document states it (`x-signing`).
#[derive(Deserialize)]
struct Rule {
    #[serde(rename = "HMACSHA256")]
    hmac: Mode,
    #[serde(rename = "MD5")]
    md5: Mode,
}

#[derive(Deserialize)]
struct Mode {
    /// The parts of the message, in order (`key` is the config's key).
    message: Vec<String>,
    /// The fields the mode leaves unsigned.
    #[serde(default)]
    unsigned: Vec<String>,
}

pub fn check(c: &mut Check, doc: &Document, examples: &[Example]) {
    let mut problem = |p: String| c.problem("notifications", p);
    let Some(union) = doc.schema(UNION) else {
        return problem(format!(
            "the document has no {UNION} schema: the notifications are part of the contract"
        ));
    };
    let signing = union.get("x-signing").cloned().unwrap_or_default();
    let rule: Rule = match serde_yaml::from_value(signing) {
        Ok(rule) => rule,
        Err(e) => return problem(format!("{UNION}'s x-signing: {e}")),
    };

    // The discriminator maps each event to a variant whose `event_type`
    // allows exactly that event, and names every variant of `oneOf`.
    let mapping: BTreeMap<&str, &str> = entries(pointer(union, "/discriminator/mapping"))
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        .collect();
    let one_of: BTreeSet<&str> = seq(union.get("oneOf"))
        .filter_map(|s| str_of(s, "$ref"))
        .collect();
    let mapped: BTreeSet<&str> = mapping.values().copied().collect();
    if mapped != one_of {
        problem(format!(
            "{UNION}: discriminator.mapping names {mapped:?} but oneOf lists {one_of:?}"
        ));
    }
    let mut variants = BTreeSet::from([UNION]);
    let mut fields = BTreeSet::new();
    for (event, reference) in &mapping {
        let name = reference.trim_start_matches("#/components/schemas/");
        let Some(schema) = doc.schema(name) else {
            problem(format!(
                "{UNION}: discriminator maps {event} to {reference}, which does not exist"
            ));
            continue;
        };
        let allowed = pointer(schema, "/properties/event_type/enum").map(to_json);
        if allowed != Some(serde_json::json!([event])) {
            let allowed = allowed.map_or("anything".to_owned(), |a| a.to_string());
            problem(format!("{name}: `event_type` must allow exactly [{event}] (its discriminator value), it allows {allowed}"));
        }
        fields.extend(entries(schema.get("properties")).map(|(k, _)| k));
        variants.insert(name);
    }

    // Every field is either signed or listed as unsigned, not both.
    let signed: BTreeSet<&str> = rule.hmac.message.iter().map(String::as_str).collect();
    let unsigned: BTreeSet<&str> = rule.hmac.unsigned.iter().map(String::as_str).collect();
    for both in signed.intersection(&unsigned) {
        problem(format!(
            "{UNION}'s x-signing lists `{both}` as both signed and unsigned"
        ));
    }
    let classified = |f: &&str| *f == "auth_sign" || signed.contains(f) || unsigned.contains(f);
    for f in fields.iter().filter(|f| !classified(f)) {
        problem(format!("field `{f}` of a notification is neither in x-signing.HMACSHA256.message nor in .unsigned: say whether it is signed"));
    }
    for f in signed.union(&unsigned).filter(|f| !fields.contains(*f)) {
        problem(format!(
            "{UNION}'s x-signing names `{f}`, which no notification schema has"
        ));
    }

    // Every event has an example.
    let covered: BTreeSet<&str> = examples
        .iter()
        .filter(|ex| ex.component().is_some_and(|c| variants.contains(c)))
        .filter_map(|ex| ex.value.get("event_type")?.as_str())
        .collect();
    for event in mapping.keys().filter(|e| !covered.contains(*e)) {
        problem(format!(
            "no example of {event}: add one to the notification callback's examples"
        ));
    }
    c.line(format!(
        "notifications: {} events, {} with an example (their signatures: tests/client/notify.rs)",
        mapping.len(),
        covered.len()
    ));
    let (hmac, md5) = (rule.hmac.message.join(" + "), rule.md5.message.join(" + "));
    let unsigned = rule.hmac.unsigned.len();
    c.line(format!("notification signing: HMACSHA256 signs {hmac} ({unsigned} fields unsigned), MD5 signs {md5}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{doc, reference, Side};
    use serde_json::json;

    /// A union of one event.
    const UNION_OF_ONE: &str = r#"
components:
  schemas:
    RecordNotification:
      oneOf: [{$ref: '#/components/schemas/RecordOverNotification'}]
      discriminator:
        propertyName: event_type
        mapping: {RECORD_OVER: '#/components/schemas/RecordOverNotification'}
      x-signing:
        HMACSHA256: {message: [auth_timestamp, event_type, stream], unsigned: []}
        MD5: {message: [key, auth_timestamp]}
    RecordOverNotification:
      type: object
      properties:
        event_type: {type: string, enum: [RECORD_OVER]}
        auth_timestamp: {}
        auth_sign: {}
        stream: {}
"#;

    #[test]
    fn the_union_must_hang_together() {
        // A change to the document, the event of its one example, the
        // problems expected.
        let cases = [
            (("", ""), "RECORD_OVER", vec![]),
            (
                ("stream: {}", "stream: {}\n        file_size: {}"),
                "RECORD_FAILED",
                vec!["`file_size`", "no example of RECORD_OVER"],
            ),
            (
                ("enum: [RECORD_OVER]", "enum: [RECORD_FAILED]"),
                "RECORD_OVER",
                vec!["must allow exactly [RECORD_OVER]"],
            ),
        ];
        for ((from, to), event, expected) in cases {
            let d = doc(&UNION_OF_ONE.replace(from, to));
            let example = Example {
                pointer: "/x".into(),
                value: json!({ "event_type": event }),
                schema: reference("#/components/schemas/RecordNotification"),
                side: Side::Request,
            };
            let mut c = Check::default();
            check(&mut c, &d, &[example]);
            assert_eq!(c.problems.len(), expected.len(), "{:?}", c.problems);
            for (found, expected) in c.problems.iter().zip(expected) {
                assert!(found.contains(expected), "{found}");
            }
            if from.is_empty() {
                assert!(c
                    .report
                    .starts_with("notifications: 1 events, 1 with an example"));
            }
        }
    }
}
