//! Aggregate critical path over many traces (SPEC "Aggregate critical path"): per (service,
//! operation) the total and share of critical-path time, the number of traces it is on the path
//! of, and percentiles of its per-trace critical-path time over those traces.

use std::collections::HashMap;

use rayon::prelude::*;

use super::compact::{CompactCollector, CompactSpan};
use super::critical_path::critical_paths_of;
use super::percentile::{Percentile, QuantileMethod, percentile};
use super::stats::GroupKey;
use crate::model::{RootReason, TraceTree};

/// Which traces to aggregate.
#[derive(Clone, Debug, Default)]
pub struct TraceFilter {
    /// Only traces with a root span of this operation name.
    pub root_operation: Option<String>,
    /// Only traces at least this long.
    pub min_duration_ns: Option<u64>,
    /// Only traces whose duration lies between these percentiles of all (otherwise filtered)
    /// trace durations, e.g. (95, 100) for the slowest 5 %.
    pub percentile_band: Option<(Percentile, Percentile)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AggregateRow {
    pub key: GroupKey,
    pub total_ns: u128,
    /// Share of all critical-path time of the traces considered (0 to 1).
    pub share: f64,
    /// Traces in which it is on the path.
    pub traces: u64,
    /// Percentiles of its per-trace critical-path time over those traces.
    pub percentiles: Vec<(Percentile, u64)>,
}

#[derive(Clone, Debug, Default)]
pub struct AggregateReport {
    pub rows: Vec<AggregateRow>,
    pub traces_total: u64,
    pub traces_considered: u64,
    pub total_ns: u128,
    /// The duration bounds the percentile band resolved to.
    pub band_ns: Option<(u64, u64)>,
}

/// `collector` must group by operation (service, span name).
pub fn aggregate(
    collector: CompactCollector,
    filter: &TraceFilter,
    percentiles: &[Percentile],
    method: QuantileMethod,
) -> AggregateReport {
    let CompactCollector { keys, traces, .. } = collector;
    let traces: Vec<Vec<CompactSpan>> = traces.into_values().collect();
    let traces_total = traces.len() as u64;

    // Per trace: duration, whether it passes the root-operation filter, per-group path time.
    let per_trace: Vec<(u64, bool, HashMap<u32, u64>)> = traces
        .par_iter()
        .map(|spans| {
            let tree = TraceTree::from_spans(spans);
            let start = spans.iter().map(|s| s.start).min().unwrap_or(0);
            let end = spans.iter().map(|s| s.end).max().unwrap_or(0);
            let root_ok = match &filter.root_operation {
                None => true,
                Some(op) => tree.roots.iter().any(|(i, why)| {
                    *why == RootReason::Root
                        && &*keys[spans[*i as usize].group as usize].operation == op.as_str()
                }),
            };
            let mut by_group: HashMap<u32, u64> = HashMap::new();
            if root_ok {
                for path in critical_paths_of(spans, &tree, false) {
                    for s in &path.sections {
                        *by_group.entry(spans[s.span as usize].group).or_default() += s.len_ns();
                    }
                }
            }
            (end - start, root_ok, by_group)
        })
        .collect();

    let mut candidates: Vec<&(u64, bool, HashMap<u32, u64>)> = per_trace
        .iter()
        .filter(|(d, ok, _)| *ok && filter.min_duration_ns.is_none_or(|m| *d >= m))
        .collect();
    let mut band_ns = None;
    if let Some((lo, hi)) = filter.percentile_band {
        let mut ds: Vec<u64> = candidates.iter().map(|t| t.0).collect();
        ds.sort_unstable();
        if let (Some(a), Some(b)) = (
            percentile(&ds, lo, QuantileMethod::NearestRank),
            percentile(&ds, hi, QuantileMethod::NearestRank),
        ) {
            // P0 is the minimum, so a band starting at 0 keeps the fastest trace.
            band_ns = Some((a, b));
            candidates.retain(|t| t.0 >= a && t.0 <= b);
        }
    }

    let mut per_group: HashMap<u32, Vec<u64>> = HashMap::new();
    let mut total: u128 = 0;
    for (_, _, groups) in &candidates {
        for (g, ns) in groups {
            per_group.entry(*g).or_default().push(*ns);
            total += u128::from(*ns);
        }
    }
    let mut rows: Vec<AggregateRow> = per_group
        .into_iter()
        .map(|(g, mut v)| {
            v.sort_unstable();
            let sum: u128 = v.iter().map(|x| u128::from(*x)).sum();
            AggregateRow {
                key: keys[g as usize].clone(),
                total_ns: sum,
                share: if total == 0 {
                    0.0
                } else {
                    sum as f64 / total as f64
                },
                traces: v.len() as u64,
                percentiles: percentiles
                    .iter()
                    .map(|q| (*q, percentile(&v, *q, method).unwrap_or(0)))
                    .collect(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.total_ns.cmp(&a.total_ns).then_with(|| a.key.cmp(&b.key)));
    AggregateReport {
        rows,
        traces_total,
        traces_considered: candidates.len() as u64,
        total_ns: total,
        band_ns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::GroupBy;

    use crate::model::testkit::timed as sp;

    fn q(v: &[f64]) -> Vec<Percentile> {
        v.iter().map(|x| Percentile::new(*x).unwrap()).collect()
    }

    /// Trace k: root web "GET /" [0, 100k], child db "query" [10, 10 + 50k].
    fn collector(n: u64) -> CompactCollector {
        let mut c = CompactCollector::new(GroupBy::Operation);
        for k in 1..=n {
            c.add(vec![
                sp(k as u128, 1, None, "web", "GET /", 0, 100 * k),
                sp(k as u128, 2, Some(1), "db", "query", 10, 10 + 50 * k),
            ]);
        }
        c
    }

    #[test]
    fn totals_shares_and_percentiles() {
        let r = aggregate(
            collector(4),
            &TraceFilter::default(),
            &q(&[50.0, 99.0]),
            QuantileMethod::NearestRank,
        );
        assert_eq!(r.traces_considered, 4);
        // db on path 50k per trace: 50+100+150+200 = 500; total path time = root durations = 1000.
        let db = r.rows.iter().find(|x| &*x.key.service == "db").unwrap();
        assert_eq!(db.total_ns, 500);
        assert_eq!(r.total_ns, 1000);
        assert!((db.share - 0.5).abs() < 1e-12);
        assert_eq!(db.traces, 4);
        // Per-trace values 50,100,150,200: P50 rank 2 -> 100; P99 rank 4 -> 200.
        assert_eq!(
            db.percentiles,
            vec![(q(&[50.0])[0], 100), (q(&[99.0])[0], 200)]
        );
    }

    #[test]
    fn filters() {
        let f = TraceFilter {
            percentile_band: Some((
                Percentile::new(75.0).unwrap(),
                Percentile::new(100.0).unwrap(),
            )),
            ..TraceFilter::default()
        };
        let r = aggregate(collector(4), &f, &q(&[50.0]), QuantileMethod::NearestRank);
        // Durations 100..400; P75 rank 3 = 300: traces 3 and 4.
        assert_eq!(r.band_ns, Some((300, 400)));
        assert_eq!(r.traces_considered, 2);
        let f = TraceFilter {
            root_operation: Some("nope".into()),
            ..TraceFilter::default()
        };
        assert_eq!(
            aggregate(collector(4), &f, &q(&[50.0]), QuantileMethod::NearestRank).traces_considered,
            0
        );
        let f = TraceFilter {
            min_duration_ns: Some(250),
            ..TraceFilter::default()
        };
        assert_eq!(
            aggregate(collector(4), &f, &q(&[50.0]), QuantileMethod::NearestRank).traces_considered,
            2
        );
    }
}
