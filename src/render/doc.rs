//! Typed `tracekit.<command>/v1` documents: each `--format json` document is a struct that
//! derives `Serialize` and `JsonSchema`, so `tracekit schema CMD` is derived from the very types
//! that write the output. Objects are written through `serde_json::Value`, whose keys are sorted,
//! so the bytes do not depend on field order.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde::Serialize;
use serde_json::Value;

/// A document as a JSON value (keys sorted, as every JSON document of tracekit is written).
pub fn to_value<T: Serialize>(doc: &T) -> Value {
    serde_json::to_value(doc).expect("a tracekit document serializes to JSON")
}

/// The JSON Schema (draft 2020-12) of a document type, with `$id` and `title` for command `cmd`.
/// The schema describes what is serialized (a field skipped when empty is not required).
pub fn schema_of<T: JsonSchema>(cmd: &str) -> Schema {
    let mut s = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    s.insert(
        "$id".into(),
        format!("{}/schema/{cmd}/v1", env!("CARGO_PKG_REPOSITORY")).into(),
    );
    s.insert("title".into(), format!("tracekit.{cmd}/v1").into());
    s
}
