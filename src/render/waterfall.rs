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

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use super::span_view::{Filter, SpanView, Vis, WARNING_KINDS, warning_mark};
use crate::term::style::{Styles, sgr};
use crate::model::{KeyValue, RefKind, Span, StatusCode, Trace, TraceTree, Value};
use crate::term::escape;
use crate::units::{format_duration, format_timestamp};

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

/// Left-aligned blocks of 1 to 8 eighths.
const LEFT_BLOCKS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

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
    let g = if opts.ascii { &ASCII } else { &UNICODE };
    let st = opts.styles;
    let spans = &trace.spans;

    let rows: Vec<Row<'_>> = view
        .order
        .iter()
        .filter_map(|&i| {
            let i = i as usize;
            let s = spans.get(i)?;
            let svc = service_name(s);
            let op = escape(&s.name);
            Some(Row {
                i,
                svc_w: display_width(&svc),
                op_w: display_width(&op),
                svc,
                op,
                dur: duration_text(s.duration_ns(), opts.ascii),
                self_t: duration_text(view.self_ns.get(i).copied().unwrap_or(0), opts.ascii),
            })
        })
        .collect();

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
    let lay = layout(opts.width, opts.bars, natural_name, dur_w, self_w);

    // Services in sorted order give each its color.
    let services = trace.services();
    let color_of = |svc: &str| Styles::service(services.binary_search(&svc).unwrap_or(0));

    write_header(trace, view, &lay, opts.ascii, st, out)?;

    let t0 = trace.start_ns();
    let total = trace.duration_ns();
    let mut line = String::with_capacity(lay.width * 4);

    // Column titles.
    line.push_str(&" ".repeat(MARK_W));
    let mut titles = String::new();
    pad_to(&mut titles, "span", 4, lay.name_w);
    titles.push(' ');
    right_align(&mut titles, "duration", lay.dur_w);
    titles.push(' ');
    right_align(&mut titles, "self", lay.self_w);
    st.paint(&mut line, sgr::DIM, &titles);
    if opts.bars {
        line.push(' ');
        st.paint(&mut line, sgr::DIM, g.sep);
        st.paint(
            &mut line,
            sgr::DIM,
            axis(total, lay.bar_w, opts.ascii).trim_end(),
        );
    }
    writeln!(out, "{}", line.trim_end())?;

    // Whether the latest span drawn at each level was its parent's last shown child.
    let mut last_at = vec![false; MAX_LEVELS + 2];
    let mut seen_resources: HashSet<&str> = HashSet::new();
    let mut seen_scopes: HashSet<(&str, &str, Option<&str>)> = HashSet::new();
    let (mut prefix_buf, mut num, mut bar) = (String::new(), String::new(), String::new());
    for row in &rows {
        let i = row.i;
        let s = &spans[i];
        let d = tree.depth.get(i).copied().unwrap_or(0) as usize;
        let is_last = view.last_sibling.get(i).copied().unwrap_or(true);
        if let Some(x) = last_at.get_mut(d) {
            *x = is_last;
        }
        let context = view.vis.get(i) == Some(&Vis::Context);
        let err = s.is_error();
        line.clear();

        // Marks.
        if err {
            st.paint(&mut line, sgr::ERROR_BOLD, "!");
        } else {
            line.push(' ');
        }
        match warning_mark(view.warnings.get(i).copied().unwrap_or(0)) {
            Some(m) => st.paint(&mut line, sgr::WARN, m.encode_utf8(&mut [0u8; 4])),
            None => line.push(' '),
        }
        let on_path = opts.critical_path && view.critical_ns.get(i).is_some_and(|c| *c > 0);
        if on_path {
            st.paint(&mut line, sgr::ERROR_BOLD, g.critical);
        } else {
            line.push(' ');
        }

        // Tree prefix, service, operation.
        prefix_buf.clear();
        tree_prefix(&mut prefix_buf, d, lay.levels, &last_at, is_last, g);
        let (prefix, prefix_w) = truncate(&prefix_buf, lay.name_w, "");
        st.paint(&mut line, sgr::DIM, &prefix);
        let avail = lay.name_w - prefix_w;
        let (sw, ow) = split_name(row.svc_w, row.op_w, avail);
        let (svc, svc_w) = truncate(&row.svc, sw, g.ellipsis);
        let (op, op_w) = truncate(&row.op, ow, g.ellipsis);
        let (svc_code, op_code) = match (context, err) {
            (true, true) => (sgr::ERROR_DIM, sgr::ERROR_DIM),
            (true, false) => (sgr::DIM, sgr::DIM),
            (false, true) => (sgr::ERROR_BOLD, sgr::ERROR),
            (false, false) => (color_of(&s.service), sgr::NONE),
        };
        st.paint(&mut line, svc_code, &svc);
        let mut used = prefix_w + svc_w;
        if op_w > 0 {
            line.push(' ');
            st.paint(&mut line, op_code, &op);
            used += 1 + op_w;
        }
        push_spaces(&mut line, lay.name_w.saturating_sub(used));

        // Durations.
        line.push(' ');
        let dur_code = if context { sgr::DIM } else { sgr::NONE };
        num.clear();
        right_align(&mut num, &row.dur, lay.dur_w);
        st.paint(&mut line, dur_code, &num);
        line.push(' ');
        num.clear();
        right_align(&mut num, &row.self_t, lay.self_w);
        st.paint(&mut line, sgr::DIM, &num);

        // Bar.
        if opts.bars {
            line.push(' ');
            st.paint(&mut line, sgr::DIM, g.sep);
            let rel_start = s.start_ns.saturating_sub(t0);
            let rel_end = s.end_ns.max(s.start_ns).saturating_sub(t0);
            let (e0, e1) = bar_eighths(rel_start, rel_end, total, lay.bar_w);
            bar.clear();
            bar_glyphs_into(&mut bar, e0, e1, lay.bar_w, opts.ascii);
            let lead = bar.len() - bar.trim_start_matches(' ').len();
            line.push_str(&bar[..lead]);
            let bar_code = match (context, err) {
                (true, _) => sgr::DIM,
                (false, true) => sgr::ERROR,
                (false, false) => color_of(&s.service),
            };
            st.paint(&mut line, bar_code, &bar[lead..]);
        }
        writeln!(out, "{}", line.trim_end())?;

        if opts.attrs {
            let has_children = view.has_shown_children.get(i).copied().unwrap_or(false);
            let indent = detail_indent(d, lay.levels, &last_at, is_last, has_children, prefix_w, g);
            let mut details = span_details(s, t0, opts.ascii);
            if seen_resources.insert(&s.service) {
                resource_details(s, &mut details);
            }
            let scope_key = (&*s.service, &*s.scope.name, s.scope.version.as_deref());
            if !s.scope.name.is_empty() && seen_scopes.insert(scope_key) {
                let version = s
                    .scope
                    .version
                    .as_deref()
                    .map(|v| format!(" {}", escape(v)))
                    .unwrap_or_default();
                details.push(format!("scope {}{version}", escape(&s.scope.name)));
            }
            let room = lay.width.saturating_sub(display_width(&indent));
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
                    st.paint(&mut line, sgr::DIM, &indent);
                    if n > 0 {
                        line.push_str(DETAIL_CONTINUATION);
                    }
                    st.paint(&mut line, code, part);
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
        }
    }

    write_footer(trace, tree, view, &lay, g, st, opts.critical_path, out)
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

