//! Shared ending of the commands that report findings (check, lint, gate): the main view on
//! stdout, side reports, and the exit code from `--fail-on`.

use std::io::Write;

use serde_json::{Map, Value};

use super::output;
use crate::analysis::findings::{Finding, Summary};
use crate::analysis::rules::{all_rules, rules_for};
use crate::cli::{FindingsFormat, FindingsOutputArgs, ReportSpec};
use crate::error::{Error, Exit};
use crate::render::{findings as view, github, junit, sarif};
use crate::term::Term;

/// What a findings command produced.
pub struct FindingsRun<'a> {
    /// `check`, `lint`, `gate`: names the JSON schema (`tracekit.<command>/v1`).
    pub command: &'a str,
    pub findings: Vec<Finding>,
    pub traces: u64,
    pub spans: u64,
    /// Command-specific top-level JSON fields (e.g. lint's cardinality table).
    pub extra: Map<String, Value>,
    /// Lines printed after the findings in the table view (e.g. a cardinality table).
    pub extra_text: Vec<String>,
    /// The inputs, so that no report is written over one.
    pub inputs: &'a [std::path::PathBuf],
    /// A configuration file the command read (lint --config): not to be written over either.
    pub config: Option<&'a std::path::Path>,
}

/// Render, write reports, and pick the exit code: `input_exit` (3) when an input was bad,
/// else 1 when a finding is at or above `--fail-on`, else 0.
pub fn finish(
    run: FindingsRun<'_>,
    args: &FindingsOutputArgs,
    term: &Term,
    input_exit: Exit,
) -> Result<Exit, Error> {
    let mut findings = run.findings;
    // Stable order: worst first, then rule, trace, span.
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.trace_id.cmp(&b.trace_id))
            .then_with(|| a.span_id.cmp(&b.span_id))
    });
    let summary = Summary::build(&findings, run.traces, run.spans);
    let doc = || view::document(run.command, &findings, &summary, &run.extra);

    let mut inputs = output::Inputs::sources(run.inputs);
    if let Some(c) = run.config {
        inputs = inputs.and(c);
    }
    let verdict = Exit::verdict(
        input_exit,
        findings.iter().any(|f| args.fail_on.fails(f.severity)),
    );
    let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
    let main_view = (|| -> Result<(), Error> {
        match args.format {
            FindingsFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &doc())
                    .map_err(|e| output::write_err(e.into()))?;
                writeln!(out).map_err(output::write_err)?;
            }
            FindingsFormat::Table => {
                view::write_table(
                    &findings,
                    &summary,
                    args.max_per_rule,
                    term.color_stdout,
                    &mut out,
                )
                .map_err(output::write_err)?;
                if !run.extra_text.is_empty() {
                    writeln!(out).map_err(output::write_err)?;
                    for l in &run.extra_text {
                        writeln!(out, "{}", crate::term::escape(l)).map_err(output::write_err)?;
                    }
                }
            }
        }
        Ok(())
    })();
    // The reports are still written when the reader of stdout went away, and the verdict kept.
    let mut reader_left = output::reader_left(main_view)?;
    for r in &args.report {
        match r {
            ReportSpec::Json(p) => write_file(p, &inputs, |w| {
                serde_json::to_writer_pretty(&mut *w, &doc())?;
                writeln!(w)
            })?,
            ReportSpec::Sarif(p) => write_file(p, &inputs, |w| {
                serde_json::to_writer_pretty(
                    &mut *w,
                    &sarif::document(
                        &findings,
                        all_rules(),
                        // SARIF URIs are text: a name that is not UTF-8 is written lossily.
                        &run.inputs
                            .iter()
                            .map(|p| p.to_string_lossy().into_owned())
                            .collect::<Vec<_>>(),
                    ),
                )?;
                writeln!(w)
            })?,
            ReportSpec::Junit(p) => {
                let xml = junit::document(
                    run.command,
                    &findings,
                    &rules_for(run.command),
                    args.fail_on,
                )
                .map_err(|e| Error::output(p.display().to_string(), std::io::Error::other(e)))?;
                write_file(p, &inputs, |w| w.write_all(xml.as_bytes()))?;
            }
            ReportSpec::Github(file) => {
                output::write_lines_unless_left(
                    &mut out,
                    &github::annotations(&findings),
                    &mut reader_left,
                )?;
                let target = file
                    .clone()
                    .or_else(|| std::env::var_os("GITHUB_STEP_SUMMARY").map(Into::into));
                if let Some(p) = target {
                    // The step summary is appended to in place: the file is GitHub's, which
                    // reads it after the step, and other steps' summaries in it must stay.
                    output::write_file(
                        &p,
                        &inputs,
                        output::Existing::Append,
                        github::step_summary(run.command, &summary).as_bytes(),
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

fn write_file(
    path: &std::path::Path,
    inputs: &output::Inputs,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    // `-` is stdout, as for -o.
    let mut w = output::Output::open(Some(path), inputs)?;
    body(&mut w).map_err(output::write_err)?;
    w.commit()
}
