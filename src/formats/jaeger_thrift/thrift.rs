//! Thrift compact and binary protocol codec: only what the Jaeger agent messages need
//! (messages, structs, fields, lists, i16/i32/i64, double, bool, binary; maps and sets only to
//! skip them). Shared by the Jaeger Thrift reader and writer.
//!
//! The decoder works on a byte slice and never panics: every length and container size is
//! checked against the bytes that are left, nesting is capped, and running out of bytes is its
//! own error ([`ErrorKind::Eof`]) so that a streaming caller can fetch more input and retry.

use std::fmt;

/// Field and element types, protocol-independent.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TType {
    Bool,
    Byte,
    I16,
    I32,
    I64,
    Double,
    Binary,
    List,
    Set,
    Map,
    Struct,
}

/// Message types (`T_CALL` … `T_ONEWAY`).
pub const MESSAGE_CALL: u8 = 1;
pub const MESSAGE_ONEWAY: u8 = 4;

/// Nesting past this many structs/containers is refused.
pub const MAX_DEPTH: usize = 64;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// TCompactProtocol: first byte 0x82.
    Compact,
    /// TBinaryProtocol, strict message header: first bytes 0x80 0x01.
    Binary,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ended inside a value: more bytes could complete it.
    Eof,
    /// The bytes are not valid Thrift (or not the expected shape).
    Invalid(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Offset in the decoded slice where the problem is.
    pub pos: usize,
    pub kind: ErrorKind,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Eof => f.write_str("unexpected end of input"),
            ErrorKind::Invalid(m) => f.write_str(m),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A message header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    pub name: String,
    pub kind: u8,
    pub seq_id: i32,
}

/// A decoded field header; `None` from [`Decoder::read_field`] is the stop field.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub id: i16,
    pub ty: TType,
}

fn compact_type(n: u8) -> Option<TType> {
    Some(match n {
        1 | 2 => TType::Bool,
        3 => TType::Byte,
        4 => TType::I16,
        5 => TType::I32,
        6 => TType::I64,
        7 => TType::Double,
        8 => TType::Binary,
        9 => TType::List,
        10 => TType::Set,
        11 => TType::Map,
        12 => TType::Struct,
        _ => return None,
    })
}

fn compact_code(t: TType) -> u8 {
    match t {
        TType::Bool => 1,
        TType::Byte => 3,
        TType::I16 => 4,
        TType::I32 => 5,
        TType::I64 => 6,
        TType::Double => 7,
        TType::Binary => 8,
        TType::List => 9,
        TType::Set => 10,
        TType::Map => 11,
        TType::Struct => 12,
    }
}

fn binary_type(n: u8) -> Option<TType> {
    Some(match n {
        2 => TType::Bool,
        3 => TType::Byte,
        4 => TType::Double,
        6 => TType::I16,
        8 => TType::I32,
        10 => TType::I64,
        11 => TType::Binary,
        12 => TType::Struct,
        13 => TType::Map,
        14 => TType::Set,
        15 => TType::List,
        _ => return None,
    })
}

fn binary_code(t: TType) -> u8 {
    match t {
        TType::Bool => 2,
        TType::Byte => 3,
        TType::Double => 4,
        TType::I16 => 6,
        TType::I32 => 8,
        TType::I64 => 10,
        TType::Binary => 11,
        TType::Struct => 12,
        TType::Map => 13,
        TType::Set => 14,
        TType::List => 15,
    }
}

fn zigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn to_zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

