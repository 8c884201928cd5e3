//! Parallel reading of big Jaeger and Zipkin JSON documents.
//!
//! These files are usually one document holding one big list: `{"data": [trace, …]}` (Jaeger),
//! `[trace, …]` or `[span, …]` (Zipkin, a bare Jaeger list). A [`Window`] reads the input a few
//! MB at a time and a structural scan (string- and escape-aware bracket counting, with `memchr`
//! inside strings) finds where the list's elements start and end. Complete elements are
//! gathered into runs of about [`CHUNK_BYTES`], each run is parsed by a worker with the same
//! serde visitors as the streaming reader (over the run's bytes, with a line tracker that starts
//! at the run's line and column, so every position is the file's), and the runs' spans and
//! warnings are handed on in input order.
//!
//! The scan only cuts where the streaming reader would see the same thing: an element is taken
//! when it is an object or a list, shallower than [`MAX_DEPTH`], and followed by `]` or by `,`
//! and the start of another object or list. Anything else (a scalar element, a trailing comma,
//! junk, an element bigger than [`MAX_WINDOW`]) stops the parallel path *before* the element
//! concerned: the streaming reader takes over from the separator in front of it (a `,` there is
//! read as the `[` of the rest of the list, which keeps every offset), so errors and warnings are
//! exactly those of reading the file from the start with it.

use std::io::{self, BufRead, Cursor, Read};

/// Elements are handed to workers in runs of about this many bytes.
pub(crate) const CHUNK_BYTES: usize = 8 << 20;
/// An element longer than this is read by the streaming reader (the window never grows past it).
pub(crate) const MAX_WINDOW: usize = 256 << 20;
/// Elements nested deeper than this are left to the streaming reader (serde_json counts its
/// recursion limit from the top of the document, which a worker does not see).
pub(crate) const MAX_DEPTH: u32 = 100;

/// Sizes (small ones in tests, to cross every boundary).
#[derive(Copy, Clone, Debug)]
pub(crate) struct Limits {
    /// Bytes of elements per run.
    pub(crate) chunk: usize,
    /// Bytes read from the input at a time.
    pub(crate) read: usize,
    /// Largest element taken (bigger ones stop the parallel path).
    pub(crate) max_window: usize,
    /// Whether the parallel path is tried at all (off: the streaming reader reads everything).
    pub(crate) parallel: bool,
}

impl Limits {
    pub(crate) fn standard() -> Self {
        Limits {
            chunk: CHUNK_BYTES,
            read: CHUNK_BYTES,
            max_window: MAX_WINDOW,
            parallel: true,
        }
    }
}

/// One element of a list: its bytes `start..end` in the window, the file's line and column
/// (bytes before it on its line) of its first byte, and its index in the list.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Elem {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: u64,
    pub(crate) col: u64,
    pub(crate) index: usize,
}

/// The shape at the start of a document.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Head {
    /// `{"data": [` (the Jaeger query envelope, `data` first).
    Data,
    /// `[`.
    List,
}

/// What [`Window::cut`] found.
pub(crate) enum Cut {
    /// Complete elements (at least one); the window is now after the last one's separator.
    Elems(Vec<Elem>),
    /// The list closed (after `]`).
    End,
    /// The parallel path cannot go on: the streaming reader takes over at the separator in
    /// front of the next element (see [`Window::into_rest`]).
    Stop,
}

/// The input, read in big blocks; `pos` is where reading is, with its line and column.
pub(crate) struct Window<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    pos: usize,
    line: u64,
    col: u64,
    eof: bool,
    started: bool,
    limits: Limits,
    /// Index in the current list of the next element.
    next_index: usize,
    /// Inside a list, `pos` is at its `[` or at the `,` before the next element.
    at_open: bool,
    /// The list closed after the elements last cut (`pos` is after its `]`).
    closed: bool,
    /// A buffer given back after its run was parsed, for the next [`Window::take_bytes`].
    spare: Vec<u8>,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The end (index after it) of the object or list that starts at `buf[s]`.
enum ValueEnd {
    End(usize),
    /// The buffer ends first.
    Short,
    /// Nested deeper than [`MAX_DEPTH`].
    Deep,
}

/// SWAR constants: one byte repeated over a `u64`.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` equal to `c` (the lowest set bit is exact; bits above it
/// may be false positives, never looked at).
#[inline]
fn bytes_eq(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS
}

#[inline]
fn word(buf: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(buf[i..i + 8].try_into().expect("8 bytes"))
}

