//! Machinery shared by the Jaeger JSON and Zipkin JSON readers.
//!
//! * [`JsonDocs`] reads one JSON document after another from a stream (a file may hold several
//!   concatenated documents) through serde visitors, so a reader sees each trace or span as soon
//!   as its closing bracket has been read and never holds the file's text. The [`Tracker`] it
//!   shares with the visitors knows the current line, so warnings can say where a span is.
//! * [`Scalar`] is a leaf of any JSON type: a field of the wrong type costs that field (with a
//!   warning), not the file. Nesting is bounded by serde_json's recursion limit (128).
//! * [`take_conventions`] moves the tags by which the OpenTelemetry Jaeger and Zipkin mappings
//!   carry span kind, status, scope and trace state into the model fields.
//! * [`Shared`] hands out one `Arc<Resource>` / `Arc<Scope>` per distinct process / scope.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::formats::{InputError, Position, ReadCtx};
use crate::model::{KeyValue, SpanId, SpanKind, Status, StatusCode, TraceId, Value};

// ---------------------------------------------------------------------------------------------
// Documents and positions

/// The position of the reader that feeds serde: 1-based line, and bytes read on that line.
pub(crate) struct Tracker {
    line: Cell<u64>,
    col: Cell<u64>,
}

impl Tracker {
    pub(crate) fn new() -> Self {
        Self::at(1, 0)
    }

    /// Before a byte at `line`, after `col` bytes of that line.
    fn at(line: u64, col: u64) -> Self {
        Tracker {
            line: Cell::new(line),
            col: Cell::new(col),
        }
    }

    /// The line of the last byte serde has read (serde reads at most one byte ahead).
    pub(crate) fn line(&self) -> u64 {
        self.line.get()
    }

    #[inline]
    fn advance_one(&self, b: u8) {
        if b == b'\n' {
            self.line.set(self.line.get() + 1);
            self.col.set(0);
        } else {
            self.col.set(self.col.get() + 1);
        }
    }

    fn advance(&self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.line.set(self.line.get() + 1);
                self.col.set(0);
            } else {
                self.col.set(self.col.get() + 1);
            }
        }
    }
}

const READ_BUF: usize = 64 * 1024;

/// Line and column after `bytes`, from `line` and `col` before them.
pub(crate) fn after(line: u64, col: u64, bytes: &[u8]) -> (u64, u64) {
    match memchr::memrchr(b'\n', bytes) {
        None => (line, col + bytes.len() as u64),
        Some(last) => (
            line + memchr::memchr_iter(b'\n', bytes).count() as u64,
            (bytes.len() - last - 1) as u64,
        ),
    }
}

/// The error serde_json gives when the byte after a `,` between an object's entries (at `line`,
/// after `col` bytes of it) cannot start a key; `None` when it can (a `"`).
pub(crate) fn after_comma_error(byte: Option<u8>, line: u64, col: u64) -> Option<DocError> {
    let (message, column) = match byte {
        Some(b'"') => return None,
        None => ("EOF while parsing a value", col),
        Some(b'}') => ("trailing comma", col + 1),
        Some(_) => ("key must be a string", col + 1),
    };
    Some(DocError::Json {
        line,
        column,
        message: message.into(),
        syntax: true,
    })
}

/// Hands bytes to serde_json (which reads them one at a time) from its own buffer, counting lines.
pub(crate) struct CountingReader<'a> {
    inner: &'a mut dyn BufRead,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    tracker: Rc<Tracker>,
}

