//! Zipkin JSON reader: v2 and v1 (`formats.md` §6).
//!
//! Shapes accepted, in any number of concatenated documents (capture tools append one POST body
//! after another): a span list (`/api/v2/trace/{id}`), a list of span lists (`/api/v2/traces`,
//! each inner list is emitted when it closes), a single span object. Each span is read as v1 when
//! it has `binaryAnnotations`, or annotations with an `endpoint` and none of the v2 fields
//! (`localEndpoint`, `remoteEndpoint`, `kind`, `tags`, `shared`); otherwise as v2.
//!
//! # v2 → model
//! * ids: hex (lowercase in Zipkin, any case accepted), 16 or 32 digits; a `parentId` equal to the
//!   span's own id is ignored (as the OpenTelemetry Collector does); `parentId` is
//!   [`ParentRef::ParentId`](crate::model::ParentRef::ParentId);
//! * `timestamp`/`duration` µs × 1000 exactly (fractional µs, which the OpenTelemetry Zipkin
//!   mapping allows, are kept to the ns). A missing timestamp is 0 (the span is kept, as the
//!   Collector does with its Unix-epoch start); a missing duration is 0;
//! * `kind`: `CLIENT`/`SERVER`/`PRODUCER`/`CONSUMER`; absent or `null` is unspecified, unless a
//!   `span.kind` tag names the kind (the Collector's exporter writes `span.kind=internal` for
//!   internal spans, and its receiver reads it back);
//! * `shared` is kept ([`Span::shared`]);
//! * `debug: true` sets bits 0 and 1 of `Span.flags` (sampled + debug, the bits Jaeger uses for
//!   the same thing, so Zipkin ↔ Jaeger conversions keep it); the Zipkin writer writes `debug`
//!   back from bit 1 (note: OTLP uses bit 1 for W3C "random trace id");
//! * `localEndpoint.serviceName` is the service: `Span.service` and the resource's `service.name`;
//! * tags become string attributes, except
//!   - the conventional tags ([`take_conventions`]): `error` (any value but `"false"` makes the
//!     status Error, its text is the message unless it is `""`/`"true"`), `otel.status_code`,
//!     `otel.status_description`, `otel.scope.*`/`otel.library.*`, `w3c.tracestate`, `span.kind`;
//!   - resource attributes that OpenTelemetry exporters copy into every span's tags
//!     (`service.*` except `service.peer.*`, `telemetry.sdk.*`, `telemetry.distro.*`,
//!     `telemetry.auto.version`, `host.*`, `os.*`, `process.*`, `container.*`, `k8s.*`, `cloud.*`,
//!     `deployment.*`, `device.*`, `webengine.*`, `aws.ecs.*`, `aws.eks.*`, `aws.log.*`,
//!     `faas.name`/`id`/`version`/`instance`/`max_memory`, `opencensus.*`), which move to the
//!     span's (shared) resource, like the Collector's receiver does with the semantic-convention
//!     resource attribute names. A `service.name` tag equal to the endpoint's service is dropped;
//!     when there is no local endpoint service it names the service;
//! * endpoints become attributes with the names the OpenTelemetry Collector's Zipkin receiver
//!   (`pkg/translator/zipkin`, default configuration) uses:
//!
//!   | Zipkin                        | attribute       | type   |
//!   |-------------------------------|-----------------|--------|
//!   | `localEndpoint.ipv4` / `ipv6` | `net.host.ip`   | string |
//!   | `localEndpoint.port` (> 0)    | `net.host.port` | int    |
//!   | `remoteEndpoint.serviceName`  | `peer.service`  | string |
//!   | `remoteEndpoint.ipv4` / `ipv6`| `net.peer.ip`   | string |
//!   | `remoteEndpoint.port` (> 0)   | `net.peer.port` | int    |
//!
//!   They are appended after the tags (replacing a tag of the same name). When an endpoint has both
//!   an IPv4 and an IPv6 address, the IPv4 one is kept. (Newer Collectors can emit
//!   `network.local.address`, `network.peer.address` and `service.peer.name` behind feature gates;
//!   we keep the long-standing default names, which the Collector's Zipkin exporter also reads.)
//! * annotations become events (time µs → ns, name = value). A value in the OpenTelemetry Zipkin
//!   mapping's form `{"name": {attributes}}` (what the OpenTelemetry SDK exporters write), or the
//!   Collector exporter's `name|{attributes}|dropped`, is decoded back into name and attributes
//!   (JSON strings, integers, floats, booleans, lists and objects keep their type; attribute order
//!   becomes alphabetical).
//!
//! # v1 → v2
//! Core annotations (`cs`, `cr`, `sr`, `ss`, `ms`, `mr`, `ws`, `wr`) and the address binary
//! annotations (`ca`, `sa`, `ma`) are turned into v2 spans the way Zipkin's own converter does:
//! one v2 span per distinct endpoint service; a span holding both the client and the server side
//! becomes a CLIENT span and a `shared` SERVER span; timestamps and durations come from the span's
//! `timestamp`/`duration` when both are set, else from the core annotations; a server side without
//! a span timestamp is `shared`; `sa` is the client's remote endpoint, `ca` the server's, `ma` the
//! messaging span's; other annotations stay annotations, string binary annotations become tags
//! (numbers and booleans too, as text; Zipkin's reader skips them).
//!
//! # Problems
//! Invalid JSON stops the reader with `line:column` and what was expected. A span whose trace, span
//! or parent id cannot be parsed, or that has no trace or span id, is skipped with a warning naming
//! its JSON path (`[2][5].id`) and line; a field of the wrong type costs that field, with a warning.

