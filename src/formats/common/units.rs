//! Binary inputs read as independent units (a protobuf `ResourceSpans`, a Thrift message),
//! decoded in parallel and handed on in input order.
//!
//! The calling thread cuts the input into units with a cheap [`Scanner`] (it reads only what
//! delimits a unit: frame headers, tags and lengths, or a skip over a Thrift message), gathers
//! them into runs of about [`Limits::run`] bytes, and has a run decoded on the rayon workers
//! (each with its own [`Decode::State`]: interner and caches) while it hands on the run before
//! (the sink stays on this thread). Memory holds two runs, never the file.
//!
//! Zero copy: when the input's `fill_buf()` offers at least [`Limits::direct`] bytes (a
//! memory-mapped file offers the whole rest of it), units are decoded straight from that slice
//! and only what was used is consumed. Otherwise bytes are copied into a run buffer of our own,
//! which also carries a unit cut by the end of the slice.

use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::formats::{InputError, Position, ReadCtx};
use crate::model::Span;

/// Sizes of runs, of the smallest slice decoded in place and of the smallest run decoded on
/// several threads (a small run is not worth the workers, and one state shares its strings)
/// (small ones in tests).
#[derive(Copy, Clone, Debug)]
pub(crate) struct Limits {
    pub run: usize,
    pub direct: usize,
    pub parallel: usize,
    /// Bytes decoded in place before what was used is consumed (a mapped file then hands
    /// those pages back: memory does not grow with the file).
    pub segment: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            run: 4 << 20,
            direct: 1 << 20,
            parallel: 256 << 10,
            segment: 16 << 20,
        }
    }
}

/// Bytes of the input from absolute offset `base`; `eof` when they reach its end.
pub(crate) struct Window<'a> {
    pub buf: &'a [u8],
    pub base: u64,
    pub eof: bool,
}

impl Window<'_> {
    /// The absolute offset of the end of the input (meaningful when `eof`).
    pub fn end(&self) -> u64 {
        self.base + self.buf.len() as u64
    }
}

/// What a scanner found at its position.
pub(crate) enum Scan<U> {
    /// A unit: its absolute start and length (inside the window), and what the decoder needs.
    Unit { start: u64, len: usize, meta: U },
    /// The scanner moved on without a unit (a frame header, a skipped field).
    Progress,
    /// The element at the position goes on past the window (never when `eof`).
    NeedMore,
    /// The input ended cleanly.
    End,
    /// The input is broken here (position and message): everything before was good.
    Fail(Option<Position>, String),
}

/// Cuts the input into units. `pos` is absolute and moves only past whole elements.
pub(crate) trait Scanner {
    type Meta: Send + Sync;
    fn pos(&self) -> u64;
    fn next(&mut self, w: &Window<'_>) -> Scan<Self::Meta>;
}

/// What decoding one unit gave: its spans (handed on as one batch), warnings, and an error that
/// ends the input after them.
#[derive(Default)]
pub(crate) struct UnitOut {
    pub spans: Vec<Span>,
    pub warnings: Vec<InputError>,
    pub error: Option<InputError>,
}

/// Decodes units; one `State` per worker at a time.
pub(crate) trait Decode: Sync {
    type Meta: Send + Sync;
    type State: Send;
    fn state(&self) -> Self::State;
    fn decode(&self, st: &mut Self::State, bytes: &[u8], start: u64, meta: &Self::Meta) -> UnitOut;
}

struct Pool<'d, D: Decode> {
    dec: &'d D,
    states: Mutex<Vec<D::State>>,
}