impl CountingReader<'_> {
    /// Makes sure a byte is buffered; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => {
                    self.pos = 0;
                    self.len = n.min(self.buf.len());
                    return Ok(self.len > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(if self.fill()? {
            self.buf.get(self.pos).copied()
        } else {
            None
        })
    }

    /// The first byte after the next one that is not whitespace, without consuming anything,
    /// with the number of bytes before it from the next one; `None` at the end of the input.
    fn look_past_next(&mut self) -> io::Result<Option<(u8, usize)>> {
        let mut k = 1;
        loop {
            if self.pos + k >= self.len {
                // Keep the unconsumed bytes, in a bigger buffer when they fill it, and read more.
                self.buf.copy_within(self.pos..self.len, 0);
                self.len -= self.pos;
                self.pos = 0;
                if self.len == self.buf.len() {
                    let mut bigger = vec![0u8; self.buf.len() * 2].into_boxed_slice();
                    bigger[..self.len].copy_from_slice(&self.buf[..self.len]);
                    self.buf = bigger;
                }
                let n = loop {
                    match self.inner.read(&mut self.buf[self.len..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                if n == 0 {
                    return Ok(None);
                }
                self.len += n;
                continue;
            }
            match self.buf[self.pos + k] {
                b' ' | b'\t' | b'\n' | b'\r' => k += 1,
                b => return Ok(Some((b, k))),
            }
        }
    }

    fn bump(&mut self, n: usize) {
        let end = (self.pos + n).min(self.len);
        self.tracker.advance(&self.buf[self.pos..end]);
        self.pos = end;
    }
}

impl Read for CountingReader<'_> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // serde_json reads one byte at a time: make that the fast path.
        if let ([slot], Some(&b)) = (&mut *out, self.buf[..self.len].get(self.pos)) {
            *slot = b;
            self.pos += 1;
            self.tracker.advance_one(b);
            return Ok(1);
        }
        if out.is_empty() || !self.fill()? {
            return Ok(0);
        }
        let n = out.len().min(self.len - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.bump(n);
        Ok(n)
    }
}

/// The serde_json deserializer over a [`CountingReader`].
pub(crate) type De<'r, 'a> =
    serde_json::Deserializer<serde_json::de::IoRead<&'r mut CountingReader<'a>>>;

/// A stream of JSON documents (usually one; concatenated or newline-separated ones are read in turn).
pub(crate) struct JsonDocs<'a> {
    reader: CountingReader<'a>,
    at_start: bool,
}

/// Why a document could not be read.
pub(crate) enum DocError {
    Io {
        error: io::Error,
        line: u64,
    },
    Json {
        line: u64,
        column: u64,
        message: String,
        syntax: bool,
    },
}

impl DocError {
    pub(crate) fn into_input_error(self, ctx: &ReadCtx<'_>) -> InputError {
        match self {
            DocError::Io { error, line } => ctx.error(
                Some(Position::Line(line)),
                format!("cannot read the input: {error}"),
            ),
            DocError::Json {
                line,
                column,
                message,
                syntax,
            } => {
                let message = if syntax {
                    format!("invalid JSON: {message}")
                } else {
                    message
                };
                ctx.error(Some(Position::LineColumn { line, column }), message)
            }
        }
    }
}

impl<'a> JsonDocs<'a> {
    pub(crate) fn new(inner: &'a mut dyn BufRead) -> Self {
        JsonDocs {
            reader: CountingReader {
                inner,
                buf: vec![0u8; READ_BUF].into_boxed_slice(),
                pos: 0,
                len: 0,
                tracker: Rc::new(Tracker::new()),
            },
            at_start: true,
        }
    }

    /// Documents that continue a stream already read up to `line` and `col` (bytes before the
    /// first byte of `inner` on its line); the byte order mark was dealt with.
    pub(crate) fn resume(inner: &'a mut dyn BufRead, line: u64, col: u64) -> Self {
        let mut docs = JsonDocs::new(inner);
        docs.reader.tracker = Rc::new(Tracker::at(line, col));
        docs.at_start = false;
        docs
    }

    /// Skips whitespace and commas (between the elements of a run); false at the end.
    pub(crate) fn next_element(&mut self) -> Result<bool, DocError> {
        loop {
            match self.reader.peek() {
                Ok(Some(b' ' | b'\t' | b'\n' | b'\r' | b',')) => self.reader.bump(1),
                Ok(Some(_)) => return Ok(true),
                Ok(None) => return Ok(false),
                Err(error) => {
                    return Err(DocError::Io {
                        error,
                        line: self.line(),
                    });
                }
            }
        }
    }

    /// The next byte that is not whitespace (not consumed), `None` at the end.
    pub(crate) fn peek_after_ws(&mut self) -> Result<Option<u8>, DocError> {
        loop {
            match self.reader.peek() {
                Ok(Some(b' ' | b'\t' | b'\n' | b'\r')) => self.reader.bump(1),
                Ok(b) => return Ok(b),
                Err(error) => {
                    return Err(DocError::Io {
                        error,
                        line: self.line(),
                    });
                }
            }
        }
    }

