//! The command line: clap derive structs only (raw input). Commands get validated values.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::formats::Format;
use crate::term::ColorChoice;

/// The exit-code table (`crate::error::Exit`), shown after every command's help.
pub const EXIT_CODES: &str = "\
Exit codes:
  0    success; no finding at or above --fail-on (a reader that stops early, `| head`,
       is not an error: the code is still what the run found)
  1    findings at or above --fail-on, a failed gate, or a diff beyond tolerance
  2    usage or configuration error (also an output path that is an input of the run)
  3    input could not be read or parsed (other inputs are still analysed), or held no span
       at all (--allow-empty accepts that)
  4    backend unreachable or answered with an error
  5    output could not be written (no such directory, disk full…)
  130  interrupted";

/// The clap command, with the exit-code table after the help of every subcommand. Parse,
/// complete and document with this (not `Cli::command()`).
pub fn command() -> clap::Command {
    Cli::command().mut_subcommands(|sub| {
        let after = match sub.get_after_help() {
            Some(own) => format!("{own}\n\n{EXIT_CODES}"),
            None => EXIT_CODES.to_string(),
        };
        sub.after_help(after)
    })
}

/// Parse the process's arguments with [`command`] (exits on `--help`, `--version` and errors,
/// as `Cli::parse` does).
pub fn parse() -> Cli {
    let mut cmd = command();
    let matches = cmd.clone().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit())
}

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
    /// Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::units::parse_size)]
    pub max_file_size: Option<u64>,
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
    /// Completeness and timing findings per trace (orphans, roots, duplicates, skew…)
    Check(CheckArgs),
    /// Clock-offset bounds per service (or host) pair; --adjust writes corrected traces
    Skew(SkewArgs),
    /// Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI
    Gate(GateArgs),
    /// Compare a baseline and a candidate by call paths, latency and critical path
    Diff(DiffArgs),
    /// Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format
    Export(ExportArgs),
    /// Tag and span-name cardinality, and PII or secrets in span data
    Lint(LintArgs),
    /// Generate realistic synthetic traces in any supported format
    Synth(SynthArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Write man pages (one per command) into a directory
    Man(ManArgs),
    /// Download traces by id from a backend and save them
    Fetch(FetchArgs),
    /// Find traces in a backend (service, operation, tags, duration, TraceQL) and list or download them
    Search(SearchArgs),
    /// List a backend's services (and their operations)
    Services(ServicesArgs),
    /// The rules of check, lint and gate: id, severity, commands, description; with RULE, its help
    Rules(RulesArgs),
    /// Print the JSON Schema (draft 2020-12) of a command's `--format json` document
    Schema(SchemaArgs),
}

/// Where traces come from (shared by every analysis command).
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Trace files (any supported format, optionally gzip), directories (read recursively), - for stdin, or trace ids (16 or 32 hex digits) to fetch from --backend
    #[arg(value_name = "SOURCE", required_unless_present_any = SEARCH_SOURCE_FLAGS)]
    pub sources: Vec<PathBuf>,
    /// Read every source as this format instead of detecting it from the content
    #[arg(long, value_parser = Format::readable(), value_name = "FORMAT")]
    pub input_format: Option<Format>,
    /// Make any unreadable input fatal (by default it is reported and the others are analysed)
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub empty: EmptyInputArgs,
    #[command(flatten)]
    pub limits: InputLimitArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    #[command(flatten)]
    pub search: SearchSourceArgs,
}

/// What an input without a single span means (every analysis command).
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct EmptyInputArgs {
    /// Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3
    #[arg(long)]
    pub allow_empty: bool,
}

/// What one input may cost (every command that reads sources).
#[derive(Debug, Args, Clone, Copy)]
pub struct InputLimitArgs {
    /// Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit
    #[arg(long, value_name = "N", default_value_t = crate::input::limits::DEFAULT_MAX_INFLATE_RATIO)]
    pub max_inflate_ratio: u64,
    /// Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]
    #[arg(long, value_name = "SIZE", value_parser = crate::units::parse_size)]
    pub max_string_bytes: Option<u64>,
}

impl InputLimitArgs {
    pub fn limits(&self) -> crate::input::limits::InputLimits {
        crate::input::limits::InputLimits {
            max_inflate_ratio: self.max_inflate_ratio,
            max_string_bytes: self
                .max_string_bytes
                .map_or(crate::model::limits::DEFAULT_MAX_STRING_BYTES, |n| {
                    usize::try_from(n).unwrap_or(usize::MAX)
                }),
        }
    }
}

