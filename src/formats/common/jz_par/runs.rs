//! The runs of elements the scan cut: parsed by the workers, in input order, while the next
//! run is scanned and the one before handed on ([`pipeline`]).

use std::io;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::de::DeserializeSeed;

use super::{Cut, Elem, Window};
use crate::formats::common::fast_json::{Bail, FastDe};
use crate::formats::common::jz_read::{DocError, Shared};
use crate::formats::{InputError, ReadWants};
use crate::model::Span;

/// What a worker made of a run of elements: the spans it emitted (in order), the warnings it
/// listed (at most the cap; `hidden` counts the rest) and the error that ended it.
#[derive(Default)]
pub(crate) struct RunOut {
    pub(crate) batches: Vec<Vec<Span>>,
    pub(crate) warnings: Vec<InputError>,
    pub(crate) hidden: u64,
    pub(crate) error: Option<DocError>,
}

impl RunOut {
    /// No warning and no error: nothing that would show a position.
    pub(crate) fn is_clean(&self) -> bool {
        self.warnings.is_empty() && self.hidden == 0 && self.error.is_none()
    }
}

/// Workers' per-reader state (interner, shared resources), reused from run to run.
pub(crate) struct SharedPool(Mutex<Vec<Shared>>);

impl SharedPool {
    pub(crate) fn new() -> Self {
        SharedPool(Mutex::new(Vec::new()))
    }

    fn take(&self) -> Shared {
        self.0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_else(Shared::new)
    }

    fn give(&self, s: Shared) {
        if let Ok(mut v) = self.0.lock() {
            v.push(s);
        }
    }
}

/// What a worker needs besides the bytes.
pub(crate) struct RunCtx<'p> {
    pub(crate) source: Arc<str>,
    pub(crate) wants: ReadWants,
    pub(crate) pool: &'p SharedPool,
}

/// How [`pipeline`] stopped.
pub(crate) enum ListEnd<E> {
    /// The list closed (after its `]`).
    End,
    /// The streaming reader takes over (see [`Cut::Stop`]).
    Stop,
    /// Reading the input failed (the window is where it failed).
    Io(io::Error),
    /// `deliver` failed.
    Failed(E),
}

