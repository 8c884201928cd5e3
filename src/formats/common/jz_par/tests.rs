//! The parallel path against the streaming one: same spans in the same order, same warnings,
//! same result with the same positions, whatever the sizes.

use std::io::BufRead;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value as J, json};

use super::*;
use crate::formats::common::jz_read::testing::byte_edits;
use crate::formats::test_support::sample;
use crate::formats::{InputError, ReadCtx, jaeger, zipkin};
use crate::model::Span;

type ReadWith = fn(&mut dyn BufRead, &mut ReadCtx<'_>, Limits) -> Result<(), InputError>;

const JAEGER: ReadWith = jaeger::read::read_with;
const ZIPKIN: ReadWith = zipkin::read::read_with;

fn streaming() -> Limits {
    Limits {
        parallel: false,
        ..Limits::standard()
    }
}

/// Sizes that cut everywhere: one element per run, one byte read at a time, windows smaller
/// than most elements (so that the streaming reader takes over in the middle of lists).
fn small_limits() -> Vec<Limits> {
    let l = |chunk, read, max_window| Limits {
        chunk,
        read,
        max_window,
        parallel: true,
    };
    vec![
        Limits::standard(),
        l(1, 1, 1 << 20),
        l(7, 3, 1 << 20),
        l(100, 17, 1 << 20),
        l(3000, 1000, 1 << 20),
        l(1, 5, 64),
        l(50, 9, 600),
    ]
}

/// Everything a read gave, as text (spans may hold NaN, which is not equal to itself).
fn outcome(read: ReadWith, data: &[u8], limits: Limits) -> String {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    let result = {
        let mut sink = |b: Vec<Span>| spans.extend(b);
        let mut ctx = ReadCtx {
            source: Arc::from("test.json"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: Default::default(),
        };
        let mut input = data;
        read(&mut input, &mut ctx, limits)
    };
    format!("{result:?}\n{warnings:#?}\n{spans:#?}")
}

fn check_with(read: ReadWith, data: &[u8], all: &[Limits]) {
    let want = outcome(read, data, streaming());
    for &limits in all {
        let got = outcome(read, data, limits);
        if got != want {
            let at = got
                .bytes()
                .zip(want.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let from = at.saturating_sub(300);
            panic!(
                "{limits:?} differs at {at}:\nparallel: {}\nstreaming: {}\ninput: {}",
                &got[from..(at + 300).min(got.len())],
                &want[from..(at + 300).min(want.len())],
                String::from_utf8_lossy(&data[..data.len().min(2000)])
            );
        }
    }
}

fn check(read: ReadWith, data: &[u8]) {
    check_with(read, data, &small_limits());
}

const JSON_SAMPLES: &[&str] = &[
    "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
    "jaeger-ui-json_trace-object_ui_01.json",
    "jaeger-apiv3_gettrace-response_snapshot.json",
    "zipkin-v1_span_from-zipkin-encoder-test.json",
    "zipkin-v2_messaging-128bit.json",
    "zipkin-v2_skew.json",
    "zipkin-v2_smartthings-oauth-authorization_175spans.json",
    "zipkin-v2_yelp.json",
    "otlp-json_otel-proto-example_trace.json",
];

#[test]
fn samples_read_the_same() {
    let mut names: Vec<String> = JSON_SAMPLES.iter().map(|s| s.to_string()).collect();
    for dir in ["generated/zipkin-v2", "generated/backend-responses"] {
        let path = format!("{}/tests/data/{dir}", env!("CARGO_MANIFEST_DIR"));
        if let Ok(rd) = std::fs::read_dir(&path) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") {
                    names.push(format!("{dir}/{name}"));
                }
            }
        }
    }
    names.sort();
    for name in &names {
        let data = sample(name);
        check(JAEGER, &data);
        check(ZIPKIN, &data);
    }
}

/// A string with every character that matters to the scan.
fn tricky(i: usize) -> String {
    let parts = [
        "{", "}", "[", "]", "\\", "\"", "\\\"", "\\\\", ",", ":", "\n", "é", "]}",
    ];
    let mut s = format!("op{i}");
    for k in 0..(i % 5) {
        s.push_str(parts[(i * 7 + k * 3) % parts.len()]);
    }
    s
}

