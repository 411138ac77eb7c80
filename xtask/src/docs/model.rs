//! What the reference shows that takes walking the document: `$ref`s
//! followed, `allOf` merged, fields listed, types and named parts found.
//! Everything else (summaries, descriptions, `x-rules`, `x-error-codes`,
//! sources) the printer reads straight off the resolved nodes kept here.
//!
//! A named schema (a component, or one written inline with a `title`, as the
//! document does for generators' sake) and a component response, request
//! body or header are read once, where they are defined; where one is used,
//! only its name is kept.

use crate::check::documented::Discrepancy;
use crate::check::sources::{is_rule, references};
use crate::document::{
    entries, is_true, seq, str_of, subschemas, Document, NamedExample, Operation, Value,
};

/// The sources of a rule, as written (empty: none).
pub type Sources<'a> = Vec<&'a str>;

/// The keywords shown as constraints, in this order.
const SHOWN: &str = "format minLength maxLength minimum maximum exclusiveMinimum \
    exclusiveMaximum multipleOf minItems maxItems uniqueItems minProperties maxProperties \
    pattern enum x-extensible-enum nullable readOnly writeOnly deprecated additionalProperties \
    default";

pub struct Reference<'a> {
    /// `info`, `servers`, `security` and `x-sources` are printed as written.
    pub root: &'a Value,
    pub schemes: Vec<(&'a str, &'a Value)>,
    pub operations: Vec<Op<'a>>,
    pub notifications: Vec<Notification<'a>>,
    /// The component responses and request bodies, keyed by their names.
    pub responses: Vec<Message<'a>>,
    pub bodies: Vec<Message<'a>>,
    /// The component headers, named as components.
    pub headers: Vec<Row<'a>>,
    pub schemas: Vec<Schema<'a>>,
    pub discrepancies: Vec<Discrepancy>,
}

/// An operation, or a request a notification makes.
pub struct Op<'a> {
    pub id: String,
    pub method: &'a str,
    pub path: &'a str,
    pub node: &'a Value,
    pub params: Vec<Row<'a>>,
    pub body: Option<Message<'a>>,
    pub responses: Vec<Message<'a>>,
}

/// A callback, the operations that register it, and its requests.
pub struct Notification<'a> {
    pub name: &'a str,
    /// The callback, resolved.
    pub node: &'a Value,
    pub registered_by: Vec<String>,
    pub requests: Vec<Op<'a>>,
}

/// A request body or a response.
pub struct Message<'a> {
    /// A response's status, or a component's name in its own section.
    pub key: &'a str,
    /// The component it is, where one is used.
    pub shared: Option<&'a str>,
    /// The body or response, resolved.
    pub node: &'a Value,
    pub headers: Vec<Row<'a>>,
    pub media: Vec<Media<'a>>,
}

pub struct Media<'a> {
    pub media_type: &'a str,
    pub ty: Type<'a>,
    /// The schema, when it has no name.
    pub inline: Option<Schema<'a>>,
    pub examples: Vec<NamedExample<'a>>,
}

/// A schema and its fields (nested ones as `a.b`, array elements as `a[].b`;
/// a named schema inside is not expanded).
pub struct Schema<'a> {
    pub name: &'a str,
    pub node: &'a Value,
    pub ty: Type<'a>,
    pub constraints: Vec<Constraint<'a>>,
    /// Each `required` list: the fields it names, and its sources.
    pub required: Vec<(Vec<String>, Sources<'a>)>,
    pub fields: Vec<Row<'a>>,
}

/// A field of a schema, a parameter or a header.
pub struct Row<'a> {
    pub name: String,
    /// Where a parameter goes (`path`, `query`, ...).
    pub place: Option<&'a str>,
    /// The component parameter or header it is.
    pub shared: Option<&'a str>,
    pub ty: Type<'a>,
    /// When required, the sources of that rule.
    pub required: Option<Sources<'a>>,
    /// Empty for a named schema: it shows its own.
    pub constraints: Vec<Constraint<'a>>,
    pub description: Option<&'a str>,
    pub example: Option<&'a Value>,
}

/// A keyword of a schema, or of an unnamed schema in it (`items: enum`,
/// `oneOf/1: format`, ...); `sources` is `None` where the keyword is no rule.
pub struct Constraint<'a> {
    pub keyword: String,
    pub value: &'a Value,
    pub sources: Option<Sources<'a>>,
}

pub enum Type<'a> {
    /// `type` (`any` when none) and `format`.
    Plain(&'a str, Option<&'a str>),
    Array(Box<Type<'a>>),
    /// A named schema's type, and its name.
    Named(Box<Type<'a>>, &'a str),
    /// `oneOf`, `anyOf` or `allOf` these.
    Of(&'static str, Vec<Type<'a>>),
}

