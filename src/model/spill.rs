//! A temporary file of trace fragments: spans written in a compact binary form and read back
//! exactly as they were (every field, float bits included). The trace window
//! ([`super::window`]) writes each trace it lets go here, so that a trace that turns out to be
//! unfinished, or a second pass over all traces (`skew`), reads it back instead of holding it.
//!
//! Repeated strings (names, services, keys), resources and scopes are written once per file
//! into in-memory tables and named by number; the tables stop growing past a bound, after
//! which values are written inline. The file is deleted when the [`SpillFile`] is dropped (on
//! Unix it is unlinked as soon as it is created, so nothing is left behind by a crash).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::ids::{SpanId, TraceId};
use super::span::{
    Event, Link, ParentRef, RefKind, Resource, Scope, Span, SpanKind, Status, StatusCode,
};
use super::value::{KeyValue, Value};

/// Distinct strings, resources and scopes kept in the tables at most.
const MAX_STRINGS: usize = 1 << 16;
const MAX_SHARED: usize = 1 << 12;
/// Bytes buffered before they are written to the file.
const BUFFER: usize = 1 << 20;

/// Where one fragment lies in the file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Extent {
    pub offset: u64,
    pub len: u32,
}

/// A new file in the system's temporary directory (`TMPDIR`), deleted when dropped (on Unix
/// unlinked at once).
pub struct TempFile {
    pub file: File,
    path: PathBuf,
    removed: bool,
}