/// The `--search-*` flags: any of them makes a backend search a source.
const SEARCH_SOURCE_FLAGS: [&str; 10] = [
    "search_service",
    "search_operation",
    "search_tags",
    "search_query",
    "search_min_duration",
    "search_max_duration",
    "since",
    "search_start",
    "search_end",
    "search_limit",
];

/// How to reach a tracing backend (profiles live in $XDG_CONFIG_HOME/tracekit/config.toml and ./tracekit.toml).
#[derive(Debug, Args, Clone, Default)]
pub struct BackendArgs {
    /// A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)
    #[arg(
        help_heading = "Backend",
        long,
        env = "TRACEKIT_BACKEND",
        value_name = "NAME|URL"
    )]
    pub backend: Option<String>,
    /// The backend's API (default: the profile's kind; for a bare URL it is detected with a few cheap requests)
    #[arg(
        help_heading = "Backend",
        long,
        value_enum,
        env = "TRACEKIT_BACKEND_KIND",
        value_name = "KIND"
    )]
    pub backend_kind: Option<crate::backend::BackendKind>,
    /// Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)
    #[arg(help_heading = "Backend", long, value_name = "ORG")]
    pub tenant: Option<String>,
    /// Extra request header "Name: value" (repeatable; values are never printed)
    #[arg(help_heading = "Backend", long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<crate::backend::HeaderArg>,
    /// Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile's token_env)
    #[arg(help_heading = "Backend", long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Also trust the CA certificates in this PEM file for the backend's TLS
    #[arg(help_heading = "Backend", long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Do not verify the backend's TLS certificate (dangerous: prints a warning on every run)
    #[arg(help_heading = "Backend", long)]
    pub insecure: bool,
    /// Time limit per request, connect to the end of the body, e.g. 10s (default 30s)
    #[arg(help_heading = "Backend", long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub timeout: Option<u64>,
    /// Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)
    #[arg(help_heading = "Backend", long, value_name = "N")]
    pub retries: Option<u32>,
    /// Time limit for a request and all its retries, waits included (default 2m)
    #[arg(help_heading = "Backend", long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub total_timeout: Option<u64>,
    /// Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)
    #[arg(help_heading = "Backend", long, value_name = "SIZE", value_parser = crate::units::parse_size)]
    pub max_response_size: Option<u64>,
    /// Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)
    #[arg(help_heading = "Backend", long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Neither read nor write the cache
    #[arg(help_heading = "Backend", long, conflicts_with = "cache")]
    pub no_cache: bool,
    /// Tempo: fetch traces as protobuf instead of JSON
    #[arg(help_heading = "Backend", long)]
    pub protobuf: bool,
}

impl BackendArgs {
    /// The flags as the plain request the backend resolves.
    pub fn request(&self) -> crate::backend::config::BackendRequest {
        crate::backend::config::BackendRequest {
            backend: self.backend.clone(),
            backend_kind: self.backend_kind,
            tenant: self.tenant.clone(),
            headers: self.headers.clone(),
            token_file: self.token_file.clone(),
            ca_file: self.ca_file.clone(),
            insecure: self.insecure,
            timeout: self.timeout,
            retries: self.retries,
            total_timeout: self.total_timeout,
            max_response_size: self.max_response_size,
            cache: self.cache.clone(),
            no_cache: self.no_cache,
            protobuf: self.protobuf,
        }
    }
}