    /// After the `,` that [`JsonDocs::peek_after_ws`] returned: the next byte that is not
    /// whitespace, with its line and column (bytes before it on its line); nothing is consumed.
    pub(crate) fn look_past_comma(&mut self) -> Result<(Option<u8>, u64, u64), DocError> {
        let (line, col) = self.position();
        match self.reader.look_past_next() {
            Ok(None) => {
                let (l, c) = after(
                    line,
                    col,
                    &self.reader.buf[self.reader.pos..self.reader.len],
                );
                Ok((None, l, c))
            }
            Ok(Some((b, k))) => {
                let from = self.reader.pos;
                let (l, c) = after(line, col, &self.reader.buf[from..from + k]);
                Ok((Some(b), l, c))
            }
            Err(error) => Err(DocError::Io {
                error,
                line: self.line(),
            }),
        }
    }

    /// Consumes the byte [`JsonDocs::peek_after_ws`] returned.
    pub(crate) fn bump(&mut self) {
        self.reader.bump(1);
    }

    /// Replaces the byte [`JsonDocs::peek_after_ws`] returned (a `,` to be read as `{`: same
    /// length, so positions stay the file's).
    pub(crate) fn replace_next(&mut self, b: u8) {
        if let Some(slot) = self.reader.buf[..self.reader.len].get_mut(self.reader.pos) {
            *slot = b;
        }
    }

    /// Line and column (bytes before it on its line) of the next byte.
    pub(crate) fn position(&self) -> (u64, u64) {
        (
            self.reader.tracker.line.get(),
            self.reader.tracker.col.get(),
        )
    }

    pub(crate) fn tracker(&self) -> Rc<Tracker> {
        self.reader.tracker.clone()
    }

    pub(crate) fn line(&self) -> u64 {
        self.reader.tracker.line()
    }

    /// Skips whitespace (and a UTF-8 byte order mark at the very start). False at the end.
    pub(crate) fn next_document(&mut self) -> Result<bool, DocError> {
        let io_err = |error, line| DocError::Io { error, line };
        if self.at_start {
            self.at_start = false;
            for expected in [0xEFu8, 0xBB, 0xBF] {
                match self.reader.peek() {
                    Ok(Some(b)) if b == expected => self.reader.bump(1),
                    Ok(_) => break,
                    Err(e) => return Err(io_err(e, self.line())),
                }
            }
        }
        loop {
            match self.reader.peek() {
                Ok(Some(b' ' | b'\t' | b'\n' | b'\r')) => self.reader.bump(1),
                Ok(Some(_)) => return Ok(true),
                Ok(None) => return Ok(false),
                Err(e) => return Err(io_err(e, self.line())),
            }
        }
    }

