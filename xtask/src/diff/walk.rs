//! The rest of the document, walked: everything the operation and schema
//! rules (mod.rs, schema.rs) do not compare. Both documents are walked side
//! by side as they are written, `$ref`s not followed (what a reference
//! reaches is compared where it is used); at each place a key is either one
//! the other rules compare already (skipped), a container whose members are
//! walked, or rated here: the extensions (`x-signing`, `x-error-codes`,
//! `x-rules`, `x-source`, any other `x-`), the discriminator, the servers,
//! the names generators give (titles, tags, references, component names),
//! serialization, and the text and examples (informational). A key no rule
//! knows is reported as breaking, for a reviewer to judge.

use std::collections::BTreeSet;

use super::{show, Change, Differ};
use crate::document::{entries, escape, percent_decode, str_of, to_json, Document, Value, METHODS};

/// What the object being walked is: it decides which keys the other rules
/// compare and what the others mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    PathItem,
    Operation,
    /// A parameter or a header.
    Parameter,
    RequestBody,
    Response,
    Media,
    Schema,
    Callback,
    Components,
    SecurityScheme,
    Server,
}

/// What a key of an object holds, and how it is compared.
enum Role {
    /// Compared by the operation and schema rules.
    Covered,
    /// One object: walked when both sides have it (its presence is covered).
    Into(Ctx),
    /// A map whose members the other rules pair: those on both sides walked.
    Members(Ctx),
    /// A list whose items are paired by `key` and walked when on both sides.
    List(Ctx, fn(usize, &Value) -> String),
    /// The maps under `components`: a member on one side only is reported.
    Component(Ctx),
    /// Reported as one change with this rule, breaking or not, and why.
    Rule(&'static str, bool, &'static str),
    Reference,
    Servers,
    Discriminator,
}

/// Schema keywords the schema rules compare.
const SCHEMA_RULES: &str = "type format pattern multipleOf enum nullable default required \
    minLength maxLength minimum maximum exclusiveMinimum exclusiveMaximum minItems maxItems \
    minProperties maxProperties uniqueItems";

const DOC: Role = Role::Rule(
    "doc-changed",
    false,
    "text for readers; no client or receiver reads it",
);
const EXAMPLE: Role = Role::Rule(
    "example-changed",
    false,
    "examples illustrate; `cargo xtask check` validates them against the schemas",
);
const UNKNOWN: Role = Role::Rule(
    "keyword-changed",
    true,
    "no rule of `cargo xtask diff` rates this keyword, so it is counted as breaking: review it",
);

