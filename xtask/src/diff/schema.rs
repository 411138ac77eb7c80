//! The schema rules of `cargo xtask diff`: one schema of the old document
//! against the same place in the new one, `$ref`s resolved on each side.
//!
//! Narrowed means fewer values allowed: breaking when the service reads
//! (requests it accepted are refused); widened is breaking when the client
//! reads (a value it validated against may now come).

use std::collections::BTreeSet;

use super::{show, Differ, Loc};
use crate::document::{entries, seq, str_of, to_json, Mapping, Value};

pub fn compare(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    compare_at(d, loc, old, new, &mut Vec::new());
}

fn compare_at(d: &mut Differ, loc: &Loc, old: &Value, new: &Value, seen: &mut Vec<[String; 2]>) {
    // A recursive schema is compared once along each path.
    let pair = [old, new].map(|s| str_of(s, "$ref").unwrap_or_default().to_owned());
    if !pair[0].is_empty() && seen.contains(&pair) || seen.len() > 32 {
        return;
    }
    seen.push(pair);
    let (o, n) = (d.old.merged(old), d.new.merged(new));
    types(d, loc, &o, &n);
    format(d, loc, &o, &n);
    enums(d, loc, &o, &n);
    constraints(d, loc, &o, &n);
    default(d, loc, &o, &n);
    properties(d, loc, &o, &n, seen);
    if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
        compare_at(d, &loc.child("[]"), oi, ni, seen);
    }
    let (oa, na) = (o.get("additionalProperties"), n.get("additionalProperties"));
    if let (Some(oa @ Value::Mapping(_)), Some(na @ Value::Mapping(_))) = (oa, na) {
        compare_at(d, &loc.child(".*"), oa, na, seen);
    }
    for key in ["oneOf", "anyOf"] {
        let (Some(ol), Some(nl)) = (o.get(key), n.get(key)) else {
            continue;
        };
        let (ol, nl): (Vec<_>, Vec<_>) = (seq(Some(ol)).collect(), seq(Some(nl)).collect());
        if ol.len() != nl.len() {
            let message = format!(
                "`{key}` went from {} to {} alternatives",
                ol.len(),
                nl.len()
            );
            d.push(loc, true, "type-changed", message);
        }
        for (i, (os, ns)) in ol.into_iter().zip(nl).enumerate() {
            compare_at(d, &loc.child(&format!("<{key}[{i}]>")), os, ns, seen);
        }
    }
    seen.pop();
}

/// The JSON types a schema admits, and whether `null` is one of them.
fn type_set(s: &Mapping) -> (BTreeSet<&str>, bool) {
    let mut types: BTreeSet<&str> = match s.get("type") {
        Some(Value::String(t)) => [t.as_str()].into(),
        ts => seq(ts).filter_map(Value::as_str).collect(),
    };
    let null = types.remove("null") || s.get("nullable").and_then(Value::as_bool) == Some(true);
    (types, null)
}

fn types(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let ((ot, on), (nt, nn)) = (type_set(o), type_set(n));
    let join = |t: &BTreeSet<&str>| t.iter().copied().collect::<Vec<_>>().join(" or ");
    if ot != nt && !ot.is_empty() && !nt.is_empty() {
        let message = format!("type changed from {} to {}", join(&ot), join(&nt));
        d.push(loc, true, "type-changed", message);
    } else if ot.is_empty() != nt.is_empty() {
        // Gaining a type narrows what is allowed; losing it widens.
        let narrowed = ot.is_empty();
        let message = match narrowed {
            true => format!("type set to {} (it was unconstrained)", join(&nt)),
            false => "type no longer constrained".to_owned(),
        };
        d.push(loc, narrowed == loc.to_service(), "type-changed", message);
    }
    if on != nn {
        // null accepted -> refused narrows; refused -> accepted widens.
        let message = if nn {
            "may now be null"
        } else {
            "may no longer be null"
        };
        d.push(
            loc,
            (on && !nn) == loc.to_service(),
            "nullable-changed",
            message,
        );
    }
}

fn format(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let (a, b) = (o.get("format"), n.get("format"));
    let (breaking, message) = match (a, b) {
        _ if a == b => return,
        (Some(_), Some(_)) => (
            true,
            format!("format changed from {} to {}", show(a), show(b)),
        ),
        (None, _) => (loc.to_service(), format!("format {} added", show(b))),
        (_, None) => (!loc.to_service(), format!("format {} removed", show(a))),
    };
    d.push(loc, breaking, "format-changed", message);
}

fn values(s: &Mapping, key: &str) -> Option<Vec<serde_json::Value>> {
    let list = s.get(key).and_then(Value::as_sequence)?;
    Some(list.iter().filter(|x| !x.is_null()).map(to_json).collect())
}

