//! `tracekit stats`: latency statistics per group.

use super::{InputRules, output, report_inputs};
use crate::analysis::stats::{GroupStats, StatsCollector};
use crate::cli::{StatsArgs, StatsSort};
use crate::error::{Error, Exit};
use crate::input::load::for_each_batch;
use crate::render::stats::{StatsView, write};
use crate::render::table::TableStyle;
use crate::term::Term;

pub fn run(args: StatsArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let mut opts = super::open_inputs(&args.input, term)?;
    opts.parts = args.group_by.parts();
    let mut collector = StatsCollector::new(args.group_by.clone());
    let report = for_each_batch(&args.input.sources, &opts, &mut |batch| {
        collector.add(batch)
    });
    let exit = report_inputs(term, &report, InputRules::of(&args.input))?;
    let stats = collector.finish(&args.percentiles, args.quantile_method);
    let mut groups = stats.groups.clone();
    sort_groups(&mut groups, args.sort);
    if let Some(n) = args.top {
        groups.truncate(n);
    }
    let view = StatsView {
        report: &stats,
        groups: &groups,
        group_by: &args.group_by,
        method: args.quantile_method,
    };
    let style = TableStyle {
        color: term.color_stdout,
        ascii: false,
        width: term.width,
    };
    let inputs = output::Inputs::sources(&args.input.sources);
    let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
    write(&view, args.format, style, &mut out).map_err(output::write_err)?;
    out.commit()?;
    Ok(exit)
}

fn sort_groups(groups: &mut [GroupStats], by: StatsSort) {
    let pick = |g: &GroupStats, label: &str| {
        g.duration
            .iter()
            .find(|(p, _)| p.label() == label)
            .map(|x| x.1)
            .unwrap_or(g.max_ns)
    };
    match by {
        StatsSort::Name => groups.sort_by(|a, b| a.key.cmp(&b.key)),
        StatsSort::Count => groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key))),
        StatsSort::Errors => groups.sort_by(|a, b| b.errors.cmp(&a.errors).then(a.key.cmp(&b.key))),
        StatsSort::ErrorRate => groups.sort_by(|a, b| {
            b.error_rate()
                .total_cmp(&a.error_rate())
                .then(a.key.cmp(&b.key))
        }),
        StatsSort::P50 => {
            groups.sort_by(|a, b| pick(b, "p50").cmp(&pick(a, "p50")).then(a.key.cmp(&b.key)))
        }
        StatsSort::P95 => {
            groups.sort_by(|a, b| pick(b, "p95").cmp(&pick(a, "p95")).then(a.key.cmp(&b.key)))
        }
        StatsSort::P99 => {
            groups.sort_by(|a, b| pick(b, "p99").cmp(&pick(a, "p99")).then(a.key.cmp(&b.key)))
        }
        StatsSort::Max => groups.sort_by(|a, b| b.max_ns.cmp(&a.max_ns).then(a.key.cmp(&b.key))),
        StatsSort::Total => {
            groups.sort_by(|a, b| b.total_ns.cmp(&a.total_ns).then(a.key.cmp(&b.key)))
        }
    }
}
