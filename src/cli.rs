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
    /// Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time
    Stats(StatsArgs),
    /// The critical path of each trace, or with --aggregate which operations own it
    #[command(visible_alias = "cp")]
    CriticalPath(CriticalPathArgs),
    /// Tag and span-name cardinality, and PII or secrets in span data
    Lint(LintArgs),
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

#[derive(Debug, Args)]
#[command(
    after_help = "PII findings show masked values only. Allowlists and custom rules: --config."
)]
pub struct LintArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: FindingsOutputArgs,
    /// Lint config (TOML): disabled rules, severity overrides, allowlists, custom pattern rules
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Flag attribute keys with more distinct values than N, and services with more distinct span names [default: 100, or the config's]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_cardinality: Option<u64>,
    /// Also write an OpenTelemetry Collector redaction processor config (YAML) that masks what was found
    #[arg(long, value_name = "FILE")]
    pub emit_redaction_config: Option<PathBuf>,
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
pub struct SynthArgs {
    /// Seed for the random generator: the same seed gives the same traces
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of traces
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub traces: u64,
    /// Spans per trace (approximate for the mixed shape)
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub spans: u32,
    /// Shape of each trace
    #[arg(long, value_enum, default_value_t = SynthShape::Mixed)]
    pub shape: SynthShape,
    /// Share of requests that fail (0 to 1)
    #[arg(long, default_value_t = 0.05, value_name = "RATE")]
    pub error_rate: f64,
    /// Output format
    #[arg(long, value_enum, default_value_t = WriteFormat::OtlpJsonl, value_name = "FORMAT")]
    pub to: WriteFormat,
    /// Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start time of the first trace, Unix seconds (default: a fixed instant, for reproducibility)
    #[arg(long, value_name = "SECS")]
    pub start: Option<u64>,
}

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

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// A table for the terminal
    Table,
    /// JSON (schema tracekit.<command>/v1)
    Json,
    /// Comma-separated values with a header row
    Csv,
    /// A GitHub-flavoured Markdown table
    Markdown,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsSort {
    /// By group name
    Name,
    /// Most spans first
    Count,
    /// Most errors first
    Errors,
    /// Highest error rate first
    ErrorRate,
    /// Highest P50 first
    P50,
    /// Highest P95 first
    P95,
    /// Highest P99 first
    P99,
    /// Highest maximum first
    Max,
    /// Highest total time first
    Total,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Group spans by service, operation, root (root spans only: request latency per root operation), kind, or attr=KEY
    #[arg(long, short = 'g', default_value = "operation", value_name = "GROUP", value_parser = parse_group_by)]
    pub group_by: crate::analysis::stats::GroupBy,
    /// Percentiles to report, comma-separated (e.g. 50,90,95,99,99.9)
    #[arg(long, short = 'p', value_delimiter = ',', default_value = "50,90,95,99", value_parser = parse_percentile)]
    pub percentiles: Vec<crate::analysis::percentile::Percentile>,
    /// Percentile definition: exact nearest rank (default) or type7 linear interpolation
    #[arg(long, value_enum, default_value_t = crate::analysis::percentile::QuantileMethod::NearestRank)]
    pub quantile_method: crate::analysis::percentile::QuantileMethod,
    /// Order of the groups
    #[arg(long, value_enum, default_value_t = StatsSort::P99)]
    pub sort: StatsSort,
    /// Show only the first N groups
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CriticalPathArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only this trace (32 or 16 hex digits); repeatable
    #[arg(long, short = 't', value_name = "ID")]
    pub trace: Vec<String>,
    /// Aggregate over all traces: which operations own the critical-path time
    #[arg(long)]
    pub aggregate: bool,
    /// Say at each step which child was taken and which overlapping siblings were passed over
    #[arg(long, conflicts_with = "aggregate")]
    pub explain: bool,
    /// Only traces whose root span has this operation name
    #[arg(long, value_name = "NAME")]
    pub root_operation: Option<String>,
    /// Only traces at least this long (e.g. 200ms)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub min_duration: Option<u64>,
    /// With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%
    #[arg(long, value_name = "LOW-HIGH", value_parser = parse_band)]
    pub percentile_band: Option<(
        crate::analysis::percentile::Percentile,
        crate::analysis::percentile::Percentile,
    )>,
    /// With --aggregate: percentiles of per-trace critical-path time, comma-separated
    #[arg(long, short = 'p', value_delimiter = ',', default_value = "50,95,99", value_parser = parse_percentile)]
    pub percentiles: Vec<crate::analysis::percentile::Percentile>,
    /// With --aggregate: show only the first N operations
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum FindingsFormat {
    /// Findings grouped per rule with a summary, for people
    Table,
    /// JSON (schema tracekit.<command>/v1)
    Json,
}

/// Output of the commands that report findings (check, lint, gate).
#[derive(Debug, Args, Clone)]
pub struct FindingsOutputArgs {
    /// Output format on stdout
    #[arg(long, short = 'f', value_enum, default_value_t = FindingsFormat::Table)]
    pub format: FindingsFormat,
    /// Exit 1 when there is a finding at or above this severity
    #[arg(long, value_enum, default_value_t = crate::analysis::findings::FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: crate::analysis::findings::FailOn,
    /// Also write a report: sarif=FILE, junit=FILE, json=FILE, or github (workflow annotations on stdout and a step summary in $GITHUB_STEP_SUMMARY); repeatable
    #[arg(long, value_name = "KIND[=FILE]", value_parser = parse_report)]
    pub report: Vec<ReportSpec>,
    /// Show at most N findings per rule in the table (all of them are in JSON and reports)
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_per_rule: usize,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A side report: what kind, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSpec {
    Sarif(PathBuf),
    Junit(PathBuf),
    Json(PathBuf),
    /// GitHub Actions workflow commands on stdout, summary to $GITHUB_STEP_SUMMARY (or FILE).
    Github(Option<PathBuf>),
}

fn parse_report(s: &str) -> Result<ReportSpec, String> {
    let (kind, file) = match s.split_once('=') {
        Some((k, f)) if !f.is_empty() => (k, Some(PathBuf::from(f))),
        Some((k, _)) => (k, None),
        None => (s, None),
    };
    let need = |f: Option<PathBuf>| f.ok_or_else(|| format!("--report {kind} needs a file: {kind}=FILE"));
    Ok(match kind {
        "sarif" => ReportSpec::Sarif(need(file)?),
        "junit" => ReportSpec::Junit(need(file)?),
        "json" => ReportSpec::Json(need(file)?),
        "github" => ReportSpec::Github(file),
        other => return Err(format!("unknown report kind {other:?}: use sarif, junit, json or github")),
    })
}

fn parse_group_by(s: &str) -> Result<crate::analysis::stats::GroupBy, String> {
    crate::analysis::stats::GroupBy::parse(s)
}

fn parse_percentile(s: &str) -> Result<crate::analysis::percentile::Percentile, String> {
    crate::analysis::percentile::Percentile::parse(s)
}

type Band = (
    crate::analysis::percentile::Percentile,
    crate::analysis::percentile::Percentile,
);

fn parse_band(s: &str) -> Result<Band, String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("invalid band {s:?}: expected LOW-HIGH, e.g. 95-100"))?;
    let (a, b) = (parse_percentile(a)?, parse_percentile(b)?);
    if a > b {
        return Err(format!("invalid band {s:?}: LOW is above HIGH"));
    }
    Ok((a, b))
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