fn jaeger_doc(traces: usize, spans: usize) -> J {
    let data: Vec<J> = (0..traces)
        .map(|t| {
            let tid = format!("{:032x}", t + 1);
            let spans: Vec<J> = (0..spans)
                .map(|s| {
                    let mut span = json!({
                        "traceID": tid,
                        "spanID": format!("{:016x}", t * 1000 + s + 1),
                        "operationName": tricky(t + s),
                        "references": if s == 0 { json!([]) } else { json!([{"refType": "CHILD_OF", "traceID": tid, "spanID": format!("{:016x}", t * 1000 + 1)}]) },
                        "startTime": 1_700_000_000_000_000u64 + s as u64,
                        "duration": 10 + s,
                        "tags": [{"key": tricky(s), "type": "string", "value": tricky(t)}, {"key": "n", "type": "int64", "value": s}],
                        "logs": [{"timestamp": 1_700_000_000_000_001u64, "fields": [{"key": "event", "type": "string", "value": tricky(s + 1)}]}],
                        "processID": "p1",
                    });
                    if s % 7 == 3 {
                        // A bad id: a warning with the span's path and line.
                        span["spanID"] = json!("zz");
                    }
                    span
                })
                .collect();
            json!({"traceID": tid, "spans": spans, "processes": {"p1": {"serviceName": tricky(t), "tags": []}}, "warnings": null})
        })
        .collect();
    json!({"data": data, "total": 0, "limit": 0, "offset": 0, "errors": null})
}

fn zipkin_doc(traces: usize, spans: usize, nested: bool) -> J {
    let mut all = Vec::new();
    for t in 0..traces {
        let tid = format!("{:032x}", t + 1);
        let list: Vec<J> = (0..spans)
            .map(|s| {
                json!({
                    "traceId": tid,
                    "id": if s % 5 == 4 { json!("nothex") } else { json!(format!("{:016x}", t * 1000 + s + 1)) },
                    "parentId": if s == 0 { J::Null } else { json!(format!("{:016x}", t * 1000 + 1)) },
                    "name": tricky(t + s),
                    "kind": "SERVER",
                    "timestamp": 1_700_000_000_000_000u64 + s as u64,
                    "duration": 5,
                    "localEndpoint": {"serviceName": tricky(t), "ipv4": "10.0.0.1"},
                    "tags": {tricky(s): tricky(t), "error": if s % 3 == 0 { "boom" } else { "false" }},
                    "annotations": [{"timestamp": 1_700_000_000_000_001u64, "value": tricky(s)}],
                })
            })
            .collect();
        if nested {
            all.push(J::Array(list));
        } else {
            all.extend(list);
        }
    }
    J::Array(all)
}

/// JSON text with whitespace chosen by `seed` between tokens (and none at all sometimes).
fn ws(seed: &mut u64, out: &mut String) {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    match (*seed >> 33) % 6 {
        0 => out.push(' '),
        1 => out.push('\n'),
        2 => out.push_str("\r\n  \t"),
        _ => {}
    }
}

fn spaced(v: &J, seed: &mut u64, out: &mut String) {
    match v {
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                ws(seed, out);
                if i > 0 {
                    out.push(',');
                    ws(seed, out);
                }
                spaced(item, seed, out);
            }
            ws(seed, out);
            out.push(']');
        }
        J::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                ws(seed, out);
                if i > 0 {
                    out.push(',');
                    ws(seed, out);
                }
                out.push_str(&J::String(k.clone()).to_string());
                ws(seed, out);
                out.push(':');
                ws(seed, out);
                spaced(item, seed, out);
            }
            ws(seed, out);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn text(v: &J, seed: u64) -> Vec<u8> {
    let mut out = String::new();
    let mut seed = seed;
    spaced(v, &mut seed, &mut out);
    out.into_bytes()
}

