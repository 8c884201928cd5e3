//! Big files are memory-mapped and parsed in place (`src/input/mapped.rs`); small files,
//! gzip and `TRACEKIT_NO_MMAP=1` are read. Both ways must print exactly the same.

use std::path::Path;

use super::common::tracekit;

/// stdout and exit code of a run, with maps allowed or not.
fn run(args: &[&str], no_mmap: bool) -> (Option<i32>, String, String) {
    let mut cmd = tracekit();
    if no_mmap {
        cmd.env("TRACEKIT_NO_MMAP", "1");
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn same_both_ways(args: &[&str]) -> String {
    let mapped = run(args, false);
    let read = run(args, true);
    assert_eq!(mapped, read, "{args:?}");
    assert!(matches!(mapped.0, Some(0 | 1)), "{args:?}: {mapped:?}");
    mapped.1
}

fn synth(dir: &Path, to: &str, name: &str) -> String {
    let path = dir.join(name);
    let p = path.to_str().unwrap().to_string();
    let (code, _, err) = run(
        &[
            "synth",
            "-n",
            "300",
            "--error-rate",
            "0.1",
            "--to",
            to,
            "-o",
            &p,
        ],
        false,
    );
    assert_eq!(code, Some(0), "{err}");
    // Big enough to be mapped (src/input/mapped.rs MIN_MAP_BYTES is 4 MiB).
    assert!(std::fs::metadata(&path).unwrap().len() > 4 << 20);
    p
}

#[test]
fn mapped_and_read_files_give_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    for (to, name) in [
        ("otlp-jsonl", "t.jsonl"),
        ("otlp-json", "t.json"),
        ("jaeger", "t.jaeger.json"),
    ] {
        let file = synth(dir.path(), to, name);
        let stats = same_both_ways(&["stats", &file, "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&stats).unwrap();
        assert!(doc["groups"].as_array().is_some_and(|g| !g.is_empty()));
        same_both_ways(&["check", &file, "--format", "json"]);
        same_both_ways(&["lint", &file, "--format", "json"]);
    }
}

#[test]
fn a_mapped_file_that_starts_with_a_blank_megabyte_is_still_detected() {
    let dir = tempfile::tempdir().unwrap();
    let src = synth(dir.path(), "otlp-jsonl", "t.jsonl");
    let padded = dir.path().join("padded.jsonl");
    let mut bytes = vec![b'\n'; 2 << 20];
    bytes.extend(std::fs::read(&src).unwrap());
    std::fs::write(&padded, bytes).unwrap();
    let padded = padded.to_str().unwrap();
    let out = same_both_ways(&["stats", padded, "--format", "json"]);
    let plain = same_both_ways(&["stats", &src, "--format", "json"]);
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v.as_object_mut().unwrap().remove("sources");
        v
    };
    assert_eq!(strip(&out), strip(&plain));
}
