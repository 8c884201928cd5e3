//! Traces, and the grouping of spans from many sources into traces.

use std::collections::HashMap;

use super::ids::{TraceId, TraceRef};
use super::span::Span;

/// All spans of one trace id that the input had (in input order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub trace_id: TraceId,
    pub spans: Vec<Span>,
}

impl Trace {
    pub fn new(trace_id: TraceId) -> Self {
        Trace {
            trace_id,
            spans: Vec::new(),
        }
    }

    /// Earliest start over the spans that have a timestamp.
    pub fn start_ns(&self) -> u64 {
        self.spans
            .iter()
            .map(|s| s.start_ns)
            .filter(|t| *t > 0)
            .min()
            .unwrap_or(0)
    }

    /// Latest end over all spans.
    pub fn end_ns(&self) -> u64 {
        self.spans
            .iter()
            .map(|s| s.end_ns.max(s.start_ns))
            .max()
            .unwrap_or(0)
    }

    pub fn duration_ns(&self) -> u64 {
        self.end_ns().saturating_sub(self.start_ns())
    }

    pub fn error_count(&self) -> usize {
        self.spans.iter().filter(|s| s.is_error()).count()
    }

    /// Distinct service names, sorted.
    pub fn services(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.spans.iter().map(|s| &*s.service).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Groups spans into traces by trace id across all sources, keeping first-seen order.
/// With a filter, spans of other traces are dropped as they arrive, so memory stays bounded by
/// the traces asked for, not by the input.
#[derive(Default)]
pub struct TraceSet {
    traces: Vec<Trace>,
    by_id: HashMap<TraceId, usize>,
    filter: Option<Vec<TraceRef>>,
    dropped_spans: u64,
}

impl TraceSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep only the traces these ids or id prefixes match (`--trace`).
    pub fn with_filter(refs: impl IntoIterator<Item = TraceRef>) -> Self {
        TraceSet {
            filter: Some(refs.into_iter().collect()),
            ..Self::default()
        }
    }

    pub fn add(&mut self, span: Span) {
        if let Some(f) = &self.filter
            && !self.by_id.contains_key(&span.trace_id)
            && !f.iter().any(|r| r.matches(span.trace_id))
        {
            self.dropped_spans += 1;
            return;
        }
        let idx = *self.by_id.entry(span.trace_id).or_insert_with(|| {
            self.traces.push(Trace::new(span.trace_id));
            self.traces.len() - 1
        });
        self.traces[idx].spans.push(span);
    }

    pub fn extend(&mut self, spans: impl IntoIterator<Item = Span>) {
        for s in spans {
            self.add(s);
        }
    }

    pub fn len(&self) -> usize {
        self.traces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.traces.is_empty()
    }

    pub fn span_count(&self) -> usize {
        self.traces.iter().map(|t| t.spans.len()).sum()
    }

    /// Spans that the filter left out.
    pub fn dropped_spans(&self) -> u64 {
        self.dropped_spans
    }

    pub fn get(&self, id: TraceId) -> Option<&Trace> {
        self.by_id.get(&id).map(|i| &self.traces[*i])
    }

    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    pub fn into_traces(self) -> Vec<Trace> {
        self.traces
    }
}
