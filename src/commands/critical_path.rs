//! `tracekit critical-path` (`cp`): per-trace critical paths, or the aggregate over many traces.

use super::{InputRules, output, parse_trace_ids, report_inputs, select_traces};
use crate::analysis::compact::CompactCollector;
use crate::analysis::cp_aggregate::{TraceFilter, aggregate};
use crate::analysis::critical_path::critical_paths;
use crate::analysis::stats::GroupBy;
use crate::cli::CriticalPathArgs;
use crate::error::{Error, Exit};
use crate::input::load::{for_each_batch, load};
use crate::model::{RootReason, TraceTree};
use crate::render::critical_path::{TracePaths, write_aggregate, write_traces};
use crate::render::table::TableStyle;
use crate::term::Term;

pub fn run(args: CriticalPathArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let mut opts = super::open_inputs(&args.input, term)?;
    let ids = parse_trace_ids(&args.trace)?;
    let style = TableStyle {
        color: term.color_stdout,
        ascii: false,
        width: term.width,
    };
    opts.trace_filter = ids.clone();
    // Paths, their tables and the aggregate read ids, names, services, kinds and times only.
    opts.parts = crate::model::SpanParts::CORE;
    if args.aggregate {
        let mut collector = CompactCollector::new(GroupBy::Operation);
        let exit = match &ids {
            // Spans stream into the collector.
            None => {
                let report = for_each_batch(&args.input.sources, &opts, &mut |batch| {
                    collector.add(batch)
                });
                report_inputs(term, &report, InputRules::of(&args.input))?
            }
            // Only the traces named: held until it is clear which trace each --trace names.
            Some(refs) => {
                let loaded = load(&args.input.sources, &opts);
                let exit = report_inputs(term, &loaded.report, InputRules::of(&args.input))?;
                let selected = select_traces(loaded.traces, Some(refs))?;
                not_found(&selected.missing, loaded.report.spans)?;
                for t in selected.traces {
                    collector.add(t.spans);
                }
                exit
            }
        };
        let filter = TraceFilter {
            root_operation: args.root_operation.clone(),
            min_duration_ns: args.min_duration,
            percentile_band: args.percentile_band,
        };
        let r = aggregate(
            collector,
            &filter,
            &args.percentiles,
            crate::analysis::percentile::QuantileMethod::NearestRank,
        );
        let inputs = output::Inputs::sources(&args.input.sources);
        let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
        write_aggregate(&r, args.top, args.format, style, &mut out).map_err(output::write_err)?;
        out.commit()?;
        return Ok(exit);
    }
    if args.percentile_band.is_some() {
        return Err(Error::usage("--percentile-band needs --aggregate"));
    }
    let loaded = load(&args.input.sources, &opts);
    let exit = report_inputs(term, &loaded.report, InputRules::of(&args.input))?;
    let selected = select_traces(loaded.traces, ids.as_deref())?;
    not_found(&selected.missing, loaded.report.spans)?;
    let mut all = Vec::new();
    for t in &selected.traces {
        let tree = TraceTree::build(t);
        let duration = t.duration_ns();
        if args.min_duration.is_some_and(|m| duration < m) {
            continue;
        }
        if let Some(op) = &args.root_operation
            && !tree.roots.iter().any(|(i, why)| {
                *why == RootReason::Root && &*t.spans[*i as usize].name == op.as_str()
            })
        {
            continue;
        }
        all.push(TracePaths {
            trace: t,
            paths: critical_paths(t, &tree, args.explain),
        });
    }
    let inputs = output::Inputs::sources(&args.input.sources);
    let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
    write_traces(&all, args.explain, args.format, style, &mut out).map_err(output::write_err)?;
    out.commit()?;
    Ok(exit)
}

/// The error for `--trace` values that named no trace read.
fn not_found(missing: &[crate::model::TraceRef], spans_read: u64) -> Result<(), Error> {
    let Some(first) = missing.first() else {
        return Ok(());
    };
    Err(Error::Inputs(vec![crate::error::InputError::new(
        &std::sync::Arc::from("input"),
        None,
        format!(
            "trace {first} not found in the input ({spans_read} spans read{})",
            crate::commands::show::lines_not_parsed()
        ),
    )]))
}
