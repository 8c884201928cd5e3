//! The parent/child structure of one trace, built without recursion so that any depth works.
//!
//! Span identity is the position in `Trace::spans`, not the span id: span ids repeat (Zipkin's
//! shared client/server halves, bad data), and the tree must still be a tree.

use super::ids::SpanId;
#[cfg(test)]
use super::span::Span;
use super::span::SpanLike;
use super::trace::Trace;

/// Why a span has no parent in the tree.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RootReason {
    /// No parent id: a real root.
    Root,
    /// The parent id names a span that is not in the trace.
    Orphan,
    /// The parent links loop; the loop was cut here.
    Cycle,
}

#[derive(Clone, Debug)]
pub struct TraceTree {
    /// Resolved parent index per span.
    pub parent: Vec<Option<u32>>,
    /// Span indices whose parent is not in the tree, in start order, with the reason.
    pub roots: Vec<(u32, RootReason)>,
    /// Children per span, in start order (CSR layout: `children[child_start[i]..child_start[i+1]]`).
    child_start: Vec<u32>,
    child_list: Vec<u32>,
    /// Depth from the tree root (0 for roots).
    pub depth: Vec<u32>,
    /// Pairs of span indices that share a span id and are not a Zipkin shared pair.
    pub duplicate_ids: Vec<(u32, u32)>,
}

impl TraceTree {
    pub fn build(trace: &Trace) -> Self {
        build(&trace.spans)
    }

    /// Build from any span representation (full spans or compact records).
    pub fn from_spans<S: SpanLike>(spans: &[S]) -> Self {
        build(spans)
    }

    pub fn children(&self, i: usize) -> &[u32] {
        &self.child_list[self.child_start[i] as usize..self.child_start[i + 1] as usize]
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Spans in display order: depth-first, children by start time, roots by start time.
    pub fn preorder(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len());
        let mut stack: Vec<u32> = Vec::new();
        for &(r, _) in self.roots.iter().rev() {
            stack.push(r);
        }
        // Roots were pushed in reverse, so the earliest pops first.
        while let Some(i) = stack.pop() {
            out.push(i);
            for &c in self.children(i as usize).iter().rev() {
                stack.push(c);
            }
        }
        out
    }

    /// The reason a span is a tree root, if it is one.
    pub fn root_reason(&self, i: usize) -> Option<RootReason> {
        self.roots
            .iter()
            .find(|(r, _)| *r as usize == i)
            .map(|(_, why)| *why)
    }
}

/// The spans' indices grouped by span id (several when ids repeat), in input order within a
/// group: sorted once, looked up by binary search (no allocation per span, no hashing).
struct SpansById {
    ids: Vec<SpanId>,
    indices: Vec<u32>,
}

impl SpansById {
    fn new<S: SpanLike>(spans: &[S]) -> Self {
        let mut pairs: Vec<(SpanId, u32)> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.span_id(), i as u32))
            .collect();
        pairs.sort_unstable();
        let (ids, indices) = pairs.into_iter().unzip();
        SpansById { ids, indices }
    }

    fn get(&self, id: &SpanId) -> Option<&[u32]> {
        let lo = self.ids.partition_point(|x| x < id);
        let hi = lo + self.ids[lo..].partition_point(|x| x == id);
        (hi > lo).then(|| &self.indices[lo..hi])
    }

    fn groups(&self) -> impl Iterator<Item = &[u32]> {
        let mut at = 0;
        self.ids.chunk_by(|a, b| a == b).map(move |g| {
            at += g.len();
            &self.indices[at - g.len()..at]
        })
    }
}

