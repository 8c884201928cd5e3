//! `tracekit diff BASE CANDIDATE`: structure, latency and critical-path changes.

use std::io::Write;
use std::sync::Arc;

use super::{InputRules, output, report_inputs, select_traces};
use crate::analysis::diff::{Side, Tolerance, diff};
use crate::backend::Session;
use crate::cli::{DiffArgs, DiffFormat};
use crate::error::{Error, Exit};
use crate::input::load::{LoadOptions, load};
use crate::render::diff as view;
use crate::term::Term;

/// Read one side: `what` names it in messages ("the baseline", "the candidate").
fn side(
    source: &std::path::Path,
    trace: &Option<String>,
    what: &'static str,
    args: &DiffArgs,
    session: Option<&Arc<Session>>,
    term: &Term,
) -> Result<(Side, Exit), Error> {
    let ids = super::parse_trace_ids(&trace.iter().cloned().collect::<Vec<_>>())?;
    let loaded = load(
        &[source.to_path_buf()],
        &LoadOptions {
            format: args.input_format,
            trace_filter: ids.clone(),
            allow_empty: args.empty.allow_empty,
            session: session.cloned(),
            limits: args.limits.limits(),
            // Call paths, durations and errors: the core of each span.
            parts: crate::model::SpanParts::CORE,
        },
    );
    let rules = InputRules {
        strict: args.strict,
        allow_empty: args.empty.allow_empty,
        what,
    };
    let exit = report_inputs(term, &loaded.report, rules)?;
    let selected = select_traces(loaded.traces, ids.as_deref())?;
    if let Some(t) = selected.missing.first() {
        return Err(Error::Inputs(vec![crate::error::InputError::new(
            &std::sync::Arc::from(source.display().to_string()),
            None,
            format!("trace {t} not found"),
        )]));
    }
    Ok((Side::from_traces(&selected.traces), exit))
}

pub fn run(args: DiffArgs, term: &Term) -> Result<Exit, Error> {
    // Either side may be a trace id fetched from the backend: one session for both.
    let sources = [args.base.clone(), args.candidate.clone()];
    let session = super::backend_session(&sources, &args.backend, None, term)?;
    let (base, e1) = side(
        &args.base,
        &args.base_trace,
        "the baseline",
        &args,
        session.as_ref(),
        term,
    )?;
    let (cand, e2) = side(
        &args.candidate,
        &args.candidate_trace,
        "the candidate",
        &args,
        session.as_ref(),
        term,
    )?;
    let tol = Tolerance {
        relative: args.tolerance,
        absolute_ns: args.tolerance_abs,
    };
    let report = diff(&base, &cand, &args.percentiles, tol);
    let inputs = output::Inputs::sources(&[args.base.clone(), args.candidate.clone()]);
    let mut out = output::Output::open(args.output.as_deref(), &inputs)?;
    let fail = (args.fail_on_regression && report.regressions() > 0)
        || (args.fail_on_structure && report.structural() > 0);
    let input = if e1 != Exit::Success { e1 } else { e2 };
    let verdict = Exit::verdict(input, fail);
    let written = (|| -> Result<(), Error> {
        match args.format {
            DiffFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &view::to_json(&report, tol, args.all))
                    .map_err(|e| output::write_err(e.into()))?;
                writeln!(out).map_err(output::write_err)?;
            }
            DiffFormat::Text | DiffFormat::Markdown => {
                view::write_text(
                    &report,
                    tol,
                    args.top,
                    args.all,
                    args.format == DiffFormat::Markdown,
                    &mut out,
                )
                .map_err(output::write_err)?;
            }
        }
        out.commit()
    })();
    // A closed stdout ends the comparison's text, not its verdict.
    output::reader_left(written)?;
    Ok(verdict)
}