use std::fmt;
use std::io::BufRead;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::formats::common::jz_ids::Id;
use crate::formats::common::jz_par::{
    Elem, Limits, ListEnd, RunCtx, RunMode, RunOut, SharedPool, Window, pipeline,
    read_elem_untracked, read_run_modes, run_text,
};
use crate::formats::common::jz_read::{
    DocError, JsonDocs, KeySeed, Problem, Scalar, Shared, Tracker, Warnings, scalars_are_wrong,
    seq_is_wrong,
};
use crate::formats::{InputError, ReadCtx};
use crate::model::{Span, SpanId, SpanParts, TraceId};

use self::fields::{EpField, EpSeed, TagsSeed};

mod convert;
mod fields;
mod model;
mod v1;

use self::convert::build;
use self::convert::{Endpoint, V2Span};

/// Spans of a flat list are emitted in batches of this size.
const BATCH: usize = 1024;

/// `Span.flags` for `debug: true`: sampled (bit 0) and debug (bit 1).
pub const DEBUG_FLAGS: u32 = 0x3;

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    read_with(input, ctx, Limits::standard())
}

/// [`read`] with given buffer sizes (small ones in tests). Lists are read in parallel
/// ([`jz_par`](crate::formats::common::jz_par)); anything else, and whatever follows something
/// the parallel path does not take, is streamed.
pub(crate) fn read_with(
    input: &mut dyn BufRead,
    ctx: &mut ReadCtx<'_>,
    limits: Limits,
) -> Result<(), InputError> {
    crate::formats::common::refuse_markup(input, ctx)?;
    let source = ctx.source.clone();
    let wants = ctx.wants.clone();
    let mut st = ZState {
        tracker: Rc::new(Tracker::new()),
        ctx,
        shared: Shared::new(),
        warnings: Warnings::default(),
        batch: Vec::new(),
    };
    let pool = SharedPool::new();
    let rc = RunCtx {
        source,
        wants,
        pool: &pool,
    };
    let fail = |st: &mut ZState<'_, '_>, e: DocError| {
        let e = e.into_input_error(st.ctx);
        st.warnings.finish(st.ctx);
        e
    };
    let mut documents = 0u64;
    let mut win = Window::new(input, limits);
    // The index of the element the streaming reader takes over at, inside a list.
    let resume: Option<usize> = 'fast: loop {
        let io = |e, win: &Window<'_>| DocError::Io {
            error: e,
            line: win.position().0,
        };
        match win.next_document() {
            Ok(true) => {}
            Ok(false) => return finish(st, documents),
            Err(e) => return Err(fail(&mut st, io(e, &win))),
        }
        match win.head(false) {
            Ok(Some(_)) => {}
            Ok(None) => break None,
            Err(e) => return Err(fail(&mut st, io(e, &win))),
        }
        documents += 1;
        let deliver = |outs: Vec<RunOut>| -> Result<(), DocError> {
            for out in outs {
                for batch in out.batches {
                    st.ctx.emit(batch);
                }
                st.warnings.absorb(st.ctx, out.warnings, out.hidden);
                if let Some(e) = out.error {
                    return Err(e);
                }
            }
            Ok(())
        };
        match pipeline(&mut win, &rc, &parse_run, deliver) {
            ListEnd::End => {}
            ListEnd::Stop => break 'fast Some(win.next_index()),
            ListEnd::Io(e) => return Err(fail(&mut st, io(e, &win))),
            ListEnd::Failed(e) => return Err(fail(&mut st, e)),
        }
    };
    let (mut rest, line, col) = win.into_rest(resume.map(|_| b'['));
    let mut docs = JsonDocs::resume(&mut *rest, line, col);
    st.tracker = docs.tracker();
    if let Some(first) = resume {
        let result =
            docs.parse(|de| de::Deserializer::deserialize_any(de, ListRest { st: &mut st, first }));
        st.flush();
        if let Err(e) = result {
            return Err(fail(&mut st, e));
        }
    }
    loop {
        match docs.next_document() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(fail(&mut st, e)),
        }
        documents += 1;
        let result =
            docs.parse(|de| de::Deserializer::deserialize_any(de, TopVisitor { st: &mut st }));
        st.flush();
        if let Err(e) = result {
            return Err(fail(&mut st, e));
        }
    }
    finish(st, documents)
}

