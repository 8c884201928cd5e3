//! Jaeger agent Thrift reader: `emitBatch` messages (jaeger-idl `agent.thrift`, structs from
//! `jaeger.thrift`) as jaeger-clients send them over UDP, concatenated — compact protocol
//! (first byte 0x82, agent port 6831) or strict binary protocol (0x80 0x01, port 6832) — and the
//! JSON dump of such messages (`[{"message":"emitBatch","batch":{process, spans}}, …]`).
//!
//! Model mapping (the brief's Jaeger conventions, same as the Jaeger JSON reader):
//! - ids: `traceIdHigh`/`traceIdLow` (signed i64 on the wire) → the 128-bit id; 64-bit ids keep
//!   a zero high half. `spanId` likewise.
//! - references: every `SpanRef` is kept in `links` with its `RefKind`. A non-zero
//!   `parentSpanId` that no reference names becomes a leading `CHILD_OF` reference (Jaeger does
//!   the same when it converts Thrift to its domain model). The parent is then the first
//!   `CHILD_OF` reference of the same trace, else the first `FOLLOWS_FROM` of the same trace.
//! - times: µs → ns (×1000 exactly); end = (startTime + duration) µs.
//! - tags moved into fields: `span.kind`, `error` (true ⇒ Error), `otel.status_code`,
//!   `otel.status_description`, `otel.scope.name`/`otel.scope.version` (and `otel.library.*`),
//!   `w3c.tracestate`. Everything else stays a typed attribute.
//! - logs → events; the `event` field (a string) is the event name.
//! - process → one shared resource per batch: `service.name` = `serviceName`, then the process
//!   tags (`hostname`, `ip`, `jaeger.version`, …) as they are.

use std::borrow::Cow;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

mod convert;
mod fast;
mod messages;
mod skim;

pub use self::convert::Converter;
#[cfg(test)]
use self::convert::plain_link;
use self::messages::{MessageScan, Messages};
use super::thrift::{self, Decoder, Protocol, TType};
use crate::formats::common::units;
use crate::formats::{InputError, Position, ReadCtx};
use crate::model::{SpanParts, Value};

// ---------------------------------------------------------------------------------------------
// The Thrift structs (also the JSON dump's shape).

/// `jaeger.Batch`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JBatch<'a> {
    pub process: JProcess<'a>,
    #[serde(deserialize_with = "nullable")]
    pub spans: Vec<JSpan<'a>>,
}

/// `jaeger.Process`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JProcess<'a> {
    #[serde(deserialize_with = "nullable")]
    pub service_name: Cow<'a, str>,
    #[serde(deserialize_with = "nullable")]
    pub tags: Vec<JTag<'a>>,
}

/// `jaeger.Span`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JSpan<'a> {
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_low: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_high: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub span_id: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub parent_span_id: i64,
    #[serde(deserialize_with = "nullable")]
    pub operation_name: Cow<'a, str>,
    #[serde(deserialize_with = "nullable")]
    pub references: Vec<JRef>,
    #[serde(deserialize_with = "lenient_i64")]
    pub flags: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub start_time: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub duration: i64,
    #[serde(deserialize_with = "nullable")]
    pub tags: Vec<JTag<'a>>,
    #[serde(deserialize_with = "nullable")]
    pub logs: Vec<JLog<'a>>,
}

/// `jaeger.SpanRef`; `ref_type` 0 = CHILD_OF, 1 = FOLLOWS_FROM.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JRef {
    #[serde(deserialize_with = "lenient_i64")]
    pub ref_type: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_low: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_high: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub span_id: i64,
}

/// `jaeger.Log`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JLog<'a> {
    #[serde(deserialize_with = "lenient_i64")]
    pub timestamp: i64,
    #[serde(deserialize_with = "nullable")]
    pub fields: Vec<JTag<'a>>,
}

