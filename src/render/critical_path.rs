//! `critical-path` output: per trace sections (with the walk explained on request), or the
//! aggregate over many traces; table, JSON (tracekit.critical-path/v1), CSV, Markdown.

use std::collections::BTreeMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::TableFormat;
use super::table::{
    TableData, TableStyle, csv_writer, write_csv, write_csv_record, write_markdown,
    write_markdown_rows, write_table, write_table_streamed,
};
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

/// Columns of the sections table: human (`start` offset, `length`, `share` in %) or machine
/// (ids, ns, share as a fraction).
fn section_columns(human: bool) -> TableData {
    if human {
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
    }
}

/// One row per section, made when it is written (a 200,000-deep chain has 400,000 sections).
fn section_rows<'a>(
    tp: &'a TracePaths<'_>,
    path: &'a CriticalPath,
    human: bool,
) -> impl Iterator<Item = Vec<String>> + 'a {
    let t = tp.trace;
    let origin = t.spans[path.root as usize].start_ns;
    let total = path.duration_ns().max(1);
    path.sections.iter().map(move |s| {
        let share = s.len_ns() as f64 / total as f64;
        if human {
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
        }
    })
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

/// `tracekit.critical-path/v1`: the critical path of each trace, or (`--aggregate`) the
/// aggregate over many traces.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CriticalPathDoc {
    Traces(CpTracesDoc),
    Aggregate(CpAggregateDoc),
}

/// One path per root of each trace.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpTracesDoc {
    #[schemars(extend("const" = "tracekit.critical-path/v1"))]
    pub schema: &'static str,
    pub traces: Vec<CpTraceDoc>,
}

/// The critical path under one root.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpTraceDoc {
    pub duration_ns: u64,
    /// The walk, step by step (`--explain` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<CpStepDoc>>,
    pub quality: CpQualityDoc,
    pub root_operation: String,
    pub root_service: String,
    pub root_span_id: String,
    pub sections: Vec<CpSectionDoc>,
    pub trace_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpSectionDoc {
    pub duration_ns: u64,
    pub end_ns: u64,
    pub operation: String,
    pub service: String,
    pub span_id: String,
    pub start_ns: u64,
}

/// What made the path approximate.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpQualityDoc {
    /// Span ids of consumer subtrees left out (asynchronous).
    pub async_consumers: Vec<String>,
    pub clipped: Vec<CpClippedDoc>,
    /// Span ids of children that started or ended outside their parent.
    pub outside_parent: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpClippedDoc {
    pub clipped_ns: u64,
    pub span_id: String,
}