/// Analyse the traces a backend search finds (needs --backend).
#[derive(Debug, Args, Clone, Default)]
pub struct SearchSourceArgs {
    /// Search traces with spans of this service
    #[arg(help_heading = "Backend search", long, value_name = "SERVICE")]
    pub search_service: Option<String>,
    /// … and this operation (span name)
    #[arg(help_heading = "Backend search", long, value_name = "NAME")]
    pub search_operation: Option<String>,
    /// … and this tag, KEY=VALUE (repeatable)
    #[arg(help_heading = "Backend search", long = "search-tag", value_name = "KEY=VALUE", value_parser = parse_tag_arg)]
    pub search_tags: Vec<(String, String)>,
    /// Search with a TraceQL query (Tempo)
    #[arg(help_heading = "Backend search", long, value_name = "TRACEQL")]
    pub search_query: Option<String>,
    /// Only traces at least this long
    #[arg(help_heading = "Backend search", long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub search_min_duration: Option<u64>,
    /// Only traces at most this long
    #[arg(help_heading = "Backend search", long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub search_max_duration: Option<u64>,
    /// Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)
    #[arg(help_heading = "Backend search", long, visible_alias = "search-since", value_name = "DURATION", value_parser = parse_duration_arg, conflicts_with = "search_start")]
    pub since: Option<u64>,
    /// Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)
    #[arg(help_heading = "Backend search", long, value_name = "TIME", value_parser = parse_instant_arg)]
    pub search_start: Option<u64>,
    /// Search up to this instant (default: now)
    #[arg(help_heading = "Backend search", long, value_name = "TIME", value_parser = parse_instant_arg)]
    pub search_end: Option<u64>,
    /// At most N traces (default 20)
    #[arg(help_heading = "Backend search", long, value_name = "N")]
    pub search_limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Trace ids (32 or 16 hex digits)
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Write to DIR (one file per trace, named by trace id; used when DIR exists or ends with /) or FILE (every trace in one); default stdout
    #[arg(long, short = 'o', value_name = "DIR|FILE")]
    pub output: Option<PathBuf>,
    /// Format to write (default otlp-json)
    #[arg(long, value_parser = Format::writable(), value_name = "FORMAT", conflicts_with = "raw")]
    pub to: Option<Format>,
    /// Save each answer exactly as the backend sent it (Jaeger/Tempo/Zipkin JSON, or protobuf)
    #[arg(long)]
    pub raw: bool,
    /// Fetch up to N traces at once
    #[arg(long, short = 'j', default_value_t = crate::backend::session::DEFAULT_JOBS, value_name = "N")]
    pub jobs: usize,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table for people
    Table,
    /// JSON (schema tracekit.search/v1 or tracekit.services/v1)
    Json,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Traces with spans of this service
    #[arg(long, short = 's', value_name = "SERVICE")]
    pub service: Option<String>,
    /// … and this operation (span name)
    #[arg(long, value_name = "NAME")]
    pub operation: Option<String>,
    /// … and this tag, KEY=VALUE (repeatable)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag_arg)]
    pub tags: Vec<(String, String)>,
    /// Only traces at least this long (e.g. 250ms)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub min_duration: Option<u64>,
    /// Only traces at most this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub max_duration: Option<u64>,
    /// A TraceQL query (Tempo), e.g. '{ resource.service.name = "checkout" && status = error }'
    #[arg(long, value_name = "TRACEQL")]
    pub query: Option<String>,
    /// Search the last DURATION (default 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, conflicts_with = "start")]
    pub since: Option<u64>,
    /// From this instant (RFC 3339 or Unix seconds)
    #[arg(long, value_name = "TIME", value_parser = parse_instant_arg)]
    pub start: Option<u64>,
    /// Up to this instant (default: now)
    #[arg(long, value_name = "TIME", value_parser = parse_instant_arg)]
    pub end: Option<u64>,
    /// At most N traces
    #[arg(long, short = 'n', default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Output format of the list
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Also download the traces found (into -o DIR, default the current directory)
    #[arg(long)]
    pub fetch: bool,
    /// With --fetch: the directory to write the traces into
    #[arg(long, short = 'o', value_name = "DIR", requires = "fetch")]
    pub output: Option<PathBuf>,
    /// With --fetch: the format to write (default otlp-json)
    #[arg(
        long,
        value_parser = Format::writable(),
        value_name = "FORMAT",
        requires = "fetch",
        conflicts_with = "raw"
    )]
    pub to: Option<Format>,
    /// With --fetch: save each answer as the backend sent it
    #[arg(long, requires = "fetch")]
    pub raw: bool,
    /// With --fetch: download up to N traces at once
    #[arg(long, short = 'j', default_value_t = crate::backend::session::DEFAULT_JOBS, value_name = "N")]
    pub jobs: usize,
}