#[allow(clippy::too_many_arguments)]
fn write_footer(
    trace: &Trace,
    tree: &TraceTree,
    view: &SpanView,
    lay: &Layout,
    g: &Glyphs,
    st: Styles,
    critical_path: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let spans = &trace.spans;
    if view.hidden > 0 {
        let mut line = String::new();
        let text = format!(
            "{} of {} hidden by the filters; the ancestors of the spans shown are kept",
            view.hidden,
            plural(spans.len(), "span", "spans")
        );
        for (n, part) in wrap(&text, lay.width, "  ", usize::MAX, g.ellipsis)
            .iter()
            .enumerate()
        {
            line.clear();
            if n > 0 {
                line.push_str("  ");
            }
            st.paint(&mut line, sgr::DIM, part);
            writeln!(out, "{line}")?;
        }
    }

    let all_bits = view.warnings.iter().fold(0u8, |a, b| a | b);
    let several = view.order.iter().any(|&i| {
        view.warnings
            .get(i as usize)
            .is_some_and(|w| w.count_ones() > 1)
    });
    let shown_error = view
        .order
        .iter()
        .any(|&i| spans.get(i as usize).is_some_and(Span::is_error));
    let mut legend: Vec<(String, &str)> = Vec::new();
    if shown_error {
        legend.push(("! error".into(), sgr::ERROR));
    }
    for k in WARNING_KINDS.iter().filter(|k| all_bits & k.bit != 0) {
        legend.push((format!("{} {}", k.mark, k.label), sgr::WARN));
    }
    if several {
        legend.push(("* several warnings".into(), sgr::WARN));
    }
    if critical_path {
        let total: u64 = view.critical_ns.iter().sum();
        legend.push((
            format!(
                "{} on the critical path ({})",
                g.critical,
                crate::units::format_duration(total)
            ),
            sgr::ERROR_BOLD,
        ));
    }
    if !legend.is_empty() {
        write_wrapped(out, st, &legend, lay.width, "")?;
    }

    let total = view.warning_count();
    if total == 0 {
        return Ok(());
    }
    writeln!(out, "{}:", plural(total, "warning", "warnings"))?;
    let mut written = 0usize;
    for i in tree.preorder() {
        let i = i as usize;
        let (Some(s), Some(&bits)) = (spans.get(i), view.warnings.get(i)) else {
            continue;
        };
        for k in WARNING_KINDS.iter().filter(|k| bits & k.bit != 0) {
            if written == MAX_WARNING_LINES {
                break;
            }
            written += 1;
            let parent = tree
                .parent
                .get(i)
                .copied()
                .flatten()
                .and_then(|p| spans.get(p as usize));
            let text = format!(
                "  {} {} {} {}: {}",
                k.mark,
                s.span_id,
                service_name(s),
                escape(&s.name),
                warning_text(k.bit, s, parent, g.ascii),
            );
            for (n, part) in wrap(&text, lay.width, "    ", MAX_DETAIL_LINES, g.ellipsis)
                .iter()
                .enumerate()
            {
                let mut line = String::new();
                if n > 0 {
                    line.push_str("    ");
                }
                st.paint(&mut line, sgr::WARN, part);
                writeln!(out, "{line}")?;
            }
        }
    }
    if total > written {
        writeln!(
            out,
            "  … and {} more (all are in --format json)",
            total - written
        )?;
    }
    Ok(())
}