    /// Reads the next document with `f`; errors carry the absolute line and column.
    pub(crate) fn parse<T>(
        &mut self,
        f: impl FnOnce(&mut De<'_, 'a>) -> serde_json::Result<T>,
    ) -> Result<T, DocError> {
        let line0 = self.reader.tracker.line.get();
        let col0 = self.reader.tracker.col.get();
        let mut de = serde_json::Deserializer::from_reader(&mut self.reader);
        let result = f(&mut de);
        drop(de);
        result.map_err(|e| {
            if e.is_io() {
                return DocError::Io {
                    error: io::Error::from(e),
                    line: self.line(),
                };
            }
            let (l, c) = (e.line() as u64, e.column() as u64);
            let (line, column) = match l {
                0 => (line0, col0),
                1 => (line0, col0 + c),
                _ => (line0 + l - 1, c),
            };
            let mut message = e.to_string();
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            DocError::Json {
                line,
                column,
                message,
                syntax: e.is_syntax() || e.is_eof(),
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Warnings

/// At most this many warnings per input are listed; the rest are counted.
pub(crate) const MAX_WARNINGS: usize = 100;

/// Warnings for one input, capped so that a file of a million bad spans does not flood the report.
#[derive(Default)]
pub(crate) struct Warnings {
    shown: usize,
    hidden: u64,
}

impl Warnings {
    pub(crate) fn warn(
        &mut self,
        ctx: &mut ReadCtx<'_>,
        line: u64,
        path: String,
        message: impl Into<String>,
    ) {
        if self.shown >= MAX_WARNINGS {
            self.hidden += 1;
            return;
        }
        self.shown += 1;
        let position = if path.is_empty() {
            Position::Line(line)
        } else {
            Position::Path {
                line: Some(line),
                path,
            }
        };
        ctx.warn(Some(position), message);
    }

    /// Takes in, after the warnings already seen, those a worker listed (`shown`) and counted
    /// (`hidden`) with its own cap: the same ones are listed as if they had come one by one.
    pub(crate) fn absorb(&mut self, ctx: &mut ReadCtx<'_>, shown: Vec<InputError>, hidden: u64) {
        for e in shown {
            if self.shown < MAX_WARNINGS {
                self.shown += 1;
                ctx.warnings.push(e);
            } else {
                self.hidden += 1;
            }
        }
        self.hidden += hidden;
    }

    /// Warnings counted and not listed.
    pub(crate) fn hidden(&self) -> u64 {
        self.hidden
    }

    pub(crate) fn finish(&mut self, ctx: &mut ReadCtx<'_>) {
        if self.hidden > 0 {
            ctx.warn(
                None,
                format!(
                    "{} more problems of the same kinds were not listed",
                    self.hidden
                ),
            );
            self.hidden = 0;
        }
    }
}

/// A problem inside one span: the field (relative to the span) and what is wrong.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `base` + `.field` (or `base[3]` when the field is an index).
pub(crate) fn join_path(base: &str, field: &str) -> String {
    if field.is_empty() {
        base.to_string()
    } else if base.is_empty() || field.starts_with('[') {
        format!("{base}{field}")
    } else {
        format!("{base}.{field}")
    }
}

// ---------------------------------------------------------------------------------------------
// Leaves of any type

/// A JSON leaf of whatever type the input had.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(String),
    /// A list or object where a leaf was expected (kept, e.g. to stringify it).
    Json(serde_json::Value),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

pub(crate) struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        Scalar::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Scalar::Json)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Scalar::Json)
    }
}

impl Scalar {
    /// For messages: "a string", "a number"…
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::I64(_) | Scalar::U64(_) | Scalar::F64(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Json(serde_json::Value::Array(_)) => "a list",
            Scalar::Json(_) => "an object",
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Scalar::Null)
    }

