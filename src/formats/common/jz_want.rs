//! Which tags the Jaeger and Zipkin JSON readers build, from the span parts the command reads
//! (`ReadWants::parts`): the others are skipped without being built. The answer for the parts
//! read is that of a full reading (`formats::jaeger::read::parts_tests`,
//! `formats::zipkin::read::parts_tests`).

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
