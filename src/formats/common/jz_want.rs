//! Which tags the Jaeger and Zipkin JSON readers build, from the span parts the command reads
//! (`ReadWants::parts`): the others are skipped without being built. The answer for the parts
//! read is that of a full reading (`formats::jaeger::read::parts_tests`,
//! `formats::zipkin::read::parts_tests`).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::model::{KeyValue, SpanParts};

/// The tags whose values move into model fields ([`super::jz_read::take_conventions`]): always
/// read, since kind and status code are core fields.
pub(crate) fn is_convention(key: &str) -> bool {
    matches!(
        key,
        "span.kind"
            | "error"
            | "otel.status_code"
            | "otel.status_description"
            | "otel.scope.name"
            | "otel.scope.version"
            | "otel.library.name"
            | "otel.library.version"
            | "w3c.tracestate"
    )
}

/// Which keys of a list of tags are built.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Keep {
    /// Every tag.
    All,
    /// Span tags: those the command reads as attributes, and the conventions.
    Span(SpanParts),
    /// Only `service.name` (process tags when the resource is not read).
    ServiceName,
}

impl Keep {
    /// Span tags for `parts`.
    pub(crate) fn span(parts: SpanParts) -> Keep {
        if parts.attributes && parts.attribute_prefixes.is_none() {
            Keep::All
        } else {
            Keep::Span(parts)
        }
    }

    /// Process (resource) tags for `parts`.
    pub(crate) fn process(parts: SpanParts) -> Keep {
        if parts.resource {
            Keep::All
        } else {
            Keep::ServiceName
        }
    }

    pub(crate) fn keeps(self, key: &str) -> bool {
        match self {
            Keep::All => true,
            Keep::Span(parts) => is_convention(key) || keeps_attribute(parts, key),
            Keep::ServiceName => key == "service.name",
        }
    }
}

/// Whether a span attribute with this key is read.
pub(crate) fn keeps_attribute(parts: SpanParts, key: &str) -> bool {
    parts.attributes
        && parts
            .attribute_prefixes
            .is_none_or(|ps| ps.iter().any(|p| key.starts_with(p)))
}

/// Drops the attributes the command does not read (those left after the conventions).
pub(crate) fn retain_attributes(attrs: &mut Vec<KeyValue>, parts: SpanParts) {
    if parts.attributes && parts.attribute_prefixes.is_none() {
        return;
    }
    attrs.retain(|kv| keeps_attribute(parts, &kv.key));
}

/// A value not built, read as strictly as one that is: strings are checked (UTF-8, escapes)
/// and numbers parsed, so that a document is rejected at the same place whatever the command
/// reads (serde's `IgnoredAny` lets an invalid escape or a number out of range through).
pub(crate) struct Skip;

impl<'de> serde::Deserialize<'de> for Skip {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = Skip;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_none<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}
