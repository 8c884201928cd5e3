//! A postmortem-ready Markdown timeline of one trace: header, critical path, then the
//! chronological events that matter, each with its offset and wall-clock time.

use std::io::{self, Write};

use super::prepared::Prepared;
use crate::model::StatusCode;
use crate::units::{format_duration, format_timestamp};

/// Options of the Markdown timeline.
#[derive(Clone, Debug, Default)]
pub struct MarkdownOptions {
    /// Spans at least this long are listed (default: 10% of the trace's duration).
    pub min_duration_ns: Option<u64>,
    /// Also show wall-clock times at this fixed offset from UTC, in seconds.
    pub tz_offset_s: Option<i32>,
}

/// Escape text for a Markdown table cell: no markup, no pipes, no control characters.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::term::escape(s).chars() {
        if matches!(
            c,
            '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `+02:00`, `-0530`, `+02`, `UTC`, `Z` → seconds east of UTC. Offsets are read by jiff; names
/// other than UTC are refused (no time-zone database), so are offsets beyond ±14:00 (no place
/// on Earth is further from UTC) and offsets with seconds.
pub fn parse_tz(s: &str) -> Result<i32, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(0);
    }
    let usage = || format!("invalid time zone {s:?}: use UTC or an offset like +02:00");
    if !t.starts_with(['+', '-']) {
        return Err(usage());
    }
    let offset = jiff::fmt::temporal::DateTimeParser::new()
        .parse_time_zone(t)
        .and_then(|tz| tz.to_fixed_offset())
        .map_err(|_| usage())?;
    let secs = offset.seconds();
    if secs.abs() > 14 * 3600 || secs % 60 != 0 {
        return Err(format!("invalid time zone offset {s:?}"));
    }
    Ok(secs)
}

/// `2026-01-15 12:00:00.000000 +02:00`: the wall-clock time at a fixed offset.
fn local(ns: u64, offset_s: i32) -> String {
    let offset = jiff::tz::Offset::from_seconds(offset_s).unwrap_or(jiff::tz::Offset::UTC);
    let dt = offset.to_datetime(crate::units::timestamp(ns));
    // `%:z` would print +02:00 too, but it needs a time zone, which a civil time lacks.
    let sign = if offset_s < 0 { '-' } else { '+' };
    let a = offset_s.unsigned_abs();
    format!(
        "{} {sign}{:02}:{:02}",
        dt.strftime("%Y-%m-%d %H:%M:%S%.6f"),
        a / 3600,
        (a % 3600) / 60
    )
}

/// Time of day in UTC with microseconds: `12:00:00.000000`.
fn clock(ns: u64) -> String {
    crate::units::timestamp(ns)
        .strftime("%H:%M:%S%.6f")
        .to_string()
}

