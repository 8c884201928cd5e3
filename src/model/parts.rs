//! Which parts of a span a command reads, so that readers can skip the rest without building it.

/// The parts of a [`crate::model::Span`] beyond its core (ids, parent, name, service, kind,
/// status, times, flags), each of which a reader may leave empty when the command does not read
/// it. The default reads everything; a command narrows it with [`SpanParts::CORE`] and the parts
/// it needs.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SpanParts {
    /// Span attributes (tags); `false` leaves `Span::attributes` empty.
    pub attributes: bool,
    /// With `attributes`, only the span attributes whose key starts with one of these (the
    /// others are skipped without being built); `None` keeps them all.
    pub attribute_prefixes: Option<&'static [&'static str]>,
    /// Events (logs, annotations).
    pub events: bool,
    /// Links and references other than the parent.
    pub links: bool,
    /// Resource attributes other than `service.name` (which is always read into
    /// `Span::service`), and the resource's schema URL.
    pub resource: bool,
    /// The instrumentation scope.
    pub scope: bool,
    /// Strings a command never shows: the status message and the W3C trace state.
    pub texts: bool,
}

impl SpanParts {
    /// Everything: what a writer or a renderer of whole spans needs.
    pub const ALL: SpanParts = SpanParts {
        attributes: true,
        attribute_prefixes: None,
        events: true,
        links: true,
        resource: true,
        scope: true,
        texts: true,
    };

    /// Only the core of a span: ids, parent, name, service, kind, status code, times, flags.
    pub const CORE: SpanParts = SpanParts {
        attributes: false,
        attribute_prefixes: None,
        events: false,
        links: false,
        resource: false,
        scope: false,
        texts: false,
    };
}

impl Default for SpanParts {
    fn default() -> Self {
        Self::ALL
    }
}
