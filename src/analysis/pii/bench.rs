//! Benchmarks and probes (ignored by default): the lint pass on generated spans, the scanner
//! per kind of value, and a probe over key/value pairs extracted from real files.
//!
//! `cargo test --release --lib pii::bench -- --ignored --nocapture`

use std::sync::Arc;

use super::config::LintConfig;
use super::driver::LintEngine;
use super::lint_tests::span;
use crate::model::{KeyValue, Resource, Span, Value};

/// `cargo test --release --lib lint_scan_throughput -- --ignored --nocapture`
#[test]
#[ignore = "benchmark"]
fn lint_scan_throughput() {
    let n = 400_000u64;
    let resource = Arc::new(Resource {
        attributes: vec![KeyValue::new("service.name", Value::from("api"))],
        ..Resource::default()
    });
    let spans: Vec<Span> = (0..n)
        .map(|i| {
            let mut s = span(
                u128::from(i / 20),
                i + 1,
                "api",
                if i % 3 == 0 {
                    "GET /users/{id}"
                } else {
                    "SELECT orders"
                },
                vec![
                    ("http.request.method", Value::from("GET")),
                    ("http.route", Value::from("/users/{id}")),
                    (
                        "url.full",
                        Value::from(format!("https://api.acme.net/users/{i}?page=2")),
                    ),
                    ("http.response.status_code", Value::Int(200)),
                    (
                        "user_agent.original",
                        Value::from("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/126.0"),
                    ),
                    (
                        "db.statement",
                        Value::from("SELECT id, total FROM orders WHERE user_id = $1"),
                    ),
                    ("net.peer.name", Value::from("orders-db.internal")),
                    ("user.id", Value::Int(i as i64)),
                    (
                        "enduser.email",
                        Value::from(if i % 100 == 0 {
                            "jane.doe@acme-corp.com"
                        } else {
                            ""
                        }),
                    ),
                    (
                        "request.id",
                        Value::from(format!("{:032x}", u128::from(i) * 0x9e37_79b9)),
                    ),
                ],
            );
            s.resource = resource.clone();
            s
        })
        .collect();
    let bytes: usize = spans
        .iter()
        .flat_map(|s| s.attributes.iter())
        .map(|kv| kv.key.len() + kv.value.to_string().len())
        .sum();
    // What these spans take as OTLP/JSON lines (compact, hex ids): measured by writing one span
    // per shape by hand; about 270 bytes of span fields plus, per attribute, the key, the value
    // and 35-38 bytes of `{"key":…,"value":{"stringValue":…}}`.
    let json_bytes: usize = spans
        .iter()
        .map(|s| {
            270 + s.name.len()
                + s.attributes
                    .iter()
                    .map(|kv| {
                        kv.key.len()
                            + kv.value.to_string().len()
                            + if matches!(kv.value, Value::Int(_)) {
                                35
                            } else {
                                38
                            }
                    })
                    .sum::<usize>()
        })
        .sum();
    let pii_off = LintConfig::parse("disable = [\"pii/*\"]", "bench").unwrap();
    for (label, cfg, batch) in [
        ("full, 1000-span batches", LintConfig::default(), 1000),
        ("full, 1000-span batches", LintConfig::default(), 1000),
        ("cardinality only", pii_off, 1000),
    ] {
        let t = std::time::Instant::now();
        let engine = LintEngine::new(cfg, 100);
        let mut st = engine.state();
        for chunk in spans.chunks(batch) {
            engine.add_batch(&mut st, chunk);
        }
        let r = engine.finish(st);
        let secs = t.elapsed().as_secs_f64();
        println!(
            "lint scan ({label}): {n} spans (10 attributes each, {:.1} MB of keys+values, ~{:.0} MB as OTLP JSON) in {secs:.3}s = {:.0} spans/s, {:.0} MB/s of attribute text, ~{:.0} MB/s of OTLP JSON equivalent, {} findings, {} threads",
            bytes as f64 / 1e6,
            json_bytes as f64 / 1e6,
            n as f64 / secs,
            bytes as f64 / 1e6 / secs,
            json_bytes as f64 / 1e6 / secs,
            r.findings.len(),
            rayon::current_num_threads()
        );
    }
}

/// Per-value cost of the scanner by kind of value (single thread).
#[test]
#[ignore = "benchmark"]
fn scan_cost_per_value() {
    let engine = LintEngine::new(LintConfig::default(), 100);
    let sc = &engine.scanner;
    let cases: &[(&str, &str)] = &[
        ("http.request.method", "GET"),
        ("http.route", "/users/{id}"),
        ("url.full", "https://api.acme.net/users/123456?page=2"),
        (
            "user_agent.original",
            "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/126.0",
        ),
        (
            "db.statement",
            "SELECT id, total FROM orders WHERE user_id = $1",
        ),
        ("net.peer.name", "orders-db.internal"),
        ("request.id", "4bf92f3577b34da6a3ce929d0e0e4736"),
        (
            "exception.message",
            "connection reset by peer while reading response from upstream",
        ),
        ("enduser.email", "jane.doe@acme-corp.com"),
    ];
    let mut hits = Vec::new();
    for (k, v) in cases {
        let info = sc.key_info(k);
        let n = 200_000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            sc.scan_str(&info, std::hint::black_box(v), &mut hits);
        }
        let ns = t.elapsed().as_nanos() as f64 / f64::from(n);
        println!("{k:<22} {:>4} bytes {ns:>7.0} ns/value", v.len());
    }
}

/// Probe: scan key/value pairs from a TSV (`KEY\tVALUE`) and print what is found (masked).
/// `LINT_PROBE=/tmp/kv.tsv cargo test --lib probe_tsv -- --ignored --nocapture`
#[test]
#[ignore = "probe"]
fn probe_tsv() {
    let Ok(path) = std::env::var("LINT_PROBE") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let engine = LintEngine::new(LintConfig::default(), 100);
    let mut seen = std::collections::BTreeSet::new();
    let mut hits = Vec::new();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('\t') else {
            continue;
        };
        let info = if k == "(name)" {
            engine.scanner.text_info()
        } else {
            engine.scanner.key_info(k)
        };
        engine.scanner.scan_str(&info, v, &mut hits);
        for h in &hits {
            if let super::RuleKey::Builtin(r) = h.rule {
                seen.insert(format!("{} {k} {}", r.id(), h.masked));
            }
        }
        let (t, _) = crate::analysis::cardinality::normalize_name(v);
        if k == "(name)" && t != v {
            seen.insert(format!("name-template {t}"));
        }
    }
    for s in seen {
        println!("{s}");
    }
}