#[test]
fn generated_documents_read_the_same() {
    for seed in 0..4 {
        let jd = jaeger_doc(40, 12);
        check(JAEGER, &text(&jd, seed));
        check(JAEGER, jd.to_string().as_bytes());
        check(
            JAEGER,
            serde_json::to_string_pretty(&jd).unwrap().as_bytes(),
        );
        // A bare list of traces, and several documents one after the other.
        let list = jd["data"].clone();
        check(JAEGER, &text(&list, seed));
        let mut two = text(&jd, seed);
        two.extend_from_slice(b"\n");
        two.extend_from_slice(&text(&list, seed + 1));
        check(JAEGER, &two);
        for nested in [true, false] {
            let zd = zipkin_doc(30, 9, nested);
            check(ZIPKIN, &text(&zd, seed));
            check(ZIPKIN, zd.to_string().as_bytes());
            let mut two = text(&zd, seed);
            two.extend_from_slice(&text(&zd, seed + 7));
            check(ZIPKIN, &two);
        }
    }
}

/// Elements the fast reader gives up on half way (after some spans of them were read): a
/// surrogate pair escape, `-0`, a number beyond 64 bits. The run is read again; nothing is
/// doubled or lost.
#[test]
fn what_the_fast_reader_leaves_reads_the_same() {
    let edit = |doc: &J| {
        serde_json::to_string(doc)
            .unwrap()
            .replace("\"op3", "\"\\ud83d\\ude00op3")
            .replacen("\"value\":0}", "\"value\":-0}", 2)
            .replacen("\"duration\":12", "\"duration\":120000000000000000000", 1)
            .into_bytes()
    };
    let jaeger = edit(&jaeger_doc(5, 4));
    let zipkin = edit(&zipkin_doc(5, 4, false));
    for data in [&jaeger, &zipkin] {
        assert!(String::from_utf8_lossy(data).contains("\\ud83d"));
    }
    check(JAEGER, &jaeger);
    check(ZIPKIN, &zipkin);
}

#[test]
fn envelope_keys_after_data_and_odd_shapes() {
    let cases: &[&[u8]] = &[
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}}],"total":1,"errors":[{"code":500,"msg":"partial"}]}"#,
        br#"{"data":[],"errors":[{"code":404,"msg":"trace not found"}]}"#,
        br#"{"data":[{"traceID":"1","spans":[{"spanID":"2","traceID":"1"}],"processes":{}}],"result":{}}"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}}] x"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}}]"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}}],}"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}},]}"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}}, 5, {}]}"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}} {}]}"#,
        br#"{"data":[{"traceID":"1","spans":[],"processes":{}}], "data": [{}]}"#,
        br#"{"data":[[], {"traceID":"1"}, null]}"#,
        br#"{"data" : [ ] } [ ] {"data":[{"a":"\"]}"}]}"#,
        br#"[{"traceId":"1","id":"2"}, [{"traceId":"1","id":"3"}], 7]"#,
        br#"[{"traceId":"1","id":"2"}, [{"traceId":"1","id":"3"}],"#,
        br#"[{"traceId":"1","id":"2"}, [{"traceId":"1","id":"3"}]] {"traceId":"1","id":"4"}"#,
        br#"[[{"traceId":"1","id":"2","name":"a\\\"]}"}]]"#,
        b"\xEF\xBB\xBF[[{\"traceId\":\"1\",\"id\":\"2\"}]]",
        b"[",
        b"[]",
        b"",
        b"   \n ",
        b"{\"data\":[\n{\"traceID\":\"1\",\"spans\":[{\"spanID\":\"2\",\"traceID\":\"1\",\"tags\":[{\"key\":\"k\",\"value\":\"\\u00e9\\ud83d\\ude00\"}]}],\"processes\":{}}\n,\n{\"traceID\":\"1\",\"spans\":[{\"spanID\":\"3\" \"traceID\":\"1\"}]}\n]}",
    ];
    for case in cases {
        check(JAEGER, case);
        check(ZIPKIN, case);
    }
}