/// Reads the rest of a list in parallel: the window is scanned for runs of elements, each run
/// is parsed by the workers ([`parse_runs`]) while this thread scans the next one and hands on
/// (`deliver`, in input order) what the one before gave. Everything parsed is delivered before
/// the list's end, a stop or an input error is returned; nothing after a failed delivery.
pub(crate) fn pipeline<E, P, D>(
    win: &mut Window<'_>,
    rc: &RunCtx<'_>,
    parse: &P,
    mut deliver: D,
) -> ListEnd<E>
where
    P: Fn(&[u8], &[Elem], Shared, &RunCtx<'_>) -> (RunOut, Shared) + Sync,
    D: FnMut(Vec<RunOut>) -> Result<(), E>,
{
    let chunk = win.limits().chunk;
    let overlap = rayon::current_num_threads() > 1;
    std::thread::scope(|scope| {
        let mut inflight: Option<std::thread::ScopedJoinHandle<'_, (Vec<RunOut>, Vec<u8>)>> = None;
        loop {
            let next = win.cut();
            let before = inflight.take().map(|h| {
                let (outs, bytes) = h
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                win.give_back(bytes);
                outs
            });
            let mut now = None;
            if let Ok(Cut::Elems(elems)) = &next {
                let bytes = win.take_bytes();
                let elems = elems.clone();
                let job = move || (parse_runs(&bytes, &elems, chunk, rc, parse), bytes);
                if overlap {
                    inflight = Some(scope.spawn(job));
                } else {
                    now = Some(job);
                }
            }
            if let Some(outs) = before
                && let Err(e) = deliver(outs)
            {
                return ListEnd::Failed(e);
            }
            if let Some(job) = now {
                let (outs, bytes) = job();
                win.give_back(bytes);
                if let Err(e) = deliver(outs) {
                    return ListEnd::Failed(e);
                }
            }
            match next {
                Ok(Cut::Elems(_)) => {}
                Ok(Cut::End) => return ListEnd::End,
                Ok(Cut::Stop) => return ListEnd::Stop,
                Err(e) => return ListEnd::Io(e),
            }
        }
    })
}

/// Parses `elems` (from `bytes`) in runs, in parallel when there are several threads; the
/// results in input order. `parse` reads one run: its bytes start at the first element, and its
/// elements are separated by `,` and whitespace.
pub(crate) fn parse_runs<F>(
    bytes: &[u8],
    elems: &[Elem],
    chunk: usize,
    rc: &RunCtx<'_>,
    parse: F,
) -> Vec<RunOut>
where
    F: Fn(&[u8], &[Elem], Shared, &RunCtx<'_>) -> (RunOut, Shared) + Sync,
{
    let total: usize = elems.iter().map(|e| e.end - e.start).sum();
    let threads = rayon::current_num_threads();
    // A few runs per thread, so that uneven runs even out; not runs of a handful of bytes.
    let per_run = (total / (threads * 4)).max((chunk / 16).max(1));
    let mut runs: Vec<&[Elem]> = Vec::new();
    let mut from = 0;
    let mut size = 0;
    for (i, e) in elems.iter().enumerate() {
        size += e.end - e.start;
        if size >= per_run {
            runs.push(&elems[from..=i]);
            from = i + 1;
            size = 0;
        }
    }
    if from < elems.len() {
        runs.push(&elems[from..]);
    }
    let one = |run: &[Elem]| {
        let (out, shared) = parse(bytes, run, rc.pool.take(), rc);
        rc.pool.give(shared);
        out
    };
    if threads > 1 && runs.len() > 1 {
        runs.par_iter().map(|r| one(r)).collect()
    } else {
        runs.iter().map(|r| one(r)).collect()
    }
}

/// How a worker reads a run. Line numbers only ever show in warnings and errors, so a run is
/// first read straight from its bytes without counting lines; one that has a warning or an
/// error is read again, counting them.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum RunMode {
    /// The fast reader ([`FastDe`]); it gives up on anything unusual.
    Fast,
    /// serde_json over the bytes (what the fast reader gave up on).
    Slice,
    /// serde_json through the line-counting reader: the positions are the file's.
    Tracked,
}

/// Reads a run with `read` in the cheapest mode that reads it cleanly (see [`RunMode`]).
pub(crate) fn read_run_modes(
    shared: Shared,
    mut read: impl FnMut(RunMode, Shared) -> (RunOut, Shared),
) -> (RunOut, Shared) {
    let (out, shared) = read(RunMode::Fast, shared);
    if out.is_clean() {
        return (out, shared);
    }
    // A warning would come again from serde_json: straight to the counting reader.
    let gave_up = out.warnings.is_empty() && out.hidden == 0;
    let (out, shared) = if gave_up {
        read(RunMode::Slice, shared)
    } else {
        (out, shared)
    };
    if out.is_clean() {
        return (out, shared);
    }
    read(RunMode::Tracked, shared)
}

/// The run's text (`bytes[first.start..last.end]`) for the fast reader: `None` when it is not
/// UTF-8 (the other modes say where).
pub(crate) fn run_text<'b>(bytes: &'b [u8], elems: &[Elem], mode: RunMode) -> Option<&'b str> {
    let (first, last) = (elems.first()?, elems.last()?);
    if mode != RunMode::Fast {
        return None;
    }
    simdutf8::basic::from_utf8(&bytes[first.start..last.end]).ok()
}

/// One element read in [`RunMode::Fast`] or [`RunMode::Slice`]: `seed` over the element's bytes,
/// which must hold exactly one value. Any error is one without a position (the run is read
/// again in a later mode).
pub(crate) fn read_elem_untracked<S>(
    bytes: &[u8],
    text: Option<&str>,
    run_start: usize,
    e: &Elem,
    seed: S,
) -> Result<(), DocError>
where
    S: for<'de> DeserializeSeed<'de, Value = ()>,
{
    let unplaced = |message: String| DocError::Json {
        line: 0,
        column: 0,
        message,
        syntax: true,
    };
    match text {
        Some(text) => {
            let mut de = FastDe::new(&text[e.start - run_start..e.end - run_start]);
            seed.deserialize(&mut de)
                .ok()
                .filter(|_| !de.more_values())
                .ok_or_else(|| unplaced(Bail.to_string()))
        }
        None => {
            let mut de = serde_json::Deserializer::from_slice(&bytes[e.start..e.end]);
            seed.deserialize(&mut de)
                .and_then(|()| de.end())
                .map_err(|e| unplaced(e.to_string()))
        }
    }
}
