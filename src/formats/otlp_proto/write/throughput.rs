use std::io::{BufReader, BufWriter};
use std::time::Instant;

use super::*;
use crate::formats::{Format, ReadCtx, read_format};
use crate::model::{Event, SpanId, SpanKind, StatusCode, TraceId};

fn synthetic_trace(n: u64, resources: &[(Arc<str>, Arc<Resource>)], scope: &Arc<Scope>) -> Trace {
    let trace_id =
        TraceId(u128::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) | 1);
    let spans = (0..20u64)
        .map(|i| {
            let mut s = Span::new(trace_id, SpanId(n * 100 + i + 1));
            s.parent_span_id = (i > 0).then(|| SpanId(n * 100 + i / 2 + 1));
            let (svc, res) = &resources[(i % resources.len() as u64) as usize];
            s.service = svc.clone();
            s.resource = res.clone();
            s.scope = scope.clone();
            s.name = Arc::from(format!("GET /api/v1/items/{}", i % 7).as_str());
            s.kind = if i % 2 == 0 {
                SpanKind::Server
            } else {
                SpanKind::Client
            };
            s.start_ns = 1_700_000_000_000_000_000 + n * 1_000_000 + i * 1000;
            s.end_ns = s.start_ns + 123_456 + i;
            s.flags = 0x301;
            if i == 3 {
                s.status.code = StatusCode::Error;
                s.status.message = Some("boom".into());
            }
            s.attributes = vec![
                KeyValue::new("http.method", Value::from("GET")),
                KeyValue::new("http.route", Value::from("/api/v1/items/{id}")),
                KeyValue::new("http.status_code", Value::Int(200)),
                KeyValue::new("net.peer.name", Value::from("backend.internal")),
                KeyValue::new("net.peer.port", Value::Int(8080)),
                KeyValue::new("user_agent.original", Value::from("python-requests/2.31.0")),
                KeyValue::new("request.size", Value::Int(i64::try_from(n).unwrap_or(0))),
                KeyValue::new("cache.hit", Value::Bool(i % 3 == 0)),
            ];
            s.events = vec![Event {
                time_ns: s.start_ns + 10_000,
                name: Arc::from("log"),
                attributes: vec![KeyValue::new("message", Value::from("handled request"))],
                dropped_attributes_count: 0,
            }];
            s
        })
        .collect();
    Trace { trace_id, spans }
}

/// CPU time of this thread (user + system), from /proc: the machine may be shared, so
/// wall time alone says little.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<f64> = after.split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name; 100 ticks/s.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn measure(format: Format, path: &std::path::Path) -> (u64, f64, f64) {
    let mut spans = 0u64;
    let mut warnings = Vec::new();
    let cpu = cpu_secs();
    let started = Instant::now();
    {
        let mut sink = |b: Vec<Span>| spans += b.len() as u64;
        let mut ctx = ReadCtx {
            source: Arc::from("bench"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: Default::default(),
        };
        let mut input = BufReader::with_capacity(256 * 1024, std::fs::File::open(path).unwrap());
        read_format(format, &mut input, &mut ctx).unwrap();
    }
    assert!(warnings.is_empty());
    (spans, started.elapsed().as_secs_f64(), cpu_secs() - cpu)
}

#[test]
#[ignore = "slow: measures read throughput on a large generated file"]
fn throughput() {
    let mb: u64 = std::env::var("TRACEKIT_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let resources: Vec<(Arc<str>, Arc<Resource>)> =
        ["frontend", "checkout", "inventory", "payments"]
            .iter()
            .map(|s| {
                let attrs = vec![
                    KeyValue::new("service.name", Value::from(*s)),
                    KeyValue::new("host.name", Value::from("node-17.example")),
                    KeyValue::new("telemetry.sdk.language", Value::from("python")),
                    KeyValue::new("service.version", Value::from("1.4.2")),
                ];
                (
                    Arc::from(*s),
                    Arc::new(Resource {
                        attributes: attrs,
                        ..Resource::default()
                    }),
                )
            })
            .collect();
    let scope = Arc::new(Scope {
        name: Arc::from("shop"),
        version: Some("0.1.0".into()),
        ..Scope::default()
    });
    let dir = tempfile::tempdir().unwrap();
    for (format, wf, name) in [
        (
            Format::OtlpProto,
            crate::formats::Format::OtlpProto,
            "big.pb",
        ),
        (
            Format::JaegerThrift,
            crate::formats::Format::JaegerThrift,
            "big.thrift",
        ),
    ] {
        let path = dir.path().join(name);
        {
            let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
            let mut w = crate::formats::writer(wf, &mut out);
            let mut n = 0;
            while n % 1000 != 0 || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) < mb << 20
            {
                w.write_trace(&synthetic_trace(n, &resources, &scope))
                    .unwrap();
                n += 1;
            }
            w.finish().unwrap();
        }
        let size = std::fs::metadata(&path).unwrap().len();
        // Warm the page cache, then measure.
        let _ = measure(format, &path);
        let (spans, secs, cpu) = measure(format, &path);
        let mb = size as f64 / 1e6;
        println!(
            "{}: {mb:.1} MB, {spans} spans; wall {secs:.2} s = {:.0} MB/s; cpu {cpu:.2} s = {:.0} MB/s, {:.2} M spans/s",
            format.name(),
            mb / secs,
            mb / cpu.max(0.01),
            spans as f64 / 1e6 / cpu.max(0.01)
        );
    }
}
