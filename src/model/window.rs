//! The trace window: spans in, whole traces out once they can no longer grow, so that commands
//! that analyse one trace at a time hold a window of recent traces instead of the whole input.
//!
//! Inputs from collectors keep the spans of a trace close together. The window holds the traces
//! that received a span recently; when it holds more than its budget (spans, or approximate
//! bytes), the trace that was touched least recently is let go: written to a spill file
//! ([`SpillFile`]) and handed to the caller as *finished*. Each trace gets an ordinal, its rank
//! in first-seen order (what [`super::TraceSet`] would give), so results stored by ordinal come
//! out in the same order as a whole load.
//!
//! A span of a trace already let go (a *late* span: the input did not keep the trace together)
//! reopens the trace under its ordinal: the new fragment is spilled too, never handed out, and
//! the ordinal is listed as [`Spilled::reopened`]. The caller then reads the whole trace back
//! ([`Spilled::read`]: its fragments in input order, the same spans a whole load gives) and
//! recomputes what it derived from the first fragment. So results never depend on the window;
//! only memory and time do.
//!
//! Traces that received a span in the current batch are never let go before the next batch:
//! a trace larger than the window is held whole (as analysing it needs) instead of being cut
//! into fragments.
//!
//! The window's size: `TRACEKIT_TRACE_WINDOW_SPANS` (spans held at most; a tuning and testing
//! knob, not a documented option) and a fixed budget of approximate bytes.

use std::collections::{BTreeMap, HashMap};
use std::io;

use super::ids::TraceId;
use super::span::Span;
use super::spill::{Extent, SpillFile};
use super::trace::Trace;
use super::value::{KeyValue, Value};

/// Spans held at most, unless `TRACEKIT_TRACE_WINDOW_SPANS` says otherwise.
pub const DEFAULT_SPANS: usize = 50_000;
/// Approximate bytes of spans held at most.
pub const DEFAULT_BYTES: usize = 32 << 20;
/// Finished traces are handed out in groups of about this many spans (for parallel analysis).
const GROUP_SPANS: usize = 16_384;

/// The window's budget.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct WindowSize {
    pub spans: usize,
    pub bytes: usize,
}

impl WindowSize {
    /// The default, or `TRACEKIT_TRACE_WINDOW_SPANS` spans (at least 1).
    pub fn from_env() -> Self {
        let spans = std::env::var("TRACEKIT_TRACE_WINDOW_SPANS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .map(|n| n.max(1));
        match spans {
            Some(spans) => WindowSize {
                spans,
                bytes: usize::MAX,
            },
            None => WindowSize {
                spans: DEFAULT_SPANS,
                bytes: DEFAULT_BYTES,
            },
        }
    }

    pub fn spans(spans: usize) -> Self {
        WindowSize {
            spans: spans.max(1),
            bytes: usize::MAX,
        }
    }
}

/// What a span costs in memory, roughly: the struct, its attributes, events and links.
pub fn approx_bytes(s: &Span) -> usize {
    fn value(v: &Value) -> usize {
        match v {
            Value::Str(s) => s.len(),
            Value::Bytes(b) => b.len(),
            Value::Array(a) => a.iter().map(|x| 32 + value(x)).sum(),
            Value::Map(m) => attrs(m),
            _ => 0,
        }
    }
    fn attrs(kvs: &[KeyValue]) -> usize {
        kvs.iter().map(|kv| 40 + value(&kv.value)).sum()
    }
    std::mem::size_of::<Span>()
        + s.name.len().min(64)
        + attrs(&s.attributes)
        + s.events
            .iter()
            .map(|e| 64 + attrs(&e.attributes))
            .sum::<usize>()
        + s.links
            .iter()
            .map(|l| 80 + attrs(&l.attributes))
            .sum::<usize>()
        + s.status.message.as_ref().map_or(0, |m| m.len())
}

/// An input as commands hand it to a window: it calls its argument with each batch of spans,
/// in input order (e.g. `for_each_batch` over the sources).
pub type Feed<'a> = &'a mut dyn FnMut(&mut dyn FnMut(Vec<Span>));

/// A trace handed out: its first-seen rank and its spans.
pub struct Finished {
    pub ordinal: u32,
    pub trace: Trace,
}

struct Open {
    ordinal: u32,
    spans: Vec<Span>,
    bytes: usize,
    touched: u64,
    /// A late fragment of a trace already handed out.
    reopened: bool,
}

/// See the module documentation.
pub struct TraceWindow {
    size: WindowSize,
    open: HashMap<TraceId, Open>,
    /// Open traces by (last batch that touched them, ordinal): the first is let go first.
    lru: BTreeMap<(u64, u32), TraceId>,
    held_spans: usize,
    held_bytes: usize,
    batch: u64,
    /// Ordinals of the traces let go at least once.
    closed: HashMap<TraceId, u32>,
    /// Where each ordinal's fragments lie: the first, and any later ones.
    first: Vec<Option<Extent>>,
    more: BTreeMap<u32, Vec<Extent>>,
    spill: SpillFile,
    pending: Vec<Finished>,
    pending_spans: usize,
    spans: u64,
}

impl TraceWindow {
    pub fn new(size: WindowSize) -> io::Result<Self> {
        Ok(TraceWindow {
            size,
            open: HashMap::new(),
            lru: BTreeMap::new(),
            held_spans: 0,
            held_bytes: 0,
            batch: 0,
            closed: HashMap::new(),
            first: Vec::new(),
            more: BTreeMap::new(),
            spill: SpillFile::new()?,
            pending: Vec::new(),
            pending_spans: 0,
            spans: 0,
        })
    }

