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
mod text;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};

#[cfg(test)]
use self::bars::bar_glyphs;
use self::bars::{axis, bar_eighths, bar_glyphs_into};
#[cfg(test)]
use self::details::typed_value;
use self::details::{resource_details, span_details};
use self::footer::Footer;
use self::text::{
    display_width, duration_text, pad_to, plural, push_spaces, right_align, truncate, wrap,
};
use super::span_view::{Filter, SpanView, Vis, warning_mark};
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

/// What every line of the waterfall is drawn from.
struct Drawing<'a> {
    trace: &'a Trace,
    tree: &'a TraceTree,
    view: &'a SpanView,
    opts: &'a Options,
    g: &'static Glyphs,
    st: Styles,
    lay: &'a Layout,
    /// The trace's services, sorted: a service's index picks its color.
    services: &'a [&'a str],
    /// Start and duration of the trace: the bars' time axis.
    t0: u64,
    total: u64,
}

/// What drawing one row leaves for the next, and buffers reused between rows.
struct RowState<'a> {
    /// Whether the latest span drawn at each level was its parent's last shown child.
    last_at: Vec<bool>,
    /// Services and scopes whose details were shown (they are shown once).
    seen_resources: HashSet<&'a str>,
    seen_scopes: HashSet<(&'a str, &'a str, Option<&'a str>)>,
    line: String,
    prefix: String,
    num: String,
    bar: String,
}

/// Where a row's span sits and how it is drawn.
struct RowFacts {
    depth: usize,
    is_last: bool,
    /// Shown only as an ancestor of a span the filters keep: dimmed.
    context: bool,
    err: bool,
}

