//! OTLP/JSON and its relatives: one reader for every JSON shape of the OTLP trace model.
//!
//! Accepted (formats.md §1, §1.10, §4, §7.1): `TracesData`/`ExportTraceServiceRequest`
//! (`resourceSpans` or `resource_spans`), Tempo `{"batches":[…]}` and `{"trace":{…}}` (v2; its
//! `status`/`metrics` are ignored), Jaeger api_v3 `{"result": TracesData}`, a list of any of
//! those, the legacy `instrumentationLibrarySpans`/`instrumentationLibrary` (ignored when
//! `scopeSpans` is there), camelCase and snake_case keys, ids in hex or base64, enums as integers
//! or names, 64-bit integers as strings or numbers, `NaN`/`Infinity` doubles, `null` anywhere
//! meaning absent, unknown fields ignored. The lenient scalars are in [`crate::formats::common::json_util`].
//!
//! # Layout and streaming
//! A file is one document or many (JSON lines as the Collector's file exporter writes them, or
//! values concatenated with any whitespace between). The first non-blank line decides:
//! - it holds complete JSON values: **JSON lines**. Lines are cut from the read buffer with
//!   `memchr`, gathered into chunks of about [`CHUNK_BYTES`], parsed from byte slices in parallel
//!   (rayon; one interner per worker) and emitted in input order. A bad line is a warning that
//!   names the file's line and column, and reading goes on with the next line.
//! - it ends inside a value (a pretty-printed document), or is longer than [`MAX_LINE_BYTES`]:
//!   **streamed document**. `serde_json` reads from the input through a small buffer, and each
//!   `ResourceSpans`' spans are handed on as soon as that element ends, so memory is bounded by
//!   one `ResourceSpans`, never by the file. Errors here end the input (spans before are kept).
//!
//! Either way the JSON text of the whole file is never held. Positions are the file's: line and
//! column for syntax errors (and truncation), line and JSON path for a value of the wrong type,
//! JSON path for a span skipped because of a bad id.

mod de;
mod prefilter;

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::Mutex;

use memchr::{memchr, memchr_iter, memrchr};
use rayon::prelude::*;
use serde::de::DeserializeSeed;
use serde_json::error::Category;

use crate::formats::common::fast_json::FastDe;
use crate::formats::common::json_util::{error_message, is_eof, more_values};
use crate::formats::{InputError, Position, ReadCtx};
use crate::model::Span;
use de::{Conv, State, TopSeed, Warning, render_path};
use prefilter::Prefilter;
pub use prefilter::lines_skipped;

pub(crate) use de::REF_TYPE_KEY;

/// JSON lines are parsed in chunks of about this many bytes (in parallel when several threads).
pub const CHUNK_BYTES: usize = 8 << 20;
/// A line longer than this is not held in memory: the rest of the input is streamed instead.
pub const MAX_LINE_BYTES: usize = 32 << 20;
/// Detailed warnings kept per input; further ones are counted in one summary warning.
const MAX_WARNINGS: usize = 100;

/// Read OTLP/JSON (any of the shapes above) from `input`, handing spans to `ctx` as it goes.
pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    read_with(
        input,
        ctx,
        Limits {
            chunk: CHUNK_BYTES,
            max_line: MAX_LINE_BYTES,
            fill: FILL_BYTES,
        },
    )
}

/// Buffer sizes (small ones in tests, to cross every boundary).
#[derive(Copy, Clone, Debug)]
struct Limits {
    chunk: usize,
    max_line: usize,
    /// Bytes copied at a time from an input that offers more.
    fill: usize,
}

fn read_with(
    input: &mut dyn BufRead,
    ctx: &mut ReadCtx<'_>,
    limits: Limits,
) -> Result<(), InputError> {
    crate::formats::common::refuse_markup(input, ctx)?;
    let prefilter = Prefilter::for_wants(&ctx.wants);
    let mut reader = Reader {
        ctx,
        suppressed: 0,
        shown: 0,
        limits,
        prefilter,
    };
    let result = reader.run(input);
    if reader.suppressed > 0 {
        let n = reader.suppressed;
        reader.ctx.warn(
            None,
            format!("{n} more problems like the ones above were not listed"),
        );
    }
    result
}