/// `jaeger.Tag`: `v_type` 0 STRING, 1 DOUBLE, 2 BOOL, 3 LONG, 4 BINARY says which value field
/// counts.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JTag<'a> {
    #[serde(deserialize_with = "nullable")]
    pub key: Cow<'a, str>,
    #[serde(deserialize_with = "lenient_i64")]
    pub v_type: i64,
    pub v_str: Option<Cow<'a, str>>,
    pub v_double: Option<f64>,
    pub v_bool: Option<bool>,
    #[serde(deserialize_with = "lenient_opt_i64")]
    pub v_long: Option<i64>,
    #[serde(deserialize_with = "lenient_bytes")]
    pub v_binary: Option<Cow<'a, [u8]>>,
}

pub const TAG_STRING: i64 = 0;
pub const TAG_DOUBLE: i64 = 1;
pub const TAG_BOOL: i64 = 2;
pub const TAG_LONG: i64 = 3;
pub const TAG_BINARY: i64 = 4;
pub const REF_CHILD_OF: i64 = 0;
pub const REF_FOLLOWS_FROM: i64 = 1;

impl JTag<'_> {
    /// The typed value, by `vType`; an unknown type takes whichever value field is set.
    pub fn value(self) -> Value {
        match self.v_type {
            TAG_STRING => Value::Str(self.v_str.unwrap_or_default().into_owned().into_boxed_str()),
            TAG_DOUBLE => Value::Double(self.v_double.unwrap_or_default()),
            TAG_BOOL => Value::Bool(self.v_bool.unwrap_or_default()),
            TAG_LONG => Value::Int(self.v_long.unwrap_or_default()),
            TAG_BINARY => Value::Bytes(
                self.v_binary
                    .unwrap_or_default()
                    .into_owned()
                    .into_boxed_slice(),
            ),
            _ => {
                if let Some(s) = self.v_str {
                    Value::Str(s.into_owned().into_boxed_str())
                } else if let Some(d) = self.v_double {
                    Value::Double(d)
                } else if let Some(b) = self.v_bool {
                    Value::Bool(b)
                } else if let Some(l) = self.v_long {
                    Value::Int(l)
                } else if let Some(b) = self.v_binary {
                    Value::Bytes(b.into_owned().into_boxed_slice())
                } else {
                    Value::Empty
                }
            }
        }
    }
}

fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An i64 from a JSON number (signed, or unsigned reinterpreted as the Thrift i64 bits), a
/// decimal string, or null.
fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(lenient_opt_i64(d)?.unwrap_or(0))
}

fn lenient_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a 64-bit integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as i64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v.abs() < 9.2e18 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom(format!("expected an integer, found {v}")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            t.parse::<i64>()
                .or_else(|_| t.parse::<u64>().map(|u| u as i64))
                .map(Some)
                .map_err(|_| E::custom(format!("expected an integer, found {v:?}")))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// `vBinary` in a JSON dump: base64 text or a list of byte values.
fn lenient_bytes<'de, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, [u8]>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Text(String),
        List(Vec<u8>),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::List(v)) => Ok(Some(Cow::Owned(v))),
        Some(B::Text(s)) => {
            use base64::Engine as _;
            use base64::engine::general_purpose::{STANDARD, URL_SAFE};
            STANDARD
                .decode(&s)
                .or_else(|_| URL_SAFE.decode(&s))
                .map(|v| Some(Cow::Owned(v)))
                .map_err(|_| de::Error::custom(format!("vBinary {s:?} is not base64")))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Thrift decoding of the structs.

/// Reads the value of a field whose type is as expected; otherwise skips it (Thrift's rule for
/// mismatched types) and returns `None`.
fn typed<'a, T>(
    d: &mut Decoder<'a>,
    f: thrift::Field,
    want: TType,
    read: impl FnOnce(&mut Decoder<'a>) -> thrift::Result<T>,
) -> thrift::Result<Option<T>> {
    if f.ty == want {
        read(d).map(Some)
    } else {
        d.skip(f.ty)?;
        Ok(None)
    }
}

fn read_list<'a, T>(
    d: &mut Decoder<'a>,
    f: thrift::Field,
    elem: TType,
    mut read: impl FnMut(&mut Decoder<'a>) -> thrift::Result<T>,
) -> thrift::Result<Option<Vec<T>>> {
    if f.ty != TType::List {
        d.skip(f.ty)?;
        return Ok(None);
    }
    let (et, n) = d.read_list_begin()?;
    if et != elem {
        for _ in 0..n {
            d.skip(et)?;
        }
        d.read_list_end();
        return Ok(None);
    }
    let mut v = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        v.push(read(d)?);
    }
    d.read_list_end();
    Ok(Some(v))
}

