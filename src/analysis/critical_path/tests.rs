//! Golden cases built from the SPEC rules (each with a picture of the spans: time runs right,
//! one column per 10 ns), a naive quadratic reference written here, and properties.

use super::*;
use crate::model::testkit;
use crate::model::{ParentRef, Span, SpanKind, Trace, TraceId, TraceTree};
use proptest::prelude::*;

fn sp(id: u64, parent: Option<u64>, start: u64, end: u64) -> Span {
    testkit::span(id)
        .trace(7)
        .parent(parent)
        .start_ns(start)
        .end_ns(end)
        .name(&format!("op{id}"))
        .build()
}

/// Sections as (span id, start, end).
fn path(spans: Vec<Span>) -> Vec<Vec<(u64, u64, u64)>> {
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    critical_paths(&t, &tree, true)
        .iter()
        .map(|p| {
            p.sections
                .iter()
                .map(|s| (t.spans[s.span as usize].span_id.0, s.start_ns, s.end_ns))
                .collect()
        })
        .collect()
}

#[test]
fn sequential_children() {
    // 1 |==========|   0..100
    // 2  |==|          10..30
    // 3     |=====|    40..90
    let p = path(vec![
        sp(1, None, 0, 100),
        sp(2, Some(1), 10, 30),
        sp(3, Some(1), 40, 90),
    ]);
    assert_eq!(
        p,
        vec![vec![
            (1, 0, 10),
            (2, 10, 30),
            (1, 30, 40),
            (3, 40, 90),
            (1, 90, 100)
        ]]
    );
}

#[test]
fn overlapping_children() {
    // 1 |==========|   0..100
    // 2  |=====|       10..60   overlaps 3, so it does not block it
    // 3      |====|    50..90
    let p = path(vec![
        sp(1, None, 0, 100),
        sp(2, Some(1), 10, 60),
        sp(3, Some(1), 50, 90),
    ]);
    assert_eq!(p, vec![vec![(1, 0, 50), (3, 50, 90), (1, 90, 100)]]);
}

#[test]
fn child_ending_after_parent_is_clipped() {
    // 1 |==========|     0..100
    // 2      |=======|   50..120 -> 50..100
    let spans = vec![sp(1, None, 0, 100), sp(2, Some(1), 50, 120)];
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    let cp = &critical_paths(&t, &tree, false)[0];
    assert_eq!(cp.quality.clipped, vec![(1, 20)]);
    let p = path(t.spans.clone());
    assert_eq!(p, vec![vec![(1, 0, 50), (2, 50, 100)]]);
}

#[test]
fn child_wholly_outside_is_left_out_with_its_subtree() {
    //   1  |========|       10..100
    // 2   |=|               0..10   ends at the parent's start
    // 3             |==|    100..130 starts at the parent's end
    // 4              |=|    110..120 child of 3
    let spans = vec![
        sp(1, None, 10, 100),
        sp(2, Some(1), 0, 10),
        sp(3, Some(1), 100, 130),
        sp(4, Some(3), 110, 120),
    ];
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    let cp = &critical_paths(&t, &tree, false)[0];
    assert_eq!(cp.quality.outside_parent, vec![1, 2]);
    assert_eq!(path(t.spans.clone()), vec![vec![(1, 10, 100)]]);
}

#[test]
fn touching_siblings_go_to_the_parent() {
    // 1 |==========|  0..100
    // 2 |====|        0..50   ends exactly when 3 starts: not strictly before, parent owns it
    // 3      |=====|  50..100
    let p = path(vec![
        sp(1, None, 0, 100),
        sp(2, Some(1), 0, 50),
        sp(3, Some(1), 50, 100),
    ]);
    assert_eq!(p, vec![vec![(1, 0, 50), (3, 50, 100)]]);
}

#[test]
fn equal_end_times_prefer_the_earlier_start() {
    // 1 |==========|  0..100
    // 2  |=======|    10..80
    // 3    |=====|    30..80
    let spans = vec![
        sp(1, None, 0, 100),
        sp(3, Some(1), 30, 80),
        sp(2, Some(1), 10, 80),
    ];
    let p = path(spans.clone());
    assert_eq!(p, vec![vec![(1, 0, 10), (2, 10, 80), (1, 80, 100)]]);
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    let cp = &critical_paths(&t, &tree, true)[0];
    // Coming back from 2 (bound 10), 3 (ends 80) was passed over as overlapping.
    let back = cp.steps.iter().find(|s| !s.passed_over.is_empty()).unwrap();
    assert_eq!(
        back.passed_over,
        vec![(
            1,
            PassedOver::Overlaps {
                ends_ns: 80,
                bound_ns: 10
            }
        )]
    );
}