fn build<S: SpanLike>(spans: &[S]) -> TraceTree {
    let n = spans.len();
    let by_id = SpansById::new(spans);

    let mut duplicate_ids = Vec::new();
    for idxs in by_id.groups() {
        if idxs.len() > 1 {
            // A Zipkin shared pair (one shared half, one not) is expected, anything else is not.
            let shared = idxs.iter().filter(|&&i| spans[i as usize].shared()).count();
            let is_pair = idxs.len() == 2 && shared == 1;
            if !is_pair {
                for w in idxs.windows(2) {
                    duplicate_ids.push((w[0], w[1]));
                }
            }
        }
    }
    duplicate_ids.sort_unstable();

    let mut parent: Vec<Option<u32>> = vec![None; n];
    let mut reason: Vec<Option<RootReason>> = vec![None; n];
    for (i, s) in spans.iter().enumerate() {
        let me = i as u32;
        // The shared (server) half hangs under its client half.
        if s.shared()
            && let Some(c) = by_id.get(&s.span_id()).and_then(|v| {
                v.iter()
                    .copied()
                    .find(|&j| j != me && !spans[j as usize].shared())
            })
        {
            parent[i] = Some(c);
            continue;
        }
        match s.parent_span_id() {
            None => reason[i] = Some(RootReason::Root),
            Some(p) if p.is_zero() => reason[i] = Some(RootReason::Root),
            Some(p) => {
                let cands = by_id.get(&p);
                // Children of a shared id belong under the server half.
                let pick = cands.and_then(|v| {
                    v.iter()
                        .copied()
                        .find(|&j| j != me && spans[j as usize].shared())
                        .or_else(|| v.iter().copied().find(|&j| j != me))
                });
                match pick {
                    Some(j) => parent[i] = Some(j),
                    None if cands.is_some() => reason[i] = Some(RootReason::Cycle),
                    None => reason[i] = Some(RootReason::Orphan),
                }
            }
        }
    }

    // Cut cycles: walk each chain once (state 1 = on the current walk, 2 = done).
    let mut state = vec![0u8; n];
    let mut walk: Vec<usize> = Vec::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        walk.clear();
        let mut cur = start;
        loop {
            if state[cur] == 2 {
                break;
            }
            if state[cur] == 1 {
                // `cur` is on the current walk: a loop. Cut it at `cur`.
                parent[cur] = None;
                reason[cur] = Some(RootReason::Cycle);
                break;
            }
            state[cur] = 1;
            walk.push(cur);
            match parent[cur] {
                Some(p) => cur = p as usize,
                None => break,
            }
        }
        for &w in &walk {
            state[w] = 2;
        }
    }

    // Children lists in start order (CSR).
    let mut counts = vec![0u32; n + 1];
    for p in parent.iter().flatten() {
        counts[*p as usize + 1] += 1;
    }
    for i in 0..n {
        counts[i + 1] += counts[i];
    }
    let child_start = counts.clone();
    let mut fill = counts;
    let mut child_list = vec![0u32; child_start[n] as usize];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            let slot = &mut fill[*p as usize];
            child_list[*slot as usize] = i as u32;
            *slot += 1;
        }
    }
    let order = |a: &u32, b: &u32| {
        let (sa, sb) = (&spans[*a as usize], &spans[*b as usize]);
        (sa.start_ns(), sa.shared(), *a).cmp(&(sb.start_ns(), sb.shared(), *b))
    };
    for i in 0..n {
        child_list[child_start[i] as usize..child_start[i + 1] as usize].sort_by(order);
    }

    let mut roots: Vec<(u32, RootReason)> = (0..n)
        .filter(|&i| parent[i].is_none())
        .map(|i| (i as u32, reason[i].unwrap_or(RootReason::Root)))
        .collect();
    roots.sort_by(|a, b| order(&a.0, &b.0));

    let mut tree = TraceTree {
        parent,
        roots,
        child_start,
        child_list,
        depth: vec![0; n],
        duplicate_ids,
    };
    let mut stack: Vec<u32> = tree.roots.iter().map(|r| r.0).collect();
    while let Some(i) = stack.pop() {
        let d = tree.depth[i as usize] + 1;
        let (a, b) = (
            tree.child_start[i as usize] as usize,
            tree.child_start[i as usize + 1] as usize,
        );
        for k in a..b {
            let c = tree.child_list[k];
            tree.depth[c as usize] = d;
            stack.push(c);
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit;

    fn span(id: u64, parent: Option<u64>, start: u64) -> Span {
        testkit::span(id)
            .parent(parent)
            .start_ns(start)
            .duration_ns(10)
            .build()
    }

    #[test]
    fn orphans_cycles_and_order() {
        let spans = vec![
            span(1, None, 0),
            span(3, Some(1), 5),
            span(2, Some(1), 1),
            span(4, Some(99), 2),
            span(5, Some(6), 3),
            span(6, Some(5), 4),
        ];
        let t = build(&spans);
        assert_eq!(t.children(0), &[2, 1]);
        assert_eq!(t.root_reason(3), Some(RootReason::Orphan));
        let cyc = t.roots.iter().filter(|r| r.1 == RootReason::Cycle).count();
        assert_eq!(cyc, 1);
        assert_eq!(t.preorder().len(), 6);
        assert_eq!(t.depth[1], 1);
    }

    #[test]
    fn deep_chain_no_recursion() {
        let n = 200_000u64;
        let spans: Vec<Span> = (1..=n)
            .map(|i| span(i, (i > 1).then(|| i - 1), i))
            .collect();
        let t = build(&spans);
        assert_eq!(t.depth[(n - 1) as usize], (n - 1) as u32);
        assert_eq!(t.preorder().len(), n as usize);
    }

    #[test]
    fn zipkin_shared_pair() {
        let client = span(7, Some(1), 1);
        let mut server = span(7, Some(1), 2);
        server.shared = true;
        let child = span(8, Some(7), 3);
        let spans = vec![span(1, None, 0), client, server, child];
        let t = build(&spans);
        assert_eq!(t.parent[2], Some(1));
        assert_eq!(t.parent[3], Some(2));
        assert!(t.duplicate_ids.is_empty());
    }
}