/// The first index from `i` of a byte `hit` says yes to, eight bytes at a time (`mask` is the
/// same test on a word), or `buf.len()`.
#[inline]
fn find_from(
    buf: &[u8],
    mut i: usize,
    mask: impl Fn(u64) -> u64,
    hit: impl Fn(u8) -> bool,
) -> usize {
    while i + 8 <= buf.len() {
        let m = mask(word(buf, i));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < buf.len() && !hit(buf[i]) {
        i += 1;
    }
    i
}

/// The index after the string whose content starts at `buf[i]` (after its `"`), or `None` when
/// the buffer ends first.
#[inline]
fn string_end(buf: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let j = find_from(
            buf,
            i,
            |w| bytes_eq(w, b'"') | bytes_eq(w, b'\\'),
            |b| b == b'"' || b == b'\\',
        );
        match buf.get(j)? {
            b'"' => return Some(j + 1),
            // A backslash escapes the next byte (`\"`, `\\`; `\u` needs nothing more).
            _ => i = j + 2,
        }
        if i >= buf.len() {
            return None;
        }
    }
}

fn value_end(buf: &[u8], s: usize) -> ValueEnd {
    let n = buf.len();
    let mut depth = 0u32;
    let mut i = s;
    // `[` and `]` are `{` and `}` with the 0x20 bit clear; no other byte becomes either.
    let structural = |w: u64| {
        let folded = w | (ONES * 0x20);
        bytes_eq(w, b'"') | bytes_eq(folded, b'{') | bytes_eq(folded, b'}')
    };
    let is_structural = |b: u8| matches!(b, b'"' | b'{' | b'}' | b'[' | b']');
    loop {
        i = find_from(buf, i, structural, is_structural);
        if i >= n {
            return ValueEnd::Short;
        }
        match buf[i] {
            b'"' => match string_end(buf, i + 1) {
                Some(e) => {
                    i = e;
                    continue;
                }
                None => return ValueEnd::Short,
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return ValueEnd::Deep;
                }
            }
            _ => {
                depth -= 1;
                if depth == 0 {
                    return ValueEnd::End(i + 1);
                }
            }
        }
        i += 1;
    }
}

use super::jz_read::after as advance;

impl<'a> Window<'a> {
    pub(crate) fn new(input: &'a mut dyn BufRead, limits: Limits) -> Self {
        Window {
            input,
            buf: Vec::new(),
            pos: 0,
            line: 1,
            col: 0,
            eof: false,
            started: false,
            limits,
            next_index: 0,
            at_open: false,
            closed: false,
            spare: Vec::new(),
        }
    }

    /// Read more: at least `want` bytes after `pos` when the input has them. Bytes before `pos`
    /// are dropped first.
    fn fill(&mut self, want: usize) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        // Enough to see a byte order mark whole.
        let want = if self.started { want } else { want.max(3) };
        while !self.eof && self.buf.len() < want {
            let need = (want - self.buf.len()).max(self.limits.read);
            self.buf.reserve(need);
            // Copied from the input's buffer (a mapped file's pages, mostly): `read_to_end`
            // would zero the room first.
            let mut got = 0;
            while got < need {
                let avail = match self.input.fill_buf() {
                    Ok(b) => b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                if avail.is_empty() {
                    break;
                }
                let k = avail.len().min(need - got);
                self.buf.extend_from_slice(&avail[..k]);
                self.input.consume(k);
                got += k;
            }
            if got == 0 {
                self.eof = true;
            }
        }
        if !self.started {
            self.started = true;
            // A UTF-8 byte order mark is not part of the JSON (nor counted in columns).
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
        }
        Ok(())
    }

    fn move_to(&mut self, p: usize) {
        (self.line, self.col) = advance(self.line, self.col, &self.buf[self.pos..p]);
        self.pos = p;
    }

    /// Skips whitespace before a document; false at the end of the input.
    pub(crate) fn next_document(&mut self) -> io::Result<bool> {
        loop {
            if self.pos >= self.buf.len() {
                if self.eof {
                    return Ok(false);
                }
                self.fill(1)?;
                continue;
            }
            match self.buf[self.pos..].iter().position(|&b| !is_ws(b)) {
                Some(k) => {
                    self.move_to(self.pos + k);
                    return Ok(true);
                }
                None => self.move_to(self.buf.len()),
            }
        }
    }

