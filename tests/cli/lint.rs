//! `lint` through the real binary on a hand-made OTLP file: PII findings with masked values only
//! (the raw values appear nowhere in the output), cardinality, exit codes, redaction config.

use super::common::run;

const EMAIL: &str = "jane.roe@gmail.com";
const CARD: &str = "4111111111111111";

fn span(i: u32, name: &str, attrs: &str) -> String {
    format!(
        r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{:016x}",{}"name":"{name}","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000","attributes":[{attrs}]}}"#,
        i + 1,
        if i == 0 {
            String::new()
        } else {
            r#""parentSpanId":"0000000000000001","#.to_string()
        }
    )
}

fn doc(spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"shop"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

#[test]
fn pii_is_found_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let mut spans = vec![
        span(
            0,
            "GET /checkout",
            &format!(r#"{{"key":"user.email","value":{{"stringValue":"{EMAIL}"}}}}"#),
        ),
        span(
            1,
            "charge",
            &format!(r#"{{"key":"payment.note","value":{{"stringValue":"card {CARD} ok"}}}}"#),
        ),
        // Near misses: a Luhn-invalid 16-digit number, a 19-digit timestamp, a trace-like hex id.
        span(
            2,
            "noise",
            r#"{"key":"order.ref","value":{"stringValue":"4111111111111112"}},{"key":"t","value":{"stringValue":"1700000000000000000"}},{"key":"trace.ref","value":{"stringValue":"0af7651916cd43dd8448eb211c80319c"}}"#,
        ),
    ];
    // High cardinality: 150 distinct user ids in span names.
    for i in 3..153 {
        spans.push(span(i, &format!("GET /users/{}", 1000 + i), ""));
    }
    let path = dir.path().join("pii.json");
    std::fs::write(&path, doc(&spans)).unwrap();
    let cfg = dir.path().join("redaction.yaml");
    let r = run([
        "lint",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--emit-redaction-config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1), "errors fail by default\n{}", r.describe());
    let all = format!(
        "{}{}{}",
        r.stdout,
        r.stderr,
        std::fs::read_to_string(&cfg).unwrap()
    );
    assert!(!all.contains(EMAIL), "the raw email leaked");
    assert!(!all.contains(CARD), "the raw card number leaked");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "tracekit.lint/v1");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"pii/email"), "{rules:?}");
    assert!(rules.contains(&"pii/credit-card"), "{rules:?}");
    assert!(rules.contains(&"cardinality/span-name"), "{rules:?}");
    // Exactly one card: the Luhn-invalid number and the timestamp are not cards.
    assert_eq!(
        rules.iter().filter(|r| **r == "pii/credit-card").count(),
        1,
        "{rules:?}"
    );
    let text = r.stdout;
    assert!(
        text.contains("/users/{id}"),
        "the normalised span name is suggested"
    );
    // --fail-on never reports and exits 0.
    let r = run(["lint", path.to_str().unwrap(), "--fail-on", "never"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
}
