//! From a span's raw fields to a model span, and what needs the whole trace: the trace id,
//! the process, the parent.

use std::collections::HashMap;
use std::sync::Arc;

use super::{JState, ParsedSpan, ProcRef, RawProcess, RawRef, SpanFields, TraceAcc};
use crate::formats::common::jz_ids::Id;
use crate::formats::common::jz_read::{
    Dialect, Problem, Scalar, Shared, clamp_ns, describe_value, end_out_of_range, join_path,
    micros_to_ns, quoted, take_conventions,
};
use crate::formats::common::jz_want::retain_attributes;
use crate::model::{KeyValue, Link, ParentRef, RefKind, Resource, Span, SpanId, TraceId, Value};

/// A trace object is complete: resolve processes and parents, emit its spans.
pub(super) fn finish_trace(
    st: &mut JState<'_, '_>,
    acc: TraceAcc,
    trace_id: Option<Id<TraceId>>,
    base: &str,
    line: u64,
) {
    for p in acc.problems {
        st.warn(line, join_path(base, &p.field), p.message);
    }
    let trace_id = match trace_id.as_ref().map(Id::parse) {
        Some(Ok(t)) => t,
        Some(Err(m)) => {
            st.warn(line, join_path(base, "traceID"), m);
            TraceId::ZERO
        }
        None => TraceId::ZERO,
    };
    let mut processes: HashMap<String, (Arc<str>, Arc<Resource>)> =
        HashMap::with_capacity(acc.processes.len());
    for (id, raw) in acc.processes {
        let p = process_resource(&mut st.shared, raw);
        processes.entry(id).or_insert(p);
    }
    let mut missing: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(acc.spans.len());
    for ps in acc.spans {
        let index = ps.index;
        let path = || join_path(base, &format!("spans[{index}]"));
        if let Some(span) = finish_span(st, ps, trace_id, &path, Some((&processes, &mut missing))) {
            out.push(span);
        }
    }
    st.emit(out);
}

type Processes<'a> = (
    &'a HashMap<String, (Arc<str>, Arc<Resource>)>,
    &'a mut Vec<String>,
);

/// Fills in what needed the whole trace: the trace id, the process, the parent.
pub(super) fn finish_span(
    st: &mut JState<'_, '_>,
    ps: ParsedSpan,
    trace_id: TraceId,
    path: &dyn Fn() -> String,
    processes: Option<Processes<'_>>,
) -> Option<Span> {
    let mut span = ps.span;
    if span.trace_id.is_zero() {
        span.trace_id = trace_id;
    }
    if span.trace_id.is_zero() {
        st.warn(
            ps.line,
            path(),
            "span skipped: it has no traceID (nor has its trace)",
        );
        return None;
    }
    for l in &mut span.links {
        if l.trace_id.is_zero() {
            l.trace_id = span.trace_id;
        }
    }
    let same = |l: &&Link, kind: RefKind| l.kind == kind && l.trace_id == span.trace_id;
    if let Some(l) = span.links.iter().find(|l| same(l, RefKind::ChildOf)) {
        span.parent_span_id = Some(l.span_id);
        span.parent_ref = ParentRef::ChildOf;
    } else if let Some(l) = span.links.iter().find(|l| same(l, RefKind::FollowsFrom)) {
        span.parent_span_id = Some(l.span_id);
        span.parent_ref = ParentRef::FollowsFrom;
    } else {
        span.parent_span_id = ps.parent_field;
        span.parent_ref = ParentRef::ParentId;
    }
    if !st.ctx.wants.parts.links {
        // Read for the parent only.
        span.links = Vec::new();
    }
    match ps.process {
        ProcRef::None => {}
        ProcRef::Embedded(service, resource) => {
            span.service = service;
            span.resource = resource;
        }
        ProcRef::Id(id) => {
            match processes {
                Some((map, _)) if map.contains_key(&id) => {
                    if let Some((service, resource)) = map.get(&id) {
                        span.service = service.clone();
                        span.resource = resource.clone();
                    }
                }
                Some((_, missing)) => {
                    if !missing.contains(&id) {
                        st.warn(
                        ps.line,
                        join_path(&path(), "processID"),
                        format!("process {} is not in the trace's processes; its service is unknown", quoted(&id)),
                    );
                        missing.push(id);
                    }
                }
                None => {
                    st.warn(
                        ps.line,
                        join_path(&path(), "processID"),
                        "a span outside a trace names a processID; its service is unknown",
                    );
                }
            }
        }
    }
    Some(span)
}

