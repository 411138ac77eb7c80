//! `for_each_schema!("path/to/openapi.yaml", callback)` expands to
//! `callback! { Name1 Name2 ... }`, the names of the document's component
//! schemas (`components.schemas`), read when the caller is compiled. The
//! document stays the only list of its schemas: a test maps each name to
//! the generated type of the same name without a table kept by hand, and
//! recompiles when the document changes. The path is relative to the
//! calling crate's manifest directory.

use proc_macro::{TokenStream, TokenTree};

#[proc_macro]
pub fn for_each_schema(input: TokenStream) -> TokenStream {
    expand(input).unwrap_or_else(|e| format!("compile_error!({e:?});").parse().unwrap())
}

fn expand(input: TokenStream) -> Result<TokenStream, String> {
    let usage = "usage: for_each_schema!(\"path/to/openapi.yaml\", callback)";
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let (path, callback) = match tokens.as_slice() {
        [TokenTree::Literal(path), TokenTree::Punct(comma), TokenTree::Ident(callback)]
            if comma.as_char() == ',' =>
        {
            let path = path.to_string();
            let path = path.strip_prefix('"').and_then(|p| p.strip_suffix('"'));
            (path.ok_or(usage)?.to_owned(), callback.to_string())
        }
        _ => return Err(usage.to_owned()),
    };
    let dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let path = std::path::Path::new(&dir).join(path);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let schemas = doc.get("components").and_then(|c| c.get("schemas"));
    let schemas = schemas
        .and_then(|s| s.as_mapping())
        .ok_or("the document has no schemas")?;
    let mut names = Vec::new();
    for name in schemas.keys() {
        let name = name.as_str().ok_or("a schema name is not a string")?;
        let ident = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!("schema `{name}` is not a Rust type name"));
        }
        names.push(name);
    }
    let path = path.display().to_string();
    let expanded = format!(
        "{callback}! {{ {} }} const _: &[u8] = include_bytes!({path:?});",
        names.join(" ")
    );
    expanded.parse().map_err(|e| format!("{e:?}"))
}
