//! A faster `serde` deserializer for JSON that is already known to be valid UTF-8, for the
//! common case only: on anything it is not sure of, it gives up ([`Bail`]) and the caller reads
//! the same bytes again with `serde_json`, which gives the answer (and the exact error message
//! and position) it always gave.
//!
//! Why: the JSON readers' time goes mostly to values a command does not look at (span
//! attributes for `stats`, events for `check`). `serde_json` checks them token by token through
//! its general reader; [`FastDe`] skips them with one tight loop over the bytes that checks the
//! same grammar. The values a reader does look at are handed to the same visitors with the same
//! calls as `serde_json` makes (`visit_u64` for a non-negative integer, `visit_i64` for a
//! negative one, `visit_f64` otherwise, `visit_borrowed_str` for a string without escapes,
//! `visit_unit` for `null`), so a read that succeeds here gives exactly what `serde_json` gives.
//!
//! The rule that keeps it exact: this deserializer may refuse valid JSON (it bails on a number
//! beyond 64 bits, `-0`, a surrogate escape in a string it decodes, nesting deeper than 64,
//! bytes-typed or enum-typed requests), but it never accepts what `serde_json` refuses, and it
//! never feeds a visitor differently. The tests check both against `serde_json`.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// "Not sure; read it again with `serde_json`." Carries nothing: the slow read says what and
/// where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the fast JSON reader gave up")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Bail
    }
}

/// Deeper than this the fast reader bails (`serde_json` allows 128 for values it builds).
const MAX_DEPTH: u32 = 64;

/// SWAR constants: one byte repeated over a `u64`.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Per byte of `w`, the high bit set where the byte is `"`, `\` or below 0x20 (the lowest set
/// bit is exact; bits above it may be false positives, which the caller never looks at).
#[inline]
fn string_specials(w: u64) -> u64 {
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    (zero_byte(quote) | zero_byte(backslash) | control) & HIGHS
}

/// The JSON deserializer over one text (valid UTF-8; the caller checked it).
pub struct FastDe<'de> {
    text: &'de str,
    pos: usize,
    depth: u32,
    scratch: String,
}

type Result<T> = std::result::Result<T, Bail>;

/// `deserialize_<type>` methods that bail: requests the fast reader leaves to serde_json.
macro_rules! bail_on {
    ($de:lifetime; $($method:ident)*) => {
        $(fn $method<V: Visitor<$de>>(self, _: V) -> Result<V::Value> {
            Err(Bail)
        })*
    };
}

impl<'de> FastDe<'de> {
    pub fn new(text: &'de str) -> Self {
        FastDe {
            text,
            pos: 0,
            depth: 0,
            scratch: String::new(),
        }
    }

    /// Whether another value follows (after whitespace); `false` at the end of the text.
    pub fn more_values(&mut self) -> bool {
        self.skip_ws();
        self.pos < self.text.len()
    }

