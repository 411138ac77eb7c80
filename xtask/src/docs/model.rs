//! What the reference shows, read from the document: operations,
//! parameters, bodies, responses, notifications and schemas, `$ref`s
//! resolved and `allOf` merged, each rule with its source. No Markdown here.
//!
//! A schema written inline with a `title` is shown like a component schema
//! (its own section, linked by that title), right after the component that
//! holds it: the document writes some schemas inline for the sake of
//! generators (see `RecordCallbackConfigRequest`), and their rules must
//! still be shown beside their sources.

use crate::document::{
    entries, is_true, seq, str_of, subschemas, Document, Operation, Value, Visit,
};
use crate::documented::Discrepancy;
use crate::sources;

pub struct Reference<'a> {
    pub info: &'a Value,
    pub openapi: &'a str,
    pub servers: Vec<&'a Value>,
    /// The default security requirement.
    pub security: Security<'a>,
    pub schemes: Vec<Scheme<'a>>,
    pub operations: Vec<Op<'a>>,
    pub notifications: Vec<Notification<'a>>,
    /// Every `x-signing`, with its JSON pointer.
    pub signing: Vec<(String, &'a Value)>,
    pub schemas: Vec<SchemaDoc<'a>>,
    /// `x-sources`: key, title, url.
    pub sources: Vec<(&'a str, &'a str, Option<&'a str>)>,
    pub discrepancies: Vec<Discrepancy>,
}

/// The sources of a rule, as written (empty: none). `None` where the item
/// is not a rule.
pub type Sources<'a> = Option<Vec<&'a str>>;

/// A security requirement: `None` when none is declared, else the
/// alternatives, each the schemes needed together (name, header, scopes).
pub type Security<'a> = Option<Vec<Vec<(&'a str, Option<&'a str>, Vec<&'a Value>)>>>;

pub struct Scheme<'a> {
    pub name: &'a str,
    pub scheme: &'a Value,
    pub sources: Sources<'a>,
}

/// An operation, or the request a notification makes.
pub struct Op<'a> {
    pub id: String,
    pub method: &'a str,
    pub path: &'a str,
    pub op: &'a Value,
    pub security: Security<'a>,
    pub rules: Vec<(&'a str, Sources<'a>)>,
    pub params: Vec<Param<'a>>,
    pub body: Option<Body<'a>>,
    pub responses: Vec<Response<'a>>,
    pub callbacks: Vec<&'a str>,
}

/// A parameter or a header.
pub struct Param<'a> {
    pub field: Field<'a>,
    pub place: &'a str,
    pub example: Option<&'a Value>,
}

pub struct Body<'a> {
    pub required: bool,
    pub description: Option<&'a str>,
    pub media: Vec<Media<'a>>,
}

pub struct Media<'a> {
    pub media_type: &'a str,
    pub ty: Type,
    pub fields: Vec<Field<'a>>,
    /// A body that is one of several shapes: the fields of each.
    pub alternatives: Vec<(Type, Vec<Field<'a>>)>,
    pub examples: Vec<Example<'a>>,
}

/// An example of a body: its name (none for a lone `example`), summary,
/// value or external value.
pub struct Example<'a> {
    pub name: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub value: Option<&'a Value>,
    pub external: Option<&'a str>,
}

pub struct Response<'a> {
    pub status: &'a str,
    pub description: Option<&'a str>,
    pub sources: Sources<'a>,
    pub headers: Vec<Param<'a>>,
    /// `x-error-codes`: code, meaning, sources.
    pub error_codes: Vec<(&'a str, Option<&'a str>, Sources<'a>)>,
    /// Every `error_code` of the examples, with the examples' summaries.
    pub example_codes: Vec<(String, Option<String>)>,
    pub media: Vec<Media<'a>>,
}

pub struct Notification<'a> {
    pub name: String,
    /// The operations that register it.
    pub from: Vec<String>,
    /// Callback expression -> the requests made to it.
    pub requests: Vec<Op<'a>>,
}

pub struct SchemaDoc<'a> {
    pub name: &'a str,
    pub schema: &'a Value,
    pub field: Field<'a>,
    pub fields: Vec<Field<'a>>,
    pub rules: Vec<(&'a str, Sources<'a>)>,
}

