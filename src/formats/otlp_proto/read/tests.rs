use std::io::BufReader;
use std::path::PathBuf;

use super::*;

pub(crate) fn sample(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub(crate) struct Outcome {
    pub spans: Vec<Span>,
    pub batches: usize,
    pub warnings: Vec<InputError>,
    pub result: Result<(), InputError>,
}

/// Run a reader over bytes, through a `BufReader` of the given capacity (1 forces every
/// look-ahead and refill path).
pub(crate) fn run_with(
    reader: fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>,
    bytes: &[u8],
    capacity: usize,
) -> Outcome {
    let mut spans = Vec::new();
    let mut batches = 0;
    let mut warnings = Vec::new();
    let result = {
        let mut sink = |b: Vec<Span>| {
            batches += 1;
            spans.extend(b);
        };
        let mut ctx = ReadCtx {
            source: Arc::from("in.pb"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: Default::default(),
        };
        let mut input = BufReader::with_capacity(capacity, bytes);
        reader(&mut input, &mut ctx)
    };
    Outcome {
        spans,
        batches,
        warnings,
        result,
    }
}

fn run(bytes: &[u8]) -> Outcome {
    run_with(read, bytes, 8 * 1024)
}

fn hex(s: &Span) -> (String, String, String) {
    (
        s.trace_id.to_string(),
        s.span_id.to_string(),
        s.parent_span_id.map(|p| p.to_string()).unwrap_or_default(),
    )
}

#[test]
fn bare_traces_data_sample() {
    let o = run(&sample(
        "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
    ));
    o.result.unwrap();
    assert!(o.warnings.is_empty());
    assert_eq!(o.spans.len(), 1);
    let s = &o.spans[0];
    // Values from otlp-json_otel-proto-example_trace.json, the source of the .binpb.
    assert_eq!(
        hex(s),
        (
            "5b8efff798038103d269b633813fc60c".into(),
            "eee19b7ec3c1b174".into(),
            "eee19b7ec3c1b173".into()
        )
    );
    assert_eq!(&*s.name, "I'm a server span");
    assert_eq!(s.kind, SpanKind::Server);
    assert_eq!(s.start_ns, 1_544_712_660_000_000_000);
    assert_eq!(s.end_ns, 1_544_712_661_000_000_000);
    assert_eq!(&*s.service, "my.service");
    assert_eq!(
        s.resource.attributes,
        vec![KeyValue::new("service.name", Value::from("my.service"))]
    );
    assert_eq!(&*s.scope.name, "my.library");
    assert_eq!(s.scope.version.as_deref(), Some("1.0.0"));
    assert_eq!(
        s.scope.attributes,
        vec![KeyValue::new(
            "my.scope.attribute",
            Value::from("some scope attribute")
        )]
    );
    assert_eq!(
        s.attributes,
        vec![KeyValue::new("my.span.attr", Value::from("some value"))]
    );
    assert_eq!(s.status, Status::default());
    assert_eq!(s.parent_ref, ParentRef::ParentId);
    assert!(s.events.is_empty() && s.links.is_empty());
}

#[test]
fn framed_file_exporter_sample() {
    let bytes = sample("otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb");
    assert!(is_framed(&bytes, true));
    for cap in [1, 7, 8192] {
        let o = run_with(read, &bytes, cap);
        o.result.unwrap();
        assert_eq!(o.spans.len(), 4);
        assert_eq!(o.batches, 4, "one ResourceSpans per frame");
        // Expected values decoded by hand (python, independent of this code).
        let want = [
            (
                "26f5ef9dbb885479",
                "49b8e9efa1e8a3b1",
                1_711_138_246_978_000_000u64,
                46_460_625u64,
            ),
            (
                "e76628f4e6dde174",
                "49b8e9efa1e8a3b1",
                1_711_138_247_025_000_000,
                71_355_250,
            ),
            (
                "49b8e9efa1e8a3b1",
                "eff3153be6b1fb93",
                1_711_138_246_943_000_000,
                173_150_875,
            ),
            (
                "eff3153be6b1fb93",
                "",
                1_711_138_246_940_000_000,
                176_321_958,
            ),
        ];
        for (s, (id, parent, start, dur)) in o.spans.iter().zip(want) {
            assert_eq!(
                hex(s),
                (
                    "c620759e5d60fafb8ee0922b30e06bc6".into(),
                    id.into(),
                    parent.into()
                )
            );
            assert_eq!((s.start_ns, s.duration_ns()), (start, dur));
            assert_eq!(&*s.service, "example-trace");
            assert_eq!(s.kind, SpanKind::Internal);
        }
        let scopes: Vec<(&str, Option<&str>)> = o
            .spans
            .iter()
            .map(|s| (&*s.scope.name, s.scope.version.as_deref()))
            .collect();
        assert_eq!(
            scopes,
            [
                ("ohboy", None),
                ("ohboy", None),
                ("widgets", Some("1.2.3")),
                ("widgets", Some("1.2.3"))
            ]
        );
        assert_eq!(o.spans[0].resource.attributes.len(), 4);
    }
}

#[test]
fn tempo_protobuf_response() {
    let bytes =
        sample("generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb");
    assert!(!is_framed(&bytes, true));
    let o = run(&bytes);
    o.result.unwrap();
    assert!(o.warnings.is_empty());
    assert_eq!(o.spans.len(), 24);
    assert_eq!(o.batches, 10, "ten ResourceSpans");
    assert!(
        o.spans
            .iter()
            .all(|s| s.trace_id.to_string() == "0cb0f836124d98d806e10d0ea1575e6a")
    );
    let count = |svc: &str| o.spans.iter().filter(|s| &*s.service == svc).count();
    assert_eq!(
        (
            count("inventory"),
            count("web-client"),
            count("frontend"),
            count("checkout")
        ),
        (8, 3, 7, 6)
    );
    let errors: Vec<&str> = o
        .spans
        .iter()
        .filter(|s| s.is_error())
        .map(|s| &*s.name)
        .collect();
    assert_eq!(
        errors,
        ["GET", "load-recommendations", "GET /broken", "apply-coupon"]
    );
    let broken = o.spans.iter().find(|s| &*s.name == "GET /broken").unwrap();
    assert_eq!(
        broken.status.message.as_deref(),
        Some("RuntimeError: recommendation cache unavailable")
    );
    assert_eq!(broken.kind, SpanKind::Server);
    assert_eq!(broken.span_id.to_string(), "a020800c36ab2bfb");
    assert_eq!(
        broken.parent_span_id.unwrap().to_string(),
        "ea3747b9000224d7"
    );
    assert_eq!(
        (broken.start_ns, broken.duration_ns()),
        (1_795_256_544_759_305_717, 4_450_559)
    );
    assert_eq!(broken.attr("http.status_code"), Some(&Value::Int(500)));
    assert_eq!(broken.attr("http.route"), Some(&Value::from("/broken")));
    assert_eq!(broken.events.len(), 1);
    assert_eq!(&*broken.events[0].name, "exception");
    assert_eq!(broken.events[0].time_ns, 1_795_256_544_763_736_750);
    assert_eq!(broken.events[0].attributes.len(), 4);
    assert_eq!(o.spans.iter().map(|s| s.events.len()).sum::<usize>(), 5);
    assert_eq!(
        o.spans
            .iter()
            .filter(|s| s.parent_span_id.is_none())
            .count(),
        1
    );
    // One shared resource per ResourceSpans, one shared scope per ScopeSpans (the first
    // ResourceSpans has 5 inventory spans, the second 3).
    let inv: Vec<&Span> = o
        .spans
        .iter()
        .filter(|s| &*s.service == "inventory")
        .collect();
    assert!(
        inv[..5]
            .iter()
            .all(|s| Arc::ptr_eq(&s.resource, &inv[0].resource))
    );
    assert!(
        inv[..5]
            .iter()
            .all(|s| Arc::ptr_eq(&s.scope, &inv[0].scope))
    );
    assert!(!Arc::ptr_eq(&inv[0].resource, &inv[5].resource));
    assert_eq!(inv[0].resource, inv[5].resource);
    assert_eq!(inv[0].resource.attributes.len(), 9);
    assert_eq!(&*inv[0].scope.name, "shop.inventory");
    assert_eq!(&*inv[5].scope.name, "opentelemetry.instrumentation.flask");
    assert_eq!(inv[5].scope.version.as_deref(), Some("0.66b1"));
    // Keys are interned across resources.
    let a = &o.spans[0].resource.attributes[0].key;
    let b = &o.spans[23].resource.attributes[0].key;
    assert!(Arc::ptr_eq(a, b));
}

fn frame(msg: &[u8]) -> Vec<u8> {
    let mut v = (msg.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(msg);
    v
}

/// A TracesData with one span, written by hand:
/// 0a L1 { 12 L2 { 12 L3 { 0a 10 <trace 16> 12 08 <span 8> 2a 01 'n' } } }
fn tiny(trace: &[u8], span: &[u8]) -> Vec<u8> {
    let mut sp = vec![0x0a, trace.len() as u8];
    sp.extend_from_slice(trace);
    sp.push(0x12);
    sp.push(span.len() as u8);
    sp.extend_from_slice(span);
    sp.extend_from_slice(&[0x2a, 1, b'n']);
    let mut ss = vec![0x12, sp.len() as u8];
    ss.extend(sp);
    let mut rs = vec![0x12, ss.len() as u8];
    rs.extend(ss);
    let mut td = vec![0x0a, rs.len() as u8];
    td.extend(rs);
    td
}

#[test]
fn hand_made_messages() {
    let m = tiny(&[1; 16], &[2; 8]);
    let o = run(&m);
    o.result.unwrap();
    assert_eq!(
        o.spans[0].trace_id.to_string(),
        "01010101010101010101010101010101"
    );
    assert_eq!(&*o.spans[0].name, "n");
    // Framed, several frames, an empty frame in between.
    let mut f = frame(&m);
    f.extend(frame(&[]));
    f.extend(frame(&tiny(&[3; 8], &[4; 8])));
    let o = run(&f);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 2);
    // An 8-byte trace id is a 64-bit id.
    assert_eq!(o.spans[1].trace_id, TraceId(0x0303030303030303));
    // Invalid UTF-8 in a string field is replaced, not fatal (the name is the last byte).
    let mut bad = m.clone();
    *bad.last_mut().unwrap() = 0xff;
    let o = run(&bad);
    o.result.unwrap();
    assert_eq!(&*o.spans[0].name, "\u{fffd}");
    // Unknown outer fields of every wire type are skipped.
    let mut u = vec![
        0x10, 0x96, 0x01, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x1a, 2, 9, 9,
    ];
    u.extend(&m);
    let o = run(&u);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 1);
}

#[test]
fn wrong_id_length_skips_the_span() {
    let m = tiny(&[1; 5], &[2; 8]);
    let o = run(&m);
    o.result.unwrap();
    assert!(o.spans.is_empty());
    assert_eq!(o.warnings.len(), 1);
    let w = o.warnings[0].to_string();
    assert_eq!(
        w,
        "in.pb: byte 2: resource_spans[0].scope_spans[0].spans[0]: trace_id: id has 5 bytes, expected 16; span skipped"
    );
}

#[test]
fn an_empty_or_zero_id_skips_the_span_as_in_json() {
    for (trace, span, field) in [
        (&[][..], &[2; 8][..], "trace_id"),
        (&[0; 16][..], &[2; 8][..], "trace_id"),
        (&[1; 16][..], &[][..], "span_id"),
    ] {
        let mut two = tiny(trace, span);
        two.extend(tiny(&[1; 16], &[3; 8]));
        let o = run(&two);
        o.result.unwrap();
        assert_eq!(o.spans.len(), 1, "{field}");
        assert_eq!(o.warnings.len(), 1, "{field}");
        let w = o.warnings[0].to_string();
        assert!(
            w.contains(&format!(
                "spans[0]: {field}: span has no {field} (missing, empty or all zeros); span skipped"
            )),
            "{w}"
        );
    }
}

#[test]
fn legacy_instrumentation_library_spans() {
    // Span { 1: trace id, 2: span id, 5: name }
    let span = |name: u8| {
        let mut s = vec![0x0a, 16];
        s.extend([1; 16]);
        s.extend([0x12, 8]);
        s.extend([2; 8]);
        s.extend([0x2a, 1, name]);
        s
    };
    // ResourceSpans { 1000: ScopeSpans { 1: {1: "lib"}, 2: Span "x" } }
    let mut ss = vec![0x0a, 5, 0x0a, 3, b'l', b'i', b'b', 0x12, 31];
    ss.extend(span(b'x'));
    let mut rs = vec![0xc2, 0x3e, ss.len() as u8];
    rs.extend(ss);
    let mut td = vec![0x0a, rs.len() as u8];
    td.extend(rs.iter().copied());
    let o = run(&td);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 1);
    assert_eq!(&*o.spans[0].scope.name, "lib");
    // Ignored when scope_spans is set: add ScopeSpans { 2: Span "y" } as field 2.
    let mut rs2 = rs.clone();
    rs2.extend([0x12, 33, 0x12, 31]);
    rs2.extend(span(b'y'));
    let mut td = vec![0x0a, rs2.len() as u8];
    td.extend(rs2);
    let o = run(&td);
    assert_eq!(o.spans.iter().map(|s| &*s.name).collect::<Vec<_>>(), ["y"]);
}