    /// Add a batch of spans (in input order); `sink` gets groups of finished traces.
    pub fn push(
        &mut self,
        batch: Vec<Span>,
        sink: &mut dyn FnMut(Vec<Finished>),
    ) -> io::Result<()> {
        self.batch += 1;
        let now = self.batch;
        for s in batch {
            self.spans += 1;
            let bytes = if self.size.bytes == usize::MAX {
                0
            } else {
                approx_bytes(&s)
            };
            let id = s.trace_id;
            if !self.open.contains_key(&id) {
                let (ordinal, reopened) = match self.closed.get(&id) {
                    Some(&o) => (o, true),
                    None => {
                        self.first.push(None);
                        ((self.first.len() - 1) as u32, false)
                    }
                };
                self.open.insert(
                    id,
                    Open {
                        ordinal,
                        spans: Vec::new(),
                        bytes: 0,
                        touched: 0,
                        reopened,
                    },
                );
            }
            let o = self.open.get_mut(&id).unwrap();
            if o.touched != now {
                if o.touched != 0 {
                    self.lru.remove(&(o.touched, o.ordinal));
                }
                o.touched = now;
                self.lru.insert((now, o.ordinal), id);
            }
            o.spans.push(s);
            o.bytes += bytes;
            self.held_spans += 1;
            self.held_bytes += bytes;
        }
        // Over budget: let go of the traces touched least recently, but not those of this
        // batch (they are still growing: one trace larger than the window stays whole).
        while self.held_spans > self.size.spans || self.held_bytes > self.size.bytes {
            let Some(entry) = self.lru.first_entry() else {
                break;
            };
            if entry.key().0 == now {
                break;
            }
            let id = entry.remove();
            self.close(id)?;
            if self.pending_spans >= GROUP_SPANS {
                self.hand_out(sink);
            }
        }
        Ok(())
    }

    /// Let go of an open trace: spill it, and hand it out unless it is a late fragment.
    fn close(&mut self, id: TraceId) -> io::Result<()> {
        let Some(o) = self.open.remove(&id) else {
            return Ok(());
        };
        self.held_spans -= o.spans.len();
        self.held_bytes -= o.bytes;
        let extent = self.spill.write(id, &o.spans)?;
        if o.reopened {
            self.more.entry(o.ordinal).or_default().push(extent);
        } else {
            self.first[o.ordinal as usize] = Some(extent);
            self.closed.insert(id, o.ordinal);
            self.pending_spans += o.spans.len();
            self.pending.push(Finished {
                ordinal: o.ordinal,
                trace: Trace {
                    trace_id: id,
                    spans: o.spans,
                },
            });
        }
        Ok(())
    }

    fn hand_out(&mut self, sink: &mut dyn FnMut(Vec<Finished>)) {
        self.pending_spans = 0;
        if !self.pending.is_empty() {
            sink(std::mem::take(&mut self.pending));
        }
    }

