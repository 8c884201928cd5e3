//! `tracekit show`: one trace as a terminal waterfall (span tree, durations, self time, and bars
//! on the trace's timeline) or as a plain tree (`--format tree`).
//!
//! A line per shown span, at total width W:
//!
//! ```text
//! MM PREFIX SERVICE OPERATION…   DURATION  SELF │      ▕████▍
//! ```
//!
//! `MM` are two mark columns (`!` for an error, a warning mark), the tree prefix is drawn with
//! box-drawing (or ASCII) characters, and the bar is the span's interval on the trace's timeline
//! to an eighth of a cell. Text columns are truncated by display width so that every span takes
//! one line.
//!
//! Everything that comes from the trace goes through [`crate::term::escape`]. The work is
//! O(n log n) (the tree's and self time's sorts); each line costs O(W) whatever the depth,
//! because the tree prefix draws at most a fixed number of levels.

mod bars;
mod details;
mod footer;
mod rows;
mod text;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};

#[cfg(test)]
use self::bars::{axis, bar_eighths, bar_glyphs};
#[cfg(test)]
use self::details::typed_value;
use self::footer::Footer;
#[cfg(test)]
use self::rows::split_name;
use self::rows::{Drawing, RowState};
use self::text::{display_width, duration_text, plural};
#[cfg(test)]
use self::text::{truncate, wrap};
use super::span_view::{Filter, SpanView};
use crate::model::{Span, Trace, TraceTree};
use crate::term::escape;
use crate::term::style::{Styles, sgr};
use crate::units::format_timestamp;

/// Width when neither `--width` nor the terminal says.
pub const DEFAULT_WIDTH: usize = 120;
/// Narrower requests are drawn at this width.
pub const MIN_WIDTH: usize = crate::term::MIN_WIDTH;
/// Most tree levels drawn in a prefix; deeper spans show `… [depth N]`.
const MAX_LEVELS: usize = 24;
/// Room kept for service and operation when the tree prefix is capped.
const MIN_NAME: usize = 16;
/// The `!` column, the warning column and a space.
const MARK_W: usize = 3;
/// Lines one detail (an attribute, an event) or one warning may take.
const MAX_DETAIL_LINES: usize = 4;
/// Indent of a detail's continuation lines.
const DETAIL_CONTINUATION: &str = "    ";
/// Warning lines listed under the waterfall; the rest are counted.
const MAX_WARNING_LINES: usize = 20;

#[derive(Clone, Debug)]
pub struct Options {
    /// Total width in columns.
    pub width: usize,
    /// ASCII only: `|- \-` tree, `=`/`-` bars.
    pub ascii: bool,
    /// Draw the timeline bars (`--format waterfall`); without them a tree (`--format tree`).
    pub bars: bool,
    /// Attributes, events, links, status message, and resource and scope once per service.
    pub attrs: bool,
    pub styles: Styles,
    pub filter: Filter,
    /// Mark the spans that own critical-path time (`--critical-path`).
    pub critical_path: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: DEFAULT_WIDTH,
            ascii: false,
            bars: true,
            attrs: false,
            styles: Styles::PLAIN,
            filter: Filter::default(),
            critical_path: false,
        }
    }
}

struct Glyphs {
    ascii: bool,
    tee: &'static str,
    elbow: &'static str,
    pipe: &'static str,
    blank: &'static str,
    /// Under a span with children, in its detail lines.
    down: &'static str,
    sep: &'static str,
    ellipsis: &'static str,
    /// Marks a span on the critical path.
    critical: &'static str,
}

const UNICODE: Glyphs = Glyphs {
    ascii: false,
    tee: "├─ ",
    elbow: "└─ ",
    pipe: "│  ",
    blank: "   ",
    down: "│ ",
    sep: "│",
    ellipsis: "…",
    critical: "◆",
};

const ASCII: Glyphs = Glyphs {
    ascii: true,
    tee: "|- ",
    elbow: "\\- ",
    pipe: "|  ",
    blank: "   ",
    down: "| ",
    sep: "|",
    ellipsis: "...",
    critical: "#",
};

/// Draw `trace` (whose tree is `tree`) as a waterfall or tree.
pub fn render(
    trace: &Trace,
    tree: &TraceTree,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let view = SpanView::build(trace, tree, &opts.filter);
    render_view(trace, tree, &view, opts, out)
}

/// One shown span's text, escaped and measured once.
struct Row<'a> {
    i: usize,
    svc: Cow<'a, str>,
    op: Cow<'a, str>,
    svc_w: usize,
    op_w: usize,
    dur: String,
    self_t: String,
}

/// Column widths.
struct Layout {
    width: usize,
    name_w: usize,
    dur_w: usize,
    self_w: usize,
    bar_w: usize,
    /// Tree levels drawn before `… [depth N]`.
    levels: usize,
}

