//! The CI story end to end: the interop services (real OpenTelemetry Python SDK) run twice, once
//! healthy and once with a slowed dependency (inventory sleeps 150 ms) and a missing attribute
//! (checkout stops setting `app.order.channel`). `gate` passes on the first run and fails on the
//! second naming both problems; `diff` between the runs names the slowed call path as the cause
//! and nothing else beyond tolerance.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{repo_dir, run};
use crate::tools::{Found, Tool};

const POLICY: &str = r#"
[selectors.orders]
service = "checkout"
operation = "POST /orders"
kind = "server"

[selectors.stock]
service = "inventory"
kind = "server"

[selectors.entry]
root = true

[[coverage]]
name = "every trace reaches checkout"
selector = "orders"
min_traces = "100%"

[[attributes]]
name = "orders carry the sales channel"
selector = "orders"
required = ["app.order.channel"]
min_share = "100%"

[[budgets]]
name = "inventory stock lookup"
selector = "stock"
assert = ["p50(duration) < 100ms"]

[[services]]
required = ["frontend", "checkout", "payment", "inventory"]
"#;

fn services(python: &Path, out: &Path, faults: &[&str]) {
    let status = Command::new(python)
        .arg(repo_dir().join("tests/interop/services.py"))
        .arg(out)
        .args(["--requests", "6", "--timeout", "120"])
        .args(faults)
        .env_clear()
        .env("HOME", out)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .status()
        .expect("python runs");
    assert!(status.success(), "services.py failed with {faults:?}");
}

pub fn gate_and_diff_catch_a_slowed_dependency_and_a_missing_attribute(tools: &Found) {
    let py = tools.path(Tool::OtelPython);
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = (dir.path().join("good"), dir.path().join("bad"));
    services(py, &good, &[]);
    services(
        py,
        &bad,
        &["--slow-inventory-ms", "150", "--without-channel"],
    );
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, POLICY).unwrap();
    let (good_otlp, bad_otlp) = (good.join("otlp"), bad.join("otlp"));

    // Healthy run: every assertion passes, exit 0.
    let r = run([
        "gate",
        good_otlp.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["passed"], true);

    // Faulty run: exit 1, exactly the attribute and the budget assertions fail.
    let junit = dir.path().join("gate.xml");
    let r = run([
        "gate",
        bad_otlp.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "json",
        "--report",
        &format!("junit={}", junit.display()),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let failed: Vec<&str> = doc["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["passed"] == false)
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        vec![
            "orders carry the sales channel",
            "inventory stock lookup: p50(duration) < 100ms"
        ],
        "{}",
        r.stdout
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(
        xml.matches("<testcase ").count(),
        doc["assertions"].as_array().unwrap().len()
    );
    assert_eq!(xml.matches("<failure").count(), 2, "{xml}");

    // diff: the inventory call is the slowed call path; its ancestors are slower because of it;
    // nothing else is beyond tolerance (P50, 50% and 20 ms: loopback noise stays well below).
    let r = run([
        "diff",
        good_otlp.to_str().unwrap(),
        bad_otlp.to_str().unwrap(),
        "--percentiles",
        "50",
        "--tolerance",
        "50%",
        "--tolerance-abs",
        "20ms",
        "--fail-on-regression",
        "--format",
        "json",
    ]);
    assert_eq!(
        r.code,
        Some(1),
        "a regression beyond tolerance exits 1\n{}",
        r.describe()
    );
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let slower: Vec<(String, bool)> = doc["paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["change"] == "slower")
        .map(|p| {
            let last = p["path"].as_array().unwrap().last().unwrap();
            (
                format!(
                    "{} {}",
                    last["service"].as_str().unwrap(),
                    last["operation"].as_str().unwrap()
                ),
                p["explained_by_child"] == true,
            )
        })
        .collect();
    let causes: Vec<&String> = slower
        .iter()
        .filter(|(_, explained)| !explained)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(causes, vec!["inventory GET /stock/<sku>"], "{slower:?}");
    // The rest of what is slower are ancestors of that call, explained by it.
    for (name, explained) in &slower {
        assert!(
            *explained || name == "inventory GET /stock/<sku>",
            "{name} is slower on its own"
        );
    }
    assert_eq!(doc["summary"]["added"], 0);
    assert_eq!(doc["summary"]["removed"], 0);
    assert_eq!(doc["summary"]["faster"], 0, "{}", r.stdout);
}
