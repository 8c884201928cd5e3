//! `diff`: a baseline and a candidate (two traces or two sets) compared by structure (call
//! paths added, removed, with changed counts), latency per call path (percentiles on both
//! sides against a relative and an absolute tolerance, as Tempo's diff), and critical-path
//! shifts (operations entering or leaving the aggregate critical path).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use super::critical_path::critical_paths;
use super::percentile::{Percentile, QuantileMethod, percentile};
use crate::model::{Trace, TraceTree};

/// A call path: the (service, operation) chain from the root down to a span.
pub type CallPath = Vec<(String, String)>;

/// Per call path, everything measured on one side.
#[derive(Clone, Debug, Default)]
pub struct SideStats {
    pub durations: Vec<u64>,
    /// Traces in which the path occurs.
    pub traces: u64,
}

/// One side, aggregated.
#[derive(Default)]
pub struct Side {
    pub traces: u64,
    pub paths: HashMap<CallPath, SideStats>,
    /// Critical-path time per (service, operation).
    pub critical: HashMap<(String, String), u64>,
    pub critical_total: u64,
}

/// Call paths deeper than this keep their last frames (a 10,000-level chain would otherwise make
/// path keys quadratic in size).
const MAX_PATH: usize = 64;

impl Side {
    pub fn from_traces(traces: &[Trace]) -> Self {
        let mut side = Side {
            traces: traces.len() as u64,
            ..Side::default()
        };
        // Call paths are interned: a span's path is its parent's path plus one frame (cut to the
        // last MAX_PATH frames), so `(parent path, frame)` names it. Each distinct path is built
        // and stored once, and a span keeps only its path's number (a 200,000-deep chain once
        // held a 64-frame copy of its path per span: 1.5 GB).
        const NO_PATH: u32 = u32::MAX;
        let mut frames: HashMap<(Arc<str>, Arc<str>), u32> = HashMap::new();
        let mut step: HashMap<(u32, u32), u32> = HashMap::new();
        let mut canon: HashMap<Rc<CallPath>, u32> = HashMap::new();
        let mut keys: Vec<Rc<CallPath>> = Vec::new();
        let mut stats: Vec<SideStats> = Vec::new();
        for t in traces {
            let tree = TraceTree::build(t);
            let mut seen: HashSet<u32> = HashSet::new();
            // Paths by index, parents first (pre-order).
            let mut path_of: Vec<u32> = vec![NO_PATH; t.spans.len()];
            for &i in &tree.preorder() {
                let i = i as usize;
                let s = &t.spans[i];
                let up = tree.parent[i].map_or(NO_PATH, |q| path_of[q as usize]);
                let next = frames.len() as u32;
                let frame = *frames
                    .entry((s.service.clone(), s.name.clone()))
                    .or_insert(next);
                let id = match step.get(&(up, frame)) {
                    Some(&id) => id,
                    None => {
                        let mut p = match keys.get(up as usize) {
                            Some(k) => CallPath::clone(k),
                            None => CallPath::new(),
                        };
                        p.push((s.service.to_string(), s.name.to_string()));
                        if p.len() > MAX_PATH {
                            p.remove(0);
                        }
                        // Two parent paths that differ only in the frame cut off give one path.
                        let id = match canon.get(&p) {
                            Some(&id) => id,
                            None => {
                                let p = Rc::new(p);
                                canon.insert(p.clone(), keys.len() as u32);
                                keys.push(p);
                                stats.push(SideStats::default());
                                (keys.len() - 1) as u32
                            }
                        };
                        step.insert((up, frame), id);
                        id
                    }
                };
                let e = &mut stats[id as usize];
                e.durations.push(s.duration_ns());
                if seen.insert(id) {
                    e.traces += 1;
                }
                path_of[i] = id;
            }
            for cp in critical_paths(t, &tree, false) {
                for sec in &cp.sections {
                    let s = &t.spans[sec.span as usize];
                    *side
                        .critical
                        .entry((s.service.to_string(), s.name.to_string()))
                        .or_default() += sec.len_ns();
                    side.critical_total += sec.len_ns();
                }
            }
        }
        drop(canon);
        side.paths = keys
            .into_iter()
            .map(|k| Rc::try_unwrap(k).unwrap_or_else(|k| CallPath::clone(&k)))
            .zip(stats)
            .collect();
        for v in side.paths.values_mut() {
            v.durations.sort_unstable();
        }
        side
    }
}