pub fn write(p: &Prepared<'_>, opts: &MarkdownOptions, out: &mut dyn Write) -> io::Result<()> {
    let t = p.trace;
    let start = p.start_ns();
    let duration = t.duration_ns();
    let errors: Vec<usize> = (0..t.spans.len())
        .filter(|&i| t.spans[i].status.code == StatusCode::Error)
        .collect();
    writeln!(out, "# Trace `{}`\n", t.trace_id)?;
    writeln!(out, "| | |\n|---|---|")?;
    let mut start_cell = format!("{} (UTC)", format_timestamp(start));
    if let Some(off) = opts.tz_offset_s {
        start_cell.push_str(&format!("<br>{}", local(start, off)));
    }
    writeln!(out, "| Start | {start_cell} |")?;
    writeln!(out, "| Duration | {} |", format_duration(duration))?;
    writeln!(out, "| Spans | {} |", t.spans.len())?;
    let services: Vec<String> = t
        .services()
        .iter()
        .map(|s| md(if s.is_empty() { "unknown" } else { s }))
        .collect();
    writeln!(
        out,
        "| Services ({}) | {} |",
        services.len(),
        services.join(", ")
    )?;
    let err_names: Vec<String> = errors
        .iter()
        .take(5)
        .map(|&i| {
            let s = &t.spans[i];
            let msg = s
                .status
                .message
                .as_deref()
                .map(|m| format!(": {}", md(m)))
                .unwrap_or_default();
            format!("{} {}{msg}", md(p.service(i)), md(&s.name))
        })
        .collect();
    let more = if errors.len() > 5 {
        format!(" and {} more", errors.len() - 5)
    } else {
        String::new()
    };
    writeln!(
        out,
        "| Errors | {}{} |",
        if errors.is_empty() {
            "none".to_string()
        } else {
            format!("{} span(s): {}", errors.len(), err_names.join("; "))
        },
        more
    )?;

    writeln!(out, "\n## Critical path\n")?;
    writeln!(
        out,
        "| Offset | Length | Share | Service | Operation |\n|---:|---:|---:|---|---|"
    )?;
    for path in &p.paths {
        let total = path.duration_ns().max(1);
        for s in &path.sections {
            writeln!(
                out,
                "| +{} | {} | {:.1}% | {} | {} |",
                format_duration(s.start_ns - start.min(s.start_ns)),
                format_duration(s.len_ns()),
                s.len_ns() as f64 * 100.0 / total as f64,
                md(p.service(s.span as usize)),
                md(&t.spans[s.span as usize].name)
            )?;
        }
    }

    // The events that matter, in time order.
    let min = opts.min_duration_ns.unwrap_or(duration / 10);
    let path_total: u64 = p.paths.iter().map(|x| x.duration_ns()).sum::<u64>().max(1);
    let mut rows: Vec<(u64, u8, String, String)> = Vec::new();
    for (i, s) in t.spans.iter().enumerate() {
        let is_root = p.tree.parent[i].is_none();
        let error = s.status.code == StatusCode::Error;
        let slow = s.duration_ns() >= min && min > 0;
        let critical = p.critical_ns[i] * 20 >= path_total; // owns ≥ 5% of the path
        let matters = is_root || error || slow || critical;
        let svc = md(p.service(i));
        let why: Vec<&str> = [
            (is_root, "root"),
            (error, "error"),
            (slow, "slow"),
            (critical, "critical path"),
        ]
        .iter()
        .filter(|x| x.0)
        .map(|x| x.1)
        .collect();
        if matters {
            rows.push((
                s.start_ns,
                0,
                svc.clone(),
                format!(
                    "▶ start **{}** ({}; {})",
                    md(&s.name),
                    s.kind.as_str(),
                    why.join(", ")
                ),
            ));
            let end = if error {
                let msg = s
                    .status
                    .message
                    .as_deref()
                    .map(|m| format!(": {}", md(m)))
                    .unwrap_or_default();
                format!(
                    "✖ **{}** failed after {}{msg}",
                    md(&s.name),
                    format_duration(s.duration_ns())
                )
            } else {
                format!(
                    "◀ end **{}** after {}",
                    md(&s.name),
                    format_duration(s.duration_ns())
                )
            };
            rows.push((s.end_ns.max(s.start_ns), 2, svc.clone(), end));
        }
        for e in &s.events {
            let is_exception = &*e.name == "exception";
            if !(matters || is_exception) {
                continue;
            }
            let detail = if is_exception {
                let ty = crate::model::value::find(&e.attributes, "exception.type")
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                let msg = crate::model::value::find(&e.attributes, "exception.message")
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                format!(
                    "⚠ exception in **{}**: {} {}",
                    md(&s.name),
                    md(&ty),
                    md(&msg)
                )
            } else {
                let attrs: Vec<String> = e
                    .attributes
                    .iter()
                    .take(3)
                    .map(|kv| format!("{}={}", md(&kv.key), md(&kv.value.to_string())))
                    .collect();
                format!(
                    "• event **{}** in {}{}",
                    md(&e.name),
                    md(&s.name),
                    if attrs.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", attrs.join(", "))
                    }
                )
            };
            rows.push((e.time_ns, 1, svc.clone(), detail));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    writeln!(out, "\n## Timeline\n")?;
    let local_col = opts.tz_offset_s.is_some();
    if local_col {
        writeln!(
            out,
            "| Offset | Time (UTC) | Local time | Service | What |\n|---:|---|---|---|---|"
        )?;
    } else {
        writeln!(
            out,
            "| Offset | Time (UTC) | Service | What |\n|---:|---|---|---|"
        )?;
    }
    for (ts, _, svc, what) in &rows {
        let off = format!("+{}", format_duration(ts.saturating_sub(start)));
        if let Some(o) = opts.tz_offset_s {
            writeln!(
                out,
                "| {off} | {} | {} | {svc} | {what} |",
                clock(*ts),
                local(*ts, o)
            )?;
        } else {
            writeln!(out, "| {off} | {} | {svc} | {what} |", clock(*ts))?;
        }
    }
    writeln!(
        out,
        "\nSpans listed: roots, errors, spans of at least {} and spans owning at least 5% of the critical path. Generated by tracekit {}.",
        format_duration(min),
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_and_escaping() {
        assert_eq!(parse_tz("+02:00").unwrap(), 7200);
        assert_eq!(parse_tz("-0530").unwrap(), -(5 * 3600 + 30 * 60));
        assert_eq!(parse_tz("UTC").unwrap(), 0);
        assert!(parse_tz("Europe/Paris").is_err());
        assert_eq!(parse_tz("+02").unwrap(), 7200);
        assert_eq!(parse_tz("-14:00").unwrap(), -14 * 3600);
        // Beyond ±14:00 no place on Earth is; +99:00 is no offset at all; seconds are refused.
        assert_eq!(
            parse_tz("+15:00").unwrap_err(),
            "invalid time zone offset \"+15:00\""
        );
        assert!(parse_tz("+99:00").is_err());
        assert!(parse_tz("+02:00:30").is_err());
        assert!(parse_tz("+2:00").is_err());
        assert_eq!(md("a|b*c"), "a\\|b\\*c");
        assert_eq!(local(0, 3600), "1970-01-01 01:00:00.000000 +01:00");
        assert_eq!(
            local(1_768_471_200_123_456_789, -(5 * 3600 + 30 * 60)),
            "2026-01-15 04:30:00.123456 -05:30"
        );
        assert_eq!(clock(1_768_471_200_123_456_789), "10:00:00.123456");
    }
}
