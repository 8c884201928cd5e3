//! Every file under `tests/data` (top folder and `generated/`, recursively) is in one of
//! two tables here, and a test fails when a sample is in neither, so new samples cannot be
//! skipped silently.
//!
//! * `SAMPLES`: files that hold spans. Every number in it (span count, trace count, roots,
//!   orphans, Zipkin `shared` halves, error spans, spans per trace, and each `fact(…)`: a span's
//!   parent id, service, name, kind, status, start and duration in ns) was computed independently
//!   of tracekit by `tests/tools/sample_facts.py` — Python's `json` module for the JSON formats, a
//!   small protobuf varint walker for the OTLP protobuf files, a small Thrift compact-protocol
//!   walker for the Jaeger agent datagrams — applying the model conventions of the brief (µs × 1000,
//!   64-bit ids zero-padded, Jaeger parent = first same-trace CHILD_OF else FOLLOWS_FROM, Zipkin
//!   shared halves are two spans, `error` tag ⇒ error status). "roots" are spans without a parent,
//!   "orphans" spans whose parent id is not in their trace; the tree counts Zipkin server halves
//!   under their client half, so neither counts them. The output of the script was copied here.
//! * `NOT_TRACES`: files that are not trace data (READMEs, the capture index, Tempo search / tag /
//!   build-info answers, error bodies, VictoriaTraces service lists). Each must be rejected with
//!   exit code 3 and a message naming the file. `src/formats/detect.rs` calls all of them "not a
//!   trace format" except three: the 0-byte Tempo 404 body ("the input is empty") and the two
//!   VictoriaTraces service lists, `{"data":["checkout",…]}`, which detection routes to the Jaeger
//!   reader because of their `data` key; that reader must reject them (a list of strings where
//!   trace objects belong) with a position.
//!
//! Observations the numbers encode (where the sample READMEs are imprecise):
//! * `otlp-jsonl_jaeger-ui_multi-in.jsonl`: span `49b8e9efa1e8a3b1` IS present (line 3), so the
//!   trace has one root and no orphans.
//! * `zipkin-v2_yelp.json`: 4 `shared` spans; the root `2e8cfb154b59a41f` is a shared server half
//!   whose client half is not in the file, so it stays a root.
//! * `zipkin-v2_smartthings…`: 45 `shared` spans; span ids repeat 40 times as client/server
//!   pairs and once as one client with five shared server halves.
//! * `victoriatraces/traces-notfound.json` is a valid empty Jaeger answer: no spans, no error.

use std::collections::BTreeSet;
use std::path::Path;

use tracekit::formats::Format;
use tracekit::model::tree::{RootReason, TraceTree};

use crate::common::*;

/// One span as `sample_facts.py` decoded it.
#[derive(Clone, Copy, Debug)]
pub struct Fact {
    pub trace: &'static str,
    pub span: &'static str,
    pub parent: Option<&'static str>,
    pub service: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub status: &'static str,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Zipkin server half of a shared span id.
    pub shared: bool,
}

#[allow(clippy::too_many_arguments)]
const fn fact(
    trace: &'static str,
    span: &'static str,
    parent: Option<&'static str>,
    service: &'static str,
    name: &'static str,
    kind: &'static str,
    status: &'static str,
    start_ns: u64,
    duration_ns: u64,
    shared: bool,
) -> Fact {
    Fact {
        trace,
        span,
        parent,
        service,
        name,
        kind,
        status,
        start_ns,
        duration_ns,
        shared,
    }
}

pub struct Sample {
    /// Relative to `tests/data`.
    pub path: &'static str,
    /// The format the input is read as (`report.inputs`); Jaeger api_v3 is read as OTLP JSON.
    pub format: Format,
    pub spans: usize,
    pub traces: usize,
    pub roots: usize,
    pub orphans: usize,
    pub shared: usize,
    pub errors: usize,
    /// Spans per trace id (32 hex), sorted by id.
    pub per_trace: &'static [(&'static str, usize)],
    pub checks: &'static [Fact],
}

