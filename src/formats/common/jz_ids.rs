//! Trace and span id fields read straight from the text: a hex id is parsed where serde hands it
//! over (borrowed from the input, no `String`); anything else is kept as a [`Scalar`] for
//! [`parse_trace_id`] / [`parse_span_id`] to judge (and word the warning) as before.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::jz_read::{Scalar, ScalarVisitor, parse_span_id, parse_trace_id};
use crate::model::{SpanId, TraceId};

/// An id as read: parsed, or the value that was there.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Id<T> {
    Parsed(T),
    Raw(Scalar),
}

/// Ids that a hex string without spaces gives directly.
pub(crate) trait HexId: Copy {
    fn from_hex(s: &str) -> Option<Self>;
    /// What `parse_*_id` makes of a value.
    fn from_scalar(s: &Scalar) -> Result<Self, String>;
}

impl HexId for TraceId {
    fn from_hex(s: &str) -> Option<Self> {
        TraceId::from_hex(s).ok()
    }
    fn from_scalar(s: &Scalar) -> Result<Self, String> {
        parse_trace_id(s)
    }
}

impl HexId for SpanId {
    fn from_hex(s: &str) -> Option<Self> {
        SpanId::from_hex(s).ok()
    }
    fn from_scalar(s: &Scalar) -> Result<Self, String> {
        parse_span_id(s)
    }
}

impl<T: HexId> Id<T> {
    /// [`parse_trace_id`] / [`parse_span_id`] of the value read.
    pub(crate) fn parse(&self) -> Result<T, String> {
        match self {
            Id::Parsed(t) => Ok(*t),
            Id::Raw(s) => T::from_scalar(s),
        }
    }
}

impl<'de, T: HexId> serde::Deserialize<'de> for Id<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IdSeed(PhantomData).deserialize(d)
    }
}

struct IdSeed<T>(PhantomData<T>);

impl<'de, T: HexId> DeserializeSeed<'de> for IdSeed<T> {
    type Value = Id<T>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Id<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: HexId> Visitor<'de> for IdSeed<T> {
    type Value = Id<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Id<T>, E> {
        // Without spaces around it, the text is what `parse_*_id` would parse.
        Ok(match T::from_hex(v) {
            Some(id) => Id::Parsed(id),
            None => Id::Raw(Scalar::Str(v.to_owned())),
        })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Id<T>, E> {
        Ok(Id::Raw(Scalar::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id<T>, E> {
        Ok(Id::Raw(Scalar::I64(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id<T>, E> {
        Ok(Id::Raw(Scalar::U64(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id<T>, E> {
        Ok(Id::Raw(Scalar::F64(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Id<T>, E> {
        Ok(Id::Raw(Scalar::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Id<T>, E> {
        Ok(Id::Raw(Scalar::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Id<T>, A::Error> {
        ScalarVisitor.visit_seq(seq).map(Id::Raw)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Id<T>, A::Error> {
        ScalarVisitor.visit_map(map).map(Id::Raw)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Read as an id or as a scalar, any JSON string or value gives the same id or the
        /// same message.
        #[test]
        fn an_id_read_directly_is_the_scalar_parsed(
            s in "[ 0-9a-fA-Fxz]{0,40}",
            n in any::<u64>(),
            which in 0u8..3,
        ) {
            let text = match which {
                0 => serde_json::to_string(&s).unwrap(),
                1 => n.to_string(),
                _ => "null".to_string(),
            };
            let scalar: Scalar = serde_json::from_str(&text).unwrap();
            let t: Id<TraceId> = serde_json::from_str(&text).unwrap();
            let sp: Id<SpanId> = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(t.parse(), parse_trace_id(&scalar));
            prop_assert_eq!(sp.parse(), parse_span_id(&scalar));
        }
    }
}