fn role(ctx: Ctx, key: &str) -> Role {
    use Ctx::*;
    use Role::*;
    let by_index = |i: usize, _: &Value| i.to_string();
    match (ctx, key) {
        (SecurityScheme, "description") => DOC,
        (SecurityScheme, _) => Covered,
        (Callback, _) => Into(PathItem),
        (Components, "schemas") => Component(Schema),
        (Components, "parameters" | "headers") => Component(Parameter),
        (Components, "requestBodies") => Component(RequestBody),
        (Components, "responses") => Component(Response),
        (Components, "callbacks") => Component(Callback),
        (Components, "securitySchemes") => Component(SecurityScheme),
        (Components, "examples") => EXAMPLE,
        (Schema, "$ref") => Covered,
        (_, "$ref") => Reference,
        (_, "description" | "summary" | "externalDocs") => DOC,
        (_, "example" | "examples") => EXAMPLE,
        (_, "servers") => Servers,
        (_, "links") => Rule(
            "link-changed",
            false,
            "links guide readers and tools from one operation to the next; no call changes",
        ),
        (_, "deprecated") => Rule(
            "deprecated-changed",
            false,
            "a deprecation warns; what is allowed stays the same",
        ),
        (Root, "openapi") => Rule(
            "openapi-version-changed",
            true,
            "tools and generators read the document by its OpenAPI version",
        ),
        (Root, "info" | "tags") => DOC,
        (Root, "paths") => Members(PathItem),
        (Root, "components") => Into(Components),
        (Root | Operation, "security") => Covered,
        (PathItem, m) if METHODS.contains(&m) => Into(Operation),
        (PathItem | Operation, "parameters") => List(Parameter, parameter_key),
        (Operation, "operationId") => Covered,
        (Operation, "requestBody") => Into(RequestBody),
        (Operation, "responses") => Members(Response),
        (Operation, "callbacks") => Members(Callback),
        (Operation, "tags") => Rule(
            "tags-changed",
            true,
            "generators that group operations by tag (openapi-generator's API classes) move the operation to another class",
        ),
        (Parameter, "name" | "in" | "required") | (RequestBody, "required") => Covered,
        (Parameter | Media, "schema") => Into(Schema),
        (Parameter | RequestBody | Response, "content") => Members(Media),
        (Parameter, "style" | "explode" | "allowReserved" | "allowEmptyValue") => Rule(
            "serialization-changed",
            true,
            "the parameter is written differently on the wire",
        ),
        (Response, "headers") => Members(Parameter),
        (Schema, k) if SCHEMA_RULES.split_whitespace().any(|w| w == k) => Covered,
        (Schema, "properties") => Members(Schema),
        (Schema, "items" | "additionalProperties") => Into(Schema),
        (Schema, "oneOf" | "anyOf" | "allOf") => List(Schema, by_index),
        (Schema, "discriminator") => Discriminator,
        (Schema, "title") => Covered,
        (Schema, "readOnly" | "writeOnly") => Rule(
            "access-changed",
            true,
            "generators and validators decide by it on which side the property may appear",
        ),
        (Schema, "not") => Rule(
            "not-changed",
            true,
            "a change inside `not` inverts what it allows, which no rule here rates: review it",
        ),
        _ => UNKNOWN,
    }
}

/// A parameter is paired by its `$ref`, or by where it is and its name.
fn parameter_key(_: usize, p: &Value) -> String {
    match str_of(p, "$ref") {
        Some(r) => r.to_owned(),
        None => format!(
            "{} {}",
            str_of(p, "in").unwrap_or("?"),
            str_of(p, "name").unwrap_or("?")
        ),
    }
}

/// Walks the two documents of `d` and adds what it finds to `d.changes`.
pub fn compare(d: &mut Differ) {
    let uses = [Uses::of(d.old), Uses::of(d.new)];
    let (old, new) = (d.old, d.new);
    let mut walk = Walk { d, uses };
    walk.object(Ctx::Root, "", &old.root, &new.root);
}

struct Walk<'d, 'a> {
    d: &'d mut Differ<'a>,
    uses: [Uses; 2],
}

impl Walk<'_, '_> {
    fn push(&mut self, at: &str, breaking: bool, kind: &str, message: String) {
        let side = self.side(at);
        let at = if at.is_empty() { "/" } else { at }.to_owned();
        let kind = kind.to_owned();
        let change = Change {
            breaking,
            side,
            kind,
            at,
            message,
        };
        self.d.changes.push(change);
    }

    /// Every key of two objects of the same kind, in the old one's order
    /// and then the new one's.
    fn object(&mut self, ctx: Ctx, at: &str, old: &Value, new: &Value) {
        if old == new {
            return;
        }
        // A schema under components is named by its key there.
        let component = at.split('/').count() == 4 && at.starts_with("/components/schemas/");
        if ctx == Ctx::Schema && !component {
            self.type_name(at, old, new);
        } else if ctx == Ctx::Schema && old.get("title") != new.get("title") {
            let (a, b) = (old.get("title"), new.get("title"));
            let message = format!(
                "`title` {}: the type keeps the name of its key under components",
                changed(a, b)
            );
            self.push(&format!("{at}/title"), false, "doc-changed", message);
        }
        let keys: Vec<&str> = entries(Some(old))
            .chain(entries(Some(new)))
            .map(|e| e.0)
            .collect();
        let mut seen = BTreeSet::new();
        for key in keys.into_iter().filter(|k| seen.insert(*k)) {
            let (a, b) = (old.get(key), new.get(key));
            if a != b {
                self.key(ctx, key, &format!("{at}/{}", escape(key)), a, b);
            }
        }
    }

