//! `tracekit gate`: evaluate a policy over traces; exit 1 when an assertion fails.

use crate::input::source::{SmallFile, read_small_text};
use std::io::Write;

use rayon::prelude::*;

use super::{InputRules, output, report_inputs};
use crate::analysis::check::{CheckOptions, check_trace};
use crate::analysis::gate::{Policy, STARTER, evaluate};
use crate::cli::{FindingsFormat, GateArgs, ReportSpec};
use crate::error::{Error, Exit};
use crate::input::load::load;
use crate::model::TraceTree;
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
    let loaded = load(&args.input.sources, &opts);
    let input_exit = report_inputs(term, &loaded.report, InputRules::of(&args.input))?;
    let traces = loaded.traces.into_traces();
    let findings = if policy.file.rules.is_empty() {
        Vec::new()
    } else {
        let opts = CheckOptions {
            tolerance_ns: 1_000,
            ..CheckOptions::default()
        };
        traces
            .par_iter()
            .flat_map(|t| check_trace(t, &TraceTree::build(t), &opts))
            .collect()
    };
    let results = evaluate(&policy, &traces, &findings);

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
