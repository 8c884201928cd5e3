//! `tracekit show`: load, pick the trace, render (waterfall, tree or JSON), or list the traces
//! when the input has several and none was named.

use std::collections::HashSet;

use crate::cli::{ShowArgs, ShowFormat};
use crate::commands::{self, InputRules, output};
use crate::error::{Error, Exit};
use crate::input::load::for_each_batch;
use crate::model::{Span, TraceId, TraceRef, TraceSet, TraceTree};
use crate::render::span_view::Filter;
use crate::render::{show_json, trace_list, waterfall};
use crate::term::Term;
use crate::term::style::Styles;

/// Distinct other trace ids counted for the "not found" message; past this, "more than".
const OTHER_TRACES_CAP: usize = 100_000;

pub fn run(args: ShowArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let mut opts = commands::open_inputs(&args.input, term)?;
    let wanted = args
        .trace
        .as_deref()
        .map(commands::parse_trace_id)
        .transpose()?;

    // With --trace, spans of other traces are dropped as they are read (memory stays bounded by
    // the traces it matches); only their count is kept, for the message when it is not found.
    opts.trace_filter = wanted.clone().map(|t| vec![t]);
    let mut traces = match &wanted {
        Some(r) => TraceSet::with_filter([r.clone()]),
        None => TraceSet::new(),
    };
    let mut others = OtherTraces::default();
    let report = for_each_batch(&args.input.sources, &opts, &mut |spans| {
        if let Some(r) = &wanted {
            others.note(&spans, r);
        }
        traces.extend(spans);
    });
    // An input without spans ends here, unless --allow-empty.
    let exit = commands::report_inputs(term, &report, InputRules::of(&args.input))?;

    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    let styles = Styles::new(term.color_stdout && to_stdout);
    let width = args
        .width
        .or(term.width)
        .unwrap_or(waterfall::DEFAULT_WIDTH);

    let chosen;
    let trace = match &wanted {
        Some(r) => {
            let selected = commands::select_traces(traces, Some(std::slice::from_ref(r)))?;
            match selected.traces.into_iter().next() {
                Some(t) => {
                    chosen = t;
                    &chosen
                }
                None => {
                    commands::print_error(
                        term,
                        &format!(
                            "trace {r} not found in the input ({}{})",
                            others.describe(),
                            lines_not_parsed()
                        ),
                    );
                    return Ok(Exit::Input);
                }
            }
        }
        None => match traces.traces() {
            [one] => one,
            list => {
                let summaries = trace_list::summarize(list);
                let inputs = output::Inputs::sources(&args.input.sources);
                let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
                if args.format == ShowFormat::Json {
                    trace_list::render_json(&summaries, &mut out).map_err(output::write_err)?;
                } else if !summaries.is_empty() {
                    let opts = trace_list::TableOptions {
                        width,
                        ascii: args.ascii,
                        styles,
                    };
                    trace_list::render_table(&summaries, &opts, &mut out)
                        .map_err(output::write_err)?;
                }
                out.commit()?;
                if list.is_empty() {
                    // Only with --allow-empty (else reading ended the command): the empty list.
                    return Ok(exit);
                }
                commands::print_note(
                    term,
                    &format!(
                        "{} traces in the input: pick one with --trace ID",
                        list.len()
                    ),
                );
                return Ok(exit);
            }
        },
    };

    let tree = TraceTree::build(trace);
    let filter = Filter {
        max_depth: args.depth,
        services: args.service,
        min_duration_ns: args.min_duration,
        errors_only: args.errors,
    };
    let inputs = output::Inputs::sources(&args.input.sources);
    let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
    match args.format {
        ShowFormat::Json => show_json::render(trace, &tree, &filter, &mut out),
        ShowFormat::Waterfall | ShowFormat::Tree => {
            let opts = waterfall::Options {
                width,
                ascii: args.ascii,
                bars: args.format == ShowFormat::Waterfall,
                attrs: args.attrs,
                styles,
                filter,
                critical_path: args.critical_path,
            };
            waterfall::render(trace, &tree, &opts, &mut out)
        }
    }
    .map_err(output::write_err)?;
    out.commit()?;
    Ok(exit)
}

