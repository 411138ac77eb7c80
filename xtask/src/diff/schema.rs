//! The schema rules of `cargo xtask diff`: one schema of the old document
//! against the same place in the new one, `$ref`s resolved on each side.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{show, Differ, Dir, Loc};

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
    let o = flatten(d.old, old);
    let n = flatten(d.new, new);
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
        if oa.is_object() && na.is_object() {
            compare_at(d, &loc.child(".*"), oa, na, seen);
        }
    }
    for key in ["oneOf", "anyOf"] {
        let (Some(ol), Some(nl)) = (
            o.get(key).and_then(Value::as_array),
            n.get(key).and_then(Value::as_array),
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
    v.get("$ref")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The schema with `$ref`s followed and `allOf` merged (properties and
/// required united, the first value of any other keyword kept).
fn flatten(doc: &Value, schema: &Value) -> Map<String, Value> {
    flatten_depth(doc, schema, 0)
}

fn flatten_depth(doc: &Value, schema: &Value, depth: usize) -> Map<String, Value> {
    let schema = super::resolve(doc, schema);
    let mut out = schema.as_object().cloned().unwrap_or_default();
    let Some(all) = out.remove("allOf") else {
        return out;
    };
    if depth > 16 {
        return out;
    }
    for part in all.as_array().into_iter().flatten() {
        for (k, v) in flatten_depth(doc, part, depth + 1) {
            match (k.as_str(), out.get_mut(&k)) {
                ("properties", Some(Value::Object(mine))) => {
                    if let Value::Object(theirs) = v {
                        for (pk, pv) in theirs {
                            mine.entry(pk).or_insert(pv);
                        }
                    }
                }
                ("required", Some(Value::Array(mine))) => {
                    for r in v.as_array().into_iter().flatten() {
                        if !mine.contains(r) {
                            mine.push(r.clone());
                        }
                    }
                }
                (_, Some(_)) => {}
                (_, None) => {
                    out.insert(k, v);
                }
            }
        }
    }
    out
}

/// The JSON types a schema admits, `null` included when nullable.
fn type_set(s: &Map<String, Value>) -> (BTreeSet<String>, bool) {
    let mut types: BTreeSet<String> = match s.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    };
    let null = types.remove("null") || s.get("nullable").and_then(Value::as_bool) == Some(true);
    (types, null)
}

fn types(d: &mut Differ, loc: &Loc, o: &Map<String, Value>, n: &Map<String, Value>) {
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
            narrowed == (loc.dir == Dir::ToService),
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
            narrowed == (loc.dir == Dir::ToService),
            "nullable-changed",
            if nn {
                "may now be null"
            } else {
                "may no longer be null"
            },
        );
    }
}

fn format(d: &mut Differ, loc: &Loc, o: &Map<String, Value>, n: &Map<String, Value>) {
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
        (None, Some(f)) => d.push(
            loc,
            loc.dir == Dir::ToService,
            "format-changed",
            format!("format {f} added"),
        ),
        (Some(f), None) => d.push(
            loc,
            loc.dir == Dir::ToClient,
            "format-changed",
            format!("format {f} removed"),
        ),
        (None, None) => {}
    }
}

fn values(s: &Map<String, Value>, key: &str) -> Option<Vec<Value>> {
    s.get(key)
        .and_then(Value::as_array)
        .map(|v| v.iter().filter(|x| !x.is_null()).cloned().collect())
}

fn enums(d: &mut Differ, loc: &Loc, o: &Map<String, Value>, n: &Map<String, Value>) {
    let to_service = loc.dir == Dir::ToService;
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
            format!("now limited to {}", Value::Array(nv)),
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

fn constraints(d: &mut Differ, loc: &Loc, o: &Map<String, Value>, n: &Map<String, Value>) {
    // Narrowed: fewer values allowed. Breaking when the service reads
    // (requests it accepted are refused); widened is breaking when the
    // client reads (a value it validated against may now come).
    let mut report = |key: &str, narrowed: bool| {
        let breaking = narrowed == (loc.dir == Dir::ToService);
        let (kind, word) = if narrowed {
            ("constraint-narrowed", "narrowed")
        } else {
            ("constraint-widened", "widened")
        };
        let message = match (o.get(key), n.get(key)) {
            (Some(a), Some(b)) => format!("{key} {word} from {a} to {b}"),
            (None, Some(b)) => format!("{key} {b} added ({word})"),
            (Some(a), None) => format!("{key} {a} removed ({word})"),
            (None, None) => unreachable!(),
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
        let flag = |s: &Map<String, Value>| s.get(key).and_then(Value::as_bool) == Some(true);
        if flag(o) != flag(n) {
            report(key, flag(n));
        }
    }
    match (o.get("pattern"), n.get("pattern")) {
        (a, b) if a == b => {}
        (None, Some(_)) => report("pattern", true),
        (Some(_), None) => report("pattern", false),
        (Some(a), Some(b)) => d.push(
            loc,
            true,
            "constraint-changed",
            format!("pattern changed from {a} to {b}: values valid before may be refused, and others may come"),
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

fn default(d: &mut Differ, loc: &Loc, o: &Map<String, Value>, n: &Map<String, Value>) {
    if o.get("default") == n.get("default") {
        return;
    }
    let to_service = loc.dir == Dir::ToService;
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

fn required_set(s: &Map<String, Value>) -> BTreeSet<String> {
    s.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn properties(
    d: &mut Differ,
    loc: &Loc,
    o: &Map<String, Value>,
    n: &Map<String, Value>,
    seen: &mut Vec<(String, String)>,
) {
    let empty = Map::new();
    let op = o
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let np = n
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let (or, nr) = (required_set(o), required_set(n));
    let to_service = loc.dir == Dir::ToService;
    for (name, os) in op {
        let here = loc.child(&format!(".{name}"));
        let Some(ns) = np.get(name) else {
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
    for name in np.keys().filter(|k| !op.contains_key(*k)) {
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
    let closed =
        |s: &Map<String, Value>| s.get("additionalProperties") == Some(&Value::Bool(false));
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
