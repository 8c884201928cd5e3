//! The lines under the spans: spans hidden by the filters, the legend, and the warnings.

use std::io::{self, Write};

use super::details::warning_text;
use super::text::{plural, wrap};
use super::{Glyphs, Layout, MAX_DETAIL_LINES, MAX_WARNING_LINES, service_name, write_wrapped};
use crate::model::{Span, Trace, TraceTree};
use crate::render::span_view::{SpanView, WARNING_KINDS, WarningKind};
use crate::term::escape;
use crate::term::style::{Styles, sgr};

/// What the footer is drawn from.
pub(super) struct Footer<'a> {
    pub trace: &'a Trace,
    pub tree: &'a TraceTree,
    pub view: &'a SpanView,
    pub lay: &'a Layout,
    pub g: &'a Glyphs,
    pub st: Styles,
    pub critical_path: bool,
}

impl Footer<'_> {
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.view.hidden > 0 {
            self.write_hidden(out)?;
        }
        let legend = self.legend();
        if !legend.is_empty() {
            write_wrapped(out, self.st, &legend, self.lay.width, "")?;
        }
        self.write_warnings(out)
    }

    /// How many spans the filters hide.
    fn write_hidden(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut line = String::new();
        let text = format!(
            "{} of {} hidden by the filters; the ancestors of the spans shown are kept",
            self.view.hidden,
            plural(self.trace.spans.len(), "span", "spans")
        );
        for (n, part) in wrap(&text, self.lay.width, "  ", usize::MAX, self.g.ellipsis)
            .iter()
            .enumerate()
        {
            line.clear();
            if n > 0 {
                line.push_str("  ");
            }
            self.st.paint(&mut line, sgr::DIM, part);
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    /// The marks that the shown spans carry, explained.
    fn legend(&self) -> Vec<(String, &'static str)> {
        let (view, spans) = (self.view, &self.trace.spans);
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
        let mut legend: Vec<(String, &'static str)> = Vec::new();
        if shown_error {
            legend.push(("! error".into(), sgr::ERROR));
        }
        for k in WARNING_KINDS.iter().filter(|k| all_bits & k.bit != 0) {
            legend.push((format!("{} {}", k.mark, k.label), sgr::WARN));
        }
        if several {
            legend.push(("* several warnings".into(), sgr::WARN));
        }
        if self.critical_path {
            let total: u64 = view.critical_ns.iter().sum();
            legend.push((
                format!(
                    "{} on the critical path ({})",
                    self.g.critical,
                    crate::units::format_duration(total)
                ),
                sgr::ERROR_BOLD,
            ));
        }
        legend
    }

    /// Each warning of each span, in tree order, at most [`MAX_WARNING_LINES`].
    fn write_warnings(&self, out: &mut dyn Write) -> io::Result<()> {
        let (view, tree, spans) = (self.view, self.tree, &self.trace.spans);
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
                self.write_warning(k, s, parent, out)?;
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

    fn write_warning(
        &self,
        k: &WarningKind,
        s: &Span,
        parent: Option<&Span>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let g = self.g;
        let text = format!(
            "  {} {} {} {}: {}",
            k.mark,
            s.span_id,
            service_name(s),
            escape(&s.name),
            warning_text(k.bit, s, parent, g.ascii),
        );
        for (n, part) in wrap(&text, self.lay.width, "    ", MAX_DETAIL_LINES, g.ellipsis)
            .iter()
            .enumerate()
        {
            let mut line = String::new();
            if n > 0 {
                line.push_str("    ");
            }
            self.st.paint(&mut line, sgr::WARN, part);
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}