impl<D: Decode> Pool<'_, D> {
    fn take(&self) -> D::State {
        let st = self.states.lock().ok().and_then(|mut v| v.pop());
        st.unwrap_or_else(|| self.dec.state())
    }

    fn give(&self, st: D::State) {
        if let Ok(mut v) = self.states.lock() {
            v.push(st);
        }
    }

    /// Decode the units of a run (in parallel when asked), in input order.
    fn run(
        &self,
        w_buf: &[u8],
        w_base: u64,
        units: &[(u64, usize, D::Meta)],
        parallel: bool,
        min: usize,
    ) -> Vec<UnitOut> {
        let one = |st: &mut D::State, (start, len, meta): &(u64, usize, D::Meta)| {
            let at = (start - w_base) as usize;
            self.dec.decode(st, &w_buf[at..at + len], *start, meta)
        };
        let bytes: usize = units.iter().map(|u| u.1).sum();
        if parallel && units.len() > 1 && bytes >= min {
            struct Lease<'p, 'd, D: Decode>(&'p Pool<'d, D>, Option<D::State>);
            impl<D: Decode> Drop for Lease<'_, '_, D> {
                fn drop(&mut self) {
                    if let Some(st) = self.1.take() {
                        self.0.give(st);
                    }
                }
            }
            // Units decoded in chunks, each chunk handed on as one batch: small units (a Thrift
            // message holds a few spans) made batches too small for the sink's per-batch work.
            let chunk = units
                .len()
                .div_ceil(rayon::current_num_threads() * CHUNKS_PER_THREAD);
            units
                .par_chunks(chunk.max(1))
                .map_init(
                    || Lease(self, Some(self.take())),
                    |lease, us| {
                        let st = lease.1.get_or_insert_with(|| self.dec.state());
                        merged(us.iter().map(|u| one(st, u)))
                    },
                )
                .collect()
        } else {
            let mut st = self.take();
            let out = units.iter().map(|u| one(&mut st, u)).collect();
            self.give(st);
            out
        }
    }
}

/// Chunks of a run per decoding thread (more than one, so that threads that finish early take
/// more).
const CHUNKS_PER_THREAD: usize = 8;

/// The outputs of consecutive units as one: their spans and warnings in order, up to the first
/// error (the units after it would not be handed on).
fn merged(outs: impl Iterator<Item = UnitOut>) -> UnitOut {
    let mut all = UnitOut::default();
    for mut out in outs {
        all.warnings.append(&mut out.warnings);
        if all.spans.is_empty() {
            all.spans = out.spans;
        } else {
            all.spans.append(&mut out.spans);
        }
        if out.error.is_some() {
            all.error = out.error;
            break;
        }
    }
    all
}

/// A decoded run, not yet handed on, and the error (if any) that ended scanning after it.
type Decoded = (Vec<UnitOut>, Option<InputError>);

fn deliver(ctx: &mut ReadCtx<'_>, run: Option<Decoded>) -> Result<(), InputError> {
    let Some((outs, fail)) = run else {
        return Ok(());
    };
    for out in outs {
        ctx.warnings.extend(out.warnings);
        ctx.emit(out.spans);
        if let Some(e) = out.error {
            return Err(e);
        }
    }
    fail.map_or(Ok(()), Err)
}

/// How a run ended.
enum Tail {
    /// Enough bytes gathered.
    Full,
    NeedMore,
    End,
    Fail(InputError),
}

/// Units from the window, up to about `run` bytes.
fn gather<S: Scanner>(
    s: &mut S,
    w: &Window<'_>,
    run: usize,
    source: &Arc<str>,
) -> (Vec<(u64, usize, S::Meta)>, Tail) {
    let mut units = Vec::new();
    let from = s.pos();
    loop {
        if (s.pos() - from) as usize >= run {
            return (units, Tail::Full);
        }
        match s.next(w) {
            Scan::Unit { start, len, meta } => units.push((start, len, meta)),
            Scan::Progress => {}
            Scan::NeedMore => return (units, Tail::NeedMore),
            Scan::End => return (units, Tail::End),
            Scan::Fail(at, msg) => return (units, Tail::Fail(InputError::new(source, at, msg))),
        }
    }
}

/// A buffer of our own (the input's bytes from `base`) whose units were gathered, and how the
/// gathering ended.
struct Prepared {
    buf: Vec<u8>,
    base: u64,
    tail: Tail,
}

/// A prepared buffer and its units.
type Ready<M> = (Prepared, Vec<(u64, usize, M)>);

