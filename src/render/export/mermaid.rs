//! A Mermaid gantt chart of one trace (renders in GitHub Markdown): a section per service,
//! critical-path spans tagged `crit`. Mermaid works in whole milliseconds: times are
//! milliseconds from the trace start, and spans shorter than 1 ms are drawn 1 ms long and
//! labelled `<1ms`, never silently.

use std::io::{self, Write};

use super::prepared::Prepared;
use crate::model::StatusCode;
use crate::units::format_duration;

/// Mermaid task and section text: `:` separates task metadata, `#` and `;` start entities and
/// statements, so they are replaced by look-alikes; control characters and bidirectional
/// marks, overrides and isolates are dropped.
pub fn text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|&c| !crate::term::needs_escape(c))
        .map(|c| match c {
            ':' => '∶',
            '#' => '♯',
            ';' => ',',
            c => c,
        })
        .collect();
    let t = cleaned.trim();
    if t.chars().count() > 80 {
        format!("{}…", t.chars().take(79).collect::<String>())
    } else {
        t.to_string()
    }
}

pub fn write(p: &Prepared<'_>, out: &mut dyn Write) -> io::Result<()> {
    let t = p.trace;
    let start = p.start_ns();
    writeln!(out, "gantt")?;
    writeln!(
        out,
        "    title Trace {} ({})",
        t.trace_id,
        format_duration(t.duration_ns())
    )?;
    writeln!(out, "    dateFormat x")?;
    writeln!(
        out,
        "    axisFormat {}",
        if t.duration_ns() >= 60_000_000_000 {
            "%M:%S"
        } else {
            "%S.%L s"
        }
    )?;
    writeln!(
        out,
        "    %% Times are milliseconds from the trace start ({}).",
        crate::units::format_timestamp(start)
    )?;
    writeln!(
        out,
        "    %% Spans shorter than 1 ms are drawn 1 ms long and labelled <1ms; crit = critical path."
    )?;
    // Services in order of first appearance in the tree.
    let mut services: Vec<&str> = Vec::new();
    for &i in &p.order {
        let s = p.service(i as usize);
        if !services.contains(&s) {
            services.push(s);
        }
    }
    for svc in services {
        writeln!(out, "    section {}", text(svc))?;
        for &i in &p.order {
            let i = i as usize;
            if p.service(i) != svc {
                continue;
            }
            let s = &t.spans[i];
            let from_ns = s.start_ns.saturating_sub(start);
            let dur_ns = s.duration_ns();
            let a = (from_ns as f64 / 1e6).round() as u64;
            let mut b = ((from_ns + dur_ns) as f64 / 1e6).round() as u64;
            let short = dur_ns < 1_000_000;
            if b <= a {
                b = a + 1;
            }
            let mut tags = Vec::new();
            if p.critical_ns[i] > 0 {
                tags.push("crit");
            }
            if s.status.code == StatusCode::Error {
                tags.push("active");
            }
            let mark = if s.status.code == StatusCode::Error {
                "✗ "
            } else {
                ""
            };
            let dur = if short {
                "<1ms".to_string()
            } else {
                format_duration(dur_ns)
            };
            let tag_str = if tags.is_empty() {
                String::new()
            } else {
                format!("{}, ", tags.join(", "))
            };
            writeln!(
                out,
                "    {mark}{} {dur} :{tag_str}s{}, {a}, {b}",
                text(&s.name),
                i + 1
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_mermaid_syntax() {
        assert_eq!(text("GET /a:b#c;d"), "GET /a∶b♯c,d");
        assert_eq!(text("x\ny"), "xy");
    }
}
