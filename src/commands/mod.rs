//! One module per subcommand: glue between parsed arguments, loading, analysis and rendering.

pub mod critical_path;
pub mod findings;
pub mod generate;
pub mod lint;
pub mod output;
pub mod show;
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
    let result = match cli.command {
        Command::Show(args) => show::run(args, &term),
        Command::Stats(args) => stats::run(args, &term),
        Command::CriticalPath(args) => critical_path::run(args, &term),
        Command::Lint(args) => lint::run(args, &term),
        Command::Synth(args) => synth::run(args, &term),
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
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
        let _ = writeln!(err, "tracekit: {label} {line}");
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
    let _ = writeln!(err, "tracekit: {label} {message}");
}

/// Print what went wrong while reading inputs. Returns the error to end with when `strict` or
/// when nothing could be read; otherwise the exit code the command should end with (3 when any
/// input was bad, after its output).
pub fn report_inputs(term: &Term, report: &ReadReport, strict: bool) -> Result<Exit, Error> {
    for w in &report.warnings {
        print_warning(term, &format!("skipped {w}"));
    }
    if report.errors.is_empty() {
        return Ok(Exit::Success);
    }
    if strict || report.inputs.is_empty() {
        return Err(Error::Inputs(report.errors.clone()));
    }
    for e in &report.errors {
        print_error(term, &e.to_string());
    }
    Ok(Exit::Input)
}

/// Parse `--trace` values: 1 to 32 hex digits (a 64-bit id is the zero-padded 128-bit one).
pub fn parse_trace_ids(values: &[String]) -> Result<Option<Vec<crate::model::TraceId>>, Error> {
    if values.is_empty() {
        return Ok(None);
    }
    values
        .iter()
        .map(|v| {
            crate::model::TraceId::from_hex(v.trim()).map_err(|_| {
                Error::usage(format!(
                    "invalid trace id {v:?}: expected 16 or 32 hex digits"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
