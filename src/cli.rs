//! The command line: clap derive structs only (raw input). Commands get validated values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::input::Format;
use crate::render::convert::WriteFormat;
use crate::term::ColorChoice;

const EXIT_CODES: &str = "\
Exit codes:
  0    success; no finding at or above --fail-on
  1    findings at or above --fail-on, a failed gate, or a diff beyond tolerance
  2    usage or configuration error
  3    input could not be read or parsed (other inputs are still analysed)
  4    backend unreachable or answered with an error
  130  interrupted";

/// Inspect and validate distributed traces (OTLP, Jaeger, Zipkin, Tempo).
#[derive(Debug, Parser)]
#[command(name = "tracekit", version, about, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print nothing on stderr except errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Draw the span tree of one trace as a waterfall (or list the traces of the input)
    Show(ShowArgs),
    /// Generate realistic synthetic traces in any supported format
    Synth(SynthArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Write man pages (one per command) into a directory
    Man(ManArgs),
}

/// Where traces come from (shared by every analysis command).
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Trace files (any supported format, optionally gzip), directories (read recursively), or - for stdin
    #[arg(value_name = "SOURCE", required = true)]
    pub sources: Vec<String>,
    /// Read every source as this format instead of detecting it from the content
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<Format>,
    /// Make any unreadable input fatal (by default it is reported and the others are analysed)
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    /// Tree with duration bars on the trace's timeline
    Waterfall,
    /// Tree with durations only
    Tree,
    /// JSON (schema tracekit.show/v1)
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The trace to show (32 or 16 hex digits) when the input has several
    #[arg(long, short = 't', value_name = "ID")]
    pub trace: Option<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ShowFormat::Waterfall)]
    pub format: ShowFormat,
    /// Total width in columns (default: the terminal's, else 120)
    #[arg(long, value_name = "COLS")]
    pub width: Option<usize>,
    /// Draw with ASCII only (no box-drawing or block characters)
    #[arg(long)]
    pub ascii: bool,
    /// Show spans down to this depth (roots are depth 0)
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
    /// Show only spans of this service (repeatable); their ancestors are kept for context
    #[arg(long, value_name = "NAME")]
    pub service: Vec<String>,
    /// Show only spans at least this long (e.g. 5ms, 1.5s); ancestors are kept for context
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub min_duration: Option<u64>,
    /// Show only error spans and their ancestors
    #[arg(long)]
    pub errors: bool,
    /// Print attributes and events under each span
    #[arg(long)]
    pub attrs: bool,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum SynthShape {
    /// A realistic mix: fan-out, sequential calls, async messaging, errors
    Mixed,
    /// One root with very many direct children
    Wide,
    /// One long chain of nested calls
    Deep,
}

#[derive(Debug, Args)]
#[command(after_help = SYNTH_HELP)]
pub struct SynthArgs {
    /// Seed for the random generator: the same seed and flags give byte-identical output
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of traces
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub traces: u64,
    /// Spans per trace (the mean for the mixed shape; exact for wide and deep)
    #[arg(long, default_value_t = 30, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub spans: u32,
    /// Shape of each trace
    #[arg(long, value_enum, default_value_t = SynthShape::Mixed)]
    pub shape: SynthShape,
    /// Share of requests that fail (0 to 1); errors propagate to the callers or are retried
    #[arg(long, default_value_t = 0.05, value_name = "RATE", value_parser = crate::synth::args::parse_rate)]
    pub error_rate: f64,
    /// Output format
    #[arg(long, value_enum, default_value_t = WriteFormat::OtlpJsonl, value_name = "FORMAT")]
    pub to: WriteFormat,
    /// Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start of the first trace: Unix seconds or RFC 3339 (default: 2026-01-15T10:00:00Z, for reproducibility)
    #[arg(long, value_name = "TIME", value_parser = crate::synth::args::parse_start)]
    pub start: Option<u64>,
    /// Fault: shift every span and event of SERVICE by a signed DURATION, as a skewed clock
    /// would (e.g. payment=-25ms; repeatable)
    #[arg(long, value_name = "SERVICE=DURATION", value_parser = crate::synth::args::parse_skew, help_heading = "Injected faults")]
    pub skew: Vec<(String, i64)>,
    /// Fault: drop this share of non-root spans (0 to 1), as a lossy pipeline would; their
    /// children become orphans
    #[arg(long, default_value_t = 0.0, value_name = "RATE", value_parser = crate::synth::args::parse_rate, help_heading = "Injected faults")]
    pub drop_rate: f64,
    /// Fault: give this share of leaf spans (0 to 1) the id of another leaf of their trace
    #[arg(long, default_value_t = 0.0, value_name = "RATE", value_parser = crate::synth::args::parse_rate, help_heading = "Injected faults")]
    pub duplicate_ids: f64,
    /// Fault: remove the root span of this share of traces (0 to 1); its children become orphans
    #[arg(long, default_value_t = 0.0, value_name = "RATE", value_parser = crate::synth::args::parse_rate, help_heading = "Injected faults")]
    pub missing_root_rate: f64,
}

const SYNTH_HELP: &str = "\
The traces model a small shop: frontend (Node.js) calls auth, catalog, cart, inventory, checkout
and payment (Python, Go, Java) over HTTP; services query PostgreSQL and Redis; checkout publishes
to Kafka and worker consumes in the same trace. Services: frontend, checkout, cart, catalog,
payment, inventory, auth, worker.

Faults are off by default and never change the traces otherwise: the same seed with and without
a fault gives the same spans apart from the fault.

Examples:
  tracekit synth -n 100 --to jaeger -o traces.json
  tracekit synth --shape wide --spans 20000 -n 1 -o wide.jsonl.gz
  tracekit synth --skew payment=-25ms --drop-rate 0.01 -o faulty.jsonl";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

fn parse_duration_arg(s: &str) -> Result<u64, String> {
    crate::units::parse_duration(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