    fn key(&mut self, ctx: Ctx, key: &str, at: &str, a: Option<&Value>, b: Option<&Value>) {
        if key.starts_with("x-") {
            return self.extension(ctx, key, at, a, b);
        }
        match role(ctx, key) {
            Role::Covered => {}
            Role::Into(inner) => {
                if let (Some(a @ Value::Mapping(_)), Some(b @ Value::Mapping(_))) = (a, b) {
                    self.object(inner, at, a, b);
                }
            }
            Role::Members(inner) => {
                for (name, o) in entries(a) {
                    if let Some(n) = b.and_then(|b| b.get(name)) {
                        self.object(inner, &format!("{at}/{}", escape(name)), o, n);
                    }
                }
            }
            Role::List(inner, key) => {
                let list = |v: Option<&Value>| -> Vec<(String, Value)> {
                    let items = v.and_then(Value::as_sequence).into_iter().flatten();
                    items
                        .enumerate()
                        .map(|(i, x)| (key(i, x), x.clone()))
                        .collect()
                };
                let (old, new) = (list(a), list(b));
                for (i, (k, n)) in new.iter().enumerate() {
                    if let Some((_, o)) = old.iter().find(|(ok, _)| ok == k) {
                        self.object(inner, &format!("{at}/{i}"), o, n);
                    }
                }
            }
            Role::Component(inner) => self.components(inner, at, a, b),
            Role::Rule(kind, breaking, why) => {
                for (at, a, b) in leaves(at, a, b) {
                    let message = format!("{} {}: {why}", name(&at), changed(a, b));
                    self.push(&at, breaking, kind, message);
                }
            }
            Role::Reference => {
                let message = format!(
                    "reference {}: what it reaches is compared where it is used",
                    changed(a, b)
                );
                self.push(at, false, "reference-changed", message);
                // The error codes a response lists belong to each place that
                // uses it.
                if ctx == Ctx::Response {
                    let codes = [(self.d.old, a), (self.d.new, b)].map(|(doc, r)| {
                        let target = r.and_then(Value::as_str).and_then(|r| doc.pointer(r));
                        target.and_then(|t| t.get("x-error-codes"))
                    });
                    let at = format!("{}/x-error-codes", at.trim_end_matches("/$ref"));
                    self.error_codes(&at, codes[0], codes[1]);
                }
            }
            Role::Servers => self.servers(at, a, b),
            Role::Discriminator => self.discriminator(at, a, b),
        }
    }

    /// The name generators give a schema: what its `$ref` names, or its
    /// `title`; a schema without either gets a name made up from where it
    /// is. Another name renames the generated type.
    fn type_name(&mut self, at: &str, old: &Value, new: &Value) {
        let name = |s: &Value| {
            let target = str_of(s, "$ref").and_then(|r| r.rsplit('/').next());
            target.or_else(|| str_of(s, "title")).map(str::to_owned)
        };
        let (a, b) = (name(old), name(new));
        if a != b {
            let [a, b] =
                [a, b].map(|n| n.unwrap_or_else(|| "a name made up from its place".to_owned()));
            let message = format!("the generated type's name changed from {a} to {b}: code that names it no longer builds (what it allows is compared through the reference)");
            self.push(at, true, "type-renamed", message);
        }
    }

