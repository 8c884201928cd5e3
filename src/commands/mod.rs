//! One module per subcommand: glue between parsed arguments, loading, analysis and rendering.

pub mod check;
pub mod critical_path;
pub mod diff;
pub mod export;
pub mod fetch;
pub mod findings;
pub mod gate;
pub mod generate;
pub mod lint;
pub mod output;
pub mod rules;
pub mod search;
pub mod services;
pub mod show;
pub mod skew;
pub mod stats;
pub mod synth;

use std::io::Write;

use colored::Colorize;

use crate::cli::{Cli, Command};
use crate::error::{Error, Exit};
use crate::input::load::ReadReport;
use crate::term::Term;

/// Run a parsed command line and return the exit code. Errors are printed here, on stderr.
pub fn run(cli: Cli) -> Exit {
    let term = Term::detect(cli.global.color, cli.global.quiet);
    // `colored` is global; decide it once for stdout, the stream data goes to.
    colored::control::set_override(term.color_stdout);
    if let Some(input) = input_args(&cli.command)
        && let Err(e) = prepare_backend(input, &term)
    {
        print_error(&term, &e.to_string());
        return e.exit();
    }
    let result = match cli.command {
        Command::Show(args) => show::run(args, &term),
        Command::Stats(args) => stats::run(args, &term),
        Command::CriticalPath(args) => critical_path::run(args, &term),
        Command::Check(args) => check::run(args, &term),
        Command::Skew(args) => skew::run(args, &term),
        Command::Gate(args) => gate::run(args, &term),
        Command::Diff(args) => diff::run(args, &term),
        Command::Export(args) => export::run(args, &term),
        Command::Lint(args) => lint::run(args, &term),
        Command::Synth(args) => synth::run(args, &term),
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
        Command::Fetch(args) => fetch::run(args, &term),
        Command::Search(args) => search::run(args, &term),
        Command::Services(args) => services::run(args, &term),
        Command::Rules(args) => rules::run(args, &term),
    };
    match result {
        Ok(exit) => exit,
        Err(Error::Output { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            Exit::Success
        }
        Err(e) => {
            print_error(&term, &e.to_string());
            e.exit()
        }
    }
}

/// `tracekit: error: …` on stderr, one line per message line.
pub fn print_error(term: &Term, message: &str) {
    let mut err = std::io::stderr().lock();
    for line in message.lines() {
        let label = if term.color_stderr {
            "error:".red().bold().to_string()
        } else {
            "error:".to_string()
        };
        // Messages quote file names and trace data: escape them like any untrusted text.
        let _ = writeln!(err, "tracekit: {label} {}", crate::term::escape(line));
    }
}

pub fn print_warning(term: &Term, message: &str) {
    if term.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    let label = if term.color_stderr {
        "warning:".yellow().bold().to_string()
    } else {
        "warning:".to_string()
    };
    for line in message.lines() {
        let _ = writeln!(err, "tracekit: {label} {}", crate::term::escape(line));
    }
}

/// Print what went wrong while reading inputs. Returns the error to end with when `strict` or
/// when nothing could be read; otherwise the exit code the command should end with (3 when any
/// input was bad, after its output).
pub fn report_inputs(term: &Term, report: &ReadReport, strict: bool) -> Result<Exit, Error> {
    for w in &report.warnings {
        print_warning(term, &format!("skipped {w}"));
    }
    if report.errors.is_empty() && report.backend.is_empty() {
        return Ok(Exit::Success);
    }
    let usage = report.backend.iter().any(|b| b.usage);
    if strict || report.inputs.is_empty() {
        if report.backend.is_empty() {
            return Err(Error::Inputs(report.errors.clone()));
        }
        // Backend problems decide the exit code (4, or 2 when no backend was named); the
        // input errors are printed before them.
        for e in &report.errors {
            print_error(term, &e.to_string());
        }
        let msg = report
            .backend
            .iter()
            .map(|b| b.message.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        return Err(if usage {
            Error::Usage(msg)
        } else {
            Error::Backend(msg)
        });
    }
    for e in &report.errors {
        print_error(term, &e.to_string());
    }
    for b in &report.backend {
        print_error(term, &b.message);
    }
    Ok(if usage {
        Exit::Usage
    } else if !report.backend.is_empty() {
        Exit::Backend
    } else {
        Exit::Input
    })
}

/// The input arguments of the analysis commands (the ones that read SOURCE...).
pub(crate) fn input_args(command: &Command) -> Option<&crate::cli::InputArgs> {
    match command {
        Command::Show(a) => Some(&a.input),
        Command::Stats(a) => Some(&a.input),
        Command::CriticalPath(a) => Some(&a.input),
        Command::Check(a) => Some(&a.input),
        Command::Skew(a) => Some(&a.input),
        Command::Export(a) => Some(&a.input),
        Command::Gate(a) => Some(&a.input),
        Command::Lint(a) => Some(&a.input),
        _ => None,
    }
}

/// When the sources name trace ids or a search, resolve the backend (config errors exit 2)
/// and install the session the loader fetches through.
pub fn prepare_backend(input: &crate::cli::InputArgs, term: &Term) -> Result<(), Error> {
    use crate::input::load::{is_trace_id_source, no_backend_message};
    let ids: Vec<&String> = input
        .sources
        .iter()
        .filter(|s| is_trace_id_source(s))
        .collect();
    let search = search_source_query(&input.search)?;
    if ids.is_empty() && search.is_none() {
        crate::backend::session::install(None);
        return Ok(());
    }
    for id in &ids {
        crate::backend::parse_trace_id(id)?;
    }
    let Some(target) = crate::backend::config::resolve(&input.backend)? else {
        return Err(Error::usage(match ids.first() {
            Some(id) => no_backend_message(id),
            None => "a --search-… option needs a backend: name one with --backend NAME|URL (or set TRACEKIT_BACKEND)".to_string(),
        }));
    };
    let session = crate::backend::Session::new(target, search, term);
    crate::backend::session::install(Some(std::sync::Arc::new(session)));
    Ok(())
}

/// The search the `--search-*` options describe, if any of them is given.
fn search_source_query(
    a: &crate::cli::SearchSourceArgs,
) -> Result<Option<crate::backend::SearchQuery>, Error> {
    let any = a.search_service.is_some()
        || a.search_operation.is_some()
        || !a.search_tags.is_empty()
        || a.search_query.is_some()
        || a.search_min_duration.is_some()
        || a.search_max_duration.is_some()
        || a.since.is_some()
        || a.search_start.is_some()
        || a.search_end.is_some()
        || a.search_limit.is_some();
    if !any {
        return Ok(None);
    }
    let window = crate::backend::query::Window {
        since_ns: a.since,
        start_ns: a.search_start,
        end_ns: a.search_end,
    };
    let (start_ns, end_ns) = window
        .resolve(crate::backend::query::now_ns())
        .map_err(Error::usage)?;
    Ok(Some(crate::backend::SearchQuery {
        service: a.search_service.clone(),
        operation: a.search_operation.clone(),
        tags: a.search_tags.clone(),
        min_duration_ns: a.search_min_duration,
        max_duration_ns: a.search_max_duration,
        traceql: a.search_query.clone(),
        start_ns,
        end_ns,
        limit: a.search_limit.unwrap_or(20),
    }))
}

/// `--trace`: 1 to 32 hex digits (16 for a 64-bit id), left-padded with zeros; `0x` allowed.
pub fn parse_trace_id(s: &str) -> Result<crate::model::TraceId, Error> {
    let t = s.trim();
    let hex = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    match crate::model::TraceId::from_hex(hex) {
        Ok(id) if !id.is_zero() => Ok(id),
        Ok(_) => Err(Error::usage(format!(
            "invalid trace id {:?}: an all-zero id names no trace",
            crate::term::escape(s)
        ))),
        Err(_) => Err(Error::usage(format!(
            "invalid trace id {:?}: expected 32 or 16 hex digits (fewer are left-padded with zeros)",
            crate::term::escape(s)
        ))),
    }
}

/// Repeatable `--trace` values; `None` when there are none.
pub fn parse_trace_ids(values: &[String]) -> Result<Option<Vec<crate::model::TraceId>>, Error> {
    if values.is_empty() {
        return Ok(None);
    }
    values
        .iter()
        .map(|v| parse_trace_id(v))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