fn process_resource(shared: &mut Shared, raw: RawProcess) -> (Arc<str>, Arc<Resource>) {
    let service = raw.service.map(|s| s.text()).unwrap_or_default();
    let mut attrs = Vec::with_capacity(raw.tags.len() + 1);
    if !service.is_empty() {
        attrs.push(KeyValue {
            key: shared.interner.intern("service.name"),
            value: Value::from(service.as_str()),
        });
    }
    attrs.extend(raw.tags);
    (shared.interner.intern(&service), shared.resource(attrs))
}

/// Turns a span's fields into a model span, or `None` (with warnings) when an id is bad.
pub(super) fn build_span(
    st: &mut JState<'_, '_>,
    mut f: SpanFields,
    path: &dyn Fn() -> String,
) -> Option<ParsedSpan> {
    let line = f.line;
    // The first problem that makes the span unusable; problems with single fields (even those
    // found after it) are warned about too.
    let mut bad: Option<Problem> = None;
    let (trace_id, span_id, parent_field) = span_ids(&f, &mut bad);
    let links = links(&f.references, &mut f.problems, &mut bad);
    // A span whose time cannot be read cannot be placed: skip it rather than draw it in 1970.
    for (field, v) in [("startTime", &f.start_time), ("duration", &f.duration)] {
        if let Some(v) = v.as_ref()
            && let Err(m) = micros_to_ns(v)
        {
            bad.get_or_insert(Problem::new(field, m));
        }
    }
    if let (Some(t), Some(d)) = (&f.start_time, &f.duration)
        && let Some(m) = end_out_of_range(t, d)
    {
        bad.get_or_insert(Problem::new("duration", m));
    }
    if let Some(p) = bad {
        for q in f.problems {
            st.warn(line, join_path(&path(), &q.field), q.message);
        }
        st.warn(
            line,
            join_path(&path(), &p.field),
            format!("span skipped: {}", p.message),
        );
        return None;
    }

    let mut span = st.shared.blank_span(trace_id, span_id);
    span.links = links;
    match &f.operation_name {
        Some(Scalar::Str(name)) => span.name = st.shared.interner.intern(name),
        Some(name) => span.name = st.shared.interner.intern(&name.text()),
        None => {}
    }
    let (start, end, time_problems) = times(&f);
    span.start_ns = start;
    span.end_ns = end;
    f.problems.extend(time_problems);
    if let Some(flags) = &f.flags {
        match flags.int() {
            Some(v) if v >= 0 => span.flags = (v & 0xff) as u32,
            _ if flags.is_null() => {}
            _ => f.problems.push(Problem::new(
                "flags",
                format!("expected a number, found {}", describe_value(flags)),
            )),
        }
    }
    let parts = st.ctx.wants.parts;
    let mut conv = take_conventions(&mut f.tags, Dialect::Jaeger);
    retain_attributes(&mut f.tags, parts);
    if !parts.texts {
        conv.status.message = None;
        conv.trace_state = None;
    }
    span.kind = conv.kind.unwrap_or_default();
    span.status = conv.status;
    span.trace_state = conv.trace_state.map(String::into_boxed_str);
    if parts.scope {
        span.scope = st.shared.scope(conv.scope_name, conv.scope_version);
    }
    span.attributes = std::mem::take(&mut f.tags);
    span.events = std::mem::take(&mut f.logs);
    let process = process_ref(st, &mut f);
    for q in f.problems {
        st.warn(line, join_path(&path(), &q.field), q.message);
    }
    Some(ParsedSpan {
        span,
        process,
        parent_field,
        index: 0,
        line,
    })
}

/// Keeps the first problem that makes a span unusable.
fn first(bad: &mut Option<Problem>, field: &str, message: String) {
    bad.get_or_insert_with(|| Problem::new(field, message));
}

