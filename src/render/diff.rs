//! `diff` output: a bounded summary for people (everything with `--all`), Markdown, JSON
//! (tracekit.diff/v1).

use std::io::{self, Write};

use serde_json::{Value, json};

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

pub fn to_json(r: &DiffReport, tol: Tolerance, all: bool) -> Value {
    let paths: Vec<Value> = r
        .paths
        .iter()
        .filter(|p| all || p.change != Change::Same || p.count_changed)
        .map(|p| {
            let mut o = json!({
                "path": p.path.iter().map(|(s, op)| json!({"service": s, "operation": op})).collect::<Vec<_>>(),
                "change": change_name(p.change),
                "explained_by_child": p.explained,
                "base_per_trace": p.base_rate,
                "candidate_per_trace": p.candidate_rate,
                "count_changed": p.count_changed,
            });
            for (q, a, b) in &p.latency {
                o[format!("base_{}_ns", q.label())] = json!(a);
                o[format!("candidate_{}_ns", q.label())] = json!(b);
            }
            o
        })
        .collect();
    json!({
        "schema": "tracekit.diff/v1",
        "base_traces": r.base_traces,
        "candidate_traces": r.candidate_traces,
        "tolerance": {"relative": tol.relative, "absolute_ns": tol.absolute_ns},
        "summary": {
            "call_paths": r.paths.len(),
            "slower": r.regressions(),
            "faster": r.paths.iter().filter(|p| p.change == Change::Faster).count(),
            "added": r.paths.iter().filter(|p| p.change == Change::Added).count(),
            "removed": r.paths.iter().filter(|p| p.change == Change::Removed).count(),
            "count_changed": r.paths.iter().filter(|p| p.count_changed).count(),
        },
        "paths": paths,
        "critical_path": r.critical.iter().map(|c| json!({
            "service": c.service, "operation": c.operation, "base_share": c.base_share,
            "candidate_share": c.candidate_share, "change": if c.entering { "entering" } else { "leaving" },
        })).collect::<Vec<_>>(),
    })
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