fn finish(st: ZState<'_, '_>, documents: u64) -> Result<(), InputError> {
    let ZState {
        ctx, mut warnings, ..
    } = st;
    warnings.finish(ctx);
    if documents == 0 {
        return Err(ctx.error(
            None,
            "the input is empty: expected Zipkin JSON (a list of spans)",
        ));
    }
    Ok(())
}

/// A worker: the elements of one run, read with their own state; what came out, in order.
fn parse_run(bytes: &[u8], elems: &[Elem], shared: Shared, rc: &RunCtx<'_>) -> (RunOut, Shared) {
    read_run_modes(shared, |mode, shared| {
        read_run(bytes, elems, shared, rc, mode)
    })
}

/// [`parse_run`] in one [`RunMode`].
fn read_run(
    bytes: &[u8],
    elems: &[Elem],
    shared: Shared,
    rc: &RunCtx<'_>,
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
    let mut st = ZState {
        tracker: docs.tracker(),
        ctx: &mut ctx,
        shared,
        warnings: Warnings::default(),
        batch: Vec::new(),
    };
    for e in elems {
        let seed = ElemSeed {
            st: &mut st,
            index: e.index,
        };
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
    st.flush();
    out.hidden = st.warnings.hidden();
    let shared = st.shared;
    drop(ctx);
    out.batches = batches;
    (out, shared)
}

/// The rest of a list the parallel path stopped in: elements from index `first` on.
struct ListRest<'s, 'c, 'ctx> {
    st: &'s mut ZState<'c, 'ctx>,
    first: usize,
}

impl<'de> Visitor<'de> for ListRest<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Zipkin JSON: a list of spans, a list of lists of spans, or a span object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        let mut i = self.first;
        while seq
            .next_element_seed(ElemSeed {
                st: &mut *st,
                index: i,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
}

struct ZState<'c, 'ctx> {
    ctx: &'c mut ReadCtx<'ctx>,
    tracker: Rc<Tracker>,
    shared: Shared,
    warnings: Warnings,
    batch: Vec<Span>,
}

impl ZState<'_, '_> {
    fn warn(&mut self, line: u64, path: String, message: impl Into<String>) {
        self.warnings.warn(self.ctx, line, path, message);
    }

    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.ctx.emit(batch);
    }

    /// Converts one span object and queues the result.
    fn span(&mut self, fields: ZFields, path: &dyn Fn() -> String) {
        build(self, fields, path);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents and lists

struct TopVisitor<'s, 'c, 'ctx> {
    st: &'s mut ZState<'c, 'ctx>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Zipkin JSON: a list of spans, a list of lists of spans, or a span object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        let mut i = 0usize;
        while seq
            .next_element_seed(ElemSeed {
                st: &mut *st,
                index: i,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let fields = span_fields(&self.st.tracker, self.st.ctx.wants.parts, map)?;
        self.st.span(fields, &String::new);
        Ok(())
    }
}

/// An element of the outer list: a span, or a list of spans (one trace).
struct ElemSeed<'s, 'c, 'ctx> {
    st: &'s mut ZState<'c, 'ctx>,
    index: usize,
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
            format!("[{}]", self.index),
            format!("skipped: expected a span object or a list of spans, found {found}"),
        );
    }
}

impl<'de> Visitor<'de> for ElemSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Zipkin span or a list of spans")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let fields = span_fields(&self.st.tracker, self.st.ctx.wants.parts, map)?;
        let i = self.index;
        self.st.span(fields, &|| format!("[{i}]"));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, i) = (self.st, self.index);
        let mut j = 0usize;
        loop {
            let line = st.tracker.line();
            let Some(item) = seq.next_element_seed(SpanSeed { st: &mut *st })? else {
                break;
            };
            match item {
                Ok(fields) => st.span(fields, &|| format!("[{i}][{j}]")),
                Err(found) => st.warn(
                    line,
                    format!("[{i}][{j}]"),
                    format!("skipped: expected a span object, found {found}"),
                ),
            }
            j += 1;
        }
        // One inner list is one trace: hand it over now.
        st.flush();
        Ok(())
    }
    scalars_are_wrong!();
}

