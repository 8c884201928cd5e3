//! A session with one backend: the lazily built client, the cache, fetching traces (one, or many
//! with a bounded pool of workers and a progress bar on a terminal), and the session that the
//! analysis commands' loader uses for trace-id sources and `--search-*` options (handed to it in
//! [`crate::input::LoadOptions`]).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};

use super::cache::{Cache, temp_in};
use super::client::Client;
use super::http::body_io_error;
use super::{
    BackendError, Body, ErrorKind, Partial, SearchBody, SearchHit, SearchQuery, Target, hex32,
};
use crate::error::InputError;
use crate::formats::{Format, ReadCtx, read_format};
use crate::model::{Span, TraceId, TraceSet, TraceTree};
use crate::term::Term;

/// Default number of traces fetched at once.
pub const DEFAULT_JOBS: usize = 4;
const BUF_BYTES: usize = 256 * 1024;
const TAIL_BYTES: usize = 16 * 1024;

/// How a body is read into spans: [`read_format`] (a seam for tests and library users).
pub type ReadFn =
    fn(Format, &mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), crate::error::InputError>;

pub struct Session {
    pub target: Target,
    /// A search whose traces the analysis commands read (`--search-*`).
    pub search: Option<SearchQuery>,
    pub jobs: usize,
    term: Term,
    cache: Option<Cache>,
    client: OnceLock<Result<Client, BackendError>>,
    reader: ReadFn,
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
        target.register_secrets();
        if target.insecure {
            crate::term::print_warning(
                term,
                &format!(
                    "TLS certificate verification is OFF for {} (insecure): anyone on the network path can read and change the traces and see the credentials",
                    target.shown_url()
                ),
            );
        }
        if target.auth != super::Auth::None && plain_http_elsewhere(&target.url) {
            crate::term::print_warning(
                term,
                &format!(
                    "sending credentials over plain HTTP to {}: anyone on the network path can read them (use https://)",
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
            reader: read_format,
        }
    }

    /// Read bodies with `reader` instead of the format readers.
    pub fn with_reader(mut self, reader: ReadFn) -> Session {
        self.reader = reader;
        self
    }

    pub fn reader(&self) -> ReadFn {
        self.reader
    }

    pub fn term(&self) -> &Term {
        &self.term
    }

    pub fn warn(&self, msg: &str) {
        crate::term::print_warning(&self.term, msg);
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
        let result = read_body(self.reader, body, &source, temp_file);
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
        let (spans, warnings) = parse(self.reader, format, &mut reader, &cached).map_err(|_| ())?;
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
                let (_, warnings) =
                    read_search_body(self.reader, body, &source, &mut |b| set.extend(b))?;
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

/// `http://` to a host other than this machine.
fn plain_http_elsewhere(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    if u.scheme() != "http" {
        return false;
    }
    let Some(host) = u.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => !ip.is_loopback(),
        Err(_) => !host.eq_ignore_ascii_case("localhost"),
    }
}

/// Read a search answer that holds whole traces, streaming its spans to `sink`.
pub fn read_search_body(
    read: ReadFn,
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
        wants: Default::default(),
    };
    let r = read(format, &mut reader, &mut ctx);
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
    read: ReadFn,
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
        wants: Default::default(),
    };
    read(format, reader, &mut ctx)?;
    Ok((spans, warnings))
}

pub(crate) type ReadBody = (Vec<Span>, Vec<InputError>, Format, Option<String>, bool);

