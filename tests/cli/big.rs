//! Big traces: a 200,000-deep parent chain through every command that walks the tree, so that
//! no command recurses on the stack (a recursion would overflow: exit by signal, `code` None).
//! Memory is measured by `tests/bench/memory.sh`, never here. The inputs are generated into a
//! temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::common::{run, tracekit};

const DEPTH: usize = 200_000;
/// Spans per JSON line (one `ResourceSpans` each).
const BATCH: usize = 5_000;

/// OTLP/JSON lines: one trace, span i the parent of span i + 1, each nested in its parent.
/// `variant` renames one operation and drops the deepest span (a small diff).
fn write_chain(path: &Path, depth: usize, variant: bool) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let n = if variant { depth - 1 } else { depth };
    let base: u64 = 1_768_471_200_000_000_000;
    for chunk in (0..n).collect::<Vec<_>>().chunks(BATCH) {
        write!(
            f,
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc-{}"}}}}]}},"scopeSpans":[{{"spans":["#,
            chunk[0] / BATCH % 4
        )
        .unwrap();
        for (k, &i) in chunk.iter().enumerate() {
            let name = if variant && i == depth / 2 {
                "renamed".to_string()
            } else {
                format!("op-{}", i % 50)
            };
            let parent = if i == 0 {
                String::new()
            } else {
                format!(r#","parentSpanId":"{:016x}""#, i)
            };
            write!(
                f,
                r#"{}{{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"{:016x}"{parent},"name":"{name}","kind":2,"startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
                if k > 0 { "," } else { "" },
                i + 1,
                base + i as u64,
                base + 2 * depth as u64 - i as u64,
            )
            .unwrap();
        }
        writeln!(f, "]}}]}}]}}").unwrap();
    }
    f.flush().unwrap();
}

struct Chain {
    dir: tempfile::TempDir,
    path: PathBuf,
}

fn chain() -> Chain {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.otlp.jsonl");
    write_chain(&path, DEPTH, false);
    Chain { dir, path }
}

/// Run on the chain; require exit 0 or 1 (findings) and some output.
fn runs_to_the_end(c: &Chain, args: &[&str]) {
    let o = tracekit().args(args).arg(&c.path).output().unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "tracekit {args:?} on a {DEPTH}-deep chain: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!o.stdout.is_empty(), "tracekit {args:?}: no output");
}

#[test]
fn deep_chain_show() {
    let c = chain();
    runs_to_the_end(&c, &["show", "--color", "never"]);
    runs_to_the_end(&c, &["show", "--format", "json"]);
}

#[test]
fn deep_chain_html_and_chrome_export() {
    let c = chain();
    runs_to_the_end(&c, &["export", "--to", "html", "-o", "-"]);
    runs_to_the_end(&c, &["export", "--to", "chrome", "-o", "-"]);
}

#[test]
fn deep_chain_conversions() {
    let c = chain();
    for to in ["jaeger", "zipkin", "otlp-json"] {
        runs_to_the_end(&c, &["export", "--to", to, "-o", "-"]);
    }
}

#[test]
fn deep_chain_analyses() {
    let c = chain();
    for cmd in ["critical-path", "check", "lint", "stats"] {
        runs_to_the_end(&c, &[cmd, "--color", "never"]);
    }
}

#[test]
fn deep_chain_diff() {
    let c = chain();
    let cand = c.dir.path().join("cand.otlp.jsonl");
    write_chain(&cand, DEPTH, true);
    let r = run([
        "diff".as_ref(),
        c.path.as_os_str(),
        cand.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.describe());
    // The renamed operation: paths through it are added, the old ones removed.
    assert!(r.stdout.contains("renamed"), "{}", r.describe());
}
