//! Exports opened by their real consumers:
//!
//! * the HTML export in a real browser (headless Chromium): the page draws one row per span with
//!   the critical path marked and the findings listed, and makes no network request;
//! * the Mermaid export rendered by mermaid-cli;
//! * the Chrome trace-event export loaded by speedscope.

use std::process::Command;

use crate::common::{repo_dir, run};
use crate::tools::{Found, Tool};

pub fn html_export_renders_in_headless_chromium_without_network(tools: &Found) {
    let browser = tools.path(Tool::Chromium);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("trace.html");
    let fixture = repo_dir().join("fixtures/checkout.otlp.json");
    let r = run([
        "export",
        fixture.to_str().unwrap(),
        "--to",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    // What the page itself says (its CSP, no external resources) is checked without a browser
    // in `tests/cli/html.rs`; here the browser shows what it does.

    let netlog = dir.path().join("net.json");
    let profile = dir.path().join("profile");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    // The bundled example has 26 spans; the script drew a row and a bar for each.
    assert_eq!(
        dom.matches("class=\"row").count(),
        26,
        "rows in the rendered DOM"
    );
    assert_eq!(dom.matches("class=\"bar").count(), 26);
    assert!(
        dom.matches("class=\"bar crit\"").count() > 0,
        "the critical path is marked"
    );
    assert!(dom.contains("POST /checkout") && dom.contains("payment"));
    // Requests the page made would carry its (opaque, file://) origin as initiator; the
    // browser's own background requests carry none.
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let from_page: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let p = e.get("params")?;
            let url = p.get("url")?.as_str()?;
            let initiator = p
                .get("initiator")
                .and_then(|i| i.as_str())
                .unwrap_or("not an origin");
            (initiator != "not an origin" && !url.starts_with("file:")).then(|| url.to_string())
        })
        .collect();
    assert!(
        from_page.is_empty(),
        "the page made network requests: {from_page:?}"
    );
}

/// The Mermaid export rendered by the real Mermaid library (`@mermaid-js/mermaid-cli`, driving
/// Debian's chromium): every span becomes a task, even with `:`, `#` and `;` in its name.
pub fn mermaid_export_renders_with_mermaid_cli(tools: &Found) {
    let (mmdc, browser) = (tools.path(Tool::MermaidCli), tools.path(Tool::Chromium));
    let dir = tempfile::tempdir().unwrap();
    // The bundled example, with one span renamed to carry Mermaid's separators.
    let text = std::fs::read_to_string(repo_dir().join("fixtures/checkout.otlp.json"))
        .unwrap()
        .replace(
            "\"name\":\"validate-cart\"",
            "\"name\":\"validate: cart #1; retry\"",
        );
    assert!(text.contains("validate: cart"));
    let input = dir.path().join("t.json");
    std::fs::write(&input, text).unwrap();
    let mmd = dir.path().join("t.mmd");
    let r = run([
        "export",
        input.to_str().unwrap(),
        "--to",
        "mermaid",
        "-o",
        mmd.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let config = dir.path().join("puppeteer.json");
    std::fs::write(
        &config,
        serde_json::json!({"executablePath": browser, "args": ["--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]})
        .to_string(),
    )
    .unwrap();
    let svg = dir.path().join("t.svg");
    let out = Command::new(mmdc)
        .arg("-i")
        .arg(&mmd)
        .arg("-o")
        .arg(&svg)
        .arg("-p")
        .arg(&config)
        .env("HOME", dir.path())
        .output()
        .expect("mmdc runs");
    assert!(
        out.status.success(),
        "mermaid-cli failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(
        svg.matches("class=\"taskText").count(),
        26,
        "one task per span"
    );
    assert!(
        svg.contains("validate∶ cart ♯1, retry"),
        "the renamed span is drawn, escaped"
    );
}

/// The Chrome trace-event export loaded by a real consumer: speedscope's Chrome-trace importer
/// (npm `speedscope`, its built app run in headless Chromium). Every (process, thread) track
/// with slices must become one speedscope profile, and the critical-path track's total must be
/// the trace's critical path.
pub fn chrome_export_loads_in_speedscope(tools: &Found) {
    let (app, browser) = (tools.path(Tool::Speedscope), tools.path(Tool::Chromium));
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("trace.json");
    let fixture = repo_dir().join("fixtures/checkout.otlp.json");
    let r = run([
        "export",
        fixture.to_str().unwrap(),
        "--to",
        "chrome",
        "-o",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let bytes = std::fs::read(&json_path).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // Tracks with complete slices, and the critical path's total, from our own document.
    let mut tracks = std::collections::BTreeSet::new();
    let mut critical_us = 0.0;
    for e in doc["traceEvents"].as_array().unwrap() {
        if e["ph"] == "X" {
            tracks.insert((e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap()));
            if e["cat"] == "critical" {
                critical_us += e["dur"].as_f64().unwrap();
            }
        }
    }
    // What speedscope's command-line wrapper does: a script that hands it the file in base64.
    let loader = dir.path().join("profile.js");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    std::fs::write(
        &loader,
        format!("speedscope.loadFileFromBase64(\"trace.json\", {:?})", b64),
    )
    .unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!(
            "file://{}/index.html#localProfilePath={}",
            app.display(),
            loader.display()
        ))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let text = dom
        .split('<')
        .map(|x| x.split_once('>').map(|y| y.1).unwrap_or(x))
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The profile switcher says "(1/N)": one profile per track.
    let n = format!("(1/{})", tracks.len());
    assert!(
        text.contains(&n),
        "speedscope should show {} profiles: {text}",
        tracks.len()
    );
    // Its total for the critical-path track is the critical path (36.61ms for this trace).
    let ms = format!("{:.2}ms", critical_us / 1000.0);
    assert!(
        text.contains(&format!("critical path (tid 1) {ms}")),
        "critical path {ms} in: {text}"
    );
}
