//! Shared helpers: the real binary in a scrubbed environment, the sample folder, loading through
//! the library, and the `show --format json` document.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};
use tracekit::input::load::{LoadOptions, Loaded, load};
use tracekit::model::{Span, Trace, TraceId};

/// How long any one run of the binary may take before the test fails (a hang is a bug).
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// `tests/data` beside the repository.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// A sample's path (relative to the sample folder) as the string the CLI and `load` take.
pub fn sample(rel: &str) -> String {
    let p = samples_dir().join(rel);
    assert!(p.is_file(), "sample {} is missing", p.display());
    p.to_string_lossy().into_owned()
}

pub fn repo_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A HOME (and working directory) of our own, so that no user or repository configuration
/// (`$XDG_CONFIG_HOME/tracekit/config.toml`, `./tracekit.toml`) changes what the binary does.
fn home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("tracekit-test-home")
            .tempdir()
            .unwrap()
    })
    .path()
}

/// The real `tracekit` binary with a scrubbed environment: only PATH is kept, HOME is a fresh
/// temporary directory, and NO_COLOR, COLUMNS, TERM, CLICOLOR_FORCE, TRACEKIT_* are unset.
/// Stdin is empty unless the test writes to it.
pub fn tracekit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("tracekit"));
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home());
    cmd.current_dir(home());
    cmd.timeout(RUN_TIMEOUT);
    cmd
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    /// `None` when the process was killed by a signal (a crash) or the timeout.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The `tracekit: error: …` lines of stderr.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("tracekit: error:"))
            .collect()
    }

    pub fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            clip(&self.stdout),
            clip(&self.stderr)
        )
    }
}

fn clip(s: &str) -> String {
    if s.len() <= 4000 {
        return s.to_string();
    }
    let mut end = 4000;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

fn from_output(out: Output) -> Run {
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run the binary with these arguments.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = tracekit()
        .args(args)
        .output()
        .expect("the tracekit binary runs");
    from_output(out)
}

/// Run and require exit 0; return stdout parsed as JSON.
pub fn run_json<I, S>(args: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let r = run(args);
    assert_eq!(r.code, Some(0), "expected success\n{}", r.describe());
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", r.describe()))
}

/// One span of `show --format json` (SPEC "JSON output").
#[derive(Clone, Debug, PartialEq)]
pub struct ShowSpan {
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub service: String,
    pub operation: String,
    pub kind: String,
    pub start_ns: u64,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub status: String,
    pub depth: u64,
    pub shared: bool,
}

#[derive(Clone, Debug)]
pub struct ShowDoc {
    pub trace_id: String,
    pub spans: Vec<ShowSpan>,
}

fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key)
        .unwrap_or_else(|| panic!("show JSON span has no {key:?}: {v}"))
}

fn str_field(v: &Value, key: &str) -> String {
    field(v, key)
        .as_str()
        .unwrap_or_else(|| panic!("{key:?} is not a string: {v}"))
        .to_string()
}

fn u64_field(v: &Value, key: &str) -> u64 {
    field(v, key)
        .as_u64()
        .unwrap_or_else(|| panic!("{key:?} is not an unsigned integer: {v}"))
}

/// Check the document's shape and pull out the spans.
pub fn parse_show(doc: &Value) -> ShowDoc {
    assert_eq!(doc["schema"], "tracekit.show/v1", "schema field: {doc}");
    let trace_id = doc["trace_id"]
        .as_str()
        .expect("trace_id is a string")
        .to_string();
    assert!(
        is_hex(&trace_id, 32),
        "trace_id must be 32 lowercase hex digits: {trace_id}"
    );
    let spans = doc["spans"]
        .as_array()
        .expect("spans is a list")
        .iter()
        .map(|s| {
            let span_id = str_field(s, "span_id");
            assert!(
                is_hex(&span_id, 16),
                "span_id must be 16 lowercase hex digits: {span_id}"
            );
            let parent_span_id = match field(s, "parent_span_id") {
                Value::Null => None,
                Value::String(p) => {
                    assert!(
                        is_hex(p, 16),
                        "parent_span_id must be 16 lowercase hex digits: {p}"
                    );
                    Some(p.clone())
                }
                other => panic!("parent_span_id must be a string or null: {other}"),
            };
            let status = str_field(s, "status");
            assert!(
                ["ok", "error", "unset"].contains(&status.as_str()),
                "status {status:?}"
            );
            ShowSpan {
                span_id,
                parent_span_id,
                service: str_field(s, "service"),
                operation: str_field(s, "operation"),
                kind: str_field(s, "kind"),
                start_ns: u64_field(s, "start_ns"),
                duration_ns: u64_field(s, "duration_ns"),
                self_ns: u64_field(s, "self_ns"),
                status,
                depth: u64_field(s, "depth"),
                shared: s.get("shared").and_then(Value::as_bool).unwrap_or(false),
            }
        })
        .collect();
    ShowDoc { trace_id, spans }
}

