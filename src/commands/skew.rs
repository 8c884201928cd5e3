//! `tracekit skew`: clock-offset bounds per pair; `--adjust` writes corrected traces.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::{InputRules, output, print_warning, report_inputs};
use crate::analysis::findings::Severity;
use crate::analysis::skew::{
    PairReport, SkewBy, SkewCollector, SkewMethod, edges, endpoint, endpoint_offsets, span_shifts,
};
use crate::cli::SkewArgs;
use crate::error::{Error, Exit};
use crate::formats::Format;
use crate::formats::writer;
use crate::input::load::load;
use crate::model::{KeyValue, RootReason, Trace, TraceTree, Value};
use crate::render::skew::{SkewView, write};
use crate::render::table::TableStyle;
use crate::term::Term;
use crate::units::format_duration;

pub fn run(args: SkewArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let opts = super::open_inputs(&args.input, term)?;
    let loaded = load(&args.input.sources, &opts);
    let input_exit = report_inputs(term, &loaded.report, InputRules::of(&args.input))?;
    let mut traces = loaded.traces.into_traces();
    let trees: Vec<TraceTree> = traces.par_iter().map(TraceTree::build).collect();
    let mut collector = SkewCollector::default();
    for (t, tree) in traces.iter().zip(&trees) {
        collector.add(t, tree, args.by);
    }
    let pairs = collector.finish();
    let reference = reference_endpoint(&traces, &trees, args.by);
    let offsets = endpoint_offsets(&proven(&pairs, args.threshold), &reference);
    let shifts: Vec<Vec<i64>> = traces
        .par_iter()
        .zip(&trees)
        .map(|(t, tree)| span_shifts(t, tree, args.method, args.by, &offsets))
        .collect();
    let method_offsets: Vec<Option<i64>> = if args.method == SkewMethod::Pairwise {
        vec![None; pairs.len()]
    } else {
        implied_offsets(&traces, &trees, &shifts, &pairs, args.by)
    };

    let flagged = pairs.iter().filter(|p| p.exceeds(args.threshold)).count();
    let view = SkewView {
        pairs: &pairs,
        method_offsets: &method_offsets,
        by: args.by,
        method: args.method,
        threshold_ns: args.threshold,
    };
    write_report(&view, &args, term)?;

    if args.adjust {
        let path = args
            .output
            .as_deref()
            .ok_or_else(|| Error::usage("--adjust needs -o OUT"))?;
        let format = args
            .to
            .or_else(|| loaded.report.inputs.first().map(|(_, f)| *f))
            .unwrap_or(Format::OtlpJsonl);
        write_adjusted(&args, &mut traces, &shifts, path, format, term)?;
    }

    if flagged > 0 && args.fail_on.fails(Severity::Warning) {
        return Ok(if input_exit == Exit::Success {
            Exit::Findings
        } else {
            input_exit
        });
    }
    Ok(input_exit)
}

/// The reference clock: the service (host) of the first trace's root.
fn reference_endpoint(traces: &[Trace], trees: &[TraceTree], by: SkewBy) -> String {
    traces
        .iter()
        .zip(trees)
        .find_map(|(t, tree)| {
            tree.roots
                .iter()
                .find(|r| r.1 == RootReason::Root)
                .map(|r| endpoint(&t.spans[r.0 as usize], by))
        })
        .unwrap_or_default()
}

/// Correct only what the data proves: pairs whose whole interval lies beyond the threshold.
/// The midpoint of an interval that contains 0 is a guess, so the other pairs connect the
/// services with an offset of 0 instead of shifting clocks that may well be right.
fn proven(pairs: &[PairReport], threshold: u64) -> Vec<PairReport> {
    pairs
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if !p.exceeds(threshold) {
                p.offset_ns = 0;
            }
            p
        })
        .collect()
}

