//! `tracekit skew`: clock-offset bounds per pair; `--adjust` writes corrected traces.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::check::{spill_err, with_trees};
use super::{InputRules, output, print_warning, report_inputs};
use crate::analysis::findings::Severity;
use crate::analysis::skew::{
    HOST_KEYS, PairReport, SkewBy, SkewCollector, SkewMethod, edges, endpoint, endpoint_offsets,
    span_shifts,
};
use crate::cli::SkewArgs;
use crate::error::{Error, Exit};
use crate::formats::Format;
use crate::formats::writer;
use crate::input::load::for_each_batch;
use crate::model::window::{Feed, Finished, Spilled, TraceWindow, WindowSize};
use crate::model::{KeyValue, RootReason, Span, SpanParts, Trace, TraceTree, Value};
use crate::render::skew::{SkewView, write};
use crate::render::table::TableStyle;
use crate::term::Term;
use crate::units::format_duration;

/// What the report reads: the core, the hosts named on spans, and the resource (its hosts).
pub(crate) const REPORT_PARTS: SpanParts = SpanParts {
    attributes: true,
    attribute_prefixes: Some(HOST_KEYS),
    resource: true,
    ..SpanParts::CORE
};

/// Keep only what the report reads (when no corrected traces are written): the attributes
/// that name hosts; no events or links.
fn strip(s: &mut Span) {
    s.attributes.retain(|kv| HOST_KEYS.contains(&&*kv.key));
    s.attributes.shrink_to_fit();
    s.events = Vec::new();
    s.links = Vec::new();
}

/// What the first pass derives, by first-seen ordinal: the edges of every pair, and the
/// reference clock (the first trace with a root).
struct FirstPass {
    by: SkewBy,
    collector: SkewCollector,
    reference: Option<(u32, String)>,
    /// The first error of the collector's temporary file.
    failed: Option<std::io::Error>,
}

impl FirstPass {
    fn new(by: SkewBy) -> Self {
        FirstPass {
            by,
            collector: SkewCollector::default(),
            reference: None,
            failed: None,
        }
    }

    fn add(&mut self, group: Vec<Finished>) {
        let by = self.by;
        let results = with_trees(&group, |f, tree| {
            (
                f.ordinal,
                edges(&f.trace, tree, by),
                root_endpoint(&f.trace, tree, by),
            )
        });
        for (o, e, root) in results {
            if let Err(e) = self.collector.add_at(o, e) {
                self.failed.get_or_insert(e);
            }
            if let Some(r) = root
                && self.reference.as_ref().is_none_or(|(at, _)| o < *at)
            {
                self.reference = Some((o, r));
            }
        }
    }
}

/// The first pass over the spans that `feed` hands over, a window of traces at a time (see
/// `model::window`): the pairs and the reference clock, and every trace in the spill for the
/// later passes.
pub(crate) fn first_pass(
    size: WindowSize,
    by: SkewBy,
    feed: Feed<'_>,
) -> std::io::Result<(Spilled, Vec<PairReport>, String)> {
    let mut first = FirstPass::new(by);
    let mut spilled = TraceWindow::run(size, feed, &mut |g| first.add(g))?;
    if !spilled.reopened().is_empty() {
        // Some trace was not kept together by the input: its first part was read alone.
        first = FirstPass::new(by);
        spilled.for_each(&mut |g| {
            first.add(g);
            Ok(())
        })?;
    }
    if let Some(e) = first.failed.take() {
        return Err(e);
    }
    let pairs = first.collector.finish()?;
    let reference = first.reference.map(|r| r.1).unwrap_or_default();
    Ok((spilled, pairs, reference))
}

