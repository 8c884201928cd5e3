//! `diff` output: a bounded summary for people (everything with `--all`), Markdown, JSON
//! (tracekit.diff/v1).

use std::collections::BTreeMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::analysis::diff::{Change, DiffReport, PathDiff, Tolerance};
use crate::term::escape;
use crate::units::format_duration;

pub fn path_text(p: &PathDiff) -> String {
    p.path
        .iter()
        .map(|(s, o)| {
            format!(
                "{}: {}",
                escape(if s.is_empty() { "unknown" } else { s }),
                escape(o)
            )
        })
        .collect::<Vec<_>>()
        .join(" › ")
}

fn change_name(c: Change) -> &'static str {
    match c {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Slower => "slower",
        Change::Faster => "faster",
        Change::Same => "same",
    }
}

fn latency_text(p: &PathDiff) -> String {
    p.latency
        .iter()
        .map(|(q, a, b)| match (a, b) {
            (Some(a), Some(b)) => {
                let rel = if *a == 0 {
                    String::new()
                } else {
                    format!(" ({:+.0}%)", (*b as f64 - *a as f64) * 100.0 / *a as f64)
                };
                format!(
                    "{} {} → {}{rel}",
                    q.label(),
                    format_duration(*a),
                    format_duration(*b)
                )
            }
            (Some(a), None) => format!("{} {} → –", q.label(), format_duration(*a)),
            (None, Some(b)) => format!("{} – → {}", q.label(), format_duration(*b)),
            (None, None) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("  ")
}

/// `tracekit.diff/v1`: call paths compared between a base and a candidate set of traces.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffDoc {
    pub base_traces: u64,
    pub candidate_traces: u64,
    /// Operations entering or leaving the critical path.
    pub critical_path: Vec<DiffCriticalDoc>,
    pub paths: Vec<DiffPathDoc>,
    #[schemars(extend("const" = "tracekit.diff/v1"))]
    pub schema: &'static str,
    pub summary: DiffSummaryDoc,
    pub tolerance: DiffToleranceDoc,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffToleranceDoc {
    pub absolute_ns: u64,
    pub relative: f64,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffSummaryDoc {
    pub added: usize,
    pub call_paths: usize,
    pub count_changed: usize,
    pub faster: usize,
    pub removed: usize,
    pub slower: usize,
}

/// One call path; besides the fixed fields, `base_<p>_ns` and `candidate_<p>_ns` (null when the
/// side lacks the path) per requested percentile.
#[derive(Serialize, JsonSchema)]
pub struct DiffPathDoc {
    pub base_per_trace: f64,
    pub candidate_per_trace: f64,
    #[schemars(extend("enum" = ["added", "removed", "slower", "faster", "same"]))]
    pub change: &'static str,
    pub count_changed: bool,
    pub explained_by_child: bool,
    /// From the root down.
    pub path: Vec<DiffPathStepDoc>,
    /// `base_<p>_ns` and `candidate_<p>_ns` per percentile.
    #[serde(flatten)]
    pub latency: BTreeMap<String, Option<u64>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffPathStepDoc {
    pub operation: String,
    pub service: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffCriticalDoc {
    pub base_share: f64,
    pub candidate_share: f64,
    #[schemars(extend("enum" = ["entering", "leaving"]))]
    pub change: &'static str,
    pub operation: String,
    pub service: String,
}

pub fn doc(r: &DiffReport, tol: Tolerance, all: bool) -> DiffDoc {
    let count = |c: Change| r.paths.iter().filter(|p| p.change == c).count();
    DiffDoc {
        base_traces: r.base_traces,
        candidate_traces: r.candidate_traces,
        critical_path: r
            .critical
            .iter()
            .map(|c| DiffCriticalDoc {
                base_share: c.base_share,
                candidate_share: c.candidate_share,
                change: if c.entering { "entering" } else { "leaving" },
                operation: c.operation.clone(),
                service: c.service.clone(),
            })
            .collect(),
        paths: r
            .paths
            .iter()
            .filter(|p| all || p.change != Change::Same || p.count_changed)
            .map(|p| {
                let mut latency = BTreeMap::new();
                for (q, a, b) in &p.latency {
                    latency.insert(format!("base_{}_ns", q.label()), *a);
                    latency.insert(format!("candidate_{}_ns", q.label()), *b);
                }
                DiffPathDoc {
                    base_per_trace: p.base_rate,
                    candidate_per_trace: p.candidate_rate,
                    change: change_name(p.change),
                    count_changed: p.count_changed,
                    explained_by_child: p.explained,
                    path: p
                        .path
                        .iter()
                        .map(|(s, op)| DiffPathStepDoc {
                            operation: op.to_string(),
                            service: s.to_string(),
                        })
                        .collect(),
                    latency,
                }
            })
            .collect(),
        schema: "tracekit.diff/v1",
        summary: DiffSummaryDoc {
            added: count(Change::Added),
            call_paths: r.paths.len(),
            count_changed: r.paths.iter().filter(|p| p.count_changed).count(),
            faster: count(Change::Faster),
            removed: count(Change::Removed),
            slower: r.regressions(),
        },
        tolerance: DiffToleranceDoc {
            absolute_ns: tol.absolute_ns,
            relative: tol.relative,
        },
    }
}

pub fn to_json(r: &DiffReport, tol: Tolerance, all: bool) -> Value {
    super::doc::to_value(&doc(r, tol, all))
}

/// The summary, then each group of changes (at most `top` lines each unless `all`).
pub fn write_text(
    r: &DiffReport,
    tol: Tolerance,
    top: usize,
    all: bool,
    markdown: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let limit = if all { usize::MAX } else { top };
    let count = |c: Change| r.paths.iter().filter(|p| p.change == c).count();
    let bullet = if markdown { "- " } else { "  " };
    let head = |out: &mut dyn Write, t: &str| {
        if markdown {
            writeln!(out, "\n### {t}\n")
        } else {
            writeln!(out, "{t}")
        }
    };
    if markdown {
        writeln!(out, "## tracekit diff")?;
    }
    writeln!(
        out,
        "{} base trace(s), {} candidate trace(s), {} call path(s): {} slower, {} faster, {} added, {} removed (tolerance {:.0}% and {})",
        r.base_traces,
        r.candidate_traces,
        r.paths.len(),
        count(Change::Slower),
        count(Change::Faster),
        count(Change::Added),
        count(Change::Removed),
        tol.relative * 100.0,
        format_duration(tol.absolute_ns)
    )?;
    let groups: [(Change, &str); 4] = [
        (Change::Slower, "Slower beyond tolerance"),
        (Change::Added, "Call paths added"),
        (Change::Removed, "Call paths removed"),
        (Change::Faster, "Faster beyond tolerance"),
    ];
    for (c, title) in groups {
        let list: Vec<&PathDiff> = r.paths.iter().filter(|p| p.change == c).collect();
        if list.is_empty() {
            continue;
        }
        head(out, title)?;
        for p in list.iter().take(limit) {
            let extra = match c {
                Change::Added => format!("  ({:.1} per trace)", p.candidate_rate),
                Change::Removed => format!("  ({:.1} per trace before)", p.base_rate),
                _ if p.explained => {
                    format!("  {}  (slower because of a slower child)", latency_text(p))
                }
                _ => format!("  {}", latency_text(p)),
            };
            writeln!(out, "{bullet}{}{extra}", path_text(p))?;
        }
        if list.len() > limit {
            writeln!(out, "{bullet}… and {} more (--all)", list.len() - limit)?;
        }
    }
    let changed: Vec<&PathDiff> = r.paths.iter().filter(|p| p.count_changed).collect();
    if !changed.is_empty() {
        head(out, "Call counts changed")?;
        for p in changed.iter().take(limit) {
            writeln!(
                out,
                "{bullet}{}  {:.1} → {:.1} per trace",
                path_text(p),
                p.base_rate,
                p.candidate_rate
            )?;
        }
        if changed.len() > limit {
            writeln!(out, "{bullet}… and {} more (--all)", changed.len() - limit)?;
        }
    }
    if !r.critical.is_empty() {
        head(out, "Critical path")?;
        for c in &r.critical {
            writeln!(
                out,
                "{bullet}{} {}: {}: {:.1}% → {:.1}% of critical-path time",
                if c.entering { "entering" } else { "leaving" },
                escape(&c.service),
                escape(&c.operation),
                c.base_share * 100.0,
                c.candidate_share * 100.0
            )?;
        }
    }
    let same = count(Change::Same);
    if all && same > 0 {
        head(out, "Within tolerance")?;
        for p in r.paths.iter().filter(|p| p.change == Change::Same) {
            writeln!(out, "{bullet}{}  {}", path_text(p), latency_text(p))?;
        }
    } else if same > 0 {
        writeln!(
            out,
            "{same} call path(s) within tolerance (--all lists them)"
        )?;
    }
    Ok(())
}