pub fn read(doc: &Document, discrepancies: Vec<Discrepancy>) -> Reference<'_> {
    let r = Reader { doc };
    let part = |name| entries(doc.get("components").and_then(|c| c.get(name)));
    let operations: Vec<Op> = doc.operations().iter().map(|o| r.op(o)).collect();
    let mut schemas = Vec::new();
    for (name, schema) in part("schemas") {
        schemas.push(r.schema(name, schema));
        r.titled(schema, &mut schemas);
    }
    Reference {
        root: &doc.root,
        schemes: part("securitySchemes")
            .map(|(n, s)| (n, doc.resolve(s)))
            .collect(),
        notifications: r.notifications(&operations),
        operations,
        responses: part("responses").map(|(n, x)| r.message(n, x)).collect(),
        bodies: part("requestBodies")
            .map(|(n, x)| r.message(n, x))
            .collect(),
        headers: part("headers").map(|(n, h)| r.row(h, Some(n))).collect(),
        schemas,
        discrepancies,
    }
}

/// `name` inside `path` (`a.b`, `a/b`, `a: b`).
fn child(path: &str, separator: &str, name: &str) -> String {
    match path {
        "" => name.to_owned(),
        _ => format!("{path}{separator}{name}"),
    }
}

/// The first sentence of a text.
pub fn first_sentence(text: &str) -> &str {
    let ends = text.match_indices(". ").chain(text.match_indices(".\n"));
    ends.map(|(i, _)| i).min().map_or(text, |i| &text[..=i])
}

/// The component of `kind` that `x` refers to, if it does.
fn component<'a>(x: &'a Value, kind: &str) -> Option<&'a str> {
    str_of(x, "$ref")?.strip_prefix(&format!("#/components/{kind}/"))
}

struct Reader<'a> {
    doc: &'a Document,
}

