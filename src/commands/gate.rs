//! `tracekit gate`: evaluate a policy over traces; exit 1 when an assertion fails.

use crate::input::source::{SmallFile, read_small_text};
use std::io::Write;

use rayon::prelude::*;

use super::{InputRules, output, report_inputs};
use crate::analysis::check::{CheckOptions, check_trace};
use crate::analysis::findings::Finding;
use crate::analysis::gate::eval::{TraceFacts, evaluate_facts, facts};
use crate::analysis::gate::{Policy, STARTER};
use crate::analysis::packed_findings::{PackedFindings, unpack_all};
use crate::cli::{FindingsFormat, GateArgs, ReportSpec};
use crate::error::{Error, Exit};
use crate::input::load::for_each_batch;
use crate::model::window::{Feed, Finished, TraceWindow, WindowSize};
use crate::model::{Trace, TraceId, TraceTree};
use crate::render::gate as view;
use crate::render::table::TableStyle;
use crate::term::Term;

pub fn run(args: GateArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let opts = super::open_inputs(&args.input, term)?;
    if let Some(path) = &args.init {
        return init(path, args.force, term);
    }
    if args.force {
        // clap lets `requires = "init"` pass when SOURCE (which --init conflicts with) is given.
        return Err(Error::usage(
            "--force goes with --init (it lets the starter policy replace an existing file)",
        ));
    }
    let policy_name = args.policy.display().to_string();
    let text = read_small_text(&args.policy, SmallFile::Config).map_err(|e| {
        Error::usage(format!(
            "cannot read policy {policy_name}: {} (create one with `tracekit gate --init`)",
            crate::input::source::io_message(&e)
        ))
    })?;
    let policy = Policy::parse(&text, &policy_name).map_err(Error::Usage)?;
    // Traces are evaluated as the window lets them go (see `model::window`): what is kept per
    // trace is its facts and findings, not its spans.
    let mut report = None;
    let per = windowed(&policy, WindowSize::from_env(), &mut |sink| {
        report = Some(for_each_batch(&args.input.sources, &opts, sink));
    })
    .map_err(super::check::spill_err)?;
    let report = report.unwrap_or_default();
    let input_exit = report_inputs(term, &report, InputRules::of(&args.input))?;
    let results = evaluate_facts(&policy, &per.ids, per.facts, &unpack_all(per.findings));

    let inputs = output::Inputs::sources(&args.input.sources).and(&args.policy);
    let verdict = Exit::verdict(input_exit, !results.iter().all(|a| a.passed));
    let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
    let main_view = (|| -> Result<(), Error> {
        match args.format {
            FindingsFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &view::to_json(&results, &policy_name))
                    .map_err(|e| output::write_err(e.into()))?;
                writeln!(out).map_err(output::write_err)?;
            }
            FindingsFormat::Table => {
                let style = TableStyle {
                    color: term.color_stdout,
                    ascii: false,
                    width: term.width,
                };
                view::write_human(&results, style, &mut out).map_err(output::write_err)?;
            }
        }
        Ok(())
    })();
    // A closed stdout ends the view, not the gate: reports are written and the verdict kept.
    let mut reader_left = output::reader_left(main_view)?;
    for r in &args.report {
        let file = |p: &std::path::Path, body: String| -> Result<(), Error> {
            // `-` is stdout, as for -o.
            let mut w = output::Output::open(Some(p), &inputs)?;
            w.write_all(body.as_bytes()).map_err(output::write_err)?;
            w.commit()
        };
        match r {
            ReportSpec::Junit(p) => file(
                p,
                view::junit(&results).map_err(|e| {
                    Error::output(p.display().to_string(), std::io::Error::other(e))
                })?,
            )?,
            ReportSpec::Json(p) => {
                file(p, format!("{:#}\n", view::to_json(&results, &policy_name)))?
            }
            ReportSpec::Sarif(p) => {
                file(p, format!("{:#}\n", view::sarif(&results, &policy_name)))?
            }
            ReportSpec::Github(summary) => {
                output::write_lines_unless_left(
                    &mut out,
                    &view::github_annotations(&results),
                    &mut reader_left,
                )?;
                if let Some(p) = summary
                    .clone()
                    .or_else(|| std::env::var_os("GITHUB_STEP_SUMMARY").map(Into::into))
                {
                    // Appended in place: the file is GitHub's (see commands::findings).
                    output::write_file(
                        &p,
                        &inputs,
                        output::Existing::Append,
                        view::github_summary(&results).as_bytes(),
                    )?;
                }
            }
        }
    }
    if !reader_left {
        output::reader_left(out.commit())?;
    }
    Ok(verdict)
}