/// For a "not found" message: the JSON lines `--trace` did not parse because they do not
/// mention the trace (none when empty).
pub(crate) fn lines_not_parsed() -> String {
    match crate::formats::otlp_json::read::lines_skipped() {
        0 => String::new(),
        1 => "; 1 line that does not mention it was not parsed".to_string(),
        n => format!("; {n} lines that do not mention it were not parsed"),
    }
}

/// What was read besides the wanted trace (bounded: ids are counted up to a cap).
#[derive(Default)]
struct OtherTraces {
    ids: HashSet<TraceId>,
    more: bool,
    spans: u64,
}

impl OtherTraces {
    fn note(&mut self, spans: &[Span], wanted: &TraceRef) {
        for s in spans.iter().filter(|s| !wanted.matches(s.trace_id)) {
            self.spans += 1;
            if !self.more && !self.ids.contains(&s.trace_id) {
                if self.ids.len() < OTHER_TRACES_CAP {
                    self.ids.insert(s.trace_id);
                } else {
                    self.more = true;
                }
            }
        }
    }

    fn describe(&self) -> String {
        let n = self.ids.len();
        match (n, self.more) {
            (0, _) => "no spans were read".to_string(),
            (_, true) => format!("read more than {n} other traces, {} spans", self.spans),
            (1, false) => format!("read 1 other trace, {} spans", self.spans),
            (_, false) => format!("read {n} other traces, {} spans", self.spans),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::parse_trace_id;

    #[test]
    fn trace_ids() {
        assert_eq!(
            parse_trace_id("4bf92f3577b34da6a3ce929d0e0e4736")
                .unwrap()
                .whole(),
            Some(TraceId(0x4bf92f3577b34da6a3ce929d0e0e4736))
        );
        assert_eq!(
            parse_trace_id("00f067aa0ba902b7").unwrap().whole(),
            Some(TraceId(0xf067aa0ba902b7))
        );
        // Prefixes of at least 8 digits; 0x and surrounding blanks allowed.
        assert_eq!(parse_trace_id(" 0xABCDEF01 ").unwrap().as_str(), "abcdef01");
        assert_eq!(parse_trace_id("abcdef01").unwrap().whole(), None);
        for bad in [
            "",
            "xyz",
            "4bf92f3577b34da6a3ce929d0e0e47361",
            "0",
            "12 34",
            "\x1b[2J",
            "0000000000000000",
        ] {
            let e = parse_trace_id(bad).unwrap_err();
            assert_eq!(e.exit(), Exit::Usage, "{bad:?}");
            assert!(!e.to_string().contains('\x1b'));
        }
        for short in ["ABC", "0xabc", "4bf92f3"] {
            let e = parse_trace_id(short).unwrap_err().to_string();
            assert!(e.contains("too short"), "{e}");
            assert!(e.contains("at least 8"), "{e}");
        }
    }

    #[test]
    fn other_traces_are_counted_with_a_cap() {
        let mut o = OtherTraces::default();
        assert_eq!(o.describe(), "no spans were read");
        let span = |t: u128| Span::new(TraceId(t), crate::model::SpanId(1));
        let nine = TraceRef::id(TraceId(9));
        o.note(&[span(1), span(2), span(2), span(9)], &nine);
        assert_eq!(o.describe(), "read 2 other traces, 3 spans");
        let many: Vec<Span> = (10..10 + OTHER_TRACES_CAP as u128 + 5).map(span).collect();
        o.note(&many, &nine);
        assert!(o.more);
        assert_eq!(o.ids.len(), OTHER_TRACES_CAP);
    }
}
