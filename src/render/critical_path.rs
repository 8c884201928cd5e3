//! `critical-path` output: per trace sections (with the walk explained on request), or the
//! aggregate over many traces; table, JSON (tracekit.critical-path/v1), CSV, Markdown.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::TableFormat;
use super::table::{TableData, TableStyle, write_csv, write_markdown, write_table};
use crate::analysis::cp_aggregate::AggregateReport;
use crate::analysis::critical_path::{CriticalPath, PassedOver};
use crate::model::Trace;
use crate::term::escape;
use crate::units::format_duration;

/// One trace and its paths (one per root).
pub struct TracePaths<'a> {
    pub trace: &'a Trace,
    pub paths: Vec<CriticalPath>,
}

fn svc(t: &Trace, i: u32) -> &str {
    let s = &t.spans[i as usize].service;
    if s.is_empty() { "unknown" } else { s }
}

fn op(t: &Trace, i: u32) -> &str {
    &t.spans[i as usize].name
}

fn offset(ns: u64, origin: u64) -> String {
    format!("+{}", format_duration(ns.saturating_sub(origin)))
}

fn sections_table(tp: &TracePaths<'_>, path: &CriticalPath, human: bool) -> TableData {
    let t = tp.trace;
    let origin = t.spans[path.root as usize].start_ns;
    let total = path.duration_ns().max(1);
    let mut data = if human {
        TableData::new(&[
            ("start", true),
            ("length", true),
            ("share", true),
            ("service", false),
            ("operation", false),
        ])
    } else {
        TableData::new(&[
            ("trace_id", false),
            ("root_span_id", false),
            ("span_id", false),
            ("service", false),
            ("operation", false),
            ("start_ns", true),
            ("end_ns", true),
            ("share", true),
        ])
    };
    for s in &path.sections {
        let share = s.len_ns() as f64 / total as f64;
        data.push(if human {
            vec![
                offset(s.start_ns, origin),
                format_duration(s.len_ns()),
                format!("{:.1}%", share * 100.0),
                svc(t, s.span).to_string(),
                op(t, s.span).to_string(),
            ]
        } else {
            vec![
                t.trace_id.to_string(),
                t.spans[path.root as usize].span_id.to_string(),
                t.spans[s.span as usize].span_id.to_string(),
                svc(t, s.span).to_string(),
                op(t, s.span).to_string(),
                s.start_ns.to_string(),
                s.end_ns.to_string(),
                format!("{share:.6}"),
            ]
        });
    }
    data
}

/// The walk in words, one line per step.
pub fn explain_lines(tp: &TracePaths<'_>, path: &CriticalPath) -> Vec<String> {
    let t = tp.trace;
    let origin = t.spans[path.root as usize].start_ns;
    let name = |i: u32| format!("{} {}", escape(svc(t, i)), escape(op(t, i)));
    let mut lines = Vec::new();
    for (n, step) in path.steps.iter().enumerate() {
        let mut parts = Vec::new();
        for (k, why) in &step.passed_over {
            match why {
                PassedOver::Overlaps { ends_ns, bound_ns } => parts.push(format!(
                    "passed over {} (ends {}, not before {} where the path continues: it overlaps)",
                    name(*k),
                    offset(*ends_ns, origin),
                    offset(*bound_ns, origin)
                )),
            }
        }
        match step.chosen {
            Some(c) => parts.push(format!(
                "took {} (latest end among the remaining children, {})",
                name(c),
                offset(
                    t.spans[c as usize]
                        .end_ns
                        .min(step.section.map(|s| s.end_ns).unwrap_or(u64::MAX)),
                    origin
                )
            )),
            None => parts.push("no child ends before this point: back to the parent".into()),
        }
        let owns = match step.section {
            Some(s) => format!(
                "owns {}..{}",
                offset(s.start_ns, origin),
                offset(s.end_ns, origin)
            ),
            None => "owns nothing here".into(),
        };
        lines.push(format!(
            "{:>4}. in {}: {}; {}",
            n + 1,
            name(step.span),
            parts.join("; "),
            owns
        ));
    }
    lines
}

