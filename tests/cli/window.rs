//! The trace window (`src/model/window.rs`): `check` and `skew` hold a window of recent traces
//! instead of the whole input, and give the same bytes whatever the window, also when the input
//! does not keep the spans of a trace together (a tiny window then lets traces go and reopens
//! them). `TRACEKIT_TRACE_WINDOW_SPANS` is the window's hidden size knob.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::Builder::new()
            .prefix("tracekit-window")
            .tempdir()
            .unwrap())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `synth` traces with skew, lost spans, duplicate ids and missing roots, written as JSON lines
/// of one resource each (a trace spread over several lines), in a shuffled order when
/// `shuffle`: traces interleave across the whole file.
fn input(d: &Dir, name: &str, shuffle: bool) -> PathBuf {
    let raw = d.path(&format!("{name}.raw.jsonl"));
    let r = run([
        "synth",
        "--seed",
        "4",
        "-n",
        "40",
        "--skew",
        "payment=+25ms",
        "--skew",
        "catalog=-3ms",
        "--drop-rate",
        "0.05",
        "--duplicate-ids",
        "0.05",
        "--missing-root-rate",
        "0.1",
        "-o",
        s(&raw),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let mut lines: Vec<String> = Vec::new();
    for line in std::fs::read_to_string(&raw).unwrap().lines() {
        let doc: Value = serde_json::from_str(line).unwrap();
        for rs in doc["resourceSpans"].as_array().unwrap() {
            lines.push(json!({ "resourceSpans": [rs] }).to_string());
        }
    }
    assert!(lines.len() > 100, "{} lines", lines.len());
    if shuffle {
        // Fisher-Yates with a fixed xorshift: the same order on every run.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in (1..lines.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            lines.swap(i, (x % (i as u64 + 1)) as usize);
        }
    }
    let path = d.path(&format!("{name}.jsonl"));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Run with the window at `window` spans (`None`: the default).
fn run_window(args: &[&str], window: Option<&str>) -> Run {
    let mut cmd = tracekit();
    if let Some(w) = window {
        cmd.env("TRACEKIT_TRACE_WINDOW_SPANS", w);
    }
    let out = cmd.args(args).output().expect("the tracekit binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Windows from one span (every trace let go after each line) to more than the input.
const WINDOWS: &[&str] = &["1", "3", "40", "1000000"];

fn same_for_every_window(args: &[&str]) -> Run {
    let want = run_window(args, None);
    assert!(
        matches!(want.code, Some(0 | 1)),
        "{args:?}\n{}",
        want.describe()
    );
    assert!(want.stdout.len() > 100, "{args:?}\n{}", want.describe());
    for w in WINDOWS {
        let got = run_window(args, Some(w));
        assert_eq!(
            got.code,
            want.code,
            "window {w}, {args:?}\n{}",
            got.describe()
        );
        assert!(
            got.stdout == want.stdout,
            "window {w}, {args:?}: stdout differs\n{}\n--- default window ---\n{}",
            got.describe(),
            want.describe()
        );
        assert_eq!(got.stderr, want.stderr, "window {w}, {args:?}");
    }
    want
}

#[test]
fn check_json_is_the_same_for_every_window() {
    let d = Dir::new();
    for shuffle in [false, true] {
        let f = input(&d, if shuffle { "shuffled" } else { "ordered" }, shuffle);
        let want = same_for_every_window(&["check", "--format", "json", s(&f)]);
        let doc: Value = serde_json::from_str(&want.stdout).unwrap();
        assert_eq!(doc["summary"]["traces"], 40, "{doc}");
        same_for_every_window(&["check", "--format", "json", "--skew-by", "host", s(&f)]);
    }
}

#[test]
fn skew_json_is_the_same_for_every_window() {
    let d = Dir::new();
    for shuffle in [false, true] {
        let f = input(&d, if shuffle { "shuffled" } else { "ordered" }, shuffle);
        for method in ["pairwise", "jaeger", "zipkin"] {
            for by in ["service", "host"] {
                let want = same_for_every_window(&[
                    "skew",
                    "--format",
                    "json",
                    "--method",
                    method,
                    "--by",
                    by,
                    s(&f),
                ]);
                let doc: Value = serde_json::from_str(&want.stdout).unwrap();
                assert!(
                    doc["pairs"].as_array().is_some_and(|p| !p.is_empty()),
                    "{doc}"
                );
            }
        }
    }
}

#[test]
fn skew_adjust_writes_the_same_traces_for_every_window() {
    let d = Dir::new();
    let f = input(&d, "shuffled", true);
    for method in ["pairwise", "jaeger"] {
        let out = d.path(&format!("adjusted-{method}.jsonl"));
        let args = [
            "skew",
            "--format",
            "json",
            "--method",
            method,
            "--adjust",
            "-o",
            s(&out),
            s(&f),
        ];
        let want_run = run_window(&args, None);
        assert!(
            matches!(want_run.code, Some(0 | 1)),
            "{}",
            want_run.describe()
        );
        let want = std::fs::read(&out).unwrap();
        assert!(want.len() > 1000);
        for w in WINDOWS {
            let got_run = run_window(&args, Some(w));
            assert_eq!(
                got_run.code,
                want_run.code,
                "window {w}\n{}",
                got_run.describe()
            );
            assert!(
                got_run.stdout == want_run.stdout,
                "window {w}: report differs"
            );
            assert_eq!(got_run.stderr, want_run.stderr, "window {w}");
            assert!(
                std::fs::read(&out).unwrap() == want,
                "window {w}: adjusted traces differ"
            );
        }
    }
}

/// The spill file is created only once more than its buffer (1 MiB) has been let go: a small
/// input needs no temporary directory; a big one that needs it and has none is exit 5.
#[test]
fn a_temporary_directory_is_needed_only_by_big_inputs() {
    let d = Dir::new();
    let small = input(&d, "small", false);
    let missing = d.path("no-such-dir");
    for args in [
        vec!["check", "--format", "json", s(&small)],
        vec!["skew", "--format", "json", s(&small)],
    ] {
        let out = tracekit()
            .env("TMPDIR", &missing)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let big = d.path("big.jsonl");
    let r = run(["synth", "--seed", "2", "-n", "2000", "-o", s(&big)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(std::fs::metadata(&big).unwrap().len() > 32 << 20);
    let out = tracekit()
        .env("TMPDIR", &missing)
        .env("TRACEKIT_TRACE_WINDOW_SPANS", "1")
        .args(["check", "--format", "json", s(&big)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("temporary file"), "{stderr}");
}
