//! The rules progenitor 0.15 places on an OpenAPI document, checked up front.
//!
//! Progenitor enforces some of these with `assert!` deep inside its code
//! generator, so a document that breaks one would stop the build with a bare
//! panic. The client's build script and `cargo xtask check` both use these
//! (one copy of the rules) and report each broken rule with the operation it
//! concerns.

use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, StatusCode};

/// Reads the document as progenitor's `openapiv3` types.
///
/// openapiv3 2.2 cannot read a Reference Object where an operation lists a
/// callback (`callbacks: {name: {$ref: '#/components/callbacks/...'}}`,
/// which OpenAPI 3.0 allows and the contract uses so that the notification
/// is defined once). Progenitor does not use callbacks, so the operations'
/// `callbacks` are left out of what it reads; `components/callbacks` is
/// kept.
pub fn parse_document(text: &str) -> Result<OpenAPI, String> {
    parse_value(serde_yaml::from_str(text).map_err(|e| e.to_string())?)
}

/// [`parse_document`] for a document already read as YAML.
pub fn parse_value(mut doc: serde_yaml::Value) -> Result<OpenAPI, String> {
    if let Some(paths) = doc
        .get_mut("paths")
        .and_then(serde_yaml::Value::as_mapping_mut)
    {
        for (_, item) in paths.iter_mut() {
            for (_, op) in item.as_mapping_mut().into_iter().flat_map(|m| m.iter_mut()) {
                if let Some(op) = op.as_mapping_mut() {
                    op.remove("callbacks");
                }
            }
        }
    }
    serde_yaml::from_value(doc).map_err(|e| e.to_string())
}

/// Every way the document breaks progenitor's rules, one line each.
pub fn progenitor_rule_violations(spec: &OpenAPI) -> Vec<String> {
    let mut problems = Vec::new();
    if !spec.openapi.trim().starts_with("3.0.") {
        problems.push(format!(
            "`openapi: {}`: progenitor only reads OpenAPI 3.0.x",
            spec.openapi
        ));
    }
    let mut seen_ids = std::collections::BTreeSet::new();
    for (path, item) in spec.paths.paths.iter() {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                problems.push(format!(
                    "path {path}: a `$ref` path item ({reference}) is not supported"
                ));
                continue;
            }
        };
        for (method, op) in item.iter() {
            let here = match &op.operation_id {
                Some(id) => {
                    if !seen_ids.insert(id.clone()) {
                        problems.push(format!("{method} {path}: operationId {id} is used twice"));
                    }
                    format!("{id} ({} {path})", method.to_uppercase())
                }
                None => {
                    problems.push(format!(
                        "{} {path}: no operationId (progenitor names methods after it)",
                        method.to_uppercase()
                    ));
                    continue;
                }
            };
            let params = item.parameters.iter().chain(op.parameters.iter());
            for param in params {
                let param = match resolve_parameter(spec, param) {
                    Some(p) => p,
                    None => {
                        problems.push(format!("{here}: a parameter `$ref` does not resolve"));
                        continue;
                    }
                };
                if let Parameter::Path { parameter_data, .. } = param {
                    if !parameter_data.required {
                        problems.push(format!(
                            "{here}: path parameter `{}` must be `required: true`",
                            parameter_data.name
                        ));
                    }
                }
            }
            let (success, error) = body_kinds(spec, op);
            if success.len() > 1 {
                problems.push(format!(
                    "{here}: success responses use {} different body types ({}); progenitor allows one",
                    success.len(),
                    success.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
            if error.len() > 1 {
                problems.push(format!(
                    "{here}: error responses use {} different body types ({}); progenitor allows one",
                    error.len(),
                    error.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    problems
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    p: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match spec.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// The distinct body types of the success and of the error responses, each
/// described as the `$ref` it uses, `inline schema at <status>`, or `no body`.
fn body_kinds(
    spec: &OpenAPI,
    op: &Operation,
) -> (
    std::collections::BTreeSet<String>,
    std::collections::BTreeSet<String>,
) {
    let mut success = std::collections::BTreeSet::new();
    let mut error = std::collections::BTreeSet::new();
    let mut entries: Vec<(String, bool, &ReferenceOr<openapiv3::Response>)> = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| {
            let is_success = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            (code.to_string(), is_success, r)
        })
        .collect();
    if let Some(default) = &op.responses.default {
        entries.push(("default".to_string(), true, default));
        entries.push(("default".to_string(), false, default));
    }
    for (code, is_success, r) in entries {
        let response = match r {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| spec.components.as_ref()?.responses.get(name))
                .and_then(|r| r.as_item()),
        };
        let kind = match response.and_then(|r| {
            r.content
                .iter()
                .find(|(mt, _)| *mt == "application/json" || mt.starts_with("application/json;"))
        }) {
            None => "no body".to_string(),
            Some((_, mt)) => match &mt.schema {
                Some(ReferenceOr::Reference { reference }) => reference.clone(),
                Some(ReferenceOr::Item(_)) => format!("inline schema at {code}"),
                None => "untyped JSON".to_string(),
            },
        };
        if is_success {
            success.insert(kind);
        } else {
            error.insert(kind);
        }
    }
    (success, error)
}