fn quality_line(path: &CriticalPath) -> Option<String> {
    let q = &path.quality;
    let mut parts = Vec::new();
    if !q.clipped.is_empty() {
        let cut: u64 = q.clipped.iter().map(|x| x.1).sum();
        parts.push(format!(
            "{} span(s) clipped to their parent (by {} in all)",
            q.clipped.len(),
            format_duration(cut)
        ));
    }
    if !q.outside_parent.is_empty() {
        parts.push(format!(
            "{} span(s) wholly outside their parent left out",
            q.outside_parent.len()
        ));
    }
    if !q.async_consumers.is_empty() {
        parts.push(format!(
            "{} consumer subtree(s) left out (asynchronous)",
            q.async_consumers.len()
        ));
    }
    (!parts.is_empty()).then(|| format!("note: {}", parts.join("; ")))
}

pub fn traces_json(all: &[TracePaths<'_>], explain: bool) -> Value {
    let mut traces = Vec::new();
    for tp in all {
        let t = tp.trace;
        for p in &tp.paths {
            let id = |i: u32| t.spans[i as usize].span_id.to_string();
            let sections: Vec<Value> = p
                .sections
                .iter()
                .map(|s| {
                    json!({"span_id": id(s.span), "service": &*t.spans[s.span as usize].service,
                           "operation": op(t, s.span), "start_ns": s.start_ns, "end_ns": s.end_ns,
                           "duration_ns": s.len_ns()})
                })
                .collect();
            let mut obj = json!({
                "trace_id": t.trace_id.to_string(),
                "root_span_id": id(p.root),
                "root_service": &*t.spans[p.root as usize].service,
                "root_operation": op(t, p.root),
                "duration_ns": p.duration_ns(),
                "sections": sections,
                "quality": {
                    "clipped": p.quality.clipped.iter().map(|(i, ns)| json!({"span_id": id(*i), "clipped_ns": ns})).collect::<Vec<_>>(),
                    "outside_parent": p.quality.outside_parent.iter().map(|i| id(*i)).collect::<Vec<_>>(),
                    "async_consumers": p.quality.async_consumers.iter().map(|i| id(*i)).collect::<Vec<_>>(),
                },
            });
            if explain {
                obj["explain"] = Value::Array(
                    p.steps
                        .iter()
                        .map(|s| {
                            json!({
                                "span_id": id(s.span),
                                "chosen_span_id": s.chosen.map(id),
                                "passed_over": s.passed_over.iter().map(|(k, why)| match why {
                                    PassedOver::Overlaps { ends_ns, bound_ns } => json!({"span_id": id(*k), "reason": "overlaps", "end_ns": ends_ns, "bound_ns": bound_ns}),
                                }).collect::<Vec<_>>(),
                                "section": s.section.map(|x| json!({"start_ns": x.start_ns, "end_ns": x.end_ns})),
                            })
                        })
                        .collect(),
                );
            }
            traces.push(obj);
        }
    }
    json!({"schema": "tracekit.critical-path/v1", "traces": traces})
}

pub fn write_traces(
    all: &[TracePaths<'_>],
    explain: bool,
    format: TableFormat,
    style: TableStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &traces_json(all, explain))?;
            writeln!(out)
        }
        TableFormat::Csv => {
            let mut merged = TableData::default();
            for tp in all {
                for p in &tp.paths {
                    let d = sections_table(tp, p, false);
                    if merged.headers.is_empty() {
                        merged.headers = d.headers;
                        merged.numeric = d.numeric;
                    }
                    merged.rows.extend(d.rows);
                }
            }
            if merged.headers.is_empty() {
                merged = sections_table(
                    &TracePaths {
                        trace: &Trace::default(),
                        paths: vec![],
                    },
                    &empty_path(),
                    false,
                );
            }
            write_csv(&merged, out)
        }
        TableFormat::Table | TableFormat::Markdown => {
            for (k, tp) in all.iter().enumerate() {
                for p in &tp.paths {
                    if k > 0 || !std::ptr::eq(p, &tp.paths[0]) {
                        writeln!(out)?;
                    }
                    let t = tp.trace;
                    let head = format!(
                        "trace {}  root {} {}  critical path {}  ({} sections)",
                        t.trace_id,
                        escape(svc(t, p.root)),
                        escape(op(t, p.root)),
                        format_duration(p.duration_ns()),
                        p.sections.len()
                    );
                    if format == TableFormat::Markdown {
                        writeln!(out, "### {head}\n")?;
                        write_markdown(&sections_table(tp, p, true), out)?;
                    } else {
                        writeln!(out, "{head}")?;
                        write_table(&sections_table(tp, p, true), style, out)?;
                    }
                    if let Some(q) = quality_line(p) {
                        writeln!(out, "{q}")?;
                    }
                    if explain {
                        writeln!(out, "explain:")?;
                        for l in explain_lines(tp, p) {
                            writeln!(out, "{l}")?;
                        }
                    }
                }
            }
            Ok(())
        }
    }
}

