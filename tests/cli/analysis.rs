//! The bundled example through the real binary: `show` snapshots at 80 and 200 columns with and
//! without color, and `stats` / `critical-path` numbers checked against values this test
//! computes itself from the raw JSON (sorted lists and the nearest-rank formula).

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::{repo_dir, run, run_json};

fn fixture(name: &str) -> String {
    repo_dir().join("fixtures").join(name).display().to_string()
}

fn show(width: &str, color: &str) -> String {
    let r = run([
        "show",
        &fixture("checkout.otlp.json"),
        "--width",
        width,
        "--color",
        color,
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    // Make escape sequences visible in the snapshot.
    r.stdout.replace('\x1b', "␛")
}

#[test]
fn show_bundled_example_80_plain() {
    insta::assert_snapshot!(show("80", "never"));
}

#[test]
fn show_bundled_example_80_color() {
    insta::assert_snapshot!(show("80", "always"));
}

#[test]
fn show_bundled_example_200_plain() {
    insta::assert_snapshot!(show("200", "never"));
}

#[test]
fn show_bundled_example_200_color() {
    insta::assert_snapshot!(show("200", "always"));
}

#[test]
fn show_lines_fit_the_width() {
    for w in [80usize, 200] {
        let out = show(&w.to_string(), "never");
        for line in out.lines() {
            assert!(unicode_width(line) <= w, "{w}: {line:?}");
        }
    }
}

fn unicode_width(s: &str) -> usize {
    // Box drawing and block elements are one column each; the example has no wide characters.
    s.chars().count()
}

/// Root spans of the OTLP JSON lines fixture, read with serde_json directly: (service, name,
/// duration).
fn roots_from_raw() -> Vec<(String, String, u64)> {
    let bytes = std::fs::read(repo_dir().join("fixtures/shop.otlp.jsonl.gz")).unwrap();
    let mut text = String::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    let mut roots = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let doc: Value = serde_json::from_str(line).unwrap();
        for rs in doc["resourceSpans"].as_array().unwrap() {
            let svc = rs["resource"]["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|kv| kv["key"] == "service.name")
                .map(|kv| kv["value"]["stringValue"].as_str().unwrap().to_string())
                .unwrap();
            for ss in rs["scopeSpans"].as_array().unwrap() {
                for s in ss["spans"].as_array().unwrap() {
                    if s.get("parentSpanId")
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                    {
                        let n = |k: &str| s[k].as_str().unwrap().parse::<u64>().unwrap();
                        roots.push((
                            svc.clone(),
                            s["name"].as_str().unwrap().to_string(),
                            n("endTimeUnixNano") - n("startTimeUnixNano"),
                        ));
                    }
                }
            }
        }
    }
    roots
}

fn nearest_rank(sorted: &[u64], q: f64) -> u64 {
    let rank = ((q / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank - 1]
}

#[test]
fn stats_root_percentiles_match_nearest_rank() {
    let mut groups: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    for (svc, op, d) in roots_from_raw() {
        groups.entry((svc, op)).or_default().push(d);
    }
    let doc = run_json([
        "stats",
        &fixture("shop.otlp.jsonl.gz"),
        "--group-by",
        "root",
        "--format",
        "json",
    ]);
    assert_eq!(doc["schema"], "tracekit.stats/v1");
    assert_eq!(doc["group_by"], "root");
    let got = doc["groups"].as_array().unwrap();
    assert_eq!(got.len(), groups.len());
    for g in got {
        let key = (
            g["service"].as_str().unwrap().to_string(),
            g["operation"].as_str().unwrap().to_string(),
        );
        let mut v = groups[&key].clone();
        v.sort_unstable();
        assert_eq!(g["count"].as_u64().unwrap(), v.len() as u64, "{key:?}");
        for (field, q) in [
            ("p50_ns", 50.0),
            ("p90_ns", 90.0),
            ("p95_ns", 95.0),
            ("p99_ns", 99.0),
        ] {
            assert_eq!(
                g[field].as_u64().unwrap(),
                nearest_rank(&v, q),
                "{key:?} {field}"
            );
        }
        assert_eq!(g["max_ns"].as_u64().unwrap(), *v.last().unwrap(), "{key:?}");
    }
}

#[test]
fn critical_path_sections_tile_each_root() {
    let doc = run_json([
        "critical-path",
        &fixture("shop.otlp.jsonl.gz"),
        "--format",
        "json",
    ]);
    assert_eq!(doc["schema"], "tracekit.critical-path/v1");
    let traces = doc["traces"].as_array().unwrap();
    assert!(traces.len() >= 40);
    for t in traces {
        let sections = t["sections"].as_array().unwrap();
        let total: u64 = sections
            .iter()
            .map(|s| s["end_ns"].as_u64().unwrap() - s["start_ns"].as_u64().unwrap())
            .sum();
        assert_eq!(total, t["duration_ns"].as_u64().unwrap());
        for w in sections.windows(2) {
            assert_eq!(
                w[0]["end_ns"], w[1]["start_ns"],
                "gap or overlap in {}",
                t["trace_id"]
            );
        }
    }
    // The aggregate's shares add up to one and its totals to the sum of the paths.
    let agg = run_json([
        "cp",
        "--aggregate",
        &fixture("shop.otlp.jsonl.gz"),
        "--format",
        "json",
    ]);
    let rows = agg["aggregate"].as_array().unwrap();
    let share: f64 = rows.iter().map(|r| r["share"].as_f64().unwrap()).sum();
    assert!((share - 1.0).abs() < 1e-9, "{share}");
    let sum: u64 = rows.iter().map(|r| r["total_ns"].as_u64().unwrap()).sum();
    let paths: u64 = traces
        .iter()
        .map(|t| t["duration_ns"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, paths);
}

/// The bundled examples are read together (`tracekit show fixtures/`), so no two of them may share
/// a trace id: every (trace id, span id) pair is counted straight from the files, and `check` over
/// the whole folder must report no duplicate span id.
#[test]
fn bundled_examples_have_distinct_ids() {
    let mut seen: BTreeMap<(String, String), &str> = BTreeMap::new();
    for name in ["checkout.otlp.json", "leaky.otlp.json"] {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap();
        for rs in doc["resourceSpans"].as_array().unwrap() {
            for ss in rs["scopeSpans"].as_array().unwrap() {
                for span in ss["spans"].as_array().unwrap() {
                    let key = (
                        span["traceId"].as_str().unwrap().to_string(),
                        span["spanId"].as_str().unwrap().to_string(),
                    );
                    if let Some(other) = seen.insert(key.clone(), name) {
                        panic!("{key:?} is in both {other} and {name}");
                    }
                }
            }
        }
    }
    assert_eq!(seen.len(), 52, "26 spans in each example");
    let report = run_json([
        "check",
        &repo_dir().join("fixtures").display().to_string(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let duplicates: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "completeness/duplicate-span-id")
        .collect();
    assert!(duplicates.is_empty(), "{duplicates:?}");
}
