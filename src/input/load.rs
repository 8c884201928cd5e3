//! Loading: expand sources, open, detect, read, and group spans into traces.

use std::path::Path;
use std::sync::Arc;

use super::source::{self, Input};
use crate::backend::session::{Session, read_search_body};
use crate::backend::{BackendError, ErrorKind, SearchBody, SearchQuery};
use crate::error::InputError;
use crate::formats::detect::{Sniff, sniff};
use crate::formats::{Format, ReadCtx, ReadWants, read_format};
use crate::model::{Span, SpanParts, TraceId, TraceRef, TraceSet};

#[derive(Clone, Default)]
pub struct LoadOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Keep only the traces these ids or prefixes match (memory then stays bounded by them).
    pub trace_filter: Option<Vec<TraceRef>>,
    /// An input with no bytes at all is an empty input, not an error (`--allow-empty`).
    pub allow_empty: bool,
    /// The backend that trace-id sources are fetched from and whose search (if any) is read.
    /// Without one, a trace-id source is a usage error.
    pub session: Option<Arc<Session>>,
    /// What one input may cost (gzip inflation).
    pub limits: super::limits::InputLimits,
    /// The span parts the command reads: file readers may skip the others.
    pub parts: SpanParts,
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("format", &self.format)
            .field("trace_filter", &self.trace_filter)
            .field("allow_empty", &self.allow_empty)
            .field("parts", &self.parts)
            .field("session", &self.session.as_ref().map(|s| &s.target.name))
            .finish()
    }
}

/// What reading all sources gave, besides the spans.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// Inputs that could not be read at all or stopped part way (exit code 3). What was read
    /// before the problem is kept.
    pub errors: Vec<InputError>,
    /// Not errors: files of unknown format skipped in a directory.
    pub warnings: Vec<InputError>,
    /// Inputs read (whole or in part), with the format they were read as.
    pub inputs: Vec<(Arc<str>, Format)>,
    pub spans: u64,
    /// Trace ids and searches a backend could not answer (exit 4), or that had no backend to
    /// ask (exit 2).
    pub backend: Vec<BackendProblem>,
    /// What each source gave, in the order read (for the message when no span was read).
    pub sources: Vec<SourceRead>,
}

/// What one source gave: a SOURCE argument (file, directory, stdin), a trace fetched from a
/// backend, or a backend search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRead {
    /// As given (`<stdin>` for `-`), or as a backend's traces are named in messages.
    pub name: Arc<str>,
    pub directory: bool,
    /// Inputs read, whole or in part.
    pub read: u64,
    /// The formats they were read as, each once, in the order met.
    pub formats: Vec<Format>,
    /// Files of a directory skipped because they hold no trace format.
    pub skipped: u64,
    /// Inputs with no bytes at all, accepted as empty (`--allow-empty`).
    pub blank: u64,
    pub spans: u64,
}

impl SourceRead {
    fn named(name: impl Into<Arc<str>>) -> Self {
        SourceRead {
            name: name.into(),
            ..Self::default()
        }
    }

    fn note(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Read(format, spans) => {
                self.read += 1;
                self.spans += spans;
                if !self.formats.contains(&format) {
                    self.formats.push(format);
                }
            }
            Outcome::Skipped => self.skipped += 1,
            Outcome::Blank => self.blank += 1,
            Outcome::Failed => {}
        }
    }

    /// `a.json (otlp-json)`, `traces/ (3 files skipped: unknown format)`: escaped, one line.
    fn describe(&self) -> String {
        let name = crate::term::escape(&self.name);
        if !self.directory {
            return match self.formats.as_slice() {
                [] if self.blank > 0 => format!("{name} (no bytes)"),
                [] => name.into_owned(),
                fs => format!("{name} ({})", format_names(fs)),
            };
        }
        let slash = if name.ends_with('/') { "" } else { "/" };
        let files = |n: u64| {
            if n == 1 {
                "1 file".to_string()
            } else {
                format!("{n} files")
            }
        };
        let mut parts = Vec::new();
        if self.read > 0 {
            parts.push(format!(
                "{} read as {}",
                files(self.read),
                format_names(&self.formats)
            ));
        }
        if self.blank > 0 {
            parts.push(format!("{} with no bytes", files(self.blank)));
        }
        if self.skipped > 0 {
            let n = if parts.is_empty() {
                files(self.skipped)
            } else {
                self.skipped.to_string()
            };
            parts.push(format!("{n} skipped: unknown format"));
        }
        if parts.is_empty() {
            parts.push("no files".to_string());
        }
        format!("{name}{slash} ({})", parts.join(", "))
    }
}