fn layout(width: usize, bars: bool, natural_name: usize, dur_w: usize, self_w: usize) -> Layout {
    let width = width.max(MIN_WIDTH);
    let fixed = MARK_W + 1 + dur_w + 1 + self_w + if bars { 2 } else { 0 };
    let avail = width.saturating_sub(fixed);
    let (name_w, bar_w) = if bars {
        // Names take what they need up to a bit more than half; the bars take the rest.
        let name_w = natural_name.min((avail * 55 / 100).max(MIN_NAME.min(avail)));
        (name_w, avail - name_w)
    } else {
        (natural_name.min(avail), 0)
    };
    let levels = if natural_name <= name_w {
        MAX_LEVELS
    } else {
        (name_w.saturating_sub(MIN_NAME) / 3).clamp(1, MAX_LEVELS)
    };
    Layout {
        width,
        name_w,
        dur_w,
        self_w,
        bar_w,
        levels,
    }
}

fn render_view(
    trace: &Trace,
    tree: &TraceTree,
    view: &SpanView,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows = rows(trace, view, opts.ascii);
    let lay = measure(&rows, tree, opts);
    // Services in sorted order give each its color.
    let services = trace.services();
    let d = Drawing {
        trace,
        tree,
        view,
        opts,
        g: if opts.ascii { &ASCII } else { &UNICODE },
        st: opts.styles,
        lay: &lay,
        services: &services,
        t0: trace.start_ns(),
        total: trace.duration_ns(),
    };
    write_header(trace, view, &lay, opts.ascii, d.st, out)?;
    d.write_titles(out)?;
    let mut state = RowState {
        last_at: vec![false; MAX_LEVELS + 2],
        seen_resources: HashSet::new(),
        seen_scopes: HashSet::new(),
        line: String::with_capacity(lay.width * 4),
        prefix: String::new(),
        num: String::new(),
        bar: String::new(),
    };
    for row in &rows {
        d.write_row(row, &mut state, out)?;
    }
    Footer {
        trace,
        tree,
        view,
        lay: &lay,
        g: d.g,
        st: d.st,
        critical_path: opts.critical_path,
    }
    .write(out)
}

/// The shown spans' texts, in the view's order.
fn rows<'a>(trace: &'a Trace, view: &SpanView, ascii: bool) -> Vec<Row<'a>> {
    view.order
        .iter()
        .filter_map(|&i| {
            let i = i as usize;
            let s = trace.spans.get(i)?;
            let svc = service_name(s);
            let op = escape(&s.name);
            Some(Row {
                i,
                svc_w: display_width(&svc),
                op_w: display_width(&op),
                svc,
                op,
                dur: duration_text(s.duration_ns(), ascii),
                self_t: duration_text(view.self_ns.get(i).copied().unwrap_or(0), ascii),
            })
        })
        .collect()
}

/// The column widths the rows need, fitted to the width asked for.
fn measure(rows: &[Row<'_>], tree: &TraceTree, opts: &Options) -> Layout {
    let natural_name = rows
        .iter()
        .map(|r| {
            let d = tree.depth.get(r.i).copied().unwrap_or(0) as usize;
            d.min(MAX_LEVELS) * 3 + r.svc_w + 1 + r.op_w
        })
        .max()
        .unwrap_or(0)
        .max("span".len());
    let dur_w = rows
        .iter()
        .map(|r| display_width(&r.dur))
        .max()
        .unwrap_or(0)
        .max("duration".len());
    let self_w = rows
        .iter()
        .map(|r| display_width(&r.self_t))
        .max()
        .unwrap_or(0)
        .max("self".len());
    layout(opts.width, opts.bars, natural_name, dur_w, self_w)
}

fn write_header(
    trace: &Trace,
    view: &SpanView,
    lay: &Layout,
    ascii: bool,
    st: Styles,
    out: &mut dyn Write,
) -> io::Result<()> {
    let errors = trace.error_count();
    let warnings = view.warning_count();
    let items = [
        (format!("trace {}", trace.trace_id), sgr::BOLD),
        (
            format!("start {}", format_timestamp(trace.start_ns())),
            sgr::NONE,
        ),
        (
            format!("duration {}", duration_text(trace.duration_ns(), ascii)),
            sgr::NONE,
        ),
        (plural(trace.spans.len(), "span", "spans"), sgr::NONE),
        (
            plural(trace.services().len(), "service", "services"),
            sgr::NONE,
        ),
        (
            plural(errors, "error", "errors"),
            if errors > 0 { sgr::ERROR } else { sgr::NONE },
        ),
        (
            plural(warnings, "warning", "warnings"),
            if warnings > 0 { sgr::WARN } else { sgr::NONE },
        ),
    ];
    write_wrapped(out, st, &items, lay.width, "")
}

/// `service` escaped, or `unknown`.
fn service_name(s: &Span) -> Cow<'_, str> {
    if s.service.is_empty() {
        Cow::Borrowed("unknown")
    } else {
        escape(&s.service)
    }
}

/// Items separated by two spaces, wrapped at `width`.
fn write_wrapped(
    out: &mut dyn Write,
    st: Styles,
    items: &[(String, &str)],
    width: usize,
    indent: &str,
) -> io::Result<()> {
    let mut line = String::new();
    let mut used = 0usize;
    for (text, code) in items {
        let w = display_width(text);
        if used > 0 && used + 2 + w > width {
            writeln!(out, "{line}")?;
            line.clear();
            used = 0;
        }
        if used == 0 {
            line.push_str(indent);
            used = display_width(indent);
        } else {
            line.push_str("  ");
            used += 2;
        }
        st.paint(&mut line, code, text);
        used += w;
    }
    if used > 0 {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
