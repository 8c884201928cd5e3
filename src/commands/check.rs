//! `tracekit check`: completeness, timing and clock-skew findings per trace.

use rayon::prelude::*;

use super::findings::{FindingsRun, finish};
use super::{InputRules, report_inputs};
use crate::analysis::check::{CheckOptions, EXEMPT_CLIENT_PREFIXES, check_trace};
use crate::analysis::rules::clock_skew;
use crate::analysis::skew::{SkewCollector, edges};
use crate::cli::CheckArgs;
use crate::error::{Error, Exit};
use crate::input::load::for_each_batch;
use crate::model::{Span, TraceSet, TraceTree};
use crate::term::Term;
use crate::units::{format_duration, format_signed_duration};

/// Keep only what the rules read, so that huge inputs fit: attributes that exempt clients or
/// name hosts (peer.service: a datastore callee); no events or links.
fn strip(s: &mut Span) {
    s.attributes.retain(|kv| {
        EXEMPT_CLIENT_PREFIXES
            .iter()
            .chain(&["net.host.", "network.local.", "peer.service"])
            .any(|p| kv.key.starts_with(p))
    });
    s.attributes.shrink_to_fit();
    s.events = Vec::new();
    s.links = Vec::new();
}

pub fn run(args: CheckArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let opts = super::open_inputs(&args.input, term)?;
    let mut set = TraceSet::new();
    let report = for_each_batch(&args.input.sources, &opts, &mut |mut batch| {
        batch.iter_mut().for_each(strip);
        set.extend(batch);
    });
    let input_exit = report_inputs(term, &report, InputRules::of(&args.input))?;
    let traces = set.into_traces();
    let check_opts = CheckOptions {
        expect_services: args.expect_service.clone(),
        expect_root: args.expect_root.clone(),
        tolerance_ns: args.tolerance,
    };
    let per_trace: Vec<_> = traces
        .par_iter()
        .map(|t| {
            let tree = TraceTree::build(t);
            (
                check_trace(t, &tree, &check_opts),
                edges(t, &tree, args.skew_by),
            )
        })
        .collect();
    let mut findings = Vec::new();
    let mut skew = SkewCollector::default();
    for (f, e) in per_trace {
        findings.extend(f);
        skew.extend(e);
    }
    for p in skew.finish() {
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
    let spans = traces.iter().map(|t| t.spans.len() as u64).sum();
    crate::analysis::pii::mask_findings(&mut findings);
    let run = FindingsRun {
        command: "check",
        findings,
        traces: traces.len() as u64,
        spans,
        extra: Default::default(),
        extra_text: Vec::new(),
        inputs: &args.input.sources,
        config: None,
    };
    finish(run, &args.output, term, input_exit)
}