/// A span object inside an inner list. `Err` names what was there instead.
struct SpanSeed<'s, 'c, 'ctx> {
    st: &'s mut ZState<'c, 'ctx>,
}

impl<'de> DeserializeSeed<'de> for SpanSeed<'_, '_, '_> {
    type Value = Result<ZFields, &'static str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl SpanSeed<'_, '_, '_> {
    fn wrong(self, found: &'static str) -> Result<ZFields, &'static str> {
        Err(found)
    }
}

impl<'de> Visitor<'de> for SpanSeed<'_, '_, '_> {
    type Value = Result<ZFields, &'static str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Zipkin span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        span_fields(&self.st.tracker, self.st.ctx.wants.parts, map).map(Ok)
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

// ---------------------------------------------------------------------------------------------
// Span fields

#[derive(Copy, Clone, Debug)]
enum ZKey {
    TraceId,
    Id,
    ParentId,
    Name,
    Kind,
    Timestamp,
    Duration,
    LocalEndpoint,
    RemoteEndpoint,
    Annotations,
    BinaryAnnotations,
    Tags,
    Debug,
    Shared,
    Other,
}

fn zkey(s: &str) -> ZKey {
    match s {
        "traceId" => ZKey::TraceId,
        "id" => ZKey::Id,
        "parentId" => ZKey::ParentId,
        "name" => ZKey::Name,
        "kind" => ZKey::Kind,
        "timestamp" => ZKey::Timestamp,
        "duration" => ZKey::Duration,
        "localEndpoint" => ZKey::LocalEndpoint,
        "remoteEndpoint" => ZKey::RemoteEndpoint,
        "annotations" => ZKey::Annotations,
        "binaryAnnotations" => ZKey::BinaryAnnotations,
        "tags" => ZKey::Tags,
        "debug" => ZKey::Debug,
        "shared" => ZKey::Shared,
        _ => ZKey::Other,
    }
}

/// A span object's fields as read (v1 and v2 together).
#[derive(Default)]
struct ZFields {
    line: u64,
    trace_id: Option<Id<TraceId>>,
    id: Option<Id<SpanId>>,
    parent_id: Option<Id<SpanId>>,
    name: Option<Scalar>,
    kind: Option<Scalar>,
    timestamp: Option<Scalar>,
    duration: Option<Scalar>,
    local: Option<EpField>,
    remote: Option<EpField>,
    annotations: Option<Scalar>,
    binary_annotations: Option<Scalar>,
    tags: Vec<(String, Scalar)>,
    has_tags: bool,
    debug: Option<Scalar>,
    shared: Option<Scalar>,
    problems: Vec<Problem>,
}

fn span_fields<'de, A: MapAccess<'de>>(
    tracker: &Tracker,
    parts: SpanParts,
    mut map: A,
) -> Result<ZFields, A::Error> {
    let mut f = ZFields {
        line: tracker.line(),
        ..ZFields::default()
    };
    while let Some(key) = map.next_key_seed(KeySeed(zkey))? {
        let slot = match key {
            ZKey::TraceId => {
                f.trace_id = Some(map.next_value()?);
                continue;
            }
            ZKey::Id => {
                f.id = Some(map.next_value()?);
                continue;
            }
            ZKey::ParentId => {
                f.parent_id = Some(map.next_value()?);
                continue;
            }
            ZKey::Name => &mut f.name,
            ZKey::Kind => &mut f.kind,
            ZKey::Timestamp => &mut f.timestamp,
            ZKey::Duration => &mut f.duration,
            ZKey::LocalEndpoint => {
                f.local = Some(map.next_value_seed(EpSeed)?);
                continue;
            }
            ZKey::RemoteEndpoint => {
                f.remote = Some(map.next_value_seed(EpSeed)?);
                continue;
            }
            ZKey::Annotations => &mut f.annotations,
            ZKey::BinaryAnnotations => &mut f.binary_annotations,
            ZKey::Debug => &mut f.debug,
            ZKey::Shared => &mut f.shared,
            ZKey::Tags => {
                f.has_tags = true;
                map.next_value_seed(TagsSeed {
                    out: &mut f.tags,
                    problems: &mut f.problems,
                    parts,
                })?;
                continue;
            }
            ZKey::Other => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        *slot = Some(map.next_value()?);
    }
    Ok(f)
}

#[cfg(test)]
mod tests;
