//! `tracekit check`: completeness, timing and clock-skew findings per trace.

use rayon::prelude::*;

use super::findings::{FindingsRun, finish};
use super::{InputRules, report_inputs};
use crate::analysis::check::{CHECK_ATTRIBUTE_PREFIXES, CheckOptions, check_trace};
use crate::analysis::findings::Finding;
use crate::analysis::packed_findings::{PackedFindings, unpack_all};
use crate::analysis::rules::clock_skew;
use crate::analysis::skew::{PairReport, SkewBy, SkewCollector, edges};
use crate::cli::CheckArgs;
use crate::error::{Error, Exit};
use crate::input::load::for_each_batch;
use crate::model::window::{Feed, Finished, TraceWindow, WindowSize};
use crate::model::{Span, SpanParts, TraceTree};
use crate::term::Term;
use crate::units::{format_duration, format_signed_duration};

/// What the rules read: the core of a span, the attributes that exempt clients or name hosts
/// (peer.service: a datastore callee), and the resource (its hosts).
pub(crate) const CHECK_PARTS: SpanParts = SpanParts {
    attributes: true,
    attribute_prefixes: Some(CHECK_ATTRIBUTE_PREFIXES),
    resource: true,
    ..SpanParts::CORE
};

/// Keep only what the rules read, so that huge inputs fit (readers that cannot skip parts
/// build them all): the attributes of [`CHECK_PARTS`]; no events or links.
fn strip(s: &mut Span) {
    s.attributes.retain(|kv| {
        CHECK_ATTRIBUTE_PREFIXES
            .iter()
            .any(|p| kv.key.starts_with(p))
    });
    s.attributes.shrink_to_fit();
    s.events = Vec::new();
    s.links = Vec::new();
}

/// What `check` derives from traces, by first-seen ordinal: findings per trace, skew edges.
struct PerTrace<'a> {
    opts: &'a CheckOptions,
    by: SkewBy,
    findings: Vec<PackedFindings>,
    skew: SkewCollector,
    /// The first error of the skew collector's temporary file.
    failed: Option<std::io::Error>,
}

impl PerTrace<'_> {
    fn add(&mut self, group: Vec<Finished>) {
        let (opts, by) = (self.opts, self.by);
        let results = with_trees(&group, |f, tree| {
            (
                f.ordinal,
                check_trace(&f.trace, tree, opts),
                edges(&f.trace, tree, by),
            )
        });
        for (o, f, e) in results {
            let o = o as usize;
            if self.findings.len() <= o {
                self.findings.resize_with(o + 1, PackedFindings::default);
            }
            self.findings[o] = PackedFindings::pack(&f);
            if let Err(e) = self.skew.add_at(o as u32, e) {
                self.failed.get_or_insert(e);
            }
        }
    }
}

/// `f` of each finished trace of a group and its tree, on the workers, in the group's order.
pub(crate) fn with_trees<T: Send>(
    group: &[Finished],
    f: impl Fn(&Finished, &TraceTree) -> T + Sync,
) -> Vec<T> {
    group
        .par_iter()
        .map(|x| f(x, &TraceTree::build(&x.trace)))
        .collect()
}

/// An error of the temporary file that traces are spilled to.
pub(crate) fn spill_err(e: std::io::Error) -> Error {
    Error::output("a temporary file", e)
}

/// What the traces give before the skew findings are phrased: the findings of each trace in
/// first-seen order, the skew pairs, and how many traces and spans there were.
pub(crate) struct Analysed {
    pub findings: Vec<Finding>,
    pub pairs: Vec<PairReport>,
    pub traces: u64,
    pub spans: u64,
}

/// Analyse the (stripped) spans that `feed` hands over, a window of traces at a time (see
/// `model::window`): memory holds the window, not the input, and the result is the one of a
/// whole load.
pub(crate) fn analyse(
    size: WindowSize,
    opts: &CheckOptions,
    by: SkewBy,
    feed: Feed<'_>,
) -> std::io::Result<Analysed> {
    let fresh = || PerTrace {
        opts,
        by,
        findings: Vec::new(),
        skew: SkewCollector::default(),
        failed: None,
    };
    let mut per = fresh();
    let mut spilled = TraceWindow::run(size, feed, &mut |g| per.add(g))?;
    if !spilled.reopened().is_empty() {
        // Some trace was not kept together by the input: its first part was analysed alone.
        // Analyse every trace again, whole, from the spill (the skew edges of a pair cannot be
        // taken back one trace at a time).
        per = fresh();
        spilled.for_each(&mut |g| {
            per.add(g);
            Ok(())
        })?;
    }
    if let Some(e) = per.failed.take() {
        return Err(e);
    }
    Ok(Analysed {
        findings: unpack_all(per.findings),
        pairs: per.skew.finish()?,
        traces: spilled.traces() as u64,
        spans: spilled.spans(),
    })
}

