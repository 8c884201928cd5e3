//! Jaeger query/UI JSON reader (`formats.md` §3).
//!
//! Shapes accepted, in any number of concatenated documents:
//! * the query API envelope `{"data": [trace, …], "total": …, "errors": …}`, also with `data` as one
//!   trace object or `null`. `{"data": []}` is an empty answer (VictoriaTraces' "not found"), not
//!   an error. When `errors` is set and no span was read, the response's error is the reader's
//!   error; when spans were read too (a multi-trace fetch that missed some ids), each is a warning;
//! * a bare trace object `{"traceID", "spans", "processes"}` (UI "Download");
//! * a list of trace objects, and a list of spans that embed their `process` (jaeger-anonymizer).
//!
//! `{"result": …}` (api_v3) is OTLP JSON; `load` sends it to the OTLP reader.
//!
//! Streaming: serde visitors run over the byte stream and every trace object is emitted as soon as
//! its closing brace has been read (spans of one trace are held until then, because `processes`
//! may come after `spans`). Lists of embedded-process spans are emitted in batches.
//!
//! Mapping into the model:
//! * times: `startTime`/`duration` µs × 1000 exactly (integers never pass through f64); a
//!   negative duration is kept (end before start) so that checks can report it;
//! * `processes` (`p1`…) become one shared `Arc<Resource>` per distinct process: `service.name` =
//!   `serviceName`, then the process tags unchanged; `Span.service` = `serviceName`;
//! * tags by `type`: `string` (kept a string even when it looks like a number or bool, since
//!   VictoriaTraces writes every tag as a string), `bool`, `int64` (a number, or a decimal string
//!   beyond 2^53, parsed exactly), `float64` (also `"NaN"`/`"Infinity"` strings), `binary`
//!   (base64). A missing or unknown type is inferred from the JSON value;
//! * `span.kind`, `error`, `otel.status_code`, `otel.status_description`, `otel.scope.name`/
//!   `version` (and `otel.library.*`), `w3c.tracestate` move into the model fields (see
//!   [`take_conventions`] for the exact rules, including VictoriaTraces' `error: "unset"`);
//! * logs become events: the name is the first string field called `event`, else `"log"`; the other
//!   fields are the event's attributes;
//! * references: every one is kept in `links` with its [`RefKind`]; the parent is the first
//!   `CHILD_OF` of the same trace, else the first `FOLLOWS_FROM` of the same trace
//!   ([`ParentRef::ChildOf`]/[`ParentRef::FollowsFrom`]). The deprecated `parentSpanID` field is
//!   the parent ([`ParentRef::ParentId`]) when the references name none;
//! * `flags` (sampled 1, debug 2, firehose 8) go to the low byte of `Span.flags`;
//! * span `warnings` (added by the query service) are not kept.
//!
//! Problems: invalid JSON stops the reader with `line:column` and what was expected. A span whose
//! trace, span, parent or reference id cannot be parsed, or that has no span id, is skipped with a
//! warning naming its JSON path (`data[0].spans[3].spanID`) and line; a field of the wrong type
//! costs that field, with a warning.

use std::fmt;
use std::io::BufRead;
use std::rc::Rc;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::formats::common::jz_ids::Id;
use crate::formats::common::jz_par::{
    Elem, Head, Limits, ListEnd, RunCtx, RunMode, RunOut, SharedPool, Window, pipeline,
    read_elem_untracked, read_run_modes, run_text,
};
use crate::formats::common::jz_read::{
    DocError, JsonDocs, KeySeed, Problem, Scalar, Shared, Tracker, Warnings, after_comma_error,
    join_path, map_is_wrong, scalars_are_wrong, seq_is_wrong,
};
use crate::formats::common::jz_want::{Keep, Skip};
use crate::formats::{InputError, Position, ReadCtx};
use crate::model::{Event, KeyValue, Resource, Span, SpanId, SpanParts, TraceId};

mod build;
mod fields;
mod tags;

