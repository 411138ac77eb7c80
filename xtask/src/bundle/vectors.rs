//! The notification signature vectors (`openapi/published/notification-vectors.json`):
//! cases a verifier in any language runs, each a body as bytes, the
//! receiver's keys, sign type and clock, and the verdict expected.
//!
//! The signatures are computed here from the document's `x-signing` (its
//! message lists, separator and key handling), not by the client crate:
//! the crate's verifier and every one in `verifiers/` are then tested
//! against this file, so a change to `x-signing` that one of them does not
//! follow fails its tests once the vectors are regenerated. The bodies are
//! the document's own examples of each event, re-signed per case.

use anyhow::{bail, ensure, Context, Result};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::document::{entries, to_json, Document};

/// Where the vectors are published.
pub const PATH: &str = "openapi/published/notification-vectors.json";

/// The settings of the receiver every case runs under; the client crate's
/// defaults (`TIMESTAMP_WINDOW`, `TIMESTAMP_FUTURE_BOUND`, `MAX_BODY`) and
/// every verifier's are held to them by their tests.
const WINDOW: i64 = 300;
const FUTURE_BOUND: i64 = 1200;
const MAX_BODY: usize = 64 * 1024;

/// A key published for testing only (the document's `x-signing.test_key`
/// is the first one; this is the second, for rotation and wrong-key cases).
const OTHER_KEY: &str = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";

/// `x-signing`, the parts this file interprets.
#[derive(Deserialize)]
struct Signing {
    separator: String,
    absent_field: String,
    number: String,
    encoding: String,
    test_key: String,
    #[serde(rename = "HMACSHA256")]
    hmac: Mode,
    #[serde(rename = "MD5")]
    md5: Mode,
}

#[derive(Deserialize)]
struct Mode {
    algorithm: String,
    message: Vec<String>,
}

/// The wordings of `x-signing` this generator knows how to apply; a change
/// to one of them is a change to the rule, which this file must learn.
const ABSENT_FIELD: &str = "an empty string";
const NUMBER: &str = "its decimal digits";
const ENCODING: &str = "hexadecimal, either case";
const HMAC_ALGORITHM: &str = "HMAC-SHA256 keyed with the config's key";
const MD5_ALGORITHM: &str = "MD5";

#[derive(Clone, Copy, PartialEq)]
enum SignType {
    Hmac,
    Md5,
}

impl SignType {
    fn name(self) -> &'static str {
        match self {
            Self::Hmac => "HMACSHA256",
            Self::Md5 => "MD5",
        }
    }
}

struct Rule {
    signing: Signing,
}

impl Rule {
    fn load(doc: &Document) -> Result<Rule> {
        let raw = doc
            .pointer("#/components/schemas/RecordNotification/x-signing")
            .context("the document has no RecordNotification.x-signing")?;
        let signing: Signing =
            serde_yaml::from_value(raw.clone()).context("RecordNotification's x-signing")?;
        let known = [
            ("absent_field", &signing.absent_field, ABSENT_FIELD),
            ("number", &signing.number, NUMBER),
            ("encoding", &signing.encoding, ENCODING),
            (
                "HMACSHA256.algorithm",
                &signing.hmac.algorithm,
                HMAC_ALGORITHM,
            ),
            ("MD5.algorithm", &signing.md5.algorithm, MD5_ALGORITHM),
        ];
        for (field, said, applied) in known {
            ensure!(
                said == applied,
                "x-signing.{field} says `{said}`; the vectors generator (xtask/src/bundle/vectors.rs) \
                 applies `{applied}`: teach it the new rule"
            );
        }
        Ok(Rule { signing })
    }

