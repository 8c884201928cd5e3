//! Throughput of the OTLP/JSON reader on realistic JSON lines (Collector file exporter layout).
//!
//! Generates a JSONL file of realistic spans (about 10 attributes each, hex ids, string nanos,
//! ~100 spans per line in a few resources and scopes) in a temp dir, then reads it through
//! `tracekit::input::load::for_each_batch` with 1 thread, 2 threads and all threads, and prints
//! MB/s (1 MB = 10^6 bytes) and spans/s. Also: the same spans as one streamed document, and the
//! resident memory the loaded model takes per span.
//!
//! ```text
//! cargo bench --bench otlp_jsonl            # 256 MB
//! cargo bench --bench otlp_jsonl -- 1024    # size in MB
//! OTLP_BENCH_MB=64 cargo bench --bench otlp_jsonl
//! OTLP_BENCH_PROFILE=N …                    # only JSON lines with N threads (for perf)
//! OTLP_BENCH_KEEP=1 …                       # the sink keeps the batches (as `load` does)
//! ```                                       # instead of dropping each one as it arrives
//!
//! "MB per CPU-s" divides by the CPU time the process used (all its threads), so it tells what
//! one core does even on a busy machine; wall-clock MB/s needs an idle one.

use std::io::{BufWriter, Write};
use std::time::Instant;

use tracekit::input::load::{LoadOptions, for_each_batch, load};

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}

const SERVICES: &[&str] = &[
    "frontend",
    "checkout",
    "inventory",
    "payments",
    "shipping",
    "accounts",
];
const ROUTES: &[&str] = &[
    "/api/v1/orders/{id}",
    "/api/v1/cart",
    "/api/v1/stock/{sku}",
    "/api/v2/payments/authorize",
    "/healthz",
    "/api/v1/users/{id}/profile",
];
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE"];
const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "python-requests/2.34.2",
    "Go-http-client/1.1",
    "okhttp/4.12.0",
];

fn resource(out: &mut String, service: &str, instance: u64) {
    out.push_str(r#"{"resource":{"attributes":["#);
    let attrs = [
        ("service.name", service.to_string()),
        ("service.version", "2.4.1".to_string()),
        ("service.namespace", "shop".to_string()),
        (
            "service.instance.id",
            format!("{instance:016x}-7c1e-4d7a-9a4e-{instance:012x}"),
        ),
        ("deployment.environment.name", "production".to_string()),
        (
            "host.name",
            format!("ip-10-0-{}-{}.ec2.internal", instance % 250, instance % 200),
        ),
        ("telemetry.sdk.name", "opentelemetry".to_string()),
        ("telemetry.sdk.language", "java".to_string()),
        ("telemetry.sdk.version", "1.45.0".to_string()),
    ];
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#
        ));
    }
    out.push_str(r#"]},"scopeSpans":["#);
}

