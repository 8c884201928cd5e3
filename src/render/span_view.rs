//! What `show` displays of one trace, shared by the waterfall and the JSON: per-span self time
//! and warnings, and which spans the filters keep (with their ancestors, for context).

use crate::analysis::self_time::self_times;
use crate::model::{RootReason, Span, Trace, TraceTree};

/// `show`'s span filters. A span is kept when it matches all of them; the ancestors of kept spans
/// stay too (as context) so that the tree still reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Deepest depth shown (roots are 0).
    pub max_depth: Option<u32>,
    /// Only these services (any of them); `unknown` matches spans without a service.
    pub services: Vec<String>,
    /// Only spans at least this long.
    pub min_duration_ns: Option<u64>,
    /// Only error spans.
    pub errors_only: bool,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        self.max_depth.is_some()
            || !self.services.is_empty()
            || self.min_duration_ns.is_some()
            || self.errors_only
    }

    pub fn matches(&self, s: &Span, depth: u32) -> bool {
        self.max_depth.is_none_or(|d| depth <= d)
            && (self.services.is_empty()
                || self
                    .services
                    .iter()
                    .any(|f| **f == *s.service || (s.service.is_empty() && f == "unknown")))
            && self.min_duration_ns.is_none_or(|m| s.duration_ns() >= m)
            && (!self.errors_only || s.is_error())
    }
}

/// Whether a span is shown.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Vis {
    Hidden,
    /// Does not match the filters but has a descendant that does: shown dimmed.
    Context,
    Match,
}

/// Warning bits (`SpanView::warnings`).
pub const ORPHAN: u8 = 1;
pub const CYCLE: u8 = 1 << 1;
pub const STARTS_BEFORE_PARENT: u8 = 1 << 2;
pub const ENDS_AFTER_PARENT: u8 = 1 << 3;
pub const NEGATIVE_DURATION: u8 = 1 << 4;
pub const DUPLICATE_ID: u8 = 1 << 5;

/// A kind of warning: its bit, the mark drawn beside the span, its JSON name, and a legend text.
#[derive(Copy, Clone, Debug)]
pub struct WarningKind {
    pub bit: u8,
    pub mark: char,
    pub name: &'static str,
    pub label: &'static str,
}

pub const WARNING_KINDS: [WarningKind; 6] = [
    WarningKind {
        bit: ORPHAN,
        mark: 'o',
        name: "orphan",
        label: "orphan (parent not in the trace)",
    },
    WarningKind {
        bit: CYCLE,
        mark: 'c',
        name: "parent_cycle",
        label: "parent links loop (cut here)",
    },
    WarningKind {
        bit: STARTS_BEFORE_PARENT,
        mark: '<',
        name: "starts_before_parent",
        label: "starts before its parent",
    },
    WarningKind {
        bit: ENDS_AFTER_PARENT,
        mark: '>',
        name: "ends_after_parent",
        label: "ends after its parent",
    },
    WarningKind {
        bit: NEGATIVE_DURATION,
        mark: '-',
        name: "negative_duration",
        label: "ends before it starts",
    },
    WarningKind {
        bit: DUPLICATE_ID,
        mark: 'd',
        name: "duplicate_span_id",
        label: "span id used twice",
    },
];

/// The mark for a span with several kinds of warnings.
pub const SEVERAL_MARK: char = '*';

/// Everything the renderers need besides the trace and its tree. Vectors are indexed like
/// `trace.spans`.
#[derive(Clone, Debug)]
pub struct SpanView {
    /// Shown spans, in tree preorder.
    pub order: Vec<u32>,
    pub vis: Vec<Vis>,
    pub self_ns: Vec<u64>,
    /// Critical-path time each span owns (SPEC "Critical path"), over every root's path.
    pub critical_ns: Vec<u64>,
    pub warnings: Vec<u8>,
    /// The span is the last shown child of its parent.
    pub last_sibling: Vec<bool>,
    /// The span has at least one shown child.
    pub has_shown_children: Vec<bool>,
    /// Spans the filters hid.
    pub hidden: usize,
}