    /// At the start of a document: `[`, or `{"data":[` when `data` is set. On a match, the
    /// window is at the list's `[`.
    pub(crate) fn head(&mut self, data: bool) -> io::Result<Option<Head>> {
        if !self.limits.parallel {
            return Ok(None);
        }
        if self.buf.len() - self.pos < 4096 && !self.eof {
            self.fill(4096)?;
        }
        let b = &self.buf[self.pos..];
        let skip = |i: &mut usize| {
            while b.get(*i).copied().is_some_and(is_ws) {
                *i += 1;
            }
        };
        let (head, open) = match b.first() {
            Some(b'[') => (Head::List, 0),
            Some(b'{') if data => {
                let mut i = 1;
                skip(&mut i);
                if !b[i.min(b.len())..].starts_with(b"\"data\"") {
                    return Ok(None);
                }
                i += 6;
                skip(&mut i);
                if b.get(i) != Some(&b':') {
                    return Ok(None);
                }
                i += 1;
                skip(&mut i);
                if b.get(i) != Some(&b'[') {
                    return Ok(None);
                }
                (Head::Data, i)
            }
            _ => return Ok(None),
        };
        self.move_to(self.pos + open);
        self.at_open = true;
        self.next_index = 0;
        Ok(Some(head))
    }

    /// The next complete elements of the list, about `chunk` bytes of them.
    pub(crate) fn cut(&mut self) -> io::Result<Cut> {
        loop {
            match self.scan() {
                Scan::Cut(c) => return Ok(c),
                Scan::More => {
                    let have = self.buf.len() - self.pos;
                    if self.eof || have >= self.limits.max_window {
                        return Ok(Cut::Stop);
                    }
                    let want = (have * 2).clamp(self.limits.chunk * 2, self.limits.max_window);
                    self.fill(want)?;
                }
            }
        }
    }

    fn scan(&mut self) -> Scan {
        if self.closed {
            self.closed = false;
            return Scan::Cut(Cut::End);
        }
        let buf = &self.buf;
        let n = buf.len();
        let first_ws = |mut i: usize| {
            while i < n && is_ws(buf[i]) {
                i += 1;
            }
            i
        };
        let mut elems = Vec::new();
        // The separator in front of the next element, and its position.
        let mut sep = self.pos;
        let (mut line, mut col) = (self.line, self.col);
        let mut open = self.at_open;
        let mut bytes = 0usize;
        loop {
            let s = first_ws(sep + 1);
            if s >= n {
                break;
            }
            if open && buf[s] == b']' {
                if elems.is_empty() {
                    self.move_to(s + 1);
                    self.at_open = false;
                    return Scan::Cut(Cut::End);
                }
                break;
            }
            if buf[s] != b'{' && buf[s] != b'[' {
                // Nothing taken yet means the streaming reader takes over here.
                return if elems.is_empty() {
                    Scan::Cut(Cut::Stop)
                } else {
                    break;
                };
            }
            let e = match value_end(buf, s) {
                ValueEnd::End(e) => e,
                ValueEnd::Short => break,
                ValueEnd::Deep => {
                    if elems.is_empty() {
                        return Scan::Cut(Cut::Stop);
                    }
                    break;
                }
            };
            // What follows must be `]`, or `,` and the start of another object or list.
            let after = first_ws(e);
            if after >= n {
                break;
            }
            let next_sep = match buf[after] {
                b']' => None,
                b',' => {
                    let t = first_ws(after + 1);
                    if t >= n {
                        break;
                    }
                    if buf[t] != b'{' && buf[t] != b'[' {
                        if elems.is_empty() {
                            return Scan::Cut(Cut::Stop);
                        }
                        break;
                    }
                    Some(after)
                }
                _ => {
                    if elems.is_empty() {
                        return Scan::Cut(Cut::Stop);
                    }
                    break;
                }
            };
            (line, col) = advance(line, col, &buf[sep..s]);
            elems.push(Elem {
                start: s,
                end: e,
                line,
                col,
                index: self.next_index + elems.len(),
            });
            (line, col) = advance(line, col, &buf[s..e]);
            bytes += e - s;
            match next_sep {
                None => {
                    // The list ends after this element.
                    let close = after;
                    (line, col) = advance(line, col, &buf[e..=close]);
                    self.line = line;
                    self.col = col;
                    self.pos = close + 1;
                    self.at_open = false;
                    self.closed = true;
                    self.next_index += elems.len();
                    return Scan::Cut(Cut::Elems(elems));
                }
                Some(q) => {
                    (line, col) = advance(line, col, &buf[e..q]);
                    sep = q;
                    open = false;
                }
            }
            // The window is read `2 * chunk` at a time: take about all of it, so that little
            // is left to carry into the next buffer.
            if bytes >= self.limits.chunk.saturating_mul(2) {
                break;
            }
        }
        if elems.is_empty() {
            return Scan::More;
        }
        self.line = line;
        self.col = col;
        self.pos = sep;
        self.at_open = false;
        self.next_index += elems.len();
        Scan::Cut(Cut::Elems(elems))
    }

