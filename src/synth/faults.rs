//! Injected faults, applied to a finished trace so that analysis tests have something to find.
//!
//! Each fault draws from its own random stream (seed, fault, trace number), so turning one fault
//! on or changing its rate never changes the traces themselves or the other faults' choices.

use std::collections::HashSet;
use std::sync::Arc;

use super::rng::Rng;
use crate::model::{Span, SpanId};

/// Faults to inject. The default injects none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Shift every span (and event) of a service by a signed offset in ns (a skewed clock).
    pub skew: Vec<(String, i64)>,
    /// Share of non-root spans dropped, as a lossy pipeline would: their children become orphans.
    pub drop_rate: f64,
    /// Share of leaf spans given the id of another leaf of the trace (as a broken id generator
    /// would), so the trace has duplicate span ids; nothing is orphaned by it.
    pub duplicate_ids: f64,
    /// Share of traces whose root span is removed (no root; its children become orphans).
    pub missing_root_rate: f64,
}

impl Faults {
    pub fn is_empty(&self) -> bool {
        self.skew.iter().all(|s| s.1 == 0)
            && self.drop_rate <= 0.0
            && self.duplicate_ids <= 0.0
            && self.missing_root_rate <= 0.0
    }
}

const STREAM_DUPLICATE: u64 = 101;
const STREAM_DROP: u64 = 102;
const STREAM_MISSING_ROOT: u64 = 103;

pub(crate) fn shift(t: u64, offset: i64) -> u64 {
    if offset >= 0 {
        t.saturating_add(offset as u64)
    } else {
        t.saturating_sub(offset.unsigned_abs())
    }
}

/// Apply the faults to the spans of trace number `index`. `skew` holds the resolved services.
pub(crate) fn apply(
    spans: &mut Vec<Span>,
    faults: &Faults,
    skew: &[(Arc<str>, i64)],
    seed: u64,
    index: u64,
) {
    if !skew.is_empty() {
        for s in spans.iter_mut() {
            if let Some((_, off)) = skew.iter().find(|(name, _)| **name == *s.service) {
                s.start_ns = shift(s.start_ns, *off);
                s.end_ns = shift(s.end_ns, *off);
                for e in &mut s.events {
                    e.time_ns = shift(e.time_ns, *off);
                }
            }
        }
    }
    if faults.duplicate_ids > 0.0 && spans.len() > 1 {
        duplicate(
            spans,
            faults.duplicate_ids,
            &mut Rng::derive(seed, STREAM_DUPLICATE, index),
        );
    }
    if faults.drop_rate > 0.0 {
        let mut rng = Rng::derive(seed, STREAM_DROP, index);
        spans.retain(|s| s.parent_span_id.is_none() || !rng.chance(faults.drop_rate));
    }
    if faults.missing_root_rate > 0.0
        && Rng::derive(seed, STREAM_MISSING_ROOT, index).chance(faults.missing_root_rate)
    {
        spans.retain(|s| s.parent_span_id.is_some());
    }
}

fn duplicate(spans: &mut [Span], rate: f64, rng: &mut Rng) {
    // Only leaves take part: nothing refers to their ids, so no parent becomes ambiguous and
    // nothing is orphaned or looped; the trace simply holds two spans with one id.
    let parents: HashSet<SpanId> = spans.iter().filter_map(|s| s.parent_span_id).collect();
    let leaves: Vec<usize> = (0..spans.len())
        .filter(|&i| spans[i].parent_span_id.is_some() && !parents.contains(&spans[i].span_id))
        .collect();
    if leaves.len() < 2 {
        return;
    }
    for (k, &i) in leaves.iter().enumerate() {
        if !rng.chance(rate) {
            continue;
        }
        // Another leaf (never itself).
        let mut o = rng.below(leaves.len() as u64 - 1) as usize;
        if o >= k {
            o += 1;
        }
        spans[i].span_id = spans[leaves[o]].span_id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TraceId;

    #[test]
    fn shift_saturates() {
        assert_eq!(shift(10, -25), 0);
        assert_eq!(shift(100, -25), 75);
        assert_eq!(shift(u64::MAX - 1, 5), u64::MAX);
    }

    #[test]
    fn duplicates_orphan_nothing() {
        // A root (1) with three leaves (2, 3, 4).
        let mut spans: Vec<Span> = (1..=4u64)
            .map(|i| {
                let mut s = Span::new(TraceId(1), SpanId(i));
                s.parent_span_id = (i > 1).then_some(SpanId(1));
                s
            })
            .collect();
        duplicate(&mut spans, 1.0, &mut Rng::new(3));
        let ids: Vec<u64> = spans.iter().map(|s| s.span_id.0).collect();
        let mut uniq = ids.clone();
        uniq.sort_unstable();
        uniq.dedup();
        assert!(uniq.len() < ids.len(), "{ids:?}");
        // The root keeps its id; every leaf now has the id of another leaf.
        assert_eq!(ids[0], 1);
        assert!(ids[1..].iter().all(|i| (2..=4).contains(i)), "{ids:?}");
    }
}