use self::build::{build_span, finish_span, finish_trace};
use self::fields::{LogsSeed, ProcessSeed, ProcessesSeed, RefsSeed, TagsSeed};
#[cfg(test)]
use self::tags::tag_value;

/// Spans of embedded-process lists are emitted in batches of this size.
const BATCH: usize = 1024;

const API_V3: &str = "this is a Jaeger api_v3 response ({\"result\": …}), which holds OTLP JSON: \
                      read it with --input-format otlp-json";

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    read_with(input, ctx, Limits::standard())
}

/// Where the streaming reader takes over from the parallel one.
enum Resume {
    /// At the start of a document.
    Document,
    /// Inside a list (its `[`, or the `,` read as one), at the element of this index; for
    /// `data`, the envelope that started on line `line` goes on after the list.
    List { data: bool, first: usize, line: u64 },
    /// Inside the envelope that started on line `line`, after `data` (a `,` read as `{`).
    Envelope { line: u64 },
}

/// [`read`] with given buffer sizes (small ones in tests). `{"data": [...]}` and lists of
/// traces are read in parallel ([`jz_par`](crate::formats::common::jz_par)); anything else, and
/// whatever follows something the parallel path does not take, is streamed.
pub(crate) fn read_with(
    input: &mut dyn BufRead,
    ctx: &mut ReadCtx<'_>,
    limits: Limits,
) -> Result<(), InputError> {
    crate::formats::common::refuse_markup(input, ctx)?;
    let source = ctx.source.clone();
    let wants = ctx.wants.clone();
    let mut st = JState {
        tracker: Rc::new(Tracker::new()),
        ctx,
        shared: Shared::new(),
        warnings: Warnings::default(),
        batch: Vec::new(),
        doc_spans: 0,
        fatal: None,
    };
    let pool = SharedPool::new();
    let rc = RunCtx {
        source,
        wants,
        pool: &pool,
    };
    let mut documents = 0u64;
    let mut win = Window::new(input, limits);
    let io_fail = |st: &mut JState<'_, '_>, error, line| {
        let e = DocError::Io { error, line }.into_input_error(st.ctx);
        st.fail(e)
    };
    let (resume, byte) = 'fast: loop {
        match win.next_document() {
            Ok(true) => {}
            Ok(false) => return finish(st, documents),
            Err(e) => return Err(io_fail(&mut st, e, win.position().0)),
        }
        let doc_line = win.position().0;
        let head = match win.head(true) {
            Ok(Some(h)) => h,
            Ok(None) => break (Resume::Document, None),
            Err(e) => return Err(io_fail(&mut st, e, win.position().0)),
        };
        documents += 1;
        st.doc_spans = 0;
        let data = head == Head::Data;
        let parse =
            |b: &[u8], run: &[Elem], shared, rc: &RunCtx<'_>| parse_run(b, run, shared, rc, data);
        let deliver = |outs: Vec<RunOut>| -> Result<(), DocError> {
            for out in outs {
                for batch in out.batches {
                    st.emit(batch);
                }
                st.warnings.absorb(st.ctx, out.warnings, out.hidden);
                if let Some(e) = out.error {
                    return Err(e);
                }
            }
            Ok(())
        };
        match pipeline(&mut win, &rc, &parse, deliver) {
            ListEnd::End => {}
            ListEnd::Stop => {
                let first = win.next_index();
                break 'fast (
                    Resume::List {
                        data,
                        first,
                        line: doc_line,
                    },
                    Some(b'['),
                );
            }
            ListEnd::Io(e) => return Err(io_fail(&mut st, e, win.position().0)),
            ListEnd::Failed(e) => {
                let e = e.into_input_error(st.ctx);
                return Err(st.fail(e));
            }
        }
        if data {
            match win.peek_after_ws() {
                Ok(Some(b'}')) => win.bump(),
                Ok(Some(b',')) => match win.look_past_comma() {
                    Ok((b, line, col)) => {
                        if let Some(e) = after_comma_error(b, line, col) {
                            let e = e.into_input_error(st.ctx);
                            return Err(st.fail(e));
                        }
                        break (Resume::Envelope { line: doc_line }, Some(b'{'));
                    }
                    Err(e) => return Err(io_fail(&mut st, e, win.position().0)),
                },
                Ok(other) => {
                    let (line, col) = win.position();
                    let e = after_data_error(other, line, col).into_input_error(st.ctx);
                    return Err(st.fail(e));
                }
                Err(e) => return Err(io_fail(&mut st, e, win.position().0)),
            }
        }
    };
    let (mut rest, line, col) = win.into_rest(byte);
    let mut docs = JsonDocs::resume(&mut *rest, line, col);
    st.tracker = docs.tracker();
    // The end of the document the parallel path stopped in.
    let tail = match resume {
        Resume::Document => Ok(()),
        Resume::List { data, first, line } => {
            let r = docs.parse(|de| {
                de::Deserializer::deserialize_any(
                    de,
                    ListRest {
                        st: &mut st,
                        data,
                        first,
                    },
                )
            });
            st.flush_batch();
            match r {
                Ok(()) if data => envelope_rest(&mut st, &mut docs, line),
                other => other,
            }
        }
        Resume::Envelope { line } => envelope(&mut st, &mut docs, line),
    };
    if let Err(e) = tail {
        let e = e.into_input_error(st.ctx);
        return Err(st.fail(e));
    }
    if let Some((line, message)) = st.fatal.take() {
        let e = st.ctx.error(Some(Position::Line(line)), message);
        return Err(st.fail(e));
    }
    loop {
        match docs.next_document() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(st.fail(e.into_input_error(st.ctx))),
        }
        documents += 1;
        st.doc_spans = 0;
        let result =
            docs.parse(|de| de::Deserializer::deserialize_any(de, TopVisitor { st: &mut st }));
        st.flush_batch();
        if let Err(e) = result {
            let e = e.into_input_error(st.ctx);
            return Err(st.fail(e));
        }
        if let Some((line, message)) = st.fatal.take() {
            let e = st.ctx.error(Some(Position::Line(line)), message);
            return Err(st.fail(e));
        }
    }
    finish(st, documents)
}

