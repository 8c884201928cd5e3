//! The HTML export's page as written, without a browser: it forbids every fetch and loads no
//! external resource. (`tests/external/html.rs` opens it in headless Chromium.)

use super::common::{repo_dir, run};

#[test]
fn html_export_is_self_contained() {
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
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("default-src 'none'"),
        "the page forbids every fetch"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external resources"
    );
}
