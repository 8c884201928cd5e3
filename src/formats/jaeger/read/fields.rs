//! The value seeds of a span's lists and of processes: tags, logs, references, processes.

use std::fmt;

use base64::Engine as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{RawProcess, RawRef, SubKey, subkey};
use crate::formats::common::jz_read::{
    KeySeed, Problem, Scalar, clamp_ns, describe_value, map_is_wrong, micros_to_ns,
    scalars_are_wrong, seq_is_wrong,
};
use crate::model::{Event, Interner, KeyValue, Value};

/// A list of `{key, type, value}` tags (span tags, log fields, process tags).
pub(super) struct TagsSeed<'s> {
    pub(super) out: &'s mut Vec<KeyValue>,
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) field: String,
    pub(super) interner: &'s mut Interner,
}

impl<'de> DeserializeSeed<'de> for TagsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl TagsSeed<'_> {
    fn wrong(self, found: &str) {
        self.problems.push(Problem::new(
            self.field,
            format!("expected a list of tags, found {found}"),
        ));
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of tags")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while let Some(tag) = seq.next_element_seed(TagSeed {
            interner: &mut *self.interner,
        })? {
            match tag {
                Some(Ok(kv)) => self.out.push(kv),
                Some(Err(m)) => self.problems.push(Problem::new(
                    format!("{}[{i}]", self.field),
                    format!("tag dropped: {m}"),
                )),
                None => {}
            }
            i += 1;
        }
        Ok(())
    }
    map_is_wrong!();
    scalars_are_wrong!();
}

struct TagSeed<'s> {
    interner: &'s mut Interner,
}

impl<'de> DeserializeSeed<'de> for TagSeed<'_> {
    type Value = Option<Result<KeyValue, String>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl TagSeed<'_> {
    fn wrong(self, found: &str) -> Option<Result<KeyValue, String>> {
        Some(Err(format!("expected a tag object, found {found}")))
    }
}

impl<'de> Visitor<'de> for TagSeed<'_> {
    type Value = Option<Result<KeyValue, String>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag object {\"key\", \"type\", \"value\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut key, mut ty, mut value) = (None::<Scalar>, None::<Scalar>, None::<Scalar>);
        while let Some(k) = map.next_key_seed(KeySeed(subkey))? {
            match k {
                SubKey::Key => key = Some(map.next_value()?),
                SubKey::Type => ty = Some(map.next_value()?),
                SubKey::Value => value = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let key = match key {
            Some(Scalar::Str(k)) => k,
            Some(other) => {
                return Ok(Some(Err(format!(
                    "expected a string key, found {}",
                    describe_value(&other)
                ))));
            }
            None => return Ok(Some(Err("it has no key".into()))),
        };
        let ty = ty.as_ref().and_then(Scalar::as_str);
        let value = tag_value(ty, value.unwrap_or(Scalar::Null));
        Ok(Some(Ok(KeyValue {
            key: self.interner.intern(&key),
            value,
        })))
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

/// A tag's value by its Jaeger `type` (inferred from the JSON value when absent or unknown).
pub(super) fn tag_value(ty: Option<&str>, v: Scalar) -> Value {
    if v.is_null() {
        return Value::Empty;
    }
    let ty = ty.map(str::trim).unwrap_or("");
    if ty.eq_ignore_ascii_case("string") {
        return Value::Str(v.text().into_boxed_str());
    }
    if ty.eq_ignore_ascii_case("bool") || ty.eq_ignore_ascii_case("boolean") {
        return v
            .boolean()
            .map_or_else(|| Value::Str(v.text().into_boxed_str()), Value::Bool);
    }
    if ty.eq_ignore_ascii_case("int64")
        || ty.eq_ignore_ascii_case("int")
        || ty.eq_ignore_ascii_case("long")
    {
        return match v.int().map(i64::try_from) {
            Some(Ok(i)) => Value::Int(i),
            _ => match v {
                Scalar::F64(f) => Value::Double(f),
                other => Value::Str(other.text().into_boxed_str()),
            },
        };
    }
    if ty.eq_ignore_ascii_case("float64") || ty.eq_ignore_ascii_case("double") {
        return v
            .float()
            .map_or_else(|| Value::Str(v.text().into_boxed_str()), Value::Double);
    }
    if ty.eq_ignore_ascii_case("binary") {
        if let Scalar::Str(s) = &v {
            use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
            let t = s.trim();
            if let Ok(b) = STANDARD.decode(t).or_else(|_| STANDARD_NO_PAD.decode(t)) {
                return Value::Bytes(b.into_boxed_slice());
            }
        }
        return Value::Str(v.text().into_boxed_str());
    }
    infer_value(v)
}

/// A value by its JSON type.
fn infer_value(v: Scalar) -> Value {
    match v {
        Scalar::Null => Value::Empty,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::I64(i) => Value::Int(i),
        Scalar::U64(u) => {
            i64::try_from(u).map_or_else(|_| Value::Str(u.to_string().into_boxed_str()), Value::Int)
        }
        Scalar::F64(f) => Value::Double(f),
        Scalar::Str(s) => Value::Str(s.into_boxed_str()),
        Scalar::Json(j) => Value::Str(j.to_string().into_boxed_str()),
    }
}

/// `logs`: `[{timestamp, fields: [tag…]}]` → events.
pub(super) struct LogsSeed<'s> {
    pub(super) out: &'s mut Vec<Event>,
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) interner: &'s mut Interner,
}

impl<'de> DeserializeSeed<'de> for LogsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl LogsSeed<'_> {
    fn wrong(self, found: &str) {
        self.problems.push(Problem::new(
            "logs",
            format!("expected a list of logs, found {found}"),
        ));
    }
}