fn empty_path() -> CriticalPath {
    CriticalPath {
        root: 0,
        sections: vec![],
        quality: Default::default(),
        steps: vec![],
    }
}

pub fn aggregate_json(r: &AggregateReport, rows: usize) -> Value {
    let rows: Vec<Value> = r
        .rows
        .iter()
        .take(rows)
        .map(|row| {
            let mut m = json!({
                "service": &*row.key.service,
                "operation": &*row.key.operation,
                "total_ns": row.total_ns as f64 as u64,
                "share": row.share,
                "traces": row.traces,
            });
            for (p, ns) in &row.percentiles {
                m[format!("{}_ns", p.label())] = json!(ns);
            }
            m
        })
        .collect();
    json!({
        "schema": "tracekit.critical-path/v1",
        "traces_total": r.traces_total,
        "traces_considered": r.traces_considered,
        "band_ns": r.band_ns.map(|(a, b)| json!([a, b])),
        "total_ns": r.total_ns as f64 as u64,
        "aggregate": rows,
    })
}

fn aggregate_table(r: &AggregateReport, rows: usize, human: bool) -> TableData {
    let pcts: Vec<_> = r
        .rows
        .first()
        .map(|x| x.percentiles.iter().map(|p| p.0).collect())
        .unwrap_or_default();
    let unit = if human { "" } else { "_ns" };
    let mut cols: Vec<(String, bool)> = vec![
        ("service".into(), false),
        ("operation".into(), false),
        (format!("total{unit}"), true),
        ("share".into(), true),
        ("traces".into(), true),
    ];
    for p in &pcts {
        cols.push((format!("{}{unit}", p.label()), true));
    }
    let refs: Vec<(&str, bool)> = cols.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let mut d = TableData::new(&refs);
    let t = |ns: u64| {
        if human {
            format_duration(ns)
        } else {
            ns.to_string()
        }
    };
    for row in r.rows.iter().take(rows) {
        let mut v = vec![
            if row.key.service.is_empty() {
                "unknown".into()
            } else {
                row.key.service.to_string()
            },
            row.key.operation.to_string(),
            t(row.total_ns.min(u128::from(u64::MAX)) as u64),
            if human {
                format!("{:.1}%", row.share * 100.0)
            } else {
                format!("{:.6}", row.share)
            },
            row.traces.to_string(),
        ];
        v.extend(row.percentiles.iter().map(|(_, ns)| t(*ns)));
        d.push(v);
    }
    d
}

pub fn write_aggregate(
    r: &AggregateReport,
    top: Option<usize>,
    format: TableFormat,
    style: TableStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows = top.unwrap_or(usize::MAX);
    match format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &aggregate_json(r, rows))?;
            writeln!(out)
        }
        TableFormat::Csv => write_csv(&aggregate_table(r, rows, false), out),
        TableFormat::Markdown | TableFormat::Table => {
            let mut head = format!(
                "critical path over {} of {} traces, {} in all",
                r.traces_considered,
                r.traces_total,
                format_duration(r.total_ns.min(u128::from(u64::MAX)) as u64)
            );
            if let Some((a, b)) = r.band_ns {
                head.push_str(&format!(
                    " (trace durations {}..{})",
                    format_duration(a),
                    format_duration(b)
                ));
            }
            writeln!(out, "{head}")?;
            if format == TableFormat::Markdown {
                writeln!(out)?;
                write_markdown(&aggregate_table(r, rows, true), out)
            } else {
                write_table(&aggregate_table(r, rows, true), style, out)
            }
        }
    }
}