/// Reads one protocol from a byte slice.
pub struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    proto: Protocol,
    /// Compact: the last field id of each open struct (field ids are deltas).
    last_field: Vec<i16>,
    /// Compact: a bool field's value travels in its field header.
    pending_bool: Option<bool>,
    depth: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(buf: &'a [u8], proto: Protocol) -> Self {
        Decoder {
            buf,
            pos: 0,
            proto,
            last_field: Vec::new(),
            pending_bool: None,
            depth: 0,
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn protocol(&self) -> Protocol {
        self.proto
    }

    fn err<T>(&self, msg: impl Into<String>) -> Result<T> {
        Err(Error {
            pos: self.pos,
            kind: ErrorKind::Invalid(msg.into()),
        })
    }

    fn eof<T>(&self) -> Result<T> {
        Err(Error {
            pos: self.pos,
            kind: ErrorKind::Eof,
        })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return self.eof();
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8> {
        match self.buf.get(self.pos) {
            Some(b) => {
                self.pos += 1;
                Ok(*b)
            }
            None => self.eof(),
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn varint(&mut self) -> Result<u64> {
        let start = self.pos;
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.pos = start;
        self.err("varint longer than 10 bytes")
    }

    fn enter(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return self.err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        Ok(())
    }

    /// A size read from the input, checked against what is left (every element takes at least
    /// one byte, so a bigger size cannot be complete yet).
    fn size(&mut self, n: i64, what: &str) -> Result<usize> {
        if n < 0 {
            return self.err(format!("negative {what} size {n}"));
        }
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n > self.remaining() {
            return self.eof();
        }
        Ok(n)
    }

    pub fn read_message_begin(&mut self) -> Result<MessageHeader> {
        match self.proto {
            Protocol::Compact => {
                let id = self.byte()?;
                if id != 0x82 {
                    self.pos -= 1;
                    return self.err(format!(
                        "expected compact protocol id 0x82, found 0x{id:02x}"
                    ));
                }
                let vt = self.byte()?;
                if vt & 0x1f != 1 {
                    self.pos -= 1;
                    return self.err(format!(
                        "unsupported compact protocol version {}",
                        vt & 0x1f
                    ));
                }
                let kind = vt >> 5;
                let seq_id = self.varint()? as u32 as i32;
                let name = self.read_string()?;
                Ok(MessageHeader { name, kind, seq_id })
            }
            Protocol::Binary => {
                let v = u32::from_be_bytes(self.array::<4>()?);
                if v & 0xffff_0000 != 0x8001_0000 {
                    self.pos -= 4;
                    return self.err(format!(
                        "expected binary protocol version 0x8001, found 0x{:04x}",
                        v >> 16
                    ));
                }
                let kind = (v & 0xff) as u8;
                let name = self.read_string()?;
                let seq_id = self.read_i32()?;
                Ok(MessageHeader { name, kind, seq_id })
            }
        }
    }

    pub fn read_struct_begin(&mut self) -> Result<()> {
        self.enter()?;
        if self.proto == Protocol::Compact {
            self.last_field.push(0);
        }
        Ok(())
    }

    pub fn read_struct_end(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.proto == Protocol::Compact {
            self.last_field.pop();
        }
    }

    /// The next field header, or `None` at the struct's stop byte.
    pub fn read_field(&mut self) -> Result<Option<Field>> {
        self.pending_bool = None;
        let start = self.pos;
        let b = self.byte()?;
        if b == 0 {
            return Ok(None);
        }
        match self.proto {
            Protocol::Compact => {
                let code = b & 0x0f;
                let Some(ty) = compact_type(code) else {
                    self.pos = start;
                    return self.err(format!("unknown compact field type {code}"));
                };
                let delta = i16::from(b >> 4);
                let last = self.last_field.last().copied().unwrap_or(0);
                let id = if delta == 0 {
                    let z = self.varint()?;
                    zigzag(z) as i16
                } else {
                    last.wrapping_add(delta)
                };
                if let Some(l) = self.last_field.last_mut() {
                    *l = id;
                }
                if ty == TType::Bool {
                    self.pending_bool = Some(code == 1);
                }
                Ok(Some(Field { id, ty }))
            }
            Protocol::Binary => {
                let Some(ty) = binary_type(b) else {
                    self.pos = start;
                    return self.err(format!("unknown binary field type {b}"));
                };
                let id = i16::from_be_bytes(self.array::<2>()?);
                Ok(Some(Field { id, ty }))
            }
        }
    }

    /// A list (or set) header: element type and count.
    pub fn read_list_begin(&mut self) -> Result<(TType, usize)> {
        let start = self.pos;
        let (code, n, ty) = match self.proto {
            Protocol::Compact => {
                let b = self.byte()?;
                let code = b & 0x0f;
                let n = if b >> 4 == 0x0f {
                    self.varint()? as u32 as i32 as i64
                } else {
                    i64::from(b >> 4)
                };
                (code, n, compact_type(code))
            }
            Protocol::Binary => {
                let code = self.byte()?;
                let n = i64::from(self.read_i32()?);
                (code, n, binary_type(code))
            }
        };
        let Some(ty) = ty else {
            self.pos = start;
            return self.err(format!("unknown list element type {code}"));
        };
        let n = self.size(n, "list")?;
        self.enter()?;
        Ok((ty, n))
    }

    pub fn read_list_end(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A map header: key type, value type, count.
    pub fn read_map_begin(&mut self) -> Result<(TType, TType, usize)> {
        let start = self.pos;
        let (k, v, n) = match self.proto {
            Protocol::Compact => {
                let n = self.varint()? as u32 as i32 as i64;
                if n == 0 {
                    self.enter()?;
                    return Ok((TType::Byte, TType::Byte, 0));
                }
                let kv = self.byte()?;
                (compact_type(kv >> 4), compact_type(kv & 0x0f), n)
            }
            Protocol::Binary => {
                let k = self.byte()?;
                let v = self.byte()?;
                let n = i64::from(self.read_i32()?);
                (binary_type(k), binary_type(v), n)
            }
        };
        let (Some(k), Some(v)) = (k, v) else {
            self.pos = start;
            return self.err("unknown map key or value type");
        };
        let n = self.size(n, "map")?;
        self.enter()?;
        Ok((k, v, n))
    }

    pub fn read_bool(&mut self) -> Result<bool> {
        if let Some(b) = self.pending_bool.take() {
            return Ok(b);
        }
        let b = self.byte()?;
        Ok(match self.proto {
            // In containers: 1 true, 2 (or anything else) false.
            Protocol::Compact => b == 1,
            Protocol::Binary => b != 0,
        })
    }

    pub fn read_byte(&mut self) -> Result<i8> {
        Ok(self.byte()? as i8)
    }

    pub fn read_i16(&mut self) -> Result<i16> {
        match self.proto {
            Protocol::Compact => Ok(zigzag(self.varint()?) as i16),
            Protocol::Binary => Ok(i16::from_be_bytes(self.array()?)),
        }
    }

    pub fn read_i32(&mut self) -> Result<i32> {
        match self.proto {
            Protocol::Compact => Ok(zigzag(self.varint()?) as i32),
            Protocol::Binary => Ok(i32::from_be_bytes(self.array()?)),
        }
    }

    pub fn read_i64(&mut self) -> Result<i64> {
        match self.proto {
            Protocol::Compact => Ok(zigzag(self.varint()?)),
            Protocol::Binary => Ok(i64::from_be_bytes(self.array()?)),
        }
    }

    pub fn read_double(&mut self) -> Result<f64> {
        match self.proto {
            Protocol::Compact => Ok(f64::from_le_bytes(self.array()?)),
            Protocol::Binary => Ok(f64::from_be_bytes(self.array()?)),
        }
    }

    pub fn read_binary(&mut self) -> Result<&'a [u8]> {
        let n = match self.proto {
            Protocol::Compact => self.varint()? as u32 as i32 as i64,
            Protocol::Binary => i64::from(self.read_i32()?),
        };
        let n = self.size(n, "string")?;
        self.take(n)
    }

    /// A string; invalid UTF-8 is replaced (Thrift strings are bytes on the wire).
    pub fn read_string(&mut self) -> Result<String> {
        Ok(self.read_str()?.into_owned())
    }

    /// A string borrowed from the input when it is valid UTF-8.
    pub fn read_str(&mut self) -> Result<std::borrow::Cow<'a, str>> {
        let b = self.read_binary()?;
        Ok(String::from_utf8_lossy(b))
    }

    /// Skip a value of the given type, however it nests (up to [`MAX_DEPTH`]).
    pub fn skip(&mut self, ty: TType) -> Result<()> {
        // An explicit stack of "values left to skip" per open container, so the input never
        // controls the call depth.
        enum Open {
            Struct,
            Seq(TType, usize),
            Map(TType, TType, usize),
        }
        let mut stack: Vec<Open> = Vec::new();
        let mut next = Some(ty);
        loop {
            if let Some(t) = next.take() {
                match t {
                    TType::Bool => {
                        self.read_bool()?;
                    }
                    TType::Byte => {
                        self.byte()?;
                    }
                    TType::I16 => {
                        self.read_i16()?;
                    }
                    TType::I32 => {
                        self.read_i32()?;
                    }
                    TType::I64 => {
                        self.read_i64()?;
                    }
                    TType::Double => {
                        self.take(8)?;
                    }
                    TType::Binary => {
                        self.read_binary()?;
                    }
                    TType::Struct => {
                        self.read_struct_begin()?;
                        stack.push(Open::Struct);
                    }
                    TType::List | TType::Set => {
                        let (et, n) = self.read_list_begin()?;
                        stack.push(Open::Seq(et, n));
                    }
                    TType::Map => {
                        let (k, v, n) = self.read_map_begin()?;
                        stack.push(Open::Map(k, v, n * 2));
                    }
                }
            }
            // Pick the next value from the innermost open container.
            let Some(top) = stack.last_mut() else {
                return Ok(());
            };
            match top {
                Open::Struct => match self.read_field()? {
                    Some(f) => next = Some(f.ty),
                    None => {
                        self.read_struct_end();
                        stack.pop();
                    }
                },
                Open::Seq(et, n) => {
                    if *n == 0 {
                        self.read_list_end();
                        stack.pop();
                    } else {
                        *n -= 1;
                        next = Some(*et);
                    }
                }
                Open::Map(k, v, n) => {
                    if *n == 0 {
                        self.read_list_end();
                        stack.pop();
                    } else {
                        *n -= 1;
                        next = Some(if *n % 2 == 1 { *k } else { *v });
                    }
                }
            }
        }
    }
}

/// Writes one protocol into a byte vector.
pub struct Encoder {
    pub buf: Vec<u8>,
    proto: Protocol,
    last_field: Vec<i16>,
}

impl Encoder {
    pub fn new(proto: Protocol) -> Self {
        Encoder {
            buf: Vec::new(),
            proto,
            last_field: Vec::new(),
        }
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub fn write_message_begin(&mut self, name: &str, kind: u8, seq_id: i32) {
        match self.proto {
            Protocol::Compact => {
                self.buf.push(0x82);
                self.buf.push((kind << 5) | 1);
                self.varint(u64::from(seq_id as u32));
                self.write_string(name);
            }
            Protocol::Binary => {
                self.buf
                    .extend_from_slice(&(0x8001_0000u32 | u32::from(kind)).to_be_bytes());
                self.write_string(name);
                self.buf.extend_from_slice(&seq_id.to_be_bytes());
            }
        }
    }

    pub fn write_struct_begin(&mut self) {
        if self.proto == Protocol::Compact {
            self.last_field.push(0);
        }
    }

    /// Writes the stop field and closes the struct.
    pub fn write_struct_end(&mut self) {
        self.buf.push(0);
        if self.proto == Protocol::Compact {
            self.last_field.pop();
        }
    }

    fn field_header(&mut self, id: i16, compact: u8, ty: TType) {
        match self.proto {
            Protocol::Compact => {
                let last = self.last_field.last().copied().unwrap_or(0);
                let delta = i32::from(id) - i32::from(last);
                if (1..=15).contains(&delta) {
                    self.buf.push(((delta as u8) << 4) | compact);
                } else {
                    self.buf.push(compact);
                    self.varint(to_zigzag(i64::from(id)));
                }
                if let Some(l) = self.last_field.last_mut() {
                    *l = id;
                }
            }
            Protocol::Binary => {
                self.buf.push(binary_code(ty));
                self.buf.extend_from_slice(&id.to_be_bytes());
            }
        }
    }

    /// A field header for a non-bool field (bools use [`Encoder::write_bool_field`]).
    pub fn write_field(&mut self, id: i16, ty: TType) {
        self.field_header(id, compact_code(ty), ty);
    }

    pub fn write_bool_field(&mut self, id: i16, v: bool) {
        match self.proto {
            Protocol::Compact => self.field_header(id, if v { 1 } else { 2 }, TType::Bool),
            Protocol::Binary => {
                self.field_header(id, 0, TType::Bool);
                self.buf.push(u8::from(v));
            }
        }
    }

    pub fn write_list_begin(&mut self, ty: TType, n: usize) {
        match self.proto {
            Protocol::Compact => {
                if n < 15 {
                    self.buf.push(((n as u8) << 4) | compact_code(ty));
                } else {
                    self.buf.push(0xf0 | compact_code(ty));
                    self.varint(n as u64);
                }
            }
            Protocol::Binary => {
                self.buf.push(binary_code(ty));
                self.buf.extend_from_slice(&(n as i32).to_be_bytes());
            }
        }
    }

    /// A bool inside a container (not a field).
    pub fn write_bool(&mut self, v: bool) {
        match self.proto {
            Protocol::Compact => self.buf.push(if v { 1 } else { 2 }),
            Protocol::Binary => self.buf.push(u8::from(v)),
        }
    }

    pub fn write_i32(&mut self, v: i32) {
        match self.proto {
            Protocol::Compact => self.varint(to_zigzag(i64::from(v))),
            Protocol::Binary => self.buf.extend_from_slice(&v.to_be_bytes()),
        }
    }

    pub fn write_i64(&mut self, v: i64) {
        match self.proto {
            Protocol::Compact => self.varint(to_zigzag(v)),
            Protocol::Binary => self.buf.extend_from_slice(&v.to_be_bytes()),
        }
    }

    pub fn write_double(&mut self, v: f64) {
        match self.proto {
            Protocol::Compact => self.buf.extend_from_slice(&v.to_le_bytes()),
            Protocol::Binary => self.buf.extend_from_slice(&v.to_be_bytes()),
        }
    }

    pub fn write_binary(&mut self, b: &[u8]) {
        match self.proto {
            Protocol::Compact => self.varint(b.len() as u64),
            Protocol::Binary => self.buf.extend_from_slice(&(b.len() as i32).to_be_bytes()),
        }
        self.buf.extend_from_slice(b);
    }

    pub fn write_string(&mut self, s: &str) {
        self.write_binary(s.as_bytes());
    }
}

#[cfg(test)]
mod tests;