#[rustfmt::skip]
pub const SAMPLES: &[Sample] = &[
    Sample {
        path: "jaeger-apiv3_gettrace-response_snapshot.json",
        format: Format::OtlpJson,
        spans: 1, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("00000000000000000000000000000001", 1)],
        checks: &[
            fact("00000000000000000000000000000001", "0000000000000002", None, "", "foobar", "server", "error", 0, 0, false),
        ],
    },
    Sample {
        path: "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
        format: Format::Jaeger,
        spans: 2, traces: 1, roots: 0, orphans: 2, shared: 0, errors: 0,
        per_trace: &[("83a9efd15c1c98a977e0711cc93ee28b", 2)],
        checks: &[
            fact("83a9efd15c1c98a977e0711cc93ee28b", "e127af99e3b3e074", Some("909541b92cf05311"), "telemetrygen", "okey-dokey-0", "server", "unset", 1706678909209712000, 123000, false),
        ],
    },
    Sample {
        path: "jaeger-ui-json_trace-object_ui_01.json",
        format: Format::Jaeger,
        spans: 5, traces: 1, roots: 2, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("00000000000000000000000000000001", 5)],
        checks: &[
            fact("00000000000000000000000000000001", "0000000000000002", None, "service-x", "test-general-conversion", "unspecified", "unset", 1485467191639875000, 5000, false),
            fact("00000000000000000000000000000001", "0000000000000002", None, "service-x", "some-operation", "unspecified", "error", 1485467191639875000, 5000, false),
            // Its first CHILD_OF names another trace (00ff), so the parent is the second one.
            fact("00000000000000000000000000000001", "0000000000000004", Some("0000000000000002"), "service-y", "reference-test", "unspecified", "unset", 1485467191639875000, 5000, false),
            fact("00000000000000000000000000000001", "0000000000000005", Some("0000000000000004"), "service-y", "preserveParentID-test", "unspecified", "unset", 1485467191639875000, 4000, false),
        ],
    },
    Sample {
        path: "otlp-json_jaeger-ui_otlp2jaeger-in.json",
        format: Format::OtlpJson,
        spans: 2, traces: 1, roots: 0, orphans: 2, shared: 0, errors: 0,
        per_trace: &[("83a9efd15c1c98a977e0711cc93ee28b", 2)],
        checks: &[
            fact("83a9efd15c1c98a977e0711cc93ee28b", "e127af99e3b3e074", Some("909541b92cf05311"), "telemetrygen", "okey-dokey-0", "server", "unset", 1706678909209712000, 123000, false),
        ],
    },
    Sample {
        path: "otlp-json_otel-proto-example_trace.json",
        format: Format::OtlpJson,
        spans: 1, traces: 1, roots: 0, orphans: 1, shared: 0, errors: 0,
        per_trace: &[("5b8efff798038103d269b633813fc60c", 1)],
        checks: &[
            fact("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", Some("eee19b7ec3c1b173"), "my.service", "I'm a server span", "server", "unset", 1544712660000000000, 1000000000, false),
        ],
    },
    Sample {
        path: "otlp-jsonl_jaeger-ui_multi-in.jsonl",
        format: Format::OtlpJson,
        spans: 4, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("c620759e5d60fafb8ee0922b30e06bc6", 4)],
        checks: &[
            fact("c620759e5d60fafb8ee0922b30e06bc6", "26f5ef9dbb885479", Some("49b8e9efa1e8a3b1"), "example-trace", "ohboy.do", "internal", "unset", 1711138246978000000, 46460625, false),
            fact("c620759e5d60fafb8ee0922b30e06bc6", "eff3153be6b1fb93", None, "example-trace", "main", "internal", "unset", 1711138246940000000, 176321958, false),
        ],
    },
    Sample {
        path: "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
        format: Format::OtlpProto,
        spans: 1, traces: 1, roots: 0, orphans: 1, shared: 0, errors: 0,
        per_trace: &[("5b8efff798038103d269b633813fc60c", 1)],
        checks: &[
            fact("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", Some("eee19b7ec3c1b173"), "my.service", "I'm a server span", "server", "unset", 1544712660000000000, 1000000000, false),
        ],
    },
    Sample {
        path: "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
        format: Format::OtlpProto,
        spans: 4, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("c620759e5d60fafb8ee0922b30e06bc6", 4)],
        checks: &[
            fact("c620759e5d60fafb8ee0922b30e06bc6", "26f5ef9dbb885479", Some("49b8e9efa1e8a3b1"), "example-trace", "ohboy.do", "internal", "unset", 1711138246978000000, 46460625, false),
            fact("c620759e5d60fafb8ee0922b30e06bc6", "eff3153be6b1fb93", None, "example-trace", "main", "internal", "unset", 1711138246940000000, 176321958, false),
        ],
    },
    Sample {
        path: "tempo-v1-batches_tempopb_trace.json",
        format: Format::Tempo,
        spans: 1, traces: 1, roots: 0, orphans: 1, shared: 0, errors: 0,
        per_trace: &[("5b8efff798038103d269b633813fc60c", 1)],
        checks: &[
            fact("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", Some("eee19b7ec3c1b173"), "my.service", "I'm a server span", "server", "unset", 1544712660000000000, 1000000000, false),
        ],
    },
    Sample {
        path: "tempo-v1-style_DERIVED_base64-ids_enum-names.json",
        format: Format::Tempo,
        spans: 1, traces: 1, roots: 0, orphans: 1, shared: 0, errors: 0,
        per_trace: &[("5b8efff798038103d269b633813fc60c", 1)],
        checks: &[
            fact("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", Some("eee19b7ec3c1b173"), "my.service", "I'm a server span", "server", "unset", 1544712660000000000, 1000000000, false),
        ],
    },
    Sample {
        path: "zipkin-v1_span_from-zipkin-encoder-test.json",
        format: Format::Zipkin,
        spans: 1, traces: 1, roots: 0, orphans: 1, shared: 0, errors: 0,
        per_trace: &[("0000000000000000216a2aea45d08fc9", 1)],
        checks: &[
            fact("0000000000000000216a2aea45d08fc9", "5b4185666d50f68b", Some("6b221d5bc9e6496c"), "frontend", "get", "client", "unset", 1472470996199000000, 207000000, false),
        ],
    },
    Sample {
        path: "zipkin-v2_messaging-128bit.json",
        format: Format::Zipkin,
        spans: 4, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("5aab74dbb904746bb33447baae403ed6", 4)],
        checks: &[
            fact("5aab74dbb904746bb33447baae403ed6", "e457b5a2e4d86bd1", Some("05e3ac9a4f6e3b90"), "backend", "next-message", "consumer", "unset", 1521186011929043000, 14000, false),
            fact("5aab74dbb904746bb33447baae403ed6", "b33447baae403ed6", None, "frontend", "get /", "server", "unset", 1521186011926119000, 2839000, false),
            fact("5aab74dbb904746bb33447baae403ed6", "05e3ac9a4f6e3b90", Some("b33447baae403ed6"), "frontend", "publish", "producer", "unset", 1521186011927475000, 13000, false),
        ],
    },
    Sample {
        path: "zipkin-v2_skew.json",
        format: Format::Zipkin,
        spans: 4, traces: 1, roots: 1, orphans: 0, shared: 1, errors: 0,
        per_trace: &[("00000000000000001e223ff1f80f1c69", 4)],
        checks: &[
            fact("00000000000000001e223ff1f80f1c69", "43210ae0c10d1234", Some("74280ae0c10d8062"), "serviceb", "async", "unspecified", "unset", 1470150004008762000, 65000000, false),
            fact("00000000000000001e223ff1f80f1c69", "bf396325699c84bf", None, "servicea", "get", "server", "unset", 1470150004071068000, 99411000, false),
            fact("00000000000000001e223ff1f80f1c69", "74280ae0c10d8062", Some("bf396325699c84bf"), "serviceb", "post", "server", "unset", 1470150004008761000, 93577000, true),
            fact("00000000000000001e223ff1f80f1c69", "74280ae0c10d8062", Some("bf396325699c84bf"), "servicea", "post", "client", "unset", 1470150004074202000, 94539000, false),
        ],
    },
    Sample {
        path: "zipkin-v2_smartthings-oauth-authorization_175spans.json",
        format: Format::Zipkin,
        spans: 175, traces: 1, roots: 1, orphans: 0, shared: 45, errors: 2,
        per_trace: &[("00000000000000008ce82b2e9ed820ba", 175)],
        checks: &[
            fact("00000000000000008ce82b2e9ed820ba", "c8a2bcb3011b9fcd", Some("54456c991996a6c7"), "auth", "access_token-store-without-refresh", "client", "unset", 1543334727215550000, 3816000, false),
            fact("00000000000000008ce82b2e9ed820ba", "8ce82b2e9ed820ba", None, "datamgmt", "get /oauth/authorize", "server", "unset", 1543334626873100000, 1429000, false),
            fact("00000000000000008ce82b2e9ed820ba", "c47bff7f7964b321", Some("be232464081e613d"), "auth", "post /sso/authenticate", "server", "error", 1543334661606025000, 3041000, true),
            fact("00000000000000008ce82b2e9ed820ba", "54456c991996a6c7", Some("b69b3db88ffa3212"), "auth", "post /tokens/access", "server", "unset", 1543334727210025000, 9644000, true),
        ],
    },
    Sample {
        path: "zipkin-v2_yelp.json",
        format: Format::Zipkin,
        spans: 16, traces: 1, roots: 1, orphans: 0, shared: 4, errors: 0,
        per_trace: &[("0000000000000000a03ee8fff1dcd9b9", 16)],
        checks: &[
            fact("0000000000000000a03ee8fff1dcd9b9", "15fc03927f0f68df", Some("f5f268651b2a2b34"), "mobile_api", "post", "client", "unset", 1571896375322000000, 14000000, false),
            fact("0000000000000000a03ee8fff1dcd9b9", "2e8cfb154b59a41f", None, "routing", "post /location/update/v4", "server", "unset", 1571896375237354000, 131848000, true),
            fact("0000000000000000a03ee8fff1dcd9b9", "7a778764a0d0b594", Some("f5f268651b2a2b34"), "spectre", "get", "server", "unset", 1571896375310740000, 1490000, true),
            fact("0000000000000000a03ee8fff1dcd9b9", "7a778764a0d0b594", Some("f5f268651b2a2b34"), "mobile_api", "get", "client", "unset", 1571896375310000000, 3000000, false),
        ],
    },
    Sample {
        path: "generated/jaeger-thrift/jaeger-client-emitBatch-decoded.json",
        format: Format::JaegerThrift,
        spans: 11, traces: 2, roots: 2, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("00000000000000003241afc70b0e852d", 5), ("00000000000000005fd2313cb180424c", 6)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "75e3c9d04da13a46", Some("f99ba638b1ecfae2"), "legacy-db", "SELECT orders", "server", "unset", 1795256545289981000, 2123000, false),
            fact("00000000000000003241afc70b0e852d", "b1b51c91062c06c7", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545286678000, 6802000, false),
            fact("00000000000000005fd2313cb180424c", "d7d606fac2a6b066", Some("66734ab5b403903d"), "legacy-orders", "render", "unspecified", "error", 1795256545299064000, 43000, false),
            fact("00000000000000003241afc70b0e852d", "e58c9c7ca68509b6", Some("b1b51c91062c06c7"), "legacy-gateway", "call orders", "client", "unset", 1795256545286754000, 5437000, false),
        ],
    },
    Sample {
        path: "generated/jaeger-thrift/jaeger-client-udp-emitBatch-1.bin",
        format: Format::JaegerThrift,
        spans: 2, traces: 2, roots: 0, orphans: 2, shared: 0, errors: 0,
        per_trace: &[("00000000000000003241afc70b0e852d", 1), ("00000000000000005fd2313cb180424c", 1)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "75e3c9d04da13a46", Some("f99ba638b1ecfae2"), "legacy-db", "SELECT orders", "server", "unset", 1795256545289981000, 2123000, false),
        ],
    },
    Sample {
        path: "generated/jaeger-thrift/jaeger-client-udp-emitBatch-2.bin",
        format: Format::JaegerThrift,
        spans: 3, traces: 2, roots: 0, orphans: 2, shared: 0, errors: 1,
        per_trace: &[("00000000000000003241afc70b0e852d", 1), ("00000000000000005fd2313cb180424c", 2)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "f99ba638b1ecfae2", Some("e58c9c7ca68509b6"), "legacy-orders", "ListOrders", "server", "unset", 1795256545286800000, 5359000, false),
            fact("00000000000000005fd2313cb180424c", "d7d606fac2a6b066", Some("66734ab5b403903d"), "legacy-orders", "render", "unspecified", "error", 1795256545299064000, 43000, false),
        ],
    },
    Sample {
        path: "generated/jaeger-thrift/jaeger-client-udp-emitBatch-3.bin",
        format: Format::JaegerThrift,
        spans: 6, traces: 2, roots: 2, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("00000000000000003241afc70b0e852d", 3), ("00000000000000005fd2313cb180424c", 3)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "e58c9c7ca68509b6", Some("b1b51c91062c06c7"), "legacy-gateway", "call orders", "client", "unset", 1795256545286754000, 5437000, false),
            fact("00000000000000003241afc70b0e852d", "b1b51c91062c06c7", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545286678000, 6802000, false),
            fact("00000000000000005fd2313cb180424c", "ccc533455bb134b2", Some("d665f7c5e63aaad9"), "legacy-gateway", "call orders", "client", "unset", 1795256545293678000, 5800000, false),
        ],
    },
    Sample {
        path: "generated/otlp-json/otel-python-file-exporter.jsonl",
        format: Format::OtlpJson,
        spans: 94, traces: 8, roots: 8, orphans: 0, shared: 0, errors: 10,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24), ("13998450bc6817d72b8ff3c6c47d773a", 21), ("38c6c08e70c627fd937d19b8cb66d0da", 1), ("4b9597b07450a5cb508eb927e2d5474f", 1), ("67436b96628fbaa3efcdeef0b6cc6b2d", 1), ("a12870d7e5dd88b5133d7422bb14b64e", 24), ("d0bfd632241ec089649b670d6041e0e4", 21), ("d9483c0ae12ecbe8bdd1c85c9ed47b1b", 1)],
        checks: &[
            fact("13998450bc6817d72b8ff3c6c47d773a", "60ac506e52706173", Some("a2acb8837d0afbbe"), "checkout", "validate-cart", "internal", "unset", 1795256544704228659, 2171965, false),
            fact("38c6c08e70c627fd937d19b8cb66d0da", "ff28297ef9055b23", None, "checkout", "process order.created", "consumer", "unset", 1795256544721078396, 1106376, false),
            fact("13998450bc6817d72b8ff3c6c47d773a", "0d11ee013b1ba12c", Some("a2acb8837d0afbbe"), "checkout", "apply-coupon", "internal", "error", 1795256544706576071, 771541, false),
            fact("13998450bc6817d72b8ff3c6c47d773a", "5748f5e5307c196b", Some("a2acb8837d0afbbe"), "checkout", "charge-card", "client", "unset", 1795256544707489326, 4179684, false),
        ],
    },
    Sample {
        path: "generated/otlp-json/otel-python-merged-resourceSpans.json",
        format: Format::OtlpJson,
        spans: 94, traces: 8, roots: 8, orphans: 0, shared: 0, errors: 10,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24), ("13998450bc6817d72b8ff3c6c47d773a", 21), ("38c6c08e70c627fd937d19b8cb66d0da", 1), ("4b9597b07450a5cb508eb927e2d5474f", 1), ("67436b96628fbaa3efcdeef0b6cc6b2d", 1), ("a12870d7e5dd88b5133d7422bb14b64e", 24), ("d0bfd632241ec089649b670d6041e0e4", 21), ("d9483c0ae12ecbe8bdd1c85c9ed47b1b", 1)],
        checks: &[
            fact("13998450bc6817d72b8ff3c6c47d773a", "60ac506e52706173", Some("a2acb8837d0afbbe"), "checkout", "validate-cart", "internal", "unset", 1795256544704228659, 2171965, false),
            fact("38c6c08e70c627fd937d19b8cb66d0da", "ff28297ef9055b23", None, "checkout", "process order.created", "consumer", "unset", 1795256544721078396, 1106376, false),
            fact("13998450bc6817d72b8ff3c6c47d773a", "0d11ee013b1ba12c", Some("a2acb8837d0afbbe"), "checkout", "apply-coupon", "internal", "error", 1795256544706576071, 771541, false),
            fact("13998450bc6817d72b8ff3c6c47d773a", "5748f5e5307c196b", Some("a2acb8837d0afbbe"), "checkout", "charge-card", "client", "unset", 1795256544707489326, 4179684, false),
        ],
    },
    Sample {
        path: "generated/otlp-json/otel-python-otlp-http-json-body.json",
        format: Format::OtlpJson,
        spans: 4, traces: 1, roots: 0, orphans: 2, shared: 0, errors: 0,
        per_trace: &[("13998450bc6817d72b8ff3c6c47d773a", 4)],
        checks: &[
            fact("13998450bc6817d72b8ff3c6c47d773a", "d5e72f155ff82a7e", Some("22bebc3856add355"), "inventory", "SELECT stock", "client", "unset", 1795256544694448750, 140592, false),
            fact("13998450bc6817d72b8ff3c6c47d773a", "68c0d5bd851d8caa", Some("977131b3fc28621b"), "inventory", "SELECT stock", "client", "unset", 1795256544699446561, 41307, false),
        ],
    },
    Sample {
        path: "generated/zipkin-v2/otel-python-zipkin-exporter.json",
        format: Format::Zipkin,
        spans: 94, traces: 8, roots: 8, orphans: 0, shared: 0, errors: 10,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24), ("13998450bc6817d72b8ff3c6c47d773a", 21), ("38c6c08e70c627fd937d19b8cb66d0da", 1), ("4b9597b07450a5cb508eb927e2d5474f", 1), ("67436b96628fbaa3efcdeef0b6cc6b2d", 1), ("a12870d7e5dd88b5133d7422bb14b64e", 24), ("d0bfd632241ec089649b670d6041e0e4", 21), ("d9483c0ae12ecbe8bdd1c85c9ed47b1b", 1)],
        checks: &[
            fact("13998450bc6817d72b8ff3c6c47d773a", "0859144c147c8fd4", Some("03bcaced8fdadd62"), "frontend", "render-page", "unspecified", "unset", 1795256544686857000, 3195000, false),
            fact("38c6c08e70c627fd937d19b8cb66d0da", "ff28297ef9055b23", None, "checkout", "process order.created", "consumer", "unset", 1795256544721078000, 1106000, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "f2188b33b32e69f4", Some("a020800c36ab2bfb"), "frontend", "load-recommendations", "unspecified", "error", 1795256544760039000, 1350000, false),
            fact("13998450bc6817d72b8ff3c6c47d773a", "b4c14611bca2ae0a", Some("03bcaced8fdadd62"), "frontend", "GET", "client", "unset", 1795256544692096000, 3820000, false),
        ],
    },
    Sample {
        path: "generated/zipkin-v2/py_zipkin-v2.json",
        format: Format::Zipkin,
        spans: 11, traces: 2, roots: 2, orphans: 0, shared: 2, errors: 1,
        per_trace: &[("0000000000000000aae948beea5ddf1e", 6), ("0000000000000000f5c3b274e732dd87", 5)],
        checks: &[
            fact("0000000000000000f5c3b274e732dd87", "3c0b2377fe9cc8aa", Some("343a11c96ce72e06"), "pz-inventory", "cache lookup", "unspecified", "unset", 1795256546927431000, 2165000, false),
            fact("0000000000000000f5c3b274e732dd87", "b903d3ce091d1c5b", None, "pz-web", "GET /catalog", "server", "unset", 1795256546923085000, 10247000, false),
            fact("0000000000000000aae948beea5ddf1e", "9eab63ac2e479f28", Some("2be2d9b8176b12e9"), "pz-web", "charge", "unspecified", "error", 1795256546942463000, 4000, false),
            fact("0000000000000000f5c3b274e732dd87", "343a11c96ce72e06", Some("b903d3ce091d1c5b"), "pz-inventory", "GET /items", "server", "unset", 1795256546927403000, 2307000, true),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-00000000000000003241afc70b0e852d.json",
        format: Format::Tempo,
        spans: 5, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("00000000000000003241afc70b0e852d", 5)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "f99ba638b1ecfae2", Some("e58c9c7ca68509b6"), "legacy-orders", "ListOrders", "server", "unset", 1795256545286800000, 5359000, false),
            fact("00000000000000003241afc70b0e852d", "b1b51c91062c06c7", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545286678000, 6802000, false),
            fact("00000000000000003241afc70b0e852d", "e58c9c7ca68509b6", Some("b1b51c91062c06c7"), "legacy-gateway", "call orders", "client", "unset", 1795256545286754000, 5437000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-00000000000000003241afc70b0e852d.json",
        format: Format::Tempo,
        spans: 5, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("00000000000000003241afc70b0e852d", 5)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "f99ba638b1ecfae2", Some("e58c9c7ca68509b6"), "legacy-orders", "ListOrders", "server", "unset", 1795256545286800000, 5359000, false),
            fact("00000000000000003241afc70b0e852d", "b1b51c91062c06c7", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545286678000, 6802000, false),
            fact("00000000000000003241afc70b0e852d", "e58c9c7ca68509b6", Some("b1b51c91062c06c7"), "legacy-gateway", "call orders", "client", "unset", 1795256545286754000, 5437000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-00000000000000005fd2313cb180424c.json",
        format: Format::Tempo,
        spans: 6, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("00000000000000005fd2313cb180424c", 6)],
        checks: &[
            fact("00000000000000005fd2313cb180424c", "df5ae332a6524724", Some("66734ab5b403903d"), "legacy-db", "SELECT orders", "server", "unset", 1795256545296894000, 2114000, false),
            fact("00000000000000005fd2313cb180424c", "d665f7c5e63aaad9", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545293526000, 7149000, false),
            fact("00000000000000005fd2313cb180424c", "d7d606fac2a6b066", Some("66734ab5b403903d"), "legacy-orders", "render", "unspecified", "error", 1795256545299064000, 43000, false),
            fact("00000000000000005fd2313cb180424c", "ccc533455bb134b2", Some("d665f7c5e63aaad9"), "legacy-gateway", "call orders", "client", "unset", 1795256545293678000, 5800000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-00000000000000005fd2313cb180424c.json",
        format: Format::Tempo,
        spans: 6, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("00000000000000005fd2313cb180424c", 6)],
        checks: &[
            fact("00000000000000005fd2313cb180424c", "df5ae332a6524724", Some("66734ab5b403903d"), "legacy-db", "SELECT orders", "server", "unset", 1795256545296894000, 2114000, false),
            fact("00000000000000005fd2313cb180424c", "d665f7c5e63aaad9", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545293526000, 7149000, false),
            fact("00000000000000005fd2313cb180424c", "d7d606fac2a6b066", Some("66734ab5b403903d"), "legacy-orders", "render", "unspecified", "error", 1795256545299064000, 43000, false),
            fact("00000000000000005fd2313cb180424c", "ccc533455bb134b2", Some("d665f7c5e63aaad9"), "legacy-gateway", "call orders", "client", "unset", 1795256545293678000, 5800000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-0000000000000000aae948beea5ddf1e.json",
        format: Format::Tempo,
        spans: 6, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("0000000000000000aae948beea5ddf1e", 6)],
        checks: &[
            fact("0000000000000000aae948beea5ddf1e", "2be2d9b8176b12e9", None, "pz-web", "GET /catalog", "server", "unset", 1795256546935743000, 6775000, false),
            fact("0000000000000000aae948beea5ddf1e", "9eab63ac2e479f28", Some("2be2d9b8176b12e9"), "pz-web", "charge", "unspecified", "error", 1795256546942463000, 4000, false),
            fact("0000000000000000aae948beea5ddf1e", "d0b576da11c73ae2", Some("2be2d9b8176b12e9"), "pz-web", "GET /items", "client", "unset", 1795256546937007000, 5378000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-0000000000000000aae948beea5ddf1e.json",
        format: Format::Tempo,
        spans: 6, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("0000000000000000aae948beea5ddf1e", 6)],
        checks: &[
            fact("0000000000000000aae948beea5ddf1e", "2be2d9b8176b12e9", None, "pz-web", "GET /catalog", "server", "unset", 1795256546935743000, 6775000, false),
            fact("0000000000000000aae948beea5ddf1e", "9eab63ac2e479f28", Some("2be2d9b8176b12e9"), "pz-web", "charge", "unspecified", "error", 1795256546942463000, 4000, false),
            fact("0000000000000000aae948beea5ddf1e", "d0b576da11c73ae2", Some("2be2d9b8176b12e9"), "pz-web", "GET /items", "client", "unset", 1795256546937007000, 5378000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-0000000000000000f5c3b274e732dd87.json",
        format: Format::Tempo,
        spans: 5, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("0000000000000000f5c3b274e732dd87", 5)],
        checks: &[
            fact("0000000000000000f5c3b274e732dd87", "b903d3ce091d1c5b", None, "pz-web", "GET /catalog", "server", "unset", 1795256546923085000, 10247000, false),
            fact("0000000000000000f5c3b274e732dd87", "343a11c96ce72e06", Some("b903d3ce091d1c5b"), "pz-web", "GET /items", "client", "unset", 1795256546924295000, 8888000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-0000000000000000f5c3b274e732dd87.json",
        format: Format::Tempo,
        spans: 5, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("0000000000000000f5c3b274e732dd87", 5)],
        checks: &[
            fact("0000000000000000f5c3b274e732dd87", "b903d3ce091d1c5b", None, "pz-web", "GET /catalog", "server", "unset", 1795256546923085000, 10247000, false),
            fact("0000000000000000f5c3b274e732dd87", "343a11c96ce72e06", Some("b903d3ce091d1c5b"), "pz-web", "GET /items", "client", "unset", 1795256546924295000, 8888000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.json",
        format: Format::Tempo,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24)],
        checks: &[
            fact("0cb0f836124d98d806e10d0ea1575e6a", "edcf63aedd41aa1b", Some("014f6736b929dc83"), "inventory", "SELECT stock", "client", "unset", 1795256544733599193, 64170, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "aa1a63b2da8215a8", None, "web-client", "user-journey", "internal", "unset", 1795256544725651935, 39184826, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "ea3747b9000224d7", Some("aa1a63b2da8215a8"), "web-client", "GET", "client", "error", 1795256544758346223, 6352861, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "f53ad8357b1972f3", Some("ff605a33a9b8fd7a"), "inventory", "SELECT stock", "client", "unset", 1795256544736864048, 32541, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-0cb0f836124d98d806e10d0ea1575e6a.json",
        format: Format::Tempo,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24)],
        checks: &[
            fact("0cb0f836124d98d806e10d0ea1575e6a", "edcf63aedd41aa1b", Some("014f6736b929dc83"), "inventory", "SELECT stock", "client", "unset", 1795256544733599193, 64170, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "aa1a63b2da8215a8", None, "web-client", "user-journey", "internal", "unset", 1795256544725651935, 39184826, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "ea3747b9000224d7", Some("aa1a63b2da8215a8"), "web-client", "GET", "client", "error", 1795256544758346223, 6352861, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "f53ad8357b1972f3", Some("ff605a33a9b8fd7a"), "inventory", "SELECT stock", "client", "unset", 1795256544736864048, 32541, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-38c6c08e70c627fd937d19b8cb66d0da.json",
        format: Format::Tempo,
        spans: 1, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("38c6c08e70c627fd937d19b8cb66d0da", 1)],
        checks: &[
            fact("38c6c08e70c627fd937d19b8cb66d0da", "ff28297ef9055b23", None, "checkout", "process order.created", "consumer", "unset", 1795256544721078396, 1106376, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-38c6c08e70c627fd937d19b8cb66d0da.json",
        format: Format::Tempo,
        spans: 1, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("38c6c08e70c627fd937d19b8cb66d0da", 1)],
        checks: &[
            fact("38c6c08e70c627fd937d19b8cb66d0da", "ff28297ef9055b23", None, "checkout", "process order.created", "consumer", "unset", 1795256544721078396, 1106376, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-a12870d7e5dd88b5133d7422bb14b64e.json",
        format: Format::Tempo,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("a12870d7e5dd88b5133d7422bb14b64e", 24)],
        checks: &[
            fact("a12870d7e5dd88b5133d7422bb14b64e", "8bb3f15ccf37c188", None, "web-client", "user-journey", "internal", "unset", 1795256544804318783, 49247843, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "acf589e635cdf695", Some("8bb3f15ccf37c188"), "web-client", "GET", "client", "error", 1795256544846347588, 7082794, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "f87d09be506f4a38", Some("8bb3f15ccf37c188"), "web-client", "GET", "client", "unset", 1795256544807063087, 34705495, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-v2-traces-a12870d7e5dd88b5133d7422bb14b64e.json",
        format: Format::Tempo,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("a12870d7e5dd88b5133d7422bb14b64e", 24)],
        checks: &[
            fact("a12870d7e5dd88b5133d7422bb14b64e", "8bb3f15ccf37c188", None, "web-client", "user-journey", "internal", "unset", 1795256544804318783, 49247843, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "acf589e635cdf695", Some("8bb3f15ccf37c188"), "web-client", "GET", "client", "error", 1795256544846347588, 7082794, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "f87d09be506f4a38", Some("8bb3f15ccf37c188"), "web-client", "GET", "client", "unset", 1795256544807063087, 34705495, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb",
        format: Format::OtlpProto,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24)],
        checks: &[
            fact("0cb0f836124d98d806e10d0ea1575e6a", "edcf63aedd41aa1b", Some("014f6736b929dc83"), "inventory", "SELECT stock", "client", "unset", 1795256544733599193, 64170, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "aa1a63b2da8215a8", None, "web-client", "user-journey", "internal", "unset", 1795256544725651935, 39184826, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "ea3747b9000224d7", Some("aa1a63b2da8215a8"), "web-client", "GET", "client", "error", 1795256544758346223, 6352861, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "f53ad8357b1972f3", Some("ff605a33a9b8fd7a"), "inventory", "SELECT stock", "client", "unset", 1795256544736864048, 32541, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-00000000000000003241afc70b0e852d.json",
        format: Format::Jaeger,
        spans: 5, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("00000000000000003241afc70b0e852d", 5)],
        checks: &[
            fact("00000000000000003241afc70b0e852d", "b1b51c91062c06c7", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545286678000, 6802000, false),
            fact("00000000000000003241afc70b0e852d", "e58c9c7ca68509b6", Some("b1b51c91062c06c7"), "legacy-gateway", "call orders", "client", "unset", 1795256545286754000, 5437000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-00000000000000005fd2313cb180424c.json",
        format: Format::Jaeger,
        spans: 6, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("00000000000000005fd2313cb180424c", 6)],
        checks: &[
            fact("00000000000000005fd2313cb180424c", "d665f7c5e63aaad9", None, "legacy-gateway", "GET /api/orders", "server", "unset", 1795256545293526000, 7149000, false),
            fact("00000000000000005fd2313cb180424c", "d7d606fac2a6b066", Some("66734ab5b403903d"), "legacy-orders", "render", "unspecified", "error", 1795256545299064000, 43000, false),
            fact("00000000000000005fd2313cb180424c", "ccc533455bb134b2", Some("d665f7c5e63aaad9"), "legacy-gateway", "call orders", "client", "unset", 1795256545293678000, 5800000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-0000000000000000aae948beea5ddf1e.json",
        format: Format::Jaeger,
        spans: 6, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 1,
        per_trace: &[("0000000000000000aae948beea5ddf1e", 6)],
        checks: &[
            fact("0000000000000000aae948beea5ddf1e", "d0b576da11c73ae2", Some("2be2d9b8176b12e9"), "pz-web", "GET /items", "client", "unset", 1795256546937007000, 5378000, false),
            fact("0000000000000000aae948beea5ddf1e", "2be2d9b8176b12e9", None, "pz-web", "GET /catalog", "server", "unset", 1795256546935743000, 6775000, false),
            fact("0000000000000000aae948beea5ddf1e", "9eab63ac2e479f28", Some("2be2d9b8176b12e9"), "pz-web", "charge", "unspecified", "error", 1795256546942463000, 4000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-0000000000000000f5c3b274e732dd87.json",
        format: Format::Jaeger,
        spans: 5, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("0000000000000000f5c3b274e732dd87", 5)],
        checks: &[
            fact("0000000000000000f5c3b274e732dd87", "343a11c96ce72e06", Some("b903d3ce091d1c5b"), "pz-web", "GET /items", "client", "unset", 1795256546924295000, 8888000, false),
            fact("0000000000000000f5c3b274e732dd87", "b903d3ce091d1c5b", None, "pz-web", "GET /catalog", "server", "unset", 1795256546923085000, 10247000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-0cb0f836124d98d806e10d0ea1575e6a.json",
        format: Format::Jaeger,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24)],
        checks: &[
            fact("0cb0f836124d98d806e10d0ea1575e6a", "9b328fa6d968be02", Some("7216c456e5b181b8"), "checkout", "validate-cart", "internal", "unset", 1795256544740555000, 2159000, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "aa1a63b2da8215a8", None, "web-client", "user-journey", "internal", "unset", 1795256544725651000, 39184000, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "a020800c36ab2bfb", Some("ea3747b9000224d7"), "frontend", "GET /broken", "server", "error", 1795256544759305000, 4450000, false),
            fact("0cb0f836124d98d806e10d0ea1575e6a", "af5f66877295aaec", Some("25b8c59e92c85b87"), "frontend", "POST", "client", "unset", 1795256544738502000, 16611000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-38c6c08e70c627fd937d19b8cb66d0da.json",
        format: Format::Jaeger,
        spans: 1, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 0,
        per_trace: &[("38c6c08e70c627fd937d19b8cb66d0da", 1)],
        checks: &[
            fact("38c6c08e70c627fd937d19b8cb66d0da", "ff28297ef9055b23", None, "checkout", "process order.created", "consumer", "unset", 1795256544721078000, 1106000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-a12870d7e5dd88b5133d7422bb14b64e.json",
        format: Format::Jaeger,
        spans: 24, traces: 1, roots: 1, orphans: 0, shared: 0, errors: 4,
        per_trace: &[("a12870d7e5dd88b5133d7422bb14b64e", 24)],
        checks: &[
            fact("a12870d7e5dd88b5133d7422bb14b64e", "78ee76cf7333190f", Some("7c3909ac01771fae"), "checkout", "validate-cart", "internal", "unset", 1795256544823267000, 2156000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "8bb3f15ccf37c188", None, "web-client", "user-journey", "internal", "unset", 1795256544804318000, 49247000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "b418f356b482b051", Some("acf589e635cdf695"), "frontend", "GET /broken", "server", "error", 1795256544847267000, 2351000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "1eaa21b61fc187a3", Some("cb38641f330401dd"), "frontend", "POST", "client", "unset", 1795256544821138000, 18474000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-notfound.json",
        format: Format::Jaeger,
        spans: 0, traces: 0, roots: 0, orphans: 0, shared: 0, errors: 0,
        per_trace: &[],
        checks: &[
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-search-frontend.json",
        format: Format::Jaeger,
        spans: 90, traces: 4, roots: 4, orphans: 0, shared: 0, errors: 10,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24), ("13998450bc6817d72b8ff3c6c47d773a", 21), ("a12870d7e5dd88b5133d7422bb14b64e", 24), ("d0bfd632241ec089649b670d6041e0e4", 21)],
        checks: &[
            fact("a12870d7e5dd88b5133d7422bb14b64e", "78ee76cf7333190f", Some("7c3909ac01771fae"), "checkout", "validate-cart", "internal", "unset", 1795256544823267000, 2156000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "8bb3f15ccf37c188", None, "web-client", "user-journey", "internal", "unset", 1795256544804318000, 49247000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "b418f356b482b051", Some("acf589e635cdf695"), "frontend", "GET /broken", "server", "error", 1795256544847267000, 2351000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "1eaa21b61fc187a3", Some("cb38641f330401dd"), "frontend", "POST", "client", "unset", 1795256544821138000, 18474000, false),
        ],
    },
    Sample {
        path: "generated/backend-responses/victoriatraces/traces-search-op-minduration.json",
        format: Format::Jaeger,
        spans: 90, traces: 4, roots: 4, orphans: 0, shared: 0, errors: 10,
        per_trace: &[("0cb0f836124d98d806e10d0ea1575e6a", 24), ("13998450bc6817d72b8ff3c6c47d773a", 21), ("a12870d7e5dd88b5133d7422bb14b64e", 24), ("d0bfd632241ec089649b670d6041e0e4", 21)],
        checks: &[
            fact("a12870d7e5dd88b5133d7422bb14b64e", "78ee76cf7333190f", Some("7c3909ac01771fae"), "checkout", "validate-cart", "internal", "unset", 1795256544823267000, 2156000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "8bb3f15ccf37c188", None, "web-client", "user-journey", "internal", "unset", 1795256544804318000, 49247000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "b418f356b482b051", Some("acf589e635cdf695"), "frontend", "GET /broken", "server", "error", 1795256544847267000, 2351000, false),
            fact("a12870d7e5dd88b5133d7422bb14b64e", "1eaa21b61fc187a3", Some("cb38641f330401dd"), "frontend", "POST", "client", "unset", 1795256544821138000, 18474000, false),
        ],
    },
];

/// How a non-trace file is rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reject {
    /// Detection: text that is no trace format ("not a trace format: the content is plain text").
    Text,
    /// Detection: a JSON document without trace keys ("not a trace format: a JSON object …").
    Json,
    /// Detection: a 0-byte file ("the input is empty").
    Empty,
    /// `{"data":[…strings…]}`: detected as Jaeger by its `data` key; the Jaeger reader rejects it.
    JaegerShaped,
}

pub const NOT_TRACES: &[(&str, Reject)] = &[
    ("README.md", Reject::Text),
    ("generated/README.md", Reject::Text),
    // A JSON list of {backend, file, status, content_type, request, accept}.
    ("generated/backend-responses/index.json", Reject::Json),
    (
        "generated/backend-responses/tempo/api-echo.txt",
        Reject::Text,
    ),
    (
        "generated/backend-responses/tempo/api-search-tag-service.name-values.json",
        Reject::Json,
    ),
    (
        "generated/backend-responses/tempo/api-search-tags-names.json",
        Reject::Json,
    ),
    // {"traces":[{traceID, rootServiceName, …}]}: search results, not spans.
    (
        "generated/backend-responses/tempo/api-search-tags.json",
        Reject::Json,
    ),
    (
        "generated/backend-responses/tempo/api-search-traceql-bad.txt",
        Reject::Text,
    ),
    (
        "generated/backend-responses/tempo/api-search-traceql.json",
        Reject::Json,
    ),
    (
        "generated/backend-responses/tempo/api-status-buildinfo.json",
        Reject::Json,
    ),
    (
        "generated/backend-responses/tempo/api-traces-badid.txt",
        Reject::Text,
    ),
    (
        "generated/backend-responses/tempo/api-traces-notfound.txt",
        Reject::Empty,
    ),
    (
        "generated/backend-responses/tempo/api-v2-search-tag-resource.service.name-values.json",
        Reject::Json,
    ),
    (
        "generated/backend-responses/tempo/api-v2-search-tags.json",
        Reject::Json,
    ),
    (
        "generated/backend-responses/victoriatraces/dependencies.txt",
        Reject::Text,
    ),
    (
        "generated/backend-responses/victoriatraces/services-frontend-operations.json",
        Reject::JaegerShaped,
    ),
    (
        "generated/backend-responses/victoriatraces/services.json",
        Reject::JaegerShaped,
    ),
];

/// Every file under the sample folder, relative, `/`-separated, sorted.
fn all_sample_files() -> Vec<String> {
    let root = samples_dir();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&root).unwrap();
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_sample_file_is_covered() {
    let files = all_sample_files();
    assert!(
        files.len() > 60,
        "only {} files under {}: is tests/data complete?",
        files.len(),
        samples_dir().display()
    );
    let known: BTreeSet<&str> = SAMPLES
        .iter()
        .map(|s| s.path)
        .chain(NOT_TRACES.iter().map(|r| r.0))
        .collect();
    assert_eq!(
        known.len(),
        SAMPLES.len() + NOT_TRACES.len(),
        "a file is listed twice"
    );
    let missing: Vec<&String> = files
        .iter()
        .filter(|f| !known.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "sample files not covered by tests/cli/samples.rs (add them to SAMPLES with numbers computed by \
         tests/tools/sample_facts.py, or to NOT_TRACES): {missing:#?}"
    );
    let gone: Vec<&&str> = known
        .iter()
        .filter(|k| !files.iter().any(|f| f == *k))
        .collect();
    assert!(
        gone.is_empty(),
        "listed in tests/cli/samples.rs but not in the sample folder: {gone:#?}"
    );
}

fn abs(rel: &str) -> String {
    sample(rel)
}

/// Compare what the library read from one sample with the table.
fn check_sample(s: &Sample, f: &mut Failures) {
    let path = abs(s.path);
    let loaded = load_paths(std::slice::from_ref(&path));
    let r = &loaded.report;
    let ctx = s.path;
    if !r.errors.is_empty() {
        f.push(format!(
            "{ctx}: read errors:\n  {}",
            r.errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n  ")
        ));
        return;
    }
    let formats: Vec<Format> = r.inputs.iter().map(|i| i.1).collect();
    f.check(formats == [s.format], || {
        format!("{ctx}: read as {formats:?}, expected {:?}", s.format)
    });
    f.check(r.spans == s.spans as u64, || {
        format!("{ctx}: report.spans {} != {}", r.spans, s.spans)
    });
    let t = &loaded.traces;
    f.check(t.span_count() == s.spans, || {
        format!("{ctx}: {} spans, expected {}", t.span_count(), s.spans)
    });
    f.check(t.len() == s.traces, || {
        format!("{ctx}: {} traces, expected {}", t.len(), s.traces)
    });
    let mut per: Vec<(String, usize)> = t
        .traces()
        .iter()
        .map(|tr| (tr.trace_id.to_string(), tr.spans.len()))
        .collect();
    per.sort();
    let want: Vec<(String, usize)> = s
        .per_trace
        .iter()
        .map(|(id, n)| (id.to_string(), *n))
        .collect();
    f.check(per == want, || {
        format!("{ctx}: spans per trace {per:?}, expected {want:?}")
    });

    let (mut roots, mut orphans, mut shared, mut errors) = (0, 0, 0, 0);
    for tr in t.traces() {
        let tree = TraceTree::build(tr);
        roots += tree
            .roots
            .iter()
            .filter(|r| r.1 == RootReason::Root)
            .count();
        orphans += tree
            .roots
            .iter()
            .filter(|r| r.1 == RootReason::Orphan)
            .count();
        shared += tr.spans.iter().filter(|s| s.shared).count();
        errors += tr.spans.iter().filter(|s| s.is_error()).count();
    }
    f.check(roots == s.roots, || {
        format!("{ctx}: {roots} roots, expected {}", s.roots)
    });
    f.check(orphans == s.orphans, || {
        format!("{ctx}: {orphans} orphans, expected {}", s.orphans)
    });
    f.check(shared == s.shared, || {
        format!("{ctx}: {shared} shared spans, expected {}", s.shared)
    });
    f.check(errors == s.errors, || {
        format!("{ctx}: {errors} error spans, expected {}", s.errors)
    });

    for c in s.checks {
        let Some(tr) = t.get(trace_id(c.trace)) else {
            f.push(format!("{ctx}: trace {} missing", c.trace));
            continue;
        };
        let cands = spans_with_id(tr, c.span);
        let Some(sp) = cands
            .iter()
            .find(|x| &*x.name == c.name && x.shared == c.shared)
        else {
            f.push(format!(
                "{ctx}: span {} {:?} (shared {}) missing; spans with that id: {:?}",
                c.span,
                c.name,
                c.shared,
                cands
                    .iter()
                    .map(|x| (&*x.name, x.shared))
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        let got = (
            sp.parent_span_id.map(|p| p.to_string()),
            &*sp.service,
            sp.kind.as_str(),
            sp.status.code.as_str(),
            sp.start_ns,
            sp.duration_ns(),
        );
        let want = (
            c.parent.map(str::to_string),
            c.service,
            c.kind,
            c.status,
            c.start_ns,
            c.duration_ns,
        );
        f.check(got == want, || {
            format!(
                "{ctx}: span {} {:?}: got (parent, service, kind, status, start_ns, duration_ns) = {got:?}, expected {want:?}",
                c.span, c.name
            )
        });
    }
}

fn check_format(format: Format) {
    let mut f = Failures::default();
    let mut n = 0;
    for s in SAMPLES.iter().filter(|s| s.format == format) {
        n += 1;
        check_sample(s, &mut f);
    }
    assert!(n > 0, "no samples of {format:?}");
    f.finish(&format!("{n} {} samples", format.name()));
}

#[test]
fn samples_otlp_json() {
    check_format(Format::OtlpJson);
}

#[test]
fn samples_otlp_proto() {
    check_format(Format::OtlpProto);
}

#[test]
fn samples_jaeger_json() {
    check_format(Format::Jaeger);
}

#[test]
fn samples_zipkin() {
    check_format(Format::Zipkin);
}

#[test]
fn samples_tempo() {
    check_format(Format::Tempo);
}

#[test]
fn samples_jaeger_thrift() {
    check_format(Format::JaegerThrift);
}

/// Detection alone rejects these (no reader involved): library level.
#[test]
fn non_trace_files_are_rejected_by_detection() {
    let mut f = Failures::default();
    for (rel, how) in NOT_TRACES.iter().filter(|r| r.1 != Reject::JaegerShaped) {
        let path = abs(rel);
        let loaded = load_paths(std::slice::from_ref(&path));
        let r = &loaded.report;
        f.check(r.inputs.is_empty() && r.spans == 0, || {
            format!("{rel}: was read as {:?}", r.inputs)
        });
        let msgs: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
        let expect = if *how == Reject::Empty {
            "empty"
        } else {
            "not a trace format"
        };
        f.check(
            r.errors.len() == 1
                && &*r.errors[0].file == path.as_str()
                && r.errors[0].message.contains(expect),
            || {
                format!(
                    "{rel}: expected one error naming the file and saying {expect:?}, got {msgs:?}"
                )
            },
        );
    }
    f.finish("non-trace files");
}

/// `{"data":["checkout",…]}` looks like a Jaeger answer; the Jaeger reader must say where it is
/// not one.
#[test]
fn jaeger_shaped_service_lists_are_rejected_by_the_reader() {
    let mut f = Failures::default();
    for (rel, _) in NOT_TRACES.iter().filter(|r| r.1 == Reject::JaegerShaped) {
        let path = abs(rel);
        let loaded = load_paths(std::slice::from_ref(&path));
        let msgs: Vec<String> = loaded.report.errors.iter().map(|e| e.to_string()).collect();
        f.check(loaded.traces.span_count() == 0, || {
            format!("{rel}: spans were read")
        });
        f.check(
            !msgs.is_empty()
                && msgs.iter().all(|m| m.contains(path.as_str()))
                && msgs.iter().any(|m| m.contains("data[0]") || m.contains("not a trace")),
            || format!("{rel}: expected an error naming the file and `data[0]` (or \"not a trace\"), got {msgs:?}"),
        );
    }
    f.finish("service lists");
}

/// The binary: every non-trace file given explicitly → exit 3, one error line naming it.
#[test]
fn cli_rejects_non_trace_files() {
    let mut f = Failures::default();
    for (rel, how) in NOT_TRACES {
        let path = abs(rel);
        let r = run(["show", path.as_str()]);
        let lines = r.error_lines();
        let expect: &[&str] = match how {
            Reject::Empty => &["empty"],
            Reject::JaegerShaped => &["data[0]", "not a trace"],
            _ => &["not a trace format"],
        };
        // Exactly one error line names the file (a second one, e.g. "no trace to show" after a
        // Jaeger-shaped file was read without spans, may follow).
        let mine: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.contains(path.as_str()))
            .collect();
        f.check(
            r.code == Some(3)
                && r.stdout.is_empty()
                && mine.len() == 1
                && lines.len() <= 2
                && expect.iter().any(|e| mine[0].contains(e)),
            || format!("{rel}: expected exit 3 and one error line naming the file and saying one of {expect:?}\n{}", r.describe()),
        );
    }
    f.finish("non-trace files through the CLI");
}

/// In a directory, files of unknown format are skipped with a warning and the rest is shown.
#[test]
fn cli_skips_non_trace_files_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut skipped = Vec::new();
    for (rel, how) in NOT_TRACES.iter().filter(|r| r.1 != Reject::JaegerShaped) {
        let name = format!(
            "{:02}-{}",
            skipped.len(),
            Path::new(rel).file_name().unwrap().to_string_lossy()
        );
        std::fs::copy(abs(rel), dir.path().join(&name)).unwrap();
        skipped.push((name, *how));
    }
    std::fs::copy(
        abs("otlp-json_otel-proto-example_trace.json"),
        dir.path().join("zz-good.json"),
    )
    .unwrap();
    let r = run([
        "show",
        dir.path().to_str().unwrap(),
        "--trace",
        "5b8efff798038103d269b633813fc60c",
        "--format",
        "json",
    ]);
    assert_eq!(
        r.code,
        Some(0),
        "unknown files in a directory are warnings, not errors\n{}",
        r.describe()
    );
    let doc = parse_show(&serde_json::from_str(&r.stdout).expect("stdout is JSON"));
    assert_eq!(doc.spans.len(), 1);
    for (name, _) in &skipped {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains("warning") && l.contains(name.as_str())),
            "no warning naming {name}\n{}",
            r.describe()
        );
    }
}

/// `show --format json` agrees with the table, for one sample of every format.
#[test]
fn cli_show_json_matches_facts() {
    let cases: &[(&str, &str)] = &[
        (
            "otlp-json_otel-proto-example_trace.json",
            "5b8efff798038103d269b633813fc60c",
        ),
        (
            "otlp-jsonl_jaeger-ui_multi-in.jsonl",
            "c620759e5d60fafb8ee0922b30e06bc6",
        ),
        (
            "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
            "c620759e5d60fafb8ee0922b30e06bc6",
        ),
        (
            "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
            "5b8efff798038103d269b633813fc60c",
        ),
        (
            "jaeger-apiv3_gettrace-response_snapshot.json",
            "00000000000000000000000000000001",
        ),
        // 64-bit trace id given with 16 digits.
        ("jaeger-ui-json_trace-object_ui_01.json", "0000000000000001"),
        (
            "tempo-v1-style_DERIVED_base64-ids_enum-names.json",
            "5b8efff798038103d269b633813fc60c",
        ),
        (
            "zipkin-v1_span_from-zipkin-encoder-test.json",
            "216a2aea45d08fc9",
        ),
        (
            "zipkin-v2_messaging-128bit.json",
            "5aab74dbb904746bb33447baae403ed6",
        ),
        ("zipkin-v2_skew.json", "1e223ff1f80f1c69"),
        (
            "generated/jaeger-thrift/jaeger-client-udp-emitBatch-3.bin",
            "3241afc70b0e852d",
        ),
        (
            "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb",
            "0cb0f836124d98d806e10d0ea1575e6a",
        ),
        (
            "generated/backend-responses/victoriatraces/traces-0000000000000000aae948beea5ddf1e.json",
            "aae948beea5ddf1e",
        ),
    ];
    let mut f = Failures::default();
    for (rel, trace) in cases {
        let sample = SAMPLES.iter().find(|s| s.path == *rel).unwrap();
        let padded = format!("{trace:0>32}");
        let r = run([
            "show",
            abs(rel).as_str(),
            "--trace",
            trace,
            "--format",
            "json",
        ]);
        if r.code != Some(0) {
            f.push(format!("{rel}: show failed\n{}", r.describe()));
            continue;
        }
        let doc = parse_show(&serde_json::from_str(&r.stdout).expect("stdout is JSON"));
        f.check(doc.trace_id == padded, || {
            format!("{rel}: trace_id {} != {padded}", doc.trace_id)
        });
        let want_n = sample
            .per_trace
            .iter()
            .find(|p| p.0 == padded)
            .map(|p| p.1)
            .unwrap();
        f.check(doc.spans.len() == want_n, || {
            format!("{rel}: {} spans, expected {want_n}", doc.spans.len())
        });
        for sp in &doc.spans {
            f.check(sp.self_ns <= sp.duration_ns, || {
                format!("{rel}: {} self_ns > duration_ns", sp.span_id)
            });
            f.check(
                (sp.depth == 0)
                    == sp
                        .parent_span_id
                        .as_ref()
                        .is_none_or(|p| !doc.spans.iter().any(|o| &o.span_id == p)),
                || {
                    format!(
                        "{rel}: {} depth {} disagrees with its parent {:?}",
                        sp.span_id, sp.depth, sp.parent_span_id
                    )
                },
            );
        }
        for c in sample.checks.iter().filter(|c| c.trace == padded) {
            let Some(sp) = doc
                .spans
                .iter()
                .find(|s| s.span_id == c.span && s.operation == c.name && s.shared == c.shared)
            else {
                f.push(format!(
                    "{rel}: span {} {:?} missing from show JSON",
                    c.span, c.name
                ));
                continue;
            };
            let service = if c.service.is_empty() {
                sp.service.as_str()
            } else {
                c.service
            };
            let parent_ok = c.shared || sp.parent_span_id.as_deref() == c.parent;
            f.check(
                parent_ok
                    && sp.service == service
                    && sp.kind == c.kind
                    && sp.status == c.status
                    && sp.start_ns == c.start_ns
                    && sp.duration_ns == c.duration_ns,
                || {
                    format!(
                        "{rel}: span {} {:?}: got {sp:?}, expected {c:?}",
                        c.span, c.name
                    )
                },
            );
        }
    }
    f.finish("show JSON vs facts");
}

/// Zipkin shared halves in `show`: the server half (`"shared": true`) is one level below its
/// client half, and the spans naming the shared id hang below the server half. Depths computed
/// with Python from the file (tree rules of the SPEC "Inputs").
#[test]
fn cli_show_json_zipkin_shared_pairs() {
    #[rustfmt::skip]
    let depths: &[(&str, bool, &str, u64)] = &[
        ("15fc03927f0f68df", false, "post", 3),
        ("7a778764a0d0b594", false, "get", 3),
        ("7a778764a0d0b594", true, "get", 4),
        ("6a65182ea4f684c3", false, "set mobile_api_nonce", 3),
        ("cb4d73f31cd90cae", false, "get_multi mobile_api_nonce", 3),
        ("f5f268651b2a2b34", true, "post /location/update/v4", 2),
        ("f5f268651b2a2b34", false, "post", 1),
        ("0facde7c9130fd93", false, "get_multi my_cache_name_v1", 4),
        ("50b57281525a99d8", false, "commit", 4),
        ("2b68987704862c4f", false, "get user_details_cache-20150901", 4),
        ("241cea1aa4cb2884", false, "txn: user_get_basic_and_scout_info", 3),
        ("b593cd7513dc736e", false, "begin", 4),
        ("e7d1a2d5a788ac81", false, "get my_cache_name_v2", 3),
        ("668ed78ad94b35a1", true, "post api proxy proxy", 2),
        ("668ed78ad94b35a1", false, "post", 1),
        ("2e8cfb154b59a41f", true, "post /location/update/v4", 0),
    ];
    let doc = show_json(&[&abs("zipkin-v2_yelp.json")], "a03ee8fff1dcd9b9");
    assert_eq!(doc.trace_id, "0000000000000000a03ee8fff1dcd9b9");
    assert_eq!(doc.spans.len(), 16);
    assert_eq!(
        doc.spans.iter().filter(|s| s.shared).count(),
        4,
        "four server halves are marked shared"
    );
    let mut got: Vec<(String, bool, String, u64)> = doc
        .spans
        .iter()
        .map(|s| (s.span_id.clone(), s.shared, s.operation.clone(), s.depth))
        .collect();
    let mut want: Vec<(String, bool, String, u64)> = depths
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), *b, c.to_string(), *d))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// A 64-bit trace is the same trace whether asked for with 16 or 32 digits, and JSON prints 32.
#[test]
fn cli_64_bit_trace_ids_are_zero_padded() {
    let files: Vec<String> = (1..=3)
        .map(|i| {
            abs(&format!(
                "generated/jaeger-thrift/jaeger-client-udp-emitBatch-{i}.bin"
            ))
        })
        .collect();
    let srcs: Vec<&str> = files.iter().map(String::as_str).collect();
    let short = show_json(&srcs, "3241afc70b0e852d");
    let long = show_json(&srcs, "00000000000000003241afc70b0e852d");
    assert_eq!(short.trace_id, "00000000000000003241afc70b0e852d");
    assert_eq!(short.spans, long.spans);
    // 5 spans of this trace over the three datagrams (1 + 1 + 3; sample_facts.py).
    assert_eq!(short.spans.len(), 5);
    let roots: Vec<&ShowSpan> = short.spans.iter().filter(|s| s.depth == 0).collect();
    assert_eq!(roots.len(), 1, "{roots:?}");
    let root = roots[0];
    assert_eq!(
        (
            root.span_id.as_str(),
            root.parent_span_id.as_deref(),
            root.depth
        ),
        ("b1b51c91062c06c7", None, 0)
    );
    assert_eq!(
        (
            root.service.as_str(),
            root.operation.as_str(),
            root.kind.as_str()
        ),
        ("legacy-gateway", "GET /api/orders", "server")
    );
    assert_eq!(
        (root.start_ns, root.duration_ns),
        (1795256545286678000, 6802000)
    );
}