    /// The exact message `sign_type` signs for `body` at `ts` with `key`,
    /// part by part as `x-signing` lists them: `key` is the key, a number
    /// its decimal digits, an absent field empty.
    fn message(
        &self,
        sign_type: SignType,
        body: &Map<String, Value>,
        key: &str,
        ts: i64,
    ) -> Result<String> {
        let mode = match sign_type {
            SignType::Hmac => &self.signing.hmac,
            SignType::Md5 => &self.signing.md5,
        };
        let parts = mode.message.iter().map(|part| match part.as_str() {
            "key" => Ok(key.to_owned()),
            "auth_timestamp" => Ok(ts.to_string()),
            field => match body.get(field) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Number(n)) => Ok(n.to_string()),
                Some(other) => {
                    bail!("signed field `{field}` holds {other}, not a string or number")
                }
            },
        });
        Ok(parts
            .collect::<Result<Vec<_>>>()?
            .join(&self.signing.separator))
    }

    /// The signature, in lowercase hex.
    fn sign(
        &self,
        sign_type: SignType,
        body: &Map<String, Value>,
        key: &str,
        ts: i64,
    ) -> Result<String> {
        let message = self.message(sign_type, body, key, ts)?;
        Ok(match sign_type {
            SignType::Hmac => {
                let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
                    .expect("HMAC takes a key of any length");
                mac.update(message.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
            SignType::Md5 => hex::encode(Md5::digest(message.as_bytes())),
        })
    }
}

/// The document's example of each event, unsigned, by `event_type`, in
/// the discriminator's order.
fn event_bodies(doc: &Document) -> Result<Vec<(String, Map<String, Value>)>> {
    let mapping = doc
        .pointer("#/components/schemas/RecordNotification/discriminator/mapping")
        .context("RecordNotification has no discriminator mapping")?;
    let mut out = Vec::new();
    for (event, reference) in entries(Some(mapping)) {
        let reference = reference
            .as_str()
            .context("a mapping value is not a $ref")?;
        let example = doc
            .pointer(&format!("{reference}/example"))
            .and_then(|e| to_json(e).as_object().cloned())
            .with_context(|| format!("{reference} has no example object"))?;
        let mut body = example;
        body.remove("auth_timestamp");
        body.remove("auth_sign");
        out.push((event.to_owned(), body));
    }
    ensure!(!out.is_empty(), "the discriminator maps no event");
    Ok(out)
}

/// What a case expects.
enum Verdict {
    /// Verified; `dedupe` is the key of a known event (`None` for an
    /// unlisted one).
    Valid { dedupe: Option<Value> },
    /// Refused, with the reason's name.
    Invalid(&'static str),
}

struct Case {
    name: String,
    description: String,
    sign_type: SignType,
    keys: Vec<String>,
    now: i64,
    body: String,
    /// The message that was signed, when one was (before any tampering).
    message: Option<String>,
    expected: Verdict,
}

impl Case {
    fn to_json(&self) -> Value {
        let (valid, reason, dedupe) = match &self.expected {
            Verdict::Valid { dedupe } => (true, Value::Null, dedupe.clone().unwrap_or(Value::Null)),
            Verdict::Invalid(r) => (false, json!(r), Value::Null),
        };
        let mut case = json!({
            "name": self.name,
            "description": self.description,
            "sign_type": self.sign_type.name(),
            "keys": self.keys,
            "now": self.now,
            "body": self.body,
        });
        if let Some(m) = &self.message {
            case["signed_message"] = json!(m);
        }
        case["expected"] = json!({"valid": valid, "reason": reason, "dedupe_key": dedupe});
        case
    }
}

/// The signing time of every case.
const TS: i64 = 1583676745;

/// Builds the cases.
struct Cases<'r> {
    rule: &'r Rule,
    key: String,
    events: Vec<(String, Map<String, Value>)>,
    out: Vec<Case>,
}

/// A case in the making: a body, how it is signed, and the receiver.
struct Draft {
    body: Map<String, Value>,
    sign_type: SignType,
    /// The key the sender signs with (`None`: not signed).
    signer: Option<String>,
    ts: i64,
    keys: Vec<String>,
    now: i64,
}

fn dedupe_key(event: &str, body: &Map<String, Value>) -> Value {
    let text = |f: &str| {
        body.get(f)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let file = match event {
        "RECORD_FILE_COMPLETE" => text("download_url"),
        "RECORD_NEW_FILE_START" => text("job_id"),
        _ => String::new(),
    };
    json!({"task_id": text("task_id"), "event_type": event, "file": file})
}

impl Cases<'_> {
    fn event(&self, event: &str) -> Map<String, Value> {
        self.events
            .iter()
            .find(|(e, _)| e == event)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| self.events[0].1.clone())
    }

    fn draft(&self, event: &str, sign_type: SignType) -> Draft {
        Draft {
            body: self.event(event),
            sign_type,
            signer: Some(self.key.clone()),
            ts: TS,
            keys: vec![self.key.clone()],
            now: TS + 10,
        }
    }

    /// Signs `d`, lets `tamper` change the signed body, serializes it, and
    /// records the case.
    fn push(
        &mut self,
        name: &str,
        description: &str,
        d: Draft,
        tamper: impl FnOnce(&mut Map<String, Value>),
        expected: Verdict,
    ) -> Result<()> {
        let mut body = d.body;
        let mut message = None;
        if let Some(signer) = &d.signer {
            message = Some(self.rule.message(d.sign_type, &body, signer, d.ts)?);
            let sign = self.rule.sign(d.sign_type, &body, signer, d.ts)?;
            body.insert("auth_timestamp".into(), json!(d.ts));
            body.insert("auth_sign".into(), json!(sign));
        }
        tamper(&mut body);
        let event = body
            .get("event_type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let expected = match expected {
            Verdict::Valid { dedupe: Some(_) } => Verdict::Valid {
                dedupe: Some(dedupe_key(event, &body)),
            },
            other => other,
        };
        self.out.push(Case {
            name: name.to_owned(),
            description: description.to_owned(),
            sign_type: d.sign_type,
            keys: d.keys,
            now: d.now,
            body: Value::Object(body).to_string(),
            message,
            expected,
        });
        Ok(())
    }

    fn raw(&mut self, name: &str, description: &str, body: &str, reason: &'static str) {
        self.out.push(Case {
            name: name.to_owned(),
            description: description.to_owned(),
            sign_type: SignType::Hmac,
            keys: vec![self.key.clone()],
            now: TS + 10,
            body: body.to_owned(),
            message: None,
            expected: Verdict::Invalid(reason),
        });
    }
}