fn span(out: &mut String, rng: &mut Rng, trace: u128, id: u64, parent: u64, t0: u64) {
    let start = t0 + rng.below(1_000_000_000);
    let dur = 50_000 + rng.below(200_000_000);
    let route = rng.pick(ROUTES);
    let method = rng.pick(METHODS);
    let status = [200, 200, 200, 201, 404, 500][rng.below(6) as usize];
    let kind = 1 + rng.below(5);
    out.push_str(&format!(
        r#"{{"traceId":"{trace:032x}","spanId":"{id:016x}",{parent}"flags":256,"name":"{method} {route}","kind":{kind},"startTimeUnixNano":"{start}","endTimeUnixNano":"{end}","attributes":["#,
        end = start + dur,
        parent = if parent == 0 { String::new() } else { format!(r#""parentSpanId":"{parent:016x}","#) },
    ));
    let attrs = [
        format!(r#"{{"key":"http.request.method","value":{{"stringValue":"{method}"}}}}"#),
        format!(r#"{{"key":"http.route","value":{{"stringValue":"{route}"}}}}"#),
        format!(
            r#"{{"key":"url.path","value":{{"stringValue":"{}"}}}}"#,
            route.replace("{id}", &rng.below(100_000).to_string())
        ),
        format!(r#"{{"key":"http.response.status_code","value":{{"intValue":"{status}"}}}}"#),
        format!(
            r#"{{"key":"server.address","value":{{"stringValue":"{}.internal"}}}}"#,
            rng.pick(SERVICES)
        ),
        format!(
            r#"{{"key":"server.port","value":{{"intValue":"{}"}}}}"#,
            8000 + rng.below(100)
        ),
        r#"{"key":"network.protocol.version","value":{"stringValue":"1.1"}}"#.to_string(),
        format!(
            r#"{{"key":"user_agent.original","value":{{"stringValue":"{}"}}}}"#,
            rng.pick(AGENTS)
        ),
        format!(
            r#"{{"key":"client.address","value":{{"stringValue":"10.{}.{}.{}"}}}}"#,
            rng.below(256),
            rng.below(256),
            rng.below(256)
        ),
        format!(
            r#"{{"key":"app.cache_hit","value":{{"boolValue":{}}}}}"#,
            rng.below(2) == 0
        ),
        format!(
            r#"{{"key":"app.items","value":{{"doubleValue":{}.5}}}}"#,
            rng.below(50)
        ),
    ];
    out.push_str(&attrs.join(","));
    out.push(']');
    if rng.below(5) == 0 {
        out.push_str(&format!(
            r#","events":[{{"timeUnixNano":"{}","name":"cache.miss","attributes":[{{"key":"cache.key","value":{{"stringValue":"k{}"}}}}]}}]"#,
            start + dur / 2,
            rng.below(1000)
        ));
    }
    if status == 500 {
        out.push_str(r#","status":{"message":"internal error","code":2}}"#);
    } else {
        out.push_str(r#","status":{}}"#);
    }
}

/// Traces being written: spans of one trace are spread over lines, as a Collector writes them.
struct Active {
    traces: Vec<(u128, u64, u32)>,
}

impl Active {
    /// A trace id for the next span and its parent (the trace's previous span), about 20 spans
    /// per trace, about 40 traces in flight.
    fn next(&mut self, rng: &mut Rng) -> (u128, u64, u64) {
        let mut i = rng.below(40) as usize;
        if i >= self.traces.len() {
            self.traces.push((
                (u128::from(rng.next()) << 64) | u128::from(rng.next()),
                0,
                0,
            ));
            i = self.traces.len() - 1;
        }
        let (trace, parent, n) = self.traces[i];
        let id = rng.next() | 1;
        if n >= 20 {
            self.traces[i] = (
                (u128::from(rng.next()) << 64) | u128::from(rng.next()),
                0,
                0,
            );
        } else {
            self.traces[i] = (trace, id, n + 1);
        }
        (trace, id, parent)
    }
}

/// One line: a TracesData of 100 spans in 2 resources with 2 scopes each.
fn line(rng: &mut Rng, active: &mut Active, t0: u64) -> (String, u64) {
    let mut out = String::with_capacity(128 << 10);
    out.push_str(r#"{"resourceSpans":["#);
    let mut n = 0;
    for r in 0..2 {
        if r > 0 {
            out.push(',');
        }
        let service = rng.pick(SERVICES);
        resource(&mut out, service, rng.below(8));
        for sc in 0..2 {
            if sc > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                r#"{{"scope":{{"name":"io.opentelemetry.{service}-{sc}","version":"2.8.0"}},"spans":["#
            ));
            for i in 0..25 {
                if i > 0 {
                    out.push(',');
                }
                let (trace, id, parent) = active.next(rng);
                span(&mut out, rng, trace, id, parent, t0);
                n += 1;
            }
            out.push_str("]}");
        }
        out.push_str("]}");
    }
    out.push_str("]}\n");
    (out, n)
}

fn rss_bytes() -> u64 {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = s
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// CPU time (user + system) of this process so far, in seconds (all threads).
fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(11) + field(12);
    ticks as f64 / 100.0
}

/// Best of 3 reads: wall-clock MB/s and spans/s, and MB per CPU-second (what one core does,
/// whatever else the machine is running), printed. Without `show`, one read and nothing printed.
fn measure(label: &str, path: &str, bytes: u64, threads: usize, show: bool) -> (f64, u64) {
    let runs = if show { 3 } else { 1 };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut spans = 0;
    for _ in 0..runs {
        let mut count = 0u64;
        let cpu0 = cpu_seconds();
        let t = Instant::now();
        let report = pool.install(|| {
            for_each_batch(&[path.to_string()], &LoadOptions::default(), &mut |b| {
                count += b.len() as u64
            })
        });
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        assert!(report.errors.is_empty(), "{:?}", report.errors.first());
        best = best.min(secs);
        best_cpu = best_cpu.min(cpu);
        spans = count;
    }
    let mbs = bytes as f64 / 1e6 / best;
    if !show {
        return (mbs, spans);
    }
    println!(
        "{label:<26} {threads:>2} thread(s): {mbs:>7.1} MB/s {:>9.0} spans/s wall | {:>7.1} MB per CPU-s  ({best:.2} s wall, {best_cpu:.2} s CPU)",
        spans as f64 / best,
        bytes as f64 / 1e6 / best_cpu.max(0.01),
    );
    (mbs, spans)
}

fn main() {
    // `cargo bench` builds this with the bench profile (optimised) and passes `--bench`.
    // `cargo test --all-targets` builds it with the test profile (a debug build) and passes no
    // `--bench`: do a 2 MB smoke run there, so the suite checks the benchmark still works
    // without spending minutes on it. Figures are printed only from an optimised `--bench` run:
    // from a smoke run or a debug build they would look like measurements and mean nothing.
    let bench = std::env::args().any(|a| a == "--bench");
    let smoke = !bench;
    let show = bench && !cfg!(debug_assertions);
    let mb: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .or_else(|| std::env::var("OTLP_BENCH_MB").ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    let mb = if smoke { 2 } else { mb };
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("spans.jsonl");
    let doc = dir.path().join("spans.json");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut active = Active { traces: Vec::new() };
    let (mut bytes, mut spans) = (0u64, 0u64);
    {
        let mut lines = BufWriter::new(std::fs::File::create(&jsonl).unwrap());
        let mut single = BufWriter::new(std::fs::File::create(&doc).unwrap());
        single.write_all(b"{\"resourceSpans\":[").unwrap();
        let mut first = true;
        while bytes < mb * 1_000_000 {
            let (l, n) = line(
                &mut rng,
                &mut active,
                1_795_256_544_000_000_000 + spans * 1000,
            );
            lines.write_all(l.as_bytes()).unwrap();
            // The same ResourceSpans in one single-line document (streamed, not line-split).
            let inner = &l[r#"{"resourceSpans":["#.len()..l.len() - 3];
            if !first {
                single.write_all(b",").unwrap();
            }
            first = false;
            single.write_all(inner.as_bytes()).unwrap();
            bytes += l.len() as u64;
            spans += n;
        }
        single.write_all(b"]}\n").unwrap();
    }
    let path = jsonl.to_string_lossy().into_owned();
    let all = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if !show {
        let why = match (smoke, cfg!(debug_assertions)) {
            (true, true) => "test mode, debug build",
            (true, false) => "test mode",
            _ => "debug build",
        };
        let (_, n) = measure("OTLP JSON lines", &path, bytes, all, false);
        assert_eq!(n, spans);
        let doc_path = doc.to_string_lossy().into_owned();
        let doc_bytes = std::fs::metadata(&doc).unwrap().len();
        let (_, n) = measure("one document (streamed)", &doc_path, doc_bytes, 1, false);
        assert_eq!(n, spans);
        let loaded = load(&[path], &LoadOptions::default());
        assert_eq!(loaded.traces.span_count() as u64, spans);
        println!(
            "smoke run ({why}): {spans} spans read, figures not meaningful \
             (cargo bench --bench otlp_jsonl measures)"
        );
        return;
    }
    println!(
        "file: {:.1} MB, {spans} spans, {:.0} bytes/span; {all} cores",
        bytes as f64 / 1e6,
        bytes as f64 / spans as f64,
    );
    let (_, n) = measure("OTLP JSON lines", &path, bytes, 1, true);
    assert_eq!(n, spans);
    // For profiling: only the one-thread JSON lines read, repeated.
    if let Some(v) = std::env::var_os("OTLP_BENCH_PROFILE") {
        let threads = v.to_str().and_then(|s| s.parse().ok()).unwrap_or(1);
        for _ in 0..3 {
            measure("OTLP JSON lines", &path, bytes, threads, true);
        }
        return;
    }
    measure("OTLP JSON lines", &path, bytes, 2, true);
    if all > 2 {
        measure("OTLP JSON lines", &path, bytes, all, true);
    }
    let doc_path = doc.to_string_lossy().into_owned();
    let doc_bytes = std::fs::metadata(&doc).unwrap().len();
    let (_, n) = measure("one document (streamed)", &doc_path, doc_bytes, 1, true);
    assert_eq!(n, spans);

    // Model memory: resident set growth while the loaded traces are held.
    let before = rss_bytes();
    let loaded = load(&[path], &LoadOptions::default());
    let after = rss_bytes();
    let held = loaded.traces.span_count() as u64;
    println!(
        "model memory: {:.0} bytes/span resident ({} spans in {} traces; size_of::<Span>() = {})",
        after.saturating_sub(before) as f64 / held as f64,
        held,
        loaded.traces.len(),
        std::mem::size_of::<tracekit::model::Span>()
    );
}