/// What `gate` keeps of each trace, by first-seen ordinal.
#[derive(Default)]
struct PerTrace {
    ids: Vec<TraceId>,
    facts: Vec<TraceFacts>,
    findings: Vec<PackedFindings>,
}

impl PerTrace {
    fn add(&mut self, policy: &Policy, group: Vec<Finished>) {
        let results: Vec<_> = group
            .par_iter()
            .map(|f| (f.ordinal, f.trace.trace_id, one_trace(policy, &f.trace)))
            .collect();
        for (o, id, (facts, findings)) in results {
            let o = o as usize;
            if self.ids.len() <= o {
                self.ids.resize(o + 1, TraceId::ZERO);
                self.facts.resize_with(o + 1, TraceFacts::default);
                self.findings.resize_with(o + 1, PackedFindings::default);
            }
            self.ids[o] = id;
            self.facts[o] = facts;
            self.findings[o] = PackedFindings::pack(&findings);
        }
    }
}

/// The facts and the check findings (when the policy has rule assertions) of one trace.
fn one_trace(policy: &Policy, t: &Trace) -> (TraceFacts, Vec<Finding>) {
    let findings = if policy.file.rules.is_empty() {
        Vec::new()
    } else {
        let opts = CheckOptions {
            tolerance_ns: 1_000,
            ..CheckOptions::default()
        };
        check_trace(t, &TraceTree::build(t), &opts)
    };
    (facts(policy, t), findings)
}

/// Every trace's facts and findings from the spans `feed` hands over, a window of traces at a
/// time; a trace the input did not keep together is evaluated again, whole, from the spill.
fn windowed(policy: &Policy, size: WindowSize, feed: Feed<'_>) -> std::io::Result<PerTrace> {
    let mut per = PerTrace::default();
    let mut spilled = TraceWindow::run(size, feed, &mut |g| per.add(policy, g))?;
    for o in spilled.reopened() {
        let trace = spilled.read(o)?;
        per.add(policy, vec![Finished { ordinal: o, trace }]);
    }
    Ok(per)
}

/// `--init [FILE]`: the starter policy. An existing policy is not overwritten without
/// `--force`; a device or FIFO (`/dev/stdout`) is written in place.
fn init(path: &std::path::Path, force: bool, term: &Term) -> Result<Exit, Error> {
    let mut out = if path.as_os_str() == "-" {
        output::Output::stdout()
    } else {
        output::Output::create(
            path,
            &output::Inputs::none(),
            output::Existing::unless_forced(force),
        )?
    };
    // Say what was written when it is a file to edit (not stdout, /dev/null or a FIFO).
    let a_file = out.is_atomic();
    out.write_all(STARTER.as_bytes())
        .map_err(output::write_err)?;
    out.commit()?;
    if a_file {
        super::print_note(
            term,
            &format!(
                "wrote {}; edit it, then run `tracekit gate TRACES --policy {}`",
                path.display(),
                path.display()
            ),
        );
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::gate::evaluate;
    use crate::commands::check::tests::spans_strategy;
    use crate::model::TraceSet;
    use proptest::prelude::*;

    const POLICY: &str = r#"
[selectors.servers]
kind = "server"

[selectors.roots]
root = true

[[coverage]]
selector = "roots"
min_traces = "90%"

[[services]]
required = ["a", "b"]
min_traces = "50%"

[[relations]]
selector = "servers"
parent = "roots"
min_share = "50%"

[[budgets]]
selector = "servers"
assert = ["p90(duration) < 50ns", "max(self) < 40ns", "critical_path_share < 60%"]

[[budgets]]
assert = ["spans_per_trace <= 5"]

[[rules]]
rules = ["completeness/*", "timing/*"]
max_count = 2
"#;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Whatever the window and the order of the spans: the results of a whole load.
        #[test]
        fn windowed_equals_whole_load(
            spans in spans_strategy(),
            window in 1usize..9,
            batch in 1usize..6,
        ) {
            let policy = Policy::parse(POLICY, "p.toml").unwrap();
            let mut set = TraceSet::new();
            set.extend(spans.clone());
            let traces = set.into_traces();
            let opts = CheckOptions { tolerance_ns: 1_000, ..CheckOptions::default() };
            let findings: Vec<Finding> = traces
                .iter()
                .flat_map(|t| check_trace(t, &TraceTree::build(t), &opts))
                .collect();
            let want = evaluate(&policy, &traces, &findings);
            let per = windowed(&policy, WindowSize::spans(window), &mut |sink| {
                for c in spans.chunks(batch) {
                    sink(c.to_vec());
                }
            })
            .unwrap();
            let got = evaluate_facts(&policy, &per.ids, per.facts, &unpack_all(per.findings));
            prop_assert_eq!(got, want);
        }
    }
}