/// `tracekit show SOURCES… --trace ID --format json`, required to succeed.
pub fn show_json(sources: &[&str], trace: &str) -> ShowDoc {
    let mut args: Vec<&str> = vec!["show"];
    args.extend_from_slice(sources);
    args.extend_from_slice(&["--trace", trace, "--format", "json"]);
    parse_show(&run_json(args))
}

pub fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Load through the library, as the commands do.
pub fn load_paths(paths: &[String]) -> Loaded {
    load(paths, &LoadOptions::default())
}

/// Load and require that nothing went wrong.
pub fn load_clean(paths: &[String]) -> Loaded {
    let loaded = load_paths(paths);
    assert!(
        loaded.report.errors.is_empty(),
        "reading {paths:?} failed: {}",
        loaded
            .report
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    loaded
}

pub fn trace_id(hex: &str) -> TraceId {
    TraceId::from_hex(hex).unwrap_or_else(|e| panic!("bad trace id {hex}: {e}"))
}

/// The one trace with this id, required to be there.
pub fn get_trace<'a>(loaded: &'a Loaded, id: &str) -> &'a Trace {
    loaded.traces.get(trace_id(id)).unwrap_or_else(|| {
        let have: Vec<String> = loaded
            .traces
            .traces()
            .iter()
            .map(|t| t.trace_id.to_string())
            .collect();
        panic!("trace {id} not found; have {have:?}")
    })
}

/// Spans of a trace with this id (several when the id repeats).
pub fn spans_with_id<'a>(trace: &'a Trace, span_id: &str) -> Vec<&'a Span> {
    trace
        .spans
        .iter()
        .filter(|s| s.span_id.to_string() == span_id)
        .collect()
}

/// Collects failures so that one test can report every bad case at once.
#[derive(Default)]
pub struct Failures(Vec<String>);

impl Failures {
    pub fn check(&mut self, ok: bool, msg: impl FnOnce() -> String) {
        if !ok {
            self.0.push(msg());
        }
    }

    pub fn push(&mut self, msg: String) {
        self.0.push(msg);
    }

    pub fn finish(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} failure(s):\n\n{}",
            self.0.len(),
            self.0.join("\n\n")
        );
    }
}

/// The input of the CI-report tests (`tests/cli/check.rs`, and the SARIF validator's in
/// `tests/external/check.rs`): two traces with the
/// same problem (a client call on `front` without its server), an orphan whose operation holds a
/// newline, and a span that dropped an event (a note).
pub fn ci_input_document() -> String {
    const BASE: u64 = 1_768_471_200_000_000_000;
    const MS: u64 = 1_000_000;
    let span =
        |trace: &str, id: String, parent: Option<String>, name: &str, kind: u8, ms: [u64; 2]| {
            let mut s = json!({
                "traceId": trace,
                "spanId": id,
                "name": name,
                "kind": kind,
                "startTimeUnixNano": (BASE + ms[0] * MS).to_string(),
                "endTimeUnixNano": (BASE + ms[1] * MS).to_string(),
            });
            if let Some(p) = parent {
                s["parentSpanId"] = json!(p);
            }
            s
        };
    let mut spans = Vec::new();
    for (t, base) in [
        ("0af7651916cd43dd8448eb211c80319c", 0xa0u64),
        ("4bf92f3577b34da6a3ce929d0e0e4736", 0xb0u64),
    ] {
        let id = |k: u64| format!("{:016x}", base + k);
        spans.push(("front", span(t, id(0), None, "GET /", 2, [0, 100])));
        spans.push((
            "front",
            span(t, id(1), Some(id(0)), "call pay", 3, [10, 50]),
        ));
    }
    let mut orphan = span(
        "0af7651916cd43dd8448eb211c80319c",
        "00000000000000c1".into(),
        Some("00000000000000ff".into()),
        "lost\nline",
        1,
        [10, 20],
    );
    orphan["droppedEventsCount"] = json!(1);
    spans.push(("back", orphan));
    let resource_spans: Vec<Value> = spans
        .into_iter()
        .map(|(svc, s)| {
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc}}]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": [s]}],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans }).to_string()
}