/// Everything a read needs, on the calling thread.
struct Reading<'p, 'd, 'c, 'x, S: Scanner, D: Decode<Meta = S::Meta>> {
    ctx: &'c mut ReadCtx<'x>,
    scanner: &'p mut S,
    pool: Pool<'d, D>,
    parallel: bool,
    limits: Limits,
    source: Arc<str>,
    /// A decoded run not yet handed on.
    pending: Option<Decoded>,
}

/// How a stretch of runs ended.
enum Ended {
    /// The input is done (cleanly or with an error): the result of the whole read.
    Done(Result<(), InputError>),
    /// The slice ended inside a unit: go on in copy mode.
    More,
    /// A segment of the slice was decoded: consume it, and go on from the input's slice.
    Segment,
}

/// Read the whole input: units found by `scanner` (whose position is where `input` starts),
/// decoded by `dec`, handed to `ctx` in order.
pub(crate) fn read<S, D>(
    input: &mut dyn BufRead,
    ctx: &mut ReadCtx<'_>,
    scanner: &mut S,
    dec: &D,
    limits: Limits,
) -> Result<(), InputError>
where
    S: Scanner,
    D: Decode<Meta = S::Meta>,
{
    let source: Arc<str> = ctx.source.clone();
    let mut r = Reading {
        ctx,
        scanner,
        pool: Pool {
            dec,
            states: Mutex::new(Vec::new()),
        },
        parallel: rayon::current_num_threads() > 1,
        limits,
        source,
        pending: None,
    };
    let mut own = Vec::new();
    loop {
        let base = r.scanner.pos();
        let buf = input.fill_buf().map_err(|e| r.io(base, e))?;
        if buf.len() < limits.direct {
            break;
        }
        match r.direct(buf) {
            Ended::Done(result) => return result,
            Ended::Segment => {
                let used = (r.scanner.pos() - base) as usize;
                input.consume(used);
            }
            Ended::More => {
                // The rest of the slice is a unit cut short: copy it, read on.
                let used = (r.scanner.pos() - base) as usize;
                own.extend_from_slice(&buf[used..]);
                let n = buf.len();
                input.consume(n);
                break;
            }
        }
    }
    r.copied(input, own)
}

impl<S: Scanner, D: Decode<Meta = S::Meta>> Reading<'_, '_, '_, '_, S, D> {
    fn io(&self, at: u64, e: std::io::Error) -> InputError {
        InputError::new(
            &self.source,
            Some(Position::Byte(at)),
            format!("read error: {e}"),
        )
    }

    /// Decode `units` of `buf` (at `base`) while the run before is handed on and `ahead`
    /// prepares the next one (skipped once handing on failed). The decoded run then waits in
    /// `pending`.
    fn step<T>(
        &mut self,
        buf: &[u8],
        base: u64,
        units: &[(u64, usize, S::Meta)],
        fail: Option<InputError>,
        ahead: impl FnOnce(&mut S) -> T,
    ) -> Result<Option<T>, InputError> {
        let before = self.pending.take();
        let pool = &self.pool;
        let parallel = self.parallel;
        let min = self.limits.parallel;
        let decode = || pool.run(buf, base, units, parallel, min);
        let ctx = &mut *self.ctx;
        let scanner = &mut *self.scanner;
        let (outs, delivered, next) = if parallel && !units.is_empty() {
            std::thread::scope(|scope| {
                let worker = scope.spawn(decode);
                let delivered = deliver(ctx, before);
                let next = delivered.is_ok().then(|| ahead(scanner));
                let outs = worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (outs, delivered, next)
            })
        } else {
            let delivered = deliver(ctx, before);
            let next = delivered.is_ok().then(|| ahead(scanner));
            (decode(), delivered, next)
        };
        delivered?;
        self.pending = Some((outs, fail));
        Ok(next)
    }