fn read_tag<'a>(d: &mut Decoder<'a>) -> thrift::Result<JTag<'a>> {
    let mut t = JTag::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => t.key = typed(d, f, TType::Binary, |d| d.read_str())?.unwrap_or_default(),
            2 => t.v_type = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            3 => t.v_str = typed(d, f, TType::Binary, |d| d.read_str())?,
            4 => t.v_double = typed(d, f, TType::Double, |d| d.read_double())?,
            5 => t.v_bool = typed(d, f, TType::Bool, |d| d.read_bool())?,
            6 => t.v_long = typed(d, f, TType::I64, |d| d.read_i64())?,
            7 => t.v_binary = typed(d, f, TType::Binary, |d| d.read_binary().map(Cow::Borrowed))?,
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(t)
}

/// A tag, kept only when `keep` says so of its key's bytes (a key that is not UTF-8 is kept or
/// not as its replaced text would be: the keys asked for are ASCII): a tag left out is walked
/// over, its key and value never turned into text.
fn read_tag_if<'a>(
    d: &mut Decoder<'a>,
    keep: impl Fn(&[u8]) -> bool,
) -> thrift::Result<Option<JTag<'a>>> {
    let mut t = JTag::default();
    let mut key: &'a [u8] = &[];
    let mut v_str: Option<&'a [u8]> = None;
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => key = typed(d, f, TType::Binary, |d| d.read_binary())?.unwrap_or_default(),
            2 => t.v_type = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            3 => v_str = typed(d, f, TType::Binary, |d| d.read_binary())?,
            4 => t.v_double = typed(d, f, TType::Double, |d| d.read_double())?,
            5 => t.v_bool = typed(d, f, TType::Bool, |d| d.read_bool())?,
            6 => t.v_long = typed(d, f, TType::I64, |d| d.read_i64())?,
            7 => t.v_binary = typed(d, f, TType::Binary, |d| d.read_binary().map(Cow::Borrowed))?,
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    if !keep(key) {
        return Ok(None);
    }
    t.key = String::from_utf8_lossy(key);
    t.v_str = v_str.map(String::from_utf8_lossy);
    Ok(Some(t))
}

/// A list of tags, those `keep` keeps.
fn read_tags<'a>(
    d: &mut Decoder<'a>,
    f: thrift::Field,
    keep: impl Fn(&[u8]) -> bool + Copy,
) -> thrift::Result<Vec<JTag<'a>>> {
    let tags = read_list(d, f, TType::Struct, |d| read_tag_if(d, keep))?;
    Ok(tags.unwrap_or_default().into_iter().flatten().collect())
}

/// What a read keeps of the batches: the parts of spans the command reads.
#[derive(Copy, Clone)]
struct Keep(SpanParts);

/// Whether a tag key is one the converter moves into span fields (kind, status, scope, trace
/// state).
fn moved_tag(key: &[u8]) -> bool {
    matches!(
        key,
        b"span.kind"
            | b"error"
            | b"otel.status_code"
            | b"otel.status_description"
            | b"otel.scope.name"
            | b"otel.library.name"
            | b"otel.scope.version"
            | b"otel.library.version"
            | b"w3c.tracestate"
    )
}

impl Keep {
    fn span_tag(self, key: &[u8]) -> bool {
        let p = self.0;
        moved_tag(key)
            || (p.attributes
                && p.attribute_prefixes
                    .is_none_or(|ps| ps.iter().any(|x| key.starts_with(x.as_bytes()))))
    }