#[test]
fn errors_say_where() {
    // The last frame claims 4294967295 bytes but 80 follow.
    let good = frame(&tiny(&[1; 16], &[2; 8]));
    let mut f = good.clone();
    f.extend([0xff, 0xff, 0xff, 0xff]);
    let mut last = tiny(&[5; 16], &[6; 8]);
    let pad = 80 - last.len();
    // Pad with an unknown field 2 (bytes, skipped) so the 80 bytes are valid protobuf.
    last.extend([0x12, (pad - 2) as u8]);
    last.extend(vec![0u8; pad - 2]);
    assert_eq!(last.len(), 80);
    f.extend(&last);
    let o = run(&f);
    let e = o.result.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "in.pb: byte {}: frame length 4294967295 exceeds the remaining 80 bytes",
            good.len()
        )
    );
    assert_eq!(o.spans.len(), 2, "spans before the error are kept");

    // Garbage: not protobuf at all (a zero tag after a valid message).
    let mut g = tiny(&[1; 16], &[2; 8]);
    let at = g.len();
    g.extend([0x00, 0x01]);
    let e = run(&g).result.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("in.pb: byte {at}: invalid protobuf: field number 0 (tag byte 0x00)")
    );

    // A ResourceSpans whose inside is broken: prost's message, at its offset.
    let e = run(&[0x0a, 2, 0x0a, 5]).result.unwrap_err();
    assert!(
        e.to_string()
            .starts_with("in.pb: byte 2: invalid protobuf: resource_spans[0]: "),
        "{e}"
    );

    // A length past the end of a bare message.
    let e = run(&[0x0a, 0xff, 0xff, 0x03, 1, 2]).result.unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.pb: byte 1: invalid protobuf: field 1 length 65535 exceeds the remaining 2 bytes"
    );

    // Field 1 with the wrong wire type.
    let e = run(&[0x08, 1]).result.unwrap_err();
    assert!(
        e.to_string()
            .contains("field 1 (resource_spans) has wire type 0"),
        "{e}"
    );

    // A truncated frame header.
    let mut t = good.clone();
    t.extend([0, 0]);
    let e = run(&t).result.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "in.pb: byte {}: truncated frame header: 2 of 4 length bytes",
            good.len()
        )
    );

    // Inside a frame, a field longer than the frame.
    let e = run(&frame(&[0x0a, 10, 0, 0])).result.unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.pb: byte 5: invalid protobuf: field 1 length 10 exceeds the remaining 2 bytes of the frame"
    );
}

