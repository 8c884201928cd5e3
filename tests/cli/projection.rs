//! Commands read only the span parts they use (`stats` never builds attributes, events or
//! links): a value of the wrong type in a part a command does not read is that command's
//! business only when it reads it.

use serde_json::Value;

use crate::common::run;

/// Two spans of one trace; the second has `attributes` of the wrong type (a number).
const INPUT: &str = concat!(
    r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"#,
    r#""scopeSpans":[{"spans":["#,
    r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"GET /a","#,
    r#""startTimeUnixNano":"1000","endTimeUnixNano":"5000","#,
    r#""attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}}]},"#,
    r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","#,
    r#""parentSpanId":"b7ad6b7169203331","name":"SELECT","#,
    r#""startTimeUnixNano":"2000","endTimeUnixNano":"3000","attributes":5}"#,
    "]}]}]}\n"
);

fn count(doc: &Value) -> u64 {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum()
}

#[test]
fn a_bad_value_costs_a_span_only_for_the_commands_that_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.jsonl");
    std::fs::write(&file, INPUT).unwrap();
    let file = file.to_str().unwrap();

    // show reads attributes: the second span is skipped with a warning naming the path.
    let r = run(["show", file, "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(
        r.stderr.contains("spans[1]") && r.stderr.contains("attributes"),
        "{}",
        r.describe()
    );

    // stats by operation does not read attributes: both spans count, nothing is wrong.
    let r = run(["stats", file, "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(count(&doc), 2, "{}", r.describe());

    // stats by an attribute reads them: as show does.
    let r = run([
        "stats",
        file,
        "--group-by",
        "attr=http.request.method",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(count(&doc), 1, "{}", r.describe());
}