    #[inline]
    fn bytes(&self) -> &'de [u8] {
        self.text.as_bytes()
    }

    /// The byte at the cursor, 0 at the end (0 is never valid where a caller looks).
    #[inline]
    fn peek(&self) -> u8 {
        self.bytes().get(self.pos).copied().unwrap_or(0)
    }

    #[inline]
    fn skip_ws(&mut self) {
        let b = self.bytes();
        while let Some(&c) = b.get(self.pos) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.pos += 1;
        }
    }

    /// Skip whitespace and take `c`.
    #[inline]
    fn expect(&mut self, c: u8) -> Result<()> {
        self.skip_ws();
        if self.peek() != c {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(())
    }

    /// From just after an opening quote to the first `"`, `\` or control byte; its position.
    #[inline]
    fn find_special(&self, mut i: usize) -> Result<usize> {
        let b = self.bytes();
        while i + 8 <= b.len() {
            let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
            let m = string_specials(w);
            if m != 0 {
                return Ok(i + (m.trailing_zeros() / 8) as usize);
            }
            i += 8;
        }
        while let Some(&c) = b.get(i) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                return Ok(i);
            }
            i += 1;
        }
        Err(Bail)
    }

    /// The four hex digits of a `\u` escape at `i`.
    fn hex4(&self, i: usize) -> Result<u32> {
        let digits = self.bytes().get(i..i + 4).ok_or(Bail)?;
        digits.iter().try_fold(0u32, |n, &d| {
            let v = (d as char).to_digit(16).ok_or(Bail)?;
            Ok(n * 16 + v)
        })
    }

    /// Skip a string whose opening quote is at the cursor, checking its escapes as
    /// `serde_json` does for a string it ignores (any four hex digits after `\u`).
    #[inline]
    fn skip_str(&mut self) -> Result<()> {
        let mut i = self.pos + 1;
        loop {
            i = self.find_special(i)?;
            match self.bytes()[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\\' => match self.bytes().get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        self.hex4(i + 2)?;
                        i += 6;
                    }
                    _ => return Err(Bail),
                },
                _ => return Err(Bail),
            }
        }
    }

    /// Read a string whose opening quote is at the cursor and hand it to `visitor`: borrowed
    /// when it has no escapes, decoded into the scratch buffer otherwise.
    fn visit_string<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let start = self.pos + 1;
        let mut i = self.find_special(start)?;
        let text = self.text;
        if self.bytes()[i] == b'"' {
            self.pos = i + 1;
            return visitor.visit_borrowed_str(text.get(start..i).ok_or(Bail)?);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let mut run = start;
        loop {
            match self.bytes()[i] {
                b'"' => break,
                b'\\' => {
                    scratch.push_str(text.get(run..i).ok_or(Bail)?);
                    let esc = self.bytes().get(i + 1).copied().unwrap_or(0);
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        // Surrogates (pairs and lone ones) are left to serde_json.
                        b'u' => char::from_u32(self.hex4(i + 2)?).ok_or(Bail)?,
                        _ => return Err(Bail),
                    };
                    scratch.push(c);
                    i += if esc == b'u' { 6 } else { 2 };
                    run = i;
                }
                _ => return Err(Bail),
            }
            i = self.find_special(i)?;
        }
        scratch.push_str(text.get(run..i).ok_or(Bail)?);
        self.pos = i + 1;
        let out = visitor.visit_str(&scratch);
        self.scratch = scratch;
        out
    }

    /// Skip a number at the cursor (JSON's grammar exactly); whether it had a fraction or an
    /// exponent.
    fn skip_number(&mut self) -> Result<bool> {
        let b = self.bytes();
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            // One leading zero, and no digit after it (serde_json: "invalid number").
            Some(b'0') if b.get(i + 1).is_some_and(u8::is_ascii_digit) => return Err(Bail),
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(Bail),
        }
        let mut float = false;
        if b.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            let digits = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(Bail);
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            float = true;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(Bail);
            }
        }
        self.pos = i;
        Ok(float)
    }

    fn visit_number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let start = self.pos;
        let float = self.skip_number()?;
        let text = &self.text[start..self.pos];
        if float {
            // Rust's float parsing rounds correctly, as serde_json's `float_roundtrip` does.
            let v: f64 = text.parse().map_err(|_| Bail)?;
            if !v.is_finite() {
                return Err(Bail);
            }
            return visitor.visit_f64(v);
        }
        match text.strip_prefix('-') {
            None => visitor.visit_u64(text.parse().map_err(|_| Bail)?),
            // serde_json reads `-0` as the float -0.0: leave it to serde_json.
            Some("0") => Err(Bail),
            Some(_) => visitor.visit_i64(text.parse().map_err(|_| Bail)?),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.bytes().get(self.pos..self.pos + word.len()) != Some(word) {
            return Err(Bail);
        }
        self.pos += word.len();
        Ok(())
    }

    /// Skip one value at the cursor, checking its grammar, without building anything.
    /// Containers are tracked in a bit stack (1 = object), so this never recurses.
    fn skip_value(&mut self) -> Result<()> {
        let mut stack: u64 = 0;
        let mut depth = 0u32;
        'value: loop {
            self.skip_ws();
            match self.peek() {
                b'"' => self.skip_str()?,
                b'{' => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == b'}' {
                        self.pos += 1;
                    } else {
                        if depth == MAX_DEPTH {
                            return Err(Bail);
                        }
                        stack = (stack << 1) | 1;
                        depth += 1;
                        self.skip_key()?;
                        continue 'value;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == b']' {
                        self.pos += 1;
                    } else {
                        if depth == MAX_DEPTH {
                            return Err(Bail);
                        }
                        stack <<= 1;
                        depth += 1;
                        continue 'value;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.skip_number()?;
                }
                _ => return Err(Bail),
            }
            // A value is complete: close the containers it completes.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                self.skip_ws();
                let in_object = stack & 1 == 1;
                match self.peek() {
                    b',' => {
                        self.pos += 1;
                        if in_object {
                            self.skip_key()?;
                        }
                        continue 'value;
                    }
                    b'}' if in_object => {}
                    b']' if !in_object => {}
                    _ => return Err(Bail),
                }
                self.pos += 1;
                stack >>= 1;
                depth -= 1;
            }
        }
    }

    /// `"key" :` inside an object being skipped.
    fn skip_key(&mut self) -> Result<()> {
        self.skip_ws();
        if self.peek() != b'"' {
            return Err(Bail);
        }
        self.skip_str()?;
        self.expect(b':')
    }

    fn enter(&mut self) -> Result<()> {
        if self.depth == MAX_DEPTH {
            return Err(Bail);
        }
        self.depth += 1;
        Ok(())
    }

    /// `{…}` or `[…]` at the cursor, read through the visitor; the closing bracket must follow
    /// what the visitor read (serde_json's rule: a visitor that stops early is an error).
    fn visit_container<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let open = self.peek();
        self.pos += 1;
        self.enter()?;
        let value = if open == b'{' {
            visitor.visit_map(Entries {
                de: self,
                first: true,
            })?
        } else {
            visitor.visit_seq(Entries {
                de: self,
                first: true,
            })?
        };
        self.depth -= 1;
        self.expect(if open == b'{' { b'}' } else { b']' })?;
        Ok(value)
    }
}