struct Reader<'r, 'c> {
    ctx: &'r mut ReadCtx<'c>,
    shown: usize,
    suppressed: u64,
    limits: Limits,
    /// With `--trace`: finds the lines that may hold a wanted trace; the others are not parsed.
    prefilter: Option<Prefilter>,
}

/// The result of parsing one line of JSON lines.
struct LineOut {
    line: u64,
    spans: Vec<Span>,
    warnings: Vec<Warning>,
    error: Option<LineError>,
}

struct LineError {
    err: serde_json::Error,
    path: String,
}

impl Reader<'_, '_> {
    fn warn(&mut self, position: Option<Position>, message: String) {
        if self.shown < MAX_WARNINGS {
            self.shown += 1;
            self.ctx.warn(position, message);
        } else {
            self.suppressed += 1;
        }
    }

    fn warnings(&mut self, line: Option<u64>, warnings: Vec<Warning>) {
        for w in warnings {
            self.warn(Some(Position::Path { line, path: w.path }), w.message);
        }
    }

    fn io_error(&self, line: u64, e: &io::Error) -> InputError {
        self.ctx
            .error(Some(Position::Line(line)), format!("read error: {e}"))
    }

    fn run(&mut self, input: &mut dyn BufRead) -> Result<(), InputError> {
        let mut lines = Lines::new(input, self.limits.max_line, self.limits.fill);
        let mut state = State::for_parts(self.ctx.wants.parts);
        // The first non-blank line decides between JSON lines and a streamed document.
        loop {
            let next = lines
                .next_line()
                .map_err(|e| self.io_error(lines.line, &e))?;
            let range = match next {
                Next::End => return Ok(()),
                Next::TooLong => return self.stream(lines.into_rest(), &mut state),
                Next::Data(r) => r,
            };
            let line = lines.line;
            let text = &lines.buf[range.clone()];
            if is_blank(text) {
                lines.consume_line(range.end);
                continue;
            }
            let out = parse_line(text, line, &mut state);
            match &out.error {
                // The first line ends inside an object or list: a multi-line document.
                Some(e) if is_eof(&e.err) && !ends_in_string(&e.err) => {
                    return self.stream(lines.into_rest(), &mut state);
                }
                _ => {
                    lines.consume_line(range.end);
                    let last = lines.at_end_without_newline();
                    self.deliver(out, last)?;
                    break;
                }
            }
        }
        self.lines(lines, state)
    }

    /// JSON lines after the first, in chunks of lines: a chunk's lines are parsed (in parallel
    /// when there are several threads), then handed on in input order. The input and the sink
    /// stay on this thread. (Handing on one chunk while the next is parsed gains nothing: a
    /// sink that frees spans while workers allocate makes them fight over the allocator.)
    fn lines(&mut self, mut lines: Lines<'_>, state: State) -> Result<(), InputError> {
        let parts = state.parts();
        let pool = StatePool(Mutex::new(vec![state]), parts);
        let parallel = rayon::current_num_threads() > 1;
        let target = if parallel {
            self.limits.chunk
        } else {
            self.limits.chunk.div_ceil(8)
        };
        // Parsing a chunk (on the workers) overlaps handing on the one before (on this thread,
        // which owns the sink): the lines of a chunk parsed, not yet handed on, and whether the
        // last of them ends the input without a newline.
        let prefilter = self.prefilter.take();
        let mut parsed: Option<(Vec<LineOut>, bool)> = None;
        let result = loop {
            let next = match lines.next_chunk(target) {
                Ok(n) => n,
                Err(e) => {
                    let err = self.io_error(lines.line, &e);
                    break self.deliver_all(parsed.take()).and(Err(err));
                }
            };
            let chunk = match next {
                NextChunk::End => break self.deliver_all(parsed.take()),
                NextChunk::TooLong => {
                    if let Err(e) = self.deliver_all(parsed.take()) {
                        break Err(e);
                    }
                    let mut state = pool.take();
                    break self.stream(lines.into_rest(), &mut state);
                }
                NextChunk::Chunk(c) => c,
            };
            let first = lines.line;
            let data = match lines.chunk(&chunk) {
                Ok(d) => d,
                Err(e) => {
                    let err = self.io_error(first, &e);
                    break self.deliver_all(parsed.take()).and(Err(err));
                }
            };
            let parse = || parse_chunk(data, first, &pool, parallel, prefilter.as_ref());
            let (outs, newlines) = match parsed.take() {
                // (With a prefilter most lines are not parsed: nothing to overlap.)
                Some(before) if parallel && prefilter.is_none() => {
                    let (parsed_now, delivered) = std::thread::scope(|scope| {
                        let worker = scope.spawn(parse);
                        let delivered = self.deliver_all(Some(before));
                        let parsed_now = worker
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                        (parsed_now, delivered)
                    });
                    if let Err(e) = delivered {
                        break Err(e);
                    }
                    parsed_now
                }
                before => {
                    if let Err(e) = self.deliver_all(before) {
                        break Err(e);
                    }
                    parse()
                }
            };
            lines.consume_chunk(chunk, newlines);
            parsed = Some((outs, lines.at_end_without_newline()));
        };
        self.prefilter = prefilter;
        result
    }

