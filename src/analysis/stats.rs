//! Latency statistics per group (SPEC `stats`): count, errors, percentiles of duration and of
//! self time. Built to stream: spans arrive in batches and are kept only as compact records
//! (about 48 bytes each) until their trace can be closed, never as full spans.

use std::sync::Arc;

use rayon::prelude::*;

use super::compact::{CompactCollector, CompactSpan, NO_GROUP};
use super::percentile::{Percentile, QuantileMethod, percentile};
use super::self_time::self_times_of;
use crate::model::{RootReason, Span, SpanKind, TraceTree};

/// What spans are grouped by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Service,
    /// Service and operation (span name).
    Operation,
    /// Root spans only, by root service and operation: the SLI view of request latency.
    Root,
    Kind,
    /// The string form of an attribute's value (span attributes, then resource attributes).
    Attr(String),
}

impl GroupBy {
    /// The span parts grouping reads: the core, and the attributes for `attr=KEY`.
    pub fn parts(&self) -> crate::model::SpanParts {
        let attributes = matches!(self, GroupBy::Attr(_));
        crate::model::SpanParts {
            attributes,
            resource: attributes,
            ..crate::model::SpanParts::CORE
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "service" => GroupBy::Service,
            "operation" | "op" => GroupBy::Operation,
            "root" => GroupBy::Root,
            "kind" => GroupBy::Kind,
            _ => match s.strip_prefix("attr=") {
                Some(k) if !k.is_empty() => GroupBy::Attr(k.to_string()),
                _ => {
                    return Err(format!(
                        "invalid group {s:?}: use service, operation, root, kind or attr=KEY"
                    ));
                }
            },
        })
    }

    pub fn name(&self) -> String {
        match self {
            GroupBy::Service => "service".into(),
            GroupBy::Operation => "operation".into(),
            GroupBy::Root => "root".into(),
            GroupBy::Kind => "kind".into(),
            GroupBy::Attr(k) => format!("attr={k}"),
        }
    }
}

/// The identity of a group. Fields that the grouping does not use are empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub service: Arc<str>,
    pub operation: Arc<str>,
    pub kind: Option<SpanKind>,
    pub value: Option<Arc<str>>,
}

/// Statistics of one group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStats {
    pub key: GroupKey,
    pub count: u64,
    pub errors: u64,
    /// Duration percentiles, in the order asked for.
    pub duration: Vec<(Percentile, u64)>,
    pub max_ns: u64,
    pub min_ns: u64,
    pub mean_ns: u64,
    pub self_time: Vec<(Percentile, u64)>,
    pub self_max_ns: u64,
    pub total_ns: u128,
}

impl GroupStats {
    pub fn error_rate(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.errors as f64 / self.count as f64
        }
    }
}

#[derive(Clone, Debug)]
pub struct StatsReport {
    pub groups: Vec<GroupStats>,
    pub traces: u64,
    pub spans: u64,
    /// Spans in no group (`attr=KEY` and the span lacks the key; `root` and the span is no root).
    pub ungrouped: u64,
}

/// Collects spans; `finish` computes the groups.
pub struct StatsCollector {
    inner: CompactCollector,
}

impl StatsCollector {
    pub fn new(group_by: GroupBy) -> Self {
        StatsCollector {
            inner: CompactCollector::new(group_by),
        }
    }

    pub fn add(&mut self, spans: Vec<Span>) {
        self.inner.add(spans);
    }