/// Through the whole loading path: detection routes every sample here.
#[test]
fn load_detects_and_reads_samples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for (file, spans) in [
        ("otlp-protobuf_TracesData_from-otel-proto-example.binpb", 1),
        (
            "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
            4,
        ),
        (
            "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb",
            24,
        ),
    ] {
        let path = dir.join(file).display().to_string();
        let loaded = crate::input::load(&[path], &crate::input::LoadOptions::default());
        assert!(
            loaded.report.errors.is_empty(),
            "{:?}",
            loaded.report.errors
        );
        assert_eq!(loaded.report.inputs[0].1, crate::formats::Format::OtlpProto);
        assert_eq!(loaded.traces.span_count(), spans);
        assert_eq!(loaded.traces.len(), 1);
    }
}

#[test]
fn empty_input_is_no_spans() {
    let o = run(&[]);
    o.result.unwrap();
    assert!(o.spans.is_empty());
}

/// Inputs longer than the look-ahead, both framings, read through a tiny buffer.
#[test]
fn big_inputs_stream() {
    let one = tiny(&[7; 16], &[8; 8]);
    let mut framed = Vec::new();
    let mut bare = Vec::new();
    while framed.len() < 2 * PEEK {
        framed.extend(frame(&one));
        bare.extend(&one);
    }
    let n = framed.len() / (one.len() + 4);
    for input in [&framed, &bare] {
        let o = run_with(read, input, 1000);
        o.result.unwrap();
        assert_eq!(o.spans.len(), n);
    }
    assert!(is_framed(&framed[..PEEK], false));
    assert!(!is_framed(&bare[..PEEK], false));
}
