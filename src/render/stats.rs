//! `stats` output: table, JSON (tracekit.stats/v1), CSV, Markdown.

use std::collections::BTreeMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

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

/// `tracekit.stats/v1`: latency and error statistics per group.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsDoc {
    /// operation, service, kind, root, or `attr=KEY`.
    pub group_by: String,
    pub groups: Vec<StatsGroupDoc>,
    pub quantile_method: &'static str,
    #[schemars(extend("const" = "tracekit.stats/v1"))]
    pub schema: &'static str,
    pub spans: u64,
    pub traces: u64,
    pub ungrouped_spans: u64,
}

/// One group. The key fields present depend on `group_by`; besides the fixed fields, one
/// `<p>_ns` and one `self_<p>_ns` field per requested percentile (`p50_ns`, `self_p99_ns`, …).
#[derive(Serialize, JsonSchema)]
pub struct StatsGroupDoc {
    pub count: u64,
    pub error_rate: f64,
    pub errors: u64,
    /// Attribute key (`group_by` `attr=KEY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Span kind (`group_by` kind); null for spans without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Option<&'static str>>,
    pub max_ns: u64,
    pub mean_ns: u64,
    pub min_ns: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub self_max_ns: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub total_ns: u64,
    /// Attribute value (`group_by` `attr=KEY`); null for spans without the attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Option<String>>,
    /// `<p>_ns` and `self_<p>_ns` per percentile.
    #[serde(flatten)]
    pub percentiles: BTreeMap<String, u64>,
}

pub fn doc(v: &StatsView<'_>) -> StatsDoc {
    let groups = v
        .groups
        .iter()
        .map(|g| {
            let mut d = StatsGroupDoc {
                count: g.count,
                error_rate: g.error_rate(),
                errors: g.errors,
                key: None,
                kind: None,
                max_ns: g.max_ns,
                mean_ns: g.mean_ns,
                min_ns: g.min_ns,
                operation: None,
                self_max_ns: g.self_max_ns,
                service: None,
                total_ns: g.total_ns as f64 as u64,
                value: None,
                percentiles: BTreeMap::new(),
            };
            match v.group_by {
                GroupBy::Service => d.service = Some(g.key.service.to_string()),
                GroupBy::Operation | GroupBy::Root => {
                    d.service = Some(g.key.service.to_string());
                    d.operation = Some(g.key.operation.to_string());
                }
                GroupBy::Kind => d.kind = Some(g.key.kind.map(|k| k.as_str())),
                GroupBy::Attr(k) => {
                    d.key = Some(k.to_string());
                    d.value = Some(g.key.value.as_deref().map(str::to_string));
                }
            }
            for (p, ns) in &g.duration {
                d.percentiles.insert(format!("{}_ns", p.label()), *ns);
            }
            for (p, ns) in &g.self_time {
                d.percentiles.insert(format!("self_{}_ns", p.label()), *ns);
            }
            d
        })
        .collect();
    StatsDoc {
        group_by: v.group_by.name().to_string(),
        groups,
        quantile_method: v.method.name(),
        schema: "tracekit.stats/v1",
        spans: v.report.spans,
        traces: v.report.traces,
        ungrouped_spans: v.report.ungrouped,
    }
}

pub fn to_json(v: &StatsView<'_>) -> Value {
    super::doc::to_value(&doc(v))
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
