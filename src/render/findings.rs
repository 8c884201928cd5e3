//! Findings for people (grouped per rule, with rates) and as JSON (tracekit.<command>/v1).

use std::collections::BTreeMap;
use std::io::{self, Write};

use colored::Colorize;
use serde_json::{Map, Value, json};

use crate::analysis::findings::{Finding, Severity, Summary};
use crate::term::escape;

pub fn finding_json(f: &Finding) -> Value {
    let mut m = Map::new();
    m.insert("rule".into(), json!(f.rule));
    m.insert("severity".into(), json!(f.severity.as_str()));
    m.insert("trace_id".into(), json!(f.trace_id.map(|t| t.to_string())));
    m.insert("span_id".into(), json!(f.span_id.map(|s| s.to_string())));
    m.insert("message".into(), json!(f.message));
    if let Some(s) = &f.service {
        m.insert("service".into(), json!(s));
    }
    if let Some(o) = &f.operation {
        m.insert("operation".into(), json!(o));
    }
    for (k, v) in &f.details {
        m.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(m)
}

pub fn summary_json(s: &Summary) -> Value {
    let rate = |n: u64, of: u64| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    json!({
        "traces": s.traces,
        "spans": s.spans,
        "errors": s.errors,
        "warnings": s.warnings,
        "notes": s.notes,
        "rules": s.rules.iter().map(|r| json!({
            "rule": r.rule,
            "severity": r.severity.as_str(),
            "findings": r.findings,
            "traces_affected": r.traces_affected,
            "trace_rate": rate(r.traces_affected, s.traces),
            "spans_affected": r.spans_affected,
            "span_rate": rate(r.spans_affected, s.spans),
        })).collect::<Vec<_>>(),
    })
}

pub fn document(
    command: &str,
    findings: &[Finding],
    summary: &Summary,
    extra: &Map<String, Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("schema".into(), json!(format!("tracekit.{command}/v1")));
    m.insert(
        "findings".into(),
        Value::Array(findings.iter().map(finding_json).collect()),
    );
    m.insert("summary".into(), summary_json(summary));
    for (k, v) in extra {
        m.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(m)
}

fn label(sev: Severity, color: bool) -> String {
    let s = format!("{:<7}", sev.as_str());
    if !color {
        return s;
    }
    match sev {
        Severity::Error => s.red().bold().to_string(),
        Severity::Warning => s.yellow().bold().to_string(),
        Severity::Note => s.cyan().to_string(),
    }
}

fn pct(n: u64, of: u64) -> String {
    if of == 0 {
        "0%".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / of as f64)
    }
}

/// Findings grouped per rule (worst severity first), at most `max_per_rule` lines each, then the
/// per-rule rates and the totals.
pub fn write_table(
    findings: &[Finding],
    summary: &Summary,
    max_per_rule: usize,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(&f.rule).or_default().push(f);
    }
    let mut rules: Vec<_> = summary.rules.iter().collect();
    rules.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(&b.rule)));
    for r in &rules {
        let list = by_rule
            .get(r.rule.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut head = format!(
            "{} {}  {} finding(s)",
            label(r.severity, color),
            r.rule,
            r.findings
        );
        if r.traces_affected > 0 {
            head.push_str(&format!(
                " in {} of {} traces ({})",
                r.traces_affected,
                summary.traces,
                pct(r.traces_affected, summary.traces)
            ));
        }
        if r.spans_affected > 0 {
            head.push_str(&format!(
                ", {} spans ({})",
                r.spans_affected,
                pct(r.spans_affected, summary.spans)
            ));
        }
        writeln!(out, "{head}")?;
        for f in list.iter().take(max_per_rule) {
            let mut loc = String::new();
            if let Some(t) = f.trace_id {
                loc.push_str(&format!("trace {t}"));
            }
            if let Some(s) = f.span_id {
                loc.push_str(&format!(" span {s}"));
            }
            if let (Some(svc), Some(op)) = (&f.service, &f.operation) {
                loc.push_str(&format!(" {} {}", escape(svc), escape(op)));
            } else if let Some(svc) = &f.service {
                loc.push_str(&format!(" {}", escape(svc)));
            }
            let loc = loc.trim();
            if loc.is_empty() {
                writeln!(out, "  {}", escape(&f.message))?;
            } else {
                writeln!(out, "  {loc}: {}", escape(&f.message))?;
            }
        }
        if list.len() > max_per_rule {
            writeln!(
                out,
                "  … and {} more (all of them with --format json)",
                list.len() - max_per_rule
            )?;
        }
    }
    let verdict = format!(
        "{} trace(s), {} span(s): {} error(s), {} warning(s), {} note(s)",
        summary.traces, summary.spans, summary.errors, summary.warnings, summary.notes
    );
    if !rules.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{verdict}")
}