    /// Close every trace (in parallel) and compute the groups, sorted by service, operation.
    pub fn finish(self, percentiles: &[Percentile], method: QuantileMethod) -> StatsReport {
        let roots_only = *self.inner.group_by() == GroupBy::Root;
        let CompactCollector {
            keys,
            traces,
            spans: span_count,
            ..
        } = self.inner;
        let ngroups = keys.len();
        let traces: Vec<Vec<CompactSpan>> = traces.into_values().collect();
        let trace_count = traces.len() as u64;
        // Per trace: (group, duration, self, error) samples.
        let samples: Vec<Vec<(u32, u64, u64, bool)>> = traces
            .par_iter()
            .map(|spans| {
                let tree = TraceTree::from_spans(spans);
                let selfs = self_times_of(spans, &tree);
                let pick = |i: usize| {
                    let s = &spans[i];
                    (s.group, s.end - s.start, selfs[i], s.error)
                };
                if roots_only {
                    tree.roots
                        .iter()
                        .filter(|(_, why)| *why == RootReason::Root)
                        .map(|(i, _)| pick(*i as usize))
                        .filter(|x| x.0 != NO_GROUP)
                        .collect()
                } else {
                    (0..spans.len())
                        .map(pick)
                        .filter(|x| x.0 != NO_GROUP)
                        .collect()
                }
            })
            .collect();
        let mut durations: Vec<Vec<u64>> = vec![Vec::new(); ngroups];
        let mut selfs: Vec<Vec<u64>> = vec![Vec::new(); ngroups];
        let mut errors = vec![0u64; ngroups];
        let mut grouped = 0u64;
        for t in samples {
            for (g, d, st, e) in t {
                durations[g as usize].push(d);
                selfs[g as usize].push(st);
                errors[g as usize] += u64::from(e);
                grouped += 1;
            }
        }
        let mut groups: Vec<GroupStats> = keys
            .into_par_iter()
            .zip(durations.into_par_iter())
            .zip(selfs.into_par_iter())
            .zip(errors.into_par_iter())
            .filter(|(((_, d), _), _)| !d.is_empty())
            .map(|(((key, mut d), mut st), errors)| {
                d.sort_unstable();
                st.sort_unstable();
                let total: u128 = d.iter().map(|x| u128::from(*x)).sum();
                GroupStats {
                    count: d.len() as u64,
                    errors,
                    duration: percentiles
                        .iter()
                        .map(|q| (*q, percentile(&d, *q, method).unwrap_or(0)))
                        .collect(),
                    max_ns: *d.last().unwrap_or(&0),
                    min_ns: *d.first().unwrap_or(&0),
                    mean_ns: (total / d.len().max(1) as u128) as u64,
                    self_time: percentiles
                        .iter()
                        .map(|q| (*q, percentile(&st, *q, method).unwrap_or(0)))
                        .collect(),
                    self_max_ns: *st.last().unwrap_or(&0),
                    total_ns: total,
                    key,
                }
            })
            .collect();
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        StatsReport {
            groups,
            traces: trace_count,
            spans: span_count,
            ungrouped: span_count - grouped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StatusCode;

    use crate::model::testkit::timed as sp;

    fn q(v: &[f64]) -> Vec<Percentile> {
        v.iter().map(|x| Percentile::new(*x).unwrap()).collect()
    }

    #[test]
    fn groups_by_operation_with_nearest_rank() {
        let mut c = StatsCollector::new(GroupBy::Operation);
        // 10 traces: root "GET /" of 100·k ns with one child "db" of 10·k ns.
        for k in 1..=10u64 {
            let mut root = sp(k as u128, 1, None, "web", "GET /", 0, 100 * k);
            if k == 10 {
                root.status.code = StatusCode::Error;
            }
            c.add(vec![
                root,
                sp(k as u128, 2, Some(1), "db", "query", 0, 10 * k),
            ]);
        }
        let r = c.finish(&q(&[50.0, 95.0]), QuantileMethod::NearestRank);
        assert_eq!(r.traces, 10);
        assert_eq!(r.spans, 20);
        let web = r.groups.iter().find(|g| &*g.key.service == "web").unwrap();
        assert_eq!(web.count, 10);
        assert_eq!(web.errors, 1);
        // Sorted durations 100..1000: P50 rank ceil(5) = 5th = 500; P95 rank ceil(9.5) = 10th = 1000.
        assert_eq!(web.duration[0].1, 500);
        assert_eq!(web.duration[1].1, 1000);
        // Self time = 90·k.
        assert_eq!(web.self_time[0].1, 450);
        assert_eq!(web.max_ns, 1000);
    }

    #[test]
    fn root_and_attr_groups() {
        let mut c = StatsCollector::new(GroupBy::Root);
        c.add(vec![
            sp(1, 1, None, "web", "GET /", 0, 50),
            sp(1, 2, Some(1), "db", "q", 0, 10),
        ]);
        let r = c.finish(&q(&[99.0]), QuantileMethod::NearestRank);
        assert_eq!(r.groups.len(), 1);
        assert_eq!(r.ungrouped, 1);

        let mut c = StatsCollector::new(GroupBy::parse("attr=http.route").unwrap());
        let mut a = sp(1, 1, None, "web", "GET /u/1", 0, 50);
        a.attributes
            .push(crate::model::KeyValue::new("http.route", "/u/{id}".into()));
        c.add(vec![a, sp(1, 2, Some(1), "db", "q", 0, 10)]);
        let r = c.finish(&q(&[99.0]), QuantileMethod::NearestRank);
        assert_eq!(r.groups.len(), 1);
        assert_eq!(r.groups[0].key.value.as_deref(), Some("/u/{id}"));
        assert_eq!(r.ungrouped, 1);
        assert!(GroupBy::parse("attr=").is_err());
    }
}
