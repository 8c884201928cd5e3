//! Typed attribute values (OTLP `AnyValue`), shared by spans, events, links, resources and scopes.

use std::fmt;
use std::sync::Arc;

/// An interned attribute key. Keys repeat on every span, so they are shared.
pub type Key = Arc<str>;

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// An `AnyValue` with no value set (valid in OTLP).
    #[default]
    Empty,
    Str(Box<str>),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Box<[u8]>),
    Array(Box<[Value]>),
    Map(Box<[KeyValue]>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    pub key: Key,
    pub value: Value,
}

impl KeyValue {
    pub fn new(key: impl Into<Key>, value: Value) -> Self {
        KeyValue {
            key: key.into(),
            value,
        }
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The type name used in Jaeger tags and in JSON output.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Empty => "empty",
            Value::Str(_) => "string",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Double(_) => "float64",
            Value::Bytes(_) => "binary",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
        }
    }

    /// A JSON value that keeps the type (bytes as base64).
    pub fn to_json(&self) -> serde_json::Value {
        use base64::Engine as _;
        use serde_json::Value as J;
        match self {
            Value::Empty => J::Null,
            Value::Str(s) => J::String(s.to_string()),
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Double(d) => serde_json::Number::from_f64(*d)
                .map(J::Number)
                .unwrap_or_else(|| J::String(d.to_string())),
            Value::Bytes(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
            Value::Array(a) => J::Array(a.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(
                m.iter()
                    .map(|kv| (kv.key.to_string(), kv.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Plain text rendering: strings unquoted, arrays and maps as JSON.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Empty => Ok(()),
            Value::Str(s) => f.write_str(s),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Double(d) => write!(f, "{d}"),
            other => write!(f, "{}", other.to_json()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s.into_boxed_str())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(d: f64) -> Self {
        Value::Double(d)
    }
}

/// Look up an attribute by key (attribute lists are short; a scan beats a map).
pub fn find<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attrs.iter().find(|kv| &*kv.key == key).map(|kv| &kv.value)
}
