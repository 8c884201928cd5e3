//! Loading: expand sources, open, detect, read, and group spans into traces.

use std::sync::Arc;

use super::detect::{Sniff, sniff};
use super::source::{self, Input};
use super::{Format, ReadCtx, read_format};
use crate::backend::session::{Session, read_search_body};
use crate::backend::{BackendError, ErrorKind, SearchBody, SearchQuery};
use crate::error::InputError;
use crate::model::{Span, TraceId, TraceSet};

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Keep only these traces (memory then stays bounded by them).
    pub trace_filter: Option<Vec<TraceId>>,
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
pub fn for_each_batch(
    sources: &[String],
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
) -> ReadReport {
    let session = crate::backend::session::current();
    let mut report = ReadReport::default();
    // Sources in the order given; runs of trace ids are fetched together (concurrently).
    let mut ids: Vec<TraceId> = Vec::new();
    for s in sources {
        if is_trace_id_source(s) {
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
        if let Some(session) = &session {
            read_ids(session, &std::mem::take(&mut ids), sink, &mut report);
        }
        let (inputs, errors) = source::expand(std::slice::from_ref(s));
        report.errors.extend(errors);
        for item in inputs {
            read_one(&item.input, item.from_directory, opts, sink, &mut report);
        }
    }
    if let Some(session) = &session {
        read_ids(session, &ids, sink, &mut report);
        if let Some(q) = &session.search {
            read_search(session, q, sink, &mut report);
        }
    }
    report
}

/// Fetch traces by id from the session's backend into `sink`.
fn read_ids(
    session: &Session,
    ids: &[TraceId],
    sink: &mut dyn FnMut(Vec<Span>),
    report: &mut ReadReport,
) {
    session.fetch_each(ids, None, |_, r| match r {
        Ok(t) => {
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
            }
            let ids: Vec<TraceId> = hits.iter().take(q.limit).map(|h| h.trace_id).collect();
            read_ids(session, &ids, sink, report);
        }
        Ok(SearchBody::Traces(body)) => {
            let name: Arc<str> = Arc::from(format!("{} search", session.target.name));
            let format = body.format;
            match read_search_body(session.reader(), body, &name, sink) {
                Ok((spans, warnings)) => {
                    if spans == 0 {
                        session.warn("the search found no traces");
                    }
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
) {
    let name = input.display_name();
    let mut opened = match source::open(input) {
        Ok(o) => o,
        Err(e) => {
            report
                .errors
                .push(InputError::new(&name, None, source::io_message(&e)));
            return;
        }
    };
    let format = match (opts.format, sniff(&opened.prefix)) {
        (Some(Format::Jaeger), Sniff::JaegerApiV3) | (None, Sniff::JaegerApiV3) => Format::OtlpJson,
        (Some(f), _) => f,
        (None, Sniff::Format(f)) => f,
        (None, Sniff::Unknown(why)) => {
            let e = InputError::new(&name, None, why);
            if from_directory {
                report.warnings.push(e);
            } else {
                report.errors.push(e);
            }
            return;
        }
    };
    let mut count = 0u64;
    let mut count_sink = |spans: Vec<Span>| {
        count += spans.len() as u64;
        sink(spans);
    };
    let mut warnings = Vec::new();
    let mut ctx = ReadCtx {
        source: name.clone(),
        sink: &mut count_sink,
        warnings: &mut warnings,
    };
    let result = read_format(format, &mut *opened.reader, &mut ctx);
    report.inputs.push((name, format));
    report.spans += count;
    // Problems inside an input (a bad line, a bad span) lose data: they are errors too.
    report.errors.extend(warnings);
    if let Err(e) = result {
        report.errors.push(e);
    }
}

/// Read every source and group the spans into traces.
pub fn load(sources: &[String], opts: &LoadOptions) -> Loaded {
    let mut traces = match &opts.trace_filter {
        Some(ids) => TraceSet::with_filter(ids.iter().copied()),
        None => TraceSet::new(),
    };
    let report = for_each_batch(sources, opts, &mut |spans| traces.extend(spans));
    Loaded { traces, report }
}
