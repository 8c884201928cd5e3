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
pub mod rules;
pub mod schema;
pub mod search;
pub mod services;
pub mod show;
pub mod skew;
pub mod stats;
pub mod synth;

#[cfg(test)]
mod parts_tests;

/// Every output goes through the one module (`crate::output`).
pub use crate::output;
/// Messages on stderr are the terminal's (`crate::term`); re-exported for the commands.
pub use crate::term::{print_error, print_note, print_warning};

use std::sync::Arc;

use crate::backend::Session;
use crate::cli::{Cli, Command};
use crate::error::{Error, Exit};
use crate::input::load::{LoadOptions, ReadReport};
use crate::model::{Trace, TraceId, TraceRef, TraceRefError, TraceSet};
use crate::term::Term;

/// Run a parsed command line and return the exit code. Errors are printed here, on stderr.
/// Workers for the parallel readers and analyses: one per core, plus one where there are
/// several cores. The thread that feeds the workers (and, for `check` and `lint`, the one that
/// analyses what they read) waits on them at every chunk; a spare worker keeps the cores busy
/// meanwhile (on 2 cores: `check` 2.2 -> 2.0 s, `lint` 2.7 -> 2.5 s, Jaeger JSON 3.3 -> 3.0 s,
/// `stats` unchanged). `RAYON_NUM_THREADS` still decides when it is set.
fn size_thread_pool() {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = if cores > 1 { cores + 1 } else { 1 };
    // Fails only when the pool already exists (it then keeps its size).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build_global();
}

pub fn run(cli: Cli) -> Exit {
    size_thread_pool();
    let term = Term::detect(cli.global.color, cli.global.quiet);
    if let Some(n) = cli.global.max_file_size {
        crate::input::source::set_small_file_limit(n);
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
        Command::Schema(args) => schema::run(args),
    };
    match result {
        Ok(exit) => exit,
        // The reader of our output went away (`| head`): stop quietly, like ripgrep.
        Err(Error::ClosedPipe) => Exit::Success,
        Err(e) => {
            print_error(&term, &e.to_string());
            e.exit()
        }
    }
}

/// How a command takes what reading its inputs gave.
#[derive(Copy, Clone, Debug)]
pub struct InputRules {
    /// Any bad input ends the command (`--strict`).
    pub strict: bool,
    /// Inputs without a single span are fine (`--allow-empty`): the command shows its empty
    /// result. Otherwise they end it with exit 3.
    pub allow_empty: bool,
    /// What the inputs are called in messages ("the input", "the baseline").
    pub what: &'static str,
}

impl InputRules {
    pub fn of(input: &crate::cli::InputArgs) -> Self {
        InputRules {
            strict: input.strict,
            allow_empty: input.empty.allow_empty,
            what: "the input",
        }
    }
}