fn set(field: &str, value: Value) -> impl FnOnce(&mut Map<String, Value>) + '_ {
    move |b| {
        b.insert(field.to_owned(), value);
    }
}

fn sign_with(f: impl Fn(&str) -> String) -> impl FnOnce(&mut Map<String, Value>) {
    move |b| {
        let sign = b.get("auth_sign").and_then(Value::as_str).map(&f);
        if let Some(s) = sign {
            b.insert("auth_sign".into(), json!(s));
        }
    }
}

fn keep(_: &mut Map<String, Value>) {}

const KNOWN: Verdict = Verdict::Valid {
    dedupe: Some(Value::Null),
};

fn all_cases(rule: &Rule, doc: &Document) -> Result<Vec<Case>> {
    let mut c = Cases {
        rule,
        key: rule.signing.test_key.clone(),
        events: event_bodies(doc)?,
        out: Vec::new(),
    };
    let (hmac, md5) = (SignType::Hmac, SignType::Md5);
    let events: Vec<String> = c.events.iter().map(|(e, _)| e.clone()).collect();
    for event in &events {
        for st in [hmac, md5] {
            let name = format!("{}_{}", st.name().to_lowercase(), event.to_lowercase());
            let d = c.draft(event, st);
            c.push(
                &name,
                &format!("{event} signed with {}, verified 10 s later", st.name()),
                d,
                keep,
                KNOWN,
            )?;
        }
    }
    let complete = "RECORD_FILE_COMPLETE";
    let over = "RECORD_OVER";

    // What the signed message is made of.
    let mut d = c.draft(complete, hmac);
    d.body.insert(
        "play_url".into(),
        json!("https://play.example.com/live/mystream.m3u8"),
    );
    c.push(
        "hmacsha256_play_url_present",
        "play_url, signed when the body carries it",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(over, hmac);
    d.body.insert("event_type".into(), json!("RECORD_PAUSED"));
    c.push("hmacsha256_unlisted_event_type", "an event_type the contract does not list, signed by the same rule: valid, no dedupe key (a receiver ignores it)", d, keep, Verdict::Valid { dedupe: None })?;
    let mut d = c.draft(over, hmac);
    d.body = Map::from_iter([("event_type".to_owned(), json!("RECORD_PAUSED"))]);
    c.push(
        "hmacsha256_unlisted_event_absent_fields",
        "an unlisted event with no publish_domain, app or stream: each signed as empty",
        d,
        keep,
        Verdict::Valid { dedupe: None },
    )?;
    let d = c.draft(over, hmac);
    c.push(
        "hmacsha256_unknown_field",
        "a field the contract does not list: ignored, not signed",
        d,
        set("new_field", json!("new")),
        KNOWN,
    )?;

    // Hex in either case.
    let d = c.draft(complete, hmac);
    c.push(
        "hmacsha256_uppercase_hex",
        "auth_sign in upper-case hex",
        d,
        sign_with(|s| s.to_uppercase()),
        KNOWN,
    )?;
    let mixed = |s: &str| {
        s.chars()
            .enumerate()
            .map(|(i, ch)| {
                if i % 2 == 0 {
                    ch.to_ascii_uppercase()
                } else {
                    ch
                }
            })
            .collect::<String>()
    };
    let d = c.draft(complete, hmac);
    c.push(
        "hmacsha256_mixed_case_hex",
        "auth_sign in mixed-case hex",
        d,
        sign_with(mixed),
        KNOWN,
    )?;
    let d = c.draft(over, md5);
    c.push(
        "md5_uppercase_hex",
        "an MD5 auth_sign in upper-case hex",
        d,
        sign_with(|s| s.to_uppercase()),
        KNOWN,
    )?;

    // The clock.
    let mut d = c.draft(complete, hmac);
    d.ts = TS + 600;
    d.now = TS;
    c.push(
        "timestamp_as_expiry_ten_minutes_ahead",
        "auth_timestamp read as the expiry time, 600 s ahead of the clock",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, md5);
    d.ts = TS + 600;
    d.now = TS;
    c.push(
        "md5_timestamp_as_expiry_ten_minutes_ahead",
        "the same with MD5",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, hmac);
    d.now = TS + WINDOW;
    c.push(
        "timestamp_at_window",
        "the clock exactly the window past auth_timestamp",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, hmac);
    d.now = TS + WINDOW + 1;
    c.push(
        "stale",
        "the clock one second more than the window past auth_timestamp",
        d,
        keep,
        Verdict::Invalid("stale"),
    )?;
    let mut d = c.draft(over, md5);
    d.now = TS + 86_400;
    c.push(
        "md5_stale_by_a_day",
        "an MD5 notification a day old (a replay)",
        d,
        keep,
        Verdict::Invalid("stale"),
    )?;
    let mut d = c.draft(complete, hmac);
    d.now = TS - FUTURE_BOUND;
    c.push(
        "timestamp_at_future_bound",
        "auth_timestamp exactly the future bound ahead",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, hmac);
    d.now = TS - FUTURE_BOUND - 1;
    c.push(
        "too_far_in_the_future",
        "auth_timestamp one second more than the future bound ahead",
        d,
        keep,
        Verdict::Invalid("future"),
    )?;

    // Keys.
    let mut d = c.draft(complete, hmac);
    d.signer = Some(OTHER_KEY.to_owned());
    c.push(
        "hmacsha256_wrong_key",
        "signed with a key the receiver does not have",
        d,
        keep,
        Verdict::Invalid("mismatch"),
    )?;
    let mut d = c.draft(over, md5);
    d.signer = Some(OTHER_KEY.to_owned());
    c.push(
        "md5_wrong_key",
        "MD5, signed with a key the receiver does not have",
        d,
        keep,
        Verdict::Invalid("mismatch"),
    )?;
    let mut d = c.draft(complete, hmac);
    d.keys = vec![OTHER_KEY.to_owned(), c.key.clone()];
    c.push(
        "key_rotation_old_key",
        "the receiver holds the new and the old key; signed with the old one",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, hmac);
    d.keys = vec![c.key.clone(), OTHER_KEY.to_owned()];
    d.signer = Some(OTHER_KEY.to_owned());
    c.push(
        "key_rotation_new_key",
        "the receiver holds the old and the new key; signed with the new one",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, md5);
    d.keys = vec![OTHER_KEY.to_owned(), c.key.clone()];
    c.push(
        "md5_key_rotation_old_key",
        "MD5: two keys, signed with the second",
        d,
        keep,
        KNOWN,
    )?;
    let mut d = c.draft(complete, hmac);
    d.keys = vec![OTHER_KEY.to_owned(), OTHER_KEY.to_lowercase()];
    c.push(
        "key_rotation_neither_key",
        "two keys, signed with a third",
        d,
        keep,
        Verdict::Invalid("mismatch"),
    )?;

    // What the signature covers.
    let d = c.draft(complete, hmac);
    c.push(
        "hmacsha256_signed_field_changed",
        "stream changed after signing",
        d,
        set("stream", json!("other")),
        Verdict::Invalid("mismatch"),
    )?;
    let d = c.draft(complete, hmac);
    c.push(
        "hmacsha256_timestamp_changed",
        "auth_timestamp changed after signing",
        d,
        set("auth_timestamp", json!(TS + 1)),
        Verdict::Invalid("mismatch"),
    )?;
    let d = c.draft(complete, hmac);
    c.push(
        "hmacsha256_unsigned_field_changed",
        "file_size changed after signing: not signed, so still valid",
        d,
        set("file_size", json!(1)),
        KNOWN,
    )?;
    let d = c.draft(complete, md5);
    c.push(
        "md5_body_changed",
        "MD5 signs no field of the body: stream changed after signing is still valid",
        d,
        set("stream", json!("other")),
        KNOWN,
    )?;

    // The signature's form.
    let d = c.draft(complete, hmac);
    c.push(
        "truncated_signature",
        "auth_sign one hex digit short: not a signature of either kind, so not a notification",
        d,
        sign_with(|s| s[..s.len() - 1].to_owned()),
        Verdict::Invalid("invalid"),
    )?;
    let d = c.draft(complete, hmac);
    c.push(
        "non_hex_signature",
        "auth_sign of 64 characters, one not a hex digit",
        d,
        sign_with(|s| format!("{}g", &s[..s.len() - 1])),
        Verdict::Invalid("invalid"),
    )?;
    let d = c.draft(complete, hmac);
    c.push(
        "md5_length_signature_for_hmacsha256",
        "a 32-digit auth_sign where the receiver expects HMACSHA256",
        d,
        sign_with(|s| s[..32].to_owned()),
        Verdict::Invalid("malformed_signature"),
    )?;
    let d = c.draft(complete, md5);
    c.push(
        "hmacsha256_length_signature_for_md5",
        "a 64-digit auth_sign where the receiver expects MD5",
        d,
        sign_with(|s| s.repeat(2)),
        Verdict::Invalid("malformed_signature"),
    )?;
    let mut d = c.draft(complete, hmac);
    d.signer = None;
    c.push(
        "unsigned_notification",
        "no auth_timestamp or auth_sign (a config without a key) at a receiver that has one",
        d,
        keep,
        Verdict::Invalid("missing_signature"),
    )?;
    let mut d = c.draft(complete, hmac);
    d.signer = None;
    d.keys = Vec::new();
    c.push(
        "unsigned_notification_no_key",
        "no auth_timestamp or auth_sign, and the receiver has no key: read, nothing to verify",
        d,
        keep,
        KNOWN,
    )?;
    let d = c.draft(complete, hmac);
    c.push(
        "missing_timestamp",
        "auth_sign without auth_timestamp",
        d,
        |b| {
            b.remove("auth_timestamp");
        },
        Verdict::Invalid("missing_timestamp"),
    )?;
    let d = c.draft(complete, hmac);
    c.push(
        "timestamp_as_string",
        "auth_timestamp as a string of digits, not an integer",
        d,
        set("auth_timestamp", json!(TS.to_string())),
        Verdict::Invalid("invalid"),
    )?;

    // Bodies that are not notifications.
    c.raw(
        "body_not_json",
        "a body that is not JSON",
        "event_type=RECORD_OVER",
        "invalid",
    );
    c.raw(
        "body_json_array",
        "JSON, but an array",
        "[{\"event_type\":\"RECORD_OVER\"}]",
        "invalid",
    );
    c.raw(
        "body_without_event_type",
        "an object without event_type",
        "{\"stream\":\"mystream\"}",
        "invalid",
    );

    // The size limit: a known event padded with a field the contract does
    // not list, to exactly the limit and one byte past it.
    for (name, description, size, verdict) in [
        (
            "body_at_size_limit",
            "a signed body of exactly the size limit",
            MAX_BODY,
            KNOWN,
        ),
        (
            "body_over_size_limit",
            "a signed body one byte over the size limit",
            MAX_BODY + 1,
            Verdict::Invalid("too_large"),
        ),
    ] {
        let d = c.draft(over, hmac);
        let mut probe = d.body.clone();
        probe.insert("padding".into(), json!(""));
        probe.insert("auth_timestamp".into(), json!(TS));
        probe.insert("auth_sign".into(), json!("0".repeat(64)));
        let fill = size - Value::Object(probe).to_string().len();
        c.push(
            name,
            description,
            d,
            set("padding", json!("x".repeat(fill))),
            verdict,
        )?;
        let len = c.out.last().map(|c| c.body.len());
        ensure!(
            len == Some(size),
            "{name}: the body has {len:?} bytes, not {size}"
        );
    }
    Ok(c.out)
}

/// The vectors file, generated from the document.
pub fn rendition(doc: &Document, generated_by: &str) -> Result<String> {
    let rule = Rule::load(doc)?;
    let cases = all_cases(&rule, doc)?;
    let mut names = std::collections::BTreeSet::new();
    for case in &cases {
        ensure!(
            names.insert(&case.name),
            "two vectors are named {}",
            case.name
        );
    }
    let file = json!({
        "x-generated-by": generated_by,
        "description": "Signature vectors for the notifications of openapi/live-record-callbacks.yaml: each case is a body (its exact bytes, UTF-8), the receiver's sign_type and keys (none: the config has no key, nothing is verified), its clock (`now`, Unix seconds) and the verdict expected: valid, or refused with a reason named as the Rust crate's notify errors in snake_case, and for a valid known event its dedupe key. The signatures follow the document's x-signing; every case runs under `receiver`.",
        "receiver": {"window": WINDOW, "future_bound": FUTURE_BOUND, "max_body": MAX_BODY},
        "reasons": {
            "too_large": "the body is over max_body (HTTP 400)",
            "invalid": "the body is not a notification: not JSON, not an object, no event_type, or a field of the wrong form (HTTP 400)",
            "missing_signature": "the receiver has a key but the body has no auth_sign (HTTP 401)",
            "missing_timestamp": "auth_sign without auth_timestamp (HTTP 401)",
            "malformed_signature": "auth_sign is not as long as a signature of the receiver's sign_type (HTTP 401)",
            "mismatch": "no key of the receiver produces auth_sign (HTTP 401)",
            "stale": "the clock is past auth_timestamp by more than window (HTTP 401)",
            "future": "auth_timestamp is ahead of the clock by more than future_bound (HTTP 401)"
        },
        "cases": cases.iter().map(Case::to_json).collect::<Vec<_>>(),
    });
    crate::bundle::json(&file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's vectors, computed by Huawei's formula, pin how this
    /// file reads `x-signing`.
    #[test]
    fn the_rule_gives_the_reference_signatures() {
        let rule = Rule::load(&Document::load().unwrap()).unwrap();
        let key = &rule.signing.test_key;
        let body = |extra: &[(&str, &str)]| {
            let mut b: Map<String, Value> = [
                ("publish_domain", "push.example.com"),
                ("app", "live"),
                ("stream", "mystream"),
            ]
            .iter()
            .chain(extra)
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
            b.insert("file_size".into(), json!(1));
            b
        };
        let complete = body(&[
            ("event_type", "RECORD_FILE_COMPLETE"),
            (
                "download_url",
                "https://obs.cn-north-4.myhuaweicloud.com/live/a.m3u8",
            ),
        ]);
        let over = body(&[("event_type", "RECORD_OVER")]);
        let sign = |st, b| rule.sign(st, b, key, TS).unwrap();
        assert_eq!(
            sign(SignType::Hmac, &complete),
            "00e33eb3d95f075b8379822d619b7a3f6378604f156a9695332013f1969d7463"
        );
        assert_eq!(
            sign(SignType::Hmac, &over),
            "e567d01982321442ca8c669516f17c8701be47cc776a48d44a644e70400778d9"
        );
        assert_eq!(
            sign(SignType::Md5, &over),
            "fbea60f41db857bbdee04a5127b742fa"
        );
        assert_eq!(
            rule.message(SignType::Hmac, &over, key, TS).unwrap(),
            "1583676745RECORD_OVERpush.example.comlivemystream"
        );
    }

    /// Moving one signed field in `x-signing` changes the HMACSHA256
    /// signatures of the file (so `check` finds it stale) and no MD5 one.
    #[test]
    fn moving_a_signed_field_changes_the_vectors() {
        let text = std::fs::read_to_string(crate::root().join(crate::SPEC)).unwrap();
        let order = "            - app\n            - stream\n";
        assert_eq!(
            text.matches(order).count(),
            1,
            "the message lists app, then stream"
        );
        let moved = text.replace(order, "            - stream\n            - app\n");
        let cases = |text: &str| -> Vec<Value> {
            let doc = Document::parse(text, "test").unwrap();
            let file: Value = serde_json::from_str(&rendition(&doc, "test").unwrap()).unwrap();
            file["cases"].as_array().unwrap().clone()
        };
        let (before, after) = (cases(&text), cases(&moved));
        let body = |c: &Value| {
            serde_json::from_str::<Value>(c["body"].as_str().unwrap()).unwrap_or(Value::Null)
        };
        let sign = |c: &Value| body(c).get("auth_sign").cloned();
        for (b, a) in before.iter().zip(&after) {
            // Two fields that are both empty sign the same either way round.
            let differ = body(b).get("app") != body(b).get("stream");
            let signed_valid = b["expected"]["valid"] == json!(true) && sign(b).is_some() && differ;
            match b["sign_type"].as_str() {
                Some("HMACSHA256") if signed_valid => assert_ne!(sign(b), sign(a), "{}", b["name"]),
                Some("MD5") => assert_eq!(sign(b), sign(a), "{}", b["name"]),
                _ => {}
            }
        }
    }

    #[test]
    fn a_wording_the_generator_does_not_know_is_refused() {
        let text = std::fs::read_to_string(crate::root().join(crate::SPEC)).unwrap();
        let changed = text.replace("absent_field: an empty string", "absent_field: left out");
        let err = Rule::load(&Document::parse(&changed, "test").unwrap())
            .err()
            .unwrap();
        assert!(err.to_string().contains("teach it the new rule"), "{err}");
    }
}