/// The trace id (zero when the span has none: its trace's), span id and `parentSpanID`.
fn span_ids(f: &SpanFields, bad: &mut Option<Problem>) -> (TraceId, SpanId, Option<SpanId>) {
    let trace_id = match f.trace_id.as_ref().map(Id::parse) {
        Some(Ok(t)) => t,
        Some(Err(m)) => {
            first(bad, "traceID", m);
            TraceId::ZERO
        }
        None => TraceId::ZERO,
    };
    let span_id = match f.span_id.as_ref().map(Id::parse) {
        Some(Ok(s)) if !s.is_zero() => s,
        Some(Ok(_)) | None => {
            first(bad, "spanID", "it has no spanID".into());
            SpanId::ZERO
        }
        Some(Err(m)) => {
            first(bad, "spanID", m);
            SpanId::ZERO
        }
    };
    let parent_field = match f.parent_span_id.as_ref().map(Id::parse) {
        Some(Ok(p)) if !p.is_zero() => Some(p),
        Some(Ok(_)) | None => None,
        Some(Err(m)) => {
            first(bad, "parentSpanID", m);
            None
        }
    };
    (trace_id, span_id, parent_field)
}

/// `references` → links. A reference of an unknown type or without a span id is dropped (a
/// problem); a bad id makes the span unusable.
fn links(refs: &[RawRef], problems: &mut Vec<Problem>, bad: &mut Option<Problem>) -> Vec<Link> {
    let mut links = Vec::with_capacity(refs.len());
    for (i, r) in refs.iter().enumerate() {
        let kind = match r.ref_type.as_ref().and_then(Scalar::as_str).map(str::trim) {
            Some(t) if t.eq_ignore_ascii_case("CHILD_OF") => RefKind::ChildOf,
            Some(t) if t.eq_ignore_ascii_case("FOLLOWS_FROM") => RefKind::FollowsFrom,
            other => {
                let found = other.map_or_else(|| "nothing".to_string(), quoted);
                problems.push(Problem::new(
                    format!("references[{i}].refType"),
                    format!("reference dropped: expected CHILD_OF or FOLLOWS_FROM, found {found}"),
                ));
                continue;
            }
        };
        let ref_trace = match r.trace_id.as_ref().map(Id::parse) {
            Some(Ok(t)) => t,
            Some(Err(m)) => {
                first(bad, &format!("references[{i}].traceID"), m);
                continue;
            }
            None => TraceId::ZERO,
        };
        let ref_span = match r.span_id.as_ref().map(Id::parse) {
            Some(Ok(s)) if !s.is_zero() => s,
            Some(Err(m)) => {
                first(bad, &format!("references[{i}].spanID"), m);
                continue;
            }
            Some(Ok(_)) | None => {
                problems.push(Problem::new(
                    format!("references[{i}].spanID"),
                    "reference dropped: it has no spanID",
                ));
                continue;
            }
        };
        links.push(Link {
            trace_id: ref_trace,
            span_id: ref_span,
            kind,
            trace_state: None,
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            flags: 0,
        });
    }
    links
}

/// Start and end in ns (a negative or unreadable start is 0, an unreadable duration 0), with
/// the problems found.
fn times(f: &SpanFields) -> (u64, u64, Vec<Problem>) {
    let mut problems = Vec::new();
    let start = match f.start_time.as_ref().map(micros_to_ns) {
        Some(Ok(ns)) if ns >= 0 => ns,
        Some(Ok(_)) => {
            problems.push(Problem::new(
                "startTime",
                "a negative start time was read as 0",
            ));
            0
        }
        Some(Err(m)) => {
            problems.push(Problem::new("startTime", m));
            0
        }
        None => 0,
    };
    let duration = match f.duration.as_ref().map(micros_to_ns) {
        Some(Ok(ns)) => ns,
        Some(Err(m)) => {
            problems.push(Problem::new("duration", m));
            0
        }
        None => 0,
    };
    (clamp_ns(start), clamp_ns(start + duration), problems)
}

/// Where the span's process comes from: embedded, or named by `processID`.
fn process_ref(st: &mut JState<'_, '_>, f: &mut SpanFields) -> ProcRef {
    if let Some(p) = f.process.take() {
        let (service, resource) = process_resource(&mut st.shared, p);
        return ProcRef::Embedded(service, resource);
    }
    match f.process_id.take() {
        Some(Scalar::Str(id)) if !id.is_empty() => ProcRef::Id(id),
        Some(other) if !other.is_null() && !matches!(other, Scalar::Str(_)) => {
            f.problems.push(Problem::new(
                "processID",
                format!("expected a string, found {}", describe_value(&other)),
            ));
            ProcRef::None
        }
        _ => ProcRef::None,
    }
}