    /// Hand on the lines of one parsed chunk, in order.
    fn deliver_all(&mut self, parsed: Option<(Vec<LineOut>, bool)>) -> Result<(), InputError> {
        let Some((outs, last)) = parsed else {
            return Ok(());
        };
        let n = outs.len();
        for (i, out) in outs.into_iter().enumerate() {
            self.deliver(out, last && i + 1 == n)?;
        }
        Ok(())
    }

    /// Hand on one line's spans and problems. A line that ends the input without a newline and
    /// is cut off inside a value is a truncated file: an error. Other bad lines are warnings.
    fn deliver(&mut self, out: LineOut, last: bool) -> Result<(), InputError> {
        self.ctx.emit(out.spans);
        self.warnings(Some(out.line), out.warnings);
        if let Some(e) = out.error {
            let (position, message) = describe(&e.err, out.line, &e.path);
            if last && is_eof(&e.err) {
                return Err(self.ctx.error(position, message));
            }
            self.warn(
                position,
                format!("{message}; the rest of this line was skipped"),
            );
        }
        Ok(())
    }

    /// A document (or several) streamed through serde_json's reader: memory is bounded by one
    /// `ResourceSpans`. `rest` starts at the beginning of line `first_line`.
    fn stream(
        &mut self,
        rest: (Box<dyn Read + '_>, u64),
        state: &mut State,
    ) -> Result<(), InputError> {
        let (reader, first_line) = rest;
        let mut de =
            serde_json::Deserializer::from_reader(BufReader::with_capacity(64 << 10, reader));
        loop {
            match more_values(&mut de) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    let (position, message) = describe(&e, first_line, "");
                    return Err(self.ctx.error(position, message));
                }
            }
            let ctx = &mut *self.ctx;
            let mut flush = |spans: Vec<Span>| ctx.emit(spans);
            let mut conv = Conv::new(state, Some(&mut flush));
            // Nothing can be read again here: each span is read whole, so that a bad one costs
            // only itself.
            conv.tolerant = true;
            let r = TopSeed {
                conv: &mut conv,
                prefix: "",
            }
            .deserialize(&mut de);
            let Conv {
                out,
                warnings,
                err_path,
                ..
            } = conv;
            self.ctx.emit(out);
            self.warnings(None, warnings);
            if let Err(e) = r {
                let (position, message) = describe(&e, first_line, &render_path(&err_path));
                return Err(self.ctx.error(position, message));
            }
        }
    }
}

/// Position and message for a serde_json error. `first_line` is the file's line number of the
/// parser's line 1; `path` is where in the document it happened (may be empty).
fn describe(e: &serde_json::Error, first_line: u64, path: &str) -> (Option<Position>, String) {
    let msg = error_message(e);
    let line = first_line + (e.line() as u64).saturating_sub(1);
    let column = e.column() as u64;
    let at_line_col = (e.line() > 0).then_some(Position::LineColumn { line, column });
    let within = if path.is_empty() {
        String::new()
    } else {
        format!(" (in {path})")
    };
    match e.classify() {
        // A value of the wrong type or out of range: the JSON path says which field.
        Category::Data if !path.is_empty() => {
            let position = Position::Path {
                line: Some(line),
                path: path.to_string(),
            };
            (Some(position), format!("{msg} (column {column})"))
        }
        Category::Data | Category::Syntax => (at_line_col, format!("{msg}{within}")),
        Category::Eof => (
            at_line_col,
            format!("unexpected end of input: {msg}{within}; the input looks truncated"),
        ),
        Category::Io => (at_line_col, format!("read error: {msg}")),
    }
}

