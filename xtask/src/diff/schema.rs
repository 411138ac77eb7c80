//! The schema rules of `cargo xtask diff`: one schema of the old document
//! against the same place in the new one, `$ref`s resolved on each side.

use std::collections::BTreeSet;

use super::{show, Differ, Loc};
use crate::document::{entries, seq, str_of, to_json, Mapping, Value};

/// Lower bounds: a higher value accepts less.
const LOWER: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];
/// Upper bounds: a lower value accepts less.
const UPPER: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];

pub fn compare(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    compare_at(d, loc, old, new, &mut Vec::new());
}

fn compare_at(
    d: &mut Differ,
    loc: &Loc,
    old: &Value,
    new: &Value,
    seen: &mut Vec<(String, String)>,
) {
    // A recursive schema is compared once along each path.
    let pair = (ref_of(old), ref_of(new));
    if !pair.0.is_empty() && seen.contains(&pair) || seen.len() > 32 {
        return;
    }
    seen.push(pair);
    let o = d.old.merged(old);
    let n = d.new.merged(new);
    types(d, loc, &o, &n);
    format(d, loc, &o, &n);
    enums(d, loc, &o, &n);
    constraints(d, loc, &o, &n);
    default(d, loc, &o, &n);
    properties(d, loc, &o, &n, seen);
    if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
        compare_at(d, &loc.child("[]"), oi, ni, seen);
    }
    if let (Some(oa), Some(na)) = (o.get("additionalProperties"), n.get("additionalProperties")) {
        if oa.is_mapping() && na.is_mapping() {
            compare_at(d, &loc.child(".*"), oa, na, seen);
        }
    }
    for key in ["oneOf", "anyOf"] {
        let (Some(ol), Some(nl)) = (
            o.get(key).and_then(Value::as_sequence),
            n.get(key).and_then(Value::as_sequence),
        ) else {
            continue;
        };
        if ol.len() != nl.len() {
            d.push(
                loc,
                true,
                "type-changed",
                format!(
                    "`{key}` went from {} to {} alternatives",
                    ol.len(),
                    nl.len()
                ),
            );
        }
        for (i, (os, ns)) in ol.iter().zip(nl).enumerate() {
            compare_at(d, &loc.child(&format!("<{key}[{i}]>")), os, ns, seen);
        }
    }
    seen.pop();
}

fn ref_of(v: &Value) -> String {
    str_of(v, "$ref").unwrap_or_default().to_owned()
}

/// The JSON types a schema admits, `null` included when nullable.
fn type_set(s: &Mapping) -> (BTreeSet<String>, bool) {
    let mut types: BTreeSet<String> = match s.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        ts => seq(ts)
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
    };
    let null = types.remove("null") || s.get("nullable").and_then(Value::as_bool) == Some(true);
    (types, null)
}

fn types(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let ((ot, on), (nt, nn)) = (type_set(o), type_set(n));
    if ot != nt && !ot.is_empty() && !nt.is_empty() {
        let join = |t: &BTreeSet<String>| t.iter().cloned().collect::<Vec<_>>().join(" or ");
        d.push(
            loc,
            true,
            "type-changed",
            format!("type changed from {} to {}", join(&ot), join(&nt)),
        );
    } else if ot.is_empty() != nt.is_empty() {
        // Gaining a type narrows what is allowed; losing it widens.
        let narrowed = ot.is_empty();
        d.push(
            loc,
            narrowed == (loc.to_service()),
            "type-changed",
            if narrowed {
                format!(
                    "type set to {} (it was unconstrained)",
                    nt.iter().cloned().collect::<Vec<_>>().join(" or ")
                )
            } else {
                "type no longer constrained".to_owned()
            },
        );
    }
    if on != nn {
        // null accepted -> refused narrows; refused -> accepted widens.
        let narrowed = on && !nn;
        d.push(
            loc,
            narrowed == (loc.to_service()),
            "nullable-changed",
            if nn {
                "may now be null"
            } else {
                "may no longer be null"
            },
        );
    }
}

