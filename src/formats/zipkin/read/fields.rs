//! Typed readers of a Zipkin span's fields that would otherwise be read as generic JSON: the
//! endpoints, and the tags (only those the command reads are built).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::model::is_resource_key;
use crate::formats::common::jz_read::{
    KeySeed, Problem, Scalar, ScalarVisitor, scalars_are_wrong, seq_is_wrong,
};
use crate::formats::common::jz_want::{Skip, is_convention, keeps_attribute};
use crate::model::SpanParts;

/// `localEndpoint` / `remoteEndpoint` as read: an object's known fields, or whatever else was
/// there (reported when the span is built).
#[derive(Debug)]
pub(super) enum EpField {
    Obj(RawEndpoint),
    Other(Scalar),
}

/// The fields of an endpoint object (the last of each when repeated, as a JSON map keeps).
#[derive(Debug, Default)]
pub(super) struct RawEndpoint {
    pub(super) service: Option<Scalar>,
    pub(super) ipv4: Option<Scalar>,
    pub(super) ipv6: Option<Scalar>,
    pub(super) port: Option<Scalar>,
}

#[derive(Copy, Clone)]
enum EpKey {
    Service,
    Ipv4,
    Ipv6,
    Port,
    Other,
}

fn ep_key(s: &str) -> EpKey {
    match s {
        "serviceName" => EpKey::Service,
        "ipv4" => EpKey::Ipv4,
        "ipv6" => EpKey::Ipv6,
        "port" => EpKey::Port,
        _ => EpKey::Other,
    }
}

pub(super) struct EpSeed;

impl<'de> DeserializeSeed<'de> for EpSeed {
    type Value = EpField;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<EpField, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EpSeed {
    type Value = EpField;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an endpoint object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EpField, A::Error> {
        let mut e = RawEndpoint::default();
        while let Some(k) = map.next_key_seed(KeySeed(ep_key))? {
            let slot = match k {
                EpKey::Service => &mut e.service,
                EpKey::Ipv4 => &mut e.ipv4,
                EpKey::Ipv6 => &mut e.ipv6,
                EpKey::Port => &mut e.port,
                EpKey::Other => {
                    map.next_value::<Skip>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
        }
        Ok(EpField::Obj(e))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<EpField, A::Error> {
        ScalarVisitor.visit_seq(seq).map(EpField::Other)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::I64(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::U64(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::F64(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::Str(v.to_owned())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<EpField, E> {
        Ok(EpField::Other(Scalar::Null))
    }
}

/// Whether a tag with this key is built, for the parts the command reads: those that become
/// model fields (conventions, `service.name`), resource tags when the resource is read, and
/// the attributes read.
pub(super) fn keeps_tag(parts: SpanParts, key: &str) -> bool {
    if parts.attributes && parts.attribute_prefixes.is_none() && parts.resource {
        return true;
    }
    if key == "service.name" || is_convention(key) {
        return true;
    }
    if is_resource_key(key) {
        parts.resource
    } else {
        keeps_attribute(parts, key)
    }
}

/// `tags`: an object of strings, read in order.
pub(super) struct TagsSeed<'s> {
    pub(super) out: &'s mut Vec<(String, Scalar)>,
    pub(super) problems: &'s mut Vec<Problem>,
    pub(super) parts: SpanParts,
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
            "tags",
            format!("expected an object of tags, found {found}"),
        ));
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tags")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key_seed(TagKeySeed(self.parts))? {
            match k {
                Some(k) => {
                    let v: Scalar = map.next_value()?;
                    if !v.is_null() {
                        self.out.push((k, v));
                    }
                }
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(())
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

/// A tag's key when the tag is built.
struct TagKeySeed(SpanParts);

impl<'de> DeserializeSeed<'de> for TagKeySeed {
    type Value = Option<String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TagKeySeed {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<String>, E> {
        Ok(keeps_tag(self.0, v).then(|| v.to_owned()))
    }
}
