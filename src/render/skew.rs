//! `skew` report: table, JSON (tracekit.skew/v1), CSV, Markdown.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

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

/// `tracekit.skew/v1`: the clock-skew estimate per client/server pair.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkewDoc {
    /// What the pairs are: `service` or `host`.
    pub by: &'static str,
    /// The estimation method: pairwise, jaeger or zipkin.
    pub method: &'static str,
    pub pairs: Vec<SkewPairDoc>,
    #[schemars(extend("const" = "tracekit.skew/v1"))]
    pub schema: &'static str,
    pub threshold_ns: u64,
}

/// One client/server pair: `client_service`/`server_service` (by service) or
/// `client_host`/`server_host` (by host).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkewPairDoc {
    pub async_edges: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_service: Option<String>,
    pub consistent: bool,
    pub edges: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<SkewExampleDoc>,
    pub exceeds_threshold: bool,
    pub lower_ns: i64,
    /// The offset the chosen method's corrections imply (absent for pairwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method_offset_ns: Option<i64>,
    pub offset_ns: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_service: Option<String>,
    pub upper_ns: i64,
    pub violations: u64,
}

/// The edge with the tightest bounds.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkewExampleDoc {
    pub client_span_id: String,
    pub server_span_id: String,
    pub trace_id: String,
}

pub fn doc(v: &SkewView<'_>) -> SkewDoc {
    let by_host = v.by == SkewBy::Host;
    let pairs = v
        .pairs
        .iter()
        .zip(v.method_offsets)
        .map(|(p, m)| {
            let (c, s) = (Some(p.client.clone()), Some(p.server.clone()));
            SkewPairDoc {
                async_edges: p.async_edges,
                client_host: if by_host { c.clone() } else { None },
                client_service: if by_host { None } else { c },
                consistent: p.consistent,
                edges: p.edges,
                example: p.example.as_ref().map(|e| SkewExampleDoc {
                    client_span_id: e.client.to_string(),
                    server_span_id: e.server.to_string(),
                    trace_id: e.trace_id.to_string(),
                }),
                exceeds_threshold: p.exceeds(v.threshold_ns),
                lower_ns: p.lower_ns,
                method_offset_ns: *m,
                offset_ns: p.offset_ns,
                server_host: if by_host { s.clone() } else { None },
                server_service: if by_host { None } else { s },
                upper_ns: p.upper_ns,
                violations: p.violations,
            }
        })
        .collect();
    SkewDoc {
        by: if by_host { "host" } else { "service" },
        method: method_name(v.method),
        pairs,
        schema: "tracekit.skew/v1",
        threshold_ns: v.threshold_ns,
    }
}

pub fn to_json(v: &SkewView<'_>) -> Value {
    super::doc::to_value(&doc(v))
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