fn finish(mut st: JState<'_, '_>, documents: u64) -> Result<(), InputError> {
    st.warnings.finish(st.ctx);
    if documents == 0 {
        return Err(st.ctx.error(
            None,
            "the input is empty: expected Jaeger JSON ({\"data\": [...]}, a trace object, or a list of traces)",
        ));
    }
    Ok(())
}

/// What serde_json says of `byte` (at `line`, after `col` bytes of it) where the envelope
/// wants `,` or `}` after `data`'s list.
fn after_data_error(byte: Option<u8>, line: u64, col: u64) -> DocError {
    let (message, column) = match byte {
        None => ("EOF while parsing an object", col),
        Some(_) => ("expected `,` or `}`", col + 1),
    };
    DocError::Json {
        line,
        column,
        message: message.into(),
        syntax: true,
    }
}

/// After `data`'s list, streamed: the envelope's end, or its other keys.
fn envelope_rest(
    st: &mut JState<'_, '_>,
    docs: &mut JsonDocs<'_>,
    line: u64,
) -> Result<(), DocError> {
    match docs.peek_after_ws()? {
        Some(b'}') => {
            docs.bump();
            Ok(())
        }
        Some(b',') => {
            let (b, l, c) = docs.look_past_comma()?;
            if let Some(e) = after_comma_error(b, l, c) {
                return Err(e);
            }
            docs.replace_next(b'{');
            envelope(st, docs, line)
        }
        other => {
            let (l, c) = docs.position();
            Err(after_data_error(other, l, c))
        }
    }
}

