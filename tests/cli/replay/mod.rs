//! A tracing backend for the tests: a real HTTP/1.1 server on 127.0.0.1 inside the test binary
//! (one thread per connection, keep-alive, TLS with rustls) that replays the answers recorded
//! from real backends and injects faults on demand. The binary under test talks to it over
//! loopback like to any backend.
//!
//! Recordings: each folder holds an `index.json`, a list of `{"request": "/path?query",
//! "accept": null | "type", "status": N, "content_type": "type" | null, "file":
//! "relative/path"}` (the format of `tests/data/generated/backend-responses/index.json`). Later
//! folders win over earlier ones.
//!
//! Matching: the path must be equal; recorded query parameters that the request also has must
//! have the same value (parameters only one side has are ignored); the entry with the most equal
//! parameters wins. An entry recorded with an Accept header matches only requests that accept
//! that type; an entry recorded without one does not answer a request for
//! `application/protobuf`. Anything else is answered like Go's mux does: 404
//! `404 page not found`. Only GET is served (anything else is 501).
//!
//! Faults: a path starting with `/__fault/SPEC/` is answered for the rest of the path after
//! applying SPEC, a comma-separated list of the items of [`fault::Fault`] (`delay=SECONDS`,
//! `fail=N` with `status=CODE` and `retry_after=VALUE`, `always=CODE`, `truncate`, `html`,
//! `bearer=TOKEN`, `tenant=ORG`, `drip=SECONDS`, `stall=SECONDS`, `redirect=PORT`, `echo`,
//! `gzip_bomb=MIB`).
//!
//! Every request is logged before it is answered ([`Replay::requests`]). The server stops when
//! the [`Replay`] is dropped: the port is closed, open connections are shut, a `delay` is cut
//! short, and every thread is joined.

mod fault;
mod tests;
mod wire;

use std::collections::HashMap;
use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;

use fault::Fault;
use wire::{Answer, BadRequest, Conn, Delivery, Request};

/// The replay server; stopped when dropped.
pub struct Replay {
    addr: SocketAddr,
    scheme: &'static str,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Logged {
    /// The request target as sent (fault prefix and query included).
    pub raw: String,
    /// The path the answer was looked up for (fault prefix removed, no query).
    pub path: String,
    headers: Vec<(String, String)>,
}

impl Logged {
    /// The first value of a request header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        wire::header(&self.headers, name)
    }
}

impl Replay {
    /// Plain HTTP, with the recordings of `tests/data/generated/backend-responses` and then
    /// those of `extra`.
    pub fn start(extra: &[&Path]) -> Replay {
        Replay::start_with(extra, None)
    }