    /// Runs straight from `buf`, the input's own slice from the scanner's position.
    fn direct(&mut self, buf: &[u8]) -> Ended {
        let w = Window {
            buf,
            base: self.scanner.pos(),
            eof: false,
        };
        let (run, source) = (self.limits.run, self.source.clone());
        let segment_end = w.base + self.limits.segment as u64;
        let (mut units, mut tail) = gather(self.scanner, &w, run, &source);
        loop {
            let (fail, go_on) = match tail {
                Tail::Full => (None, true),
                Tail::NeedMore => (None, false),
                Tail::End => unreachable!("a slice is never the end"),
                Tail::Fail(e) => (Some(e), false),
            };
            let failed = fail.is_some();
            // Past the segment: no more units from this slice (`None`: consume, come back).
            let paused = go_on && self.scanner.pos() >= segment_end;
            let ahead = |s: &mut S| (go_on && !paused).then(|| gather(s, &w, run, &source));
            let next = match self.step(w.buf, w.base, &units, fail, ahead) {
                Ok(next) => next.flatten(),
                Err(e) => return Ended::Done(Err(e)),
            };
            if failed {
                return Ended::Done(deliver(self.ctx, self.pending.take()));
            }
            match next {
                Some((u, t)) => (units, tail) = (u, t),
                None if paused => return Ended::Segment,
                None => return Ended::More,
            }
        }
    }

    /// Runs copied from the input into buffers of our own (two at a time: one decoded while
    /// the next is read and scanned), starting with the bytes `own`.
    fn copied(&mut self, input: &mut dyn BufRead, own: Vec<u8>) -> Result<(), InputError> {
        let mut eof = false;
        // The buffer decoded two steps ago, reused for the next one.
        let mut spare: Vec<u8> = Vec::new();
        let first = self.prepare(input, own, &mut eof);
        let mut prep = match first {
            Ok(p) => p,
            Err(e) => return deliver(self.ctx, self.pending.take()).and(Err(e)),
        };
        loop {
            let (Prepared { buf, base, tail }, units) = prep;
            let (fail, stop) = match tail {
                Tail::Full | Tail::NeedMore => (None, false),
                Tail::End => (None, true),
                Tail::Fail(e) => (Some(e), true),
            };
            let used = (self.scanner.pos() - base) as usize;
            let run = self.limits.run;
            let source = self.source.clone();
            let eof_now = &mut eof;
            let rest = &buf[used..];
            let reuse = &mut spare;
            let ahead = |s: &mut S| {
                (!stop).then(|| {
                    let mut next = std::mem::take(reuse);
                    next.clear();
                    next.extend_from_slice(rest);
                    prepare_with(s, input, next, eof_now, run, &source)
                })
            };
            let next = self.step(&buf, base, &units, fail, ahead)?.flatten();
            spare = buf;
            match next {
                None => return deliver(self.ctx, self.pending.take()),
                Some(Ok(p)) => prep = p,
                Some(Err(e)) => return deliver(self.ctx, self.pending.take()).and(Err(e)),
            }
        }
    }

    fn prepare(
        &mut self,
        input: &mut dyn BufRead,
        own: Vec<u8>,
        eof: &mut bool,
    ) -> Result<Ready<S::Meta>, InputError> {
        prepare_with(self.scanner, input, own, eof, self.limits.run, &self.source)
    }
}

/// Fill `buf` (the input's bytes from the scanner's position) up to a run, reading more while
/// a single unit does not fit, and gather its units.
fn prepare_with<S: Scanner>(
    scanner: &mut S,
    input: &mut dyn BufRead,
    mut buf: Vec<u8>,
    eof: &mut bool,
    run: usize,
    source: &Arc<str>,
) -> Result<Ready<S::Meta>, InputError> {
    let base = scanner.pos();
    let mut want = run.max(buf.len());
    loop {
        if !*eof && buf.len() < want {
            let n = want - buf.len();
            let at = base + buf.len() as u64;
            let got = input.take(n as u64).read_to_end(&mut buf).map_err(|e| {
                InputError::new(source, Some(Position::Byte(at)), format!("read error: {e}"))
            })?;
            *eof = got < n;
        }
        let w = Window {
            buf: &buf,
            base,
            eof: *eof,
        };
        let (units, tail) = gather(scanner, &w, run, source);
        if matches!(tail, Tail::NeedMore) && units.is_empty() && scanner.pos() == base {
            // One unit longer than the buffer: read more of it.
            want = buf.len().saturating_mul(2).max(run);
            continue;
        }
        return Ok((Prepared { buf, base, tail }, units));
    }
}