#[test]
fn deep_nesting_is_left_to_the_streaming_reader() {
    for depth in [90usize, 99, 100, 101, 126, 127, 128, 129, 200] {
        let mut deep = String::new();
        for _ in 0..depth {
            deep.push('[');
        }
        for _ in 0..depth {
            deep.push(']');
        }
        let jd = format!(
            r#"{{"data":[{{"traceID":"1","spans":[],"processes":{{}}}},{{"traceID":"1","x":{deep}}}]}}"#
        );
        check(JAEGER, jd.as_bytes());
        let zd = format!(r#"[[{{"traceId":"1","id":"2"}}],[{{"traceId":"1","x":{deep}}}]]"#);
        check(ZIPKIN, zd.as_bytes());
    }
}

#[test]
fn a_syntax_error_deep_in_a_big_document_has_its_position() {
    let jd = jaeger_doc(300, 10);
    let mut data = serde_json::to_string_pretty(&jd).unwrap().into_bytes();
    // Break a colon about two thirds in.
    let at = data.len() * 2 / 3;
    let colon = at + data[at..].iter().position(|&b| b == b':').unwrap();
    data[colon] = b';';
    let line = 1 + data[..colon].iter().filter(|&&b| b == b'\n').count() as u64;
    let column = 1 + data[..colon]
        .iter()
        .rev()
        .take_while(|&&b| b != b'\n')
        .count() as u64;
    let l = Limits {
        chunk: 4096,
        read: 1000,
        max_window: 1 << 20,
        parallel: true,
    };
    check_with(JAEGER, &data, &[Limits::standard(), l]);
    let out = outcome(JAEGER, &data, Limits::standard());
    assert!(
        out.contains(&format!("LineColumn {{ line: {line}, column: {column} }}")),
        "{line}:{column} {}",
        &out[..400]
    );
    let zd = zipkin_doc(300, 10, true);
    let mut data = serde_json::to_string_pretty(&zd).unwrap().into_bytes();
    let at = data.len() * 3 / 4;
    let quote = at + data[at..].iter().position(|&b| b == b'"').unwrap();
    data.insert(quote, b'}');
    check_with(ZIPKIN, &data, &[Limits::standard(), l]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random documents, whitespace and strings full of brackets, quotes and backslashes, then
    /// random byte edits: the scan never cuts where the streaming reader would not.
    #[test]
    fn random_documents_read_the_same(
        traces in 1usize..6,
        spans in 1usize..5,
        seed in any::<u64>(),
        names in proptest::collection::vec("[{}\\[\\]\"\\\\a,: \n]{0,8}", 1..6),
        edits in proptest::collection::vec((0usize..100_000, any::<u8>(), 0u8..3), 0..3),
        which in 0u8..3,
        limits in 0usize..7,
    ) {
        let mut doc = match which {
            0 => jaeger_doc(traces, spans),
            1 => zipkin_doc(traces, spans, true),
            _ => zipkin_doc(traces, spans, false),
        };
        // Names from the strategy in place of some generated ones.
        if let Some(list) = doc.get_mut("data").and_then(J::as_array_mut) {
            for (i, t) in list.iter_mut().enumerate() {
                t["spans"][0]["operationName"] = json!(names[i % names.len()]);
            }
        } else if let Some(list) = doc.as_array_mut() {
            for (i, t) in list.iter_mut().enumerate() {
                let name = json!(names[i % names.len()]);
                match t {
                    J::Array(s) => s[0]["name"] = name,
                    other => other["name"] = name,
                }
            }
        }
        let data = byte_edits(&text(&doc, seed), &edits);
        let all = small_limits();
        let one = [all[limits]];
        check_with(JAEGER, &data, &one);
        check_with(ZIPKIN, &data, &one);
    }
}

/// The scan's end of a value, a byte at a time: what the word-at-a-time [`value_end`] must find.
fn value_end_bytewise(buf: &[u8], s: usize) -> Option<Option<usize>> {
    let (mut depth, mut i, mut in_string) = (0u32, s, false);
    while i < buf.len() {
        let b = buf[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(None);
                    }
                }
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(Some(i + 1));
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_word_scan_finds_what_a_byte_scan_finds(
        body in proptest::collection::vec(
            prop::sample::select(b"{}[]\"\\ a{\x5b\x7b\x5d\x7d\xc3\xa9\x02;=".to_vec()), 0..200),
    ) {
        let mut buf = vec![b'{'];
        buf.extend(body);
        let got = match value_end(&buf, 0) {
            ValueEnd::End(e) => Some(Some(e)),
            ValueEnd::Deep => Some(None),
            ValueEnd::Short => None,
        };
        prop_assert_eq!(got, value_end_bytewise(&buf, 0));
    }
}
