//! Evaluating a policy over traces: every assertion passes or fails with the measured value,
//! the threshold, and example trace ids for failures.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use super::policy::{Field, Metric, Policy};
use crate::analysis::critical_path::critical_paths;
use crate::analysis::findings::Finding;
use crate::analysis::percentile::{QuantileMethod, percentile};
use crate::analysis::rules;
use crate::analysis::self_time::self_times;
use crate::model::{Trace, TraceId, TraceTree};
use crate::units::format_duration;

#[derive(Clone, Debug, PartialEq)]
pub struct AssertionResult {
    pub kind: &'static str,
    pub name: String,
    pub passed: bool,
    pub measured: String,
    pub threshold: String,
    pub examples: Vec<TraceId>,
    /// How many spans or traces the assertion looked at.
    pub sample: u64,
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

/// Which spans of one trace each selector matches (`*` matches all). Selectors are taken parents
/// first (the policy's order), so each is computed once from its parent's row.
fn matches(policy: &Policy, t: &Trace, tree: &TraceTree) -> BTreeMap<String, Vec<bool>> {
    let mut out: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    out.insert("*".into(), vec![true; t.spans.len()]);
    for name in &policy.order {
        let sel = &policy.selectors[name];
        let parent = sel.child_of.as_ref().and_then(|p| out.get(p));
        let v = (0..t.spans.len())
            .map(|i| {
                let is_root = tree.parent[i].is_none();
                sel.root.is_none_or(|r| r == is_root)
                    && parent.is_none_or(|pm| tree.parent[i].is_some_and(|p| pm[p as usize]))
                    && sel.matches_span(&t.spans[i])
            })
            .collect();
        out.insert(name.clone(), v);
    }
    out
}

/// What one trace contributes to each assertion.
#[derive(Default)]
struct TraceFacts {
    coverage: Vec<bool>,
    attributes: Vec<(u64, u64)>,
    services: HashSet<String>,
    relations: Vec<(u64, u64)>,
    budgets: Vec<BudgetFacts>,
}

/// What one trace contributes to a budget.
#[derive(Default)]
struct BudgetFacts {
    durations: Vec<u64>,
    selfs: Vec<u64>,
    errors: u64,
    matched: u64,
    cp_owned: u64,
    cp_total: u64,
}

pub fn evaluate(policy: &Policy, traces: &[Trace], findings: &[Finding]) -> Vec<AssertionResult> {
    let f = &policy.file;
    let max_examples = f.settings.examples.unwrap_or(5);
    let need_cp = policy
        .budgets
        .iter()
        .flatten()
        .any(|c| c.metric == Metric::CriticalPathShare);
    let need_self = policy.budgets.iter().flatten().any(|c| {
        matches!(
            c.metric,
            Metric::Percentile(_, Field::SelfTime)
                | Metric::Max(Field::SelfTime)
                | Metric::Mean(Field::SelfTime)
        )
    });
    let facts: Vec<TraceFacts> = traces
        .par_iter()
        .map(|t| {
            let tree = TraceTree::build(t);
            let m = matches(policy, t, &tree);
            let sel = |name: &str| &m[name];
            let mut fx = TraceFacts {
                coverage: Vec::new(),
                attributes: Vec::new(),
                services: Default::default(),
                relations: Vec::new(),
                budgets: Vec::new(),
            };
            fx.coverage = f
                .coverage
                .iter()
                .map(|c| sel(&c.selector).iter().any(|x| *x))
                .collect();
            fx.attributes = f
                .attributes
                .iter()
                .map(|a| {
                    let hits: Vec<usize> = sel(&a.selector)
                        .iter()
                        .enumerate()
                        .filter(|x| *x.1)
                        .map(|x| x.0)
                        .collect();
                    let ok = hits
                        .iter()
                        .filter(|&&i| {
                            let s = &t.spans[i];
                            a.required.iter().all(|k| {
                                s.attr(k).is_some()
                                    || crate::model::value::find(&s.resource.attributes, k)
                                        .is_some()
                            })
                        })
                        .count();
                    (hits.len() as u64, ok as u64)
                })
                .collect();
            fx.services = t.spans.iter().map(|s| s.service.to_string()).collect();
            fx.relations = f
                .relations
                .iter()
                .map(|r| {
                    let (child, parent) = (sel(&r.selector), sel(&r.parent));
                    let hits: Vec<usize> = (0..t.spans.len()).filter(|&i| child[i]).collect();
                    let ok = hits
                        .iter()
                        .filter(|&&i| tree.parent[i].is_some_and(|p| parent[p as usize]))
                        .count();
                    (hits.len() as u64, ok as u64)
                })
                .collect();
            let selfs = if need_self {
                self_times(t, &tree)
            } else {
                Vec::new()
            };
            let mut cp_owned = vec![0u64; t.spans.len()];
            let mut cp_total = 0u64;
            if need_cp {
                for p in critical_paths(t, &tree, false) {
                    for s in &p.sections {
                        cp_owned[s.span as usize] += s.len_ns();
                        cp_total += s.len_ns();
                    }
                }
            }
            fx.budgets = f
                .budgets
                .iter()
                .map(|b| {
                    let v = sel(b.selector.as_deref().unwrap_or("*"));
                    let idx: Vec<usize> = (0..t.spans.len()).filter(|&i| v[i]).collect();
                    BudgetFacts {
                        durations: idx.iter().map(|&i| t.spans[i].duration_ns()).collect(),
                        selfs: if need_self {
                            idx.iter().map(|&i| selfs[i]).collect()
                        } else {
                            Vec::new()
                        },
                        errors: idx.iter().filter(|&&i| t.spans[i].is_error()).count() as u64,
                        matched: idx.len() as u64,
                        cp_owned: idx.iter().map(|&i| cp_owned[i]).sum(),
                        cp_total,
                    }
                })
                .collect();
            fx
        })
        .collect();

    let n = traces.len() as u64;
    let mut out = Vec::new();
    let examples = |pred: &dyn Fn(usize) -> bool| -> Vec<TraceId> {
        (0..traces.len())
            .filter(|&k| pred(k))
            .take(max_examples)
            .map(|k| traces[k].trace_id)
            .collect()
    };

    for (j, c) in f.coverage.iter().enumerate() {
        let hit = facts.iter().filter(|x| x.coverage[j]).count() as u64;
        let share = if n == 0 { 0.0 } else { hit as f64 / n as f64 };
        let passed = n > 0 && share + 1e-12 >= c.min_traces.0;
        out.push(AssertionResult {
            kind: "coverage",
            name: c.name.clone().unwrap_or_else(|| {
                format!("{} in ≥ {} of traces", c.selector, pct(c.min_traces.0))
            }),
            passed,
            measured: format!("{} ({hit} of {n} traces)", pct(share)),
            threshold: format!("≥ {}", pct(c.min_traces.0)),
            examples: if passed {
                vec![]
            } else {
                examples(&|k| !facts[k].coverage[j])
            },
            sample: n,
        });
    }
    for (j, a) in f.attributes.iter().enumerate() {
        let (m, ok) = facts.iter().fold((0, 0), |acc, x| {
            (acc.0 + x.attributes[j].0, acc.1 + x.attributes[j].1)
        });
        let share = if m == 0 { 1.0 } else { ok as f64 / m as f64 };
        let passed = share + 1e-12 >= a.min_share.0;
        out.push(AssertionResult {
            kind: "attributes",
            name: a
                .name
                .clone()
                .unwrap_or_else(|| format!("{} carry {}", a.selector, a.required.join(", "))),
            passed,
            measured: format!("{} ({ok} of {m} spans)", pct(share)),
            threshold: format!("≥ {}", pct(a.min_share.0)),
            examples: if passed {
                vec![]
            } else {
                examples(&|k| facts[k].attributes[j].1 < facts[k].attributes[j].0)
            },
            sample: m,
        });
    }
    for s in &f.services {
        for svc in &s.required {
            let hit = facts.iter().filter(|x| x.services.contains(svc)).count() as u64;
            let share = if n == 0 { 0.0 } else { hit as f64 / n as f64 };
            let (passed, threshold) = match s.min_traces {
                Some(min) => (
                    n > 0 && share + 1e-12 >= min.0,
                    format!("in ≥ {} of traces", pct(min.0)),
                ),
                None => (hit > 0, "in at least one trace".to_string()),
            };
            out.push(AssertionResult {
                kind: "services",
                name: s
                    .name
                    .clone()
                    .map(|x| format!("{x}: {svc}"))
                    .unwrap_or_else(|| format!("service {svc} present")),
                passed,
                measured: format!("in {hit} of {n} traces"),
                threshold,
                examples: if passed {
                    vec![]
                } else {
                    examples(&|k| !facts[k].services.contains(svc))
                },
                sample: n,
            });
        }
    }
    for (j, r) in f.relations.iter().enumerate() {
        let (m, ok) = facts.iter().fold((0, 0), |acc, x| {
            (acc.0 + x.relations[j].0, acc.1 + x.relations[j].1)
        });
        let share = if m == 0 { 1.0 } else { ok as f64 / m as f64 };
        let passed = share + 1e-12 >= r.min_share.0;
        out.push(AssertionResult {
            kind: "relations",
            name: r
                .name
                .clone()
                .unwrap_or_else(|| format!("{} has a parent in {}", r.selector, r.parent)),
            passed,
            measured: format!("{} ({ok} of {m} spans)", pct(share)),
            threshold: format!("≥ {}", pct(r.min_share.0)),
            examples: if passed {
                vec![]
            } else {
                examples(&|k| facts[k].relations[j].1 < facts[k].relations[j].0)
            },
            sample: m,
        });
    }
    for (j, b) in f.budgets.iter().enumerate() {
        let mut d: Vec<u64> = facts
            .iter()
            .flat_map(|x| x.budgets[j].durations.iter().copied())
            .collect();
        let mut st: Vec<u64> = facts
            .iter()
            .flat_map(|x| x.budgets[j].selfs.iter().copied())
            .collect();
        d.sort_unstable();
        st.sort_unstable();
        let errors: u64 = facts.iter().map(|x| x.budgets[j].errors).sum();
        let count: u64 = facts.iter().map(|x| x.budgets[j].matched).sum();
        let per_trace_max = facts
            .iter()
            .map(|x| x.budgets[j].matched)
            .max()
            .unwrap_or(0);
        let (owned, total) = facts.iter().fold((0u128, 0u128), |a, x| {
            (
                a.0 + u128::from(x.budgets[j].cp_owned),
                a.1 + u128::from(x.budgets[j].cp_total),
            )
        });
        for c in &policy.budgets[j] {
            let values = |fl: Field| if fl == Field::Duration { &d } else { &st };
            let measured: Option<f64> = match c.metric {
                Metric::Percentile(q, fl) => {
                    percentile(values(fl), q, QuantileMethod::NearestRank).map(|v| v as f64)
                }
                Metric::Max(fl) => values(fl).last().map(|v| *v as f64),
                Metric::Mean(fl) => {
                    let v = values(fl);
                    (!v.is_empty())
                        .then(|| v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64)
                }
                Metric::ErrorRate => (count > 0).then(|| errors as f64 / count as f64),
                Metric::Count => Some(count as f64),
                Metric::SpansPerTrace => Some(per_trace_max as f64),
                Metric::CriticalPathShare => (total > 0).then(|| owned as f64 / total as f64),
            };
            let show = |v: f64| {
                if c.metric.is_time() {
                    format_duration(v.round() as u64)
                } else if c.metric.is_share() {
                    pct(v)
                } else {
                    format!("{v}")
                }
            };
            let passed = measured.is_some_and(|v| c.op.holds(v, c.value));
            // Examples: traces holding a span beyond a time threshold, else any trace with matches.
            let ex = if passed {
                vec![]
            } else if c.metric.is_time() {
                let mut worst: Vec<(u64, usize)> = facts
                    .iter()
                    .enumerate()
                    .filter_map(|(k, x)| x.budgets[j].durations.iter().max().map(|m| (*m, k)))
                    .collect();
                worst.sort_unstable_by(|a, b| b.cmp(a));
                worst
                    .into_iter()
                    .take(max_examples)
                    .map(|(_, k)| traces[k].trace_id)
                    .collect()
            } else if c.metric == Metric::ErrorRate {
                examples(&|k| facts[k].budgets[j].errors > 0)
            } else {
                examples(&|k| facts[k].budgets[j].matched > 0)
            };
            out.push(AssertionResult {
                kind: "budget",
                name: match &b.name {
                    Some(nm) => format!("{nm}: {}", c.text),
                    None => format!(
                        "{}: {}",
                        b.selector.as_deref().unwrap_or("all spans"),
                        c.text
                    ),
                },
                passed,
                measured: measured
                    .map(show)
                    .unwrap_or_else(|| "no matching spans".into()),
                threshold: format!("{} {}", c.op.as_str(), show(c.value)),
                examples: ex,
                sample: count,
            });
        }
    }
    for r in &f.rules {
        let hit = |rule: &str| r.rules.iter().any(|p| rules::matches(p, rule));
        let counted: Vec<&Finding> = findings
            .iter()
            .filter(|x| hit(&x.rule) && x.severity >= r.min_severity)
            .collect();
        let passed = counted.len() as u64 <= r.max_count;
        let mut ex: Vec<TraceId> = Vec::new();
        for x in &counted {
            if let Some(t) = x.trace_id
                && !ex.contains(&t)
                && ex.len() < max_examples
            {
                ex.push(t);
            }
        }
        out.push(AssertionResult {
            kind: "rules",
            name: r.name.clone().unwrap_or_else(|| {
                format!("{} at or above {}", r.rules.join(", "), r.min_severity)
            }),
            passed,
            measured: format!("{} finding(s)", counted.len()),
            threshold: format!("≤ {}", r.max_count),
            examples: if passed { vec![] } else { ex },
            sample: counted.len() as u64,
        });
    }
    out
}