pub fn run(args: CheckArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let mut opts = super::open_inputs(&args.input, term)?;
    opts.parts = CHECK_PARTS;
    let check_opts = CheckOptions {
        expect_services: args.expect_service.clone(),
        expect_root: args.expect_root.clone(),
        tolerance_ns: args.tolerance,
    };
    let mut report = None;
    let analysed = analyse(
        WindowSize::from_env(),
        &check_opts,
        args.skew_by,
        &mut |sink| {
            report = Some(for_each_batch(
                &args.input.sources,
                &opts,
                &mut |mut batch| {
                    batch.iter_mut().for_each(strip);
                    sink(batch);
                },
            ));
        },
    )
    .map_err(spill_err)?;
    let report = report.unwrap_or_default();
    let input_exit = report_inputs(term, &report, InputRules::of(&args.input))?;
    let Analysed {
        mut findings,
        pairs,
        traces,
        spans,
    } = analysed;
    for p in pairs {
        if !p.exceeds(args.skew_threshold) {
            continue;
        }
        let direction = if p.offset_ns >= 0 {
            "ahead of"
        } else {
            "behind"
        };
        let msg = format!(
            "the clock of {} is {} {} {} (offset between {} and {} from {} edge(s){})",
            p.server,
            format_duration(p.offset_ns.unsigned_abs()),
            direction,
            p.client,
            format_signed_duration(p.lower_ns),
            format_signed_duration(p.upper_ns),
            p.edges,
            if p.consistent {
                String::new()
            } else {
                format!("; {} contradict", p.violations)
            }
        );
        let mut f = clock_skew()
            .finding(msg)
            .detail("pair", format!("{} -> {}", p.client, p.server))
            .detail("offset_ns", p.offset_ns)
            .detail("lower_ns", p.lower_ns)
            .detail("upper_ns", p.upper_ns);
        f.service = Some(p.server.clone());
        if let Some(e) = &p.example {
            f = f.at(e.trace_id, Some(e.server));
        }
        findings.push(f);
    }
    crate::analysis::pii::mask_findings(&mut findings);
    let run = FindingsRun {
        command: "check",
        findings,
        traces,
        spans,
        extra: Default::default(),
        extra_text: Vec::new(),
        inputs: &args.input.sources,
        config: None,
    };
    finish(run, &args.output, term, input_exit)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{SpanKind, TraceSet, testkit};
    use proptest::prelude::*;

    /// Random spans of a few traces, in the order given: traces interleave and come back, ids
    /// repeat, parents are missing, clocks disagree.
    pub(crate) fn spans_strategy() -> impl Strategy<Value = Vec<Span>> {
        proptest::collection::vec(
            (
                0u128..5,
                1u64..14,
                proptest::option::of(1u64..14),
                0usize..4,
                0u8..4,
                0u64..60,
                0u64..40,
                any::<bool>(),
            ),
            0..70,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(t, id, parent, svc, kind, start, dur, flag)| {
                    let kind = [
                        SpanKind::Server,
                        SpanKind::Client,
                        SpanKind::Internal,
                        SpanKind::Unspecified,
                    ][kind as usize];
                    let mut b = testkit::span(id)
                        .trace(t + 1)
                        .parent(parent)
                        .service(["a", "b", "c", "redis"][svc])
                        .name(["GET /", "op"][usize::from(flag)])
                        .kind(kind)
                        .start_ns(if start == 0 { 0 } else { 1_000 + start * 7 })
                        .end_ns(1_000 + start * 7 + dur * 3);
                    if flag && svc == 3 {
                        b = b.attr("db.system", "redis");
                    }
                    if flag && svc == 0 {
                        b = b.attr("host.name", "h1");
                    }
                    b.build()
                })
                .collect()
        })
    }

    /// `check` as it was: every trace loaded, then analysed in first-seen order.
    fn whole(spans: Vec<Span>, opts: &CheckOptions, by: SkewBy) -> Analysed {
        let mut set = TraceSet::new();
        set.extend(spans);
        let traces = set.into_traces();
        let mut findings = Vec::new();
        let mut skew = SkewCollector::default();
        for t in &traces {
            let tree = TraceTree::build(t);
            findings.extend(check_trace(t, &tree, opts));
            skew.add(t, &tree, by).unwrap();
        }
        Analysed {
            findings,
            pairs: skew.finish().unwrap(),
            traces: traces.len() as u64,
            spans: traces.iter().map(|t| t.spans.len() as u64).sum(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Whatever the window and the order of the spans, the findings, pairs and counts
        /// equal a whole load's.
        #[test]
        fn windowed_equals_whole_load(
            spans in spans_strategy(),
            window in 1usize..9,
            batch in 1usize..6,
            host in any::<bool>(),
        ) {
            let by = if host { SkewBy::Host } else { SkewBy::Service };
            let opts = CheckOptions {
                expect_services: vec!["b".into()],
                expect_root: Some("GET /".into()),
                tolerance_ns: 5,
            };
            let mut stripped = spans.clone();
            stripped.iter_mut().for_each(strip);
            let want = whole(stripped.clone(), &opts, by);
            let got = analyse(WindowSize::spans(window), &opts, by, &mut |sink| {
                for c in stripped.chunks(batch) {
                    sink(c.to_vec());
                }
            })
            .unwrap();
            prop_assert_eq!(got.findings, want.findings);
            prop_assert_eq!(got.pairs, want.pairs);
            prop_assert_eq!((got.traces, got.spans), (want.traces, want.spans));
        }
    }
}