    /// Members of a map under `components`: one on a side only is added
    /// or removed; a removed schema is breaking, since generators emit a
    /// type for every schema there, used or not.
    fn components(&mut self, inner: Ctx, at: &str, a: Option<&Value>, b: Option<&Value>) {
        let kind = at.rsplit('/').next().unwrap_or("");
        for (name, o) in entries(a) {
            let here = format!("{at}/{}", escape(name));
            match b.and_then(|b| b.get(name)) {
                Some(n) => self.object(inner, &here, o, n),
                None => {
                    // A schema whose name lives on as a title keeps its type.
                    let mut names = BTreeSet::new();
                    titles(&self.d.new.root, &mut names);
                    let titled = names.contains(name);
                    let typed = inner == Ctx::Schema && !titled;
                    let why = match (typed, titled) {
                        (true, _) => "generated code loses the type named after it",
                        (false, true) => "a schema of the new document has it as its title, so generated code keeps the type's name",
                        (false, false) => "what used it is compared where it was used",
                    };
                    let message = format!("{kind} `{name}` removed: {why}");
                    self.push(&here, typed, "component-removed", message);
                }
            }
        }
        for (name, _) in entries(b).filter(|(name, _)| a.and_then(|a| a.get(name)).is_none()) {
            let here = format!("{at}/{}", escape(name));
            let message = format!("{kind} `{name}` added");
            self.push(&here, false, "component-added", message);
        }
    }

    fn extension(&mut self, ctx: Ctx, key: &str, at: &str, a: Option<&Value>, b: Option<&Value>) {
        match key {
            // The schema rules compare a schema's known values.
            "x-extensible-enum" if ctx == Ctx::Schema => {}
            "x-signing" => {
                for (at, a, b) in leaves(at, a, b) {
                    // What the signature covers, how it is written, the
                    // test key: all are computed by every deployed
                    // verifier. The list of unsigned fields and the notes
                    // only describe.
                    let last = at.rsplit('/').next().unwrap_or("");
                    let breaking = !matches!(last, "unsigned" | "note" | "description");
                    let mut message = format!("{} {}", name(&at), changed(a, b));
                    if breaking {
                        message += ": every deployed verifier still computes the old rule";
                    }
                    self.push(&at, breaking, "signing-changed", message);
                }
            }
            "x-error-codes" => self.error_codes(at, a, b),
            "x-rules" => self.rules(at, a, b),
            "x-source" | "x-sources" => {
                for (at, a, b) in leaves(at, a, b) {
                    let message = format!(
                        "{} {}: where a rule comes from, for reviewers",
                        name(&at),
                        changed(a, b)
                    );
                    self.push(&at, false, "source-changed", message);
                }
            }
            _ => {
                let message = format!(
                    "{key} {}: an extension no rule here knows; tools that read it see the change",
                    changed(a, b)
                );
                self.push(at, false, "extension-changed", message);
            }
        }
    }

    /// `x-error-codes`, paired by code: a removed code breaks the clients
    /// that branch on it (to recognise an existing config, say); a new one
    /// does not, since `error_code` is read as any string.
    fn error_codes(&mut self, at: &str, a: Option<&Value>, b: Option<&Value>) {
        let codes = |v: Option<&Value>| -> Vec<(String, Value)> {
            let items = v.and_then(Value::as_sequence).into_iter().flatten();
            let code = |x: &Value| str_of(x, "code").map_or_else(|| show(Some(x)), str::to_owned);
            items.map(|x| (code(x), x.clone())).collect()
        };
        let (old, new) = (codes(a), codes(b));
        for (code, o) in &old {
            match new.iter().find(|(c, _)| c == code) {
                None => {
                    let message = format!(
                        "error code {code} removed: clients that branch on it no longer see it"
                    );
                    self.push(at, true, "error-code-removed", message);
                }
                Some((_, n)) if n != o => {
                    let message = format!("error code {code}: its meaning or source changed");
                    self.push(at, false, "error-code-changed", message);
                }
                Some(_) => {}
            }
        }
        for (code, _) in new.iter().filter(|(c, _)| !old.iter().any(|(o, _)| o == c)) {
            let message = format!("error code {code} added: error_code is read as any string, so clients already handle it as an error");
            self.push(at, false, "error-code-added", message);
        }
    }