/// EOF inside a string cannot be a document continuing on the next line (JSON strings hold no
/// raw newline): it is a cut-off line.
fn ends_in_string(e: &serde_json::Error) -> bool {
    error_message(e).contains("string")
}

fn is_blank(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_whitespace)
}

/// Parse every JSON value of one line (usually one `TracesData`).
fn parse_line(text: &[u8], line: u64, state: &mut State) -> LineOut {
    // Valid UTF-8 is checked once for the whole line, not string by string; a line that is not
    // goes through the checking reader, which says where.
    let utf8 = simdutf8::basic::from_utf8(text).ok();
    if let Some(s) = utf8
        && let Some(out) = parse_line_fast(s, line, state)
    {
        return out;
    }
    let out = parse_line_as(text, utf8, line, state, false);
    // A value of the wrong type: read the line again span by span, so that the bad span costs
    // only itself.
    match &out.error {
        Some(e) if e.err.classify() == Category::Data => {
            parse_line_as(text, utf8, line, state, true)
        }
        _ => out,
    }
}

/// The line through the fast reader ([`FastDe`]), which gives exactly serde_json's result or
/// gives up (`None`: anything unusual, and every error, whose message and position serde_json
/// gives).
fn parse_line_fast(text: &str, line: u64, state: &mut State) -> Option<LineOut> {
    let mut conv = Conv::new(state, None);
    conv.out.reserve(text.len() / 1024);
    let mut de = FastDe::new(text);
    while de.more_values() {
        TopSeed {
            conv: &mut conv,
            prefix: "",
        }
        .deserialize(&mut de)
        .ok()?;
    }
    Some(LineOut {
        line,
        spans: conv.out,
        warnings: conv.warnings,
        error: None,
    })
}

fn parse_line_as(
    text: &[u8],
    utf8: Option<&str>,
    line: u64,
    state: &mut State,
    tolerant: bool,
) -> LineOut {
    let mut conv = Conv::new(state, None);
    conv.tolerant = tolerant;
    // Room for the spans of a typical line (about 1 KB of JSON per span), so `out` rarely grows.
    conv.out.reserve(text.len() / 1024);
    let result = match utf8 {
        Some(s) => parse_values(&mut serde_json::Deserializer::from_str(s), &mut conv),
        None => parse_values(&mut serde_json::Deserializer::from_slice(text), &mut conv),
    };
    let Conv {
        out,
        warnings,
        err_path,
        ..
    } = conv;
    LineOut {
        line,
        spans: out,
        warnings,
        error: result.err().map(|err| LineError {
            err,
            path: render_path(&err_path),
        }),
    }
}

fn parse_values<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    conv: &mut Conv<'_>,
) -> Result<(), serde_json::Error> {
    while more_values(de)? {
        TopSeed {
            conv: &mut *conv,
            prefix: "",
        }
        .deserialize(&mut *de)?;
    }
    Ok(())
}

/// Parse the lines of a chunk (`first_line` is the file's number of its first), in parallel
/// or one after the other, in input order; also the number of newlines in it. With a
/// prefilter, only the lines it finds a wanted id in (and a last line without a newline).
fn parse_chunk(
    data: &[u8],
    first_line: u64,
    pool: &StatePool,
    parallel: bool,
    prefilter: Option<&Prefilter>,
) -> (Vec<LineOut>, u64) {
    let (ranges, newlines) = match prefilter {
        Some(p) => select_lines(data, first_line, p),
        None => split_lines(data, first_line),
    };
    let outs = if parallel && ranges.len() > 1 {
        ranges
            .par_iter()
            .with_min_len(4)
            .map_init(
                || pool.lease(),
                |lease, &(s, e, line)| parse_line(&data[s..e], line, lease.state()),
            )
            .collect()
    } else {
        let mut lease = pool.lease();
        ranges
            .iter()
            .map(|&(s, e, line)| parse_line(&data[s..e], line, lease.state()))
            .collect()
    };
    (outs, newlines)
}