#[derive(Debug, Args)]
pub struct ServicesArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Also list each service's operations
    #[arg(long)]
    pub operations: bool,
    /// Only this service (with its operations)
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// List tag names by scope instead (Tempo)
    #[arg(long, conflicts_with_all = ["operations", "service"])]
    pub tags: bool,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
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
    /// The trace to show when the input has several: its id (32 or 16 hex digits) or a unique prefix of at least 8
    #[arg(long, short = 't', value_name = "ID")]
    pub trace: Option<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ShowFormat::Waterfall)]
    pub format: ShowFormat,
    /// Total width in columns (default: COLUMNS, else the terminal's, else 120); kept within 40 to 1000
    #[arg(long, value_name = "COLS", value_parser = crate::term::parse_width)]
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
    /// Mark the spans on the critical path (the legend gives its length)
    #[arg(long)]
    pub critical_path: bool,
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
    #[arg(long, value_parser = Format::writable(), default_value = "otlp-jsonl", value_name = "FORMAT")]
    pub to: Format,
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
pub struct RulesArgs {
    /// Show the help of these rules: rule ids, or prefixes ending in * (pii/*)
    #[arg(value_name = "RULE")]
    pub rules: Vec<String>,
    /// Only the rules this command reports
    #[arg(long, value_enum, value_name = "COMMAND")]
    pub command: Option<crate::analysis::rules::Cmd>,
    /// Output format: a table (the help of each rule with RULE), JSON (schema tracekit.rules/v1), or the README's Markdown table
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The command whose document's schema to print (tracekit.<COMMAND>/v1); without it, the list
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// List the commands that have a schema
    #[arg(long, conflicts_with = "command")]
    pub list: bool,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// `--format` of the table commands (stats, critical-path, skew): owned by `render`, which
/// draws them.
pub use crate::render::TableFormat;

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
    /// Only this trace: its id (32 or 16 hex digits) or a unique prefix of at least 8; repeatable
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
    let need =
        |f: Option<PathBuf>| f.ok_or_else(|| format!("--report {kind} needs a file: {kind}=FILE"));
    Ok(match kind {
        "sarif" => ReportSpec::Sarif(need(file)?),
        "junit" => ReportSpec::Junit(need(file)?),
        "json" => ReportSpec::Json(need(file)?),
        "github" => ReportSpec::Github(file),
        other => {
            return Err(format!(
                "unknown report kind {other:?}: use sarif, junit, json or github"
            ));
        }
    })
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: FindingsOutputArgs,
    /// A service every trace must contain (repeatable)
    #[arg(long, value_name = "SERVICE")]
    pub expect_service: Vec<String>,
    /// The operation every trace's root span must have
    #[arg(long, value_name = "OPERATION")]
    pub expect_root: Option<String>,
    /// How far a child may start before or end after its parent before it is reported
    #[arg(long, default_value = "1us", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub tolerance: u64,
    /// Report service pairs whose clock offset provably exceeds this (skew/clock-skew)
    #[arg(long, default_value = "1ms", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub skew_threshold: u64,
    /// Compare clocks of services or of hosts
    #[arg(long, value_enum, default_value_t = crate::analysis::skew::SkewBy::Service)]
    pub skew_by: crate::analysis::skew::SkewBy,
}

#[derive(Debug, Args)]
pub struct SkewArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Compare clocks of services or of hosts
    #[arg(long, value_enum, default_value_t = crate::analysis::skew::SkewBy::Service)]
    pub by: crate::analysis::skew::SkewBy,
    /// How offsets are estimated: pairwise bounds (default), or Jaeger's or Zipkin's adjuster for comparison
    #[arg(long, value_enum, default_value_t = crate::analysis::skew::SkewMethod::Pairwise)]
    pub method: crate::analysis::skew::SkewMethod,
    /// Flag pairs whose offset provably exceeds this
    #[arg(long, default_value = "1ms", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub threshold: u64,
    /// Write corrected traces to -o OUT (each span shifted by its service's offset and tagged tracekit.skew.adjusted_ns)
    #[arg(long, requires = "output")]
    pub adjust: bool,
    /// With --adjust: the file to write the corrected traces to
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// With --adjust: the format to write (default: the input's format)
    #[arg(long, value_parser = Format::writable(), value_name = "FORMAT")]
    pub to: Option<Format>,
    /// Output format of the report
    #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Exit 1 when a pair is flagged (flagged pairs are warnings)
    #[arg(long, value_enum, default_value_t = crate::analysis::findings::FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: crate::analysis::findings::FailOn,
}

