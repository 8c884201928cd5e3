//! Critical path of a trace, per root: the "last finishing child" walk of SPEC "The numbers"
//! (the Jaeger UI's result), done iteratively in O(n log n).
//!
//! Why it is fast: each span's blocking children are sorted once by end time (latest first). The
//! bound a span's next child must end strictly before only ever decreases, so a child skipped once
//! can never qualify later: a cursor per span visits each child once, and the walk keeps its own
//! position instead of recursing (any depth works).

use crate::model::{SpanKind, SpanLike, Trace, TraceTree};

/// A piece of the path: span (index into `Trace::spans`) owns `[start_ns, end_ns)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub span: u32,
    pub start_ns: u64,
    pub end_ns: u64,
}

impl Section {
    pub fn len_ns(&self) -> u64 {
        self.end_ns - self.start_ns
    }
}

/// Why a child of a span on the path was not taken at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassedOver {
    /// It ends at or after the start of the child the walk came back from: it overlaps that
    /// child (or touches it), so it did not block it.
    Overlaps { ends_ns: u64, bound_ns: u64 },
}

/// One step of the walk, for `--explain`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The span the walk is in.
    pub span: u32,
    /// The child taken (latest end before the bound), if any.
    pub chosen: Option<u32>,
    /// Children passed over at this step, and why.
    pub passed_over: Vec<(u32, PassedOver)>,
    /// The time the span owns at this step (absent when zero-length).
    pub section: Option<Section>,
}

/// What the algorithm had to do to the data (its quality facts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quality {
    /// Spans whose interval was cut to fit their parent, with the nanoseconds cut off.
    pub clipped: Vec<(u32, u64)>,
    /// Spans left out because they lie wholly outside their parent (with their subtrees).
    pub outside_parent: Vec<u32>,
    /// CONSUMER children of PRODUCER spans, left out with their subtrees (asynchronous).
    pub async_consumers: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriticalPath {
    pub root: u32,
    /// Chronological, covering the root's interval exactly: no gaps, no overlaps.
    pub sections: Vec<Section>,
    pub quality: Quality,
    /// Filled only when asked for.
    pub steps: Vec<Step>,
}

impl CriticalPath {
    pub fn duration_ns(&self) -> u64 {
        self.sections.iter().map(Section::len_ns).sum()
    }
}

/// The critical path of every root of the trace (orphans and cycle cuts count as roots).
pub fn critical_paths(trace: &Trace, tree: &TraceTree, explain: bool) -> Vec<CriticalPath> {
    critical_paths_of(&trace.spans, tree, explain)
}

/// The same over any span representation (indices refer to `spans`).
pub fn critical_paths_of<S: SpanLike>(
    spans: &[S],
    tree: &TraceTree,
    explain: bool,
) -> Vec<CriticalPath> {
    let n = spans.len();
    // Intervals; a negative duration counts as zero length.
    let mut start: Vec<u64> = spans.iter().map(|s| s.start_ns()).collect();
    let mut end: Vec<u64> = spans.iter().map(|s| s.end_ns().max(s.start_ns())).collect();
    let mut kept = vec![false; n];
    let mut blocking: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut cursor = vec![0usize; n];

    let mut out = Vec::with_capacity(tree.roots.len());
    for &(root, _) in &tree.roots {
        let mut quality = Quality::default();
        prune_and_clip(
            spans,
            tree,
            root,
            &mut start,
            &mut end,
            &mut kept,
            &mut blocking,
            &mut quality,
        );
        let (sections, steps) = walk(root, tree, &start, &end, &blocking, &mut cursor, explain);
        out.push(CriticalPath {
            root,
            sections,
            quality,
            steps,
        });
    }
    out
}

/// Steps 1 and 2: keep the blocking children of each span in the root's tree, clipped to their
/// (already clipped) parent; sort them latest end first (ties: earlier start first).
#[allow(clippy::too_many_arguments)]
fn prune_and_clip<S: SpanLike>(
    spans: &[S],
    tree: &TraceTree,
    root: u32,
    start: &mut [u64],
    end: &mut [u64],
    kept: &mut [bool],
    blocking: &mut [Vec<u32>],
    quality: &mut Quality,
) {
    kept[root as usize] = true;
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        let pi = p as usize;
        let (ps, pe) = (start[pi], end[pi]);
        let mut kids = Vec::new();
        for &c in tree.children(pi) {
            let ci = c as usize;
            if spans[pi].kind() == SpanKind::Producer && spans[ci].kind() == SpanKind::Consumer {
                quality.async_consumers.push(c);
                continue;
            }
            let (cs, ce) = (start[ci], end[ci]);
            let outside = if cs >= ps { cs >= pe } else { ce <= ps };
            if outside {
                quality.outside_parent.push(c);
                continue;
            }
            let (ns, ne) = (cs.max(ps), ce.min(pe));
            let cut = (ns - cs) + (ce - ne);
            if cut > 0 {
                quality.clipped.push((c, cut));
            }
            start[ci] = ns;
            end[ci] = ne;
            kept[ci] = true;
            kids.push(c);
            stack.push(c);
        }
        kids.sort_by(|a, b| {
            let (a, b) = (*a as usize, *b as usize);
            end[b]
                .cmp(&end[a])
                .then(start[a].cmp(&start[b]))
                .then(a.cmp(&b))
        });
        blocking[pi] = kids;
    }
    quality.clipped.sort_unstable();
    quality.outside_parent.sort_unstable();
    quality.async_consumers.sort_unstable();
}

/// Step 3: the walk back from the root's end.
fn walk(
    root: u32,
    tree: &TraceTree,
    start: &[u64],
    end: &[u64],
    blocking: &[Vec<u32>],
    cursor: &mut [usize],
    explain: bool,
) -> (Vec<Section>, Vec<Step>) {
    let mut sections = Vec::new();
    let mut steps = Vec::new();
    let mut cur = root;
    let mut bound: Option<u64> = None;
    loop {
        let ci = cur as usize;
        let top = bound.unwrap_or(end[ci]);
        let kids = &blocking[ci];
        let mut passed = Vec::new();
        if let Some(b) = bound {
            while cursor[ci] < kids.len() && end[kids[cursor[ci]] as usize] >= b {
                if explain {
                    let k = kids[cursor[ci]];
                    passed.push((
                        k,
                        PassedOver::Overlaps {
                            ends_ns: end[k as usize],
                            bound_ns: b,
                        },
                    ));
                }
                cursor[ci] += 1;
            }
        }
        let chosen = kids.get(cursor[ci]).copied();
        let section = match chosen {
            Some(c) => Section {
                span: cur,
                start_ns: end[c as usize],
                end_ns: top,
            },
            None => Section {
                span: cur,
                start_ns: start[ci],
                end_ns: top,
            },
        };
        let owned = (section.start_ns < section.end_ns).then_some(section);
        if let Some(s) = owned {
            sections.push(s);
        }
        if explain {
            steps.push(Step {
                span: cur,
                chosen,
                passed_over: passed,
                section: owned,
            });
        }
        match chosen {
            Some(c) => {
                cursor[ci] += 1;
                cur = c;
                bound = None;
            }
            None => {
                if cur == root {
                    break;
                }
                bound = Some(start[ci]);
                // Every kept non-root span has its tree parent kept.
                match tree.parent[ci] {
                    Some(p) => cur = p,
                    None => break,
                }
            }
        }
    }
    // Emitted from the end backwards. Not merged: a span that owns two adjacent pieces (around a
    // zero-length child) keeps both, as the Jaeger UI reports them.
    sections.reverse();
    (sections, steps)
}

#[cfg(test)]
mod tests;
