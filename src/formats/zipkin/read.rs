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

use crate::formats::common::jz_read::{
    JsonDocs, KeySeed, Problem, Scalar, Shared, Tracker, Warnings, describe_value, join_path,
    micros_to_ns, parse_span_id, parse_trace_id, scalars_are_wrong, seq_is_wrong,
};
use crate::formats::{InputError, ReadCtx};
use crate::model::{Span, SpanId, SpanKind, TraceId};

mod model;
mod v1;

use self::model::to_model;
use self::v1::convert_v1;

/// Spans of a flat list are emitted in batches of this size.
const BATCH: usize = 1024;

/// `Span.flags` for `debug: true`: sampled (bit 0) and debug (bit 1).
pub const DEBUG_FLAGS: u32 = 0x3;

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    let mut docs = JsonDocs::new(input);
    let mut st = ZState {
        tracker: docs.tracker(),
        ctx,
        shared: Shared::new(),
        warnings: Warnings::default(),
        batch: Vec::new(),
    };
    let mut documents = 0u64;
    loop {
        match docs.next_document() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let e = e.into_input_error(st.ctx);
                st.warnings.finish(st.ctx);
                return Err(e);
            }
        }
        documents += 1;
        let result =
            docs.parse(|de| de::Deserializer::deserialize_any(de, TopVisitor { st: &mut st }));
        st.flush();
        if let Err(e) = result {
            let e = e.into_input_error(st.ctx);
            st.warnings.finish(st.ctx);
            return Err(e);
        }
    }
    st.warnings.finish(st.ctx);
    if documents == 0 {
        return Err(st.ctx.error(
            None,
            "the input is empty: expected Zipkin JSON (a list of spans)",
        ));
    }
    Ok(())
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
        for span in build(self, fields, path) {
            self.batch.push(span);
        }
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
        let fields = span_fields(&self.st.tracker, map)?;
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
        let fields = span_fields(&self.st.tracker, map)?;
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
        span_fields(&self.st.tracker, map).map(Ok)
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
    trace_id: Option<Scalar>,
    id: Option<Scalar>,
    parent_id: Option<Scalar>,
    name: Option<Scalar>,
    kind: Option<Scalar>,
    timestamp: Option<Scalar>,
    duration: Option<Scalar>,
    local: Option<Scalar>,
    remote: Option<Scalar>,
    annotations: Option<Scalar>,
    binary_annotations: Option<Scalar>,
    tags: Vec<(String, Scalar)>,
    has_tags: bool,
    debug: Option<Scalar>,
    shared: Option<Scalar>,
    problems: Vec<Problem>,
}