/// The non-blank lines of a chunk, (start, end, line number), and the number of newlines.
fn split_lines(data: &[u8], first_line: u64) -> (Vec<(usize, usize, u64)>, u64) {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line = first_line;
    let mut push = |s: usize, e: usize, line: u64| {
        if !is_blank(&data[s..e]) {
            out.push((s, e, line));
        }
    };
    for nl in memchr_iter(b'\n', data) {
        push(start, nl, line);
        start = nl + 1;
        line += 1;
    }
    if start < data.len() {
        push(start, data.len(), line);
    }
    (out, line - first_line)
}

/// The lines of a chunk that the prefilter finds a wanted id in, as [`split_lines`] gives them,
/// and the number of newlines. Most chunks hold no wanted id: one search over the whole chunk
/// and one count of its newlines, and nothing is parsed. A last line without a newline (the end
/// of the input) is always kept, so that a truncated file is still reported as one.
fn select_lines(
    data: &[u8],
    first_line: u64,
    prefilter: &Prefilter,
) -> (Vec<(usize, usize, u64)>, u64) {
    let count = |b: &[u8]| memchr_iter(b'\n', b).count() as u64;
    let mut out = Vec::new();
    let mut line = first_line;
    // Newlines before `counted` are in `line`.
    let mut counted = 0;
    let mut from = 0;
    while let Some(m) = prefilter.find(data, from) {
        let start = memrchr(b'\n', &data[..m]).map_or(0, |i| i + 1);
        let end = memchr(b'\n', &data[m..]).map_or(data.len(), |i| m + i);
        line += count(&data[counted..start]);
        counted = start;
        out.push((start, end, line));
        from = end + 1;
    }
    if data.last().is_some_and(|&b| b != b'\n') {
        let start = memrchr(b'\n', data).map_or(0, |i| i + 1);
        if out.last().is_none_or(|&(s, _, _)| s != start) && !is_blank(&data[start..]) {
            line += count(&data[counted..start]);
            counted = start;
            out.push((start, data.len(), line));
        }
    }
    line += count(&data[counted..]);
    let lines = line - first_line + u64::from(data.last().is_some_and(|&b| b != b'\n'));
    prefilter::note_skipped(lines.saturating_sub(out.len() as u64));
    (out, line - first_line)
}

/// Reading state for workers: each parse borrows one (its interner and recent resources), and
/// gives it back when done, so strings are shared within a worker without locking per string.
struct StatePool(Mutex<Vec<State>>, crate::model::SpanParts);

impl StatePool {
    fn lease(&self) -> Lease<'_> {
        let st = self
            .0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_else(|| State::for_parts(self.1));
        Lease {
            pool: self,
            st: Some(st),
        }
    }

    fn take(&self) -> State {
        self.0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_else(|| State::for_parts(self.1))
    }
}

struct Lease<'p> {
    pool: &'p StatePool,
    st: Option<State>,
}

impl Lease<'_> {
    fn state(&mut self) -> &mut State {
        self.st.get_or_insert_with(State::new)
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(st), Ok(mut v)) = (self.st.take(), self.pool.0.lock()) {
            v.push(st);
        }
    }
}

enum Next {
    End,
    /// The current line is longer than [`MAX_LINE_BYTES`].
    TooLong,
    Data(std::ops::Range<usize>),
}

/// What [`Lines::next_chunk`] found.
enum NextChunk {
    End,
    /// A line is longer than [`MAX_LINE_BYTES`].
    TooLong,
    Chunk(Chunk),
}

/// A chunk of whole lines: in [`Lines`]' buffer, or the first `len` bytes the input has ready
/// (not copied: a mapped file).
enum Chunk {
    Buffered(std::ops::Range<usize>),
    InPlace(usize),
}