/// One field of a body (nested ones as `a.b`, array elements as `a[]`),
/// or a parameter, header or schema.
pub struct Field<'a> {
    pub name: String,
    pub ty: Type,
    /// `Some` when required, with the sources of that rule.
    pub required: Sources<'a>,
    pub constraints: Vec<Constraint<'a>>,
    pub default: Option<Constraint<'a>>,
    pub description: Option<&'a str>,
}

/// A keyword that limits the values (or says how they are read), on the
/// schema or on its array items.
pub struct Constraint<'a> {
    pub keyword: &'static str,
    pub value: Value,
    pub items: bool,
    pub sources: Sources<'a>,
}

/// A schema's type as reviewers read it.
pub enum Type {
    /// `type` and `format` (`any` when the schema says nothing).
    Plain(String, Option<String>),
    Array(Box<Type>),
    /// The type of a `$ref` target, and the component's name.
    Named(Box<Type>, Option<String>),
    OneOf(Vec<Type>),
    AnyOf(Vec<Type>),
    AllOf(Vec<Type>),
}

/// The keywords a field's constraints are read from, in the order shown.
const SHOWN: &str = "format minLength maxLength minimum maximum exclusiveMinimum \
    exclusiveMaximum multipleOf minItems maxItems uniqueItems minProperties maxProperties \
    pattern enum x-extensible-enum nullable readOnly writeOnly deprecated additionalProperties";

pub fn read<'a>(doc: &'a Document, discrepancies: Vec<Discrepancy>) -> Reference<'a> {
    let r = Reader { doc };
    let operations: Vec<Op> = doc.operations().iter().map(|op| r.op(op)).collect();
    let mut signing = Signing(Vec::new());
    doc.walk(&mut signing);
    let components = |part| doc.get("components").and_then(|c| c.get(part));
    Reference {
        info: doc.get("info").unwrap_or(&Value::Null),
        openapi: str_of(doc, "openapi").unwrap_or("?"),
        servers: seq(doc.get("servers")).collect(),
        security: r.security(doc.get("security")),
        schemes: entries(components("securitySchemes"))
            .map(|(name, s)| {
                let scheme = doc.resolve(s);
                let sources = Some(sources::references(scheme, "scheme"));
                Scheme {
                    name,
                    scheme,
                    sources,
                }
            })
            .collect(),
        notifications: r.notifications(&operations),
        operations,
        signing: signing.0,
        schemas: entries(components("schemas"))
            .flat_map(|(name, schema)| {
                let mut titled = Vec::new();
                inline_titled(schema, &mut titled);
                std::iter::once((name, schema)).chain(titled)
            })
            .map(|(name, schema)| {
                let mut field = r.field(name, schema, None, None);
                // A titled schema's section does not link to itself.
                if let Type::Named(inner, _) = field.ty {
                    field.ty = *inner;
                }
                SchemaDoc {
                    name,
                    schema,
                    field,
                    fields: r.fields(schema),
                    rules: rules(schema, "x-rules", "rule"),
                }
            })
            .collect(),
        sources: entries(doc.get("x-sources"))
            .map(|(k, s)| (k, str_of(s, "title").unwrap_or(""), str_of(s, "url")))
            .collect(),
        discrepancies,
    }
}

/// The entries of an `x-rules` or `x-error-codes` list: the field, and
/// the entry's sources.
fn rules<'a>(node: &'a Value, list: &str, field: &str) -> Vec<(&'a str, Sources<'a>)> {
    seq(node.get(list))
        .map(|e| {
            (
                str_of(e, field).unwrap_or("?"),
                Some(sources::references(e, field)),
            )
        })
        .collect()
}

/// The schemas inside `schema` (not itself) that carry a `title` and no
/// `$ref`, outermost first.
fn inline_titled<'a>(schema: &'a Value, out: &mut Vec<(&'a str, &'a Value)>) {
    for (_, child) in subschemas(schema) {
        if child.get("$ref").is_none() {
            if let Some(title) = str_of(child, "title") {
                out.push((title, child));
            }
        }
        inline_titled(child, out);
    }
}

/// Every `x-signing` on a schema.
struct Signing<'a>(Vec<(String, &'a Value)>);

impl<'a> Visit<'a> for Signing<'a> {
    fn schema(&mut self, at: &str, schema: &'a Value) {
        if let Some(s) = schema.get("x-signing") {
            self.0.push((format!("{at}/x-signing"), s));
        }
    }
}

