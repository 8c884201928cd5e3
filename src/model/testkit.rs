//! Test-only: build spans and traces in code, for the tests of every layer (the model is the
//! lowest layer, so any module may use it).
//!
//! ```ignore
//! let t = trace([
//!     span(1).service("web").name("GET /").start(0).duration(100),
//!     span(2).parent(1).service("db").name("SELECT").start(10).duration(50).attr("db.rows", 3i64),
//! ]);
//! ```

use std::sync::Arc;

use crate::model::{KeyValue, Span, SpanId, SpanKind, StatusCode, Trace, TraceId, Value};

/// 2023-11-14T22:13:20Z: where [`SpanBuilder::start`] counts from.
pub const BASE_NS: u64 = 1_700_000_000_000_000_000;

/// A span with id `id` in trace 1, everything else empty (as [`Span::new`]).
pub fn span(id: u64) -> SpanBuilder {
    SpanBuilder(Span::new(TraceId(1), SpanId(id)))
}

/// A span of trace `trace` between two instants in ns: the shape most analysis tests need.
pub fn timed(
    trace: u128,
    id: u64,
    parent: Option<u64>,
    service: &str,
    name: &str,
    start_ns: u64,
    end_ns: u64,
) -> Span {
    span(id)
        .trace(trace)
        .parent(parent)
        .service(service)
        .name(name)
        .start_ns(start_ns)
        .end_ns(end_ns)
        .build()
}

/// A trace of `spans`, with the trace id of the first (1 when there is none).
pub fn trace<S: Into<Span>>(spans: impl IntoIterator<Item = S>) -> Trace {
    let spans: Vec<Span> = spans.into_iter().map(Into::into).collect();
    Trace {
        trace_id: spans.first().map_or(TraceId(1), |s| s.trace_id),
        spans,
    }
}

/// A fluent [`Span`]: each method sets one field; [`SpanBuilder::build`] (or `into()`) ends it.
#[must_use]
pub struct SpanBuilder(Span);

impl SpanBuilder {
    pub fn trace(mut self, trace_id: u128) -> Self {
        self.0.trace_id = TraceId(trace_id);
        self
    }

    /// The parent: an id, or an `Option` of one (`None`: a root).
    pub fn parent(mut self, parent: impl Into<Option<u64>>) -> Self {
        self.0.parent_span_id = parent.into().map(SpanId);
        self
    }

    pub fn service(mut self, service: &str) -> Self {
        self.0.service = Arc::from(service);
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.0.name = Arc::from(name);
        self
    }

    pub fn kind(mut self, kind: SpanKind) -> Self {
        self.0.kind = kind;
        self
    }

    /// Start `us` microseconds after [`BASE_NS`], keeping the duration.
    pub fn start(self, us: u64) -> Self {
        self.start_ns(BASE_NS + us * 1_000)
    }

    /// Last `us` microseconds.
    pub fn duration(self, us: u64) -> Self {
        self.duration_ns(us * 1_000)
    }

    /// Start at `ns` (absolute), keeping the duration.
    pub fn start_ns(mut self, ns: u64) -> Self {
        let d = self.0.end_ns.saturating_sub(self.0.start_ns);
        self.0.start_ns = ns;
        self.0.end_ns = ns + d;
        self
    }

    /// End at `ns` (absolute; before the start makes a negative duration).
    pub fn end_ns(mut self, ns: u64) -> Self {
        self.0.end_ns = ns;
        self
    }

    pub fn duration_ns(mut self, ns: u64) -> Self {
        self.0.end_ns = self.0.start_ns + ns;
        self
    }

    pub fn attr(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.attributes.push(KeyValue::new(key, value.into()));
        self
    }

    /// An error status, with a message when given.
    pub fn error(mut self, message: Option<&str>) -> Self {
        self.0.status.code = StatusCode::Error;
        self.0.status.message = message.map(Into::into);
        self
    }

    /// Any other change, on the span itself.
    pub fn with(mut self, f: impl FnOnce(&mut Span)) -> Self {
        f(&mut self.0);
        self
    }

    pub fn build(self) -> Span {
        self.0
    }
}

impl From<SpanBuilder> for Span {
    fn from(b: SpanBuilder) -> Span {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_what_it_says() {
        let t = trace([
            span(1)
                .trace(9)
                .service("web")
                .name("GET /")
                .start(0)
                .duration(100),
            span(2)
                .trace(9)
                .parent(1)
                .duration(50)
                .start(10)
                .attr("db.rows", 3i64)
                .error(Some("boom"))
                .kind(SpanKind::Client),
        ]);
        assert_eq!(t.trace_id, TraceId(9));
        let (a, b) = (&t.spans[0], &t.spans[1]);
        assert_eq!((&*a.service, &*a.name), ("web", "GET /"));
        assert_eq!((a.start_ns, a.end_ns), (BASE_NS, BASE_NS + 100_000));
        assert_eq!(a.parent_span_id, None);
        assert_eq!(b.parent_span_id, Some(SpanId(1)));
        assert_eq!((b.start_ns, b.end_ns), (BASE_NS + 10_000, BASE_NS + 60_000));
        assert_eq!(b.attributes, vec![KeyValue::new("db.rows", Value::Int(3))]);
        assert_eq!(b.status.code, StatusCode::Error);
        assert_eq!(b.status.message.as_deref(), Some("boom"));
        assert_eq!(b.kind, SpanKind::Client);
        let raw = span(3).start_ns(50).end_ns(40).build();
        assert_eq!((raw.start_ns, raw.end_ns), (50, 40));
        assert_eq!(trace(Vec::<Span>::new()).trace_id, TraceId(1));
    }
}