    /// The value as text: strings as they are, other leaves in their JSON spelling, null empty.
    pub(crate) fn text(&self) -> String {
        match self {
            Scalar::Null => String::new(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::I64(i) => i.to_string(),
            Scalar::U64(u) => u.to_string(),
            Scalar::F64(f) => f.to_string(),
            Scalar::Str(s) => s.clone(),
            Scalar::Json(v) => v.to_string(),
        }
    }

    /// An exact integer: JSON integers, decimal strings, and floats without a fraction.
    pub(crate) fn int(&self) -> Option<i128> {
        match self {
            Scalar::I64(i) => Some(i128::from(*i)),
            Scalar::U64(u) => Some(i128::from(*u)),
            Scalar::F64(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 => {
                Some(*f as i128)
            }
            Scalar::Str(s) => s.trim().parse::<i128>().ok(),
            _ => None,
        }
    }

    pub(crate) fn float(&self) -> Option<f64> {
        match self {
            Scalar::I64(i) => Some(*i as f64),
            Scalar::U64(u) => Some(*u as f64),
            Scalar::F64(f) => Some(*f),
            Scalar::Str(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
    }

    pub(crate) fn boolean(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
}

/// Text for a message: quoted, escaped, and cut after 60 characters.
pub(crate) fn quoted(s: &str) -> String {
    let mut cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// Microseconds (integer exactly; a fraction is kept to the nanosecond) to nanoseconds.
pub(crate) fn micros_to_ns(s: &Scalar) -> Result<i128, String> {
    if let Some(i) = s.int() {
        return i
            .checked_mul(1000)
            .filter(|ns| ns.unsigned_abs() <= u128::from(u64::MAX))
            .ok_or_else(|| format!("{} microseconds is out of range", s.text()));
    }
    match s.float() {
        Some(f) if f.is_finite() && f.abs() < 1.8e16 => Ok((f * 1000.0).round() as i128),
        Some(_) => Err(format!("{} microseconds is out of range", s.text())),
        None => Err(format!(
            "expected a number of microseconds, found {}",
            describe_value(s)
        )),
    }
}

/// What a scalar is, with its text when that is short: `a string "abc"`.
pub(crate) fn describe_value(s: &Scalar) -> String {
    match s {
        Scalar::Str(t) => format!("the string {}", quoted(t)),
        Scalar::Null | Scalar::Json(_) => s.describe().to_string(),
        other => format!("{} ({})", other.describe(), other.text()),
    }
}

/// Why a span starting at `start` microseconds-as-nanoseconds and lasting `duration` cannot be
/// stored: its end is past the largest time the model holds (u64 nanoseconds since 1970, in
/// the year 2554). Clamping it would show a centuries-long span as a few nanoseconds.
pub(crate) fn end_out_of_range(start: &Scalar, duration: &Scalar) -> Option<String> {
    let (Ok(s), Ok(d)) = (micros_to_ns(start), micros_to_ns(duration)) else {
        return None;
    };
    (s.max(0) + d.max(0) > i128::from(u64::MAX)).then(|| {
        format!(
            "start {} + duration {} microseconds ends after the year 2554, the largest time tracekit holds",
            start.text(),
            duration.text()
        )
    })
}

/// A nanosecond time as the model stores it (0 when negative; the caller decides what that means).
pub(crate) fn clamp_ns(ns: i128) -> u64 {
    u64::try_from(ns.max(0)).unwrap_or(u64::MAX)
}

/// A trace id (hex, 1 to 32 digits). Empty, null and all-zero mean absent (zero).
pub(crate) fn parse_trace_id(s: &Scalar) -> Result<TraceId, String> {
    match s {
        Scalar::Null => Ok(TraceId::ZERO),
        Scalar::Str(t) if t.trim().is_empty() => Ok(TraceId::ZERO),
        Scalar::Str(t) => TraceId::from_hex(t.trim()).map_err(|_| {
            format!(
                "{} is not a trace id (expected up to 32 hex digits)",
                quoted(t)
            )
        }),
        other => Err(format!(
            "expected a trace id as a hex string, found {}",
            describe_value(other)
        )),
    }
}

/// A span id (hex, 1 to 16 digits). Empty, null and all-zero mean absent (zero).
pub(crate) fn parse_span_id(s: &Scalar) -> Result<SpanId, String> {
    match s {
        Scalar::Null => Ok(SpanId::ZERO),
        Scalar::Str(t) if t.trim().is_empty() => Ok(SpanId::ZERO),
        Scalar::Str(t) => SpanId::from_hex(t.trim()).map_err(|_| {
            format!(
                "{} is not a span id (expected up to 16 hex digits)",
                quoted(t)
            )
        }),
        other => Err(format!(
            "expected a span id as a hex string, found {}",
            describe_value(other)
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient visitors

/// Scalar visit methods for a visitor that wants a list or an object: the value is reported with
/// `self.wrong(found)` and skipped. `null` means absent and is accepted silently.
macro_rules! scalars_are_wrong {
    () => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(self.wrong("a boolean"))
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(self.wrong("a number"))
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(self.wrong("a number"))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(self.wrong("a number"))
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(self.wrong("a string"))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
}

/// `visit_map` for a visitor that wants a list: the object is skipped and reported.
macro_rules! map_is_wrong {
    () => {
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(self.wrong("an object"))
        }
    };
}

/// `visit_seq` for a visitor that wants an object: the list is skipped and reported.
macro_rules! seq_is_wrong {
    () => {
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(self.wrong("a list"))
        }
    };
}

pub(crate) use {map_is_wrong, scalars_are_wrong, seq_is_wrong};

/// Reads an object key without allocating, mapped by `.0`.
pub(crate) struct KeySeed<K>(pub(crate) fn(&str) -> K);

impl<'de, K> DeserializeSeed<'de> for KeySeed<K> {
    type Value = K;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<K, D::Error> {
        d.deserialize_str(KeyVisitor(self.0))
    }
}

struct KeyVisitor<K>(fn(&str) -> K);

impl<'de, K> Visitor<'de> for KeyVisitor<K> {
    type Value = K;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<K, E> {
        Ok((self.0)(v))
    }
}

// ---------------------------------------------------------------------------------------------
// Conventional tags

/// Which mapping's reading of the `error` tag applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `error` is a boolean; `"true"` counts too. `false`, `"false"`, `"unset"` and `""` (what
    /// VictoriaTraces writes for spans without an error) mean no error; any other string means an
    /// error with that message (VictoriaTraces copies Zipkin's `error` values).
    Jaeger,
    /// Any `error` tag marks an error and its value is the message (`""` and `"true"`: no
    /// message), except the value `"false"`, which the OpenTelemetry mapping forbids and which we
    /// read as no error.
    Zipkin,
}

/// The model fields that Jaeger and Zipkin carry as tags.
#[derive(Debug, Default)]
pub(crate) struct Conventions {
    pub(crate) kind: Option<SpanKind>,
    pub(crate) status: Status,
    pub(crate) scope_name: Option<String>,
    pub(crate) scope_version: Option<String>,
    pub(crate) trace_state: Option<String>,
}

/// `Some(None)` for "not an error", `Some(Some(msg))` for "an error, maybe with a message",
/// `None` when the value is not a recognisable error tag (then it stays an attribute).
fn error_tag(v: &Value, dialect: Dialect) -> Option<Option<Option<String>>> {
    match (v, dialect) {
        (Value::Bool(b), Dialect::Jaeger) => Some(b.then_some(None)),
        (Value::Str(s), Dialect::Jaeger) => {
            let t = s.trim();
            if t.eq_ignore_ascii_case("true") {
                Some(Some(None))
            } else if t.is_empty()
                || t.eq_ignore_ascii_case("false")
                || t.eq_ignore_ascii_case("unset")
            {
                Some(None)
            } else {
                Some(Some(Some(s.to_string())))
            }
        }
        (Value::Str(s), Dialect::Zipkin) => {
            let t = s.trim();
            if t.eq_ignore_ascii_case("false") {
                Some(None)
            } else if t.is_empty() || t.eq_ignore_ascii_case("true") {
                Some(Some(None))
            } else {
                Some(Some(Some(s.to_string())))
            }
        }
        (Value::Bool(b), Dialect::Zipkin) => Some(b.then_some(None)),
        _ => None,
    }
}

/// Removes `span.kind`, `error`, `otel.status_code`, `otel.status_description`,
/// `otel.scope.name`/`version` (and the older `otel.library.name`/`version`, unless they
/// disagree with the `otel.scope.*` ones) and `w3c.tracestate` from `attrs`, returning what they
/// said. Values that cannot be understood (an unknown kind, a numeric status) stay attributes.
///
/// Status: `otel.status_code` gives the code; an `error` tag that means an error makes it Error
/// whatever `otel.status_code` said; the message is `otel.status_description`, else the text of
/// an `error` tag that is not just "true".
pub(crate) fn take_conventions(attrs: &mut Vec<KeyValue>, dialect: Dialect) -> Conventions {
    let scope_name_tag = crate::model::value::find(attrs, "otel.scope.name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let scope_version_tag = crate::model::value::find(attrs, "otel.scope.version")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut conv = Conventions::default();
    let mut code: Option<StatusCode> = None;
    let mut description: Option<String> = None;
    let mut error: Option<Option<String>> = None;
    let mut library_name = None;
    let mut library_version = None;
    attrs.retain(|kv| {
        let v = &kv.value;
        match &*kv.key {
            "span.kind" => match v.as_str().map(str::trim) {
                Some("") => false,
                Some(s) => match SpanKind::from_name(s) {
                    Some(k) => {
                        conv.kind = Some(k);
                        false
                    }
                    None => true,
                },
                None => true,
            },
            "error" => match error_tag(v, dialect) {
                Some(None) => false,
                Some(Some(msg)) => {
                    error = match error.take() {
                        None | Some(None) => Some(msg),
                        keep => keep,
                    };
                    false
                }
                None => true,
            },
            "otel.status_code" => match v.as_str().and_then(StatusCode::from_name) {
                Some(c) => {
                    code = Some(c);
                    false
                }
                None => true,
            },
            "otel.status_description" => match v.as_str() {
                Some(s) => {
                    description = Some(s.to_string());
                    false
                }
                None => true,
            },
            "otel.scope.name" | "otel.scope.version" | "w3c.tracestate" => match v.as_str() {
                Some(s) => {
                    let slot = match &*kv.key {
                        "otel.scope.name" => &mut conv.scope_name,
                        "otel.scope.version" => &mut conv.scope_version,
                        _ => &mut conv.trace_state,
                    };
                    *slot = Some(s.to_string());
                    false
                }
                None => true,
            },
            "otel.library.name" | "otel.library.version" => {
                let (tag, slot) = if &*kv.key == "otel.library.name" {
                    (&scope_name_tag, &mut library_name)
                } else {
                    (&scope_version_tag, &mut library_version)
                };
                match v.as_str() {
                    Some(s) if tag.as_deref().is_none_or(|t| t == s) => {
                        *slot = Some(s.to_string());
                        false
                    }
                    _ => true,
                }
            }
            _ => true,
        }
    });
    if conv.scope_name.is_none() {
        conv.scope_name = library_name;
    }
    if conv.scope_version.is_none() {
        conv.scope_version = library_version;
    }
    conv.status.code = code.unwrap_or(StatusCode::Unset);
    if let Some(msg) = error {
        conv.status.code = StatusCode::Error;
        if description.is_none() {
            description = msg;
        }
    }
    conv.status.message = description.map(String::into_boxed_str);
    conv
}

// ---------------------------------------------------------------------------------------------
// Shared resources, scopes and strings

pub(crate) use super::jz_shared::Shared;

#[cfg(test)]
mod tests;

/// Mutations of valid documents for the readers' robustness properties.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::{Value as J, json};

    /// Values of every JSON type, including awkward numbers and ids.
    pub(crate) fn replacements() -> Vec<J> {
        vec![
            J::Null,
            json!(true),
            json!(0),
            json!(-1),
            json!(1.5),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1e300),
            json!(""),
            json!("zz"),
            json!("0000000000000000"),
            json!("ffffffffffffffffffffffffffffffffff"),
            json!("99999999999999999999999999999999999999999"),
            json!("NaN"),
            json!([]),
            json!({}),
            json!([1, "a", null, {"k": []}]),
            json!({"key": 1, "type": "int64", "value": "x"}),
            json!({"refType": "CHILD_OF", "spanID": 5}),
        ]
    }

    /// Replaces the `k`-th node (pre-order, modulo the node count) of `doc` with `with`, or
    /// deletes it from its object or list when `delete` is set.
    pub(crate) fn mutate(doc: &mut J, k: usize, with: J, delete: bool) {
        let mut pointers = vec![String::new()];
        let mut stack = vec![(String::new(), &*doc)];
        while let Some((ptr, v)) = stack.pop() {
            match v {
                J::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        let p = format!("{ptr}/{i}");
                        pointers.push(p.clone());
                        stack.push((p, item));
                    }
                }
                J::Object(o) => {
                    for (key, item) in o.iter() {
                        let p = format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"));
                        pointers.push(p.clone());
                        stack.push((p, item));
                    }
                }
                _ => {}
            }
        }
        let target = pointers[k % pointers.len()].clone();
        if delete && let Some(cut) = target.rfind('/') {
            let (parent, last) = target.split_at(cut);
            let last = last[1..].replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(J::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                Some(J::Object(o)) => {
                    o.remove(&last);
                }
                _ => {}
            }
            return;
        }
        if let Some(slot) = doc.pointer_mut(&target) {
            *slot = with;
        }
    }

    /// Byte-level edits: (position, byte, 0 replace / 1 delete / 2 insert).
    pub(crate) fn byte_edits(data: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
        let mut out = data.to_vec();
        for &(pos, byte, op) in edits {
            if out.is_empty() {
                out.push(byte);
                continue;
            }
            let i = pos % out.len();
            match op % 3 {
                0 => out[i] = byte,
                1 => {
                    out.remove(i);
                }
                _ => out.insert(i, byte),
            }
        }
        out
    }
}
