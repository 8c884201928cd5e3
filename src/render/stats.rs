//! `stats` output: table, JSON (tracekit.stats/v1), CSV, Markdown.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::TableFormat;
use super::table::{TableData, TableStyle, write_csv, write_markdown, write_table};
use crate::analysis::percentile::QuantileMethod;
use crate::analysis::stats::{GroupBy, GroupStats, StatsReport};
use crate::units::format_duration;

pub struct StatsView<'a> {
    pub report: &'a StatsReport,
    /// The groups to print, in order (already sorted and cut by `--top`).
    pub groups: &'a [GroupStats],
    pub group_by: &'a GroupBy,
    pub method: QuantileMethod,
}

fn key_columns(g: &GroupBy) -> Vec<&'static str> {
    match g {
        GroupBy::Service => vec!["service"],
        GroupBy::Operation | GroupBy::Root => vec!["service", "operation"],
        GroupBy::Kind => vec!["kind"],
        GroupBy::Attr(_) => vec!["value"],
    }
}

fn key_values(g: &GroupBy, s: &GroupStats) -> Vec<String> {
    let svc = if s.key.service.is_empty() {
        "unknown".to_string()
    } else {
        s.key.service.to_string()
    };
    match g {
        GroupBy::Service => vec![svc],
        GroupBy::Operation | GroupBy::Root => vec![svc, s.key.operation.to_string()],
        GroupBy::Kind => vec![s.key.kind.map(|k| k.as_str()).unwrap_or("").to_string()],
        GroupBy::Attr(_) => vec![s.key.value.as_deref().unwrap_or("").to_string()],
    }
}

/// The rows as a table. Human units when `human`, integer nanoseconds otherwise (CSV).
pub fn table_data(v: &StatsView<'_>, human: bool) -> TableData {
    let t = |ns: u64| {
        if human {
            format_duration(ns)
        } else {
            ns.to_string()
        }
    };
    let mut cols: Vec<(String, bool)> = key_columns(v.group_by)
        .into_iter()
        .map(|c| (c.to_string(), false))
        .collect();
    let unit = if human { "" } else { "_ns" };
    cols.push(("count".into(), true));
    cols.push(("errors".into(), true));
    cols.push((if human { "err %" } else { "error_rate" }.into(), true));
    let pcts: Vec<_> = v
        .groups
        .first()
        .map(|g| g.duration.iter().map(|(p, _)| *p).collect())
        .unwrap_or_default();
    for p in &pcts {
        cols.push((format!("{}{unit}", p.label()), true));
    }
    cols.push((format!("max{unit}"), true));
    // Self time at the highest percentile asked for (all of them in CSV).
    let self_pcts: Vec<_> = if human {
        pcts.last().copied().into_iter().collect()
    } else {
        pcts.clone()
    };
    for p in &self_pcts {
        cols.push((
            if human {
                format!("self {}", p.label())
            } else {
                format!("self_{}_ns", p.label())
            },
            true,
        ));
    }
    let colrefs: Vec<(&str, bool)> = cols.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let mut data = TableData::new(&colrefs);
    for g in v.groups {
        let mut row = key_values(v.group_by, g);
        row.push(g.count.to_string());
        row.push(g.errors.to_string());
        row.push(if human {
            format!("{:.1}", g.error_rate() * 100.0)
        } else {
            format!("{:.6}", g.error_rate())
        });
        for (_, ns) in &g.duration {
            row.push(t(*ns));
        }
        row.push(t(g.max_ns));
        for p in &self_pcts {
            let ns = g
                .self_time
                .iter()
                .find(|(q, _)| q == p)
                .map(|x| x.1)
                .unwrap_or(0);
            row.push(t(ns));
        }
        data.push(row);
    }
    data
}

pub fn to_json(v: &StatsView<'_>) -> Value {
    let groups: Vec<Value> = v
        .groups
        .iter()
        .map(|g| {
            let mut m = Map::new();
            match v.group_by {
                GroupBy::Service => {
                    m.insert("service".into(), json!(&*g.key.service));
                }
                GroupBy::Operation | GroupBy::Root => {
                    m.insert("service".into(), json!(&*g.key.service));
                    m.insert("operation".into(), json!(&*g.key.operation));
                }
                GroupBy::Kind => {
                    m.insert("kind".into(), json!(g.key.kind.map(|k| k.as_str())));
                }
                GroupBy::Attr(k) => {
                    m.insert("key".into(), json!(k));
                    m.insert("value".into(), json!(g.key.value.as_deref()));
                }
            }
            m.insert("count".into(), json!(g.count));
            m.insert("errors".into(), json!(g.errors));
            m.insert("error_rate".into(), json!(g.error_rate()));
            for (p, ns) in &g.duration {
                m.insert(format!("{}_ns", p.label()), json!(ns));
            }
            m.insert("min_ns".into(), json!(g.min_ns));
            m.insert("mean_ns".into(), json!(g.mean_ns));
            m.insert("max_ns".into(), json!(g.max_ns));
            m.insert("total_ns".into(), json!(g.total_ns as f64 as u64));
            for (p, ns) in &g.self_time {
                m.insert(format!("self_{}_ns", p.label()), json!(ns));
            }
            m.insert("self_max_ns".into(), json!(g.self_max_ns));
            Value::Object(m)
        })
        .collect();
    json!({
        "schema": "tracekit.stats/v1",
        "group_by": v.group_by.name(),
        "quantile_method": v.method.name(),
        "traces": v.report.traces,
        "spans": v.report.spans,
        "ungrouped_spans": v.report.ungrouped,
        "groups": groups,
    })
}

pub fn write(
    v: &StatsView<'_>,
    format: TableFormat,
    style: TableStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        TableFormat::Table => write_table(&table_data(v, true), style, out),
        TableFormat::Csv => write_csv(&table_data(v, false), out),
        TableFormat::Markdown => write_markdown(&table_data(v, true), out),
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(v))?;
            writeln!(out)
        }
    }
}
