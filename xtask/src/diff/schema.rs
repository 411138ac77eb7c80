//! The schema rules of `cargo xtask diff`: one schema of the old document
//! against the same place in the new one, `$ref`s followed and `allOf`
//! merged on each side. Narrowed means fewer values allowed, widened more.

use serde_json::Value as Json;

use super::{members, show, Differ, Loc, NARROWS, WIDENS};
use crate::document::{entries, seq, to_json, Mapping, Value};

/// Bounds, and whether raising one narrows (a lower bound) or widens. For
/// the flags (OpenAPI 3.0's exclusive bounds, `uniqueItems`), `true` counts
/// as 1 and `false` as absent.
const BOUNDS: [(&str, bool); 11] = [
    ("minLength", NARROWS),
    ("minimum", NARROWS),
    ("minItems", NARROWS),
    ("minProperties", NARROWS),
    ("exclusiveMinimum", NARROWS),
    ("uniqueItems", NARROWS),
    ("maxLength", WIDENS),
    ("maximum", WIDENS),
    ("maxItems", WIDENS),
    ("maxProperties", WIDENS),
    ("exclusiveMaximum", WIDENS),
];

/// Keywords that narrow by being there; a changed value narrows and widens.
const RESTRICTIONS: [&str; 5] = ["type", "format", "pattern", "multipleOf", "enum"];

/// The schema `old` against `new`, at `loc`.
pub fn compare(d: &mut Differ, loc: &Loc, old: &Value, new: &Value) {
    // The field path follows the place after a space.
    compare_at(d, &loc.then(" "), old, new, &mut Vec::new());
}

/// The schemas being compared, outermost first, by address: a schema that
/// reaches itself through a `$ref` is compared once along each path.
type Seen = Vec<[*const Value; 2]>;

fn compare_at(d: &mut Differ, loc: &Loc, old: &Value, new: &Value, seen: &mut Seen) {
    let pair = [d.old.resolve(old), d.new.resolve(new)].map(std::ptr::from_ref);
    if seen.contains(&pair) || seen.len() > 32 {
        return;
    }
    seen.push(pair);
    let (o, n) = (d.old.merged(old), d.new.merged(new));
    constraints(d, loc, &o, &n);
    let (a, b) = (o.get("default"), n.get("default"));
    if a != b {
        let mut message = format!("default changed from {} to {}", show(a), show(b));
        if loc.breaks(NARROWS) {
            message += ": requests that leave it out now behave differently";
        }
        d.push(loc, loc.breaks(NARROWS), "default-changed", message);
    }
    let properties = [&o, &n].map(|s| {
        let required = |name| seq(s.get("required")).any(|r| r.as_str() == Some(name));
        let property = |(name, p)| (format!(".{name}"), p, required(name));
        entries(s.get("properties")).map(property).collect()
    });
    members(d, "property", loc, properties, |d, loc, o, n| {
        compare_at(d, loc, o, n, seen);
    });
    if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
        compare_at(d, &loc.then("[]"), oi, ni, seen);
    }
    let (oa, na) = (o.get("additionalProperties"), n.get("additionalProperties"));
    if let (Some(oa @ Value::Mapping(_)), Some(na @ Value::Mapping(_))) = (oa, na) {
        compare_at(d, &loc.then(".*"), oa, na, seen);
    }
    for key in ["oneOf", "anyOf"] {
        let (ol, nl): (Vec<_>, Vec<_>) = (seq(o.get(key)).collect(), seq(n.get(key)).collect());
        let (a, b) = (ol.len(), nl.len());
        if a > 0 && b > 0 && a != b {
            let message = format!("`{key}` went from {a} to {b} alternatives");
            d.push(loc, true, "type-changed", message);
        }
        for (i, (os, ns)) in ol.into_iter().zip(nl).enumerate() {
            compare_at(d, &loc.then(&format!("<{key}[{i}]>")), os, ns, seen);
        }
    }
    seen.pop();
}