#[test]
fn producer_consumer_is_not_blocking() {
    // 1 |==========|        0..100
    // 2  |=|                10..20   PRODUCER
    // 3      |==========|   50..150  CONSUMER child of 2: left out
    let mut p2 = sp(2, Some(1), 10, 20);
    p2.kind = SpanKind::Producer;
    let mut c3 = sp(3, Some(2), 50, 150);
    c3.kind = SpanKind::Consumer;
    let spans = vec![sp(1, None, 0, 100), p2, c3];
    assert_eq!(
        path(spans.clone()),
        vec![vec![(1, 0, 10), (2, 10, 20), (1, 20, 100)]]
    );
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    assert_eq!(
        critical_paths(&t, &tree, false)[0].quality.async_consumers,
        vec![2]
    );
}

#[test]
fn follows_from_only_child_blocks() {
    // 1 |==========|  0..100
    // 2   |===|       20..60  parent named only by a FOLLOWS_FROM reference
    let mut f = sp(2, Some(1), 20, 60);
    f.parent_ref = ParentRef::FollowsFrom;
    let p = path(vec![sp(1, None, 0, 100), f]);
    assert_eq!(p, vec![vec![(1, 0, 20), (2, 20, 60), (1, 60, 100)]]);
}

#[test]
fn orphans_and_several_roots_each_get_a_path() {
    // 1 |=====|        0..50
    // 2        |===|   60..90  parent 99 is missing (orphan)
    // 3         |=|    65..75  child of 2
    let p = path(vec![
        sp(1, None, 0, 50),
        sp(2, Some(99), 60, 90),
        sp(3, Some(2), 65, 75),
    ]);
    assert_eq!(
        p,
        vec![
            vec![(1, 0, 50)],
            vec![(2, 60, 65), (3, 65, 75), (2, 75, 90)]
        ]
    );
}

#[test]
fn zero_length_spans() {
    // 1 |==========|  0..100
    // 2      |        50..50 zero length: on the path but owns nothing
    let p = path(vec![sp(1, None, 0, 100), sp(2, Some(1), 50, 50)]);
    assert_eq!(p, vec![vec![(1, 0, 50), (1, 50, 100)]]);
    // A zero-length root has an empty path.
    assert_eq!(
        path(vec![sp(1, None, 10, 10)]),
        vec![Vec::<(u64, u64, u64)>::new()]
    );
}

#[test]
fn nested_descends_and_returns() {
    // 1 |============|  0..120
    // 2  |========|     10..90
    // 3   |==|          20..40   child of 2
    // 4       |==|      50..80   child of 2
    // 5           |=|   95..110
    let p = path(vec![
        sp(1, None, 0, 120),
        sp(2, Some(1), 10, 90),
        sp(3, Some(2), 20, 40),
        sp(4, Some(2), 50, 80),
        sp(5, Some(1), 95, 110),
    ]);
    assert_eq!(
        p,
        vec![vec![
            (1, 0, 10),
            (2, 10, 20),
            (3, 20, 40),
            (2, 40, 50),
            (4, 50, 80),
            (2, 80, 90),
            (1, 90, 95),
            (5, 95, 110),
            (1, 110, 120)
        ]]
    );
}

#[test]
fn very_wide_and_very_deep_traces() {
    // 100,000 sequential children under one root.
    let n = 100_000u64;
    let root = n + 1;
    let mut spans = vec![sp(root, None, 0, n * 10)];
    spans.extend((1..=n).map(|i| sp(i, Some(root), (i - 1) * 10 + 1, i * 10)));
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    let cp = &critical_paths(&t, &tree, false)[0];
    assert_eq!(cp.duration_ns(), n * 10);
    assert_eq!(cp.sections.len() as u64, 2 * n);
    // 10,000 nesting levels: no recursion.
    let d = 10_000u64;
    let spans: Vec<Span> = (0..d)
        .map(|i| sp(i + 1, (i > 0).then_some(i), i, 2 * d - i))
        .collect();
    let t = Trace {
        trace_id: TraceId(7),
        spans,
    };
    let tree = TraceTree::build(&t);
    let cp = &critical_paths(&t, &tree, false)[0];
    assert_eq!(cp.duration_ns(), 2 * d);
}

