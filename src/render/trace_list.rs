//! The traces of an input, one line each (what `show` prints when it is not told which trace):
//! a table in the terminal, or JSON (`{"schema":"tracekit.show/v1","traces":[…]}`).

use std::io::{self, Write};

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle,
    Width,
};
use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{Span, Trace};
use crate::term::escape;
use crate::term::style::Styles;
use crate::units::{format_duration, format_timestamp};

/// One trace, summarised.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSummary<'a> {
    pub trace: &'a Trace,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// The root span: the earliest span without a parent, else the earliest span.
    pub root: Option<&'a Span>,
    pub spans: usize,
    pub errors: usize,
}

/// Summaries sorted by start time (then trace id). O(n) per trace, no tree needed.
pub fn summarize(traces: &[Trace]) -> Vec<TraceSummary<'_>> {
    let mut v: Vec<TraceSummary<'_>> = traces
        .iter()
        .map(|t| {
            let key = |s: &&Span| (s.start_ns == 0, s.start_ns);
            let root = t
                .spans
                .iter()
                .filter(|s| s.parent_span_id.is_none_or(|p| p.is_zero()))
                .min_by_key(key)
                .or_else(|| t.spans.iter().min_by_key(key));
            TraceSummary {
                trace: t,
                start_ns: t.start_ns(),
                duration_ns: t.duration_ns(),
                root,
                spans: t.spans.len(),
                errors: t.error_count(),
            }
        })
        .collect();
    v.sort_by_key(|s| (s.start_ns, s.trace.trace_id));
    v
}

/// Names wrap, but not narrower than this.
const MIN_NAME_COLUMN: usize = 8;

/// No borders, a rule under the header: the most room for the columns.
const UTF8_STYLE: TableStyle = TableStyle::new().header_separator(LineStyle::none().fill('─'));
const ASCII_STYLE: TableStyle = TableStyle::new().header_separator(LineStyle::none().fill('-'));

#[derive(Clone, Debug)]
pub struct TableOptions {
    pub width: usize,
    pub ascii: bool,
    pub styles: Styles,
}