impl SpanView {
    /// O(n log n), no recursion. `tree` must be `TraceTree::build(trace)`.
    pub fn build(trace: &Trace, tree: &TraceTree, filter: &Filter) -> Self {
        let spans = &trace.spans;
        let n = spans.len().min(tree.len());
        let warnings = warnings(trace, tree);

        let mut vis = vec![Vis::Hidden; n];
        for (i, v) in vis.iter_mut().enumerate() {
            if filter.matches(&spans[i], tree.depth[i]) {
                *v = Vis::Match;
            }
        }
        // Keep the ancestors of every match; each span is walked over at most once.
        for i in 0..n {
            if vis[i] != Vis::Match {
                continue;
            }
            let mut p = tree.parent[i];
            while let Some(pi) = p.map(|p| p as usize).filter(|&p| p < n) {
                if vis[pi] != Vis::Hidden {
                    break;
                }
                vis[pi] = Vis::Context;
                p = tree.parent[pi];
            }
        }

        let mut last_sibling = vec![false; n];
        let mut has_shown_children = vec![false; n];
        for (i, has) in has_shown_children.iter_mut().enumerate() {
            if let Some(&c) = tree
                .children(i)
                .iter()
                .rev()
                .find(|&&c| vis.get(c as usize).is_some_and(|v| *v != Vis::Hidden))
            {
                last_sibling[c as usize] = true;
                *has = true;
            }
        }
        let order: Vec<u32> = tree
            .preorder()
            .into_iter()
            .filter(|&i| vis.get(i as usize).is_some_and(|v| *v != Vis::Hidden))
            .collect();
        let hidden = n - order.len();
        SpanView {
            order,
            vis,
            self_ns: self_times(trace, tree),
            critical_ns: {
                let mut c = vec![0u64; spans.len()];
                for path in crate::analysis::critical_path::critical_paths(trace, tree, false) {
                    for sec in &path.sections {
                        c[sec.span as usize] += sec.len_ns();
                    }
                }
                c
            },
            warnings,
            last_sibling,
            has_shown_children,
            hidden,
        }
    }

