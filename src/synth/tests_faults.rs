//! Model-level tests of injected faults, links, trace sizes and configuration checks.

use std::collections::HashMap;

use super::tests::{cfg, generate};
use super::*;
use crate::model::{RootReason, TraceTree};

#[test]
fn skew_shifts_exactly_one_service() {
    let base = cfg(13, 100, 40);
    let plain = generate(base.clone());
    let off = -25_000_000i64;
    let skewed = generate(Config {
        faults: Faults {
            skew: vec![("payment".into(), off)],
            ..Faults::default()
        },
        ..base
    });
    let mut shifted = 0;
    for (a, b) in plain.iter().zip(&skewed) {
        assert_eq!(a.spans.len(), b.spans.len());
        for (x, y) in a.spans.iter().zip(&b.spans) {
            if &*x.service == "payment" {
                shifted += 1;
                assert_eq!(y.start_ns as i64 - x.start_ns as i64, off);
                assert_eq!(y.end_ns as i64 - x.end_ns as i64, off);
                for (ex, ey) in x.events.iter().zip(&y.events) {
                    assert_eq!(ey.time_ns as i64 - ex.time_ns as i64, off);
                }
                let mut back = y.clone();
                back.start_ns = x.start_ns;
                back.end_ns = x.end_ns;
                back.events = x.events.clone();
                assert_eq!(&back, x);
            } else {
                assert_eq!(x, y);
            }
        }
    }
    assert!(shifted > 20, "{shifted}");
}

#[test]
fn drop_rate_makes_orphans() {
    let base = cfg(17, 100, 40);
    let plain = generate(base.clone());
    let dropped = generate(Config {
        faults: Faults {
            drop_rate: 0.2,
            ..Faults::default()
        },
        ..base
    });
    let (mut total, mut kept, mut orphans) = (0, 0, 0);
    for (a, b) in plain.iter().zip(&dropped) {
        assert_eq!(a.trace_id, b.trace_id);
        total += a.spans.len() - 1;
        kept += b.spans.len() - 1;
        // What is left is the same spans, in the same order.
        let mut it = a.spans.iter();
        assert!(b.spans.iter().all(|s| it.any(|x| x == s)));
        assert!(
            b.spans.iter().any(|s| s.parent_span_id.is_none()),
            "the root stays"
        );
        let tree = TraceTree::build(b);
        orphans += tree
            .roots
            .iter()
            .filter(|r| r.1 == RootReason::Orphan)
            .count();
    }
    let share = 1.0 - kept as f64 / total as f64;
    assert!((share - 0.2).abs() < 0.03, "dropped {share}");
    assert!(orphans > 100, "{orphans}");
}

#[test]
fn duplicate_ids_and_missing_roots() {
    let dup = generate(Config {
        faults: Faults {
            duplicate_ids: 0.1,
            ..Faults::default()
        },
        ..cfg(19, 50, 40)
    });
    let mut dups = 0;
    for t in &dup {
        let tree = TraceTree::build(t);
        dups += tree.duplicate_ids.len();
        assert!(
            tree.roots.iter().all(|r| r.1 == RootReason::Root),
            "nothing orphaned"
        );
    }
    assert!(dups > 20, "{dups}");

    let rootless = generate(Config {
        faults: Faults {
            missing_root_rate: 1.0,
            ..Faults::default()
        },
        ..cfg(19, 20, 40)
    });
    for t in &rootless {
        assert!(t.spans.iter().all(|s| s.parent_span_id.is_some()));
        let tree = TraceTree::build(t);
        assert!(!tree.roots.is_empty() && tree.roots.iter().all(|r| r.1 == RootReason::Orphan));
    }
    let some = generate(Config {
        faults: Faults {
            missing_root_rate: 0.5,
            ..Faults::default()
        },
        ..cfg(19, 200, 10)
    });
    let missing = some
        .iter()
        .filter(|t| t.spans.iter().all(|s| s.parent_span_id.is_some()))
        .count();
    assert!((60..=140).contains(&missing), "{missing}");
}

#[test]
fn links_to_earlier_traces() {
    let traces = generate(cfg(23, 300, 20));
    let roots: HashMap<TraceId, SpanId> = traces
        .iter()
        .map(|t| {
            (
                t.trace_id,
                t.spans
                    .iter()
                    .find(|s| s.parent_span_id.is_none())
                    .unwrap()
                    .span_id,
            )
        })
        .collect();
    let mut links = 0;
    for (i, t) in traces.iter().enumerate() {
        for l in t.spans.iter().flat_map(|s| &s.links) {
            links += 1;
            // The previous request of the session: the root of the trace before.
            assert_eq!(l.trace_id, traces[i - 1].trace_id);
            assert_eq!(Some(&l.span_id), roots.get(&l.trace_id));
        }
    }
    assert!((3..=40).contains(&links), "{links}");
}

#[test]
fn mixed_size_is_close_to_the_target() {
    for n in [1u32, 5, 30, 300, 3_000] {
        let traces = generate(Config {
            error_rate: 0.0,
            ..cfg(29, 100, n)
        });
        let mean = traces.iter().map(|t| t.spans.len()).sum::<usize>() as f64 / traces.len() as f64;
        let max = traces.iter().map(|t| t.spans.len()).max().unwrap();
        assert!(
            mean >= f64::from(n) * 0.85 && mean <= f64::from(n) * 1.05,
            "n={n} mean={mean}"
        );
        // Never above the per-trace target (at most 1.25 × n).
        assert!(
            max as f64 <= (f64::from(n) * 1.25).round(),
            "n={n} max={max}"
        );
    }
}

#[test]
fn bad_configs_are_rejected() {
    assert!(
        Generator::new(Config {
            error_rate: 1.5,
            ..Config::default()
        })
        .is_err()
    );
    assert!(
        Generator::new(Config {
            spans: 0,
            ..Config::default()
        })
        .is_err()
    );
    let f = |faults: Faults| {
        Generator::new(Config {
            faults,
            ..Config::default()
        })
        .err()
    };
    assert!(
        f(Faults {
            drop_rate: -0.1,
            ..Faults::default()
        })
        .is_some()
    );
    assert!(
        f(Faults {
            duplicate_ids: 2.0,
            ..Faults::default()
        })
        .is_some()
    );
    assert!(
        f(Faults {
            missing_root_rate: f64::NAN,
            ..Faults::default()
        })
        .is_some()
    );
    let e = f(Faults {
        skew: vec![("billing".into(), 1)],
        ..Faults::default()
    })
    .unwrap();
    assert!(e.contains("billing") && e.contains("frontend"), "{e}");
    let twice = vec![("cart".into(), 1), ("cart".into(), 2)];
    assert!(
        f(Faults {
            skew: twice,
            ..Faults::default()
        })
        .is_some()
    );
}
