//! A session with one backend: the lazily built client, the cache, fetching traces (one, or many
//! with a bounded pool of workers and a progress bar on a terminal), and the session that the
//! analysis commands' loader uses for trace-id sources and `--search-*` options.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock, mpsc};

use super::cache::{Cache, temp_in};
use super::client::Client;
use super::http::body_io_error;
use super::{
    BackendError, Body, ErrorKind, Partial, SearchBody, SearchHit, SearchQuery, Target, hex32,
};
use crate::error::InputError;
use crate::input::{Format, ReadCtx, read_format};
use crate::model::{Span, TraceId, TraceSet, TraceTree};
use crate::term::Term;

/// Default number of traces fetched at once.
pub const DEFAULT_JOBS: usize = 4;
const BUF_BYTES: usize = 256 * 1024;
const TAIL_BYTES: usize = 16 * 1024;

pub struct Session {
    pub target: Target,
    /// A search whose traces the analysis commands read (`--search-*`).
    pub search: Option<SearchQuery>,
    pub jobs: usize,
    term: Term,
    cache: Option<Cache>,
    client: OnceLock<Result<Client, BackendError>>,
}

/// One trace, read.
pub struct FetchedTrace {
    pub id: TraceId,
    pub spans: Vec<Span>,
    /// Problems inside the body that lost part of it (the rest was read).
    pub warnings: Vec<InputError>,
    pub format: Format,
    /// `prod trace 4bf9…`: the name of this input in messages.
    pub source: Arc<str>,
    pub cached: bool,
    /// The body as received, when asked to keep it: a temporary file to move, or the cache file
    /// to copy.
    pub kept: Option<Kept>,
}

pub struct Kept {
    pub path: PathBuf,
    pub temporary: bool,
}

impl Session {
    pub fn new(target: Target, search: Option<SearchQuery>, term: &Term) -> Session {
        if target.insecure {
            crate::commands::print_warning(
                term,
                &format!(
                    "TLS certificate verification is OFF for {} (insecure): anyone on the network path can read and change the traces and see the credentials",
                    target.shown_url()
                ),
            );
        }
        let cache = target
            .cache_dir
            .as_deref()
            .map(|d| Cache::for_target(d, &target));
        Session {
            target,
            search,
            jobs: DEFAULT_JOBS,
            term: term.clone(),
            cache,
            client: OnceLock::new(),
        }
    }

    pub fn term(&self) -> &Term {
        &self.term
    }

    pub fn warn(&self, msg: &str) {
        crate::commands::print_warning(&self.term, msg);
    }