    /// Number of (span, warning kind) pairs.
    pub fn warning_count(&self) -> usize {
        self.warnings.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// Warning bits per span.
fn warnings(trace: &Trace, tree: &TraceTree) -> Vec<u8> {
    let spans = &trace.spans;
    let mut w = vec![0u8; spans.len()];
    for &(r, why) in &tree.roots {
        let bit = match why {
            RootReason::Root => 0,
            RootReason::Orphan => ORPHAN,
            RootReason::Cycle => CYCLE,
        };
        if let Some(x) = w.get_mut(r as usize) {
            *x |= bit;
        }
    }
    for (i, s) in spans.iter().enumerate() {
        if s.negative_duration() {
            w[i] |= NEGATIVE_DURATION;
        }
        let parent = tree
            .parent
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| spans.get(p as usize));
        // Spans without a timestamp (0) cannot be placed; say nothing about them.
        // Asynchronous children (a CONSUMER of a PRODUCER, a FOLLOWS_FROM child) may outlive
        // their parent by design: that is no warning.
        let asynchronous = parent.is_some_and(|p| {
            (p.kind == crate::model::SpanKind::Producer
                && s.kind == crate::model::SpanKind::Consumer)
                || s.parent_ref == crate::model::ParentRef::FollowsFrom
        });
        if let Some(p) = parent
            && s.start_ns > 0
            && p.start_ns > 0
            && !asynchronous
        {
            if s.start_ns < p.start_ns {
                w[i] |= STARTS_BEFORE_PARENT;
            }
            if s.end_ns.max(s.start_ns) > p.end_ns.max(p.start_ns) {
                w[i] |= ENDS_AFTER_PARENT;
            }
        }
    }
    for &(a, b) in &tree.duplicate_ids {
        for x in [a, b] {
            if let Some(x) = w.get_mut(x as usize) {
                *x |= DUPLICATE_ID;
            }
        }
    }
    w
}

/// The mark for a span's warnings: its kind's, `*` for several, `None` for none.
pub fn warning_mark(bits: u8) -> Option<char> {
    match bits.count_ones() {
        0 => None,
        1 => WARNING_KINDS.iter().find(|k| k.bit == bits).map(|k| k.mark),
        _ => Some(SEVERAL_MARK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testkit::TraceBuilder;

    /// root(1) → a(2) → b(3) ; root → c(4, svc "db", error) → d(5) ; orphan e(6)
    fn sample() -> Trace {
        let mut b = TraceBuilder::new(0xabc);
        b.span(1, None, "api", "root", 0, 100);
        b.span(2, Some(1), "api", "a", 10, 30);
        b.span(3, Some(2), "api", "b", 12, 5);
        b.span(4, Some(1), "db", "c", 50, 40).status.code = crate::model::StatusCode::Error;
        b.span(5, Some(4), "db", "d", 55, 1);
        b.span(6, Some(99), "edge", "e", 20, 10);
        b.build()
    }

    fn visible(trace: &Trace, f: &Filter) -> (Vec<(u64, Vis)>, usize) {
        let tree = TraceTree::build(trace);
        let v = SpanView::build(trace, &tree, f);
        let shown = v
            .order
            .iter()
            .map(|&i| (trace.spans[i as usize].span_id.0, v.vis[i as usize]))
            .collect();
        (shown, v.hidden)
    }

    #[test]
    fn no_filter_shows_everything_in_preorder() {
        let (shown, hidden) = visible(&sample(), &Filter::default());
        let ids: Vec<u64> = shown.iter().map(|s| s.0).collect();
        assert_eq!(ids, vec![1, 2, 3, 4, 5, 6]);
        assert!(shown.iter().all(|s| s.1 == Vis::Match));
        assert_eq!(hidden, 0);
    }

    #[test]
    fn filters_keep_ancestors_as_context() {
        use Vis::*;
        let t = sample();
        let f = Filter {
            errors_only: true,
            ..Filter::default()
        };
        assert_eq!(visible(&t, &f), (vec![(1, Context), (4, Match)], 4));

        let f = Filter {
            services: vec!["db".into()],
            ..Filter::default()
        };
        assert_eq!(
            visible(&t, &f),
            (vec![(1, Context), (4, Match), (5, Match)], 3)
        );

        let f = Filter {
            min_duration_ns: Some(5_000),
            ..Filter::default()
        };
        // b is exactly 5µs: kept (at least); d (1µs) is hidden.
        assert_eq!(
            visible(&t, &f).0,
            vec![(1, Match), (2, Match), (3, Match), (4, Match), (6, Match)]
        );

        let f = Filter {
            max_depth: Some(0),
            ..Filter::default()
        };
        assert_eq!(visible(&t, &f), (vec![(1, Match), (6, Match)], 4));

        // Filters combine: a deep db span that is not an error matches nothing.
        let f = Filter {
            services: vec!["db".into()],
            errors_only: true,
            max_depth: Some(1),
            ..Filter::default()
        };
        assert_eq!(visible(&t, &f).0, vec![(1, Context), (4, Match)]);

        let f = Filter {
            services: vec!["nope".into()],
            ..Filter::default()
        };
        assert_eq!(visible(&t, &f), (vec![], 6));
    }

    #[test]
    fn unknown_matches_empty_service() {
        let mut b = TraceBuilder::new(1);
        b.span(1, None, "", "x", 0, 1);
        let t = b.build();
        let f = Filter {
            services: vec!["unknown".into()],
            ..Filter::default()
        };
        assert_eq!(visible(&t, &f).0.len(), 1);
    }

    #[test]
    fn last_sibling_follows_what_is_shown() {
        let t = sample();
        let tree = TraceTree::build(&t);
        let v = SpanView::build(&t, &tree, &Filter::default());
        // Children of root: a (10) then c (50): c is last.
        assert!(!v.last_sibling[1] && v.last_sibling[3]);
        let f = Filter {
            services: vec!["api".into()],
            ..Filter::default()
        };
        let v = SpanView::build(&t, &tree, &f);
        // c is hidden, so a becomes the last shown child.
        assert!(v.last_sibling[1]);
        assert!(v.has_shown_children[0] && !v.has_shown_children[3]);
    }

    #[test]
    fn warnings_are_found() {
        let mut b = TraceBuilder::new(7);
        b.span(1, None, "s", "root", 100, 100); // [100,200)
        b.span(2, Some(1), "s", "early", 90, 20); // starts before
        b.span(3, Some(1), "s", "late", 150, 100); // ends after
        b.span(4, Some(1), "s", "neg", 120, 0).end_ns -= 5_000; // negative
        b.span(5, Some(42), "s", "orphan", 110, 10);
        b.span(6, Some(7), "s", "cyc1", 110, 10);
        b.span(7, Some(6), "s", "cyc2", 110, 10);
        b.span(5, Some(1), "s", "dup", 130, 10);
        let t = b.build();
        let tree = TraceTree::build(&t);
        let v = SpanView::build(&t, &tree, &Filter::default());
        assert_eq!(v.warnings[0], 0);
        assert_eq!(v.warnings[1], STARTS_BEFORE_PARENT);
        assert_eq!(v.warnings[2], ENDS_AFTER_PARENT);
        assert_eq!(v.warnings[3], NEGATIVE_DURATION);
        assert_eq!(v.warnings[4] & DUPLICATE_ID, DUPLICATE_ID);
        assert_eq!(v.warnings[7], DUPLICATE_ID);
        assert_eq!((v.warnings[5] | v.warnings[6]) & CYCLE, CYCLE);
        assert_eq!(warning_mark(0), None);
        assert_eq!(warning_mark(ORPHAN), Some('o'));
        assert_eq!(warning_mark(ORPHAN | CYCLE), Some('*'));
    }
}