/// Fields found so far, and the `$ref`s being expanded.
type Acc<'a> = (Vec<Field<'a>>, Vec<&'a str>);

struct Reader<'a> {
    doc: &'a Document,
}

impl<'a> Reader<'a> {
    fn op(&self, o: &Operation<'a>) -> Op<'a> {
        let op = o.op;
        let security = op.get("security").or_else(|| self.doc.get("security"));
        Op {
            id: o.id(),
            method: o.method,
            path: o.path,
            op,
            security: self.security(security),
            rules: rules(op, "x-rules", "rule"),
            params: self
                .doc
                .parameters(o)
                .into_iter()
                .map(|p| self.param(p, None))
                .collect(),
            body: op.get("requestBody").map(|b| self.body(b)),
            responses: entries(op.get("responses"))
                .map(|(status, r)| self.response(status, r))
                .collect(),
            callbacks: entries(op.get("callbacks")).map(|(n, _)| n).collect(),
        }
    }

    fn security(&self, requirements: Option<&'a Value>) -> Security<'a> {
        let list = requirements?.as_sequence()?;
        let header = |name: &str| {
            let schemes = self.doc.get("components")?.get("securitySchemes")?;
            str_of(schemes.get(name)?, "name")
        };
        let alternatives = list.iter().map(|req| {
            entries(Some(req))
                .map(|(name, scopes)| (name, header(name), seq(Some(scopes)).collect()))
                .collect()
        });
        Some(alternatives.collect())
    }

    /// A parameter or header (`name` given for a header).
    fn param(&self, p: &'a Value, name: Option<&'a str>) -> Param<'a> {
        let p = self.doc.resolve(p);
        let name = name.or_else(|| str_of(p, "name")).unwrap_or("?");
        let required = is_true(p, "required").then(|| sources::references(p, "required"));
        let description = str_of(p, "description");
        let schema = p.get("schema").unwrap_or(&Value::Null);
        Param {
            field: self.field(name, schema, required, description),
            place: str_of(p, "in").unwrap_or("header"),
            example: p.get("example"),
        }
    }

    fn body(&self, body: &'a Value) -> Body<'a> {
        let body = self.doc.resolve(body);
        Body {
            required: is_true(body, "required"),
            description: str_of(body, "description"),
            media: self.media(body),
        }
    }

    fn response(&self, status: &'a str, response: &'a Value) -> Response<'a> {
        let r = self.doc.resolve(response);
        Response {
            status,
            description: str_of(r, "description"),
            sources: Some(sources::references(r, "status")),
            headers: entries(r.get("headers"))
                .map(|(name, h)| self.param(h, Some(name)))
                .collect(),
            error_codes: seq(r.get("x-error-codes"))
                .map(|e| {
                    let code = str_of(e, "code").unwrap_or("?");
                    (
                        code,
                        str_of(e, "meaning"),
                        Some(sources::references(e, "code")),
                    )
                })
                .collect(),
            example_codes: self.example_codes(r),
            media: self.media(r),
        }
    }

    fn media(&self, holder: &'a Value) -> Vec<Media<'a>> {
        let mut out = Vec::new();
        for (media_type, media) in entries(holder.get("content")) {
            let schema = media.get("schema").unwrap_or(&Value::Null);
            let resolved = self.doc.resolve(schema);
            let alternatives = ["oneOf", "anyOf"]
                .into_iter()
                .flat_map(|key| seq(resolved.get(key)))
                .map(|alt| (self.type_of(alt), self.fields(alt)))
                .filter(|(_, fields)| !fields.is_empty())
                .collect();
            let lone = media.get("example").map(|e| Example {
                name: None,
                summary: None,
                value: Some(e),
                external: None,
            });
            let mut examples: Vec<Example> = lone.into_iter().collect();
            for (name, example) in entries(media.get("examples")) {
                let e = self.doc.resolve(example);
                examples.push(Example {
                    name: Some(name),
                    summary: str_of(e, "summary"),
                    value: e.get("value"),
                    external: str_of(e, "externalValue"),
                });
            }
            out.push(Media {
                media_type,
                ty: self.type_of(schema),
                fields: self.fields(schema),
                alternatives,
                examples,
            });
        }
        out
    }

    /// Every `error_code` in the examples of a response, with the example's
    /// summary (or name).
    fn example_codes(&self, response: &'a Value) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        for (_, media) in entries(response.get("content")) {
            if let Some(code) = media.get("example").and_then(|e| str_of(e, "error_code")) {
                if !out.iter().any(|(c, _)| c == code) {
                    out.push((code.to_owned(), None));
                }
            }
            for (name, example) in entries(media.get("examples")) {
                let example = self.doc.resolve(example);
                let Some(code) = example.get("value").and_then(|v| str_of(v, "error_code")) else {
                    continue;
                };
                let what = str_of(example, "summary").unwrap_or(name).trim().to_owned();
                match out.iter_mut().find(|(c, _)| c == code) {
                    Some((_, Some(w))) => {
                        w.push_str("; ");
                        w.push_str(&what);
                    }
                    Some((_, w)) => *w = Some(what),
                    None => out.push((code.to_owned(), Some(what))),
                }
            }
        }
        out
    }

    /// Each distinct callback: its name, the operations that declare it,
    /// and the requests it describes.
    fn notifications(&self, operations: &[Op<'a>]) -> Vec<Notification<'a>> {
        let mut out: Vec<(Notification<'a>, Vec<(&str, &Value)>)> = Vec::new();
        for op in operations {
            for (name, cb) in entries(op.op.get("callbacks")) {
                let items: Vec<(&str, &Value)> = entries(Some(self.doc.resolve(cb)))
                    .map(|(expr, item)| (expr, self.doc.resolve(item)))
                    .collect();
                let same = out.iter_mut().find(|(n, i)| n.name == name && *i == items);
                if let Some((n, _)) = same {
                    n.from.push(op.id.clone());
                    continue;
                }
                let name = match out.iter().any(|(n, _)| n.name == name) {
                    true => format!("{name} ({})", op.id),
                    false => name.to_owned(),
                };
                let requests = items.iter().flat_map(|&(path, item)| {
                    entries(Some(item))
                        .filter(|(method, _)| crate::document::METHODS.contains(method))
                        .map(|(method, op)| {
                            self.op(&Operation {
                                path,
                                method,
                                op,
                                item,
                            })
                        })
                });
                let requests = requests.collect();
                let from = vec![op.id.clone()];
                out.push((
                    Notification {
                        name,
                        from,
                        requests,
                    },
                    items,
                ));
            }
        }
        out.into_iter().map(|(n, _)| n).collect()
    }

    /// Every field of an object body, nested ones as `a.b` and array
    /// elements as `a[].b`.
    fn fields(&self, schema: &'a Value) -> Vec<Field<'a>> {
        let mut acc = (Vec::new(), Vec::new());
        self.collect_fields(schema, "", &mut acc);
        acc.0
    }

    /// The fields of `schema` named after `prefix`, into `acc` (the fields
    /// so far, and the `$ref`s being expanded, so that a recursive schema
    /// ends).
    fn collect_fields(&self, schema: &'a Value, prefix: &str, acc: &mut Acc<'a>) {
        if let Some(r) = str_of(schema, "$ref") {
            if !acc.1.contains(&r) {
                acc.1.push(r);
                self.collect_fields(self.doc.resolve(schema), prefix, acc);
                acc.1.pop();
            }
            return;
        }
        let merged = Value::Mapping(self.doc.merged(schema));
        if let Some(props) = merged.get("properties") {
            for (name, _) in entries(Some(props)) {
                // The merged copy is owned: look the property up in the
                // document again to keep references into it.
                let Some(prop) = self.find_property(schema, name) else {
                    continue;
                };
                let path = format!("{prefix}{name}");
                let required = self.required_by(schema, name);
                let required = required.map(|parent| sources::references(parent, "required"));
                acc.0.push(self.field(&path, prop, required, None));
                self.nested(prop, &path, acc);
            }
        } else if prefix.is_empty() {
            if let Some(items) = self.doc.resolve(schema).get("items") {
                self.nested(items, "[]", acc);
            }
        }
    }

    /// The fields inside a property (or array items) named `path`.
    fn nested(&self, prop: &'a Value, path: &str, acc: &mut Acc<'a>) {
        let resolved = self.doc.resolve(prop);
        if resolved.get("properties").is_some() || resolved.get("allOf").is_some() {
            self.collect_fields(prop, &format!("{path}."), acc);
        } else if let Some(inner) = resolved.get("items") {
            self.nested(inner, &format!("{path}[]"), acc);
        }
    }

    /// A property of `schema` (through `$ref`s and `allOf`), as a reference
    /// into the document.
    fn find_property(&self, schema: &'a Value, name: &str) -> Option<&'a Value> {
        let has = |n: &Value| n.get("properties").and_then(|p| p.get(name)).is_some();
        self.doc.find(schema, &has)?.get("properties")?.get(name)
    }

    /// The schema (through `$ref`s and `allOf`) whose `required` lists `name`.
    fn required_by(&self, schema: &'a Value, name: &str) -> Option<&'a Value> {
        let lists = |n: &Value| seq(n.get("required")).any(|r| r.as_str() == Some(name));
        self.doc.find(schema, &lists)
    }

    /// One field: the type, the constraints of the schema (through its
    /// `$ref`s and `allOf`) and its default, each with its source.
    fn field(
        &self,
        name: &str,
        schema: &'a Value,
        required: Sources<'a>,
        description: Option<&'a str>,
    ) -> Field<'a> {
        let description = description
            .or_else(|| str_of(schema, "description"))
            .or_else(|| self.first(schema, "description").and_then(Value::as_str));
        let mut constraints = self.constraints(schema, false);
        if let Some(items) = self.first(schema, "items") {
            constraints.extend(self.constraints(items, true));
        }
        Field {
            name: name.to_owned(),
            ty: self.type_of(schema),
            required,
            default: self.constraint(schema, "default", false),
            constraints,
            description,
        }
    }

    /// The first value of `keyword` in the merged schema, as a reference
    /// into the document.
    fn first(&self, schema: &'a Value, keyword: &str) -> Option<&'a Value> {
        self.doc.carrier(schema, keyword)?.get(keyword)
    }

    fn constraints(&self, schema: &'a Value, items: bool) -> Vec<Constraint<'a>> {
        let shown = SHOWN.split_whitespace();
        shown
            .filter_map(|k| self.constraint(schema, k, items))
            .collect()
    }

    fn constraint(
        &self,
        schema: &'a Value,
        keyword: &'static str,
        items: bool,
    ) -> Option<Constraint<'a>> {
        let node = self.doc.carrier(schema, keyword)?;
        let rule = sources::is_rule(node, keyword);
        let sources = rule.then(|| sources::references(node, keyword));
        Some(Constraint {
            keyword,
            value: node.get(keyword)?.clone(),
            items,
            sources,
        })
    }

    /// A short type, with the name of the schema a `$ref` points at (or
    /// the `title` of one written inline).
    fn type_of(&self, schema: &Value) -> Type {
        if let Some(r) = str_of(schema, "$ref") {
            let target = self.doc.pointer(r).unwrap_or(&Value::Null);
            let name = r.strip_prefix("#/components/schemas/").map(str::to_owned);
            return Type::Named(Box::new(self.type_of(target)), name);
        }
        if let Some(title) = str_of(schema, "title") {
            let mut untitled = schema.clone();
            if let Some(m) = untitled.as_mapping_mut() {
                m.remove("title");
            }
            return Type::Named(Box::new(self.type_of(&untitled)), Some(title.to_owned()));
        }
        let list = |key| seq(schema.get(key)).map(|s| self.type_of(s)).collect();
        if schema.get("oneOf").is_some() {
            return Type::OneOf(list("oneOf"));
        }
        if schema.get("anyOf").is_some() {
            return Type::AnyOf(list("anyOf"));
        }
        if schema.get("allOf").is_some() && schema.get("type").is_none() {
            return Type::AllOf(list("allOf"));
        }
        let ty = match schema.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Sequence(ts)) => {
                let ts: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
                ts.join(" or ")
            }
            _ if schema.get("properties").is_some() => "object".into(),
            _ => "any".into(),
        };
        match ty.as_str() {
            "array" => Type::Array(Box::new(match schema.get("items") {
                Some(items) => self.type_of(items),
                None => Type::Plain("any".into(), None),
            })),
            _ => Type::Plain(ty, str_of(schema, "format").map(str::to_owned)),
        }
    }
}