/// The envelope's keys after `data` (the `,` before them read as `{`).
fn envelope(st: &mut JState<'_, '_>, docs: &mut JsonDocs<'_>, line: u64) -> Result<(), DocError> {
    let r = docs.parse(|de| de::Deserializer::deserialize_map(de, EnvelopeRest { st, line }));
    st.flush_batch();
    r
}

/// A worker: the elements of one run, read with their own state; what came out, in order.
fn parse_run(
    bytes: &[u8],
    elems: &[Elem],
    shared: Shared,
    rc: &RunCtx<'_>,
    data: bool,
) -> (RunOut, Shared) {
    read_run_modes(shared, |mode, shared| {
        read_run(bytes, elems, shared, rc, data, mode)
    })
}

/// [`parse_run`] in one [`RunMode`].
fn read_run(
    bytes: &[u8],
    elems: &[Elem],
    shared: Shared,
    rc: &RunCtx<'_>,
    data: bool,
    mode: RunMode,
) -> (RunOut, Shared) {
    let (Some(first), Some(last)) = (elems.first(), elems.last()) else {
        return (RunOut::default(), shared);
    };
    let mut out = RunOut::default();
    let mut slice = &bytes[first.start..last.end];
    let mut batches = Vec::new();
    let mut sink = |b: Vec<Span>| batches.push(b);
    let mut ctx = ReadCtx {
        source: rc.source.clone(),
        sink: &mut sink,
        warnings: &mut out.warnings,
        wants: rc.wants.clone(),
    };
    let text = run_text(bytes, elems, mode);
    let mut docs = JsonDocs::resume(&mut slice, first.line, first.col);
    let mut st = JState {
        tracker: docs.tracker(),
        ctx: &mut ctx,
        shared,
        warnings: Warnings::default(),
        batch: Vec::new(),
        doc_spans: 0,
        fatal: None,
    };
    for e in elems {
        let place = if data {
            Place::DataIndex(e.index)
        } else {
            Place::Index(e.index)
        };
        let seed = ElemSeed { st: &mut st, place };
        let r = if mode == RunMode::Tracked {
            docs.next_element()
                .and_then(|_| docs.parse(|de| seed.deserialize(de)))
        } else {
            read_elem_untracked(bytes, text, first.start, e, seed)
        };
        if let Err(e) = r {
            out.error = Some(e);
            break;
        }
    }
    st.flush_batch();
    out.hidden = st.warnings.hidden();
    let shared = st.shared;
    drop(ctx);
    out.batches = batches;
    (out, shared)
}

/// Everything the visitors share: where spans and warnings go, and the shared values.
struct JState<'c, 'ctx> {
    ctx: &'c mut ReadCtx<'ctx>,
    tracker: Rc<Tracker>,
    shared: Shared,
    warnings: Warnings,
    /// Spans of an embedded-process list not yet emitted.
    batch: Vec<Span>,
    /// Spans emitted from the current document.
    doc_spans: u64,
    /// A problem found by a visitor that ends the reading (reported after the document).
    fatal: Option<(u64, String)>,
}

impl JState<'_, '_> {
    fn warn(&mut self, line: u64, path: String, message: impl Into<String>) {
        self.warnings.warn(self.ctx, line, path, message);
    }

    fn emit(&mut self, spans: Vec<Span>) {
        self.doc_spans += spans.len() as u64;
        self.ctx.emit(spans);
    }

    fn push(&mut self, span: Span) {
        self.batch.push(span);
        if self.batch.len() >= BATCH {
            self.flush_batch();
        }
    }

    fn flush_batch(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.emit(batch);
    }

