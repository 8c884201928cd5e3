//! The fast line reader ([`FastDe`]) against serde_json's: where it reads a line, it gives
//! exactly the same spans and warnings; where it gives up, the line is read as before.

use proptest::prelude::*;

use super::de::State;
use super::{LineOut, parse_line, parse_line_as, parse_line_fast};
use crate::formats::Format;
use crate::formats::test_support::{mutate, sample, synth};

/// Everything a line gave, as text (NaN is not equal to itself).
fn described(out: &LineOut) -> String {
    let warnings: Vec<(&str, &str)> = out
        .warnings
        .iter()
        .map(|w| (w.path.as_str(), w.message.as_str()))
        .collect();
    let error = out
        .error
        .as_ref()
        .map(|e| format!("{} at {}", e.err, e.path));
    format!("{:#?}\n{warnings:#?}\n{error:?}", out.spans)
}

/// serde_json's reading of the line, as `parse_line` did before the fast reader.
fn slow(text: &[u8]) -> LineOut {
    let utf8 = std::str::from_utf8(text).ok();
    let out = parse_line_as(text, utf8, 1, &mut State::new(), false);
    match &out.error {
        Some(e) if e.err.classify() == serde_json::error::Category::Data => {
            parse_line_as(text, utf8, 1, &mut State::new(), true)
        }
        _ => out,
    }
}

fn fast(text: &[u8]) -> Option<LineOut> {
    parse_line_fast(std::str::from_utf8(text).ok()?, 1, &mut State::new())
}

/// The contract, for one line: if the fast reader reads it, serde_json reads the same.
fn assert_agrees(text: &[u8]) {
    let want = slow(text);
    if let Some(got) = fast(text) {
        assert_eq!(
            described(&got),
            described(&want),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
    assert_eq!(
        described(&parse_line(text, 1, &mut State::new())),
        described(&want)
    );
}

/// Whole documents and the lines of JSON lines inputs, samples and generated.
fn lines() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        "otlp-json_jaeger-ui_otlp2jaeger-in.json",
        "otlp-json_otel-proto-example_trace.json",
        "tempo-v1-batches_tempopb_trace.json",
        "tempo-v1-style_DERIVED_base64-ids_enum-names.json",
        "generated/otlp-json/otel-python-merged-resourceSpans.json",
        "generated/otlp-json/otel-python-otlp-http-json-body.json",
    ]
    .iter()
    .map(|n| sample(n))
    .collect();
    for jsonl in [
        sample("otlp-jsonl_jaeger-ui_multi-in.jsonl"),
        sample("generated/otlp-json/otel-python-file-exporter.jsonl"),
        synth(Format::OtlpJsonl, 5, 30),
    ] {
        out.extend(
            jsonl
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec),
        );
    }
    out
}

#[test]
fn the_fast_reader_reads_every_sample_line_as_serde_json_does() {
    let all = lines();
    assert!(all.len() > 40);
    for text in &all {
        let got = fast(text).unwrap_or_else(|| {
            panic!(
                "the fast reader gave up on {}",
                String::from_utf8_lossy(text)
            )
        });
        assert!(got.error.is_none());
        assert_agrees(text);
    }
}

#[test]
fn what_the_fast_reader_leaves_is_read_as_before() {
    let line = synth(Format::OtlpJsonl, 9, 1);
    let line = std::str::from_utf8(&line).unwrap().trim_end();
    let edits = [
        // A surrogate pair escape in a span name, after other spans were read.
        line.replacen("\"name\":\"", "\"name\":\"\\ud83d\\ude00", 3),
        line.replacen("\"flags\":", "\"flags\":-0,\"x\":", 2),
        line.replacen("\"kind\":", "\"kind\":18446744073709551616,\"kind\":", 2),
        format!("{}{line}", "[".repeat(80) + &"]".repeat(80)),
    ];
    for text in edits {
        assert_ne!(text, line);
        assert!(fast(text.as_bytes()).is_none(), "{text}");
        assert_agrees(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn edited_lines_read_as_serde_json_reads_them(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            (any::<usize>(), prop::sample::select(b"\"\\{}[],:-0.e \x01zu".to_vec()), 0u8..3),
            1..4,
        ),
        cut in any::<usize>(),
    ) {
        let all = lines();
        let text = mutate(all[which.index(all.len())].clone(), &edits, cut);
        assert_agrees(&text);
    }
}
