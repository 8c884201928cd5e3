//! Entry points for the coverage-guided fuzz targets (`tests/fuzz/`): each feeds arbitrary bytes
//! through the same public path the CLI uses, and the model and analyses through what was read.
//! Not an API: errors are expected and dropped; only a panic, a hang or unbounded memory is a
//! finding.

use std::io::{BufRead, Cursor};
use std::path::Path;
use std::sync::Arc;

use crate::analysis::check::{CheckOptions, check_trace};
use crate::backend::{Body, Partial};
use crate::formats::{Format, ReadCtx, read_format};
use crate::model::{Span, TraceSet, TraceTree};

/// Read `input` as `format` (the registry's reader), then build each trace's tree and run
/// `check`, the critical path and self times on it. Returns the number of spans read.
pub fn read(format: Format, data: &[u8]) -> usize {
    read_from(format, &mut Cursor::new(data))
}

fn read_from(format: Format, input: &mut dyn BufRead) -> usize {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    let mut sink = |b: Vec<Span>| spans.extend(b);
    let mut ctx = ReadCtx {
        source: Arc::from("fuzz"),
        sink: &mut sink,
        warnings: &mut warnings,
        wants: Default::default(),
    };
    let _ = read_format(format, input, &mut ctx);
    analyse(spans)
}

/// What a file input goes through: gzip undone, format detected from the first bytes, read,
/// then the model and analyses as in [`read`].
pub fn detect_and_read(data: &[u8]) -> usize {
    let Ok(mut opened) = crate::input::source::open_reader(
        Box::new(Cursor::new(data.to_vec())),
        &crate::input::limits::InputLimits::default(),
    ) else {
        return 0;
    };
    match crate::input::load::choose_format(None, &opened.prefix) {
        Ok(format) => read_from(format, &mut *opened.reader),
        Err(_) => 0,
    }
}

fn analyse(spans: Vec<Span>) -> usize {
    let n = spans.len();
    let mut set = TraceSet::new();
    set.extend(spans);
    let opts = CheckOptions {
        expect_services: vec!["frontend".into()],
        expect_root: Some("GET /".into()),
        tolerance_ns: 1_000,
    };
    for t in set.traces() {
        let tree = TraceTree::build(t);
        let _ = tree.preorder();
        let _ = check_trace(t, &tree, &opts);
        let _ = crate::analysis::critical_path::critical_paths(t, &tree, true);
        let _ = crate::analysis::self_time::self_times(t, &tree);
        let _ = crate::backend::session::summarise(t);
    }
    n
}

/// `gate --policy`: parse and validate a policy file.
pub fn policy(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::analysis::gate::policy::Policy::parse(text, "fuzz.toml");
    }
}

/// `lint --config`: parse and check a lint config file.
pub fn lint_config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::analysis::pii::config::LintConfig::parse(text, "fuzz.toml");
    }
}

/// The backends config file (`config.toml`).
pub fn backend_config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::backend::config::ConfigFile::parse(Path::new("fuzz.toml"), text.into());
    }
}

/// The HTTP response path: the first byte picks what the body is an answer to, the rest is the
/// body. Trace bodies go through the session's body reader (Tempo's PARTIAL tail check, the
/// protobuf `TraceByIDResponse` unwrapping), the rest through their decoders.
pub fn backend_response(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let request = "GET http://fuzz/api";
    let trace = |format: Format, partial: Partial, bytes: Vec<u8>| {
        let b = Body {
            format,
            reader: Box::new(Cursor::new(bytes)),
            request: request.into(),
            partial,
            content_length: None,
        };
        let source: Arc<str> = Arc::from("fuzz");
        if let Ok((spans, ..)) = crate::backend::session::read_body(read_format, b, &source, None) {
            analyse(spans);
        }
    };
    match which % 8 {
        // Jaeger api_v3 trace and search answers: OTLP JSON in `{"result": …}`.
        0 => trace(Format::OtlpJson, Partial::Complete, body.to_vec()),
        // Jaeger legacy `/api/traces`.
        1 => trace(Format::Jaeger, Partial::Complete, body.to_vec()),
        // Zipkin `/api/v2/trace/{id}` and `/api/v2/traces`.
        2 => trace(Format::Zipkin, Partial::Complete, body.to_vec()),
        // Tempo v2 JSON (PARTIAL in the tail) and v1 JSON.
        3 => trace(Format::Tempo, Partial::CheckJsonTail, body.to_vec()),
        // Tempo v2 protobuf: a TraceByIDResponse around a TracesData.
        4 => {
            if let Ok((t, partial)) = crate::backend::tempo::unwrap_trace_by_id(body) {
                trace(Format::OtlpProto, partial, t);
            }
        }
        // Tempo `/api/search`.
        5 => {
            let _ = crate::backend::tempo::decode_search(request, body, 20);
        }
        // The small JSON answers: service and operation lists.
        6 => {
            let _ = crate::backend::http::decode_json::<Vec<String>>(request, body);
            let _ = crate::backend::http::decode_json::<serde_json::Value>(request, body);
        }
        // An HTML page where trace data was expected.
        _ => {
            let _ = crate::backend::http::html_error(request, "text/html", body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn the_fuzz_entry_points_read_the_seed_files() {
        let otlp = data("otlp-json_otel-proto-example_trace.json");
        assert!(read(Format::OtlpJson, &otlp) > 0);
        assert!(detect_and_read(&otlp) > 0);
        let pb = data("otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb");
        assert!(read(Format::OtlpProto, &pb) > 0);
        assert!(detect_and_read(&pb) > 0);
        let zipkin = data("zipkin-v2_skew.json");
        assert!(read(Format::Zipkin, &zipkin) > 0);
        assert!(detect_and_read(&zipkin) > 0);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &zipkin).unwrap();
        assert!(detect_and_read(&gz.finish().unwrap()) > 0);
        let mut answer = vec![2u8];
        answer.extend_from_slice(&zipkin);
        backend_response(&answer);
        policy(b"[[assert]]\n");
        lint_config(b"");
        backend_config(b"");
    }

    /// Inputs the fuzz targets found crashing (as found, in hex): each must now read (or fail
    /// to) without a panic.
    #[test]
    fn fuzz_findings_stay_fixed() {
        // A span ending ~584 years before it starts: `check` formatted the gap and overflowed.
        let hex = concat!(
            "0ad3010a1e0a1c0a0c637365727669652e6e616d65120c0a0a6d792e7365727669636512b0010a41",
            "0a0a6d792e6c6962726172791205312e302e301a2c0a126d792e73636f70652e6174727469627574",
            "6512160a14736f6d652073636f706520617474726962757465126b0a105b8efff798038103d269b6",
            "33813fc60c1208eee19b7ec3c1b1742208eee19b7ec33f47732a1149276d20f798038103d269b633",
            "813fc60c1208eee19b7ec3c1b1742208eee19b7ec3c1b1732a1149276d2061207365727665722073",
            "70616e30023900ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffff",
        );
        let pb: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert!(read(Format::OtlpProto, &pb) > 0);
        assert!(detect_and_read(&pb) > 0);
    }
}
