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

/// Sizes of runs and of the smallest slice decoded in place (small ones in tests).
#[derive(Copy, Clone, Debug)]
pub(crate) struct Limits {
    pub run: usize,
    pub direct: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            run: 4 << 20,
            direct: 1 << 20,
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
    ) -> Vec<UnitOut> {
        let one = |st: &mut D::State, (start, len, meta): &(u64, usize, D::Meta)| {
            let at = (start - w_base) as usize;
            self.dec.decode(st, &w_buf[at..at + len], *start, meta)
        };
        if parallel && units.len() > 1 {
            struct Lease<'p, 'd, D: Decode>(&'p Pool<'d, D>, Option<D::State>);
            impl<D: Decode> Drop for Lease<'_, '_, D> {
                fn drop(&mut self) {
                    if let Some(st) = self.1.take() {
                        self.0.give(st);
                    }
                }
            }
            units
                .par_iter()
                .with_min_len(4)
                .map_init(
                    || Lease(self, Some(self.take())),
                    |lease, u| {
                        let st = lease.1.get_or_insert_with(|| self.dec.state());
                        one(st, u)
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
    let pool = Pool {
        dec,
        states: Mutex::new(Vec::new()),
    };
    let parallel = rayon::current_num_threads() > 1;
    let source: Arc<str> = ctx.source.clone();
    let io = |at: u64, e: std::io::Error| {
        InputError::new(
            &source,
            Some(Position::Byte(at)),
            format!("read error: {e}"),
        )
    };
    // Bytes copied from the input, from absolute offset `scanner.pos()`; whether they reach its
    // end; how much more to read when a unit does not fit.
    let mut own: Vec<u8> = Vec::new();
    let mut own_eof = false;
    let mut want = limits.run;
    let mut pending: Option<Decoded> = None;
    loop {
        if own.is_empty() && !own_eof {
            let base = scanner.pos();
            let buf = input.fill_buf().map_err(|e| io(base, e))?;
            if buf.len() >= limits.direct {
                let w = Window {
                    buf,
                    base,
                    eof: false,
                };
                let (units, tail) = gather(scanner, &w, limits.run, &source);
                if units.is_empty() && matches!(tail, Tail::NeedMore) {
                    // A unit cut by the end of the slice: carry it over in our own buffer.
                    let used = (scanner.pos() - base) as usize;
                    own.extend_from_slice(&buf[used..]);
                    let n = buf.len();
                    input.consume(n);
                    want = want.max(own.len());
                    continue;
                }
                let fail = match tail {
                    Tail::Fail(e) => Some(e),
                    _ => None,
                };
                let failed = fail.is_some();
                step(&pool, parallel, &mut pending, ctx, &w, units, fail)?;
                let used = (scanner.pos() - base) as usize;
                input.consume(used);
                if failed {
                    return deliver(ctx, pending.take());
                }
                continue;
            }
        }
        // Copy mode: top the buffer up, then scan it.
        let base = scanner.pos();
        if !own_eof && own.len() < want {
            let n = want - own.len();
            let at = base + own.len() as u64;
            let got = input
                .take(n as u64)
                .read_to_end(&mut own)
                .map_err(|e| io(at, e))?;
            own_eof = got < n;
        }
        let w = Window {
            buf: &own,
            base,
            eof: own_eof,
        };
        let (units, tail) = gather(scanner, &w, limits.run, &source);
        let used = (scanner.pos() - base) as usize;
        match tail {
            Tail::NeedMore if units.is_empty() && used == 0 => {
                // One unit longer than the buffer: read more of it.
                want = own.len().saturating_mul(2).max(limits.run);
                continue;
            }
            Tail::Full | Tail::NeedMore => {
                step(&pool, parallel, &mut pending, ctx, &w, units, None)?;
            }
            Tail::End => {
                step(&pool, parallel, &mut pending, ctx, &w, units, None)?;
                return deliver(ctx, pending.take());
            }
            Tail::Fail(e) => {
                step(&pool, parallel, &mut pending, ctx, &w, units, Some(e))?;
                return deliver(ctx, pending.take());
            }
        }
        own.drain(..used);
        want = limits.run;
    }
}

/// Decode `units` of the window while the run before is handed on (when parallel); the result
/// waits in `pending` for the next step.
fn step<D: Decode>(
    pool: &Pool<'_, D>,
    parallel: bool,
    pending: &mut Option<Decoded>,
    ctx: &mut ReadCtx<'_>,
    w: &Window<'_>,
    units: Vec<(u64, usize, D::Meta)>,
    fail: Option<InputError>,
) -> Result<(), InputError> {
    let before = pending.take();
    let decode = || pool.run(w.buf, w.base, &units, parallel);
    let outs = if parallel && before.is_some() && !units.is_empty() {
        std::thread::scope(|scope| {
            let worker = scope.spawn(decode);
            let delivered = deliver(ctx, before);
            let outs = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            delivered.map(|()| outs)
        })?
    } else {
        deliver(ctx, before)?;
        decode()
    };
    *pending = Some((outs, fail));
    Ok(())
}
