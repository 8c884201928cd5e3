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
pub struct TraceFacts {
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

/// Which costly per-trace figures the budgets ask for.
#[derive(Copy, Clone)]
struct Needs {
    critical_path: bool,
    self_time: bool,
}

impl Needs {
    fn of(policy: &Policy) -> Self {
        let conditions = || policy.budgets.iter().flatten();
        Needs {
            critical_path: conditions().any(|c| c.metric == Metric::CriticalPathShare),
            self_time: conditions().any(|c| {
                matches!(
                    c.metric,
                    Metric::Percentile(_, Field::SelfTime)
                        | Metric::Max(Field::SelfTime)
                        | Metric::Mean(Field::SelfTime)
                )
            }),
        }
    }
}

pub fn evaluate(policy: &Policy, traces: &[Trace], findings: &[Finding]) -> Vec<AssertionResult> {
    let facts: Vec<TraceFacts> = traces.par_iter().map(|t| facts(policy, t)).collect();
    let ids: Vec<TraceId> = traces.iter().map(|t| t.trace_id).collect();
    evaluate_facts(policy, &ids, facts, findings)
}

/// Everything the assertions need from one trace: what [`evaluate_facts`] takes, so that
/// traces can be let go one at a time (`gate` over a window of traces).
pub fn facts(policy: &Policy, t: &Trace) -> TraceFacts {
    trace_facts(policy, t, Needs::of(policy))
}

/// [`evaluate`] from the facts of every trace, in first-seen order, and their ids.
pub fn evaluate_facts(
    policy: &Policy,
    trace_ids: &[TraceId],
    facts: Vec<TraceFacts>,
    findings: &[Finding],
) -> Vec<AssertionResult> {
    let eval = Evaluation {
        policy,
        trace_ids,
        facts,
        max_examples: policy.file.settings.examples.unwrap_or(5),
    };
    let mut out = Vec::new();
    eval.coverage(&mut out);
    eval.attributes(&mut out);
    eval.services(&mut out);
    eval.relations(&mut out);
    eval.budgets(&mut out);
    eval.rules(findings, &mut out);
    out
}

/// Which spans of `t` a selector matches, by index.
fn matched_indices(matched: &[bool]) -> Vec<usize> {
    (0..matched.len()).filter(|&i| matched[i]).collect()
}

/// Everything the assertions need from one trace.
fn trace_facts(policy: &Policy, t: &Trace, needs: Needs) -> TraceFacts {
    let f = &policy.file;
    let tree = TraceTree::build(t);
    let m = matches(policy, t, &tree);
    let sel = |name: &str| &m[name];
    let coverage = f
        .coverage
        .iter()
        .map(|c| sel(&c.selector).iter().any(|x| *x))
        .collect();
    let attributes = f
        .attributes
        .iter()
        .map(|a| {
            let hits = matched_indices(sel(&a.selector));
            let ok = hits
                .iter()
                .filter(|&&i| {
                    let s = &t.spans[i];
                    a.required.iter().all(|k| {
                        s.attr(k).is_some()
                            || crate::model::value::find(&s.resource.attributes, k).is_some()
                    })
                })
                .count();
            (hits.len() as u64, ok as u64)
        })
        .collect();
    let relations = f
        .relations
        .iter()
        .map(|r| {
            let parent = sel(&r.parent);
            let hits = matched_indices(sel(&r.selector));
            let ok = hits
                .iter()
                .filter(|&&i| tree.parent[i].is_some_and(|p| parent[p as usize]))
                .count();
            (hits.len() as u64, ok as u64)
        })
        .collect();
    let shares = SpanShares::of(t, &tree, needs);
    let budgets = f
        .budgets
        .iter()
        .map(|b| {
            shares.budget(
                t,
                &matched_indices(sel(b.selector.as_deref().unwrap_or("*"))),
            )
        })
        .collect();
    TraceFacts {
        coverage,
        attributes,
        services: t.spans.iter().map(|s| s.service.to_string()).collect(),
        relations,
        budgets,
    }
}

/// Per-span self times and critical-path time of one trace (empty when no budget needs them).
struct SpanShares {
    self_time: bool,
    selfs: Vec<u64>,
    cp_owned: Vec<u64>,
    cp_total: u64,
}

impl SpanShares {
    fn of(t: &Trace, tree: &TraceTree, needs: Needs) -> Self {
        let selfs = if needs.self_time {
            self_times(t, tree)
        } else {
            Vec::new()
        };
        let mut cp_owned = vec![0u64; t.spans.len()];
        let mut cp_total = 0u64;
        if needs.critical_path {
            for p in critical_paths(t, tree, false) {
                for s in &p.sections {
                    cp_owned[s.span as usize] += s.len_ns();
                    cp_total += s.len_ns();
                }
            }
        }
        SpanShares {
            self_time: needs.self_time,
            selfs,
            cp_owned,
            cp_total,
        }
    }