    /// The client, built (and the kind probed) on first use.
    pub fn client(&self) -> Result<&Client, BackendError> {
        self.client
            .get_or_init(|| Client::connect(&self.target))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn source_name(&self, id: TraceId) -> Arc<str> {
        Arc::from(format!("{} trace {}", self.target.name, hex32(id)))
    }

    fn not_found(&self, id: TraceId) -> BackendError {
        let kind = self
            .client
            .get()
            .and_then(|c| c.as_ref().ok())
            .map(|c| c.kind)
            .or(self.target.kind);
        let mut t = self.target.clone();
        t.kind = kind;
        BackendError::new(
            ErrorKind::NotFound,
            format!(
                "trace {} not found in {} (if every trace is reported missing, check the URL, its base path and --backend-kind)",
                hex32(id),
                t.describe()
            ),
        )
    }

    /// Fetch and read one trace (from the cache when it is there). With `keep_in`, the body is
    /// also kept as received, in a temporary file in that folder (or as the cache file).
    pub fn fetch_trace(
        &self,
        id: TraceId,
        keep_in: Option<&Path>,
    ) -> Result<FetchedTrace, BackendError> {
        let source = self.source_name(id);
        if let Some(cache) = &self.cache
            && let Some((path, format)) = cache.lookup(id)
        {
            if let Ok(t) = self.read_cached(id, &path, format, &source) {
                return Ok(t);
            }
            // Unreadable (damaged or from an older tracekit): fetch it again.
            cache.remove(id);
        }
        let client = self.client()?;
        let body = client.fetch(id)?.ok_or_else(|| self.not_found(id))?;
        let keep_dir = match (&self.cache, keep_in) {
            (Some(c), _) => Some(c.dir().to_path_buf()),
            (None, Some(d)) => Some(d.to_path_buf()),
            (None, None) => None,
        };
        let temp = match &keep_dir {
            Some(dir) => {
                let made = match &self.cache {
                    Some(c) => c.temp(&self.target, id),
                    None => temp_in(dir, &hex32(id)),
                };
                match made {
                    Ok(pf) => Some(pf),
                    Err(e) if self.cache.is_some() && keep_in.is_none() => {
                        self.warn(&format!(
                            "cannot write to the cache {}: {}",
                            dir.display(),
                            crate::input::source::io_message(&e)
                        ));
                        None
                    }
                    Err(e) => {
                        return Err(BackendError::new(
                            ErrorKind::Usage,
                            format!(
                                "cannot write in {}: {}",
                                dir.display(),
                                crate::input::source::io_message(&e)
                            ),
                        ));
                    }
                }
            }
            None => None,
        };
        let (temp_path, temp_file) = match temp {
            Some((p, f)) => (Some(p), Some(f)),
            None => (None, None),
        };
        let cleanup = |p: &Option<PathBuf>| {
            if let Some(p) = p {
                let _ = std::fs::remove_file(p);
            }
        };
        let result = read_body(body, &source, temp_file);
        let (spans, warnings, format, partial, tee_ok) = match result {
            Ok(r) => r,
            Err(e) => {
                cleanup(&temp_path);
                return Err(e);
            }
        };
        if spans.is_empty() {
            cleanup(&temp_path);
            return Err(self.not_found(id));
        }
        if let Some(msg) = &partial {
            let why = if msg.is_empty() {
                String::new()
            } else {
                format!(" ({})", crate::term::escape(msg))
            };
            self.warn(&format!(
                "{source}: the backend answered with a PARTIAL trace{why}: some spans may be missing"
            ));
        }
        let partial = partial.is_some();
        let mut kept = None;
        if let Some(tmp) = temp_path {
            let complete = tee_ok && !partial && warnings.is_empty();
            match (&self.cache, complete) {
                (Some(c), true) => match c.commit(&tmp, id, format) {
                    Ok(dest) => {
                        kept = keep_in.map(|_| Kept {
                            path: dest,
                            temporary: false,
                        })
                    }
                    Err(_) => cleanup(&Some(tmp)),
                },
                _ if keep_in.is_some() && tee_ok => {
                    kept = Some(Kept {
                        path: tmp,
                        temporary: true,
                    })
                }
                _ => cleanup(&Some(tmp)),
            }
        }
        Ok(FetchedTrace {
            id,
            spans,
            warnings,
            format,
            source,
            cached: false,
            kept,
        })
    }

    fn read_cached(
        &self,
        id: TraceId,
        path: &Path,
        format: Format,
        source: &Arc<str>,
    ) -> Result<FetchedTrace, ()> {
        let f = File::open(path).map_err(|_| ())?;
        let mut reader = BufReader::with_capacity(BUF_BYTES, f);
        let cached: Arc<str> = Arc::from(format!("{source} (cached)"));
        let (spans, warnings) = parse(format, &mut reader, &cached).map_err(|_| ())?;
        if spans.is_empty() {
            return Err(());
        }
        Ok(FetchedTrace {
            id,
            spans,
            warnings,
            format,
            source: cached,
            cached: true,
            kept: Some(Kept {
                path: path.to_path_buf(),
                temporary: false,
            }),
        })
    }

    /// Fetch many traces, `jobs` at a time, handing each result to `on` in the order of `ids`.
    /// After a failure that every other request would share (unreachable, TLS, credentials),
    /// the remaining traces are not tried.
    pub fn fetch_each(
        &self,
        ids: &[TraceId],
        keep_in: Option<&Path>,
        mut on: impl FnMut(usize, Result<FetchedTrace, BackendError>),
    ) {
        if ids.is_empty() {
            return;
        }
        let bar = self.progress(ids.len() as u64, "fetching");
        let stop = AtomicBool::new(false);
        let next = AtomicUsize::new(0);
        let jobs = self.jobs.clamp(1, ids.len());
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            for _ in 0..jobs {
                let tx = tx.clone();
                let (stop, next) = (&stop, &next);
                s.spawn(move || {
                    loop {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(id) = ids.get(i) else { break };
                        let r = self.fetch_trace(*id, keep_in);
                        if let Err(e) = &r
                            && matches!(
                                e.kind,
                                ErrorKind::Connect
                                    | ErrorKind::Tls
                                    | ErrorKind::Auth
                                    | ErrorKind::Usage
                            )
                        {
                            stop.store(true, Ordering::Relaxed);
                        }
                        if tx.send((i, r)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            let mut want = 0usize;
            for (i, r) in rx {
                if let Some(b) = &bar {
                    b.inc(1);
                }
                pending.insert(i, r);
                while let Some(r) = pending.remove(&want) {
                    on(want, r);
                    want += 1;
                }
            }
            // After a stop, later results may have arrived before a gap: hand them on too.
            for (i, r) in pending {
                on(i, r);
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
    }

    /// A progress bar on stderr when it is a terminal (and not --quiet).
    pub fn progress(&self, len: u64, what: &str) -> Option<indicatif::ProgressBar> {
        if !self.term.stderr_is_tty || self.term.quiet || len < 2 {
            return None;
        }
        let bar = indicatif::ProgressBar::new(len);
        let style = indicatif::ProgressStyle::with_template(
            "{msg} {bar:30} {pos}/{len} traces ({elapsed})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(what.to_string());
        Some(bar)
    }

    /// A spinner on stderr (terminal only) while a search runs.
    pub fn spinner(&self, what: &str) -> Option<indicatif::ProgressBar> {
        if !self.term.stderr_is_tty || self.term.quiet {
            return None;
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(what.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(bar)
    }

    /// Run a search and summarise its traces (reading them when the backend returns whole
    /// traces), most recent first.
    pub fn search_hits(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, BackendError> {
        let client = self.client()?;
        let spinner = self.spinner(&format!("searching {}", self.target.name));
        let answer = client.search(q);
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        match answer? {
            SearchBody::Summaries(mut hits) => {
                hits.truncate(q.limit);
                Ok(hits)
            }
            SearchBody::Traces(body) => {
                let source: Arc<str> = Arc::from(format!("{} search", self.target.name));
                let mut set = TraceSet::new();
                let (_, warnings) = read_search_body(body, &source, &mut |b| set.extend(b))?;
                for w in warnings {
                    self.warn(&w.to_string());
                }
                let mut hits: Vec<SearchHit> = set.traces().iter().map(summarise).collect();
                hits.sort_by(|a, b| {
                    b.start_ns
                        .cmp(&a.start_ns)
                        .then(a.trace_id.cmp(&b.trace_id))
                });
                hits.truncate(q.limit);
                Ok(hits)
            }
        }
    }
}

/// Read a search answer that holds whole traces, streaming its spans to `sink`.
pub fn read_search_body(
    body: Body,
    source: &Arc<str>,
    sink: &mut dyn FnMut(Vec<Span>),
) -> Result<(u64, Vec<InputError>), BackendError> {
    let request = body.request.clone();
    let format = body.format;
    let mut reader = BufReader::with_capacity(
        BUF_BYTES,
        Watch {
            inner: body.reader,
            tee: None,
            tee_failed: false,
            tail: None,
            io_error: None,
        },
    );
    let mut count = 0u64;
    let mut warnings = Vec::new();
    let mut counting = |spans: Vec<Span>| {
        count += spans.len() as u64;
        sink(spans);
    };
    let mut ctx = ReadCtx {
        source: source.clone(),
        sink: &mut counting,
        warnings: &mut warnings,
    };
    let r = read_format(format, &mut reader, &mut ctx);
    if let Err(e) = r {
        return Err(body_error(&request, e, &mut reader));
    }
    Ok((count, warnings))
}

/// Root service and operation, start, duration, span and error counts of one trace.
pub fn summarise(t: &crate::model::Trace) -> SearchHit {
    let tree = TraceTree::build(t);
    let root = tree
        .roots
        .iter()
        .find(|r| r.1 == crate::model::tree::RootReason::Root)
        .or(tree.roots.first())
        .and_then(|r| t.spans.get(r.0 as usize));
    SearchHit {
        trace_id: t.trace_id,
        root_service: root.map(|s| s.service.to_string()),
        root_operation: root.map(|s| s.name.to_string()),
        start_ns: t.start_ns(),
        duration_ns: t.duration_ns(),
        spans: Some(t.spans.len() as u64),
        errors: Some(t.error_count() as u64),
    }
}

/// Watches a body as it is read: keeps its last bytes (to find Tempo's PARTIAL status), copies
/// it to a file when asked, and remembers a transport error (a truncated body).
struct Watch {
    inner: Box<dyn Read + Send>,
    tee: Option<File>,
    tee_failed: bool,
    tail: Option<Vec<u8>>,
    io_error: Option<io::Error>,
}

impl Read for Watch {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                let got = &buf[..n];
                if let Some(f) = &mut self.tee
                    && f.write_all(got).is_err()
                {
                    self.tee = None;
                    self.tee_failed = true;
                }
                if let Some(t) = &mut self.tail {
                    t.extend_from_slice(got);
                    if t.len() > 2 * TAIL_BYTES {
                        let cut = t.len() - TAIL_BYTES;
                        t.drain(..cut);
                    }
                }
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    // Keep the whole cause chain's text: the error itself is handed on.
                    let cause = match e.get_ref() {
                        Some(inner) => super::http::root_cause(inner),
                        None => e.to_string(),
                    };
                    self.io_error = Some(io::Error::new(e.kind(), cause));
                }
                Err(e)
            }
        }
    }
}

fn parse(
    format: Format,
    reader: &mut dyn BufRead,
    source: &Arc<str>,
) -> Result<(Vec<Span>, Vec<InputError>), InputError> {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    let mut sink = |b: Vec<Span>| spans.extend(b);
    let mut ctx = ReadCtx {
        source: source.clone(),
        sink: &mut sink,
        warnings: &mut warnings,
    };
    read_format(format, reader, &mut ctx)?;
    Ok((spans, warnings))
}

type ReadBody = (Vec<Span>, Vec<InputError>, Format, Option<String>, bool);

/// Read a trace body: spans, warnings, format, Tempo's PARTIAL message, whether the copy to
/// `tee` is complete.
fn read_body(body: Body, source: &Arc<str>, tee: Option<File>) -> Result<ReadBody, BackendError> {
    let request = body.request.clone();
    let format = body.format;
    let check_tail = body.partial == Partial::CheckJsonTail;
    let mut reader = BufReader::with_capacity(
        BUF_BYTES,
        Watch {
            inner: body.reader,
            tee,
            tee_failed: false,
            tail: check_tail.then(Vec::new),
            io_error: None,
        },
    );
    let (spans, warnings) = match parse(format, &mut reader, source) {
        Ok(r) => r,
        Err(e) => return Err(body_error(&request, e, &mut reader)),
    };
    // Read what the reader left (trailing whitespace) so the copy is whole.
    let drained = io::copy(&mut reader, &mut io::sink());
    let watch = reader.get_mut();
    let mut tee_ok = !watch.tee_failed && drained.is_ok();
    if let Some(f) = &mut watch.tee {
        tee_ok &= f.flush().is_ok() && f.sync_all().is_ok();
    }
    let partial = match body.partial {
        Partial::Yes(m) => Some(m),
        Partial::CheckJsonTail => watch
            .tail
            .as_deref()
            .and_then(super::tempo::partial_in_tail),
        Partial::Complete => None,
    };
    Ok((spans, warnings, format, partial, tee_ok))
}

/// A reader failed on a body: if the transport broke, that is the cause (a truncated body);
/// otherwise the body is not what the API returns, at the reader's position.
fn body_error(request: &str, e: InputError, reader: &mut BufReader<Watch>) -> BackendError {
    if reader.get_ref().io_error.is_none() {
        // The reader may have stopped before the end: learn whether the rest arrives.
        let _ = io::copy(reader, &mut io::sink());
    }
    if let Some(io) = &reader.get_ref().io_error {
        return body_io_error(request, io);
    }
    let at = match &e.position {
        Some(p @ crate::error::Position::LineColumn { .. }) => format!("{p}: "),
        Some(p) => format!("{p}: "),
        None => String::new(),
    };
    BackendError::new(
        ErrorKind::Body,
        format!("bad response from {request}: {at}{}", e.message),
    )
}

static CURRENT: RwLock<Option<Arc<Session>>> = RwLock::new(None);

/// Make `session` the one the loader uses for trace-id sources and searches.
pub fn install(session: Option<Arc<Session>>) {
    if let Ok(mut g) = CURRENT.write() {
        *g = session;
    }
}

pub fn current() -> Option<Arc<Session>> {
    CURRENT.read().ok().and_then(|g| g.clone())
}
