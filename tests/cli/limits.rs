//! Limits on what an input may cost (hardening issue, point 5): a gzip bomb stops at
//! `--max-inflate-ratio` with one line naming the limit; the flag raises or removes it.

use std::io::Write;

use crate::common::*;

/// One OTLP span whose attribute value is `mib` MiB of one byte: about 1000× compressible.
fn string_bomb(mib: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"op","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[{"key":"k","value":{"stringValue":""#).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..mib {
        e.write_all(&chunk).unwrap();
    }
    e.write_all(br#""}}]}]}]}]}"#).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_gzip_bomb_stops_at_the_inflate_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.json.gz");
    std::fs::write(&bomb, string_bomb(72)).unwrap();
    let size = std::fs::metadata(&bomb).unwrap().len();
    assert!(size < 1 << 20, "the bomb is small: {size} bytes");
    let path = bomb.to_str().unwrap();
    for cmd in ["show", "lint"] {
        let r = run([cmd, path]);
        assert_eq!(r.code, Some(3), "{cmd}: {}", r.describe());
        let lines = r.error_lines();
        assert_eq!(lines.len(), 1, "{}", r.describe());
        assert!(
            lines[0].contains("bomb.json.gz") && lines[0].contains("--max-inflate-ratio"),
            "{}",
            lines[0]
        );
    }
    // Below the 64 MiB floor any ratio reads (ordinary files never notice the limit); raising
    // and removing the limit on the bomb itself is a unit test of src/input/limits.rs.
    let small = dir.path().join("small.json.gz");
    std::fs::write(&small, string_bomb(1)).unwrap();
    let r = run([
        "show",
        small.to_str().unwrap(),
        "--max-inflate-ratio",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
}

/// A string value over `--max-string-bytes` is cut to the limit, the rest of the span is kept,
/// and the cut is one input problem (exit 3) naming the file and the flag.
#[test]
fn long_strings_are_cut_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.json");
    let long = "é".repeat(3000); // 6000 bytes
    let doc = serde_json::json!({"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "svc"}}]},
        "scopeSpans": [{"spans": [{"traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": "eee19b7ec3c1b174", "name": "op", "startTimeUnixNano": "1544712660000000000",
            "endTimeUnixNano": "1544712661000000000", "attributes": [
                {"key": "long", "value": {"stringValue": long}},
                {"key": "short", "value": {"stringValue": "kept"}}]}]}]}]});
    std::fs::write(&path, doc.to_string()).unwrap();
    let p = path.to_str().unwrap();
    let r = run(["show", p, "--max-string-bytes", "1001", "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let lines = r.error_lines();
    assert_eq!(lines.len(), 1, "{}", r.describe());
    assert!(
        lines[0].contains("long.json")
            && lines[0].contains("1 string value")
            && lines[0].contains("--max-string-bytes"),
        "{}",
        lines[0]
    );
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let attrs = &out["spans"][0]["attributes"];
    let cut = attrs["long"].as_str().unwrap();
    // 1001 bytes falls inside a two-byte character: 1000 bytes, 500 characters.
    assert_eq!((cut.len(), cut.chars().count()), (1000, 500));
    assert_eq!(attrs["short"], "kept");
    // Under the default (4 MiB) the same file reads cleanly.
    let r = run(["show", p, "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
}