fn constraints(d: &mut Differ, loc: &Loc, o: &Mapping, n: &Mapping) {
    for key in RESTRICTIONS {
        let [a, b] = [o, n].map(|s| restriction(s, key));
        match (&a, &b) {
            _ if a == b => {}
            (Some(_), Some(_)) if key == "enum" => {
                let lists = [o, n].map(|s| values(s, key).unwrap_or_default());
                listed(d, loc, "enum-value", lists);
            }
            (Some(a), Some(b)) => {
                let message = format!("{key} changed from {a} to {b}");
                d.push(loc, true, &kind(key, "changed"), message);
            }
            _ => constraint(d, loc, key, b.is_some(), [a, b]),
        }
    }
    // Known values of an open list: clients already accept others.
    let known = [o, n].map(|s| values(s, "x-extensible-enum").unwrap_or_default());
    listed(d, loc, "extensible-enum-value", known);
    // Allowing `null` widens.
    let nullable = [o, n].map(|s| restriction(s, "nullable"));
    if nullable[0] != nullable[1] {
        constraint(d, loc, "nullable", nullable[0].is_some(), nullable);
    }
    let level = |s: &Mapping, key| match s.get(key) {
        Some(Value::Bool(flag)) => flag.then_some(1.0),
        v => v.and_then(Value::as_f64),
    };
    for (key, raising) in BOUNDS {
        let narrowed = match (level(o, key), level(n, key)) {
            (Some(a), Some(b)) if a != b => (b > a) == raising,
            (None, Some(_)) => NARROWS,
            (Some(_), None) => WIDENS,
            _ => continue,
        };
        let shown = [o, n].map(|s| restriction(s, key));
        constraint(d, loc, key, narrowed, shown);
    }
    // An object closed to properties it does not list, or opened.
    let closed = [o, n].map(|s| s.get("additionalProperties") == Some(&Value::Bool(false)));
    if closed[0] != closed[1] && (o.contains_key("properties") || n.contains_key("properties")) {
        let shown = closed.map(|c| c.then(|| "false".to_owned()));
        constraint(d, loc, "additionalProperties", closed[1], shown);
    }
}

/// What `key` restricts a schema to, shown, if it does. `null` counts for
/// `nullable` only, not for `type` or `enum` (OpenAPI 3.1 lists it there).
fn restriction(s: &Mapping, key: &str) -> Option<String> {
    let null = |v: &Value| v.as_str() == Some("null");
    match key {
        "type" => {
            let mut types: Vec<&str> = match s.get(key) {
                Some(Value::String(t)) => vec![t],
                ts => seq(ts)
                    .filter(|t| !null(t))
                    .filter_map(Value::as_str)
                    .collect(),
            };
            types.sort();
            (!types.is_empty()).then(|| types.join(" or "))
        }
        "enum" => values(s, key).map(|v| Json::from(v).to_string()),
        "nullable" => {
            let nullable = s.get(key) == Some(&Value::Bool(true)) || seq(s.get("type")).any(null);
            nullable.then(|| "true".to_owned())
        }
        _ => s.get(key).map(|v| to_json(v).to_string()),
    }
}

/// The rule a change of `key` is reported under.
fn kind(key: &str, change: &str) -> String {
    match (key, change) {
        ("type" | "format" | "nullable", _) => format!("{key}-changed"),
        ("enum", "narrowed") => "enum-added".to_owned(),
        ("enum", _) => "enum-removed".to_owned(),
        _ => format!("constraint-{change}"),
    }
}

/// `key` now allows fewer values (`narrowed`) or more.
fn constraint(d: &mut Differ, loc: &Loc, key: &str, narrowed: bool, shown: [Option<String>; 2]) {
    let word = if narrowed { "narrowed" } else { "widened" };
    let [a, b] = shown.map(|v| v.unwrap_or_else(|| "nothing".to_owned()));
    let message = format!("{key} {word} from {a} to {b}");
    d.push(loc, loc.breaks(narrowed), &kind(key, word), message);
}

/// The values of a list, `null` left out (that is `nullable`'s).
fn values(s: &Mapping, key: &str) -> Option<Vec<Json>> {
    let list = s.get(key).and_then(Value::as_sequence)?;
    Some(list.iter().filter(|x| !x.is_null()).map(to_json).collect())
}

/// Values gone from a list narrow it; new values widen it, which breaks
/// only a closed list (`enum`: strict clients refuse values they do not
/// know), not an open one (`x-extensible-enum`).
fn listed(d: &mut Differ, loc: &Loc, what: &str, [old, new]: [Vec<Json>; 2]) {
    for v in old.iter().filter(|v| !new.contains(v)) {
        let (kind, message) = (format!("{what}-removed"), format!("value {v} removed"));
        d.push(loc, loc.breaks(NARROWS), &kind, message);
    }
    for v in new.iter().filter(|v| !old.contains(v)) {
        let breaking = what == "enum-value" && loc.breaks(WIDENS);
        let mut message = format!("value {v} added");
        if breaking {
            message += ": strict clients fail on it";
        }
        d.push(loc, breaking, &format!("{what}-added"), message);
    }
}