/// A comfy-table of the traces. Every text from the traces is escaped.
pub fn render_table(
    list: &[TraceSummary<'_>],
    opts: &TableOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_style(if opts.ascii { ASCII_STYLE } else { UTF8_STYLE })
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(opts.width).unwrap_or(u16::MAX))
        .set_truncation_indicator(if opts.ascii { "..." } else { "…" })
        .force_no_tty();
    if opts.styles.color {
        table.enforce_styling();
    }
    // When every trace starts on the same day, the date is said once, above the table.
    let day = |s: &TraceSummary<'_>| short_timestamp(s.start_ns).get(..10).map(str::to_string);
    let one_day = list
        .first()
        .and_then(day)
        .filter(|d| list.iter().all(|s| day(s).as_deref() == Some(d)));
    table.set_header(
        [
            "trace id",
            "start (UTC)",
            "root service",
            "root operation",
            "duration",
            "spans",
            "errors",
        ]
        .map(Cell::new),
    );
    for s in list {
        let (service, operation) = names(s);
        let mut errors = Cell::new(s.errors).set_alignment(CellAlignment::Right);
        if s.errors > 0 {
            errors = errors.fg(Color::Red);
        }
        table.add_row(vec![
            Cell::new(s.trace.trace_id.to_short_hex()),
            Cell::new(if one_day.is_some() {
                time_of_day(s.start_ns)
            } else {
                short_timestamp(s.start_ns)
            }),
            Cell::new(service),
            Cell::new(operation),
            Cell::new(format_duration(s.duration_ns)).set_alignment(CellAlignment::Right),
            Cell::new(s.spans).set_alignment(CellAlignment::Right),
            errors,
        ]);
    }
    // Ids, times and numbers never wrap; the names give way, down to a readable width (past
    // that the table gets wider than asked rather than wrap names letter by letter).
    let name_min = |col: usize| {
        let widest = list
            .iter()
            .map(|s| names(s))
            .map(|n| if col == 2 { n.0 } else { n.1 });
        widest
            .map(|n| display_width(&n))
            .max()
            .unwrap_or(0)
            .clamp(4, MIN_NAME_COLUMN) as u16
    };
    let mins = [name_min(2), name_min(3)];
    for (i, col) in table.column_iter_mut().enumerate() {
        match i {
            2 | 3 => col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(mins[i - 2]))),
            _ => col.set_constraint(ColumnConstraint::ContentWidth),
        };
    }
    if let Some(d) = &one_day {
        writeln!(out, "traces of {d} (UTC)")?;
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Root service and operation, escaped.
fn names(s: &TraceSummary<'_>) -> (String, String) {
    match s.root {
        Some(r) if r.service.is_empty() => ("unknown".into(), escape(&r.name).into_owned()),
        Some(r) => (
            escape(&r.service).into_owned(),
            escape(&r.name).into_owned(),
        ),
        None => (String::new(), String::new()),
    }
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

/// `22:13:20.123`.
fn time_of_day(ns: u64) -> String {
    let t = short_timestamp(ns);
    t.get(11..).map(str::to_string).unwrap_or(t)
}

/// `2023-11-14 22:13:20.123`: UTC to the millisecond (the JSON has the exact nanoseconds).
fn short_timestamp(ns: u64) -> String {
    let full = format_timestamp(ns);
    // `YYYY-MM-DDTHH:MM:SS.ffffffZ` → date, space, time with three decimals.
    match (full.get(..10), full.get(11..23)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => full,
    }
}

/// The list of traces (`show` on many traces without `--trace`).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListJson<'a> {
    #[schemars(extend("const" = "tracekit.show/v1"))]
    schema: &'static str,
    traces: Vec<TraceJson<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TraceJson<'a> {
    trace_id: String,
    start_ns: u64,
    duration_ns: u64,
    root_service: Option<&'a str>,
    root_operation: Option<&'a str>,
    root_span_id: Option<String>,
    spans: usize,
    errors: usize,
}

/// `{"schema":"tracekit.show/v1","traces":[…]}` with raw (JSON-escaped) strings.
pub fn render_json(list: &[TraceSummary<'_>], out: &mut dyn Write) -> io::Result<()> {
    let doc = ListJson {
        schema: "tracekit.show/v1",
        traces: list
            .iter()
            .map(|s| TraceJson {
                trace_id: s.trace.trace_id.to_string(),
                start_ns: s.start_ns,
                duration_ns: s.duration_ns,
                root_service: s.root.map(|r| &*r.service),
                root_operation: s.root.map(|r| &*r.name),
                root_span_id: s.root.map(|r| r.span_id.to_string()),
                spans: s.spans,
                errors: s.errors,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StatusCode;
    use crate::render::testkit::{BASE_NS, TraceBuilder};

    fn traces() -> Vec<Trace> {
        let mut a = TraceBuilder::new(0xaaaa);
        a.span(2, Some(1), "web", "child first in input", 5, 10)
            .status
            .code = StatusCode::Error;
        a.span(1, None, "web", "GET /a", 2_000, 50);
        let mut b = TraceBuilder::new(0xbbbb_0000_0000_0000_0000_0000_0000_0001);
        b.span(1, None, "evil\x1b[31m", "op\u{202e}x\ny", 1_000, 3_000);
        b.span(2, Some(1), "db", "q", 1_100, 100);
        let mut c = TraceBuilder::new(0xcccc);
        c.span(5, Some(77), "", "orphan only", 10, 1);
        vec![b.build(), a.build(), c.build()]
    }

    #[test]
    fn summaries_sorted_by_start_with_roots() {
        let t = traces();
        let l = summarize(&t);
        let ids: Vec<u128> = l.iter().map(|s| s.trace.trace_id.0).collect();
        // a starts at 5µs, c at 10µs, b at 1000µs.
        assert_eq!(
            ids,
            vec![0xaaaa, 0xcccc, 0xbbbb_0000_0000_0000_0000_0000_0000_0001]
        );
        assert_eq!(l[0].start_ns, BASE_NS + 5_000);
        // a: [5µs, 2050µs].
        assert_eq!(l[0].duration_ns, 2_045_000);
        assert_eq!(&*l[0].root.unwrap().name, "GET /a");
        assert_eq!((l[0].spans, l[0].errors), (2, 1));
        // An orphan-only trace: its earliest span stands for the root.
        assert_eq!(&*l[1].root.unwrap().name, "orphan only");
    }

    fn table(list: &[TraceSummary<'_>], width: usize, ascii: bool, styles: Styles) -> String {
        let mut out = Vec::new();
        render_table(
            list,
            &TableOptions {
                width,
                ascii,
                styles,
            },
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    fn max_width(s: &str) -> usize {
        s.lines().map(display_width).max().unwrap_or(0)
    }

    #[test]
    fn table_escapes_and_fits() {
        let t = traces();
        let l = summarize(&t);
        let text = table(&l, 120, false, Styles::PLAIN);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(!text.contains('\u{202e}'));
        assert!(text.contains("evil\\x1b[31m"), "{text}");
        assert!(text.contains("op\\u{202e}x\\ny"), "{text}");
        assert!(
            text.contains(" 000000000000aaaa "),
            "64-bit ids print as 16 digits:\n{text}"
        );
        assert!(text.contains(" bbbb0000000000000000000000000001 "));
        assert!(text.starts_with("traces of 2023-11-14 (UTC)\n"), "{text}");
        assert!(text.contains(" 22:13:20.001 "));
        assert!(text.contains(" unknown "));
        assert!(text.contains("────"));
        assert!(max_width(&text) <= 120, "{text}");
        // Sorted by start: a, c, b.
        let pos = |id: &str| text.find(id).unwrap();
        assert!(pos("aaaa") < pos("cccc") && pos("cccc") < pos("bbbb"));
        let row = text.lines().find(|l| l.contains("aaaa")).unwrap();
        assert!(
            row.ends_with("  GET /a            2.04ms      2       1"),
            "{row:?}"
        );
        // Traces on different days: full dates per row.
        let mut late = TraceBuilder::new(0xdddd);
        late.span(1, None, "web", "next day", 86_400_000_000, 1);
        let mut t2 = t.clone();
        t2.push(late.build());
        let text = table(&summarize(&t2), 120, false, Styles::PLAIN);
        assert!(
            text.contains(" 2023-11-14 22:13:20.001 ")
                && text.contains(" 2023-11-15 22:13:20.000 "),
            "{text}"
        );
        assert!(!text.contains("traces of"));

        // ASCII, and only comfy-table's own styling (the red error count) with color.
        let text = table(&l, 120, true, Styles::COLOR);
        assert!(text.contains("-----") && !text.contains('─'), "{text}");
        assert!(text.contains("\x1b["), "{text}");
        assert!(!text.contains("evil\x1b"));
    }

    #[test]
    fn table_at_80_columns() {
        // 64-bit ids: everything fits in 80 columns, long names wrap.
        let mut b = TraceBuilder::new(0x1234_5678_9abc_def0);
        b.span(
            1,
            None,
            "a-service-with-a-long-name",
            "GET /a/rather/long/route/{id}/items",
            0,
            10,
        );
        let mut c = TraceBuilder::new(0x42);
        c.span(1, None, "web", "GET /", 10, 10);
        let t = vec![b.build(), c.build()];
        let text = table(&summarize(&t), 80, false, Styles::PLAIN);
        assert!(max_width(&text) <= 80, "{text}");
        assert!(text.contains("123456789abcdef0"));
        assert!(text.lines().count() > 4, "long names wrap:\n{text}");
    }

    #[test]
    fn json_list_shape() {
        let t = traces();
        let l = summarize(&t);
        let mut out = Vec::new();
        render_json(&l, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["schema"], "tracekit.show/v1");
        let tr = v["traces"].as_array().unwrap();
        assert_eq!(tr.len(), 3);
        assert_eq!(tr[0]["trace_id"], "0000000000000000000000000000aaaa");
        assert_eq!(tr[0]["start_ns"], BASE_NS + 5_000);
        assert_eq!(tr[0]["duration_ns"], 2_045_000);
        assert_eq!(tr[0]["root_service"], "web");
        assert_eq!(tr[0]["root_operation"], "GET /a");
        assert_eq!(tr[0]["root_span_id"], "0000000000000001");
        assert_eq!(tr[0]["spans"], 2);
        assert_eq!(tr[0]["errors"], 1);
        // Raw strings in JSON (serde escapes them).
        assert_eq!(tr[2]["root_service"], "evil\x1b[31m");
        assert_eq!(tr[2]["root_operation"], "op\u{202e}x\ny");
    }
}