    fn process_tag(self, key: &[u8]) -> bool {
        self.0.resource || key == b"service.name"
    }
}

fn read_log<'a>(d: &mut Decoder<'a>) -> thrift::Result<JLog<'a>> {
    let mut l = JLog::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => l.timestamp = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            2 => l.fields = read_list(d, f, TType::Struct, read_tag)?.unwrap_or_default(),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(l)
}

fn read_ref(d: &mut Decoder<'_>) -> thrift::Result<JRef> {
    let mut r = JRef::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => r.ref_type = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            2 => r.trace_id_low = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            3 => r.trace_id_high = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            4 => r.span_id = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(r)
}

/// A span; its logs only when `logs` (otherwise they are walked over).
fn read_span<'a>(d: &mut Decoder<'a>, keep: Keep) -> thrift::Result<JSpan<'a>> {
    let logs = keep.0.events;
    let mut s = JSpan::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        let i64_field =
            |d: &mut Decoder<'_>| typed(d, f, TType::I64, |d| d.read_i64()).map(|v| v.unwrap_or(0));
        match f.id {
            1 => s.trace_id_low = i64_field(d)?,
            2 => s.trace_id_high = i64_field(d)?,
            3 => s.span_id = i64_field(d)?,
            4 => s.parent_span_id = i64_field(d)?,
            5 => {
                s.operation_name = typed(d, f, TType::Binary, |d| d.read_str())?.unwrap_or_default()
            }
            6 => s.references = read_list(d, f, TType::Struct, read_ref)?.unwrap_or_default(),
            7 => s.flags = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            8 => s.start_time = i64_field(d)?,
            9 => s.duration = i64_field(d)?,
            10 => s.tags = read_tags(d, f, |k| keep.span_tag(k))?,
            11 if logs => s.logs = read_list(d, f, TType::Struct, read_log)?.unwrap_or_default(),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(s)
}

fn read_process<'a>(d: &mut Decoder<'a>, keep: Keep) -> thrift::Result<JProcess<'a>> {
    let mut p = JProcess::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => p.service_name = typed(d, f, TType::Binary, |d| d.read_str())?.unwrap_or_default(),
            2 => p.tags = read_tags(d, f, |k| keep.process_tag(k))?,
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(p)
}

/// `jaeger.Batch` (fields 3 `seqNo` and 4 `stats` are skipped), with what `keep` keeps.
fn read_batch<'a>(d: &mut Decoder<'a>, keep: Keep) -> thrift::Result<JBatch<'a>> {
    let mut b = JBatch::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => {
                b.process =
                    typed(d, f, TType::Struct, |d| read_process(d, keep))?.unwrap_or_default()
            }
            2 => {
                b.spans =
                    read_list(d, f, TType::Struct, |d| read_span(d, keep))?.unwrap_or_default()
            }
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(b)
}

/// One whole message: its name and, for `emitBatch`, the batch (argument 1). Other messages
/// are skipped whole.
pub fn read_message<'a>(d: &mut Decoder<'a>) -> thrift::Result<(String, Option<JBatch<'a>>)> {
    read_message_for(d, Keep(SpanParts::ALL))
}

/// [`read_message`], with what `keep` keeps.
fn read_message_for<'a>(
    d: &mut Decoder<'a>,
    keep: Keep,
) -> thrift::Result<(String, Option<JBatch<'a>>)> {
    let h = d.read_message_begin()?;
    let mut batch = None;
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        if h.name == "emitBatch" && f.id == 1 && f.ty == TType::Struct {
            batch = Some(read_batch(d, keep)?);
        } else {
            d.skip(f.ty)?;
        }
    }
    d.read_struct_end();
    Ok((h.name, batch))
}

