//! Helpers shared by the Jaeger JSON and Zipkin JSON writers: common conversion notes and the µs
//! rule.

use crate::formats::write::Notes;
use crate::model::Span;

/// Microsecond times by the rule every µs writer follows: the start is truncated to whole µs and
/// the duration is computed from truncated values, `end/1000 − start/1000` (so start + duration is
/// the truncated end). Returns (start µs, duration µs, whether a sub-µs part was dropped).
pub(crate) fn micros(span: &Span) -> (u64, i64, bool) {
    let start = span.start_ns / 1000;
    let end = span.end_ns / 1000;
    let duration = i128::from(end) - i128::from(start);
    let duration =
        i64::try_from(duration).unwrap_or(if duration < 0 { i64::MIN } else { i64::MAX });
    (
        start,
        duration,
        !span.start_ns.is_multiple_of(1000) || !span.end_ns.is_multiple_of(1000),
    )
}

/// The tags by which Jaeger and Zipkin carry kind, status, scope and trace state. Span attributes
/// with these names are replaced by the span's own values when written.
pub(crate) const CONVENTIONAL_KEYS: &[&str] = &[
    "span.kind",
    "error",
    "otel.status_code",
    "otel.status_description",
    "otel.scope.name",
    "otel.scope.version",
    "otel.library.name",
    "otel.library.version",
    "w3c.tracestate",
];

pub(crate) const NOTE_CONVENTIONAL: &str = "span attributes named like the tags that carry kind, status, scope and trace state \
     (error, span.kind, otel.status_code, otel.scope.name, …) were replaced by the span's own values";

/// Notes for what neither format carries.
pub(crate) fn note_common(span: &Span, notes: &mut Notes, format: &str) {
    if !span.scope.attributes.is_empty() {
        notes.add(&format!(
            "instrumentation scope attributes have no {format} field and were dropped"
        ));
    }
    if span.dropped_attributes_count != 0
        || span.dropped_events_count != 0
        || span.dropped_links_count != 0
        || span.events.iter().any(|e| e.dropped_attributes_count != 0)
        || span.resource.dropped_attributes_count != 0
        || span.resource.schema_url.is_some()
        || span.scope.schema_url.is_some()
    {
        notes.add(&format!(
            "dropped-item counts and schema URLs have no {format} field and were not written"
        ));
    }
    if span
        .attributes
        .iter()
        .any(|kv| CONVENTIONAL_KEYS.contains(&&*kv.key))
    {
        notes.add(NOTE_CONVENTIONAL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SpanId, TraceId};

    #[test]
    fn truncation_rule() {
        let mut s = Span::new(TraceId(1), SpanId(1));
        s.start_ns = 1_999;
        s.end_ns = 3_001;
        assert_eq!(micros(&s), (1, 2, true));
        s.start_ns = 5_000;
        s.end_ns = 4_000;
        assert_eq!(micros(&s), (5, -1, false));
        let mut n = Notes::default();
        n.add("a");
        n.add("a");
        assert_eq!(n.take(), ["a"]);
    }
}
