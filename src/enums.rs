//! Every value of a generated enum, read from the JSON schema it derives
//! (build.rs asks for `schemars::JsonSchema` on every generated type), so
//! that code which needs the whole list (a command line's choices, an error
//! message naming the known values) keeps no copy of its own.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every value of `T`, in the document's order.
///
/// ```
/// use live_record_callbacks::enums;
/// use live_record_callbacks::types::SignType;
///
/// assert_eq!(enums::all::<SignType>(), [SignType::Hmacsha256, SignType::Md5]);
/// ```
///
/// # Panics
///
/// If `T`'s schema lists no values: `T` is not a string enum. That is a
/// mistake in the calling code, caught the first time it runs.
pub fn all<T: JsonSchema + DeserializeOwned>() -> Vec<T> {
    let schema = schemars::gen::SchemaGenerator::default().into_root_schema_for::<T>();
    let mut values = Vec::new();
    collect(
        &serde_json::to_value(&schema.schema).expect("a schema is JSON"),
        &mut values,
    );
    assert!(
        !values.is_empty(),
        "{} is not an enum: its schema lists no values",
        T::schema_name()
    );
    values
        .into_iter()
        .map(|v| {
            serde_json::from_value(v.clone())
                .unwrap_or_else(|e| panic!("{v} is in the schema of {}: {e}", T::schema_name()))
        })
        .collect()
}

/// The `enum` values of a schema, or of each branch of its `oneOf` (the
/// shape schemars gives an enum whose variants carry descriptions).
fn collect(schema: &Value, out: &mut Vec<Value>) {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        out.extend(values.iter().cloned());
    }
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        for branch in branches {
            collect(branch, out);
        }
    }
}