impl TempFile {
    pub fn new() -> io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut attempt = 0;
        let (file, path) = loop {
            let path = dir.join(format!(
                "tracekit-spill-{}-{}-{nanos:x}.bin",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => break (f, path),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        };
        // An open file can be unlinked on Unix: the space is freed when the handle closes, even
        // if the process is killed.
        let removed = cfg!(unix) && std::fs::remove_file(&path).is_ok();
        Ok(TempFile {
            file,
            path,
            removed,
        })
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.removed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A temporary file that fragments are appended to and read back from.
pub struct SpillFile {
    /// Created with the first flush: a small input never needs a temporary directory.
    file: Option<TempFile>,
    /// Bytes in the file; `buf` follows them.
    flushed: u64,
    buf: Vec<u8>,
    enc: Encoder,
    /// Whether every byte has been written (reads then need no flush).
    scratch: Vec<u8>,
}

impl SpillFile {
    /// A new empty spill; its file in the system's temporary directory is created when the
    /// first [`BUFFER`] bytes are written.
    pub fn new() -> io::Result<Self> {
        Ok(SpillFile {
            file: None,
            flushed: 0,
            buf: Vec::new(),
            enc: Encoder::default(),
            scratch: Vec::new(),
        })
    }

    /// Append the spans of one trace (all of `trace_id`); returns where they lie.
    pub fn write(&mut self, trace_id: TraceId, spans: &[Span]) -> io::Result<Extent> {
        let offset = self.flushed + self.buf.len() as u64;
        let start = self.buf.len();
        put_u128(&mut self.buf, trace_id.0);
        put_var(&mut self.buf, spans.len() as u64);
        for s in spans {
            self.enc.span(&mut self.buf, s);
        }
        let len = u32::try_from(self.buf.len() - start)
            .map_err(|_| io::Error::other("a trace fragment over 4 GiB"))?;
        if self.buf.len() >= BUFFER {
            self.flush()?;
        }
        Ok(Extent { offset, len })
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(TempFile::new()?),
        };
        file.file.seek(SeekFrom::Start(self.flushed))?;
        file.file.write_all(&self.buf)?;
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// The spans of one fragment, appended to `out`; returns the fragment's trace id.
    pub fn read_into(&mut self, at: Extent, out: &mut Vec<Span>) -> io::Result<TraceId> {
        let bytes: &[u8] = if at.offset >= self.flushed {
            let s = (at.offset - self.flushed) as usize;
            &self.buf[s..s + at.len as usize]
        } else {
            // Bytes before `flushed` are in the file, which the flush created.
            let file = self.file.as_mut().ok_or_else(corrupt)?;
            self.scratch.resize(at.len as usize, 0);
            file.file.seek(SeekFrom::Start(at.offset))?;
            file.file.read_exact(&mut self.scratch)?;
            &self.scratch
        };
        let mut d = Decoder {
            bytes,
            pos: 0,
            tables: &self.enc,
        };
        let id = TraceId(d.u128()?);
        let n = d.var()? as usize;
        out.reserve(n);
        for _ in 0..n {
            let mut s = d.span()?;
            s.trace_id = id;
            out.push(s);
        }
        Ok(id)
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn corrupt() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "spill file: bad fragment")
}

fn put_var(b: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        b.push((v as u8) | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
}

fn put_u64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put_u128(b: &mut Vec<u8>, v: u128) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(b: &mut Vec<u8>, s: &[u8]) {
    put_var(b, s.len() as u64);
    b.extend_from_slice(s);
}

fn put_opt_str(b: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => b.push(0),
        Some(s) => {
            b.push(1);
            put_bytes(b, s.as_bytes());
        }
    }
}

/// The tables of shared values, filled as spans are written and read back from.
#[derive(Default)]
struct Encoder {
    strings: HashMap<Arc<str>, u32>,
    string_list: Vec<Arc<str>>,
    resources: HashMap<Vec<u8>, u32>,
    resource_list: Vec<Arc<Resource>>,
    last_resource: Option<(Arc<Resource>, u32)>,
    scopes: HashMap<Vec<u8>, u32>,
    scope_list: Vec<Arc<Scope>>,
    last_scope: Option<(Arc<Scope>, u32)>,
}

impl Encoder {
    /// A repeated string: `0` then inline bytes, or `n + 1` for table entry `n`.
    fn shared_str(&mut self, b: &mut Vec<u8>, s: &Arc<str>) {
        if let Some(&i) = self.strings.get(s) {
            put_var(b, u64::from(i) + 1);
            return;
        }
        if self.string_list.len() < MAX_STRINGS {
            let i = self.string_list.len() as u32;
            self.strings.insert(s.clone(), i);
            self.string_list.push(s.clone());
            put_var(b, u64::from(i) + 1);
        } else {
            put_var(b, 0);
            put_bytes(b, s.as_bytes());
        }
    }

    fn value(&mut self, b: &mut Vec<u8>, v: &Value) {
        match v {
            Value::Empty => b.push(0),
            Value::Str(s) => {
                b.push(1);
                put_bytes(b, s.as_bytes());
            }
            Value::Bool(x) => b.push(if *x { 3 } else { 2 }),
            Value::Int(i) => {
                b.push(4);
                put_u64(b, *i as u64);
            }
            Value::Double(f) => {
                b.push(5);
                put_u64(b, f.to_bits());
            }
            Value::Bytes(x) => {
                b.push(6);
                put_bytes(b, x);
            }
            Value::Array(a) => {
                b.push(7);
                put_var(b, a.len() as u64);
                for x in a.iter() {
                    self.value(b, x);
                }
            }
            Value::Map(m) => {
                b.push(8);
                self.attrs(b, m);
            }
        }
    }

    fn attrs(&mut self, b: &mut Vec<u8>, kvs: &[KeyValue]) {
        put_var(b, kvs.len() as u64);
        for kv in kvs {
            self.shared_str(b, &kv.key);
            self.value(b, &kv.value);
        }
    }

    fn resource_bytes(&mut self, r: &Resource) -> Vec<u8> {
        let mut b = Vec::new();
        self.attrs(&mut b, &r.attributes);
        put_var(&mut b, u64::from(r.dropped_attributes_count));
        put_opt_str(&mut b, r.schema_url.as_deref());
        b
    }

    fn scope_bytes(&mut self, s: &Scope) -> Vec<u8> {
        let mut b = Vec::new();
        self.shared_str(&mut b, &s.name);
        put_opt_str(&mut b, s.version.as_deref());
        self.attrs(&mut b, &s.attributes);
        put_var(&mut b, u64::from(s.dropped_attributes_count));
        put_opt_str(&mut b, s.schema_url.as_deref());
        b
    }

    /// A resource: `n + 1` for table entry `n`, or `0` and the resource inline.
    fn resource(&mut self, b: &mut Vec<u8>, r: &Arc<Resource>) {
        if let Some((last, i)) = &self.last_resource
            && Arc::ptr_eq(last, r)
        {
            put_var(b, u64::from(*i) + 1);
            return;
        }
        let bytes = self.resource_bytes(r);
        let i = match self.resources.get(&bytes) {
            Some(&i) => i,
            None if self.resource_list.len() < MAX_SHARED => {
                let i = self.resource_list.len() as u32;
                self.resources.insert(bytes, i);
                self.resource_list.push(r.clone());
                i
            }
            None => {
                put_var(b, 0);
                b.extend_from_slice(&bytes);
                return;
            }
        };
        self.last_resource = Some((r.clone(), i));
        put_var(b, u64::from(i) + 1);
    }

    fn scope(&mut self, b: &mut Vec<u8>, s: &Arc<Scope>) {
        if let Some((last, i)) = &self.last_scope
            && Arc::ptr_eq(last, s)
        {
            put_var(b, u64::from(*i) + 1);
            return;
        }
        let bytes = self.scope_bytes(s);
        let i = match self.scopes.get(&bytes) {
            Some(&i) => i,
            None if self.scope_list.len() < MAX_SHARED => {
                let i = self.scope_list.len() as u32;
                self.scopes.insert(bytes, i);
                self.scope_list.push(s.clone());
                i
            }
            None => {
                put_var(b, 0);
                b.extend_from_slice(&bytes);
                return;
            }
        };
        self.last_scope = Some((s.clone(), i));
        put_var(b, u64::from(i) + 1);
    }

    fn span(&mut self, b: &mut Vec<u8>, s: &Span) {
        put_u64(b, s.span_id.0);
        let kind = s.kind as u8;
        let code = match s.status.code {
            StatusCode::Unset => 0u8,
            StatusCode::Ok => 1,
            StatusCode::Error => 2,
        };
        let pref = match s.parent_ref {
            ParentRef::ParentId => 0u8,
            ParentRef::ChildOf => 1,
            ParentRef::FollowsFrom => 2,
        };
        // kind: 3 bits, status: 2, parent ref: 2, shared: 1.
        b.push(kind | (code << 3) | (pref << 5) | (u8::from(s.shared) << 7));
        match s.parent_span_id {
            None => b.push(0),
            Some(p) => {
                b.push(1);
                put_u64(b, p.0);
            }
        }
        self.shared_str(b, &s.name);
        self.shared_str(b, &s.service);
        put_opt_str(b, s.status.message.as_deref());
        put_var(b, s.start_ns);
        put_var(b, s.end_ns.wrapping_sub(s.start_ns));
        put_var(b, u64::from(s.flags));
        put_opt_str(b, s.trace_state.as_deref());
        self.attrs(b, &s.attributes);
        put_var(b, s.events.len() as u64);
        for e in &s.events {
            put_var(b, e.time_ns);
            self.shared_str(b, &e.name);
            self.attrs(b, &e.attributes);
            put_var(b, u64::from(e.dropped_attributes_count));
        }
        put_var(b, s.links.len() as u64);
        for l in &s.links {
            put_u128(b, l.trace_id.0);
            put_u64(b, l.span_id.0);
            b.push(match l.kind {
                RefKind::Link => 0,
                RefKind::ChildOf => 1,
                RefKind::FollowsFrom => 2,
            });
            put_opt_str(b, l.trace_state.as_deref());
            self.attrs(b, &l.attributes);
            put_var(b, u64::from(l.dropped_attributes_count));
            put_var(b, u64::from(l.flags));
        }
        self.resource(b, &s.resource);
        self.scope(b, &s.scope);
        put_var(b, u64::from(s.dropped_attributes_count));
        put_var(b, u64::from(s.dropped_events_count));
        put_var(b, u64::from(s.dropped_links_count));
    }
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    tables: &'a Encoder,
}

impl Decoder<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        let end = self.pos.checked_add(n).ok_or_else(corrupt)?;
        let s = self.bytes.get(self.pos..end).ok_or_else(corrupt)?;
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn var(&mut self) -> io::Result<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.u8()?;
            if shift >= 64 {
                return Err(corrupt());
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn u32v(&mut self) -> io::Result<u32> {
        u32::try_from(self.var()?).map_err(|_| corrupt())
    }

    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }

    fn u128(&mut self) -> io::Result<u128> {
        Ok(u128::from_le_bytes(self.take(16)?.try_into().unwrap()))
    }

    fn str(&mut self) -> io::Result<&str> {
        let n = self.var()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt())
    }

    fn opt_str(&mut self) -> io::Result<Option<Box<str>>> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(Box::from(self.str()?)),
        })
    }

    fn key(&mut self) -> io::Result<Arc<str>> {
        match self.var()? {
            0 => Ok(Arc::from(self.str()?)),
            n => self
                .tables
                .string_list
                .get(n as usize - 1)
                .cloned()
                .ok_or_else(corrupt),
        }
    }

    fn value(&mut self) -> io::Result<Value> {
        Ok(match self.u8()? {
            0 => Value::Empty,
            1 => Value::Str(Box::from(self.str()?)),
            2 => Value::Bool(false),
            3 => Value::Bool(true),
            4 => Value::Int(self.u64()? as i64),
            5 => Value::Double(f64::from_bits(self.u64()?)),
            6 => {
                let n = self.var()? as usize;
                Value::Bytes(Box::from(self.take(n)?))
            }
            7 => {
                let n = self.var()? as usize;
                let mut v = Vec::with_capacity(n.min(1 << 16));
                for _ in 0..n {
                    v.push(self.value()?);
                }
                Value::Array(v.into_boxed_slice())
            }
            8 => Value::Map(self.attrs()?.into_boxed_slice()),
            _ => return Err(corrupt()),
        })
    }

    fn attrs(&mut self) -> io::Result<Vec<KeyValue>> {
        let n = self.var()? as usize;
        let mut v = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            let key = self.key()?;
            let value = self.value()?;
            v.push(KeyValue { key, value });
        }
        Ok(v)
    }

    fn resource(&mut self) -> io::Result<Arc<Resource>> {
        match self.var()? {
            0 => Ok(Arc::new(Resource {
                attributes: self.attrs()?,
                dropped_attributes_count: self.u32v()?,
                schema_url: self.opt_str()?,
            })),
            n => self
                .tables
                .resource_list
                .get(n as usize - 1)
                .cloned()
                .ok_or_else(corrupt),
        }
    }

    fn scope(&mut self) -> io::Result<Arc<Scope>> {
        match self.var()? {
            0 => Ok(Arc::new(Scope {
                name: self.key()?,
                version: self.opt_str()?,
                attributes: self.attrs()?,
                dropped_attributes_count: self.u32v()?,
                schema_url: self.opt_str()?,
            })),
            n => self
                .tables
                .scope_list
                .get(n as usize - 1)
                .cloned()
                .ok_or_else(corrupt),
        }
    }

    fn span(&mut self) -> io::Result<Span> {
        let span_id = SpanId(self.u64()?);
        let bits = self.u8()?;
        let kind = SpanKind::from_otlp(i64::from(bits & 7)).ok_or_else(corrupt)?;
        let code = StatusCode::from_otlp(i64::from((bits >> 3) & 3)).ok_or_else(corrupt)?;
        let parent_ref = match (bits >> 5) & 3 {
            0 => ParentRef::ParentId,
            1 => ParentRef::ChildOf,
            2 => ParentRef::FollowsFrom,
            _ => return Err(corrupt()),
        };
        let shared = bits >> 7 == 1;
        let parent_span_id = match self.u8()? {
            0 => None,
            _ => Some(SpanId(self.u64()?)),
        };
        let name = self.key()?;
        let service = self.key()?;
        let message = self.opt_str()?;
        let start_ns = self.var()?;
        let end_ns = start_ns.wrapping_add(self.var()?);
        let flags = self.u32v()?;
        let trace_state = self.opt_str()?;
        let attributes = self.attrs()?;
        let n = self.var()? as usize;
        let mut events = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            events.push(Event {
                time_ns: self.var()?,
                name: self.key()?,
                attributes: self.attrs()?,
                dropped_attributes_count: self.u32v()?,
            });
        }
        let n = self.var()? as usize;
        let mut links = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            links.push(Link {
                trace_id: TraceId(self.u128()?),
                span_id: SpanId(self.u64()?),
                kind: match self.u8()? {
                    0 => RefKind::Link,
                    1 => RefKind::ChildOf,
                    2 => RefKind::FollowsFrom,
                    _ => return Err(corrupt()),
                },
                trace_state: self.opt_str()?,
                attributes: self.attrs()?,
                dropped_attributes_count: self.u32v()?,
                flags: self.u32v()?,
            });
        }
        let resource = self.resource()?;
        let scope = self.scope()?;
        Ok(Span {
            trace_id: TraceId(0),
            span_id,
            parent_span_id,
            parent_ref,
            name,
            service,
            kind,
            status: Status { code, message },
            start_ns,
            end_ns,
            flags,
            trace_state,
            attributes,
            events,
            links,
            resource,
            scope,
            dropped_attributes_count: self.u32v()?,
            dropped_events_count: self.u32v()?,
            dropped_links_count: self.u32v()?,
            shared,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit;

    fn rich(id: u64, trace: u128) -> Span {
        let mut s = testkit::span(id)
            .trace(trace)
            .parent(id.checked_sub(1))
            .service("svc")
            .name("op")
            .kind(SpanKind::Client)
            .start_ns(5)
            .end_ns(3)
            .build();
        s.status = Status {
            code: StatusCode::Error,
            message: Some("boom".into()),
        };
        s.parent_ref = ParentRef::FollowsFrom;
        s.shared = true;
        s.flags = 0x301;
        s.trace_state = Some("a=b".into());
        s.attributes = vec![
            KeyValue::new("s", Value::Str("x".into())),
            KeyValue::new("d", Value::Double(f64::from_bits(0x7ff8_0000_0000_0001))),
            KeyValue::new("i", Value::Int(-7)),
            KeyValue::new("b", Value::Bytes(Box::from(&[1u8, 2][..]))),
            KeyValue::new(
                "a",
                Value::Array(Box::from(vec![Value::Bool(true), Value::Empty])),
            ),
            KeyValue::new(
                "m",
                Value::Map(Box::from(vec![KeyValue::new("k", Value::Bool(false))])),
            ),
        ];
        s.events = vec![Event {
            time_ns: 9,
            name: "ev".into(),
            attributes: vec![KeyValue::new("e", Value::Int(1))],
            dropped_attributes_count: 2,
        }];
        s.links = vec![Link {
            trace_id: TraceId(u128::MAX),
            span_id: SpanId(3),
            kind: RefKind::ChildOf,
            trace_state: None,
            attributes: Vec::new(),
            dropped_attributes_count: 1,
            flags: 4,
        }];
        s.resource = Arc::new(Resource {
            attributes: vec![KeyValue::new("host.name", Value::Str("h".into()))],
            dropped_attributes_count: 3,
            schema_url: Some("u".into()),
        });
        s.scope = Arc::new(Scope {
            name: "lib".into(),
            version: Some("1".into()),
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            schema_url: None,
        });
        s.dropped_attributes_count = 1;
        s.dropped_events_count = 2;
        s.dropped_links_count = u32::MAX;
        s
    }

    /// Bit-exact comparison (PartialEq says NaN != NaN).
    fn same(a: &Span, b: &Span) -> bool {
        format!("{a:?}") == format!("{b:?}")
            && a.attributes.len() == b.attributes.len()
            && a.attributes
                .iter()
                .zip(&b.attributes)
                .all(|(x, y)| match (&x.value, &y.value) {
                    (Value::Double(p), Value::Double(q)) => p.to_bits() == q.to_bits(),
                    _ => true,
                })
    }

    #[test]
    fn round_trip_every_field() {
        let mut f = SpillFile::new().unwrap();
        let a: Vec<Span> = (1..4).map(|i| rich(i, 7)).collect();
        let b = vec![testkit::span(1).trace(8).build()];
        let ea = f.write(TraceId(7), &a).unwrap();
        let eb = f.write(TraceId(8), &b).unwrap();
        // Once from the buffer, once from the file.
        for _ in 0..2 {
            let mut out = Vec::new();
            assert_eq!(f.read_into(ea, &mut out).unwrap(), TraceId(7));
            assert_eq!(out.len(), 3);
            assert!(out.iter().zip(&a).all(|(x, y)| same(x, y)));
            let mut out = Vec::new();
            f.read_into(eb, &mut out).unwrap();
            assert_eq!(out, b);
            f.flush().unwrap();
        }
        assert!(!f.is_empty());
    }

    #[test]
    fn tables_overflow_inline() {
        let mut f = SpillFile::new().unwrap();
        let spans: Vec<Span> = (0..(MAX_SHARED as u64 + 10))
            .map(|i| {
                let mut s = rich(i + 1, 1);
                s.resource = Arc::new(Resource {
                    attributes: vec![KeyValue::new("n", Value::Int(i as i64))],
                    ..Resource::default()
                });
                s.name = Arc::from(format!("n{i}").as_str());
                s
            })
            .collect();
        let e = f.write(TraceId(1), &spans).unwrap();
        f.flush().unwrap();
        let mut out = Vec::new();
        f.read_into(e, &mut out).unwrap();
        assert!(out.iter().zip(&spans).all(|(x, y)| same(x, y)));
    }
}