    /// `x-rules`, paired by their text: informational, for reviewers (a
    /// rule that changes what is allowed changes a schema too).
    fn rules(&mut self, at: &str, a: Option<&Value>, b: Option<&Value>) {
        let rules = |v: Option<&Value>| -> Vec<(String, Value)> {
            let items = v.and_then(Value::as_sequence).into_iter().flatten();
            let text = |x: &Value| str_of(x, "rule").map_or_else(|| show(Some(x)), str::to_owned);
            items.map(|x| (text(x), x.clone())).collect()
        };
        let (old, new) = (rules(a), rules(b));
        let brief = |t: &str| brief(&Value::String(t.to_owned()));
        for (text, o) in &old {
            let (kind, change) = match new.iter().find(|(t, _)| t == text) {
                None => ("rule-removed", "removed"),
                Some((_, n)) if n != o => ("rule-changed", "changed its source"),
                Some(_) => continue,
            };
            let message = format!("rule {} {change}: informational", brief(text));
            self.push(at, false, kind, message);
        }
        for (text, _) in new.iter().filter(|(t, _)| !old.iter().any(|(o, _)| o == t)) {
            let message = format!("rule {} added: informational", brief(text));
            self.push(at, false, "rule-added", message);
        }
    }

    /// Servers, paired by URL. The first is the default of generated
    /// clients; a removed server, variable or enum value breaks the
    /// callers that use it, a changed default those that rely on it.
    fn servers(&mut self, at: &str, a: Option<&Value>, b: Option<&Value>) {
        let list = |v: Option<&'_ Value>| -> Vec<(String, Value)> {
            let items = v.and_then(Value::as_sequence).into_iter().flatten();
            let url = |s: &Value| str_of(s, "url").unwrap_or("?").to_owned();
            items.map(|s| (url(s), s.clone())).collect()
        };
        let (old, new) = (list(a), list(b));
        if let (Some((first, _)), Some((now, _))) = (old.first(), new.first()) {
            if first != now {
                let message = format!("the first server, clients' default, changed from {first} to {now}: callers that rely on the default call another host");
                self.push(at, true, "default-server-changed", message);
            }
        }
        for (i, (url, o)) in old.iter().enumerate() {
            match new.iter().position(|(u, _)| u == url) {
                None => {
                    let message =
                        format!("server {url} removed: callers that chose it can no longer");
                    self.push(&format!("{at}/{i}"), true, "server-removed", message);
                }
                Some(j) => self.server(&format!("{at}/{j}"), o, &new[j].1),
            }
        }
        for (i, (url, _)) in new.iter().enumerate() {
            if !old.iter().any(|(u, _)| u == url) {
                let message = format!("server {url} added");
                self.push(&format!("{at}/{i}"), false, "server-added", message);
            }
        }
    }

    fn server(&mut self, at: &str, o: &Value, n: &Value) {
        let (ov, nv) = (o.get("variables"), n.get("variables"));
        for (name, a) in entries(ov) {
            let here = format!("{at}/variables/{}", escape(name));
            let Some(b) = nv.and_then(|v| v.get(name)) else {
                let message = format!("variable {name} removed: callers that set it can no longer");
                self.push(&here, true, "server-variable-removed", message);
                continue;
            };
            let values = |v: &Value| -> Vec<Value> {
                v.get("enum")
                    .and_then(Value::as_sequence)
                    .cloned()
                    .unwrap_or_default()
            };
            let (was, now) = (values(a), values(b));
            for v in was.iter().filter(|v| !now.contains(v)) {
                let message = format!(
                    "value {} of {name} removed: callers that name it can no longer",
                    brief(v)
                );
                self.push(&here, true, "server-value-removed", message);
            }
            for v in now.iter().filter(|v| !was.contains(v)) {
                let message = format!("value {} of {name} added", brief(v));
                self.push(&here, false, "server-value-added", message);
            }
            if was.is_empty() != now.is_empty() {
                let narrowed = now.len() > was.len();
                let message = format!(
                    "{name} {}",
                    if narrowed {
                        "now limited to its enum"
                    } else {
                        "no longer limited to an enum"
                    }
                );
                self.push(&here, narrowed, "server-enum-changed", message);
            }
            if a.get("default") != b.get("default") {
                let message = format!(
                    "default of {name} {}: callers that leave it out reach another host",
                    changed(a.get("default"), b.get("default"))
                );
                self.push(&here, true, "server-default-changed", message);
            }
            for key in ["description"]
                .into_iter()
                .chain(x_keys(a, b).iter().map(String::as_str))
            {
                let key_at = format!("{here}/{}", escape(key));
                if a.get(key) != b.get(key) {
                    self.key(Ctx::Server, key, &key_at, a.get(key), b.get(key));
                }
            }
        }
        for (name, _) in entries(nv).filter(|(k, _)| ov.and_then(|v| v.get(k)).is_none()) {
            let message = format!("variable {name} added");
            self.push(
                &format!("{at}/variables/{}", escape(name)),
                false,
                "server-variable-added",
                message,
            );
        }
        for key in ["description"]
            .into_iter()
            .chain(x_keys(o, n).iter().map(String::as_str))
        {
            if o.get(key) != n.get(key) {
                self.key(
                    Ctx::Server,
                    key,
                    &format!("{at}/{key}"),
                    o.get(key),
                    n.get(key),
                );
            }
        }
    }

    /// The discriminator: which property names the variant, and the
    /// variant each value maps to.
    fn discriminator(&mut self, at: &str, a: Option<&Value>, b: Option<&Value>) {
        let (Some(o), Some(n)) = (a, b) else {
            let message = format!(
                "discriminator {}: generators build the union differently",
                changed(a, b)
            );
            return self.push(at, true, "discriminator-changed", message);
        };
        if o.get("propertyName") != n.get("propertyName") {
            let message = format!(
                "propertyName {}: readers and generated code pick the variant by another field",
                changed(o.get("propertyName"), n.get("propertyName"))
            );
            self.push(
                &format!("{at}/propertyName"),
                true,
                "discriminator-changed",
                message,
            );
        }
        let (om, nm) = (o.get("mapping"), n.get("mapping"));
        for (value, target) in entries(om) {
            let here = format!("{at}/mapping/{}", escape(value));
            match nm.and_then(|m| m.get(value)) {
                None => {
                    let message = format!("value {value} no longer mapped: readers that dispatch on it lose its variant");
                    self.push(&here, true, "discriminator-mapping-removed", message);
                }
                Some(now) if now != target => {
                    let message = format!(
                        "value {value} {}: readers get another variant",
                        changed(Some(target), Some(now))
                    );
                    self.push(&here, true, "discriminator-mapping-changed", message);
                }
                Some(_) => {}
            }
        }
        for (value, _) in entries(nm).filter(|(k, _)| om.and_then(|m| m.get(k)).is_none()) {
            let message = format!("value {value} mapped: readers that do not know it treat it as before (a new alternative is rated by the schema rules)");
            self.push(
                &format!("{at}/mapping/{}", escape(value)),
                false,
                "discriminator-mapping-added",
                message,
            );
        }
        for key in x_keys(o, n) {
            self.key(
                Ctx::Schema,
                &key,
                &format!("{at}/{key}"),
                o.get(&key),
                n.get(&key),
            );
        }
    }

    /// The side a place stands on, for the report: from its path under
    /// `paths`, or for a component from the operations that reach it.
    fn side(&self, at: &str) -> &'static str {
        let tokens: Vec<&str> = at.split('/').collect();
        if tokens.contains(&"servers") {
            return "servers";
        }
        match tokens.get(1).copied() {
            Some("paths") => {
                let has = |t| tokens.contains(&t);
                if has("callbacks") && has("responses") {
                    "receiver"
                } else if has("callbacks") {
                    "notification"
                } else if has("responses") {
                    "response"
                } else if has("parameters") || has("requestBody") {
                    "request"
                } else {
                    "operation"
                }
            }
            Some("components") if tokens.get(2) == Some(&"securitySchemes") => "security",
            Some("components") if tokens.len() > 3 => {
                let component = tokens[..4].join("/");
                let mut sides = BTreeSet::new();
                for uses in &self.uses {
                    for (side, reached) in &uses.0 {
                        if reached.contains(&component) {
                            sides.insert(*side);
                        }
                    }
                }
                match sides.len() {
                    1 => sides.into_iter().next().unwrap_or("document"),
                    _ => "document",
                }
            }
            _ => "document",
        }
    }
}