/// Print what went wrong while reading inputs. Returns the error to end with when `strict`,
/// when nothing could be read, or when no span was read and `--allow-empty` was not given (one
/// line naming what was read, exit 3); otherwise the exit code the command should end with (3
/// when any input was bad, after its output).
pub fn report_inputs(term: &Term, report: &ReadReport, rules: InputRules) -> Result<Exit, Error> {
    for w in &report.warnings {
        print_warning(term, &format!("skipped {w}"));
    }
    let no_spans = report.spans == 0 && !rules.allow_empty;
    if report.errors.is_empty() && report.backend.is_empty() {
        if no_spans {
            return Err(Error::NoSpans {
                what: rules.what,
                read: crate::input::load::describe_sources(&report.sources),
            });
        }
        return Ok(Exit::Success);
    }
    let usage = report.backend.iter().any(|b| b.usage);
    // With no span to analyse the problems end the command; they say why nothing was read.
    if rules.strict || report.inputs.is_empty() || no_spans {
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

/// The one way a command that reads SOURCE... opens its inputs: resolves the backend when the
/// sources name trace ids or a search (config errors exit 2) and returns the load options that
/// carry its session, with `--input-format` and `--allow-empty`. Commands call it first, before
/// anything else can fail, and set `trace_filter` themselves.
pub fn open_inputs(input: &crate::cli::InputArgs, term: &Term) -> Result<LoadOptions, Error> {
    let session = backend_session(&input.sources, &input.backend, Some(&input.search), term)?;
    Ok(LoadOptions {
        format: input.input_format,
        trace_filter: None,
        allow_empty: input.empty.allow_empty,
        session,
        limits: input.limits.limits(),
        parts: crate::model::SpanParts::ALL,
    })
}

/// The session `sources` (and the `--search-*` options, if the command has them) need: `None`
/// when no source is a trace id and no search is asked for; a usage error when they need a
/// backend and none is named.
pub fn backend_session(
    sources: &[std::path::PathBuf],
    backend: &crate::cli::BackendArgs,
    search: Option<&crate::cli::SearchSourceArgs>,
    term: &Term,
) -> Result<Option<Arc<Session>>, Error> {
    use crate::input::load::{is_trace_id_source, looks_like_id_prefix, no_backend_message};
    // With a backend named, hex digits that name no file are an attempt at fetching by prefix:
    // a backend needs the whole id.
    if backend.backend.is_some()
        && let Some(s) = sources
            .iter()
            .filter_map(|s| s.to_str())
            .find(|s| looks_like_id_prefix(s) && !std::path::Path::new(s).exists())
    {
        crate::backend::parse_trace_id(s)?;
    }
    // A trace id is text; a name that is not UTF-8 can only be a file.
    let ids: Vec<&str> = sources
        .iter()
        .filter_map(|s| s.to_str())
        .filter(|s| is_trace_id_source(s))
        .collect();
    let search = match search {
        Some(a) => search_source_query(a)?,
        None => None,
    };
    if ids.is_empty() && search.is_none() {
        return Ok(None);
    }
    for id in &ids {
        crate::backend::parse_trace_id(id)?;
    }
    let Some(target) = crate::backend::config::resolve(&backend.request())? else {
        return Err(Error::usage(match ids.first() {
            Some(id) => no_backend_message(id),
            None => "a --search-… option needs a backend: name one with --backend NAME|URL (or set TRACEKIT_BACKEND)".to_string(),
        }));
    };
    Ok(Some(Arc::new(Session::new(target, search, term))))
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

/// `--trace`: a whole id (32 or 16 hex digits) or a prefix of at least 8, `0x` allowed. Which
/// trace a prefix names is decided once the traces are read ([`select_traces`]).
pub fn parse_trace_id(s: &str) -> Result<TraceRef, Error> {
    let t = s.trim();
    let hex = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let shown = crate::term::escape(s);
    TraceRef::parse(hex).map_err(|e| {
        Error::usage(match e {
            TraceRefError::Zero => {
                format!("invalid trace id {shown:?}: an all-zero id names no trace")
            }
            TraceRefError::TooShort(n) => format!(
                "trace id prefix {shown:?} is too short ({n} hex digit{}): give at least {} \
                 digits of the id, or all 16 or 32",
                if n == 1 { "" } else { "s" },
                TraceRef::MIN_DIGITS
            ),
            TraceRefError::Malformed => format!(
                "invalid trace id {shown:?}: expected hex digits, the whole id (32 or 16) or a \
                 prefix of at least {}",
                TraceRef::MIN_DIGITS
            ),
        })
    })
}

/// Repeatable `--trace` values; `None` when there are none.
pub fn parse_trace_ids(values: &[String]) -> Result<Option<Vec<TraceRef>>, Error> {
    if values.is_empty() {
        return Ok(None);
    }
    values
        .iter()
        .map(|v| parse_trace_id(v))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Candidates listed when a prefix is ambiguous, at most.
const CANDIDATES_SHOWN: usize = 10;

/// The traces `--trace` names, once the input is read.
pub struct Selected {
    /// Without `--trace` every trace; with it the one trace each value names (in input order,
    /// each once).
    pub traces: Vec<Trace>,
    /// The values that named no trace.
    pub missing: Vec<TraceRef>,
}

/// Decide which trace each `--trace` value names among the traces read: a whole id that is
/// present names that trace; otherwise the one trace whose id the digits begin. A prefix that
/// several ids begin with is a usage error (exit 2) listing them.
pub fn select_traces(set: TraceSet, refs: Option<&[TraceRef]>) -> Result<Selected, Error> {
    let Some(refs) = refs else {
        return Ok(Selected {
            traces: set.into_traces(),
            missing: Vec::new(),
        });
    };
    let mut chosen: Vec<TraceId> = Vec::new();
    let mut missing = Vec::new();
    for r in refs {
        let whole = r.whole().filter(|id| set.get(*id).is_some());
        let found = match whole {
            Some(id) => Some(id),
            None => {
                let candidates: Vec<&Trace> = set
                    .traces()
                    .iter()
                    .filter(|t| r.matches(t.trace_id))
                    .collect();
                match candidates.as_slice() {
                    [] => None,
                    [one] => Some(one.trace_id),
                    many => return Err(ambiguous(r, many)),
                }
            }
        };
        match found {
            Some(id) if !chosen.contains(&id) => chosen.push(id),
            Some(_) => {}
            None => missing.push(r.clone()),
        }
    }
    let traces = set
        .into_traces()
        .into_iter()
        .filter(|t| chosen.contains(&t.trace_id))
        .collect();
    Ok(Selected { traces, missing })
}

/// The usage error for a prefix several traces begin with: each candidate with its root
/// service and operation and its span count, the first few of them.
fn ambiguous(r: &TraceRef, candidates: &[&Trace]) -> Error {
    let mut lines = vec![format!(
        "trace id prefix {r} is ambiguous: {} traces match; give more digits:",
        candidates.len()
    )];
    let mut listed: Vec<(u64, TraceId, String)> = candidates
        .iter()
        .map(|t| {
            let summary = &crate::render::trace_list::summarize(std::slice::from_ref(*t))[0];
            let root = summary.root.map_or_else(
                || "(no root)".to_string(),
                |s| {
                    format!(
                        "{} {}",
                        crate::term::escape(&s.service),
                        crate::term::escape(&s.name)
                    )
                },
            );
            let spans = match summary.spans {
                1 => "1 span".to_string(),
                n => format!("{n} spans"),
            };
            (
                summary.start_ns,
                t.trace_id,
                format!("  {}  {root}  ({spans})", t.trace_id.to_short_hex()),
            )
        })
        .collect();
    listed.sort_by_key(|(start, id, _)| (*start, *id));
    lines.extend(
        listed
            .into_iter()
            .take(CANDIDATES_SHOWN)
            .map(|(_, _, line)| line),
    );
    if candidates.len() > CANDIDATES_SHOWN {
        lines.push(format!(
            "  and {} more",
            candidates.len() - CANDIDATES_SHOWN
        ));
    }
    Error::usage(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Span, SpanId};
    use std::sync::Arc;

    fn set(ids: &[(u128, &str, usize)]) -> TraceSet {
        let mut s = TraceSet::new();
        for (k, (id, op, n)) in ids.iter().enumerate() {
            for i in 0..*n {
                let mut span = Span::new(TraceId(*id), SpanId(i as u64 + 1));
                span.name = Arc::from(*op);
                span.service = Arc::from("svc");
                span.start_ns = 1_000 * (k as u64 + 1) + i as u64;
                span.end_ns = span.start_ns + 10;
                if i > 0 {
                    span.parent_span_id = Some(SpanId(1));
                }
                s.add(span);
            }
        }
        s
    }

    fn r(s: &str) -> TraceRef {
        parse_trace_id(s).unwrap()
    }

    fn ids(sel: &Selected) -> Vec<u128> {
        sel.traces.iter().map(|t| t.trace_id.0).collect()
    }

    const LONG: u128 = 0x4bf92f35_77b34da6_a3ce929d_0e0e4736;
    const TWIN: u128 = 0x4bf92f35_ffffffff_ffffffff_ffffffff;
    /// A 64-bit id whose 16 digits begin LONG.
    const SHORT: u128 = 0x4bf92f35_77b34da6;

    #[test]
    fn a_unique_prefix_names_its_trace() {
        let all = || set(&[(LONG, "a", 2), (TWIN, "b", 1), (SHORT, "c", 1)]);
        // 12 digits that begin both LONG's 32-digit form and SHORT's 16-digit form.
        let e = select_traces(all(), Some(&[r("4bf92f3577b3")]))
            .err()
            .unwrap();
        assert!(e.to_string().contains("2 traces match"), "{e}");
        let e = select_traces(all(), Some(&[r("4bf92f35ff")]))
            .map(|s| ids(&s))
            .unwrap();
        assert_eq!(e, vec![TWIN]);
        // A whole 16-digit id that is present wins over the 128-bit id it begins.
        let sel = select_traces(all(), Some(&[r("4bf92f3577b34da6")])).unwrap();
        assert_eq!(ids(&sel), vec![SHORT]);
        // Without the 64-bit trace, the same digits are a prefix of the 128-bit one.
        let sel = select_traces(
            set(&[(LONG, "a", 2), (TWIN, "b", 1)]),
            Some(&[r("4bf92f3577b34da6")]),
        )
        .unwrap();
        assert_eq!(ids(&sel), vec![LONG]);
        // Named twice, kept once; unknown ones reported.
        let sel = select_traces(
            all(),
            Some(&[r("4bf92f35ff"), r(&format!("{TWIN:032x}")), r("12345678")]),
        )
        .unwrap();
        assert_eq!(ids(&sel), vec![TWIN]);
        assert_eq!(sel.missing, vec![r("12345678")]);
        // Without --trace, everything.
        assert_eq!(select_traces(all(), None).unwrap().traces.len(), 3);
    }

    #[test]
    fn an_ambiguous_prefix_is_a_usage_error_listing_the_candidates() {
        let all = set(&[(LONG, "a", 2), (TWIN, "b", 1), (SHORT, "c", 1)]);
        let e = select_traces(all, Some(&[r("4bf92f35")])).err().unwrap();
        assert_eq!(e.exit(), Exit::Usage);
        assert_eq!(
            e.to_string(),
            format!(
                "trace id prefix 4bf92f35 is ambiguous: 3 traces match; give more digits:\n  \
                 {LONG:032x}  svc a  (2 spans)\n  {TWIN:032x}  svc b  (1 span)\n  \
                 4bf92f3577b34da6  svc c  (1 span)"
            )
        );
        let many: Vec<(u128, &str, usize)> = (0..12u128)
            .map(|k| ((0xabcdef01 << 96) | (k + 1), "op", 1))
            .collect();
        let e = select_traces(set(&many), Some(&[r("abcdef01")]))
            .err()
            .unwrap()
            .to_string();
        assert_eq!(e.lines().count(), 1 + 10 + 1, "{e}");
        assert!(e.ends_with("\n  and 2 more"), "{e}");
    }

    #[test]
    fn no_spans_ends_the_command_unless_allowed() {
        let term = Term::plain();
        let mut report = ReadReport::default();
        report
            .inputs
            .push((Arc::from("a.json"), crate::formats::Format::Zipkin));
        report.sources.push(crate::input::load::SourceRead {
            name: "a.json".into(),
            read: 1,
            formats: vec![crate::formats::Format::Zipkin],
            ..Default::default()
        });
        let rules = |allow_empty| InputRules {
            strict: false,
            allow_empty,
            what: "the input",
        };
        match report_inputs(&term, &report, rules(false)) {
            Err(e @ Error::NoSpans { .. }) => {
                assert_eq!(e.exit(), Exit::Input);
                assert!(
                    e.to_string()
                        .starts_with("no spans in the input (read: a.json (zipkin))")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            report_inputs(&term, &report, rules(true)).unwrap(),
            Exit::Success
        );
        // A bad input that left nothing to read: its error ends the command, alone.
        report.errors.push(crate::error::InputError::new(
            &Arc::from("a.json"),
            None,
            "bad",
        ));
        match report_inputs(&term, &report, rules(false)) {
            Err(Error::Inputs(v)) => assert_eq!(v.len(), 1),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            report_inputs(&term, &report, rules(true)).unwrap(),
            Exit::Input
        );
        report.spans = 1;
        assert_eq!(
            report_inputs(&term, &report, rules(false)).unwrap(),
            Exit::Input
        );
    }
}