fn format_names(formats: &[Format]) -> String {
    formats
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join("/")
}

/// Sources listed by name in the message, at most.
const SOURCES_SHOWN: usize = 10;

/// What was read, for the one line that says the input held no span: `a.json (otlp-json),
/// dir/ (3 files skipped: unknown format)`, the first few sources and how many more.
pub fn describe_sources(sources: &[SourceRead]) -> String {
    if sources.is_empty() {
        return "nothing".to_string();
    }
    let mut parts: Vec<String> = sources
        .iter()
        .take(SOURCES_SHOWN)
        .map(SourceRead::describe)
        .collect();
    if sources.len() > SOURCES_SHOWN {
        parts.push(format!("and {} more", sources.len() - SOURCES_SHOWN));
    }
    parts.join(", ")
}

/// What reading one input gave.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// Read (whole or in part) as this format, with this many spans.
    Read(Format, u64),
    /// In a directory, and not a trace format: skipped with a warning.
    Skipped,
    /// No bytes, accepted as empty.
    Blank,
    /// Could not be opened or detected (an error was recorded).
    Failed,
}

/// A source that needed a backend and did not get its traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendProblem {
    pub message: String,
    /// True when no backend was named (a usage error), false when the backend failed.
    pub usage: bool,
}

impl From<BackendError> for BackendProblem {
    fn from(e: BackendError) -> Self {
        BackendProblem {
            usage: e.kind == ErrorKind::Usage,
            message: e.message,
        }
    }
}

impl From<&BackendProblem> for crate::error::Error {
    fn from(p: &BackendProblem) -> Self {
        if p.usage {
            crate::error::Error::Usage(p.message.clone())
        } else {
            crate::error::Error::Backend(p.message.clone())
        }
    }
}

/// Is this source a trace id to fetch (16 or 32 hex digits that name no file)?
pub fn is_trace_id_source(s: &str) -> bool {
    crate::backend::looks_like_trace_id(s) && !std::path::Path::new(s).exists()
}