/// One step of the walk.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpStepDoc {
    pub chosen_span_id: Option<String>,
    pub passed_over: Vec<CpPassedOverDoc>,
    pub section: Option<CpStepSectionDoc>,
    pub span_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpPassedOverDoc {
    pub bound_ns: u64,
    pub end_ns: u64,
    #[schemars(extend("enum" = ["overlaps"]))]
    pub reason: &'static str,
    pub span_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpStepSectionDoc {
    pub end_ns: u64,
    pub start_ns: u64,
}

pub fn traces_doc(all: &[TracePaths<'_>], explain: bool) -> CpTracesDoc {
    let mut traces = Vec::new();
    for tp in all {
        let t = tp.trace;
        for p in &tp.paths {
            let id = |i: u32| t.spans[i as usize].span_id.to_string();
            let sections = p
                .sections
                .iter()
                .map(|s| CpSectionDoc {
                    duration_ns: s.len_ns(),
                    end_ns: s.end_ns,
                    operation: op(t, s.span).to_string(),
                    service: t.spans[s.span as usize].service.to_string(),
                    span_id: id(s.span),
                    start_ns: s.start_ns,
                })
                .collect();
            let explain = explain.then(|| {
                p.steps
                    .iter()
                    .map(|s| CpStepDoc {
                        chosen_span_id: s.chosen.map(id),
                        passed_over: s
                            .passed_over
                            .iter()
                            .map(|(k, why)| match why {
                                PassedOver::Overlaps { ends_ns, bound_ns } => CpPassedOverDoc {
                                    bound_ns: *bound_ns,
                                    end_ns: *ends_ns,
                                    reason: "overlaps",
                                    span_id: id(*k),
                                },
                            })
                            .collect(),
                        section: s.section.map(|x| CpStepSectionDoc {
                            end_ns: x.end_ns,
                            start_ns: x.start_ns,
                        }),
                        span_id: id(s.span),
                    })
                    .collect()
            });
            traces.push(CpTraceDoc {
                duration_ns: p.duration_ns(),
                explain,
                quality: CpQualityDoc {
                    async_consumers: p.quality.async_consumers.iter().map(|i| id(*i)).collect(),
                    clipped: p
                        .quality
                        .clipped
                        .iter()
                        .map(|(i, ns)| CpClippedDoc {
                            clipped_ns: *ns,
                            span_id: id(*i),
                        })
                        .collect(),
                    outside_parent: p.quality.outside_parent.iter().map(|i| id(*i)).collect(),
                },
                root_operation: op(t, p.root).to_string(),
                root_service: t.spans[p.root as usize].service.to_string(),
                root_span_id: id(p.root),
                sections,
                trace_id: t.trace_id.to_string(),
            });
        }
    }
    CpTracesDoc {
        schema: "tracekit.critical-path/v1",
        traces,
    }
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
            // The typed document, written as it is serialised (its fields are in the order a
            // `Value` would sort them, so the bytes are the same without the whole-tree copy).
            serde_json::to_writer_pretty(&mut *out, &traces_doc(all, explain))?;
            writeln!(out)
        }
        TableFormat::Csv => {
            // Streamed: one record per section, never the whole table in memory.
            let mut w = csv_writer(&mut *out);
            write_csv_record(&mut w, &section_columns(false).headers)?;
            for tp in all {
                for p in &tp.paths {
                    for row in section_rows(tp, p, false) {
                        write_csv_record(&mut w, &row)?;
                    }
                }
            }
            w.flush()
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
                        let columns = section_columns(true);
                        write_markdown_rows(
                            &columns.headers,
                            &columns.numeric,
                            section_rows(tp, p, true),
                            out,
                        )?;
                    } else {
                        writeln!(out, "{head}")?;
                        let columns = section_columns(true);
                        write_table_streamed(
                            &columns.headers,
                            &columns.numeric,
                            &|| section_rows(tp, p, true),
                            style,
                            out,
                        )?;
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

/// The aggregate over many traces (`--aggregate`).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CpAggregateDoc {
    pub aggregate: Vec<CpAggregateRowDoc>,
    /// The duration bounds `[low, high]` the percentile band resolved to.
    pub band_ns: Option<[u64; 2]>,
    #[schemars(extend("const" = "tracekit.critical-path/v1"))]
    pub schema: &'static str,
    pub total_ns: u64,
    pub traces_considered: u64,
    pub traces_total: u64,
}

/// One operation on the critical paths; besides the fixed fields, one `<p>_ns` field per
/// requested percentile (`p50_ns`, …) of its per-trace critical-path time.
#[derive(Serialize, JsonSchema)]
pub struct CpAggregateRowDoc {
    pub operation: String,
    pub service: String,
    /// Share of all critical-path time of the traces considered (0 to 1).
    pub share: f64,
    pub total_ns: u64,
    /// Traces in which it is on the path.
    pub traces: u64,
    /// `<p>_ns` per percentile.
    #[serde(flatten)]
    pub percentiles: BTreeMap<String, u64>,
}

pub fn aggregate_doc(r: &AggregateReport, rows: usize) -> CpAggregateDoc {
    CpAggregateDoc {
        aggregate: r
            .rows
            .iter()
            .take(rows)
            .map(|row| CpAggregateRowDoc {
                operation: row.key.operation.to_string(),
                service: row.key.service.to_string(),
                share: row.share,
                total_ns: row.total_ns as f64 as u64,
                traces: row.traces,
                percentiles: row
                    .percentiles
                    .iter()
                    .map(|(p, ns)| (format!("{}_ns", p.label()), *ns))
                    .collect(),
            })
            .collect(),
        band_ns: r.band_ns.map(|(a, b)| [a, b]),
        schema: "tracekit.critical-path/v1",
        total_ns: r.total_ns as f64 as u64,
        traces_considered: r.traces_considered,
        traces_total: r.traces_total,
    }
}

pub fn aggregate_json(r: &AggregateReport, rows: usize) -> Value {
    super::doc::to_value(&aggregate_doc(r, rows))
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
