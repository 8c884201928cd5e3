//! Drawing the waterfall's lines: the column titles, and per span its marks, tree prefix and
//! names, durations, bar and details.

use std::collections::HashSet;
use std::io::{self, Write};

use super::bars::{axis, bar_eighths, bar_glyphs_into};
use super::details::{resource_details, span_details};
use super::text::{display_width, pad_to, push_spaces, right_align, truncate, wrap};
use super::{DETAIL_CONTINUATION, Glyphs, Layout, MARK_W, MAX_DETAIL_LINES, Options, Row};
use crate::model::{Span, Trace, TraceTree};
use crate::render::span_view::{SpanView, Vis, warning_mark};
use crate::term::escape;
use crate::term::style::{Styles, sgr};

/// What every line of the waterfall is drawn from.
pub(super) struct Drawing<'a> {
    pub(super) trace: &'a Trace,
    pub(super) tree: &'a TraceTree,
    pub(super) view: &'a SpanView,
    pub(super) opts: &'a Options,
    pub(super) g: &'static Glyphs,
    pub(super) st: Styles,
    pub(super) lay: &'a Layout,
    /// The trace's services, sorted: a service's index picks its color.
    pub(super) services: &'a [&'a str],
    /// Start and duration of the trace: the bars' time axis.
    pub(super) t0: u64,
    pub(super) total: u64,
}

/// What drawing one row leaves for the next, and buffers reused between rows.
pub(super) struct RowState<'a> {
    /// Whether the latest span drawn at each level was its parent's last shown child.
    pub(super) last_at: Vec<bool>,
    /// Services and scopes whose details were shown (they are shown once).
    pub(super) seen_resources: HashSet<&'a str>,
    pub(super) seen_scopes: HashSet<(&'a str, &'a str, Option<&'a str>)>,
    pub(super) line: String,
    pub(super) prefix: String,
    pub(super) num: String,
    pub(super) bar: String,
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
    pub(super) fn write_titles(&self, out: &mut dyn Write) -> io::Result<()> {
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
    pub(super) fn write_row(
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
pub(super) fn split_name(svc_w: usize, op_w: usize, avail: usize) -> (usize, usize) {
    if svc_w + 1 + op_w <= avail {
        return (svc_w, op_w);
    }
    if avail <= 2 {
        return (avail, 0);
    }
    let s = svc_w.min((avail / 2).max(avail.saturating_sub(1 + op_w)));
    (s, avail - s - 1)
}