/// Bytes copied from the input at a time: a mapped file offers all of it at once.
const FILL_BYTES: usize = 1 << 20;

/// Lines cut from the input with memchr, in a buffer that holds the unprocessed part only.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    /// Start of the unprocessed bytes in `buf`.
    pos: usize,
    eof: bool,
    /// The file's line number of the line starting at `pos`.
    line: u64,
    started: bool,
    max_line: usize,
    fill_bytes: usize,
    /// The last byte of the input read so far.
    last_byte: Option<u8>,
}

impl<'a> Lines<'a> {
    fn new(input: &'a mut dyn BufRead, max_line: usize, fill_bytes: usize) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            line: 1,
            started: false,
            max_line,
            fill_bytes,
            last_byte: None,
        }
    }

    /// Append what the input has ready (dropping processed bytes first when they are at least
    /// half the buffer). `false` at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        loop {
            let got = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            // From an input that offers more (a mapped file), whole lines when it can: then
            // the buffer runs out at a line's end and reading can go on in place.
            let fill = self.fill_bytes;
            let got = match got.get(..fill) {
                Some(head) => &got[..memrchr(b'\n', head).map_or(fill, |i| i + 1)],
                None => got,
            };
            let n = got.len();
            if n == 0 {
                self.eof = true;
                return Ok(false);
            }
            let from = if self.started {
                got
            } else {
                // A UTF-8 byte order mark is not part of the JSON.
                self.started = true;
                got.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(got)
            };
            self.buf.extend_from_slice(from);
            self.last_byte = got.last().copied();
            self.input.consume(n);
            return Ok(true);
        }
    }

    /// The next line (without its newline); not yet consumed.
    fn next_line(&mut self) -> io::Result<Next> {
        // Bytes after `pos` already searched for a newline.
        let mut scanned = 0;
        loop {
            if let Some(i) = memchr(b'\n', &self.buf[self.pos + scanned..]) {
                return Ok(Next::Data(self.pos..self.pos + scanned + i));
            }
            scanned = self.buf.len() - self.pos;
            if scanned > self.max_line {
                return Ok(Next::TooLong);
            }
            if self.eof || !self.fill()? {
                let rest = self.pos..self.buf.len();
                return Ok(if rest.is_empty() {
                    Next::End
                } else {
                    Next::Data(rest)
                });
            }
        }
    }

    /// About `target` bytes of whole lines, ending after a newline (at end of input: all that
    /// is left); not yet consumed.
    fn next_chunk(&mut self, target: usize) -> io::Result<NextChunk> {
        // A mapped file offers the rest of its bytes at once: whole lines are parsed where
        // they are, once the buffer is used up (never before the first line was read). What
        // the buffer holds first goes as a chunk of its own when it is whole lines.
        if self.started && !self.eof {
            let ready = loop {
                match self.input.fill_buf() {
                    Ok(b) => break b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if ready.len() >= target {
                if self.pos == self.buf.len() {
                    if let Some(i) = memrchr(b'\n', &ready[..target]) {
                        self.buf.clear();
                        self.pos = 0;
                        #[cfg(test)]
                        IN_PLACE_CHUNKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        return Ok(NextChunk::Chunk(Chunk::InPlace(i + 1)));
                    }
                } else if self.buf.last() == Some(&b'\n') {
                    let whole = self.pos..self.buf.len();
                    return Ok(NextChunk::Chunk(Chunk::Buffered(whole)));
                }
            }
        }
        loop {
            let avail = self.buf.len() - self.pos;
            if self.eof {
                return Ok(if avail > 0 {
                    NextChunk::Chunk(Chunk::Buffered(self.pos..self.buf.len()))
                } else {
                    NextChunk::End
                });
            }
            if avail >= target {
                match memrchr(b'\n', &self.buf[self.pos..]) {
                    Some(i) => {
                        let end = self.pos + i + 1;
                        return Ok(NextChunk::Chunk(Chunk::Buffered(self.pos..end)));
                    }
                    None if avail > self.max_line => return Ok(NextChunk::TooLong),
                    None => {}
                }
            }
            self.fill()?;
        }
    }

    /// The bytes of a chunk [`Self::next_chunk`] gave.
    fn chunk(&mut self, chunk: &Chunk) -> io::Result<&[u8]> {
        Ok(match chunk {
            Chunk::Buffered(range) => &self.buf[range.clone()],
            Chunk::InPlace(len) => &self.input.fill_buf()?[..*len],
        })
    }

    /// Consume a chunk, which passes `newlines` lines.
    fn consume_chunk(&mut self, chunk: Chunk, newlines: u64) {
        match chunk {
            Chunk::Buffered(range) => self.consume_counted(range.end, newlines),
            Chunk::InPlace(len) => {
                self.input.consume(len);
                self.line += newlines;
                // (An in-place chunk ends with its newline.)
                self.last_byte = Some(b'\n');
            }
        }
    }

    /// Consume up to `end` (an index into `buf`), and the newline right there if there is one.
    fn consume_line(&mut self, end: usize) {
        let end = if self.buf.get(end) == Some(&b'\n') {
            end + 1
        } else {
            end
        };
        self.consume_to(end);
    }

    /// Consume up to `end`, counting the lines passed.
    fn consume_to(&mut self, end: usize) {
        let newlines = memchr_iter(b'\n', &self.buf[self.pos..end]).count() as u64;
        self.consume_counted(end, newlines);
    }

    /// Consume up to `end`, which passes `newlines` lines.
    fn consume_counted(&mut self, end: usize, newlines: u64) {
        self.line += newlines;
        self.pos = end;
    }

    /// Everything is consumed and the input did not end with a newline.
    fn at_end_without_newline(&self) -> bool {
        self.eof && self.pos >= self.buf.len() && self.last_byte.is_some_and(|b| b != b'\n')
    }

    /// The unconsumed bytes and the rest of the input as one reader, with the file's line
    /// number of its first line.
    fn into_rest(self) -> (Box<dyn Read + 'a>, u64) {
        let Lines {
            input,
            mut buf,
            pos,
            line,
            ..
        } = self;
        buf.drain(..pos);
        (Box::new(Cursor::new(buf).chain(input)), line)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod in_place_tests;

#[cfg(test)]
mod fast_tests;

/// What reading gave: spans, warnings, and the final result.
#[cfg(test)]
pub(crate) type ReadOutcome = (Vec<Span>, Vec<InputError>, Result<(), InputError>);

/// Read bytes as a test input named `test.json`.
#[cfg(test)]
pub(crate) fn read_bytes(bytes: &[u8]) -> ReadOutcome {
    read_bytes_with(bytes, CHUNK_BYTES, MAX_LINE_BYTES, 64 << 10)
}

/// Read bytes with given chunk and line limits, through a read buffer of `io_buf` bytes.
#[cfg(test)]
pub(crate) fn read_bytes_with(
    bytes: &[u8],
    chunk: usize,
    max_line: usize,
    io_buf: usize,
) -> ReadOutcome {
    let limits = Limits {
        chunk,
        max_line,
        fill: FILL_BYTES,
    };
    read_test_input(&mut BufReader::with_capacity(io_buf, bytes), limits)
}

/// Chunks parsed in place so far (by every test).
#[cfg(test)]
pub(crate) static IN_PLACE_CHUNKS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// Read bytes with given chunk and line limits from an input that offers all of them at once
/// (as a mapped file does), copying `fill` bytes at a time when it copies: chunks are parsed
/// in place once the copied bytes are used up.
#[cfg(test)]
pub(crate) fn read_bytes_in_place(
    bytes: &[u8],
    chunk: usize,
    max_line: usize,
    fill: usize,
) -> ReadOutcome {
    let limits = Limits {
        chunk,
        max_line,
        fill,
    };
    read_test_input(&mut { bytes }, limits)
}

#[cfg(test)]
fn read_test_input(input: &mut dyn BufRead, limits: Limits) -> ReadOutcome {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    let mut sink = |b: Vec<Span>| spans.extend(b);
    let mut ctx = ReadCtx {
        source: std::sync::Arc::from("test.json"),
        sink: &mut sink,
        warnings: &mut warnings,
        wants: Default::default(),
    };
    let r = read_with(input, &mut ctx, limits);
    (spans, warnings, r)
}
