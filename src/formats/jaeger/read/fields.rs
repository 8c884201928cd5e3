//! The value seeds of a span's lists and of processes: tags, logs, references, processes.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::tags::TagSeed;
use super::{RawProcess, RawRef, SubKey, subkey};
use crate::formats::common::jz_read::{
    KeySeed, Problem, Scalar, clamp_ns, map_is_wrong, micros_to_ns, scalars_are_wrong, seq_is_wrong,
};
use crate::formats::common::jz_want::{Keep, Skip};
use crate::model::{Event, Interner, KeyValue, Value};

/// A list of `{key, type, value}` tags (span tags, log fields, process tags).
pub(super) struct TagsSeed<'s> {
    pub(super) out: &'s mut Vec<KeyValue>,
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) field: String,
    pub(super) interner: &'s mut Interner,
    /// The tags built (the others are skipped).
    pub(super) keep: Keep,
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
            keep: self.keep,
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
                    keep: Keep::All,
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
        while let Some(item) = seq.next_element_seed(RefSeed)? {
            match item {
                RefItem::Ref(r) => self.out.push(r),
                RefItem::Null => {}
                RefItem::Wrong(found) => {
                    let i = self.out.len();
                    self.problems.push(Problem::new(
                        format!("references[{i}]"),
                        format!("reference dropped: expected an object, found {found}"),
                    ));
                }
            }
        }
        Ok(())
    }
    map_is_wrong!();
    scalars_are_wrong!();
}

/// One entry of `references`.
enum RefItem {
    Ref(RawRef),
    Null,
    Wrong(&'static str),
}

struct RefSeed;

impl<'de> DeserializeSeed<'de> for RefSeed {
    type Value = RefItem;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RefItem, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RefSeed {
    type Value = RefItem;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reference object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RefItem, A::Error> {
        let mut r = RawRef::default();
        while let Some(k) = map.next_key_seed(KeySeed(subkey))? {
            match k {
                SubKey::RefType => r.ref_type = Some(map.next_value()?),
                SubKey::TraceId => r.trace_id = Some(map.next_value()?),
                SubKey::SpanId => r.span_id = Some(map.next_value()?),
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(RefItem::Ref(r))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RefItem, A::Error> {
        Skip.visit_seq(seq).map(|_| RefItem::Wrong("a list"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RefItem, E> {
        Ok(RefItem::Wrong("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RefItem, E> {
        Ok(RefItem::Wrong("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RefItem, E> {
        Ok(RefItem::Wrong("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RefItem, E> {
        Ok(RefItem::Wrong("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<RefItem, E> {
        Ok(RefItem::Wrong("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RefItem, E> {
        Ok(RefItem::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<RefItem, E> {
        Ok(RefItem::Null)
    }
}

/// A process: `{serviceName, tags}`.
pub(super) struct ProcessSeed<'s> {
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) field: String,
    pub(super) interner: &'s mut Interner,
    /// The process tags built.
    pub(super) keep: Keep,
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
                    keep: self.keep,
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
    pub(super) keep: Keep,
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
                keep: self.keep,
            })? {
                self.out.push((id, p));
            }
        }
        Ok(())
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}
