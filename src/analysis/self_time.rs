//! Self time: a span's duration minus the union of its children's intervals clipped to it.

use crate::model::{SpanLike, Trace, TraceTree};

/// Total length of the union of `intervals` (half-open `[start, end)`), each clipped to
/// `[lo, hi)`. Empty intervals (end at or before start, or wholly outside) count for nothing.
/// Sorts `intervals` in place: O(k log k).
pub fn union_clipped(lo: u64, hi: u64, intervals: &mut [(u64, u64)]) -> u64 {
    if hi <= lo {
        return 0;
    }
    intervals.sort_unstable();
    let mut total = 0u64;
    // The run being merged, as a clipped [start, end).
    let mut run: Option<(u64, u64)> = None;
    for &(s, e) in intervals.iter() {
        let (a, b) = (s.max(lo), e.min(hi));
        if a >= b {
            continue;
        }
        run = match run {
            Some((rs, re)) if a <= re => Some((rs, re.max(b))),
            Some((rs, re)) => {
                total += re - rs;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((rs, re)) = run {
        total += re - rs;
    }
    total
}

/// Self time of every span (indexed like `Trace::spans`), in O(n log n) overall: children come
/// sorted by start from the tree, so one sweep per span merges their intervals.
pub fn self_times(trace: &Trace, tree: &TraceTree) -> Vec<u64> {
    self_times_of(&trace.spans, tree)
}

/// The same over any span representation.
pub fn self_times_of<S: SpanLike>(spans: &[S], tree: &TraceTree) -> Vec<u64> {
    let mut out = Vec::with_capacity(spans.len());
    for (i, s) in spans.iter().enumerate() {
        let (ps, pe) = (s.start_ns(), s.end_ns().max(s.start_ns()));
        let mut covered = 0u64;
        let mut run: Option<(u64, u64)> = None;
        // Children are sorted by start time, but clipping can only raise a start to `ps`, which
        // keeps the order.
        for &c in tree.children(i) {
            let c = &spans[c as usize];
            let (cs, ce) = (c.start_ns().max(ps), c.end_ns().min(pe));
            if cs >= ce {
                continue;
            }
            run = match run {
                Some((a, b)) if cs <= b => Some((a, b.max(ce))),
                Some((a, b)) => {
                    covered += b - a;
                    Some((cs, ce))
                }
                None => Some((cs, ce)),
            };
        }
        if let Some((a, b)) = run {
            covered += b - a;
        }
        out.push((pe - ps) - covered);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit;
    use crate::model::{Span, TraceId};

    fn sp(id: u64, parent: Option<u64>, start: u64, end: u64) -> Span {
        testkit::span(id)
            .parent(parent)
            .start_ns(start)
            .end_ns(end)
            .build()
    }

    #[test]
    fn union_of_children_clipped() {
        // 1 [0,100]; children 2 [10,40], 3 [30,60] (overlap: union 10..60), 4 [90,130] (clipped to 90..100)
        // 5 [0,5] child of 2 (nested: does not count for 1)
        let t = Trace {
            trace_id: TraceId(1),
            spans: vec![
                sp(1, None, 0, 100),
                sp(2, Some(1), 10, 40),
                sp(3, Some(1), 30, 60),
                sp(4, Some(1), 90, 130),
                sp(5, Some(2), 0, 5),
            ],
        };
        let tree = TraceTree::build(&t);
        let st = self_times(&t, &tree);
        assert_eq!(st[0], 100 - 50 - 10);
        assert_eq!(st[1], 30); // child 5 lies outside 10..40
        assert_eq!(st[2], 30);
        assert_eq!(st[3], 40);
        assert_eq!(st[4], 5);
    }
}

#[cfg(test)]
mod union_tests {
    use super::*;
    use crate::model::testkit;
    use crate::model::{Span, TraceId};

    #[test]
    fn union_of_overlapping_and_disjoint() {
        // [10,30) ∪ [20,40) = [10,40) → 30; plus [50,60) → 10.
        assert_eq!(
            union_clipped(0, 100, &mut [(20, 40), (10, 30), (50, 60)]),
            40
        );
        // Nested: [10,90) contains [20,30).
        assert_eq!(union_clipped(0, 100, &mut [(10, 90), (20, 30)]), 80);
        // Touching intervals merge without double counting.
        assert_eq!(union_clipped(0, 100, &mut [(10, 20), (20, 30)]), 20);
    }

    #[test]
    fn union_clips_to_the_parent() {
        // Children sticking out on both sides count only inside [100,200).
        assert_eq!(union_clipped(100, 200, &mut [(50, 120), (180, 400)]), 40);
        // Wholly outside: nothing.
        assert_eq!(
            union_clipped(100, 200, &mut [(0, 100), (200, 300), (10, 20)]),
            0
        );
        // A child covering the whole parent.
        assert_eq!(union_clipped(100, 200, &mut [(0, 1000)]), 100);
        // Empty and negative children.
        assert_eq!(union_clipped(100, 200, &mut [(150, 150), (160, 140)]), 0);
        // Negative parent.
        assert_eq!(union_clipped(200, 100, &mut [(150, 160)]), 0);
    }

    fn span(id: u64, parent: Option<u64>, start: u64, end: u64) -> Span {
        testkit::span(id)
            .parent(parent)
            .start_ns(start)
            .end_ns(end)
            .build()
    }

    #[test]
    fn self_times_of_a_tree() {
        let trace = Trace {
            trace_id: TraceId(1),
            spans: vec![
                span(1, None, 0, 100), // children [10,40) [30,60) [90,130) → 30+20+10 = 60 covered
                span(2, Some(1), 10, 40), // child [15,20) → 5 covered
                span(3, Some(1), 30, 60), // leaf
                span(4, Some(1), 90, 130), // ends after its parent; leaf
                span(5, Some(2), 15, 20), // leaf
                span(6, None, 50, 40), // negative duration
            ],
        };
        let tree = TraceTree::build(&trace);
        assert_eq!(self_times(&trace, &tree), vec![40, 25, 30, 40, 5, 0]);
    }
}