    /// The bytes before the reading position, given away (the elements last cut index into
    /// them); the window keeps the rest, from index 0. Lets a run be parsed while the next is
    /// scanned.
    pub(crate) fn take_bytes(&mut self) -> Vec<u8> {
        let rest_len = self.buf.len() - self.pos;
        let mut rest = std::mem::take(&mut self.spare);
        rest.clear();
        rest.reserve(rest_len + self.limits.read);
        rest.extend_from_slice(&self.buf[self.pos..]);
        let mut taken = std::mem::replace(&mut self.buf, rest);
        taken.truncate(self.pos);
        self.pos = 0;
        taken
    }

    /// A buffer from [`Window::take_bytes`] that is no longer needed (its pages are reused).
    pub(crate) fn give_back(&mut self, bytes: Vec<u8>) {
        if bytes.capacity() > self.spare.capacity() {
            self.spare = bytes;
        }
    }

    /// The sizes in use.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Index in the current list of the next element.
    pub(crate) fn next_index(&self) -> usize {
        self.next_index
    }

    /// After a list: the next byte that is not whitespace (read more when needed), and the
    /// position it is at; the window is moved there.
    pub(crate) fn peek_after_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let b = &self.buf[self.pos..];
            match b.iter().position(|&c| !is_ws(c)) {
                Some(k) => {
                    self.move_to(self.pos + k);
                    return Ok(Some(self.buf[self.pos]));
                }
                None => {
                    self.move_to(self.buf.len());
                    if self.eof {
                        return Ok(None);
                    }
                    self.fill(1)?;
                }
            }
        }
    }

    /// After the `,` [`Window::peek_after_ws`] returned: the next byte that is not whitespace,
    /// with its line and column; nothing is consumed.
    pub(crate) fn look_past_comma(&mut self) -> io::Result<(Option<u8>, u64, u64)> {
        let mut k = self.pos + 1;
        loop {
            match self.buf.get(k) {
                Some(&b) if is_ws(b) => k += 1,
                Some(&b) => {
                    let (l, c) = advance(self.line, self.col, &self.buf[self.pos..k]);
                    return Ok((Some(b), l, c));
                }
                None if self.eof => {
                    let (l, c) = advance(self.line, self.col, &self.buf[self.pos..]);
                    return Ok((None, l, c));
                }
                None => {
                    let off = k - self.pos;
                    let want = self.buf.len() - self.pos + self.limits.read;
                    self.fill(want)?;
                    k = self.pos + off;
                }
            }
        }
    }

    /// Consumes one byte (after [`Window::peek_after_ws`] returned it).
    pub(crate) fn bump(&mut self) {
        self.move_to(self.pos + 1);
    }

    /// Line and column of the reading position.
    pub(crate) fn position(&self) -> (u64, u64) {
        (self.line, self.col)
    }

    /// The rest of the input from the reading position, as one reader, with the line and
    /// column of its first byte. `first`, when given, replaces that byte (a `,` read as `[` or
    /// `{`: same length, so positions stay the file's).
    pub(crate) fn into_rest(self, first: Option<u8>) -> (Box<dyn BufRead + 'a>, u64, u64) {
        let Window {
            input,
            mut buf,
            pos,
            line,
            col,
            started,
            ..
        } = self;
        buf.drain(..pos);
        if let (Some(b), Some(slot)) = (first, buf.first_mut()) {
            *slot = b;
        }
        let rest: Box<dyn BufRead + 'a> = if started || !buf.is_empty() {
            Box::new(Cursor::new(buf).chain(input))
        } else {
            Box::new(input)
        };
        (rest, line, col)
    }
}

enum Scan {
    Cut(Cut),
    More,
}

mod runs;

pub(crate) use self::runs::{
    ListEnd, RunCtx, RunMode, RunOut, SharedPool, pipeline, read_elem_untracked, read_run_modes,
    run_text,
};

#[cfg(test)]
mod tests;
