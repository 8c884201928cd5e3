//! Looking up one trace (`--trace` on JSON lines: lines that do not mention it are not parsed)
//! gives the same output as reading everything; gzip input (inflated on its own thread) gives
//! the same spans as the plain file.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::tracekit;

fn synth(args: &[&str]) -> String {
    let out = tracekit().arg("synth").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every span object of a TracesData-like value (OTLP or Tempo lines).
fn spans_mut(v: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        if v.get("traceId").is_some() && v.get("spanId").is_some() {
            out.push(v);
            continue;
        }
        match v {
            Value::Object(m) => stack.extend(m.values_mut()),
            Value::Array(a) => stack.extend(a.iter_mut()),
            _ => {}
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// JSON lines holding several traces each, with ids in hex, uppercase hex, base64 (Tempo), as
/// 64-bit ids (16 digits, or zero-padded to 32), as byte lists, and a line naming a trace only
/// in an attribute. Returns the text and the trace ids (as `--trace` takes them).
fn mixed_lines() -> (String, Vec<String>) {
    let mut lines: Vec<Value> = synth(&["-n", "24", "--spans", "6", "--seed", "7"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut tempo: Vec<Value> = synth(&["-n", "6", "--spans", "5", "--seed", "8", "--to", "tempo"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut ids = Vec::new();
    for (k, line) in lines.iter_mut().enumerate() {
        for span in spans_mut(line) {
            let id = span["traceId"].as_str().unwrap().to_string();
            let short = format!("{:0>16}", &id[16..]);
            let spelled = match k % 6 {
                1 => Value::from(id.to_ascii_uppercase()),
                2 => Value::from(short.clone()),
                3 => Value::from(format!("{short:0>32}")),
                4 => Value::from(hex_bytes(&id)),
                5 => Value::from(base64(&hex_bytes(&id))),
                _ => Value::from(id.clone()),
            };
            span["traceId"] = spelled;
            let named = if matches!(k % 6, 2 | 3) { short } else { id };
            if !ids.contains(&named) {
                ids.push(named);
            }
        }
    }
    for line in &mut tempo {
        for span in spans_mut(line) {
            let id = span["traceId"].as_str().unwrap();
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(id)
                .unwrap();
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            if !ids.contains(&hex) {
                ids.push(hex);
            }
        }
    }
    // Three traces to a line (OTLP), two to a line (Tempo).
    let mut text = String::new();
    for group in lines.chunks(3) {
        let mut all = Vec::new();
        for l in group {
            all.extend(l["resourceSpans"].as_array().unwrap().iter().cloned());
        }
        text.push_str(&serde_json::json!({ "resourceSpans": all }).to_string());
        text.push('\n');
    }
    for group in tempo.chunks(2) {
        let mut all = Vec::new();
        for l in group {
            all.extend(l["batches"].as_array().unwrap().iter().cloned());
        }
        text.push_str(&serde_json::json!({ "batches": all }).to_string());
        text.push('\n');
    }
    // A line whose spans are of another trace, naming the first one in an attribute.
    let mut decoy: Value = serde_json::from_str(
        synth(&["-n", "1", "--spans", "3", "--seed", "99"])
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    for span in spans_mut(&mut decoy) {
        span["attributes"] = serde_json::json!([
            {"key": "mentions", "value": {"stringValue": format!("see {}", ids[0])}}
        ]);
    }
    text.push_str(&decoy.to_string());
    text.push('\n');
    (text, ids)
}

fn output(args: &[&str], prefilter: bool) -> std::process::Output {
    let mut cmd = tracekit();
    if !prefilter {
        cmd.env("TRACEKIT_NO_PREFILTER", "1");
    }
    cmd.args(args).output().unwrap()
}

#[test]
fn looking_up_a_trace_gives_the_same_output_with_and_without_the_prefilter() {
    let dir = tempfile::tempdir().unwrap();
    let (text, ids) = mixed_lines();
    let path = dir.path().join("mixed.jsonl");
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    // Every trace, a prefix of some, and an id that is not there.
    let mut wanted: Vec<String> = ids.clone();
    wanted.extend(ids.iter().step_by(5).map(|id| id[..10].to_string()));
    wanted.push("0123456789abcdef0123456789abcdef".into());
    let mut found = 0;
    for id in &wanted {
        for args in [
            vec!["show", file, "--trace", id, "-f", "json"],
            vec!["show", file, "--trace", id, "--width", "120"],
            vec!["export", file, "--trace", id, "--to", "otlp-json"],
            vec!["export", file, "--trace", id, "--to", "csv"],
            vec!["critical-path", file, "--trace", id, "-f", "json"],
        ] {
            let with = output(&args, true);
            let without = output(&args, false);
            let why = format!(
                "{args:?}\n--- with ---\n{}\n--- without ---\n{}",
                String::from_utf8_lossy(&with.stderr),
                String::from_utf8_lossy(&without.stderr)
            );
            assert_eq!(with.status.code(), without.status.code(), "{why}");
            assert!(with.stdout == without.stdout, "stdout differs: {why}");
            if with.status.success() {
                found += 1;
                assert_eq!(with.stderr, without.stderr, "{why}");
            }
        }
    }
    assert!(found >= 5 * ids.len(), "{found} lookups succeeded");
}

#[test]
fn bad_lines_that_do_not_mention_the_trace_are_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = synth(&["-n", "4", "--spans", "4"]);
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let id = first["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"]
        .as_str()
        .unwrap()
        .to_string();
    let last_line = text.lines().last().unwrap();
    let last: Value = serde_json::from_str(last_line).unwrap();
    let other = last["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = format!("{text}{{\"resourceSpans\": oops\n{{\"traceId\":\"{id}\" oops\n");
    let path = dir.path().join("bad.jsonl");
    std::fs::write(&path, &bad).unwrap();
    let file = path.to_str().unwrap();
    // The bad line naming the trace is still reported, with its line number; the other one is
    // not looked at.
    let with = output(&["show", file, "--trace", &id, "-f", "json"], true);
    let stderr = String::from_utf8_lossy(&with.stderr);
    assert_eq!(with.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(":6:"), "{stderr}");
    assert!(!stderr.contains(":5:"), "{stderr}");
    let without = output(&["show", file, "--trace", &id, "-f", "json"], false);
    let all = String::from_utf8_lossy(&without.stderr);
    assert!(all.contains(":5:") && all.contains(":6:"), "{all}");
    assert_eq!(with.stdout, without.stdout);
    // A trace that no bad line names: no problem, exit 0.
    let clean = output(&["show", file, "--trace", &other, "-f", "json"], true);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    // A file cut off in its last line is still reported, whatever the trace.
    let cut = &text[..text.len() - 20];
    std::fs::write(&path, cut).unwrap();
    let r = output(&["show", file, "--trace", &id, "-f", "json"], true);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_input_gives_the_same_spans_as_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = synth(&["-n", "300", "--spans", "20"]);
    let plain = dir.path().join("t.jsonl");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("t.jsonl.gz");
    std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
    // Several members, split in the middle of a line.
    let cut = text.len() / 3;
    let mut members = gzip(&text.as_bytes()[..cut]);
    members.extend(gzip(&text.as_bytes()[cut..2 * cut]));
    members.extend(gzip(&text.as_bytes()[2 * cut..]));
    let multi = dir.path().join("multi.jsonl.gz");
    std::fs::write(&multi, members).unwrap();
    for args in [
        vec!["export", "--to", "otlp-json"],
        vec!["stats", "-f", "json"],
    ] {
        let run = |file: &std::path::Path| {
            let out = tracekit()
                .args(&args)
                .arg(file)
                .output()
                .expect("tracekit runs");
            assert!(
                out.status.success(),
                "{args:?} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let want = run(&plain);
        // The file name differs in `stats`' inputs: compare without it.
        let strip = |b: Vec<u8>| String::from_utf8(b).unwrap().replace(".gz", "");
        let want = strip(want);
        assert!(strip(run(&gz)) == want, "{args:?}: gzip differs");
        assert!(
            strip(run(&multi)).replace("multi", "t") == want,
            "{args:?}: multi-member gzip differs"
        );
    }
}

#[test]
fn a_closed_stdout_ends_a_gzip_read_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let text = synth(&["-n", "2000", "--spans", "20"]);
    let gz = dir.path().join("big.jsonl.gz");
    std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("tracekit"))
        .args(["export", "--to", "otlp-jsonl"])
        .arg(&gz)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 16];
    out.read_exact(&mut buf).unwrap();
    drop(out);
    let t0 = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if t0.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the run did not end after its stdout was closed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}