// ---------------------------------------------------------------------------------------------
// Reading.

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    // The first non-space byte decides: `[` or `{` is the JSON dump, anything else Thrift.
    let mut skipped = 0u64;
    let first = loop {
        let buf = input
            .fill_buf()
            .map_err(|e| ctx.error(Some(Position::Byte(0)), format!("read error: {e}")))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => break buf[p],
            None if buf.is_empty() => return Ok(()),
            None => {
                let n = buf.len();
                input.consume(n);
                skipped += n as u64;
            }
        }
    };
    match first {
        b'[' | b'{' => read_json(input, ctx),
        _ => read_thrift(input, skipped, ctx),
    }
}

/// Concatenated Thrift messages; `skipped` bytes of the input were already consumed. Each
/// message is found by walking over it here, then decoded (in parallel) by [`Messages`].
fn read_thrift(
    input: &mut dyn BufRead,
    skipped: u64,
    ctx: &mut ReadCtx<'_>,
) -> Result<(), InputError> {
    read_thrift_with(input, skipped, ctx, units::Limits::default())
}

fn read_thrift_with(
    input: &mut dyn BufRead,
    skipped: u64,
    ctx: &mut ReadCtx<'_>,
    limits: units::Limits,
) -> Result<(), InputError> {
    let dec = Messages {
        parts: ctx.wants.parts,
        source: ctx.source.clone(),
    };
    let mut scan = MessageScan { pos: skipped };
    units::read(input, ctx, &mut scan, &dec, limits)
}

fn proto_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Compact => "compact protocol",
        Protocol::Binary => "binary protocol",
    }
}

/// One element of the JSON dump.
#[derive(Deserialize)]
struct JMessage {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    batch: Option<JBatch<'static>>,
}

fn handle_message(m: JMessage, index: usize, conv: &mut Converter, ctx: &mut ReadCtx<'_>) {
    match (m.message.as_deref(), m.batch) {
        (None | Some("emitBatch"), Some(b)) => {
            let spans = conv.batch(b);
            ctx.emit(spans);
        }
        (name, _) => ctx.warn(
            Some(Position::Path {
                line: None,
                path: format!("[{index}]"),
            }),
            format!(
                "message {:?} is not emitBatch with a batch; skipped",
                crate::term::escape(name.unwrap_or(""))
            ),
        ),
    }
}

fn json_error(ctx: &ReadCtx<'_>, e: &serde_json::Error) -> InputError {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    ctx.error(
        Some(Position::LineColumn {
            line: e.line() as u64,
            column: e.column() as u64,
        }),
        msg,
    )
}

/// The JSON dump: a list of messages (streamed element by element), or one or more message
/// objects one after another (JSON lines).
fn read_json(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    let mut conv = Converter::new();
    let first = input
        .fill_buf()
        .ok()
        .and_then(|b| b.iter().copied().find(|c| !c.is_ascii_whitespace()));
    if first == Some(b'[') {
        struct List<'a, 'b> {
            conv: &'a mut Converter,
            ctx: &'a mut ReadCtx<'b>,
        }
        impl<'de> Visitor<'de> for List<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of emitBatch messages")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                let mut i = 0usize;
                while let Some(m) = seq.next_element::<JMessage>()? {
                    handle_message(m, i, self.conv, self.ctx);
                    i += 1;
                }
                Ok(())
            }
        }
        impl<'de> DeserializeSeed<'de> for List<'_, '_> {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_seq(self)
            }
        }
        let mut de = serde_json::Deserializer::from_reader(input);
        let seed = List {
            conv: &mut conv,
            ctx: &mut *ctx,
        };
        seed.deserialize(&mut de).map_err(|e| json_error(ctx, &e))?;
        de.end().map_err(|e| json_error(ctx, &e))?;
        return Ok(());
    }
    let stream = serde_json::Deserializer::from_reader(input).into_iter::<JMessage>();
    for (i, m) in stream.enumerate() {
        let m = m.map_err(|e| json_error(ctx, &e))?;
        handle_message(m, i, &mut conv, ctx);
    }
    Ok(())
}

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod parts_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