impl<'de> Visitor<'de> for LogsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of logs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while let Some(ev) = seq.next_element_seed(LogSeed {
            problems: &mut *self.problems,
            interner: &mut *self.interner,
            index: i,
        })? {
            if let Some(ev) = ev {
                self.out.push(ev);
            }
            i += 1;
        }
        Ok(())
    }
    map_is_wrong!();
    scalars_are_wrong!();
}

struct LogSeed<'s> {
    problems: &'s mut Vec<Problem>,
    interner: &'s mut Interner,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_> {
    type Value = Option<Event>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl LogSeed<'_> {
    fn wrong(self, found: &str) -> Option<Event> {
        self.problems.push(Problem::new(
            format!("logs[{}]", self.index),
            format!("log dropped: expected an object, found {found}"),
        ));
        None
    }
}

impl<'de> Visitor<'de> for LogSeed<'_> {
    type Value = Option<Event>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a log object {\"timestamp\", \"fields\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut time: Option<Scalar> = None;
        let mut fields = Vec::new();
        while let Some(k) = map.next_key_seed(KeySeed(subkey))? {
            match k {
                SubKey::Timestamp => time = Some(map.next_value()?),
                SubKey::Fields => map.next_value_seed(TagsSeed {
                    out: &mut fields,
                    problems: &mut *self.problems,
                    field: format!("logs[{}].fields", self.index),
                    interner: &mut *self.interner,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let time_ns = match time.as_ref().map(micros_to_ns) {
            Some(Ok(ns)) => clamp_ns(ns),
            Some(Err(m)) => {
                self.problems
                    .push(Problem::new(format!("logs[{}].timestamp", self.index), m));
                0
            }
            None => 0,
        };
        let name = match fields
            .iter()
            .position(|kv| &*kv.key == "event" && matches!(kv.value, Value::Str(_)))
        {
            Some(p) => {
                let kv = fields.remove(p);
                self.interner.intern(kv.value.as_str().unwrap_or("log"))
            }
            None => self.interner.intern("log"),
        };
        Ok(Some(Event {
            time_ns,
            name,
            attributes: fields,
            dropped_attributes_count: 0,
        }))
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

/// `references`: `[{refType, traceID, spanID}]`.
pub(super) struct RefsSeed<'s> {
    pub(super) out: &'s mut Vec<RawRef>,
    pub(super) problems: &'s mut Vec<Problem>,
}

impl<'de> DeserializeSeed<'de> for RefsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl RefsSeed<'_> {
    fn wrong(self, found: &str) {
        self.problems.push(Problem::new(
            "references",
            format!("expected a list of references, found {found}"),
        ));
    }
}

impl<'de> Visitor<'de> for RefsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of references")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Scalar>()? {
            match item {
                Scalar::Json(serde_json::Value::Object(o)) => {
                    let get = |k: &str| o.get(k).map(json_scalar);
                    self.out.push(RawRef {
                        ref_type: get("refType"),
                        trace_id: get("traceID"),
                        span_id: get("spanID"),
                    });
                }
                Scalar::Null => {}
                other => {
                    let i = self.out.len();
                    self.problems.push(Problem::new(
                        format!("references[{i}]"),
                        format!(
                            "reference dropped: expected an object, found {}",
                            other.describe()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
    map_is_wrong!();
    scalars_are_wrong!();
}

fn json_scalar(v: &serde_json::Value) -> Scalar {
    use serde_json::Value as J;
    match v {
        J::Null => Scalar::Null,
        J::Bool(b) => Scalar::Bool(*b),
        J::Number(n) => n
            .as_u64()
            .map(Scalar::U64)
            .or_else(|| n.as_i64().map(Scalar::I64))
            .unwrap_or_else(|| Scalar::F64(n.as_f64().unwrap_or(f64::NAN))),
        J::String(s) => Scalar::Str(s.clone()),
        other => Scalar::Json(other.clone()),
    }
}

/// A process: `{serviceName, tags}`.
pub(super) struct ProcessSeed<'s> {
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) field: String,
    pub(super) interner: &'s mut Interner,
}

impl<'de> DeserializeSeed<'de> for ProcessSeed<'_> {
    type Value = Option<RawProcess>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl ProcessSeed<'_> {
    fn wrong(self, found: &str) -> Option<RawProcess> {
        self.problems.push(Problem::new(
            self.field,
            format!("expected a process object, found {found}"),
        ));
        None
    }
}

impl<'de> Visitor<'de> for ProcessSeed<'_> {
    type Value = Option<RawProcess>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a process object {\"serviceName\", \"tags\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut p = RawProcess::default();
        while let Some(k) = map.next_key_seed(KeySeed(subkey))? {
            match k {
                SubKey::ServiceName => p.service = Some(map.next_value()?),
                SubKey::Tags => map.next_value_seed(TagsSeed {
                    out: &mut p.tags,
                    problems: &mut *self.problems,
                    field: format!("{}.tags", self.field),
                    interner: &mut *self.interner,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(p))
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

/// `processes`: `{"p1": process, …}` in input order.
pub(super) struct ProcessesSeed<'s> {
    pub(super) out: &'s mut Vec<(String, RawProcess)>,
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) interner: &'s mut Interner,
}

impl<'de> DeserializeSeed<'de> for ProcessesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl ProcessesSeed<'_> {
    fn wrong(self, found: &str) {
        self.problems.push(Problem::new(
            "processes",
            format!("expected an object of processes, found {found}"),
        ));
    }
}

impl<'de> Visitor<'de> for ProcessesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of processes")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<String>()? {
            let field = format!("processes.{id}");
            if let Some(p) = map.next_value_seed(ProcessSeed {
                problems: &mut *self.problems,
                field,
                interner: &mut *self.interner,
            })? {
                self.out.push((id, p));
            }
        }
        Ok(())
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}