/// What `export --to` writes: a view, or traces in any writable format (from
/// [`crate::formats::REGISTRY`]).
#[derive(Debug, Copy, Clone, PartialEq, Eq)]
pub enum ExportFormat {
    /// Postmortem timeline: header, critical path, chronological events
    Markdown,
    /// Mermaid gantt chart (renders in GitHub Markdown)
    Mermaid,
    /// Chrome trace-event JSON for ui.perfetto.dev and chrome://tracing
    Chrome,
    /// One self-contained HTML page: waterfall, critical path, details, findings
    Html,
    /// One row per span with self and critical-path time (--columns adds attributes)
    Csv,
    /// Folded stacks of self time in microseconds, for flame graphs
    Folded,
    /// Traces in a wire format
    Trace(Format),
}

impl clap::ValueEnum for ExportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<Vec<ExportFormat>> = std::sync::LazyLock::new(|| {
            use ExportFormat::*;
            let views = [Markdown, Mermaid, Chrome, Html, Csv, Folded];
            let traces = crate::formats::REGISTRY
                .iter()
                .filter(|e| e.write.is_some())
                .map(|e| Trace(e.format));
            views.into_iter().chain(traces).collect()
        });
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            ExportFormat::Markdown => PossibleValue::new("markdown")
                .help("Postmortem timeline: header, critical path, chronological events"),
            ExportFormat::Mermaid => PossibleValue::new("mermaid")
                .help("Mermaid gantt chart (renders in GitHub Markdown)"),
            ExportFormat::Chrome => PossibleValue::new("chrome")
                .help("Chrome trace-event JSON for ui.perfetto.dev and chrome://tracing"),
            ExportFormat::Html => PossibleValue::new("html")
                .help("One self-contained HTML page: waterfall, critical path, details, findings"),
            ExportFormat::Csv => PossibleValue::new("csv").help(
                "One row per span with self and critical-path time (--columns adds attributes)",
            ),
            ExportFormat::Folded => PossibleValue::new("folded")
                .help("Folded stacks of self time in microseconds, for flame graphs"),
            ExportFormat::Trace(f) => {
                let w = f.entry().write.as_ref()?;
                PossibleValue::new(f.name()).help(w.export_help)
            }
        })
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// What to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,
    /// Only this trace: its id (32 or 16 hex digits) or a unique prefix of at least 8; repeatable
    #[arg(long, short = 't', value_name = "ID")]
    pub trace: Vec<String>,
    /// Where to write: a file, a directory (one file per trace; created if it ends with /), or - for stdout
    #[arg(long, short = 'o', value_name = "FILE|DIR", default_value = "-")]
    pub output: PathBuf,
    /// Overwrite existing files
    #[arg(long)]
    pub force: bool,
    /// Markdown: also show wall-clock times at this UTC offset (e.g. +02:00)
    #[arg(long, value_name = "OFFSET", value_parser = crate::render::export::markdown::parse_tz)]
    pub tz: Option<i32>,
    /// Markdown: list spans at least this long (default: 10% of the trace's duration)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub min_duration: Option<u64>,
    /// CSV: extra columns from span (or resource) attributes, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "KEYS")]
    pub columns: Vec<String>,
}

#[derive(Debug, Args)]
#[command(mut_arg("sources", |a| a.required_unless_present("init")))]
pub struct GateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The policy file (TOML)
    #[arg(
        long,
        short = 'p',
        value_name = "FILE",
        default_value = "tracekit-gate.toml"
    )]
    pub policy: PathBuf,
    /// Write a commented starter policy to FILE (default tracekit-gate.toml; - for stdout) and exit
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "tracekit-gate.toml", conflicts_with_all = INIT_CONFLICTS)]
    pub init: Option<PathBuf>,
    /// With --init: overwrite an existing file
    #[arg(long, requires = "init")]
    pub force: bool,
    /// Output format on stdout
    #[arg(long, short = 'f', value_enum, default_value_t = FindingsFormat::Table)]
    pub format: FindingsFormat,
    /// Also write a report: junit=FILE, sarif=FILE, json=FILE, or github; repeatable
    #[arg(long, value_name = "KIND[=FILE]", value_parser = parse_report)]
    pub report: Vec<ReportSpec>,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `gate --init` writes the starter policy and nothing else: it takes no traces or reports.
const INIT_CONFLICTS: [&str; 7] = [
    "sources",
    "policy",
    "format",
    "report",
    "output",
    "strict",
    "input_format",
];