/// What the chosen method implies per pair: the median correction between the two ends.
fn implied_offsets(
    traces: &[Trace],
    trees: &[TraceTree],
    shifts: &[Vec<i64>],
    pairs: &[PairReport],
    by: SkewBy,
) -> Vec<Option<i64>> {
    let mut per: HashMap<(String, String), Vec<i64>> = HashMap::new();
    for ((t, tree), sh) in traces.iter().zip(trees).zip(shifts) {
        let index: HashMap<_, usize> = t
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.span_id, i))
            .collect();
        for (k, e) in edges(t, tree, by) {
            let (Some(&c), Some(&s)) = (index.get(&e.client), index.get(&e.server)) else {
                continue;
            };
            // Shared Zipkin halves have one id: take the server half's own position.
            let s = t
                .spans
                .iter()
                .rposition(|x| x.span_id == e.server && x.kind == crate::model::SpanKind::Server)
                .unwrap_or(s);
            per.entry(k).or_default().push(-(sh[s] - sh[c]));
        }
    }
    pairs
        .iter()
        .map(|p| {
            per.get_mut(&(p.client.clone(), p.server.clone())).map(|v| {
                v.sort_unstable();
                v[v.len() / 2]
            })
        })
        .collect()
}

/// The report on stdout.
fn write_report(view: &SkewView<'_>, args: &SkewArgs, term: &Term) -> Result<(), Error> {
    let mut out = output::Output::stdout();
    let written = write(
        view,
        args.format,
        TableStyle {
            color: term.color_stdout,
            ascii: false,
            width: term.width,
        },
        &mut out,
    )
    .map_err(output::write_err)
    .and_then(|()| out.commit());
    // A closed stdout ends the report, not the run: `--adjust -o` and the verdict stay.
    output::reader_left(written)?;
    Ok(())
}

/// `--adjust`: the traces with their spans shifted, written to `path`, and what moved.
fn write_adjusted(
    args: &SkewArgs,
    traces: &mut [Trace],
    shifts: &[Vec<i64>],
    path: &Path,
    format: Format,
    term: &Term,
) -> Result<(), Error> {
    let mut moved: HashMap<String, (u64, i64)> = HashMap::new();
    for (t, sh) in traces.iter_mut().zip(shifts) {
        apply(t, sh, &mut moved);
    }
    let inputs = output::Inputs::sources(&args.input.sources);
    let mut out = output::Output::open(Some(path), &inputs)?;
    let notes = {
        let mut w = writer(format, &mut out);
        for t in traces.iter() {
            w.write_trace(t).map_err(output::write_err)?;
        }
        w.finish().map_err(output::write_err)?
    };
    out.commit()?;
    for n in notes {
        print_warning(term, &n);
    }
    if !term.quiet {
        note_shifts(term, moved, traces, shifts, path);
    }
    Ok(())
}

/// What was shifted, per service; or that nothing was.
fn note_shifts(
    term: &Term,
    moved: HashMap<String, (u64, i64)>,
    traces: &[Trace],
    shifts: &[Vec<i64>],
    path: &Path,
) {
    let mut v: Vec<_> = moved.into_iter().collect();
    v.sort();
    for (svc, (n, d)) in v {
        let dir = if d < 0 { "earlier" } else { "later" };
        super::print_note(
            term,
            &format!(
                "shifted {n} span(s) of {svc} {} {dir}",
                format_duration(d.unsigned_abs())
            ),
        );
    }
    if traces.iter().all(|t| t.spans.is_empty()) || shifts.iter().all(|s| s.iter().all(|x| *x == 0))
    {
        super::print_note(
            term,
            &format!(
                "nothing to shift; wrote the traces unchanged to {}",
                path.display()
            ),
        );
    }
}

/// Shift spans (and their events) and tag what changed.
fn apply(t: &mut Trace, shifts: &[i64], moved: &mut HashMap<String, (u64, i64)>) {
    let key: Arc<str> = Arc::from("tracekit.skew.adjusted_ns");
    for (s, &d) in t.spans.iter_mut().zip(shifts) {
        if d == 0 {
            continue;
        }
        let mv = |x: u64| {
            if x == 0 {
                0
            } else {
                x.saturating_add_signed(d)
            }
        };
        s.start_ns = mv(s.start_ns);
        s.end_ns = mv(s.end_ns);
        for e in &mut s.events {
            e.time_ns = mv(e.time_ns);
        }
        s.attributes.push(KeyValue {
            key: key.clone(),
            value: Value::Int(d),
        });
        let e = moved.entry(s.service.to_string()).or_insert((0, d));
        e.0 += 1;
    }
}