/// Tolerance: a change counts when it exceeds BOTH the relative and the absolute tolerance.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub relative: f64,
    pub absolute_ns: u64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            relative: 0.20,
            absolute_ns: 1_000_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Slower,
    Faster,
    /// Present on both sides, latency within tolerance.
    Same,
}

#[derive(Clone, Debug)]
pub struct PathDiff {
    pub path: CallPath,
    pub change: Change,
    /// Spans per trace on each side.
    pub base_rate: f64,
    pub candidate_rate: f64,
    /// (percentile, base, candidate) for the percentiles asked for.
    pub latency: Vec<(Percentile, Option<u64>, Option<u64>)>,
    /// Whether the per-trace count changed by at least one span per trace on average... or the
    /// path appears in a different share of traces.
    pub count_changed: bool,
    /// A slower path whose slowdown a slower child path explains (the cause is deeper).
    pub explained: bool,
}

#[derive(Clone, Debug)]
pub struct CriticalShift {
    pub service: String,
    pub operation: String,
    pub base_share: f64,
    pub candidate_share: f64,
    pub entering: bool,
}

#[derive(Clone, Debug)]
pub struct DiffReport {
    pub base_traces: u64,
    pub candidate_traces: u64,
    pub paths: Vec<PathDiff>,
    pub critical: Vec<CriticalShift>,
}

impl DiffReport {
    pub fn regressions(&self) -> usize {
        self.paths
            .iter()
            .filter(|p| p.change == Change::Slower)
            .count()
    }

    pub fn structural(&self) -> usize {
        self.paths
            .iter()
            .filter(|p| matches!(p.change, Change::Added | Change::Removed))
            .count()
    }
}

/// Share of the aggregate critical path from which an operation counts as "on" it.
pub const CRITICAL_SHARE_MIN: f64 = 0.05;