    /// Run a whole input through a new window: every finished trace goes to `sink` in groups,
    /// and the spill is returned at the end. The first spill error stops the handing out (the
    /// rest of the input is still read, as the feed cannot be stopped) and is returned.
    pub fn run(
        size: WindowSize,
        feed: Feed<'_>,
        sink: &mut dyn FnMut(Vec<Finished>),
    ) -> io::Result<Spilled> {
        let mut window = TraceWindow::new(size)?;
        let mut failed = None;
        feed(&mut |batch| {
            if failed.is_none()
                && let Err(e) = window.push(batch, &mut *sink)
            {
                failed = Some(e);
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        window.finish(sink)
    }

    /// End of input: let go of every open trace (oldest first) and return the spill.
    pub fn finish(mut self, sink: &mut dyn FnMut(Vec<Finished>)) -> io::Result<Spilled> {
        while let Some((_, id)) = self.lru.pop_first() {
            self.close(id)?;
            if self.pending_spans >= GROUP_SPANS {
                self.hand_out(sink);
            }
        }
        self.hand_out(sink);
        let first = self
            .first
            .into_iter()
            .map(|e| e.ok_or_else(|| io::Error::other("trace window: a trace was never spilled")))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Spilled {
            first,
            more: self.more,
            spill: self.spill,
            spans: self.spans,
        })
    }
}

/// Every trace of the input, in the spill file, by ordinal.
pub struct Spilled {
    first: Vec<Extent>,
    more: BTreeMap<u32, Vec<Extent>>,
    spill: SpillFile,
    spans: u64,
}

impl Spilled {
    /// Traces (ordinals `0..traces()`).
    pub fn traces(&self) -> usize {
        self.first.len()
    }

    /// Spans read.
    pub fn spans(&self) -> u64 {
        self.spans
    }

    /// Ordinals of the traces that received spans after they were handed out, ascending: what
    /// was derived from them must be recomputed from [`Spilled::read`].
    pub fn reopened(&self) -> Vec<u32> {
        self.more.keys().copied().collect()
    }

    /// The whole trace of `ordinal`: every span, in input order.
    pub fn read(&mut self, ordinal: u32) -> io::Result<Trace> {
        let mut spans = Vec::new();
        let trace_id = self
            .spill
            .read_into(self.first[ordinal as usize], &mut spans)?;
        if let Some(more) = self.more.get(&ordinal) {
            for &e in more {
                self.spill.read_into(e, &mut spans)?;
            }
        }
        Ok(Trace { trace_id, spans })
    }

    /// Every trace in first-seen order, in groups of about `group_spans` spans.
    pub fn for_each_group(
        &mut self,
        group_spans: usize,
        f: &mut dyn FnMut(Vec<Finished>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut group = Vec::new();
        let mut n = 0;
        for ordinal in 0..self.first.len() as u32 {
            let trace = self.read(ordinal)?;
            n += trace.spans.len();
            group.push(Finished { ordinal, trace });
            if n >= group_spans {
                f(std::mem::take(&mut group))?;
                n = 0;
            }
        }
        if !group.is_empty() {
            f(group)?;
        }
        Ok(())
    }

    /// [`Spilled::for_each_group`] in the default group size.
    pub fn for_each(
        &mut self,
        f: &mut dyn FnMut(Vec<Finished>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.for_each_group(GROUP_SPANS, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TraceSet, testkit};
    use proptest::prelude::*;

    fn run(spans: Vec<Span>, window: usize, batch: usize) -> (Vec<(u32, Trace)>, Spilled) {
        let mut w = TraceWindow::new(WindowSize::spans(window)).unwrap();
        let mut out = Vec::new();
        let mut sink = |g: Vec<Finished>| out.extend(g.into_iter().map(|f| (f.ordinal, f.trace)));
        for chunk in spans.chunks(batch.max(1)) {
            w.push(chunk.to_vec(), &mut sink).unwrap();
        }
        let spilled = w.finish(&mut sink).unwrap();
        (out, spilled)
    }

    proptest! {
        /// Whatever the order and window: the traces handed out (as corrected by the reopened
        /// ones) and the traces read back equal a whole load, by ordinal.
        #[test]
        fn equals_whole_load(
            ids in proptest::collection::vec((0u128..12, 0u64..1000), 0..120),
            window in 1usize..10,
            batch in 1usize..7,
        ) {
            let spans: Vec<Span> = ids
                .iter()
                .enumerate()
                .map(|(i, (t, s))| testkit::span(*s).trace(t + 1).start_ns(i as u64).build())
                .collect();
            let mut set = TraceSet::new();
            set.extend(spans.clone());
            let whole = set.into_traces();
            let (out, mut spilled) = run(spans, window, batch);
            prop_assert_eq!(spilled.traces(), whole.len());
            let reopened = spilled.reopened();
            let mut seen = vec![false; whole.len()];
            for (o, t) in &out {
                prop_assert!(!seen[*o as usize]);
                seen[*o as usize] = true;
                if !reopened.contains(o) {
                    prop_assert_eq!(t, &whole[*o as usize]);
                }
            }
            prop_assert!(seen.iter().all(|x| *x));
            for (o, t) in whole.iter().enumerate() {
                prop_assert_eq!(&spilled.read(o as u32).unwrap(), t);
            }
            let mut all = Vec::new();
            spilled.for_each_group(3, &mut |g| { all.extend(g.into_iter().map(|f| f.trace)); Ok(()) }).unwrap();
            prop_assert_eq!(all, whole);
        }
    }

    #[test]
    fn kept_together_nothing_reopens() {
        // Traces of 3 spans, one after the other, window of 4 spans.
        let spans: Vec<Span> = (0..30)
            .map(|i| testkit::span(i + 1).trace(u128::from(i / 3) + 1).build())
            .collect();
        let (out, spilled) = run(spans, 4, 2);
        assert_eq!(out.len(), 10);
        assert!(spilled.reopened().is_empty());
        assert_eq!(spilled.spans(), 30);
    }
}
