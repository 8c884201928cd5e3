//! `skew` report: table, JSON (tracekit.skew/v1), CSV, Markdown.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::TableFormat;
use super::table::{TableData, TableStyle, write_csv, write_markdown, write_table};
use crate::analysis::skew::{PairReport, SkewBy, SkewMethod};
use crate::units::format_signed_duration as signed;

pub struct SkewView<'a> {
    pub pairs: &'a [PairReport],
    /// Per pair, the offset the chosen method's corrections imply (None for pairwise).
    pub method_offsets: &'a [Option<i64>],
    pub by: SkewBy,
    pub method: SkewMethod,
    pub threshold_ns: u64,
}

fn method_name(m: SkewMethod) -> &'static str {
    match m {
        SkewMethod::Pairwise => "pairwise",
        SkewMethod::Jaeger => "jaeger",
        SkewMethod::Zipkin => "zipkin",
    }
}

pub fn to_json(v: &SkewView<'_>) -> Value {
    let (ck, sk) = match v.by {
        SkewBy::Service => ("client_service", "server_service"),
        SkewBy::Host => ("client_host", "server_host"),
    };
    let pairs: Vec<Value> = v
        .pairs
        .iter()
        .zip(v.method_offsets)
        .map(|(p, m)| {
            let mut o = json!({
                ck: p.client, sk: p.server,
                "edges": p.edges, "offset_ns": p.offset_ns, "lower_ns": p.lower_ns, "upper_ns": p.upper_ns,
                "violations": p.violations, "consistent": p.consistent, "async_edges": p.async_edges,
                "exceeds_threshold": p.exceeds(v.threshold_ns),
            });
            if let Some(e) = &p.example {
                o["example"] = json!({"trace_id": e.trace_id.to_string(), "client_span_id": e.client.to_string(), "server_span_id": e.server.to_string()});
            }
            if let Some(m) = m {
                o["method_offset_ns"] = json!(m);
            }
            o
        })
        .collect();
    json!({"schema": "tracekit.skew/v1", "by": match v.by { SkewBy::Service => "service", SkewBy::Host => "host" },
           "method": method_name(v.method), "threshold_ns": v.threshold_ns, "pairs": pairs})
}

fn table(v: &SkewView<'_>, human: bool) -> TableData {
    let t = |ns: i64| if human { signed(ns) } else { ns.to_string() };
    let mut cols = vec![("client", false), ("server", false), ("edges", true)];
    let unit: [&str; 3] = if human {
        ["offset", "lower", "upper"]
    } else {
        ["offset_ns", "lower_ns", "upper_ns"]
    };
    cols.extend(unit.iter().map(|u| (*u, true)));
    cols.push(("violations", true));
    if v.method != SkewMethod::Pairwise {
        cols.push((method_name(v.method), true));
    }
    cols.push(("flag", false));
    let mut d = TableData::new(&cols);
    for (p, m) in v.pairs.iter().zip(v.method_offsets) {
        let mut row = vec![
            p.client.clone(),
            p.server.clone(),
            p.edges.to_string(),
            t(p.offset_ns),
            t(p.lower_ns),
            t(p.upper_ns),
        ];
        row.push(if p.async_edges > 0 {
            format!("{} ({} async)", p.violations, p.async_edges)
        } else {
            p.violations.to_string()
        });
        if v.method != SkewMethod::Pairwise {
            row.push(m.map(t).unwrap_or_default());
        }
        let flag = if p.exceeds(v.threshold_ns) {
            "SKEW"
        } else if !p.consistent {
            "contradicts"
        } else {
            ""
        };
        row.push(flag.into());
        d.push(row);
    }
    d
}

pub fn write(
    v: &SkewView<'_>,
    format: TableFormat,
    style: TableStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(v))?;
            writeln!(out)
        }
        TableFormat::Csv => write_csv(&table(v, false), out),
        TableFormat::Markdown => write_markdown(&table(v, true), out),
        TableFormat::Table => {
            if v.pairs.is_empty() {
                return writeln!(
                    out,
                    "no CLIENT→SERVER edges between different {}s",
                    match v.by {
                        SkewBy::Service => "service",
                        SkewBy::Host => "host",
                    }
                );
            }
            write_table(&table(v, true), style, out)?;
            writeln!(
                out,
                "offset = server clock minus client clock; bounds from causality (server.end−client.end ≤ δ ≤ server.start−client.start)"
            )
        }
    }
}