pub fn diff(base: &Side, cand: &Side, percentiles: &[Percentile], tol: Tolerance) -> DiffReport {
    let mut keys: Vec<&CallPath> = base.paths.keys().chain(cand.paths.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut paths: Vec<PathDiff> = keys
        .into_iter()
        .map(|k| path_diff(base, cand, k, percentiles, tol))
        .collect();
    mark_explained(&mut paths);
    // Biggest regressions first, then structure, then the rest.
    paths.sort_by(|a, b| {
        rank(a.change)
            .cmp(&rank(b.change))
            .then(a.explained.cmp(&b.explained))
            .then(worst(b).cmp(&worst(a)))
            .then(a.path.cmp(&b.path))
    });
    DiffReport {
        base_traces: base.traces,
        candidate_traces: cand.traces,
        paths,
        critical: critical_shifts(base, cand),
    }
}

/// How often a side has the path per trace.
fn rate(s: &Side, p: &CallPath) -> f64 {
    s.paths
        .get(p)
        .map(|x| x.durations.len() as f64 / s.traces.max(1) as f64)
        .unwrap_or(0.0)
}

/// One call path compared: its percentiles on both sides and what changed.
fn path_diff(
    base: &Side,
    cand: &Side,
    k: &CallPath,
    percentiles: &[Percentile],
    tol: Tolerance,
) -> PathDiff {
    let (b, c) = (base.paths.get(k), cand.paths.get(k));
    let latency: Vec<(Percentile, Option<u64>, Option<u64>)> = percentiles
        .iter()
        .map(|q| {
            (
                *q,
                b.and_then(|x| percentile(&x.durations, *q, QuantileMethod::NearestRank)),
                c.and_then(|x| percentile(&x.durations, *q, QuantileMethod::NearestRank)),
            )
        })
        .collect();
    let change = match (b, c) {
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        _ => latency_change(&latency, tol),
    };
    let (br, cr) = (rate(base, k), rate(cand, k));
    PathDiff {
        path: k.clone(),
        change,
        base_rate: br,
        candidate_rate: cr,
        latency,
        count_changed: b.is_some() && c.is_some() && (br - cr).abs() >= 0.5,
        explained: false,
    }
}

/// Slower when any percentile grew beyond the tolerance, else faster when any shrank beyond it.
fn latency_change(latency: &[(Percentile, Option<u64>, Option<u64>)], tol: Tolerance) -> Change {
    let beyond = |a: u64, z: u64| {
        let d = a.abs_diff(z);
        d > tol.absolute_ns && (d as f64) > tol.relative * a as f64
    };
    let slower = latency
        .iter()
        .any(|(_, x, y)| matches!((x, y), (Some(x), Some(y)) if y > x && beyond(*x, *y)));
    let faster = latency
        .iter()
        .any(|(_, x, y)| matches!((x, y), (Some(x), Some(y)) if y < x && beyond(*x, *y)));
    if slower {
        Change::Slower
    } else if faster {
        Change::Faster
    } else {
        Change::Same
    }
}

/// A slower path with a slower direct child is explained by it.
fn mark_explained(paths: &mut [PathDiff]) {
    // Looked up by the child's parent path: no pass over all slower paths per slower path.
    let explained: Vec<bool> = {
        let parents: HashSet<&[(String, String)]> = paths
            .iter()
            .filter(|q| q.change == Change::Slower)
            .filter_map(|q| q.path.split_last().map(|(_, head)| head))
            .collect();
        paths
            .iter()
            .map(|p| p.change == Change::Slower && parents.contains(p.path.as_slice()))
            .collect()
    };
    for (p, e) in paths.iter_mut().zip(explained) {
        p.explained = e;
    }
}

/// The largest growth of a percentile, in ns (0 when none is on both sides).
fn worst(p: &PathDiff) -> i128 {
    p.latency
        .iter()
        .filter_map(|(_, x, y)| match (x, y) {
            (Some(x), Some(y)) => Some(*y as i128 - *x as i128),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

fn rank(c: Change) -> u8 {
    match c {
        Change::Slower => 0,
        Change::Added | Change::Removed => 1,
        Change::Faster => 2,
        Change::Same => 3,
    }
}

/// Operations that entered or left the critical path (own at least [`CRITICAL_SHARE_MIN`] of
/// it on one side only).
fn critical_shifts(base: &Side, cand: &Side) -> Vec<CriticalShift> {
    let share = |s: &Side, k: &(String, String)| {
        if s.critical_total == 0 {
            0.0
        } else {
            *s.critical.get(k).unwrap_or(&0) as f64 / s.critical_total as f64
        }
    };
    let mut ops: Vec<&(String, String)> =
        base.critical.keys().chain(cand.critical.keys()).collect();
    ops.sort();
    ops.dedup();
    ops.into_iter()
        .filter_map(|k| {
            let (a, b) = (share(base, k), share(cand, k));
            let (on_a, on_b) = (a >= CRITICAL_SHARE_MIN, b >= CRITICAL_SHARE_MIN);
            (on_a != on_b).then(|| CriticalShift {
                service: k.0.clone(),
                operation: k.1.clone(),
                base_share: a,
                candidate_share: b,
                entering: on_b,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Span, TraceId};

    use crate::model::testkit::timed as sp;

    /// Root web GET / with children db query (db_ms) and cache get (2 ms).
    fn set(n: u128, db_ms: u64, extra: bool) -> Vec<Trace> {
        let ms = 1_000_000;
        (1..=n)
            .map(|k| {
                let mut spans = vec![
                    sp(k, 1, None, "web", "GET /", 0, (db_ms + 10) * ms),
                    sp(k, 2, Some(1), "db", "query", ms, (1 + db_ms) * ms),
                    sp(
                        k,
                        3,
                        Some(1),
                        "cache",
                        "get",
                        (2 + db_ms) * ms,
                        (4 + db_ms) * ms,
                    ),
                ];
                if extra {
                    spans.push(sp(k, 4, Some(1), "audit", "log", ms, 2 * ms));
                }
                Trace {
                    trace_id: TraceId(k),
                    spans,
                }
            })
            .collect()
    }

    fn q() -> Vec<Percentile> {
        [50.0, 95.0, 99.0]
            .iter()
            .map(|x| Percentile::new(*x).unwrap())
            .collect()
    }

    #[test]
    fn slowed_path_and_nothing_else() {
        let base = Side::from_traces(&set(20, 10, false));
        let cand = Side::from_traces(&set(20, 30, false));
        let r = diff(&base, &cand, &q(), Tolerance::default());
        let slower: Vec<_> = r
            .paths
            .iter()
            .filter(|p| p.change == Change::Slower)
            .map(|p| (p.path.last().unwrap().1.clone(), p.explained))
            .collect();
        // The db query (10 -> 30 ms) is the cause; its ancestor root (20 -> 40 ms) is slower
        // because of it; the cache call is not slower.
        assert_eq!(
            slower,
            vec![("query".to_string(), false), ("GET /".to_string(), true)]
        );
        assert_eq!(r.structural(), 0);
    }

    #[test]
    fn tolerance_is_relative_and_absolute() {
        // 10 ms -> 11.5 ms: +15% (< 20%) -> same. 1 ms absolute tolerance alone would flag it.
        let base = Side::from_traces(&set(5, 10, false));
        let mut c = set(5, 10, false);
        for t in &mut c {
            t.spans[1].end_ns += 1_500_000;
        }
        let r = diff(&base, &Side::from_traces(&c), &q(), Tolerance::default());
        assert_eq!(r.regressions(), 0);
        let r = diff(
            &base,
            &Side::from_traces(&c),
            &q(),
            Tolerance {
                relative: 0.1,
                absolute_ns: 1_000_000,
            },
        );
        assert_eq!(r.regressions(), 1);
    }

    #[test]
    fn structure_and_critical_path_shifts() {
        let base = Side::from_traces(&set(3, 10, false));
        let cand = Side::from_traces(&set(3, 10, true));
        let r = diff(&base, &cand, &q(), Tolerance::default());
        let added: Vec<_> = r
            .paths
            .iter()
            .filter(|p| p.change == Change::Added)
            .collect();
        assert_eq!(added.len(), 1);
        assert_eq!(
            added[0].path,
            vec![
                ("web".into(), "GET /".into()),
                ("audit".into(), "log".into())
            ]
        );
        assert!((added[0].candidate_rate - 1.0).abs() < 1e-9);
        // audit log [1,2] ms overlaps the db query [1,11] ms: never on the critical path.
        assert!(r.critical.is_empty());
        // Slower db pushes... compare with a set where the cache call disappears.
        let mut c = set(3, 10, false);
        for t in &mut c {
            t.spans.pop();
        }
        let r = diff(&base, &Side::from_traces(&c), &q(), Tolerance::default());
        assert_eq!(r.structural(), 1);
        let leaving: Vec<_> = r
            .critical
            .iter()
            .filter(|x| !x.entering)
            .map(|x| x.operation.clone())
            .collect();
        assert_eq!(leaving, vec!["get".to_string()]);
    }

    #[test]
    fn deep_chains_share_their_cut_paths() {
        // 1,000 levels cycling through 10 operations: below MAX_PATH levels a path is its last
        // MAX_PATH frames: the 63 shallower paths and 10 cut ones exist; every span is counted.
        let n = 1_000u64;
        let spans: Vec<Span> = (1..=n)
            .map(|i| {
                let op = format!("op{}", i % 10);
                sp(1, i, (i > 1).then(|| i - 1), "svc", &op, i, 3 * n - i)
            })
            .collect();
        let t = vec![Trace {
            trace_id: TraceId(1),
            spans,
        }];
        let side = Side::from_traces(&t);
        assert_eq!(side.paths.len(), MAX_PATH - 1 + 10);
        assert!(side.paths.keys().all(|p| p.len() <= MAX_PATH));
        let counted: usize = side.paths.values().map(|s| s.durations.len()).sum();
        assert_eq!(counted, n as usize);
        assert!(side.paths.values().all(|s| s.traces == 1));
        let deepest: Vec<(String, String)> = (n - MAX_PATH as u64 + 1..=n)
            .map(|i| ("svc".to_string(), format!("op{}", i % 10)))
            .collect();
        assert!(side.paths.contains_key(&deepest));
        // Against itself: nothing changes.
        let r = diff(&side, &Side::from_traces(&t), &q(), Tolerance::default());
        assert_eq!((r.structural(), r.regressions()), (0, 0));
    }
}