/// Read a trace body: spans, warnings, format, Tempo's PARTIAL message, whether the copy to
/// `tee` is complete.
pub(crate) fn read_body(
    read: ReadFn,
    body: Body,
    source: &Arc<str>,
    tee: Option<File>,
) -> Result<ReadBody, BackendError> {
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
    let (spans, warnings) = match parse(read, format, &mut reader, source) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::BackendKind;
    use crate::error::Position;
    use crate::model::SpanId;
    use std::net::TcpListener;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    struct Answer {
        status: u16,
        body: Vec<u8>,
        /// Content-Length to announce, when not the body's (a truncated answer).
        announce: Option<usize>,
        delay_ms: u64,
    }

    fn ok(body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status: 200,
            body: body.into(),
            announce: None,
            delay_ms: 0,
        }
    }

    /// A small HTTP server on loopback answering every GET with `route(path)`.
    fn serve(route: fn(&str) -> Answer) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { break };
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut r = BufReader::new(conn.try_clone().unwrap());
                    let mut first = String::new();
                    let _ = r.read_line(&mut first);
                    loop {
                        let mut h = String::new();
                        if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let a = route(&path);
                    std::thread::sleep(Duration::from_millis(a.delay_ms));
                    let _ = write!(
                        conn,
                        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        a.status,
                        a.announce.unwrap_or(a.body.len())
                    );
                    let _ = conn.write_all(&a.body);
                });
            }
        });
        (url, hits)
    }

    /// A stand-in reader: each line `TRACEHEX SPANHEX` is a span; `BAD` is an error; lines
    /// starting with `{` are skipped.
    fn lines(_f: Format, input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
        let mut batch = Vec::new();
        let mut n = 0u64;
        loop {
            let mut line = String::new();
            let got = input
                .read_line(&mut line)
                .map_err(|e| ctx.error(Some(Position::Line(n + 1)), e.to_string()))?;
            if got == 0 {
                break;
            }
            n += 1;
            let t = line.trim();
            if t.is_empty() || t.starts_with('{') {
                continue;
            }
            let bad = || ctx.error(Some(Position::Line(n)), "expected a span");
            let (a, b) = t.split_once(' ').ok_or_else(bad)?;
            let tid = TraceId::from_hex(a).map_err(|_| bad())?;
            let sid = u64::from_str_radix(b, 16).map_err(|_| bad())?;
            batch.push(Span::new(tid, SpanId(sid)));
        }
        ctx.emit(batch);
        Ok(())
    }

    fn id_of(path: &str) -> &str {
        path.rsplit('/').next().unwrap_or("")
    }

    fn session(url: &str, cache: Option<&Path>) -> Session {
        let mut t = Target::from_url(url, Some(BackendKind::Tempo));
        t.retries = 0;
        t.timeout = Duration::from_secs(5);
        t.cache_dir = cache.map(Path::to_path_buf);
        let mut term = Term::plain();
        term.quiet = true;
        Session::new(t, None, &term).with_reader(lines)
    }

    const ID: TraceId = TraceId(0x0cb0_f836_124d_98d8_06e1_0d0e_a157_5e6a);

    #[test]
    fn plain_http_to_other_hosts_is_noticed() {
        assert!(plain_http_elsewhere("http://tempo.example.com:3200"));
        assert!(plain_http_elsewhere("http://10.0.0.5/tempo"));
        assert!(!plain_http_elsewhere("http://localhost:3200"));
        assert!(!plain_http_elsewhere("http://127.0.0.1:3200"));
        assert!(!plain_http_elsewhere("http://[::1]:3200"));
        assert!(!plain_http_elsewhere("https://tempo.example.com"));
    }

    #[test]
    fn fetched_traces_are_cached_and_reused_without_the_network() {
        let (url, hits) = serve(|p| ok(format!("{} 1\n{} 2\n", id_of(p), id_of(p))));
        let dir = tempfile::tempdir().unwrap();
        let s = session(&url, Some(dir.path()));
        let t = s.fetch_trace(ID, None).unwrap();
        assert_eq!(t.spans.len(), 2);
        assert!(!t.cached);
        assert_eq!(
            &*t.source,
            format!("{url} trace 0cb0f836124d98d806e10d0ea1575e6a")
        );
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        let cache = Cache::for_target(dir.path(), &s.target);
        let (path, format) = cache.lookup(ID).unwrap();
        assert_eq!(format, Format::Tempo);
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            "0cb0f836124d98d806e10d0ea1575e6a 1\n0cb0f836124d98d806e10d0ea1575e6a 2\n"
        );
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(cache.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        let again = session(&url, Some(dir.path()))
            .fetch_trace(ID, None)
            .unwrap();
        assert!(again.cached);
        assert_eq!(again.spans.len(), 2);
        assert_eq!(
            hits.load(Ordering::SeqCst),
            1,
            "no request for a cached trace"
        );
    }

    #[test]
    fn partial_answers_are_read_but_not_cached() {
        let (url, _) = serve(|p| {
            ok(format!(
                "{} 1\n{{\"metrics\":{{}},\"status\": \"PARTIAL\",\"message\":\"1 block failed\"}}\n",
                id_of(p)
            ))
        });
        let dir = tempfile::tempdir().unwrap();
        let s = session(&url, Some(dir.path()));
        assert_eq!(s.fetch_trace(ID, None).unwrap().spans.len(), 1);
        assert!(
            Cache::for_target(dir.path(), &s.target)
                .lookup(ID)
                .is_none()
        );
    }

    #[test]
    fn empty_answers_and_empty_404s_are_not_found() {
        let (url, _) = serve(|p| {
            if p.contains("/api/v2/traces/0000") {
                Answer {
                    status: 404,
                    ..ok("")
                }
            } else {
                ok("")
            }
        });
        let s = session(&url, None);
        let e = s.fetch_trace(ID, None).err().unwrap();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(
            e.message.contains(
                "trace 0cb0f836124d98d806e10d0ea1575e6a not found in tempo at http://127.0.0.1:"
            ),
            "{}",
            e.message
        );
        let e = s.fetch_trace(TraceId(7), None).err().unwrap();
        assert_eq!(e.kind, ErrorKind::NotFound);
    }

    #[test]
    fn a_bad_body_says_where_and_is_not_kept() {
        let (url, _) = serve(|p| ok(format!("{} 1\nBAD\n", id_of(p))));
        let dir = tempfile::tempdir().unwrap();
        let s = session(&url, Some(dir.path()));
        let e = s.fetch_trace(ID, None).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Body);
        assert!(
            e.message
                .starts_with("bad response from GET http://127.0.0.1:"),
            "{}",
            e.message
        );
        assert!(
            e.message.ends_with(
                "/api/v2/traces/0cb0f836124d98d806e10d0ea1575e6a: line 2: expected a span"
            ),
            "{}",
            e.message
        );
        let cache = Cache::for_target(dir.path(), &s.target);
        assert_eq!(
            std::fs::read_dir(cache.dir()).unwrap().count(),
            1,
            "only backend.txt"
        );
    }

    #[test]
    fn a_truncated_body_is_named() {
        let (url, _) = serve(|p| Answer {
            announce: Some(4096),
            ..ok(format!("{} 1\n{} 2", id_of(p), id_of(p)))
        });
        let e = session(&url, None).fetch_trace(ID, None).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Body);
        assert!(e.message.contains("truncated"), "{}", e.message);
    }

    #[test]
    fn many_traces_arrive_in_order_and_bodies_can_be_kept() {
        let (url, hits) = serve(|p| {
            let id = id_of(p);
            let slow = id.ends_with(['0', '2', '4']);
            Answer {
                delay_ms: if slow { 60 } else { 0 },
                ..ok(format!("{id} 1\n"))
            }
        });
        let keep = tempfile::tempdir().unwrap();
        let mut s = session(&url, None);
        s.jobs = 3;
        let ids: Vec<TraceId> = (1..=6u128).map(TraceId).collect();
        let mut got = Vec::new();
        s.fetch_each(&ids, Some(keep.path()), |i, r| {
            let t = r.unwrap();
            let kept = t.kept.as_ref().unwrap();
            assert!(kept.temporary);
            assert_eq!(
                std::fs::read_to_string(&kept.path).unwrap(),
                format!("{} 1\n", hex32(t.id))
            );
            got.push((i, t.id));
        });
        assert_eq!(got, ids.iter().copied().enumerate().collect::<Vec<_>>());
        assert_eq!(hits.load(Ordering::SeqCst), 6);
    }

    #[test]
    fn an_unreachable_backend_stops_the_other_fetches() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = session(&format!("http://127.0.0.1:{port}"), None);
        let ids: Vec<TraceId> = (1..=40u128).map(TraceId).collect();
        let mut errors = Vec::new();
        s.fetch_each(&ids, None, |_, r| errors.push(r.err().unwrap()));
        assert!(
            !errors.is_empty() && errors.len() <= DEFAULT_JOBS,
            "{}",
            errors.len()
        );
        assert!(errors.iter().all(|e| e.kind == ErrorKind::Connect));
        assert!(errors[0].message.starts_with(&format!(
            "cannot reach the backend at http://127.0.0.1:{port}"
        )));
    }
}