    /// What the spans at `idx` contribute to a budget.
    fn budget(&self, t: &Trace, idx: &[usize]) -> BudgetFacts {
        BudgetFacts {
            durations: idx.iter().map(|&i| t.spans[i].duration_ns()).collect(),
            selfs: if self.self_time {
                idx.iter().map(|&i| self.selfs[i]).collect()
            } else {
                Vec::new()
            },
            errors: idx.iter().filter(|&&i| t.spans[i].is_error()).count() as u64,
            matched: idx.len() as u64,
            cp_owned: idx.iter().map(|&i| self.cp_owned[i]).sum(),
            cp_total: self.cp_total,
        }
    }
}

/// The per-trace facts, and what turning them into results needs.
struct Evaluation<'a> {
    policy: &'a Policy,
    trace_ids: &'a [TraceId],
    facts: Vec<TraceFacts>,
    max_examples: usize,
}

/// A budget's spans pooled over all traces.
struct BudgetPool {
    durations: Vec<u64>,
    selfs: Vec<u64>,
    errors: u64,
    count: u64,
    per_trace_max: u64,
    cp_owned: u128,
    cp_total: u128,
}

impl Evaluation<'_> {
    fn n(&self) -> u64 {
        self.trace_ids.len() as u64
    }

    /// The first traces for which `pred` (given a trace's index) holds.
    fn examples(&self, pred: &dyn Fn(usize) -> bool) -> Vec<TraceId> {
        (0..self.trace_ids.len())
            .filter(|&k| pred(k))
            .take(self.max_examples)
            .map(|k| self.trace_ids[k])
            .collect()
    }

    /// Sums of the `(matched, ok)` pairs that `pick` takes from each trace.
    fn sum_pairs(&self, pick: impl Fn(&TraceFacts) -> (u64, u64)) -> (u64, u64) {
        self.facts.iter().fold((0, 0), |acc, x| {
            let (m, ok) = pick(x);
            (acc.0 + m, acc.1 + ok)
        })
    }

    fn coverage(&self, out: &mut Vec<AssertionResult>) {
        let (facts, n) = (&self.facts, self.n());
        for (j, c) in self.policy.file.coverage.iter().enumerate() {
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
                    self.examples(&|k| !facts[k].coverage[j])
                },
                sample: n,
            });
        }
    }

    fn attributes(&self, out: &mut Vec<AssertionResult>) {
        let facts = &self.facts;
        for (j, a) in self.policy.file.attributes.iter().enumerate() {
            let (m, ok) = self.sum_pairs(|x| x.attributes[j]);
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
                    self.examples(&|k| facts[k].attributes[j].1 < facts[k].attributes[j].0)
                },
                sample: m,
            });
        }
    }

    fn services(&self, out: &mut Vec<AssertionResult>) {
        let (facts, n) = (&self.facts, self.n());
        for s in &self.policy.file.services {
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
                        self.examples(&|k| !facts[k].services.contains(svc))
                    },
                    sample: n,
                });
            }
        }
    }

    fn relations(&self, out: &mut Vec<AssertionResult>) {
        let facts = &self.facts;
        for (j, r) in self.policy.file.relations.iter().enumerate() {
            let (m, ok) = self.sum_pairs(|x| x.relations[j]);
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
                    self.examples(&|k| facts[k].relations[j].1 < facts[k].relations[j].0)
                },
                sample: m,
            });
        }
    }

    fn budget_pool(&self, j: usize) -> BudgetPool {
        let facts = &self.facts;
        let mut durations: Vec<u64> = facts
            .iter()
            .flat_map(|x| x.budgets[j].durations.iter().copied())
            .collect();
        let mut selfs: Vec<u64> = facts
            .iter()
            .flat_map(|x| x.budgets[j].selfs.iter().copied())
            .collect();
        durations.sort_unstable();
        selfs.sort_unstable();
        let (cp_owned, cp_total) = facts.iter().fold((0u128, 0u128), |a, x| {
            (
                a.0 + u128::from(x.budgets[j].cp_owned),
                a.1 + u128::from(x.budgets[j].cp_total),
            )
        });
        BudgetPool {
            durations,
            selfs,
            errors: facts.iter().map(|x| x.budgets[j].errors).sum(),
            count: facts.iter().map(|x| x.budgets[j].matched).sum(),
            per_trace_max: facts
                .iter()
                .map(|x| x.budgets[j].matched)
                .max()
                .unwrap_or(0),
            cp_owned,
            cp_total,
        }
    }

    fn budgets(&self, out: &mut Vec<AssertionResult>) {
        for (j, b) in self.policy.file.budgets.iter().enumerate() {
            let pool = self.budget_pool(j);
            for c in &self.policy.budgets[j] {
                let measured = pool.measure(c.metric);
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
                    examples: if passed {
                        vec![]
                    } else {
                        self.budget_examples(j, c.metric)
                    },
                    sample: pool.count,
                });
            }
        }
    }

    /// Examples for a failed budget: traces holding a span beyond a time threshold (longest
    /// first), else any trace with errors (for the error rate) or with matches.
    fn budget_examples(&self, j: usize, metric: Metric) -> Vec<TraceId> {
        let facts = &self.facts;
        if metric.is_time() {
            let mut worst: Vec<(u64, usize)> = facts
                .iter()
                .enumerate()
                .filter_map(|(k, x)| x.budgets[j].durations.iter().max().map(|m| (*m, k)))
                .collect();
            worst.sort_unstable_by(|a, b| b.cmp(a));
            worst
                .into_iter()
                .take(self.max_examples)
                .map(|(_, k)| self.trace_ids[k])
                .collect()
        } else if metric == Metric::ErrorRate {
            self.examples(&|k| facts[k].budgets[j].errors > 0)
        } else {
            self.examples(&|k| facts[k].budgets[j].matched > 0)
        }
    }

    fn rules(&self, findings: &[Finding], out: &mut Vec<AssertionResult>) {
        for r in &self.policy.file.rules {
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
                    && ex.len() < self.max_examples
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
    }
}

impl BudgetPool {
    /// The metric's value over the pooled spans (`None` when there is nothing to measure).
    fn measure(&self, metric: Metric) -> Option<f64> {
        let values = |fl: Field| {
            if fl == Field::Duration {
                &self.durations
            } else {
                &self.selfs
            }
        };
        match metric {
            Metric::Percentile(q, fl) => {
                percentile(values(fl), q, QuantileMethod::NearestRank).map(|v| v as f64)
            }
            Metric::Max(fl) => values(fl).last().map(|v| *v as f64),
            Metric::Mean(fl) => {
                let v = values(fl);
                (!v.is_empty()).then(|| v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64)
            }
            Metric::ErrorRate => (self.count > 0).then(|| self.errors as f64 / self.count as f64),
            Metric::Count => Some(self.count as f64),
            Metric::SpansPerTrace => Some(self.per_trace_max as f64),
            Metric::CriticalPathShare => {
                (self.cp_total > 0).then(|| self.cp_owned as f64 / self.cp_total as f64)
            }
        }
    }
}