impl<'a> Drawing<'a> {
    fn color_of(&self, svc: &str) -> &'static str {
        Styles::service(self.services.binary_search(&svc).unwrap_or(0))
    }

    /// Column titles, and the time axis over the bars.
    fn write_titles(&self, out: &mut dyn Write) -> io::Result<()> {
        let (st, lay, g) = (self.st, self.lay, self.g);
        let mut line = String::with_capacity(lay.width * 4);
        line.push_str(&" ".repeat(MARK_W));
        let mut titles = String::new();
        pad_to(&mut titles, "span", 4, lay.name_w);
        titles.push(' ');
        right_align(&mut titles, "duration", lay.dur_w);
        titles.push(' ');
        right_align(&mut titles, "self", lay.self_w);
        st.paint(&mut line, sgr::DIM, &titles);
        if self.opts.bars {
            line.push(' ');
            st.paint(&mut line, sgr::DIM, g.sep);
            st.paint(
                &mut line,
                sgr::DIM,
                axis(self.total, lay.bar_w, self.opts.ascii).trim_end(),
            );
        }
        writeln!(out, "{}", line.trim_end())
    }

    /// One span's line (marks, tree prefix and names, durations, bar), then its details.
    fn write_row(
        &self,
        row: &Row<'_>,
        state: &mut RowState<'a>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let (i, view) = (row.i, self.view);
        let facts = RowFacts {
            depth: self.tree.depth.get(i).copied().unwrap_or(0) as usize,
            is_last: view.last_sibling.get(i).copied().unwrap_or(true),
            context: view.vis.get(i) == Some(&Vis::Context),
            err: self.trace.spans[i].is_error(),
        };
        if let Some(x) = state.last_at.get_mut(facts.depth) {
            *x = facts.is_last;
        }
        let mut line = std::mem::take(&mut state.line);
        line.clear();
        self.push_marks(&mut line, i, facts.err);
        let prefix_w = self.push_name(&mut line, row, &facts, state);
        self.push_durations(&mut line, row, facts.context, &mut state.num);
        if self.opts.bars {
            self.push_bar(&mut line, i, &facts, &mut state.bar);
        }
        writeln!(out, "{}", line.trim_end())?;
        state.line = line;
        if self.opts.attrs {
            self.write_details(i, &facts, prefix_w, state, out)?;
        }
        Ok(())
    }

    /// Error, warning and critical-path marks.
    fn push_marks(&self, line: &mut String, i: usize, err: bool) {
        let (st, view) = (self.st, self.view);
        if err {
            st.paint(line, sgr::ERROR_BOLD, "!");
        } else {
            line.push(' ');
        }
        match warning_mark(view.warnings.get(i).copied().unwrap_or(0)) {
            Some(m) => st.paint(line, sgr::WARN, m.encode_utf8(&mut [0u8; 4])),
            None => line.push(' '),
        }
        let on_path = self.opts.critical_path && view.critical_ns.get(i).is_some_and(|c| *c > 0);
        if on_path {
            st.paint(line, sgr::ERROR_BOLD, self.g.critical);
        } else {
            line.push(' ');
        }
    }

    /// Tree prefix, service and operation, padded to the name column; returns the prefix's
    /// width.
    fn push_name(
        &self,
        line: &mut String,
        row: &Row<'_>,
        facts: &RowFacts,
        state: &mut RowState<'_>,
    ) -> usize {
        let (st, lay, g) = (self.st, self.lay, self.g);
        state.prefix.clear();
        tree_prefix(
            &mut state.prefix,
            facts.depth,
            lay.levels,
            &state.last_at,
            facts.is_last,
            g,
        );
        let (prefix, prefix_w) = truncate(&state.prefix, lay.name_w, "");
        st.paint(line, sgr::DIM, &prefix);
        let avail = lay.name_w - prefix_w;
        let (sw, ow) = split_name(row.svc_w, row.op_w, avail);
        let (svc, svc_w) = truncate(&row.svc, sw, g.ellipsis);
        let (op, op_w) = truncate(&row.op, ow, g.ellipsis);
        let (svc_code, op_code) = match (facts.context, facts.err) {
            (true, true) => (sgr::ERROR_DIM, sgr::ERROR_DIM),
            (true, false) => (sgr::DIM, sgr::DIM),
            (false, true) => (sgr::ERROR_BOLD, sgr::ERROR),
            (false, false) => (self.color_of(&self.trace.spans[row.i].service), sgr::NONE),
        };
        st.paint(line, svc_code, &svc);
        let mut used = prefix_w + svc_w;
        if op_w > 0 {
            line.push(' ');
            st.paint(line, op_code, &op);
            used += 1 + op_w;
        }
        push_spaces(line, lay.name_w.saturating_sub(used));
        prefix_w
    }

    /// Duration and self time, right-aligned.
    fn push_durations(&self, line: &mut String, row: &Row<'_>, context: bool, num: &mut String) {
        let (st, lay) = (self.st, self.lay);
        line.push(' ');
        let dur_code = if context { sgr::DIM } else { sgr::NONE };
        num.clear();
        right_align(num, &row.dur, lay.dur_w);
        st.paint(line, dur_code, num);
        line.push(' ');
        num.clear();
        right_align(num, &row.self_t, lay.self_w);
        st.paint(line, sgr::DIM, num);
    }

    /// The span's bar on the trace's time axis.
    fn push_bar(&self, line: &mut String, i: usize, facts: &RowFacts, bar: &mut String) {
        let (st, lay) = (self.st, self.lay);
        let s = &self.trace.spans[i];
        line.push(' ');
        st.paint(line, sgr::DIM, self.g.sep);
        let rel_start = s.start_ns.saturating_sub(self.t0);
        let rel_end = s.end_ns.max(s.start_ns).saturating_sub(self.t0);
        let (e0, e1) = bar_eighths(rel_start, rel_end, self.total, lay.bar_w);
        bar.clear();
        bar_glyphs_into(bar, e0, e1, lay.bar_w, self.opts.ascii);
        let lead = bar.len() - bar.trim_start_matches(' ').len();
        line.push_str(&bar[..lead]);
        let bar_code = match (facts.context, facts.err) {
            (true, _) => sgr::DIM,
            (false, true) => sgr::ERROR,
            (false, false) => self.color_of(&s.service),
        };
        st.paint(line, bar_code, &bar[lead..]);
    }

    /// `--attrs`: the span's details (and its service's resource and its scope, the first time
    /// they are seen), indented under it.
    fn write_details(
        &self,
        i: usize,
        facts: &RowFacts,
        prefix_w: usize,
        state: &mut RowState<'a>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let (st, lay, g) = (self.st, self.lay, self.g);
        let s: &'a Span = &self.trace.spans[i];
        let has_children = self
            .view
            .has_shown_children
            .get(i)
            .copied()
            .unwrap_or(false);
        let indent = detail_indent(
            facts.depth,
            lay.levels,
            &state.last_at,
            facts.is_last,
            has_children,
            prefix_w,
            g,
        );
        let mut details = span_details(s, self.t0, self.opts.ascii);
        if state.seen_resources.insert(&s.service) {
            resource_details(s, &mut details);
        }
        let scope_key = (&*s.service, &*s.scope.name, s.scope.version.as_deref());
        if !s.scope.name.is_empty() && state.seen_scopes.insert(scope_key) {
            let version = s
                .scope
                .version
                .as_deref()
                .map(|v| format!(" {}", escape(v)))
                .unwrap_or_default();
            details.push(format!("scope {}{version}", escape(&s.scope.name)));
        }
        let room = lay.width.saturating_sub(display_width(&indent));
        let line = &mut state.line;
        for text in details {
            let code = if text.starts_with("status error") {
                sgr::ERROR
            } else {
                sgr::NONE
            };
            // Long values wrap (a few lines at most; the JSON has them whole).
            for (n, part) in wrap(
                &text,
                room,
                DETAIL_CONTINUATION,
                MAX_DETAIL_LINES,
                g.ellipsis,
            )
            .iter()
            .enumerate()
            {
                line.clear();
                st.paint(line, sgr::DIM, &indent);
                if n > 0 {
                    line.push_str(DETAIL_CONTINUATION);
                }
                st.paint(line, code, part);
                writeln!(out, "{}", line.trim_end())?;
            }
        }
        Ok(())
    }
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

