//! One tag `{key, type, value}` of a Jaeger span, log or process: its key is looked at first
//! and a tag the command does not read is skipped without being built; the value by its type.

use std::fmt;

use base64::Engine as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{SubKey, subkey};
use crate::formats::common::jz_read::{
    KeySeed, Scalar, ScalarVisitor, describe_value, scalars_are_wrong, seq_is_wrong,
};
use crate::formats::common::jz_want::{Keep, Skip};
use crate::model::{Interner, KeyValue, Value};

pub(super) struct TagSeed<'s> {
    pub(super) interner: &'s mut Interner,
    pub(super) keep: Keep,
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
        let (mut key, mut ty, mut value) = (None::<TagKey>, None::<Ty>, None::<Scalar>);
        while let Some(k) = map.next_key_seed(KeySeed(subkey))? {
            match k {
                SubKey::Key => {
                    let k = map.next_value_seed(TagKeySeed {
                        interner: &mut *self.interner,
                        keep: self.keep,
                    })?;
                    if matches!(k, TagKey::Skip) {
                        // A tag the command does not read: the rest of it unread.
                        while map.next_entry::<Skip, Skip>()?.is_some() {}
                        return Ok(None);
                    }
                    key = Some(k);
                }
                SubKey::Type => ty = Some(map.next_value_seed(TySeed)?),
                SubKey::Value => value = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let key = match key {
            Some(TagKey::Key(k)) => k,
            Some(TagKey::Wrong(other)) => {
                return Ok(Some(Err(format!(
                    "expected a string key, found {}",
                    describe_value(&other)
                ))));
            }
            Some(TagKey::Skip) => return Ok(None),
            None => return Ok(Some(Err("it has no key".into()))),
        };
        let value = tag_value_ty(ty.unwrap_or(Ty::Infer), value.unwrap_or(Scalar::Null));
        Ok(Some(Ok(KeyValue { key, value })))
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

/// A tag's key: interned when the tag is built, else skipped; anything but a string is kept to
/// be reported.
enum TagKey {
    Key(std::sync::Arc<str>),
    Skip,
    Wrong(Scalar),
}

struct TagKeySeed<'s> {
    interner: &'s mut Interner,
    keep: Keep,
}

impl<'de> DeserializeSeed<'de> for TagKeySeed<'_> {
    type Value = TagKey;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<TagKey, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TagKeySeed<'_> {
    type Value = TagKey;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<TagKey, E> {
        Ok(if self.keep.keeps(v) {
            TagKey::Key(self.interner.intern(v))
        } else {
            TagKey::Skip
        })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<TagKey, E> {
        Ok(TagKey::Wrong(Scalar::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TagKey, E> {
        Ok(TagKey::Wrong(Scalar::I64(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TagKey, E> {
        Ok(TagKey::Wrong(Scalar::U64(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TagKey, E> {
        Ok(TagKey::Wrong(Scalar::F64(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<TagKey, E> {
        Ok(TagKey::Wrong(Scalar::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<TagKey, E> {
        Ok(TagKey::Wrong(Scalar::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TagKey, A::Error> {
        ScalarVisitor.visit_seq(seq).map(TagKey::Wrong)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TagKey, A::Error> {
        ScalarVisitor.visit_map(map).map(TagKey::Wrong)
    }
}

/// A tag's `type`, as [`tag_value_ty`] reads it (anything but a known type name: inferred).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    Str,
    Bool,
    Int,
    Float,
    Binary,
    Infer,
}

fn ty_of(ty: Option<&str>) -> Ty {
    let ty = ty.map(str::trim).unwrap_or("");
    let is = |names: &[&str]| names.iter().any(|n| ty.eq_ignore_ascii_case(n));
    if is(&["string"]) {
        Ty::Str
    } else if is(&["bool", "boolean"]) {
        Ty::Bool
    } else if is(&["int64", "int", "long"]) {
        Ty::Int
    } else if is(&["float64", "double"]) {
        Ty::Float
    } else if is(&["binary"]) {
        Ty::Binary
    } else {
        Ty::Infer
    }
}

struct TySeed;

impl<'de> DeserializeSeed<'de> for TySeed {
    type Value = Ty;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Ty, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TySeed {
    type Value = Ty;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag type")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Ty, E> {
        Ok(ty_of(Some(v)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Ty, E> {
        Ok(Ty::Infer)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Ty, E> {
        Ok(Ty::Infer)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Ty, E> {
        Ok(Ty::Infer)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Ty, E> {
        Ok(Ty::Infer)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Ty, E> {
        Ok(Ty::Infer)
    }
    fn visit_none<E: de::Error>(self) -> Result<Ty, E> {
        Ok(Ty::Infer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Ty, A::Error> {
        Skip.visit_seq(seq).map(|_| Ty::Infer)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Ty, A::Error> {
        Skip.visit_map(map).map(|_| Ty::Infer)
    }
}

/// A tag's value by its Jaeger `type` (inferred from the JSON value when absent or unknown).
#[cfg(test)]
pub(super) fn tag_value(ty: Option<&str>, v: Scalar) -> Value {
    tag_value_ty(ty_of(ty), v)
}

/// [`tag_value`] with the type read.
pub(super) fn tag_value_ty(ty: Ty, v: Scalar) -> Value {
    if v.is_null() {
        return Value::Empty;
    }
    let text = |v: Scalar| match v {
        Scalar::Str(s) => Value::Str(s.into_boxed_str()),
        other => Value::Str(other.text().into_boxed_str()),
    };
    match ty {
        Ty::Str => text(v),
        Ty::Bool => match v.boolean() {
            Some(b) => Value::Bool(b),
            None => text(v),
        },
        Ty::Int => match v.int().map(i64::try_from) {
            Some(Ok(i)) => Value::Int(i),
            _ => match v {
                Scalar::F64(f) => Value::Double(f),
                other => text(other),
            },
        },
        Ty::Float => match v.float() {
            Some(f) => Value::Double(f),
            None => text(v),
        },
        Ty::Binary => {
            if let Scalar::Str(s) = &v {
                use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
                let t = s.trim();
                if let Ok(b) = STANDARD.decode(t).or_else(|_| STANDARD_NO_PAD.decode(t)) {
                    return Value::Bytes(b.into_boxed_slice());
                }
            }
            text(v)
        }
        Ty::Infer => infer_value(v),
    }
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