fn enums(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let to_service = loc.to_service();
    match (values(o, "enum"), values(n, "enum")) {
        (Some(ov), Some(nv)) => {
            for v in ov.iter().filter(|v| !nv.contains(v)) {
                let why = if to_service {
                    ": requests that send it are refused"
                } else {
                    ""
                };
                let message = format!("enum value {v} removed{why}");
                d.push(loc, to_service, "enum-value-removed", message);
            }
            for v in nv.iter().filter(|v| !ov.contains(v)) {
                let why = if to_service {
                    ""
                } else {
                    ": strict clients (generated enums) fail on it"
                };
                let message = format!("enum value {v} added{why}");
                d.push(loc, !to_service, "enum-value-added", message);
            }
        }
        (None, Some(nv)) => {
            let message = format!("now limited to {}", serde_json::Value::Array(nv));
            d.push(loc, to_service, "enum-added", message);
        }
        (Some(_), None) => {
            let why = if to_service {
                ""
            } else {
                ": clients with a generated enum break"
            };
            let message = format!("no longer limited to a list of values{why}");
            d.push(loc, !to_service, "enum-removed", message);
        }
        (None, None) => {}
    }
    // Known values of an open list: clients already accept others.
    let known = |s| values(s, "x-extensible-enum").unwrap_or_default();
    let (ov, nv) = (known(o), known(n));
    for v in ov.iter().filter(|v| !nv.contains(v)) {
        let message = format!("known value {v} removed (x-extensible-enum)");
        d.push(loc, to_service, "extensible-enum-value-removed", message);
    }
    for v in nv.iter().filter(|v| !ov.contains(v)) {
        let message = format!(
            "known value {v} added (x-extensible-enum: clients already accept unknown values)"
        );
        d.push(loc, false, "extensible-enum-value-added", message);
    }
}

fn constraints(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let mut report = |key: &str, narrowed: bool| {
        let (kind, word) = match narrowed {
            true => ("constraint-narrowed", "narrowed"),
            false => ("constraint-widened", "widened"),
        };
        let (a, b) = (o.get(key), n.get(key));
        let message = match (a, b) {
            (Some(_), Some(_)) => format!("{key} {word} from {} to {}", show(a), show(b)),
            (None, _) => format!("{key} {} added ({word})", show(b)),
            (_, None) => format!("{key} {} removed ({word})", show(a)),
        };
        d.push(loc, narrowed == loc.to_service(), kind, message);
    };
    // Lower bounds narrow as they rise, upper bounds as they fall.
    let bounds = [
        ("minLength", true),
        ("minimum", true),
        ("minItems", true),
        ("minProperties", true),
    ];
    let bounds = bounds
        .into_iter()
        .chain([("maxLength", false), ("maximum", false)]);
    for (key, lower) in bounds.chain([("maxItems", false), ("maxProperties", false)]) {
        match (
            o.get(key).and_then(Value::as_f64),
            n.get(key).and_then(Value::as_f64),
        ) {
            (Some(a), Some(b)) if a != b => report(key, (b > a) == lower),
            (None, Some(_)) => report(key, true),
            (Some(_), None) => report(key, false),
            _ => {}
        }
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
        let (a, b) = (
            o.get(key).and_then(Value::as_bool),
            n.get(key).and_then(Value::as_bool),
        );
        if (a == Some(true)) != (b == Some(true)) {
            report(key, b == Some(true));
        }
    }
    let (a, b) = (o.get("pattern"), n.get("pattern"));
    match (a, b) {
        _ if a == b => {}
        (None, _) => report("pattern", true),
        (_, None) => report("pattern", false),
        _ => {
            let message = format!("pattern changed from {} to {}: values valid before may be refused, and others may come", show(a), show(b));
            d.push(loc, true, "constraint-changed", message);
        }
    }
    let (a, b) = (o.get("multipleOf"), n.get("multipleOf"));
    if a != b {
        let message = format!("multipleOf changed from {} to {}", show(a), show(b));
        d.push(loc, true, "constraint-changed", message);
    }
}

fn default(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let (a, b) = (o.get("default"), n.get("default"));
    if a != b {
        let why = if loc.to_service() {
            ": requests that leave it out now behave differently"
        } else {
            ""
        };
        let message = format!("default changed from {} to {}{why}", show(a), show(b));
        d.push(loc, loc.to_service(), "default-changed", message);
    }
}

fn properties(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping, seen: &mut Vec<[String; 2]>) {
    let (op, np) = (o.get("properties"), n.get("properties"));
    let required = |s: &Mapping, name| seq(s.get("required")).any(|r| r.as_str() == Some(name));
    let to_service = loc.to_service();
    for (name, os) in entries(op) {
        let here = loc.child(&format!(".{name}"));
        let Some(ns) = np.and_then(|p| p.get(name)) else {
            let message = match to_service {
                true => "removed: requests that send it are refused or lose it",
                false => "removed: clients that read it break",
            };
            d.push(&here, true, "property-removed", message);
            continue;
        };
        match (required(o, name), required(n, name)) {
            (false, true) => d.push(&here, to_service, "property-required", "became required"),
            (true, false) => {
                let why = if to_service {
                    ""
                } else {
                    ": clients that rely on it break"
                };
                d.push(
                    &here,
                    !to_service,
                    "property-optional",
                    format!("became optional{why}"),
                );
            }
            _ => {}
        }
        compare_at(d, &here, os, ns, seen);
    }
    for (name, _) in entries(np).filter(|(k, _)| op.and_then(|p| p.get(k)).is_none()) {
        let req = required(n, name);
        let how = if req {
            "added as required"
        } else {
            "added as optional"
        };
        d.push(
            &loc.child(&format!(".{name}")),
            to_service && req,
            "property-added",
            how,
        );
    }
    // An object closed to other properties, or opened.
    let closed = |s: &Mapping| s.get("additionalProperties") == Some(&Value::Bool(false));
    if closed(o) != closed(n) && (o.contains_key("properties") || n.contains_key("properties")) {
        let (kind, message) = match closed(n) {
            true => (
                "constraint-narrowed",
                "additionalProperties: false added (other properties refused)",
            ),
            false => (
                "constraint-widened",
                "additionalProperties: false removed (other properties allowed)",
            ),
        };
        d.push(loc, closed(n) == to_service, kind, message);
    }
}