fn span_fields<'de, A: MapAccess<'de>>(tracker: &Tracker, mut map: A) -> Result<ZFields, A::Error> {
    let mut f = ZFields {
        line: tracker.line(),
        ..ZFields::default()
    };
    while let Some(key) = map.next_key_seed(KeySeed(zkey))? {
        let slot = match key {
            ZKey::TraceId => &mut f.trace_id,
            ZKey::Id => &mut f.id,
            ZKey::ParentId => &mut f.parent_id,
            ZKey::Name => &mut f.name,
            ZKey::Kind => &mut f.kind,
            ZKey::Timestamp => &mut f.timestamp,
            ZKey::Duration => &mut f.duration,
            ZKey::LocalEndpoint => &mut f.local,
            ZKey::RemoteEndpoint => &mut f.remote,
            ZKey::Annotations => &mut f.annotations,
            ZKey::BinaryAnnotations => &mut f.binary_annotations,
            ZKey::Debug => &mut f.debug,
            ZKey::Shared => &mut f.shared,
            ZKey::Tags => {
                f.has_tags = true;
                map.next_value_seed(TagsSeed {
                    out: &mut f.tags,
                    problems: &mut f.problems,
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

/// `tags`: an object of strings, read in order.
struct TagsSeed<'s> {
    out: &'s mut Vec<(String, Scalar)>,
    problems: &'s mut Vec<Problem>,
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
        while let Some((k, v)) = map.next_entry::<String, Scalar>()? {
            if !v.is_null() {
                self.out.push((k, v));
            }
        }
        Ok(())
    }
    scalars_are_wrong!();
    seq_is_wrong!();
}

// ---------------------------------------------------------------------------------------------
// Conversion

#[derive(Clone, Debug, Default, PartialEq)]
struct Endpoint {
    service: Option<String>,
    ipv4: Option<String>,
    ipv6: Option<String>,
    port: Option<u16>,
}

/// A v2 span, the common form of v2 input and converted v1 input. Times in ns.
#[derive(Clone, Debug, Default)]
struct V2Span {
    trace_id: TraceId,
    id: SpanId,
    parent: Option<SpanId>,
    name: String,
    kind: Option<SpanKind>,
    timestamp: Option<i128>,
    duration: Option<i128>,
    local: Option<Endpoint>,
    remote: Option<Endpoint>,
    annotations: Vec<(i128, String)>,
    tags: Vec<(String, String)>,
    debug: bool,
    shared: bool,
}

fn json_scalar(v: &serde_json::Value) -> Scalar {
    use serde_json::Value as J;
    match v {
        J::Null => Scalar::Null,
        J::Bool(b) => Scalar::Bool(*b),
        J::Number(n) => n
            .as_u64()
            .map(Scalar::U64)
            .or_else(|| n.as_i64().map(Scalar::I64))
            .unwrap_or_else(|| Scalar::F64(n.as_f64().unwrap_or(f64::NAN))),
        J::String(s) => Scalar::Str(s.clone()),
        other => Scalar::Json(other.clone()),
    }
}

fn endpoint(v: Option<&Scalar>, field: &str, problems: &mut Vec<Problem>) -> Option<Endpoint> {
    let o = match v {
        None | Some(Scalar::Null) => return None,
        Some(Scalar::Json(serde_json::Value::Object(o))) => o,
        Some(other) => {
            problems.push(Problem::new(
                field,
                format!("expected an endpoint object, found {}", other.describe()),
            ));
            return None;
        }
    };
    let text = |k: &str| {
        o.get(k)
            .map(json_scalar)
            .filter(|s| !s.is_null())
            .map(|s| s.text())
            .filter(|s| !s.is_empty())
    };
    let port = match o.get("port").map(json_scalar) {
        None | Some(Scalar::Null) => None,
        Some(p) => match p.int() {
            Some(0) => None,
            Some(n) if (1..=65535).contains(&n) => Some(n as u16),
            _ => {
                problems.push(Problem::new(
                    format!("{field}.port"),
                    format!("expected a port number, found {}", describe_value(&p)),
                ));
                None
            }
        },
    };
    let e = Endpoint {
        service: text("serviceName"),
        ipv4: text("ipv4"),
        ipv6: text("ipv6"),
        port,
    };
    (e != Endpoint::default()).then_some(e)
}

fn ns_field(v: Option<&Scalar>, field: &str, problems: &mut Vec<Problem>) -> Option<i128> {
    match v {
        None | Some(Scalar::Null) => None,
        Some(s) => match micros_to_ns(s) {
            Ok(0) => None,
            Ok(ns) => Some(ns),
            Err(m) => {
                problems.push(Problem::new(field, m));
                None
            }
        },
    }
}

fn bool_field(v: Option<&Scalar>, field: &str, problems: &mut Vec<Problem>) -> bool {
    match v {
        None | Some(Scalar::Null) => false,
        Some(s) => s.boolean().unwrap_or_else(|| {
            problems.push(Problem::new(
                field,
                format!("expected true or false, found {}", describe_value(s)),
            ));
            false
        }),
    }
}

/// The entries of a list-valued field (`annotations`, `binaryAnnotations`) as objects.
fn objects<'v>(
    v: Option<&'v Scalar>,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, &'v serde_json::Map<String, serde_json::Value>)> {
    let items = match v {
        None | Some(Scalar::Null) => return Vec::new(),
        Some(Scalar::Json(serde_json::Value::Array(items))) => items,
        Some(other) => {
            problems.push(Problem::new(
                field,
                format!("expected a list, found {}", other.describe()),
            ));
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            serde_json::Value::Object(o) => out.push((i, o)),
            serde_json::Value::Null => {}
            _ => problems.push(Problem::new(
                format!("{field}[{i}]"),
                "dropped: expected an object",
            )),
        }
    }
    out
}

/// One span object → model spans (one for v2; one or more for v1), or none when an id is bad.
fn build(st: &mut ZState<'_, '_>, mut f: ZFields, path: &dyn Fn() -> String) -> Vec<Span> {
    let line = f.line;
    let ids = match span_ids(&f) {
        Ok(ids) => ids,
        Err(p) => {
            for q in f.problems {
                st.warn(line, join_path(&path(), &q.field), q.message);
            }
            st.warn(
                line,
                join_path(&path(), &p.field),
                format!("span skipped: {}", p.message),
            );
            return Vec::new();
        }
    };
    let spans = v2_spans(&mut f, ids);
    for q in f.problems {
        st.warn(line, join_path(&path(), &q.field), q.message);
    }
    spans
        .into_iter()
        .map(|v| to_model(&mut st.shared, v))
        .collect()
}

/// The ids of a span object.
struct Ids {
    trace_id: TraceId,
    id: SpanId,
    parent: Option<SpanId>,
}

/// The span's ids, or the first problem that makes the span unusable: a bad or missing trace or
/// span id, a bad parent id, or a time that cannot be read.
fn span_ids(f: &ZFields) -> Result<Ids, Problem> {
    let trace_id = match f.trace_id.as_ref().map(parse_trace_id) {
        Some(Ok(t)) if !t.is_zero() => t,
        Some(Err(m)) => return Err(Problem::new("traceId", m)),
        _ => return Err(Problem::new("traceId", "it has no traceId")),
    };
    let id = match f.id.as_ref().map(parse_span_id) {
        Some(Ok(s)) if !s.is_zero() => s,
        Some(Err(m)) => return Err(Problem::new("id", m)),
        _ => return Err(Problem::new("id", "it has no id")),
    };
    let parent = match f.parent_id.as_ref().map(parse_span_id) {
        Some(Ok(p)) if !p.is_zero() && p != id => Some(p),
        Some(Err(m)) => return Err(Problem::new("parentId", m)),
        _ => None,
    };
    // A span whose time cannot be read cannot be placed: skip it rather than draw it in 1970.
    for (field, v) in [("timestamp", &f.timestamp), ("duration", &f.duration)] {
        if let Some(v) = v.as_ref().filter(|v| !matches!(v, Scalar::Null))
            && let Err(m) = micros_to_ns(v)
        {
            return Err(Problem::new(field, m));
        }
    }
    Ok(Ids {
        trace_id,
        id,
        parent,
    })
}

/// An annotation as read: time, value, and endpoint (v1 only).
type RawAnnotation = (i128, String, Option<Endpoint>);

/// The fields of a span object with valid ids → v2 spans (several for v1). Problems with single
/// fields are added to `f.problems`, in field order.
fn v2_spans(f: &mut ZFields, ids: Ids) -> Vec<V2Span> {
    let problems = &mut f.problems;
    let base = V2Span {
        trace_id: ids.trace_id,
        id: ids.id,
        parent: ids.parent,
        name: f.name.as_ref().map(Scalar::text).unwrap_or_default(),
        debug: bool_field(f.debug.as_ref(), "debug", problems),
        ..V2Span::default()
    };
    let timestamp = ns_field(f.timestamp.as_ref(), "timestamp", problems);
    let duration = ns_field(f.duration.as_ref(), "duration", problems);
    let local = endpoint(f.local.as_ref(), "localEndpoint", problems);
    let remote = endpoint(f.remote.as_ref(), "remoteEndpoint", problems);
    let shared = bool_field(f.shared.as_ref(), "shared", problems);
    let kind = span_kind(f.kind.as_ref(), problems);
    let annotations = read_annotations(f.annotations.as_ref(), problems);
    // v1: binary annotations, or annotations with endpoints and none of the v2 fields.
    let v2_fields =
        local.is_some() || remote.is_some() || kind.is_some() || f.has_tags || f.shared.is_some();
    let binary_listed = match &f.binary_annotations {
        Some(Scalar::Json(serde_json::Value::Array(items))) => !items.is_empty(),
        Some(other) => !other.is_null(),
        None => false,
    };
    let is_v1 = binary_listed
        || (!v2_fields
            && (f.binary_annotations.is_some() || annotations.iter().any(|a| a.2.is_some())));
    let tags = f.tags.iter().map(|(k, v)| (k.clone(), v.text())).collect();
    if is_v1 {
        let binary = read_binary_annotations(f.binary_annotations.as_ref(), problems);
        // v1 may carry v2-style tags too (hybrid writers); keep them on the first span.
        let base = V2Span { tags, ..base };
        convert_v1(
            &base,
            timestamp.unwrap_or(0),
            duration.unwrap_or(0),
            annotations,
            binary,
        )
    } else {
        vec![V2Span {
            kind,
            timestamp,
            duration,
            local,
            remote,
            shared,
            annotations: annotations.into_iter().map(|(ts, v, _)| (ts, v)).collect(),
            tags,
            ..base
        }]
    }
}

/// `kind`: a known kind name (`UNSPECIFIED` and blank are none).
fn span_kind(v: Option<&Scalar>, problems: &mut Vec<Problem>) -> Option<SpanKind> {
    match v {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Str(k)) if k.trim().is_empty() => None,
        Some(Scalar::Str(k)) => match SpanKind::from_name(k) {
            Some(SpanKind::Unspecified) => None,
            Some(k) => Some(k),
            None => {
                problems.push(Problem::new(
                    "kind",
                    format!(
                        "unknown kind {} dropped",
                        crate::formats::common::jz_read::quoted(k)
                    ),
                ));
                None
            }
        },
        Some(other) => {
            problems.push(Problem::new(
                "kind",
                format!("expected a string, found {}", describe_value(other)),
            ));
            None
        }
    }
}

fn read_annotations(v: Option<&Scalar>, problems: &mut Vec<Problem>) -> Vec<RawAnnotation> {
    let mut annotations = Vec::new();
    for (i, a) in objects(v, "annotations", problems) {
        let ts = ns_field(
            a.get("timestamp").map(json_scalar).as_ref(),
            &format!("annotations[{i}].timestamp"),
            problems,
        );
        let value = a
            .get("value")
            .map(json_scalar)
            .map(|s| s.text())
            .unwrap_or_default();
        let ep = endpoint(
            a.get("endpoint").map(json_scalar).as_ref(),
            &format!("annotations[{i}].endpoint"),
            problems,
        );
        annotations.push((ts.unwrap_or(0), value, ep));
    }
    annotations
}

/// v1 `binaryAnnotations`: key, value and endpoint (null values dropped).
fn read_binary_annotations(
    v: Option<&Scalar>,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Scalar, Option<Endpoint>)> {
    let mut binary = Vec::new();
    for (i, b) in objects(v, "binaryAnnotations", problems) {
        let key = b
            .get("key")
            .map(json_scalar)
            .map(|s| s.text())
            .unwrap_or_default();
        let value = b.get("value").map(json_scalar).unwrap_or(Scalar::Null);
        let ep = endpoint(
            b.get("endpoint").map(json_scalar).as_ref(),
            &format!("binaryAnnotations[{i}].endpoint"),
            problems,
        );
        if value.is_null() {
            continue;
        }
        binary.push((key, value, ep));
    }
    binary
}

#[cfg(test)]
mod tests;