#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// A summary, then the changes
    Text,
    /// The same as Markdown (for a pull-request comment)
    Markdown,
    /// JSON (schema tracekit.diff/v1)
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline: a trace file, a directory of traces, or a trace id (with --backend)
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The candidate: a trace file, a directory of traces, or a trace id (with --backend)
    #[arg(value_name = "CANDIDATE")]
    pub candidate: PathBuf,
    /// Compare only this trace of the baseline (its id, or a unique prefix of at least 8 hex digits)
    #[arg(long, value_name = "ID")]
    pub base_trace: Option<String>,
    /// Compare only this trace of the candidate (its id, or a unique prefix of at least 8 hex digits)
    #[arg(long, value_name = "ID")]
    pub candidate_trace: Option<String>,
    /// Relative tolerance: a latency change counts when it exceeds this AND --tolerance-abs
    #[arg(long, default_value = "20%", value_name = "PERCENT", value_parser = parse_percent)]
    pub tolerance: f64,
    /// Absolute tolerance
    #[arg(long, default_value = "1ms", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub tolerance_abs: u64,
    /// Percentiles compared per call path, comma-separated
    #[arg(long, short = 'p', value_delimiter = ',', default_value = "50,95,99", value_parser = parse_percentile)]
    pub percentiles: Vec<crate::analysis::percentile::Percentile>,
    /// Exit 1 when a call path is slower beyond tolerance
    #[arg(long)]
    pub fail_on_regression: bool,
    /// Exit 1 when call paths were added or removed
    #[arg(long)]
    pub fail_on_structure: bool,
    /// List everything, including call paths within tolerance
    #[arg(long)]
    pub all: bool,
    /// Lines per group in the summary
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Read both sides as this format instead of detecting it
    #[arg(long, value_parser = Format::readable(), value_name = "FORMAT")]
    pub input_format: Option<Format>,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Make any unreadable input fatal
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub empty: EmptyInputArgs,
    #[command(flatten)]
    pub limits: InputLimitArgs,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => {
            p.trim()
                .parse::<f64>()
                .map_err(|_| format!("invalid percentage {s:?}"))?
                / 100.0
        }
        None => {
            let v: f64 = t
                .parse()
                .map_err(|_| format!("invalid percentage {s:?}: e.g. 20%"))?;
            if v > 1.0 { v / 100.0 } else { v }
        }
    };
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("invalid percentage {s:?}"));
    }
    Ok(v)
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

fn parse_tag_arg(s: &str) -> Result<(String, String), String> {
    crate::backend::query::parse_tag(s)
}

fn parse_instant_arg(s: &str) -> Result<u64, String> {
    crate::backend::query::parse_instant(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn every_command_lists_the_exit_codes_once() {
        let cmd = command();
        assert_eq!(cmd.get_after_help().unwrap().to_string(), EXIT_CODES);
        let mut n = 0;
        for sub in cmd.get_subcommands() {
            let after = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(after.ends_with(EXIT_CODES), "{}: {after}", sub.get_name());
            assert_eq!(
                after.matches("Exit codes:").count(),
                1,
                "{}",
                sub.get_name()
            );
            n += 1;
        }
        assert!(n >= 15, "{n}");
        // A command's own text stays before the table.
        let lint = cmd.find_subcommand("lint").unwrap();
        assert!(
            lint.get_after_help()
                .unwrap()
                .to_string()
                .starts_with("PII findings show masked values only.")
        );
        for code in [0, 1, 2, 3, 4, 5, 130] {
            assert_eq!(
                EXIT_CODES.matches(&format!("\n  {code} ")).count(),
                1,
                "{code}"
            );
        }
    }

    #[test]
    fn gate_init_takes_force_and_no_sources() {
        let parse = |v: &[&str]| command().try_get_matches_from(v).map(|_| ());
        assert!(parse(&["tracekit", "gate", "--init"]).is_ok());
        assert!(parse(&["tracekit", "gate", "--init", "p.toml", "--force"]).is_ok());
        // (`--force traces/` passes clap, which waives `requires` when a conflicting argument is
        // present; `gate::run` refuses it.)
        assert!(parse(&["tracekit", "gate", "--force"]).is_err());
        assert!(parse(&["tracekit", "gate", "--init", "p.toml", "traces/"]).is_err());
        assert!(parse(&["tracekit", "gate"]).is_err());
        assert!(parse(&["tracekit", "gate", "traces/"]).is_ok());
    }
}
