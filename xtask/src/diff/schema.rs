//! The schema rules of `cargo xtask diff`: one schema of the old document
//! against the same place in the new one, `$ref`s followed and `allOf`
//! merged on each side. Narrowed means fewer values allowed, widened more.

use std::collections::BTreeSet;

use super::{members, show, Differ, Loc, NARROWS, WIDENS};
use crate::document::{entries, seq, str_of, to_json, Mapping, Value};

/// Bounds that narrow as they rise, then bounds that narrow as they fall.
/// For the flags (OpenAPI 3.0's exclusive bounds, `uniqueItems`), `true`
/// counts as 1 and `false` as absent.
const BOUNDS: [(&str, bool); 11] = [
    ("minLength", true),
    ("minimum", true),
    ("minItems", true),
    ("minProperties", true),
    ("exclusiveMinimum", true),
    ("uniqueItems", true),
    ("maxLength", false),
    ("maximum", false),
    ("maxItems", false),
    ("maxProperties", false),
    ("exclusiveMaximum", false),
];

/// Keywords that narrow by being there; changed, they narrow and widen.
const RESTRICTIONS: [&str; 3] = ["format", "pattern", "multipleOf"];

pub fn compare(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    // The field path follows the place after a space.
    compare_at(d, &loc.then(" "), old, new, &mut Vec::new());
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
    enums(d, loc, &o, &n);
    constraints(d, loc, &o, &n);
    let (a, b) = (o.get("default"), n.get("default"));
    if a != b {
        // Requests that leave the value out now mean something else.
        let message = format!("default changed from {} to {}", show(a), show(b));
        d.push(loc, loc.to_service(), "default-changed", message);
    }
    let properties = [&o, &n].map(|s| {
        let required = |name| seq(s.get("required")).any(|r| r.as_str() == Some(name));
        let property = |(name, p)| (format!(".{name}"), p, required(name));
        entries(s.get("properties")).map(property).collect()
    });
    members(d, "property", loc, properties, |d, loc, o, n| {
        compare_at(d, loc, o, n, seen)
    });
    if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
        compare_at(d, &loc.then("[]"), oi, ni, seen);
    }
    match (o.get("additionalProperties"), n.get("additionalProperties")) {
        (Some(oa @ Value::Mapping(_)), Some(na @ Value::Mapping(_))) => {
            compare_at(d, &loc.then(".*"), oa, na, seen);
        }
        _ => closed(d, loc, &o, &n),
    }
    for key in ["oneOf", "anyOf"] {
        let (ol, nl): (Vec<_>, Vec<_>) = (seq(o.get(key)).collect(), seq(n.get(key)).collect());
        if !ol.is_empty() && !nl.is_empty() && ol.len() != nl.len() {
            let message = format!(
                "`{key}` went from {} to {} alternatives",
                ol.len(),
                nl.len()
            );
            d.push(loc, true, "type-changed", message);
        }
        for (i, (os, ns)) in ol.into_iter().zip(nl).enumerate() {
            compare_at(d, &loc.then(&format!("<{key}[{i}]>")), os, ns, seen);
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
    let join = |t: BTreeSet<&str>| t.into_iter().collect::<Vec<_>>().join(" or ");
    if ot != nt {
        // Gaining a type narrows what is allowed; losing it widens.
        let (breaking, message) = match (ot.is_empty(), nt.is_empty()) {
            (false, false) => (
                true,
                format!("type changed from {} to {}", join(ot), join(nt)),
            ),
            (true, _) => (loc.breaks(NARROWS), format!("type set to {}", join(nt))),
            (_, true) => (loc.breaks(WIDENS), "type no longer constrained".to_owned()),
        };
        d.push(loc, breaking, "type-changed", message);
    }
    if on != nn {
        let message = if nn {
            "may now be null"
        } else {
            "may no longer be null"
        };
        d.push(loc, loc.breaks(on), "nullable-changed", message);
    }
}

fn enums(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    // `null` in a list is `nullable`'s business.
    let values = |s: &Mapping, key| {
        let list = s.get(key).and_then(Value::as_sequence)?;
        Some(
            list.iter()
                .filter(|x| !x.is_null())
                .map(to_json)
                .collect::<Vec<_>>(),
        )
    };
    match (values(o, "enum"), values(n, "enum")) {
        (Some(ov), Some(nv)) => listed(d, loc, "enum-value", &ov, &nv, true),
        (None, Some(nv)) => {
            let message = format!("now limited to {}", serde_json::Value::from(nv));
            d.push(loc, loc.breaks(NARROWS), "enum-added", message);
        }
        (Some(_), None) => {
            let message = "no longer limited to a list of values";
            d.push(loc, loc.breaks(WIDENS), "enum-removed", message);
        }
        (None, None) => {}
    }
    // Known values of an open list: clients already accept others.
    let (ok, nk) = (
        values(o, "x-extensible-enum"),
        values(n, "x-extensible-enum"),
    );
    let (ok, nk) = (ok.unwrap_or_default(), nk.unwrap_or_default());
    listed(d, loc, "extensible-enum-value", &ok, &nk, false);
}

/// Values gone from a list narrow it; new values widen it, which breaks
/// only a closed list (strict clients refuse values they do not know).
fn listed(
    d: &mut Differ,
    loc: &Loc,
    what: &str,
    old: &[serde_json::Value],
    new: &[serde_json::Value],
    closed: bool,
) {
    for v in old.iter().filter(|v| !new.contains(v)) {
        let message = format!("{} {v} removed", what.replace('-', " "));
        d.push(
            loc,
            loc.breaks(NARROWS),
            &format!("{what}-removed"),
            message,
        );
    }
    for v in new.iter().filter(|v| !old.contains(v)) {
        let breaking = closed && loc.breaks(WIDENS);
        let why = if breaking {
            ": strict clients (generated enums) fail on it"
        } else {
            ""
        };
        let message = format!("{} {v} added{why}", what.replace('-', " "));
        d.push(loc, breaking, &format!("{what}-added"), message);
    }
}

fn constraints(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let level = |s: &Mapping, key| match s.get(key) {
        Some(Value::Bool(flag)) => flag.then_some(1.0),
        v => v.and_then(Value::as_f64),
    };
    for (key, lower) in BOUNDS {
        let narrowed = match (level(o, key), level(n, key)) {
            (Some(a), Some(b)) if a != b => (b > a) == lower,
            (None, Some(_)) => NARROWS,
            (Some(_), None) => WIDENS,
            _ => continue,
        };
        constraint(d, loc, key, narrowed, [o, n]);
    }
    for key in RESTRICTIONS {
        match (o.get(key), n.get(key)) {
            (a, b) if a == b => {}
            (Some(a), Some(b)) => {
                let kind = if key == "format" {
                    "format-changed"
                } else {
                    "constraint-changed"
                };
                let message = format!("{key} changed from {} to {}", to_json(a), to_json(b));
                d.push(loc, true, kind, message);
            }
            (_, b) => constraint(d, loc, key, b.is_some(), [o, n]),
        }
    }
}

/// `key` now allows fewer values (`narrowed`) or more.
fn constraint(d: &mut Differ, loc: &Loc, key: &str, narrowed: bool, [o, n]: [&Mapping; 2]) {
    let word = if narrowed { "narrowed" } else { "widened" };
    let (a, b) = (o.get(key), n.get(key));
    let message = match (a, b) {
        (Some(_), Some(_)) => format!("{key} {word} from {} to {}", show(a), show(b)),
        (None, _) => format!("{key} {} added ({word})", show(b)),
        (_, None) => format!("{key} {} removed ({word})", show(a)),
    };
    let kind = match key {
        "format" => "format-changed".to_owned(),
        _ => format!("constraint-{word}"),
    };
    d.push(loc, loc.breaks(narrowed), &kind, message);
}

/// An object closed to properties it does not list, or opened.
fn closed(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    let closed = |s: &Mapping| s.get("additionalProperties") == Some(&Value::Bool(false));
    if closed(o) != closed(n) && (o.contains_key("properties") || n.contains_key("properties")) {
        constraint(d, loc, "additionalProperties", closed(n), [o, n]);
    }
}