pub fn run(args: SkewArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let mut opts = super::open_inputs(&args.input, term)?;
    if !args.adjust {
        // Corrected traces are written whole.
        opts.parts = REPORT_PARTS;
    }
    // The later passes read the traces back from the window's spill, a group at a time.
    let mut report = None;
    let (mut spilled, pairs, reference) =
        first_pass(WindowSize::from_env(), args.by, &mut |sink| {
            report = Some(for_each_batch(
                &args.input.sources,
                &opts,
                &mut |mut batch| {
                    if !args.adjust {
                        batch.iter_mut().for_each(strip);
                    }
                    sink(batch);
                },
            ));
        })
        .map_err(spill_err)?;
    let report = report.unwrap_or_default();
    let input_exit = report_inputs(term, &report, InputRules::of(&args.input))?;
    let offsets = endpoint_offsets(&proven(&pairs, args.threshold), &reference);
    let method_offsets: Vec<Option<i64>> = if args.method == SkewMethod::Pairwise {
        vec![None; pairs.len()]
    } else {
        implied_offsets(&mut spilled, &offsets, &pairs, args.method, args.by).map_err(spill_err)?
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
            .or_else(|| report.inputs.first().map(|(_, f)| *f))
            .unwrap_or(Format::OtlpJsonl);
        write_adjusted(&args, &mut spilled, &offsets, path, format, term)?;
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

/// The host (or service) of the trace's first real root, if it has one.
fn root_endpoint(t: &Trace, tree: &TraceTree, by: SkewBy) -> Option<String> {
    tree.roots
        .iter()
        .find(|r| r.1 == RootReason::Root)
        .map(|r| endpoint(&t.spans[r.0 as usize], by))
}

/// Correct only what the data proves: pairs whose whole interval lies beyond the threshold.
/// The midpoint of an interval that contains 0 is a guess, so the other pairs connect the
/// services with an offset of 0 instead of shifting clocks that may well be right.
pub(crate) fn proven(pairs: &[PairReport], threshold: u64) -> Vec<PairReport> {
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

/// What the chosen method implies per pair: the median correction between the two ends, over
/// every trace (read back from the spill).
pub(crate) fn implied_offsets(
    spilled: &mut Spilled,
    offsets: &HashMap<String, i64>,
    pairs: &[PairReport],
    method: SkewMethod,
    by: SkewBy,
) -> std::io::Result<Vec<Option<i64>>> {
    let mut per: HashMap<(String, String), Vec<i64>> = HashMap::new();
    spilled.for_each(&mut |group| {
        let parts = with_trees(&group, |f, tree| {
            let sh = span_shifts(&f.trace, tree, method, by, offsets);
            implied_by_trace(&f.trace, tree, &sh, by)
        });
        for (k, v) in parts.into_iter().flatten() {
            per.entry(k).or_default().push(v);
        }
        Ok(())
    })?;
    Ok(pairs
        .iter()
        .map(|p| {
            per.get_mut(&(p.client.clone(), p.server.clone())).map(|v| {
                v.sort_unstable();
                v[v.len() / 2]
            })
        })
        .collect())
}

/// The correction each edge of one trace implies, by pair.
fn implied_by_trace(
    t: &Trace,
    tree: &TraceTree,
    sh: &[i64],
    by: SkewBy,
) -> Vec<((String, String), i64)> {
    let index: HashMap<_, usize> = t
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.span_id, i))
        .collect();
    let mut out = Vec::new();
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
        out.push((k, -(sh[s] - sh[c])));
    }
    out
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

/// `--adjust`: the traces with their spans shifted (read back from the spill, one group at a
/// time), written to `path`, and what moved.
fn write_adjusted(
    args: &SkewArgs,
    spilled: &mut Spilled,
    offsets: &HashMap<String, i64>,
    path: &Path,
    format: Format,
    term: &Term,
) -> Result<(), Error> {
    let mut moved: HashMap<String, (u64, i64)> = HashMap::new();
    let mut any_shift = false;
    let inputs = output::Inputs::sources(&args.input.sources);
    let mut out = output::Output::open(Some(path), &inputs)?;
    let notes = {
        let mut w = writer(format, &mut out);
        let mut failed: Option<Error> = None;
        let walked = adjusted(spilled, args.method, args.by, offsets, &mut |t, sh| {
            any_shift |= sh.iter().any(|x| *x != 0);
            apply(t, sh, &mut moved);
            w.write_trace(t).map_err(|e| {
                failed = Some(output::write_err(e));
                std::io::Error::other("stopped")
            })
        });
        if let Err(e) = walked {
            return Err(failed.take().unwrap_or_else(|| spill_err(e)));
        }
        w.finish().map_err(output::write_err)?
    };
    out.commit()?;
    for n in notes {
        print_warning(term, &n);
    }
    if !term.quiet {
        note_shifts(term, moved, spilled.spans() > 0 && any_shift, path);
    }
    Ok(())
}

/// Every trace in first-seen order with its shifts (read back from the spill, a group at a
/// time; shifts computed in parallel).
pub(crate) fn adjusted(
    spilled: &mut Spilled,
    method: SkewMethod,
    by: SkewBy,
    offsets: &HashMap<String, i64>,
    f: &mut dyn FnMut(&mut Trace, &[i64]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    spilled.for_each(&mut |mut group| {
        let shifts = with_trees(&group, |x, tree| {
            span_shifts(&x.trace, tree, method, by, offsets)
        });
        for (x, sh) in group.iter_mut().zip(&shifts) {
            f(&mut x.trace, sh)?;
        }
        Ok(())
    })
}

/// What was shifted, per service; or that nothing was.
fn note_shifts(term: &Term, moved: HashMap<String, (u64, i64)>, shifted: bool, path: &Path) {
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
    if !shifted {
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
pub(crate) fn apply(t: &mut Trace, shifts: &[i64], moved: &mut HashMap<String, (u64, i64)>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::check::tests::spans_strategy;
    use crate::model::TraceSet;
    use proptest::prelude::*;

    /// `skew` as it was: every trace loaded; pairs, reference, implied offsets and the
    /// adjusted traces from all of them at once.
    #[allow(clippy::type_complexity)]
    fn whole(
        spans: Vec<Span>,
        by: SkewBy,
        method: SkewMethod,
    ) -> (
        Vec<PairReport>,
        String,
        Vec<Option<i64>>,
        Vec<Trace>,
        Vec<(String, (u64, i64))>,
    ) {
        let mut set = TraceSet::new();
        set.extend(spans);
        let mut traces = set.into_traces();
        let trees: Vec<TraceTree> = traces.iter().map(TraceTree::build).collect();
        let mut c = SkewCollector::default();
        for (t, tree) in traces.iter().zip(&trees) {
            c.add(t, tree, by).unwrap();
        }
        let pairs = c.finish().unwrap();
        let reference = traces
            .iter()
            .zip(&trees)
            .find_map(|(t, tree)| root_endpoint(t, tree, by))
            .unwrap_or_default();
        let offsets = endpoint_offsets(&proven(&pairs, 3), &reference);
        let shifts: Vec<Vec<i64>> = traces
            .iter()
            .zip(&trees)
            .map(|(t, tree)| span_shifts(t, tree, method, by, &offsets))
            .collect();
        let mut per: HashMap<(String, String), Vec<i64>> = HashMap::new();
        for ((t, tree), sh) in traces.iter().zip(&trees).zip(&shifts) {
            for (k, v) in implied_by_trace(t, tree, sh, by) {
                per.entry(k).or_default().push(v);
            }
        }
        let implied = pairs
            .iter()
            .map(|p| {
                per.get_mut(&(p.client.clone(), p.server.clone())).map(|v| {
                    v.sort_unstable();
                    v[v.len() / 2]
                })
            })
            .collect();
        let mut moved = HashMap::new();
        for (t, sh) in traces.iter_mut().zip(&shifts) {
            apply(t, sh, &mut moved);
        }
        let mut moved: Vec<_> = moved.into_iter().collect();
        moved.sort();
        (pairs, reference, implied, traces, moved)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Whatever the window and the order of the spans: the pairs, the reference clock, the
        /// offsets each method implies and the adjusted traces equal a whole load's.
        #[test]
        fn windowed_equals_whole_load(
            spans in spans_strategy(),
            window in 1usize..9,
            batch in 1usize..6,
            host in any::<bool>(),
            method in 0usize..3,
        ) {
            let by = if host { SkewBy::Host } else { SkewBy::Service };
            let method = [SkewMethod::Pairwise, SkewMethod::Jaeger, SkewMethod::Zipkin][method];
            let want = whole(spans.clone(), by, method);
            let (mut spilled, pairs, reference) =
                first_pass(WindowSize::spans(window), by, &mut |sink| {
                    for c in spans.chunks(batch) {
                        sink(c.to_vec());
                    }
                })
                .unwrap();
            let offsets = endpoint_offsets(&proven(&pairs, 3), &reference);
            let implied = implied_offsets(&mut spilled, &offsets, &pairs, method, by).unwrap();
            let mut traces = Vec::new();
            let mut moved = HashMap::new();
            adjusted(&mut spilled, method, by, &offsets, &mut |t, sh| {
                apply(t, sh, &mut moved);
                traces.push(t.clone());
                Ok(())
            })
            .unwrap();
            let mut moved: Vec<_> = moved.into_iter().collect();
            moved.sort();
            prop_assert_eq!(pairs, want.0);
            prop_assert_eq!(reference, want.1);
            prop_assert_eq!(implied, want.2);
            prop_assert_eq!(traces, want.3);
            prop_assert_eq!(moved, want.4);
        }
    }
}
