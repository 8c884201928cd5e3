//! Test-only: build model traces in code (readers are not needed to test renderers), on the
//! span builder of [`crate::model::testkit`], with one shared resource per service.

use std::collections::HashMap;
use std::sync::Arc;

pub use crate::model::testkit::BASE_NS;
use crate::model::testkit::span;
use crate::model::{KeyValue, Resource, Span, SpanId, Trace, TraceId, Value};

pub struct TraceBuilder {
    trace: Trace,
    resources: HashMap<String, Arc<Resource>>,
}

impl TraceBuilder {
    pub fn new(trace_id: u128) -> Self {
        TraceBuilder {
            trace: Trace::new(TraceId(trace_id)),
            resources: HashMap::new(),
        }
    }

    /// Add a span starting `start_us` after [`BASE_NS`] and lasting `dur_us`; returns it for
    /// further changes.
    pub fn span(
        &mut self,
        id: u64,
        parent: Option<u64>,
        service: &str,
        name: &str,
        start_us: u64,
        dur_us: u64,
    ) -> &mut Span {
        let mut s = span(id)
            .trace(self.trace.trace_id.0)
            .parent(parent)
            .service(service)
            .name(name)
            .start(start_us)
            .duration(dur_us)
            .build();
        s.resource = self
            .resources
            .entry(service.to_string())
            .or_insert_with(|| {
                Arc::new(Resource {
                    attributes: vec![KeyValue::new("service.name", Value::from(service))],
                    ..Resource::default()
                })
            })
            .clone();
        self.trace.spans.push(s);
        let last = self.trace.spans.len() - 1;
        &mut self.trace.spans[last]
    }

    pub fn build(self) -> Trace {
        self.trace
    }
}

/// A checkout request across seven services: a failed payment (error span with an exception
/// event), an orphan whose parent was lost, a child that outlives its parent, a zero-length span,
/// attributes of several types and a link.
pub fn realistic() -> Trace {
    use crate::model::{Event, Link, Scope, SpanKind::*, StatusCode};
    let mut b = TraceBuilder::new(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736);
    let http = Arc::new(Scope {
        name: "io.opentelemetry.http".into(),
        version: Some("1.32.0".into()),
        ..Scope::default()
    });
    {
        let s = b.span(0x01, None, "frontend", "GET /checkout", 0, 250_000);
        s.kind = Server;
        s.scope = http.clone();
        s.attributes
            .push(KeyValue::new("http.method", Value::from("GET")));
        s.attributes
            .push(KeyValue::new("http.status_code", Value::Int(502)));
        s.attributes
            .push(KeyValue::new("sampled", Value::Bool(true)));
    }
    b.span(0x02, Some(0x01), "frontend", "cache.lookup", 3_000, 0)
        .kind = Internal;
    b.span(
        0x03,
        Some(0x01),
        "frontend",
        "HTTP POST checkout",
        5_000,
        235_000,
    )
    .kind = Client;
    b.span(
        0x04,
        Some(0x03),
        "checkout",
        "POST /api/checkout",
        8_000,
        230_000,
    )
    .kind = Server;
    {
        let s = b.span(
            0x05,
            Some(0x04),
            "checkout",
            "SELECT orders",
            10_000,
            20_000,
        );
        s.kind = Client;
        s.attributes
            .push(KeyValue::new("db.system", Value::from("postgresql")));
        s.attributes.push(KeyValue::new("db.rows", Value::Int(3)));
        s.attributes
            .push(KeyValue::new("db.cost", Value::Double(1.5)));
    }
    b.span(0x06, Some(0x04), "checkout", "cart.GetCart", 32_000, 28_000)
        .kind = Client;
    b.span(
        0x07,
        Some(0x06),
        "cart",
        "CartService/GetCart",
        34_000,
        24_000,
    )
    .kind = Server;
    b.span(0x08, Some(0x07), "redis", "GET cart:42", 36_000, 4_000)
        .kind = Client;
    {
        let s = b.span(
            0x09,
            Some(0x04),
            "checkout",
            "payment.Charge",
            62_000,
            138_000,
        );
        s.kind = Client;
        s.status.code = StatusCode::Error;
    }
    {
        let s = b.span(
            0x0a,
            Some(0x09),
            "payment",
            "PaymentService/Charge",
            64_000,
            134_000,
        );
        s.kind = Server;
        s.status.code = StatusCode::Error;
        s.status.message = Some("card declined".into());
        s.events.push(Event {
            time_ns: BASE_NS + 197_000_000,
            name: "exception".into(),
            attributes: vec![
                KeyValue::new("exception.type", Value::from("CardDeclined")),
                KeyValue::new("exception.message", Value::from("insufficient funds")),
            ],
            dropped_attributes_count: 0,
        });
    }
    b.span(0x0b, Some(0x0a), "payment", "fraud-check", 70_000, 50_000)
        .kind = Internal;
    b.span(
        0x0c,
        Some(0x0a),
        "payment",
        "POST /v1/charges",
        121_000,
        76_000,
    )
    .kind = Client;
    {
        let s = b.span(
            0x0d,
            Some(0x04),
            "checkout",
            "orders publish",
            205_000,
            2_000,
        );
        s.kind = Producer;
        s.attributes.push(KeyValue::new(
            "messaging.destination",
            Value::from("orders"),
        ));
    }
    {
        // Asynchronous work that outlives the request: ends after its parent.
        let s = b.span(
            0x0e,
            Some(0x04),
            "email",
            "send confirmation",
            236_000,
            34_000,
        );
        s.kind = Consumer;
        s.links.push(Link {
            trace_id: crate::model::TraceId(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
            span_id: SpanId(0x0d),
            kind: crate::model::RefKind::Link,
            trace_state: None,
            attributes: vec![],
            dropped_attributes_count: 0,
            flags: 0,
        });
    }
    // Its parent was never received.
    b.span(
        0x0f,
        Some(0xdead_beef),
        "shipping",
        "quote",
        100_000,
        50_000,
    )
    .kind = Server;
    b.build()
}