/// Hex digits that could be an id prefix but not a whole id (8 to 31 digits, not 16): named as a
/// source, they are a file that does not exist, or a mistaken attempt at fetching by prefix.
pub fn looks_like_id_prefix(s: &str) -> bool {
    (TraceRef::MIN_DIGITS..32).contains(&s.len())
        && s.len() != 16
        && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The usage error for a trace id given without a backend.
pub fn no_backend_message(id: &str) -> String {
    format!(
        "{id} looks like a trace id, not a file: name a backend with --backend NAME|URL (or set TRACEKIT_BACKEND) to fetch it"
    )
}

/// Traces grouped across all sources, and the report.
#[derive(Default)]
pub struct Loaded {
    pub traces: TraceSet,
    pub report: ReadReport,
}

/// Read every source, handing span batches to `sink` as they are read.
pub fn for_each_batch<S: AsRef<Path>>(
    sources: &[S],
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
) -> ReadReport {
    let session = opts.session.as_deref();
    let mut report = ReadReport::default();
    // Sources in the order given; runs of trace ids are fetched together (concurrently).
    let mut ids: Vec<TraceId> = Vec::new();
    for path in sources {
        let path = path.as_ref();
        // A name that is not UTF-8 is a file (shown lossily in messages, `\u{fffd}`); trace
        // ids are text.
        let text = path.to_str();
        if let Some(s) = text.filter(|s| is_trace_id_source(s)) {
            match crate::backend::parse_trace_id(s) {
                Ok(id) if session.is_some() => ids.push(id),
                Ok(_) => report.backend.push(BackendProblem {
                    message: no_backend_message(s),
                    usage: true,
                }),
                Err(e) => report.backend.push(BackendProblem {
                    message: e.to_string(),
                    usage: true,
                }),
            }
            continue;
        }
        if let Some(session) = session {
            read_ids(session, &std::mem::take(&mut ids), opts, sink, &mut report);
        }
        let (inputs, mut errors) = source::expand(&[path.to_path_buf()]);
        if text.is_some_and(looks_like_id_prefix) {
            for e in &mut errors {
                e.message.push_str(
                    "; to fetch a trace from a backend give its whole id (16 or 32 hex digits): a prefix only picks among traces already read (--trace)",
                );
            }
        }
        report.errors.extend(errors);
        let stdin = path.as_os_str() == "-";
        let shown = path.display().to_string();
        let mut read = SourceRead::named(if stdin { "<stdin>" } else { shown.as_str() });
        read.directory = !stdin && path.is_dir();
        for item in inputs {
            let outcome = read_one(&item.input, item.from_directory, opts, sink, &mut report);
            read.note(outcome);
        }
        report.sources.push(read);
    }
    if let Some(session) = session {
        read_ids(session, &ids, opts, sink, &mut report);
        if let Some(q) = &session.search {
            read_search(session, q, opts, sink, &mut report);
        }
    }
    report
}

/// Cut the string values of `spans` longer than `max` bytes (`--max-string-bytes`): files,
/// fetched traces and search answers alike. Returns how many were cut.
fn cut_long_strings(spans: &mut [Span], max: usize) -> u64 {
    crate::model::limits::cut_long_strings_in(spans, max)
}

/// The input problem that reports `cut` strings of `source`, if any.
fn strings_cut(source: &Arc<str>, cut: u64, max: usize) -> Option<InputError> {
    (cut > 0).then(|| {
        InputError::new(
            source,
            None,
            format!(
                "{cut} string value(s) longer than {} were cut to it (raise the limit with --max-string-bytes)",
                crate::units::format_size(max as u64)
            ),
        )
    })
}

/// Fetch traces by id from the session's backend into `sink`.
fn read_ids(
    session: &Session,
    ids: &[TraceId],
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
    report: &mut ReadReport,
) {
    session.fetch_each(ids, None, |_, r| match r {
        Ok(mut t) => {
            let max = opts.limits.max_string_bytes;
            let cut = cut_long_strings(&mut t.spans, max);
            report.errors.extend(strings_cut(&t.source, cut, max));
            let mut read = SourceRead::named(t.source.clone());
            read.note(Outcome::Read(t.format, t.spans.len() as u64));
            report.sources.push(read);
            report.inputs.push((t.source.clone(), t.format));
            report.spans += t.spans.len() as u64;
            report.errors.extend(t.warnings);
            sink(t.spans);
        }
        Err(e) => report.backend.push(e.into()),
    });
}

/// Read the traces of the session's search into `sink`: straight from the search answer when it
/// holds whole traces (Jaeger, Zipkin), else by fetching each trace found (Tempo).
fn read_search(
    session: &Session,
    q: &SearchQuery,
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
    report: &mut ReadReport,
) {
    let client = match session.client() {
        Ok(c) => c,
        Err(e) => return report.backend.push(e.into()),
    };
    let spinner = session.spinner(&format!("searching {}", session.target.name));
    let answer = client.search(q);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    match answer {
        Err(e) => report.backend.push(e.into()),
        Ok(SearchBody::Summaries(hits)) => {
            if hits.is_empty() {
                session.warn("the search found no traces");
                let name = format!("{} search (no traces found)", session.target.name);
                report.sources.push(SourceRead::named(name));
            }
            let ids: Vec<TraceId> = hits.iter().take(q.limit).map(|h| h.trace_id).collect();
            read_ids(session, &ids, opts, sink, report);
        }
        Ok(SearchBody::Traces(body)) => {
            let name: Arc<str> = Arc::from(format!("{} search", session.target.name));
            let format = body.format;
            let max = opts.limits.max_string_bytes;
            let mut cut = 0;
            let mut cutting_sink = |mut spans: Vec<Span>| {
                cut += cut_long_strings(&mut spans, max);
                sink(spans);
            };
            match read_search_body(session.reader(), body, &name, &mut cutting_sink) {
                Ok((spans, warnings)) => {
                    report.errors.extend(strings_cut(&name, cut, max));
                    if spans == 0 {
                        session.warn("the search found no traces");
                    }
                    let mut read = SourceRead::named(name.clone());
                    read.note(Outcome::Read(format, spans));
                    report.sources.push(read);
                    report.inputs.push((name, format));
                    report.spans += spans;
                    report.errors.extend(warnings);
                }
                Err(e) => report.backend.push(e.into()),
            }
        }
    }
}

fn read_one(
    input: &Input,
    from_directory: bool,
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
    report: &mut ReadReport,
) -> Outcome {
    let name = input.display_name();
    // With `--trace`, most of the input is only searched, never parsed: reading it in blocks
    // costs less than faulting in the pages of a map.
    let map = opts.trace_filter.is_none();
    let mut opened = match source::open(input, &opts.limits, map) {
        Ok(o) => o,
        Err(e) => {
            report
                .errors
                .push(InputError::new(&name, None, source::io_message(&e)));
            return Outcome::Failed;
        }
    };
    // `--allow-empty`: a named input with no bytes (an empty file, nothing on stdin) is an empty
    // input. In a directory such a file is still skipped with a warning, like any non-trace file.
    if opts.allow_empty
        && !from_directory
        && opened.prefix.len() < crate::formats::detect::SNIFF_BYTES
        && crate::formats::detect::is_blank(&opened.prefix)
    {
        return Outcome::Blank;
    }
    let format = match choose_format(opts.format, &opened.prefix) {
        Ok(f) => f,
        Err(why) => {
            let e = InputError::new(&name, None, why);
            if from_directory {
                report.warnings.push(e);
                return Outcome::Skipped;
            }
            report.errors.push(e);
            return Outcome::Failed;
        }
    };
    let mut count = 0u64;
    let mut cut = 0u64;
    let max_string = opts.limits.max_string_bytes;
    let mut count_sink = |mut spans: Vec<Span>| {
        count += spans.len() as u64;
        cut += cut_long_strings(&mut spans, max_string);
        sink(spans);
    };
    let mut warnings = Vec::new();
    let mut ctx = ReadCtx {
        source: name.clone(),
        sink: &mut count_sink,
        warnings: &mut warnings,
        wants: ReadWants {
            parts: opts.parts,
            traces: opts.trace_filter.as_deref().map(Arc::from),
        },
    };
    let result = read_format(format, &mut *opened.reader, &mut ctx);
    if let Some(w) = opened.trailing.lock().ok().and_then(|mut t| t.take()) {
        report.warnings.push(InputError::new(&name, None, w));
    }
    report.inputs.push((name.clone(), format));
    report.spans += count;
    // Problems inside an input (a bad line, a bad span) lose data: they are errors too.
    report.errors.extend(warnings);
    report.errors.extend(strings_cut(&name, cut, max_string));
    if let Err(e) = result {
        report.errors.push(e);
    }
    Outcome::Read(format, count)
}

/// The format an input is read as: the forced one (`--input-format`), else the one its first
/// bytes show; `Err` says what the content looks like instead.
pub fn choose_format(forced: Option<Format>, prefix: &[u8]) -> Result<Format, String> {
    match (forced, sniff(prefix)) {
        (Some(Format::Jaeger), Sniff::JaegerApiV3) | (None, Sniff::JaegerApiV3) => {
            Ok(Format::OtlpJson)
        }
        (Some(f), _) => Ok(f),
        (None, Sniff::Format(f)) => Ok(f),
        (None, Sniff::Unknown(why)) => Err(why),
    }
}

/// Read every source and group the spans into traces.
pub fn load<S: AsRef<Path>>(sources: &[S], opts: &LoadOptions) -> Loaded {
    let mut traces = match &opts.trace_filter {
        Some(refs) => TraceSet::with_filter(refs.iter().cloned()),
        None => TraceSet::new(),
    };
    let report = for_each_batch(sources, opts, &mut |spans| traces.extend(spans));
    Loaded { traces, report }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str, read: u64, formats: &[Format], skipped: u64) -> SourceRead {
        SourceRead {
            name: Arc::from(name),
            directory: true,
            read,
            formats: formats.to_vec(),
            skipped,
            ..SourceRead::default()
        }
    }

    #[test]
    fn sources_are_described_in_one_line() {
        let mut file = SourceRead::named("a.json");
        file.note(Outcome::Read(Format::Zipkin, 0));
        let mut blank = SourceRead::named("<stdin>");
        blank.note(Outcome::Blank);
        let sources = [
            file,
            blank,
            dir("empty", 0, &[], 0),
            dir("junk/", 0, &[], 3),
            dir("one", 1, &[Format::OtlpJson], 0),
            dir("mixed", 2, &[Format::Jaeger, Format::Zipkin], 1),
            dir("lone", 0, &[], 1),
        ];
        assert_eq!(
            describe_sources(&sources),
            "a.json (zipkin), <stdin> (no bytes), empty/ (no files), \
             junk/ (3 files skipped: unknown format), one/ (1 file read as otlp-json), \
             mixed/ (2 files read as jaeger/zipkin, 1 skipped: unknown format), \
             lone/ (1 file skipped: unknown format)"
        );
        assert_eq!(describe_sources(&[]), "nothing");
    }

    #[test]
    fn names_are_escaped_and_long_lists_cut() {
        let hostile = SourceRead::named("a\nb\x1b[2J.json");
        assert_eq!(describe_sources(&[hostile]), "a\\nb\\x1b[2J.json");
        let many: Vec<SourceRead> = (0..12)
            .map(|k| SourceRead::named(format!("f{k}")))
            .collect();
        let text = describe_sources(&many);
        assert!(text.starts_with("f0, f1, "), "{text}");
        assert!(text.ends_with("f9, and 2 more"), "{text}");
        assert!(!text.contains("f10"), "{text}");
    }

    #[test]
    fn prefixes_named_as_sources_are_recognised() {
        assert!(looks_like_id_prefix("4bf92f35"));
        assert!(looks_like_id_prefix("4bf92f3577b34da6a3ce929d0e0e473"));
        assert!(!looks_like_id_prefix("4bf92f3"));
        assert!(!looks_like_id_prefix("4bf92f3577b34da6"));
        assert!(!looks_like_id_prefix("traces.json"));
    }

    #[test]
    fn sources_are_accounted_and_blank_inputs_accepted_on_request() {
        let d = tempfile::tempdir().unwrap();
        let blank = d.path().join("blank.json");
        std::fs::write(&blank, "  \n").unwrap();
        let junk = d.path().join("junk");
        std::fs::create_dir(&junk).unwrap();
        std::fs::write(junk.join("a.txt"), "hello").unwrap();
        let sources = vec![blank.display().to_string(), junk.display().to_string()];
        let r = for_each_batch(&sources, &LoadOptions::default(), &mut |_| {});
        assert_eq!(r.errors.len(), 1, "a blank file is an error by default");
        assert_eq!(r.sources.len(), 2);
        assert_eq!(r.sources[1].skipped, 1);
        assert!(r.sources[1].directory);
        let opts = LoadOptions {
            allow_empty: true,
            ..LoadOptions::default()
        };
        let r = for_each_batch(&sources, &opts, &mut |_| {});
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.sources[0].blank, 1);
        assert_eq!(r.spans, 0);
    }
}