fn warning_text(bit: u8, s: &Span, parent: Option<&Span>, ascii: bool) -> String {
    use super::span_view::*;
    let format_duration = |ns| duration_text(ns, ascii);
    match bit {
        ORPHAN => match s.parent_span_id {
            Some(p) => format!("parent {p} is not in the trace"),
            None => "parent is not in the trace".into(),
        },
        CYCLE => "its parent links loop back to it; the loop is cut here".into(),
        STARTS_BEFORE_PARENT => match parent {
            Some(p) => format!(
                "starts {} before its parent",
                format_duration(p.start_ns.saturating_sub(s.start_ns))
            ),
            None => "starts before its parent".into(),
        },
        ENDS_AFTER_PARENT => match parent {
            Some(p) => format!(
                "ends {} after its parent",
                format_duration(s.end_ns.saturating_sub(p.end_ns.max(p.start_ns)))
            ),
            None => "ends after its parent".into(),
        },
        NEGATIVE_DURATION => format!(
            "ends {} before it starts",
            format_duration(s.start_ns - s.end_ns.min(s.start_ns))
        ),
        DUPLICATE_ID => format!("another span has the id {}", s.span_id),
        _ => String::new(),
    }
}

/// `service` escaped, or `unknown`.
fn service_name(s: &Span) -> Cow<'_, str> {
    if s.service.is_empty() {
        Cow::Borrowed("unknown")
    } else {
        escape(&s.service)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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

/// Attributes, status, events, links and dropped counts of a span, escaped, one per line.
fn span_details(s: &Span, t0: u64, ascii: bool) -> Vec<String> {
    let format_duration = |ns| duration_text(ns, ascii);
    let mut v = Vec::new();
    let start = format_duration(s.start_ns.saturating_sub(t0));
    let mut head = format!(
        "span {}  kind {}  start +{start}",
        s.span_id,
        s.kind.as_str()
    );
    if s.shared {
        head.push_str("  shared (server half)");
    }
    v.push(head);
    if s.status.code != StatusCode::Unset || s.status.message.is_some() {
        let msg = s
            .status
            .message
            .as_deref()
            .map(|m| format!(": {}", escape(m)))
            .unwrap_or_default();
        v.push(format!("status {}{msg}", s.status.code.as_str()));
    }
    for kv in &s.attributes {
        v.push(format!("{} = {}", escape(&kv.key), typed_value(&kv.value)));
    }
    for e in &s.events {
        let offset = if e.time_ns >= s.start_ns {
            format!("+{}", format_duration(e.time_ns - s.start_ns))
        } else {
            format!("-{}", format_duration(s.start_ns - e.time_ns))
        };
        v.push(format!(
            "event {offset} {}{}",
            escape(&e.name),
            inline_attrs(&e.attributes)
        ));
    }
    for l in &s.links {
        let kind = match l.kind {
            RefKind::Link => "link",
            RefKind::ChildOf => "child_of",
            RefKind::FollowsFrom => "follows_from",
        };
        v.push(format!(
            "link {}/{} ({kind}){}",
            l.trace_id,
            l.span_id,
            inline_attrs(&l.attributes)
        ));
    }
    let dropped = [
        (s.dropped_attributes_count, "attributes"),
        (s.dropped_events_count, "events"),
        (s.dropped_links_count, "links"),
    ];
    let dropped: Vec<String> = dropped
        .iter()
        .filter(|d| d.0 > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !dropped.is_empty() {
        v.push(format!("dropped {}", dropped.join(", ")));
    }
    v
}

fn resource_details(s: &Span, v: &mut Vec<String>) {
    if s.resource.attributes.is_empty() {
        return;
    }
    v.push(format!("resource of {}:", service_name(s)));
    for kv in &s.resource.attributes {
        v.push(format!(
            "  {} = {}",
            escape(&kv.key),
            typed_value(&kv.value)
        ));
    }
}

fn inline_attrs(attrs: &[KeyValue]) -> String {
    let mut out = String::new();
    for (n, kv) in attrs.iter().enumerate() {
        out.push_str(if n == 0 { "  " } else { ", " });
        let _ = write!(out, "{}={}", escape(&kv.key), typed_value(&kv.value));
    }
    out
}

/// A value as text that shows its type: strings quoted, doubles with a decimal point, bytes in
/// hex, arrays and maps as JSON. Escaped for the terminal.
fn typed_value(v: &Value) -> String {
    let raw = match v {
        Value::Empty => "(empty)".to_string(),
        Value::Str(s) => serde_json::to_string(&**s).unwrap_or_default(),
        // NaN and infinities are not JSON numbers: show them bare, not as strings.
        Value::Double(d) if !d.is_finite() => d.to_string(),
        Value::Bytes(b) => {
            let mut h = String::from("0x");
            for byte in b.iter().take(64) {
                let _ = write!(h, "{byte:02x}");
            }
            if b.len() > 64 {
                let _ = write!(h, "… ({} bytes)", b.len());
            }
            h
        }
        other => other.to_json().to_string(),
    };
    escape(&raw).into_owned()
}

/// Labels `0`, the middle and the end of the timeline, in `cells` columns.
fn axis(total: u64, cells: usize, ascii: bool) -> String {
    let mut buf = vec![' '; cells];
    let mut put = |at: usize, label: &str| {
        for (k, c) in label.chars().enumerate() {
            if let Some(x) = buf.get_mut(at + k) {
                *x = c;
            }
        }
    };
    if cells == 0 {
        return String::new();
    }
    put(0, "0");
    let end = duration_text(total, ascii);
    let end_len = end.chars().count();
    if end_len + 2 <= cells {
        put(cells - end_len, &end);
        let mid = duration_text(total / 2, ascii);
        let mid_len = mid.chars().count();
        let at = (cells / 2).saturating_sub(mid_len / 2);
        if at >= 3 && at + mid_len + 2 <= cells - end_len {
            put(at, &mid);
        }
    }
    buf.into_iter().collect()
}

/// The interval `[rel_start, rel_end]` (ns after the trace start) on a timeline of `cells` cells
/// spanning `total` ns, in eighths of a cell, each end rounded to the nearest eighth.
pub(crate) fn bar_eighths(rel_start: u64, rel_end: u64, total: u64, cells: usize) -> (u64, u64) {
    if total == 0 || cells == 0 {
        return (0, 0);
    }
    let scale = cells as u128 * 8;
    let total = u128::from(total);
    let pos = |x: u64| ((u128::from(x).min(total) * scale * 2 + total) / (2 * total)) as u64;
    (pos(rel_start), pos(rel_end.max(rel_start)))
}

/// A bar from eighth `e0` to `e1` on `cells` cells: spaces before it, no spaces after. A bar
/// shorter than an eighth (a zero-length span) is a thin tick at its position.
#[cfg(test)]
pub(crate) fn bar_glyphs(e0: u64, e1: u64, cells: usize, ascii: bool) -> String {
    let mut out = String::new();
    bar_glyphs_into(&mut out, e0, e1, cells, ascii);
    out
}

/// [`bar_glyphs`], appended to `out`.
fn bar_glyphs_into(out: &mut String, e0: u64, e1: u64, cells: usize, ascii: bool) {
    if cells == 0 {
        return;
    }
    let max = cells as u64 * 8;
    let e0 = e0.min(max);
    let e1 = e1.clamp(e0, max);
    if e1 == e0 {
        let cell = (e0 / 8).min(cells as u64 - 1);
        let off = e0 - cell * 8;
        push_spaces(out, cell as usize);
        out.push(if ascii {
            '|'
        } else if off < 4 {
            '▏'
        } else {
            '▕'
        });
        return;
    }
    let (first, last) = (e0 / 8, (e1 - 1) / 8);
    push_spaces(out, first as usize);
    for c in first..=last {
        let lo = c * 8;
        let a = e0.max(lo) - lo;
        let b = e1.min(lo + 8) - lo;
        out.push(cell_glyph(a, b, ascii));
    }
}

/// The glyph for a cell covered from eighth `a` to eighth `b` (0 ≤ a < b ≤ 8). Only left
/// blocks come in eighths; a bar starting inside a cell uses the right eighth or half block.
fn cell_glyph(a: u64, b: u64, ascii: bool) -> char {
    if ascii {
        return if a == 0 && b == 8 { '=' } else { '-' };
    }
    if a == 0 {
        return LEFT_BLOCKS[(b.clamp(1, 8) - 1) as usize];
    }
    if b == 8 {
        return match 8 - a {
            0..=2 => '▕',
            3..=5 => '▐',
            _ => '█',
        };
    }
    let toward_left = a + b < 8;
    match (b - a >= 3, toward_left) {
        (true, true) => '▌',
        (true, false) => '▐',
        (false, true) => '▏',
        (false, false) => '▕',
    }
}

/// `units::format_duration`, with `us` for `µs` when drawing in ASCII.
fn duration_text(ns: u64, ascii: bool) -> String {
    let d = format_duration(ns);
    if ascii { d.replace('µ', "u") } else { d }
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to `max` columns, ending in `ellipsis` when cut; with its width.
fn truncate<'a>(s: &'a str, max: usize, ellipsis: &str) -> (Cow<'a, str>, usize) {
    let w = display_width(s);
    if w <= max {
        return (Cow::Borrowed(s), w);
    }
    let ell_w = display_width(ellipsis);
    let (budget, ellipsis, ell_w) = if max >= ell_w {
        (max - ell_w, ellipsis, ell_w)
    } else {
        (max, "", 0)
    };
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > budget {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push_str(ellipsis);
    (Cow::Owned(out), used + ell_w)
}

/// Split `text` into lines of at most `width` columns (the lines after the first are printed
/// after `continuation`), breaking after a space when one is near the end of the line, else
/// anywhere. At most `max_lines` lines; the last one ends in `ellipsis` when text is left over.
fn wrap(
    text: &str,
    width: usize,
    continuation: &str,
    max_lines: usize,
    ellipsis: &str,
) -> Vec<String> {
    let cont_w = display_width(continuation);
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let room = if lines.is_empty() {
            width
        } else {
            width.saturating_sub(cont_w)
        }
        .max(1);
        if lines.len() + 1 == max_lines || display_width(rest) <= room {
            lines.push(truncate(rest, room, ellipsis).0.into_owned());
            break;
        }
        // The longest prefix that fits (at least one char, so that this always progresses).
        let mut used = 0;
        let mut cut = 0;
        for (at, c) in rest.char_indices() {
            let cw = c.width().unwrap_or(0);
            if used + cw > room && at > 0 {
                break;
            }
            used += cw;
            cut = at + c.len_utf8();
        }
        // Prefer to break after a space in the second half of the line.
        if let Some(sp) = rest[..cut].rfind(' ').filter(|&sp| sp > 0 && sp * 2 >= cut) {
            cut = sp + 1;
        }
        lines.push(rest[..cut].trim_end().to_string());
        rest = &rest[cut..];
    }
    lines
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Append `s` (of width `w`) padded with spaces to `width`.
fn pad_to(out: &mut String, s: &str, w: usize, width: usize) {
    out.push_str(s);
    push_spaces(out, width.saturating_sub(w));
}

fn right_align(out: &mut String, s: &str, width: usize) {
    push_spaces(out, width.saturating_sub(display_width(s)));
    out.push_str(s);
}

#[cfg(test)]
mod tests;