/// The entries of an object or the elements of an array.
struct Entries<'a, 'de> {
    de: &'a mut FastDe<'de>,
    first: bool,
}

impl Entries<'_, '_> {
    /// Past the separator before the next entry; `false` at the closing bracket (not taken).
    fn has_next(&mut self, close: u8) -> Result<bool> {
        self.de.skip_ws();
        let c = self.de.peek();
        if self.first {
            self.first = false;
            return Ok(c != close);
        }
        if c == close {
            return Ok(false);
        }
        if c != b',' {
            return Err(Bail);
        }
        self.de.pos += 1;
        self.de.skip_ws();
        // A trailing comma is an error.
        if self.de.peek() == close {
            return Err(Bail);
        }
        Ok(true)
    }
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.has_next(b'}')? {
            return Ok(None);
        }
        if self.de.peek() != b'"' {
            return Err(Bail);
        }
        seed.deserialize(KeyDe(&mut *self.de)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.de.expect(b':')?;
        seed.deserialize(&mut *self.de)
    }
}

impl<'de> SeqAccess<'de> for Entries<'_, 'de> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.has_next(b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

impl<'de> de::Deserializer<'de> for &mut FastDe<'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        match self.peek() {
            b'"' => self.visit_string(visitor),
            b'{' | b'[' => self.visit_container(visitor),
            b'-' | b'0'..=b'9' => self.visit_number(visitor),
            b't' => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            _ => Err(Bail),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if self.peek() == b'n' {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        self.literal(b"null")?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        // serde_json's RawValue asks for the raw text this way: leave that to serde_json.
        if name.starts_with("$serde_json") {
            return Err(Bail);
        }
        visitor.visit_newtype_struct(self)
    }

    // Each of these takes only the JSON type serde_json takes for it (anything else is an
    // error there), then reads it as `deserialize_any` does.
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if !matches!(self.peek(), b't' | b'f') {
            return Err(Bail);
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if self.peek() != b'"' {
            return Err(Bail);
        }
        self.visit_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if self.peek() != b'[' {
            return Err(Bail);
        }
        self.visit_container(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if self.peek() != b'{' {
            return Err(Bail);
        }
        self.visit_container(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.skip_ws();
        if !matches!(self.peek(), b'{' | b'[') {
            return Err(Bail);
        }
        self.visit_container(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number(visitor)
    }

    // Types whose JSON reading has its own rules in serde_json: left to it.
    bail_on! { 'de;
        deserialize_i128 deserialize_u128 deserialize_char deserialize_bytes deserialize_byte_buf
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
}

impl<'de> FastDe<'de> {
    /// A request for a number: only a number is taken.
    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if !matches!(self.peek(), b'-' | b'0'..=b'9') {
            return Err(Bail);
        }
        self.visit_number(visitor)
    }
}

/// An object key: a string, whatever is asked for it.
struct KeyDe<'a, 'de>(&'a mut FastDe<'de>);

impl<'de> de::Deserializer<'de> for KeyDe<'_, 'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.visit_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.skip_str()?;
        visitor.visit_unit()
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.visit_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.visit_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.0.visit_string(visitor)
    }

    // serde_json reads keys asked for as numbers, booleans, bytes… with rules of its own.
    bail_on! { 'de;
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq deserialize_map
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(Bail)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Bail)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
}

#[cfg(test)]
#[path = "fast_json_tests.rs"]
mod tests;