/// Every `title` in a document but `info`'s and the examples'.
fn titles(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    (Some("title"), Some(t)) => {
                        out.insert(t.to_owned());
                    }
                    (Some("info" | "example" | "examples"), _) => {}
                    _ => titles(x, out),
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|x| titles(x, out)),
        _ => {}
    }
}

/// The `x-` keys of either of two objects.
fn x_keys(a: &Value, b: &Value) -> Vec<String> {
    let keys = entries(Some(a)).chain(entries(Some(b))).map(|e| e.0);
    let keys: BTreeSet<&str> = keys.filter(|k| k.starts_with("x-")).collect();
    keys.into_iter().map(str::to_owned).collect()
}

/// The components each side reaches: `/components/<kind>/<name>`, from the
/// operations' parameters and bodies (request), responses (response) and
/// callbacks (notification), `$ref`s followed.
struct Uses(Vec<(&'static str, BTreeSet<String>)>);

impl Uses {
    fn of(doc: &Document) -> Uses {
        let mut out = vec![
            ("request", BTreeSet::new()),
            ("response", BTreeSet::new()),
            ("notification", BTreeSet::new()),
        ];
        for op in doc.operations() {
            let parts: [(usize, Vec<Option<&Value>>); 3] = [
                (
                    0,
                    vec![
                        op.item.get("parameters"),
                        op.op.get("parameters"),
                        op.op.get("requestBody"),
                    ],
                ),
                (1, vec![op.op.get("responses")]),
                (2, vec![op.op.get("callbacks")]),
            ];
            for (i, values) in parts {
                for v in values.into_iter().flatten() {
                    refs(doc, v, &mut out[i].1);
                }
            }
        }
        Uses(out)
    }
}

/// Every component `v` reaches, through `$ref`s.
fn refs(doc: &Document, v: &Value, found: &mut BTreeSet<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, x) in m {
                let target = (k.as_str() == Some("$ref")).then(|| x.as_str()).flatten();
                if let Some(target) = target.and_then(|t| t.strip_prefix('#')) {
                    let target = percent_decode(target);
                    let component: Vec<&str> = target.split('/').take(4).collect();
                    if found.insert(component.join("/")) {
                        if let Some(reached) = doc.pointer(&target) {
                            refs(doc, reached, found);
                        }
                    }
                } else {
                    refs(doc, x, found);
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|x| refs(doc, x, found)),
        _ => {}
    }
}

/// The places where two values differ, objects walked down to the first
/// value that is not an object.
fn leaves<'v>(
    at: &str,
    a: Option<&'v Value>,
    b: Option<&'v Value>,
) -> Vec<(String, Option<&'v Value>, Option<&'v Value>)> {
    let mut out = Vec::new();
    match (a, b) {
        (Some(o @ Value::Mapping(_)), Some(n @ Value::Mapping(_))) => {
            let keys: Vec<&str> = entries(Some(o))
                .chain(entries(Some(n)))
                .map(|e| e.0)
                .collect();
            let mut seen = BTreeSet::new();
            for key in keys.into_iter().filter(|k| seen.insert(*k)) {
                let here = format!("{at}/{}", escape(key));
                out.extend(leaves(&here, o.get(key), n.get(key)));
            }
        }
        _ if a != b => out.push((at.to_owned(), a, b)),
        _ => {}
    }
    out
}

/// The last name of a pointer, in backticks.
fn name(at: &str) -> String {
    format!("`{}`", at.rsplit('/').next().unwrap_or(at))
}

/// How a value changed, values shortened.
fn changed(a: Option<&Value>, b: Option<&Value>) -> String {
    match (a, b) {
        (None, Some(b)) => format!("added ({})", brief(b)),
        (Some(a), None) => format!("removed (was {})", brief(a)),
        (Some(a), Some(b)) => format!("changed from {} to {}", brief(a), brief(b)),
        (None, None) => "unchanged".to_owned(),
    }
}

/// A value as JSON, cut after 60 characters.
fn brief(v: &Value) -> String {
    let text = to_json(v).to_string();
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