    /// As [`Replay::start`]; with `tls` (certificate chain and key, PEM files) it speaks HTTPS.
    pub fn start_with(extra: &[&Path], tls: Option<(&Path, &Path)>) -> Replay {
        let recorded =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/generated/backend-responses");
        let mut dirs = vec![recorded.as_path()];
        dirs.extend_from_slice(extra);
        let state = Arc::new(State {
            entries: load(&dirs),
            tls: tls.map(|(cert, key)| Arc::new(tls_config(cert, key))),
            log: Mutex::new(Vec::new()),
            counters: Mutex::new(HashMap::new()),
            stopping: Mutex::new(false),
            stopped: Condvar::new(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::clone(&state);
        let acceptor = std::thread::Builder::new()
            .name(format!("replay:{}", addr.port()))
            .spawn(move || accept_loop(listener, &shared))
            .unwrap();
        Replay {
            addr,
            scheme: if tls.is_some() { "https" } else { "http" },
            state,
            acceptor: Some(acceptor),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT` (or https).
    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme, self.port())
    }

    /// The base URL of a fault spec: `URL/__fault/SPEC`.
    pub fn fault(&self, spec: &str) -> String {
        format!("{}/__fault/{spec}", self.url())
    }

    /// Every request so far, in the order they came.
    pub fn requests(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }

    /// Requests whose path (fault prefix removed) ends with `suffix`.
    pub fn count(&self, suffix: &str) -> usize {
        let log = self.state.log.lock().unwrap();
        log.iter().filter(|r| r.path.ends_with(suffix)).count()
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        *self.state.stopping.lock().unwrap() = true;
        self.state.stopped.notify_all();
        // Wake the acceptor blocked in accept(); it sees the flag and stops.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// What the connection threads share.
struct State {
    entries: Vec<Entry>,
    tls: Option<Arc<rustls::ServerConfig>>,
    log: Mutex<Vec<Logged>>,
    /// Requests seen per fault spec (for `fail=N`).
    counters: Mutex<HashMap<String, u32>>,
    stopping: Mutex<bool>,
    stopped: Condvar,
}

impl State {
    fn is_stopping(&self) -> bool {
        *self.stopping.lock().unwrap()
    }

    /// Sleep, cut short when the server stops.
    fn sleep(&self, d: Duration) {
        let guard = self.stopping.lock().unwrap();
        let _ = self
            .stopped
            .wait_timeout_while(guard, d, |stopping| !*stopping);
    }

    /// Count a request under `key`; the count before it.
    fn bump(&self, key: &str) -> u32 {
        let mut counters = self.counters.lock().unwrap();
        let n = counters.entry(key.to_string()).or_insert(0);
        *n += 1;
        *n - 1
    }

    /// The answer to a GET.
    fn answer(&self, req: &Request) -> Answer {
        let target = req.target.split('#').next().unwrap_or("");
        let (full_path, query) = target.split_once('?').unwrap_or((target, ""));
        let (spec, path) = match full_path.strip_prefix("/__fault/") {
            Some(rest) => {
                let (spec, tail) = rest.split_once('/').unwrap_or((rest, ""));
                (spec, format!("/{tail}"))
            }
            None => ("", full_path.to_string()),
        };
        self.log.lock().unwrap().push(Logged {
            raw: req.target.clone(),
            path: path.clone(),
            headers: req.headers.clone(),
        });
        let faults = match Fault::parse(spec) {
            Ok(f) => f,
            Err(e) => return Answer::text(400, &format!("replay: {e}\n")),
        };
        if let Some(a) = faults.iter().find_map(|f| f.answer(req, spec, self)) {
            return a;
        }
        let Some(entry) = self.find(&path, &parse_query(query), req.header("accept")) else {
            return Answer::text(404, "404 page not found\n");
        };
        let body = match std::fs::read(&entry.file) {
            Ok(b) => b,
            Err(e) => {
                let msg = format!("replay: cannot read {}: {e}\n", entry.file.display());
                return Answer::text(500, &msg);
            }
        };
        let mut answer = Answer {
            status: entry.status,
            content_type: entry.content_type.clone(),
            headers: Vec::new(),
            body,
            delivery: Delivery::Whole,
        };
        for f in &faults {
            f.shape(&mut answer);
        }
        answer
    }

    /// The recording that answers a request (see the module's documentation).
    fn find(
        &self,
        path: &str,
        params: &[(String, String)],
        accept: Option<&str>,
    ) -> Option<&Entry> {
        let accept = accept.unwrap_or("");
        let wants_protobuf = accept.contains("application/protobuf");
        // A parameter given twice counts with its first value.
        let mut request: HashMap<&str, &str> = HashMap::new();
        for (k, v) in params {
            request.entry(k).or_insert(v);
        }
        let mut best: Option<(usize, &Entry)> = None;
        for e in &self.entries {
            if e.path != path {
                continue;
            }
            match &e.accept {
                Some(a) if !accept.contains(a.as_str()) => continue,
                None if wants_protobuf => continue,
                _ => {}
            }
            if e.params
                .iter()
                .any(|(k, v)| request.get(k.as_str()).is_some_and(|r| r != v))
            {
                continue;
            }
            let equal = e
                .params
                .iter()
                .filter(|(k, v)| request.get(k.as_str()) == Some(&v.as_str()))
                .count();
            let score = 2 * equal + usize::from(e.accept.is_some());
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, e));
            }
        }
        best.map(|(_, e)| e)
    }
}

/// One recorded answer.
struct Entry {
    path: String,
    /// The recorded query parameters (a parameter given twice counts with its last value).
    params: HashMap<String, String>,
    /// The Accept type it was recorded for (never empty).
    accept: Option<String>,
    status: u16,
    content_type: Option<String>,
    file: PathBuf,
}

/// The recordings of `dirs`, the ones that win first (the last folder's, last entry first).
fn load(dirs: &[&Path]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for dir in dirs {
        let index = dir.join("index.json");
        let text = std::fs::read(&index)
            .unwrap_or_else(|e| panic!("replay: cannot read {}: {e}", index.display()));
        let list: Vec<Value> = serde_json::from_slice(&text)
            .unwrap_or_else(|e| panic!("replay: {} is not a JSON list: {e}", index.display()));
        for e in list {
            let field = |k: &str| e[k].as_str().map(str::to_string);
            let request = field("request").unwrap_or_else(|| {
                panic!("replay: an entry of {} has no request", index.display())
            });
            let (path, query) = request.split_once('?').unwrap_or((&request, ""));
            entries.push(Entry {
                path: path.to_string(),
                params: parse_query(query).into_iter().collect(),
                accept: field("accept").filter(|a| !a.is_empty()),
                status: e["status"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or_else(|| {
                        panic!("replay: an entry of {} has no status", index.display())
                    }),
                content_type: field("content_type"),
                file: dir.join(field("file").unwrap_or_else(|| {
                    panic!("replay: an entry of {} has no file", index.display())
                })),
            });
        }
    }
    entries.reverse();
    entries
}

/// `a=1&b=x+y&c` → (a, 1), (b, "x y"), (c, ""): form decoding, in order, repeats kept.
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// `+` is a space, `%XY` a byte (left as is when not two hex digits); invalid UTF-8 is replaced.
fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if hex(i + 1).is_some() && hex(i + 2).is_some() => {
                out.push((hex(i + 1).unwrap() * 16 + hex(i + 2).unwrap()) as u8);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A rustls server configuration (the *ring* provider) for a PEM certificate chain and key.
fn tls_config(cert: &Path, key: &Path) -> rustls::ServerConfig {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&std::fs::read(cert).unwrap())
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("replay: {}: {e:?}", cert.display()));
    assert!(
        !chain.is_empty(),
        "replay: no certificate in {}",
        cert.display()
    );
    let key = PrivateKeyDer::from_pem_slice(&std::fs::read(key).unwrap())
        .unwrap_or_else(|e| panic!("replay: {}: {e:?}", key.display()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// Accept connections until the server stops, then shut the open ones and join their threads.
fn accept_loop(listener: TcpListener, state: &Arc<State>) {
    let mut open: Vec<(TcpStream, JoinHandle<()>)> = Vec::new();
    for stream in listener.incoming() {
        if state.is_stopping() {
            break;
        }
        let Ok(stream) = stream else { continue };
        open.retain(|(_, thread)| !thread.is_finished());
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        let shared = Arc::clone(state);
        let spawned = std::thread::Builder::new()
            .name("replay-conn".into())
            .spawn(move || serve(stream, &shared));
        if let Ok(thread) = spawned {
            open.push((handle, thread));
        }
    }
    drop(listener);
    for (stream, thread) in open {
        let _ = stream.shutdown(Shutdown::Both);
        let _ = thread.join();
    }
}

/// Serve one connection's requests until either side closes it.
fn serve(stream: TcpStream, state: &State) {
    let _ = stream.set_nodelay(true);
    let conn = match &state.tls {
        Some(config) => match rustls::ServerConnection::new(Arc::clone(config)) {
            Ok(tls) => Conn::Tls(Box::new(rustls::StreamOwned::new(tls, stream))),
            Err(_) => return,
        },
        None => Conn::Plain(stream),
    };
    let mut conn = BufReader::new(conn);
    loop {
        let req = match wire::read_request(&mut conn) {
            Ok(Some(req)) => req,
            Ok(None) => break,
            Err(e) => {
                if let Some(bad) = e.get_ref().and_then(|e| e.downcast_ref::<BadRequest>()) {
                    let answer = Answer::text(400, &format!("replay: {bad}\n"));
                    let _ = wire::write_answer(conn.get_mut(), &answer, false);
                }
                break;
            }
        };
        let answer = if req.method == "GET" {
            state.answer(&req)
        } else {
            Answer::text(501, "unsupported method\n")
        };
        let written = wire::write_answer(conn.get_mut(), &answer, req.keep_alive());
        if let Delivery::Stall(d) = answer.delivery {
            state.sleep(d);
        }
        match written {
            Ok(true) if !state.is_stopping() => {}
            _ => break,
        }
    }
    conn.get_mut().close();
}