impl<'a> Reader<'a> {
    fn op(&self, o: &Operation<'a>) -> Op<'a> {
        let params = self.doc.parameters(o).into_iter();
        let responses = entries(o.op.get("responses"));
        Op {
            id: o.id(),
            method: o.method,
            path: o.path,
            node: o.op,
            params: params.map(|p| self.row(p, None)).collect(),
            body: o.op.get("requestBody").map(|b| self.message("", b)),
            responses: responses.map(|(s, x)| self.message(s, x)).collect(),
        }
    }

    /// Each callback once, with the operations that register it.
    fn notifications(&self, operations: &[Op<'a>]) -> Vec<Notification<'a>> {
        let mut out: Vec<Notification> = Vec::new();
        for op in operations {
            for (name, callback) in entries(op.node.get("callbacks")) {
                let node = self.doc.resolve(callback);
                match out.iter_mut().find(|n| std::ptr::eq(n.node, node)) {
                    Some(n) => n.registered_by.push(op.id.clone()),
                    None => out.push(Notification {
                        name,
                        node,
                        registered_by: vec![op.id.clone()],
                        requests: self.requests(node),
                    }),
                }
            }
        }
        out
    }

    /// The requests of a callback.
    fn requests(&self, callback: &'a Value) -> Vec<Op<'a>> {
        let operations = self.doc.operations_in(Some(callback));
        operations.iter().map(|o| self.op(o)).collect()
    }

    /// A parameter, or a header (`name` given).
    fn row(&self, p: &'a Value, name: Option<&'a str>) -> Row<'a> {
        let shared = component(p, "parameters").or(component(p, "headers"));
        let p = self.doc.resolve(p);
        let name = name.or_else(|| str_of(p, "name")).unwrap_or("?");
        let required = is_true(p, "required").then(|| references(p, "required"));
        let field = self.field(name, p.get("schema").unwrap_or(&Value::Null), required);
        Row {
            place: str_of(p, "in"),
            shared,
            description: str_of(p, "description").or(field.description),
            example: p.get("example"),
            ..field
        }
    }

    /// A request body or a response (`key`: its status, if one).
    fn message(&self, key: &'a str, x: &'a Value) -> Message<'a> {
        let shared = component(x, "responses").or(component(x, "requestBodies"));
        let node = self.doc.resolve(x);
        let headers = entries(node.get("headers"));
        Message {
            key,
            shared,
            node,
            headers: headers.map(|(name, h)| self.row(h, Some(name))).collect(),
            media: self.media(node),
        }
    }

    fn media(&self, holder: &'a Value) -> Vec<Media<'a>> {
        let mut out = Vec::new();
        for (media_type, m) in entries(holder.get("content")) {
            let schema = m.get("schema").unwrap_or(&Value::Null);
            let inline = !self.is_named(schema);
            out.push(Media {
                media_type,
                ty: self.type_of(schema),
                inline: inline.then(|| self.schema("", self.doc.resolve(schema))),
                examples: self.doc.media_examples(m),
            });
        }
        out
    }

    fn schema(&self, name: &'a str, node: &'a Value) -> Schema<'a> {
        let mut s = Schema {
            name,
            node,
            ty: self.bare_type(node),
            constraints: Vec::new(),
            required: Vec::new(),
            fields: Vec::new(),
        };
        self.constraints(node, "", &mut s.constraints);
        self.nested(node, "", &mut s);
        s
    }

    /// The schemas written inside `schema` with a `title`, outermost first.
    fn titled(&self, schema: &'a Value, out: &mut Vec<Schema<'a>>) {
        for (_, child) in subschemas(schema) {
            if let (None, Some(title)) = (child.get("$ref"), str_of(child, "title")) {
                out.push(self.schema(title, child));
            }
            self.titled(child, out);
        }
    }

    /// The fields inside an unnamed `node`, named after `path`.
    fn nested(&self, node: &'a Value, path: &str, s: &mut Schema<'a>) {
        let node = self.doc.resolve(node);
        if node.get("properties").is_some() || node.get("allOf").is_some() {
            self.fields(node, path, s);
        } else if let Some(items) = node.get("items").filter(|i| !self.is_named(i)) {
            self.nested(items, &format!("{path}[]"), s);
        }
    }

    /// The properties of `node` (`allOf` merged), and its `required` lists.
    fn fields(&self, node: &'a Value, path: &str, s: &mut Schema<'a>) {
        self.required_lists(node, path, s);
        let merged = Value::Mapping(self.doc.merged(node));
        let required: Vec<&str> = seq(merged.get("required"))
            .filter_map(Value::as_str)
            .collect();
        for (name, _) in entries(merged.get("properties")) {
            // The merged copy is owned: find the property in the document.
            let has = |n: &Value| n.get("properties").and_then(|p| p.get(name)).is_some();
            let found = self
                .doc
                .find(node, &has)
                .and_then(|n| n.get("properties")?.get(name));
            let Some(prop) = found else { continue };
            let path = child(path, ".", name);
            // The sources of `required` are shown with its list.
            let required = required.contains(&name).then(Vec::new);
            s.fields.push(self.field(&path, prop, required));
            if !self.is_named(prop) {
                self.nested(prop, &path, s);
            }
        }
    }

    /// The `required` lists of `node` and of its `allOf` members.
    fn required_lists(&self, node: &'a Value, path: &str, s: &mut Schema<'a>) {
        let node = self.doc.resolve(node);
        let names = seq(node.get("required")).filter_map(Value::as_str);
        let names: Vec<String> = names.map(|n| child(path, ".", n)).collect();
        if !names.is_empty() {
            s.required.push((names, references(node, "required")));
        }
        for part in seq(node.get("allOf")) {
            self.required_lists(part, path, s);
        }
    }

    /// A field; of a named schema, it keeps the name and first sentence.
    fn field(&self, name: &str, schema: &'a Value, required: Option<Sources<'a>>) -> Row<'a> {
        let carrier = self.doc.carrier(schema, "description");
        let mut description = carrier.and_then(|c| str_of(c, "description"));
        let mut constraints = Vec::new();
        match self.is_named(schema) {
            true => description = description.map(first_sentence),
            false => self.constraints(schema, "", &mut constraints),
        }
        Row {
            name: name.to_owned(),
            place: None,
            shared: None,
            ty: self.type_of(schema),
            required,
            constraints,
            description,
            example: None,
        }
    }

    /// The keywords of [`SHOWN`] on `schema` and on the unnamed schemas in
    /// it, but not in its properties (they are fields of their own).
    fn constraints(&self, schema: &'a Value, at: &str, out: &mut Vec<Constraint<'a>>) {
        let schema = self.doc.resolve(schema);
        for keyword in SHOWN.split_whitespace() {
            let Some(value) = schema.get(keyword) else {
                continue;
            };
            let sources = is_rule(schema, keyword).then(|| references(schema, keyword));
            // A `false` flag that is no rule says nothing (`nullable: false`).
            if sources.is_some() || value.as_bool() != Some(false) {
                let keyword = child(at, ": ", keyword);
                out.push(Constraint {
                    keyword,
                    value,
                    sources,
                });
            }
        }
        for (path, child) in subschemas(schema) {
            if !path.starts_with("properties/") && !self.is_named(child) {
                self.constraints(child, &self::child(at, "/", &path), out);
            }
        }
    }

    /// The name a schema is shown under: its component's, or a `title`.
    fn name_of(&self, schema: &'a Value) -> Option<&'a str> {
        component(schema, "schemas").or_else(|| str_of(self.doc.resolve(schema), "title"))
    }

    fn is_named(&self, schema: &'a Value) -> bool {
        self.name_of(schema).is_some()
    }

    fn type_of(&self, schema: &'a Value) -> Type<'a> {
        let bare = self.bare_type(self.doc.resolve(schema));
        match self.name_of(schema) {
            Some(name) => Type::Named(Box::new(bare), name),
            None => bare,
        }
    }

    /// A schema's type, leaving out its own name.
    fn bare_type(&self, schema: &'a Value) -> Type<'a> {
        for key in ["oneOf", "anyOf", "allOf"] {
            let Some(list) = schema.get(key) else {
                continue;
            };
            if key != "allOf" || schema.get("type").is_none() {
                return Type::Of(key, seq(Some(list)).map(|s| self.type_of(s)).collect());
            }
        }
        let ty = match str_of(schema, "type") {
            Some(ty) => ty,
            None if schema.get("properties").is_some() => "object",
            None => "any",
        };
        match schema.get("items") {
            Some(items) if ty == "array" => Type::Array(Box::new(self.type_of(items))),
            _ => Type::Plain(ty, str_of(schema, "format")),
        }
    }
}