fn format(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    match (o.get("format"), n.get("format")) {
        (a, b) if a == b => {}
        (Some(_), Some(_)) => d.push(
            loc,
            true,
            "format-changed",
            format!(
                "format changed from {} to {}",
                show(o.get("format")),
                show(n.get("format"))
            ),
        ),
        (None, f @ Some(_)) => d.push(
            loc,
            loc.to_service(),
            "format-changed",
            format!("format {} added", show(f)),
        ),
        (f @ Some(_), None) => d.push(
            loc,
            !loc.to_service(),
            "format-changed",
            format!("format {} removed", show(f)),
        ),
        (None, None) => {}
    }
}

fn values(s: &Mapping, key: &str) -> Option<Vec<serde_json::Value>> {
    s.get(key)
        .and_then(Value::as_sequence)
        .map(|v| v.iter().filter(|x| !x.is_null()).map(to_json).collect())
}

fn enums(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let to_service = loc.to_service();
    match (values(o, "enum"), values(n, "enum")) {
        (Some(ov), Some(nv)) => {
            for v in ov.iter().filter(|v| !nv.contains(v)) {
                d.push(
                    loc,
                    to_service,
                    "enum-value-removed",
                    if to_service {
                        format!("enum value {v} removed: requests that send it are refused")
                    } else {
                        format!("enum value {v} removed")
                    },
                );
            }
            for v in nv.iter().filter(|v| !ov.contains(v)) {
                d.push(
                    loc,
                    !to_service,
                    "enum-value-added",
                    if to_service {
                        format!("enum value {v} added")
                    } else {
                        format!("enum value {v} added: strict clients (generated enums) fail on it")
                    },
                );
            }
        }
        (None, Some(nv)) => d.push(
            loc,
            to_service,
            "enum-added",
            format!("now limited to {}", serde_json::Value::Array(nv)),
        ),
        (Some(_), None) => d.push(
            loc,
            !to_service,
            "enum-removed",
            if to_service {
                "no longer limited to a list of values".to_owned()
            } else {
                "no longer limited to a list of values: clients with a generated enum break"
                    .to_owned()
            },
        ),
        (None, None) => {}
    }
    // Known values of an open list: clients already accept others.
    let (ov, nv) = (
        values(o, "x-extensible-enum").unwrap_or_default(),
        values(n, "x-extensible-enum").unwrap_or_default(),
    );
    for v in ov.iter().filter(|v| !nv.contains(v)) {
        d.push(
            loc,
            to_service,
            "extensible-enum-value-removed",
            format!("known value {v} removed (x-extensible-enum)"),
        );
    }
    for v in nv.iter().filter(|v| !ov.contains(v)) {
        d.push(
            loc,
            false,
            "extensible-enum-value-added",
            format!(
                "known value {v} added (x-extensible-enum: clients already accept unknown values)"
            ),
        );
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

fn constraints(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    // Narrowed: fewer values allowed. Breaking when the service reads
    // (requests it accepted are refused); widened is breaking when the
    // client reads (a value it validated against may now come).
    let mut report = |key: &str, narrowed: bool| {
        let breaking = narrowed == (loc.to_service());
        let (kind, word) = if narrowed {
            ("constraint-narrowed", "narrowed")
        } else {
            ("constraint-widened", "widened")
        };
        let (a, b) = (o.get(key), n.get(key));
        let message = match (a.is_some(), b.is_some()) {
            (true, true) => format!("{key} {word} from {} to {}", show(a), show(b)),
            (false, true) => format!("{key} {} added ({word})", show(b)),
            (true, false) => format!("{key} {} removed ({word})", show(a)),
            (false, false) => unreachable!(),
        };
        d.push(loc, breaking, kind, message);
    };
    for key in LOWER {
        match (number(o.get(key)), number(n.get(key))) {
            (Some(a), Some(b)) if a != b => report(key, b > a),
            (None, Some(_)) => report(key, true),
            (Some(_), None) => report(key, false),
            _ => {}
        }
    }
    for key in UPPER {
        match (number(o.get(key)), number(n.get(key))) {
            (Some(a), Some(b)) if a != b => report(key, b < a),
            (None, Some(_)) => report(key, true),
            (Some(_), None) => report(key, false),
            _ => {}
        }
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
        let flag = |s: &Mapping| s.get(key).and_then(Value::as_bool) == Some(true);
        if flag(o) != flag(n) {
            report(key, flag(n));
        }
    }
    match (o.get("pattern"), n.get("pattern")) {
        (a, b) if a == b => {}
        (None, Some(_)) => report("pattern", true),
        (Some(_), None) => report("pattern", false),
        (a @ Some(_), b @ Some(_)) => d.push(
            loc,
            true,
            "constraint-changed",
            format!("pattern changed from {} to {}: values valid before may be refused, and others may come", show(a), show(b)),
        ),
        (None, None) => {}
    }
    if o.get("multipleOf") != n.get("multipleOf") {
        d.push(
            loc,
            true,
            "constraint-changed",
            format!(
                "multipleOf changed from {} to {}",
                show(o.get("multipleOf")),
                show(n.get("multipleOf"))
            ),
        );
    }
}

fn default(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    if o.get("default") == n.get("default") {
        return;
    }
    let to_service = loc.to_service();
    d.push(
        loc,
        to_service,
        "default-changed",
        format!(
            "default changed from {} to {}{}",
            show(o.get("default")),
            show(n.get("default")),
            if to_service {
                ": requests that leave it out now behave differently"
            } else {
                ""
            }
        ),
    );
}

fn required_set(s: &Mapping) -> BTreeSet<String> {
    seq(s.get("required"))
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn properties(
    d: &mut Differ,
    loc: &Loc,
    o: &Mapping,
    n: &Mapping,
    seen: &mut Vec<(String, String)>,
) {
    let (op, np) = (o.get("properties"), n.get("properties"));
    let (or, nr) = (required_set(o), required_set(n));
    let to_service = loc.to_service();
    for (name, os) in entries(op) {
        let here = loc.child(&format!(".{name}"));
        let Some(ns) = np.and_then(|p| p.get(name)) else {
            d.push(
                &here,
                true,
                "property-removed",
                if to_service {
                    "removed: requests that send it are refused or lose it"
                } else {
                    "removed: clients that read it break"
                },
            );
            continue;
        };
        match (or.contains(name), nr.contains(name)) {
            (false, true) => d.push(&here, to_service, "property-required", "became required"),
            (true, false) => d.push(
                &here,
                !to_service,
                "property-optional",
                if to_service {
                    "became optional"
                } else {
                    "became optional: clients that rely on it break"
                },
            ),
            _ => {}
        }
        compare_at(d, &here, os, ns, seen);
    }
    for (name, _) in entries(np).filter(|(k, _)| op.and_then(|p| p.get(k)).is_none()) {
        let here = loc.child(&format!(".{name}"));
        let req = nr.contains(name);
        d.push(
            &here,
            to_service && req,
            "property-added",
            if req {
                "added as required"
            } else {
                "added as optional"
            },
        );
    }
    // An object closed to other properties, or opened.
    let closed = |s: &Mapping| s.get("additionalProperties") == Some(&Value::Bool(false));
    if closed(o) != closed(n) && (o.contains_key("properties") || n.contains_key("properties")) {
        let narrowed = closed(n);
        d.push(
            loc,
            narrowed == to_service,
            if narrowed {
                "constraint-narrowed"
            } else {
                "constraint-widened"
            },
            if narrowed {
                "additionalProperties: false added (other properties refused)"
            } else {
                "additionalProperties: false removed (other properties allowed)"
            },
        );
    }
}