    fn fail(&mut self, e: InputError) -> InputError {
        self.warnings.finish(self.ctx);
        e
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

#[derive(Copy, Clone, Debug)]
enum JKey {
    Data,
    Errors,
    Result,
    TraceId,
    Spans,
    Processes,
    Span(SpanKey),
    Other,
}

#[derive(Copy, Clone, Debug)]
enum SpanKey {
    SpanId,
    ParentSpanId,
    OperationName,
    References,
    Flags,
    StartTime,
    Duration,
    Tags,
    Logs,
    ProcessId,
    Process,
}

fn jkey(s: &str) -> JKey {
    match s {
        "data" => JKey::Data,
        "errors" => JKey::Errors,
        "result" => JKey::Result,
        "traceID" => JKey::TraceId,
        "spans" => JKey::Spans,
        "processes" => JKey::Processes,
        "spanID" => JKey::Span(SpanKey::SpanId),
        "parentSpanID" => JKey::Span(SpanKey::ParentSpanId),
        "operationName" => JKey::Span(SpanKey::OperationName),
        "references" => JKey::Span(SpanKey::References),
        "flags" => JKey::Span(SpanKey::Flags),
        "startTime" => JKey::Span(SpanKey::StartTime),
        "duration" => JKey::Span(SpanKey::Duration),
        "tags" => JKey::Span(SpanKey::Tags),
        "logs" => JKey::Span(SpanKey::Logs),
        "processID" => JKey::Span(SpanKey::ProcessId),
        "process" => JKey::Span(SpanKey::Process),
        _ => JKey::Other,
    }
}

#[derive(Copy, Clone, Debug)]
enum SubKey {
    Key,
    Type,
    Value,
    Timestamp,
    Fields,
    RefType,
    TraceId,
    SpanId,
    ServiceName,
    Tags,
    Other,
}

fn subkey(s: &str) -> SubKey {
    match s {
        "key" => SubKey::Key,
        "type" => SubKey::Type,
        "value" => SubKey::Value,
        "timestamp" => SubKey::Timestamp,
        "fields" => SubKey::Fields,
        "refType" => SubKey::RefType,
        "traceID" => SubKey::TraceId,
        "spanID" => SubKey::SpanId,
        "serviceName" => SubKey::ServiceName,
        "tags" => SubKey::Tags,
        _ => SubKey::Other,
    }
}

/// Where an object sits in the document, for warning paths.
#[derive(Copy, Clone, Debug)]
enum Place {
    Top,
    Data,
    DataIndex(usize),
    Index(usize),
}

impl Place {
    fn path(self) -> String {
        match self {
            Place::Top => String::new(),
            Place::Data => "data".into(),
            Place::DataIndex(i) => format!("data[{i}]"),
            Place::Index(i) => format!("[{i}]"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Raw fields

#[derive(Default)]
struct SpanFields {
    line: u64,
    /// Some span key was seen (so a top-level object is a span, not a trace).
    any: bool,
    trace_id: Option<Id<TraceId>>,
    span_id: Option<Id<SpanId>>,
    parent_span_id: Option<Id<SpanId>>,
    operation_name: Option<Scalar>,
    references: Vec<RawRef>,
    flags: Option<Scalar>,
    start_time: Option<Scalar>,
    duration: Option<Scalar>,
    tags: Vec<KeyValue>,
    logs: Vec<Event>,
    process_id: Option<Scalar>,
    process: Option<RawProcess>,
    problems: Vec<Problem>,
}

#[derive(Default)]
struct RawRef {
    ref_type: Option<Scalar>,
    trace_id: Option<Id<TraceId>>,
    span_id: Option<Id<SpanId>>,
}

#[derive(Default)]
struct RawProcess {
    service: Option<Scalar>,
    tags: Vec<KeyValue>,
}

#[derive(Default)]
struct TraceAcc {
    seen: bool,
    spans: Vec<ParsedSpan>,
    processes: Vec<(String, RawProcess)>,
    problems: Vec<Problem>,
}

/// Where a span's process comes from.
enum ProcRef {
    None,
    Id(String),
    Embedded(Arc<str>, Arc<Resource>),
}

struct ParsedSpan {
    span: Span,
    process: ProcRef,
    /// The deprecated `parentSpanID` field.
    parent_field: Option<SpanId>,
    index: usize,
    line: u64,
}

impl SpanFields {
    fn new(line: u64) -> Self {
        SpanFields {
            line,
            ..SpanFields::default()
        }
    }

    fn accept<'de, A: MapAccess<'de>>(
        &mut self,
        key: SpanKey,
        map: &mut A,
        shared: &mut Shared,
        parts: SpanParts,
    ) -> Result<(), A::Error> {
        self.any = true;
        let interner = &mut shared.interner;
        match key {
            SpanKey::SpanId => self.span_id = Some(map.next_value()?),
            SpanKey::ParentSpanId => self.parent_span_id = Some(map.next_value()?),
            SpanKey::OperationName => self.operation_name = Some(map.next_value()?),
            SpanKey::Flags => self.flags = Some(map.next_value()?),
            SpanKey::StartTime => self.start_time = Some(map.next_value()?),
            SpanKey::Duration => self.duration = Some(map.next_value()?),
            SpanKey::ProcessId => self.process_id = Some(map.next_value()?),
            SpanKey::References => map.next_value_seed(RefsSeed {
                out: &mut self.references,
                problems: &mut self.problems,
            })?,
            SpanKey::Tags => map.next_value_seed(TagsSeed {
                out: &mut self.tags,
                problems: &mut self.problems,
                field: "tags".into(),
                interner,
                keep: Keep::span(parts),
            })?,
            SpanKey::Logs if !parts.events => {
                map.next_value::<Skip>()?;
            }
            SpanKey::Logs => map.next_value_seed(LogsSeed {
                out: &mut self.logs,
                problems: &mut self.problems,
                interner,
            })?,
            SpanKey::Process => {
                self.process = map.next_value_seed(ProcessSeed {
                    problems: &mut self.problems,
                    field: "process".into(),
                    interner,
                    keep: Keep::process(parts),
                })?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Documents, traces and lists

struct TopVisitor<'s, 'c, 'ctx> {
    st: &'s mut JState<'c, 'ctx>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger JSON document: {\"data\": [...]}, a trace object, or a list of traces or spans")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        object(self.st, map, Place::Top)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        let mut i = 0usize;
        while seq
            .next_element_seed(ElemSeed {
                st: &mut *st,
                place: Place::Index(i),
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
}

/// An element of a list of traces (or of embedded-process spans).
struct ElemSeed<'s, 'c, 'ctx> {
    st: &'s mut JState<'c, 'ctx>,
    place: Place,
}

impl<'de> DeserializeSeed<'de> for ElemSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl ElemSeed<'_, '_, '_> {
    fn wrong(self, found: &str) {
        let line = self.st.tracker.line();
        self.st.warn(
            line,
            self.place.path(),
            format!("skipped: expected a Jaeger trace or span object, found {found}"),
        );
    }
}

impl<'de> Visitor<'de> for ElemSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger trace or span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        object(self.st, map, self.place)
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

/// The rest of a list the parallel path stopped in: elements from index `first` on.
struct ListRest<'s, 'c, 'ctx> {
    st: &'s mut JState<'c, 'ctx>,
    data: bool,
    first: usize,
}

impl<'de> Visitor<'de> for ListRest<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Jaeger traces")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        let mut i = self.first;
        loop {
            let place = if self.data {
                Place::DataIndex(i)
            } else {
                Place::Index(i)
            };
            if seq
                .next_element_seed(ElemSeed {
                    st: &mut *st,
                    place,
                })?
                .is_none()
            {
                return Ok(());
            }
            i += 1;
        }
    }
}

/// The rest of a `{"data": [...], …}` envelope after `data`.
struct EnvelopeRest<'s, 'c, 'ctx> {
    st: &'s mut JState<'c, 'ctx>,
    line: u64,
}

impl<'de> Visitor<'de> for EnvelopeRest<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger JSON document")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        object_from(self.st, map, Place::Top, Some(self.line))
    }
}

/// The value of `data`: a list of traces, one trace, or null.
struct DataSeed<'s, 'c, 'ctx> {
    st: &'s mut JState<'c, 'ctx>,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl DataSeed<'_, '_, '_> {
    fn wrong(self, found: &str) {
        let line = self.st.tracker.line();
        self.st.warn(
            line,
            "data".into(),
            format!("expected a list of traces, found {found}"),
        );
    }
}

impl<'de> Visitor<'de> for DataSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Jaeger traces")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        let mut i = 0usize;
        while seq
            .next_element_seed(ElemSeed {
                st: &mut *st,
                place: Place::DataIndex(i),
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        object(self.st, map, Place::Data)
    }
    scalars_are_wrong!();
}

/// An object: the envelope (at the top only), a trace, or a span with an embedded process.
fn object<'de, A: MapAccess<'de>>(
    st: &mut JState<'_, '_>,
    map: A,
    place: Place,
) -> Result<(), A::Error> {
    object_from(st, map, place, None)
}

/// [`object`], or with `after_data` the rest of an envelope that started on that line, whose
/// `data` was read already.
fn object_from<'de, A: MapAccess<'de>>(
    st: &mut JState<'_, '_>,
    mut map: A,
    place: Place,
    after_data: Option<u64>,
) -> Result<(), A::Error> {
    let line = after_data.unwrap_or_else(|| st.tracker.line());
    let top = matches!(place, Place::Top);
    let base = place.path();
    let mut trace = TraceAcc::default();
    let mut fields = SpanFields::new(line);
    let mut saw_data = after_data.is_some();
    let mut errors: Option<Scalar> = None;
    while let Some(key) = map.next_key_seed(KeySeed(jkey))? {
        match key {
            JKey::Data if top => {
                saw_data = true;
                map.next_value_seed(DataSeed { st: &mut *st })?;
            }
            JKey::Errors if top => errors = Some(map.next_value()?),
            JKey::Result if top => {
                map.next_value::<IgnoredAny>()?;
                st.fatal.get_or_insert((line, API_V3.into()));
            }
            JKey::TraceId => fields.trace_id = Some(map.next_value()?),
            JKey::Spans => {
                trace.seen = true;
                map.next_value_seed(SpanListSeed {
                    st: &mut *st,
                    acc: &mut trace,
                    base: &base,
                })?;
            }
            JKey::Processes => {
                trace.seen = true;
                map.next_value_seed(ProcessesSeed {
                    out: &mut trace.processes,
                    problems: &mut trace.problems,
                    interner: &mut st.shared.interner,
                    keep: Keep::process(st.ctx.wants.parts),
                })?;
            }
            JKey::Span(k) => fields.accept(k, &mut map, &mut st.shared, st.ctx.wants.parts)?,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    if trace.seen {
        let trace_id = fields.trace_id.take();
        finish_trace(st, trace, trace_id, &base, line);
    } else if fields.any {
        let path = || base.clone();
        if let Some(ps) = build_span(st, fields, &path)
            && let Some(span) = finish_span(st, ps, TraceId::ZERO, &path, None)
        {
            st.push(span);
        }
    } else if !saw_data && st.fatal.is_none() {
        if top {
            st.fatal = Some((
                line,
                "not Jaeger JSON: expected an object with \"data\", or a trace with \"traceID\", \
                 \"spans\" and \"processes\""
                    .into(),
            ));
        } else {
            st.warn(
                line,
                base.clone(),
                "skipped: an object that is neither a Jaeger trace nor a span",
            );
        }
    }
    if let Some(errors) = errors {
        let messages = response_errors(&errors);
        if !messages.is_empty() {
            if st.doc_spans == 0 && st.batch.is_empty() {
                st.fatal.get_or_insert((
                    line,
                    format!(
                        "the Jaeger response reports an error: {}",
                        messages.join("; ")
                    ),
                ));
            } else {
                for (i, m) in messages.into_iter().enumerate() {
                    st.warn(
                        line,
                        format!("errors[{i}]"),
                        format!("the Jaeger response reports an error: {m}"),
                    );
                }
            }
        }
    }
    Ok(())
}

/// The entries of an envelope's `errors`: `{"code":404,"msg":"trace not found","traceID":…}`.
fn response_errors(errors: &Scalar) -> Vec<String> {
    use serde_json::Value as J;
    let one = |v: &J| -> String {
        match v {
            J::Object(o) => {
                let mut s = String::new();
                if let Some(c) = o.get("code").filter(|c| !c.is_null()) {
                    s.push_str(&c.to_string());
                    s.push(' ');
                }
                match o.get("msg") {
                    Some(J::String(m)) => s.push_str(m),
                    Some(other) if !other.is_null() => s.push_str(&other.to_string()),
                    _ => s.push_str("(no message)"),
                }
                if let Some(J::String(t)) = o.get("traceID") {
                    s.push_str(&format!(" (trace {t})"));
                }
                crate::term::escape(&s).into_owned()
            }
            J::String(m) => crate::term::escape(m).into_owned(),
            other => other.to_string(),
        }
    };
    match errors {
        Scalar::Null => Vec::new(),
        Scalar::Json(J::Array(items)) => items.iter().filter(|v| !v.is_null()).map(one).collect(),
        Scalar::Json(v) => vec![one(v)],
        Scalar::Str(s) if s.is_empty() => Vec::new(),
        other => vec![crate::term::escape(&other.text()).into_owned()],
    }
}

/// `spans`: a list of span objects, each built as soon as it is read.
struct SpanListSeed<'s, 'c, 'ctx> {
    st: &'s mut JState<'c, 'ctx>,
    acc: &'s mut TraceAcc,
    base: &'s str,
}

impl<'de> DeserializeSeed<'de> for SpanListSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl SpanListSeed<'_, '_, '_> {
    fn wrong(self, found: &str) {
        self.acc.problems.push(Problem::new(
            "spans",
            format!("expected a list of spans, found {found}"),
        ));
    }
}

impl<'de> Visitor<'de> for SpanListSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Jaeger spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, acc, base) = (self.st, self.acc, self.base);
        let mut index = 0usize;
        loop {
            let line = st.tracker.line();
            let Some(item) = seq.next_element_seed(SpanSeed {
                shared: &mut st.shared,
                tracker: &st.tracker,
                parts: st.ctx.wants.parts,
            })?
            else {
                break;
            };
            let path = || join_path(base, &format!("spans[{index}]"));
            match item {
                Ok(fields) => {
                    if let Some(mut ps) = build_span(st, fields, &path) {
                        ps.index = index;
                        acc.spans.push(ps);
                    }
                }
                Err(found) => st.warn(
                    line,
                    path(),
                    format!("skipped: expected a span object, found {found}"),
                ),
            }
            index += 1;
        }
        Ok(())
    }
    map_is_wrong!();
    scalars_are_wrong!();
}

/// One span object of a `spans` list. `Err` names what was there instead.
struct SpanSeed<'s> {
    shared: &'s mut Shared,
    tracker: &'s Tracker,
    parts: SpanParts,
}

impl<'de> DeserializeSeed<'de> for SpanSeed<'_> {
    type Value = Result<SpanFields, &'static str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(SpanVisitor(self))
    }
}

struct SpanVisitor<'s>(SpanSeed<'s>);

impl SpanVisitor<'_> {
    fn wrong(self, found: &'static str) -> Result<SpanFields, &'static str> {
        Err(found)
    }
}

impl<'de> Visitor<'de> for SpanVisitor<'_> {
    type Value = Result<SpanFields, &'static str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = SpanFields::new(self.0.tracker.line());
        while let Some(key) = map.next_key_seed(KeySeed(jkey))? {
            match key {
                JKey::Span(k) => fields.accept(k, &mut map, self.0.shared, self.0.parts)?,
                JKey::TraceId => fields.trace_id = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Ok(fields))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.wrong("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.wrong("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.wrong("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.wrong("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self.wrong("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.wrong("null"))
    }
    seq_is_wrong!();
}

#[cfg(test)]
mod tests;
