//! `tracekit gate`: evaluate a policy over traces; exit 1 when an assertion fails.

use std::io::Write;

use rayon::prelude::*;

use super::{InputRules, output, report_inputs};
use crate::analysis::check::{CheckOptions, check_trace};
use crate::analysis::gate::{Policy, STARTER, evaluate};
use crate::cli::{FindingsFormat, GateArgs, ReportSpec};
use crate::error::{Error, Exit};
use crate::input::load::{LoadOptions, load};
use crate::model::TraceTree;
use crate::render::gate as view;
use crate::render::table::TableStyle;
use crate::term::Term;

pub fn run(args: GateArgs, term: &Term) -> Result<Exit, Error> {
    if let Some(path) = &args.init {
        return init(path, term);
    }
    let policy_name = args.policy.display().to_string();
    let text = std::fs::read_to_string(&args.policy).map_err(|e| {
        Error::usage(format!(
            "cannot read policy {policy_name}: {} (create one with `tracekit gate --init`)",
            crate::input::source::io_message(&e)
        ))
    })?;
    let policy = Policy::parse(&text, &policy_name).map_err(Error::Usage)?;
    let loaded = load(
        &args.input.sources,
        &LoadOptions {
            format: args.input.input_format,
            trace_filter: None,
            allow_empty: args.input.empty.allow_empty,
        },
    );
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

    let mut out = output::open(args.output.as_deref(), &args.input.sources)?;
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
    for r in &args.report {
        let file = |p: &std::path::Path, body: String| -> Result<(), Error> {
            let mut w = output::open(Some(p), &args.input.sources)?;
            w.write_all(body.as_bytes())
                .map_err(|e| Error::output(p.display().to_string(), e))?;
            w.flush()
                .map_err(|e| Error::output(p.display().to_string(), e))
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
                for line in view::github_annotations(&results) {
                    writeln!(out, "{line}").map_err(output::write_err)?;
                }
                if let Some(p) = summary
                    .clone()
                    .or_else(|| std::env::var_os("GITHUB_STEP_SUMMARY").map(Into::into))
                {
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&p)
                        .map_err(|e| Error::output(p.display().to_string(), e))?;
                    f.write_all(view::github_summary(&results).as_bytes())
                        .map_err(|e| Error::output(p.display().to_string(), e))?;
                }
            }
        }
    }
    out.flush().map_err(output::write_err)?;
    if input_exit != Exit::Success {
        return Ok(input_exit);
    }
    Ok(if results.iter().all(|a| a.passed) {
        Exit::Success
    } else {
        Exit::Findings
    })
}

fn init(path: &std::path::Path, term: &Term) -> Result<Exit, Error> {
    if path.as_os_str() == "-" {
        print!("{STARTER}");
        return Ok(Exit::Success);
    }
    // `--init` stands alone (no --force): an existing policy is never overwritten.
    if path.exists() {
        return Err(Error::usage(format!(
            "{} exists; remove it first (an existing policy is never overwritten)",
            path.display()
        )));
    }
    let mut f = output::AtomicFile::create(path, false, &[])?;
    f.write_all(STARTER.as_bytes())
        .map_err(|e| Error::output(path.display().to_string(), e))?;
    f.commit()?;
    if !term.quiet {
        eprintln!(
            "tracekit: wrote {}; edit it, then run `tracekit gate TRACES --policy {}`",
            path.display(),
            path.display()
        );
    }
    Ok(Exit::Success)
}
