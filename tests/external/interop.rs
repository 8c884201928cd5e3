//! Interop with a real producer: `tests/interop/services.py` runs four Flask services instrumented
//! with the pinned OpenTelemetry Python SDK, each its own process, calling each other over
//! loopback HTTP with W3C context propagation, exporting every span both as OTLP JSON lines
//! (file exporter) and as Zipkin v2 JSON (to a sink the script runs). tracekit must read both
//! into the tree the script's docstring draws.
//!
//! The Python interpreter is [`Tool::OtelPython`]: `TRACEKIT_PYTHON`, else `<repo>/.venv/bin/python`
//! (`python3 -m venv .venv && .venv/bin/pip install -r tests/interop/requirements-otel.txt`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use crate::tools::{Found, Tool};

const REQUESTS: usize = 4;

/// Run the producer script, bounded in time; panics with its stderr on failure.
fn run_services(python: &Path, out: &Path) {
    let script = repo_dir().join("tests/interop/services.py");
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .arg(out)
        .args(["--requests", &REQUESTS.to_string(), "--timeout", "90"])
        .env_clear()
        .env("HOME", out)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tests/interop/services.py did not finish in 150 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "tests/interop/services.py failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (service, kind, operation, status) of a span.
type Sig = (String, String, String, String);

fn sig(s: &ShowSpan) -> Sig {
    (
        s.service.clone(),
        s.kind.clone(),
        s.operation.clone(),
        s.status.clone(),
    )
}

fn owned(x: SigRef) -> Sig {
    (
        x.0.to_string(),
        x.1.to_string(),
        x.2.to_string(),
        x.3.to_string(),
    )
}

/// (service, kind, operation, status) as written in `EXPECTED`.
type SigRef = (&'static str, &'static str, &'static str, &'static str);

/// The tree of one request (see tests/interop/services.py): each span with its parent and depth.
#[rustfmt::skip]
const EXPECTED: &[(SigRef, Option<SigRef>, u64)] = &[
    (("frontend", "server", "GET /checkout", "unset"), None, 0),
    (("frontend", "client", "POST", "unset"), Some(("frontend", "server", "GET /checkout", "unset")), 1),
    (("frontend", "client", "GET", "unset"), Some(("frontend", "server", "GET /checkout", "unset")), 1),
    (("checkout", "server", "POST /orders", "unset"), Some(("frontend", "client", "POST", "unset")), 2),
    (("checkout", "internal", "validate-cart", "unset"), Some(("checkout", "server", "POST /orders", "unset")), 3),
    (("checkout", "client", "POST", "unset"), Some(("checkout", "server", "POST /orders", "unset")), 3),
    // The call answered with HTTP 500: the client span is an error too.
    (("checkout", "client", "POST", "error"), Some(("checkout", "server", "POST /orders", "unset")), 3),
    (("payment", "server", "POST /charge", "unset"), Some(("checkout", "client", "POST", "unset")), 4),
    (("payment", "server", "POST /fraud-check", "error"), Some(("checkout", "client", "POST", "error")), 4),
    (("inventory", "server", "GET /stock/<sku>", "unset"), Some(("frontend", "client", "GET", "unset")), 2),
];

fn check_tree(doc: &ShowDoc, what: &str) {
    assert_eq!(
        doc.spans.len(),
        EXPECTED.len(),
        "{what}: span count\n{doc:#?}"
    );
    let by_id: BTreeMap<&str, &ShowSpan> =
        doc.spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    assert_eq!(by_id.len(), doc.spans.len(), "{what}: span ids repeat");
    let roots: Vec<&ShowSpan> = doc.spans.iter().filter(|s| s.depth == 0).collect();
    assert_eq!(roots.len(), 1, "{what}: one root\n{doc:#?}");
    let root = roots[0];
    assert_eq!(
        sig(root),
        owned(EXPECTED[0].0),
        "{what}: the root is the frontend SERVER span"
    );
    assert_eq!(
        (root.parent_span_id.as_deref(), root.depth),
        (None, 0),
        "{what}: root"
    );
    let mut got: Vec<(Sig, Option<Sig>, u64)> = doc
        .spans
        .iter()
        .map(|s| {
            let parent = s.parent_span_id.as_deref().map(|p| {
                let ps = by_id
                    .get(p)
                    .unwrap_or_else(|| panic!("{what}: parent {p} of {} is missing", s.span_id));
                sig(ps)
            });
            (sig(s), parent, s.depth)
        })
        .collect();
    let mut want: Vec<(Sig, Option<Sig>, u64)> = EXPECTED
        .iter()
        .map(|(s, p, d)| (owned(*s), p.map(owned), *d))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{what}: tree");
}

pub fn real_otel_services_give_the_expected_trees(tools: &Found) {
    let python = tools.path(Tool::OtelPython);
    let dir = tempfile::tempdir().unwrap();
    run_services(python, dir.path());

    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run.json")).unwrap())
            .expect("run.json is JSON");
    let ids: Vec<String> = run["trace_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), REQUESTS);
    assert_eq!(run["spans_per_trace"].as_u64(), Some(EXPECTED.len() as u64));

    let otlp_dir = dir.path().join("otlp").to_string_lossy().into_owned();
    let zipkin_file = dir
        .path()
        .join("zipkin.json")
        .to_string_lossy()
        .into_owned();

    // Through the library: one trace per request, in both outputs.
    for (what, src) in [
        ("OTLP JSON files", &otlp_dir),
        ("Zipkin JSON", &zipkin_file),
    ] {
        let loaded = load_clean(std::slice::from_ref(src));
        let mut got: Vec<String> = loaded
            .traces
            .traces()
            .iter()
            .map(|t| t.trace_id.to_string())
            .collect();
        let mut want = ids.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{what}: one trace per request");
        assert_eq!(
            loaded.traces.span_count(),
            REQUESTS * EXPECTED.len(),
            "{what}: spans"
        );
        if what.starts_with("OTLP") {
            // Four files, one per service process.
            assert_eq!(loaded.report.inputs.len(), 4, "{:?}", loaded.report.inputs);
            // The exception of /fraud-check is an event of its server span.
            for t in loaded.traces.traces() {
                let s = t
                    .spans
                    .iter()
                    .find(|s| &*s.name == "POST /fraud-check")
                    .unwrap();
                assert!(
                    s.events.iter().any(|e| &*e.name == "exception"),
                    "no exception event: {:?}",
                    s.events
                );
            }
        }
    }

    // Through the binary: the tree, and the same tree from both outputs.
    for id in &ids {
        let a = show_json(&[&otlp_dir], id);
        let b = show_json(&[&zipkin_file], id);
        assert_eq!(&a.trace_id, id);
        check_tree(&a, &format!("OTLP JSON, trace {id}"));
        let mut same = Failures::default();
        assert_eq!(a.spans.len(), b.spans.len());
        for x in &a.spans {
            let Some(y) = b.spans.iter().find(|y| y.span_id == x.span_id) else {
                same.push(format!("span {} missing from the Zipkin output", x.span_id));
                continue;
            };
            let zipkin_kind = if x.kind == "internal" {
                "unspecified"
            } else {
                x.kind.as_str()
            };
            same.check(
                (
                    &x.parent_span_id,
                    &x.service,
                    &x.operation,
                    &x.status,
                    x.depth,
                ) == (
                    &y.parent_span_id,
                    &y.service,
                    &y.operation,
                    &y.status,
                    y.depth,
                ) && (y.kind == x.kind || y.kind == zipkin_kind)
                    && x.start_ns.abs_diff(y.start_ns) < 1000
                    && x.duration_ns.abs_diff(y.duration_ns) < 1000,
                || format!("OTLP {x:?}\nvs Zipkin {y:?}"),
            );
        }
        same.finish(&format!("trace {id}: OTLP JSON vs Zipkin"));
    }
}