/// The Jaeger UI's algorithm as written there: recursive, rescanning children at every step,
/// children clamped first. Only for checking the fast one.
fn naive(t: &Trace) -> Vec<Vec<(u32, u64, u64)>> {
    let tree = TraceTree::build(t);
    let n = t.spans.len();
    let mut iv: Vec<(u64, u64)> = t
        .spans
        .iter()
        .map(|s| (s.start_ns, s.end_ns.max(s.start_ns)))
        .collect();
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut out = Vec::new();
    for &(root, _) in &tree.roots {
        let mut order = vec![root as usize];
        let mut k = 0;
        while k < order.len() {
            let p = order[k];
            k += 1;
            for &c in tree.children(p) {
                let c = c as usize;
                if t.spans[p].kind == SpanKind::Producer && t.spans[c].kind == SpanKind::Consumer {
                    continue;
                }
                let (ps, pe) = iv[p];
                let (cs, ce) = iv[c];
                if (cs >= ps && cs >= pe) || (cs < ps && ce <= ps) {
                    continue;
                }
                iv[c] = (cs.max(ps), ce.min(pe));
                kids[p].push(c);
                order.push(c);
            }
        }
        fn rec(
            s: usize,
            bound: Option<u64>,
            iv: &[(u64, u64)],
            kids: &[Vec<usize>],
            parent: &[Option<u32>],
            root: usize,
            out: &mut Vec<(u32, u64, u64)>,
        ) {
            let top = bound.unwrap_or(iv[s].1);
            let mut best: Option<usize> = None;
            for &c in &kids[s] {
                if bound.is_some_and(|b| iv[c].1 >= b) {
                    continue;
                }
                best = match best {
                    None => Some(c),
                    Some(b)
                        if iv[c].1 > iv[b].1
                            || (iv[c].1 == iv[b].1 && (iv[c].0, c) < (iv[b].0, b)) =>
                    {
                        Some(c)
                    }
                    keep => keep,
                };
            }
            match best {
                Some(c) => {
                    if iv[c].1 != top {
                        out.push((s as u32, iv[c].1, top));
                    }
                    rec(c, None, iv, kids, parent, root, out);
                }
                None => {
                    if iv[s].0 != top {
                        out.push((s as u32, iv[s].0, top));
                    }
                    if s != root {
                        let p = parent[s].unwrap() as usize;
                        rec(p, Some(iv[s].0), iv, kids, parent, root, out);
                    }
                }
            }
        }
        let mut secs = Vec::new();
        rec(
            root as usize,
            None,
            &iv,
            &kids,
            &tree.parent,
            root as usize,
            &mut secs,
        );
        secs.reverse();
        out.push(secs);
    }
    out
}

prop_compose! {
    /// Random trees of up to 40 spans with times on a coarse grid (many ties and touches),
    /// some kinds set, some orphans.
    fn arb_trace()(n in 1usize..40)(
        parents in proptest::collection::vec(any::<u16>(), n),
        starts in proptest::collection::vec(0u64..20, n),
        lens in proptest::collection::vec(0u64..20, n),
        kinds in proptest::collection::vec(0i64..6, n),
        orphan in proptest::collection::vec(0u8..20, n),
    ) -> Trace {
        let n = parents.len();
        let spans = (0..n).map(|i| {
            let parent = if i == 0 { None } else if orphan[i] == 0 { Some(10_000) } else { Some((parents[i] as usize % i) as u64 + 1) };
            let mut s = sp(i as u64 + 1, parent, starts[i] * 5, starts[i] * 5 + lens[i] * 5);
            s.kind = SpanKind::from_otlp(kinds[i]).unwrap();
            s
        }).collect();
        Trace { trace_id: TraceId(7), spans }
    }
}

proptest! {
    #[test]
    fn sections_tile_each_root_and_match_the_reference(t in arb_trace()) {
        let tree = TraceTree::build(&t);
        let fast = critical_paths(&t, &tree, true);
        let slow = naive(&t);
        prop_assert_eq!(fast.len(), slow.len());
        for (p, q) in fast.iter().zip(slow.iter()) {
            let got: Vec<(u32, u64, u64)> = p.sections.iter().map(|s| (s.span, s.start_ns, s.end_ns)).collect();
            prop_assert_eq!(&got, q);
            let r = &t.spans[p.root as usize];
            let (rs, re) = (r.start_ns, r.end_ns.max(r.start_ns));
            // No gap, no overlap, exactly the root's interval.
            let mut at = rs;
            for s in &p.sections {
                prop_assert_eq!(s.start_ns, at);
                prop_assert!(s.end_ns > s.start_ns);
                at = s.end_ns;
            }
            if !p.sections.is_empty() { prop_assert_eq!(at, re); }
            prop_assert_eq!(p.duration_ns(), re - rs);
        }
    }
}