/// Rails for the ancestors' levels and the span's connector; beyond `levels`, `… [depth N]`.
fn tree_prefix(
    p: &mut String,
    d: usize,
    levels: usize,
    last_at: &[bool],
    is_last: bool,
    g: &Glyphs,
) {
    if d == 0 {
        return;
    }
    let rail = |p: &mut String, l: usize| {
        p.push_str(if last_at.get(l).copied().unwrap_or(true) {
            g.blank
        } else {
            g.pipe
        })
    };
    if d <= levels {
        for l in 1..d {
            rail(p, l);
        }
        p.push_str(if is_last { g.elbow } else { g.tee });
    } else {
        let marker = format!("{}[depth {d}] ", g.ellipsis);
        let k = (3 * levels).saturating_sub(display_width(&marker)) / 3;
        for l in 1..=k {
            rail(p, l);
        }
        p.push_str(&marker);
    }
}

/// The indent of a span's detail lines: its ancestors' rails, its own rail, and a rail down to
/// its children when it has some.
fn detail_indent(
    d: usize,
    levels: usize,
    last_at: &[bool],
    is_last: bool,
    has_children: bool,
    prefix_w: usize,
    g: &Glyphs,
) -> String {
    let mut p = " ".repeat(MARK_W);
    if d > 0 && d <= levels {
        for l in 1..d {
            p.push_str(if last_at.get(l).copied().unwrap_or(true) {
                g.blank
            } else {
                g.pipe
            });
        }
        p.push_str(if is_last { g.blank } else { g.pipe });
    } else {
        push_spaces(&mut p, prefix_w);
    }
    p.push_str(if has_children { g.down } else { "  " });
    p
}

/// Widths for service and operation in `avail` columns (one space between them): the service
/// keeps at least half when both do not fit.
fn split_name(svc_w: usize, op_w: usize, avail: usize) -> (usize, usize) {
    if svc_w + 1 + op_w <= avail {
        return (svc_w, op_w);
    }
    if avail <= 2 {
        return (avail, 0);
    }
    let s = svc_w.min((avail / 2).max(avail.saturating_sub(1 + op_w)));
    (s, avail - s - 1)
}

#[cfg(test)]
mod tests;
