//! The synthetic shop: services, their endpoints and what each endpoint does, as static tables.
//!
//! A script is a flat list of steps (no nesting, so nothing here needs recursion): each step is
//! a call, a query, a cache command, a message or an in-process operation, optionally repeated
//! (fan-out), optional (probability), or concurrent with the step before it. The tables
//! themselves are in `shop.rs`.

pub use super::shop::*;

/// Language of a service: decides the SDK resource attributes, instrumentation scopes, the
/// HTTP client's user agent and how exceptions and stack traces look.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Lang {
    Python,
    Go,
    Java,
    Node,
}

pub struct LangProfile {
    pub sdk_language: &'static str,
    pub sdk_version: &'static str,
    pub runtime_name: &'static str,
    pub runtime_version: &'static str,
    pub server_scope: (&'static str, &'static str),
    pub client_scope: (&'static str, &'static str),
    pub db_scope: (&'static str, &'static str),
    pub cache_scope: (&'static str, &'static str),
    pub messaging_scope: (&'static str, &'static str),
    pub user_agent: &'static str,
}

pub fn profile(lang: Lang) -> &'static LangProfile {
    match lang {
        Lang::Python => &PYTHON,
        Lang::Go => &GO,
        Lang::Java => &JAVA,
        Lang::Node => &NODE,
    }
}

const PYTHON: LangProfile = LangProfile {
    sdk_language: "python",
    sdk_version: "1.30.0",
    runtime_name: "cpython",
    runtime_version: "3.12.8",
    server_scope: ("opentelemetry.instrumentation.flask", "0.51b0"),
    client_scope: ("opentelemetry.instrumentation.requests", "0.51b0"),
    db_scope: ("opentelemetry.instrumentation.psycopg2", "0.51b0"),
    cache_scope: ("opentelemetry.instrumentation.redis", "0.51b0"),
    messaging_scope: ("opentelemetry.instrumentation.kafka", "0.51b0"),
    user_agent: "python-requests/2.32.3",
};

const GO: LangProfile = LangProfile {
    sdk_language: "go",
    sdk_version: "1.34.0",
    runtime_name: "go",
    runtime_version: "go1.23.5",
    server_scope: (
        "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp",
        "0.59.0",
    ),
    client_scope: (
        "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp",
        "0.59.0",
    ),
    db_scope: ("github.com/XSAM/otelsql", "0.37.0"),
    cache_scope: ("github.com/redis/go-redis/extra/redisotel", "9.7.0"),
    messaging_scope: (
        "go.opentelemetry.io/contrib/instrumentation/github.com/IBM/sarama/otelsarama",
        "0.43.0",
    ),
    user_agent: "Go-http-client/1.1",
};

const JAVA: LangProfile = LangProfile {
    sdk_language: "java",
    sdk_version: "1.46.0",
    runtime_name: "OpenJDK Runtime Environment",
    runtime_version: "21.0.5+11-LTS",
    server_scope: ("io.opentelemetry.tomcat-10.0", "2.12.0-alpha"),
    client_scope: ("io.opentelemetry.java-http-client", "2.12.0-alpha"),
    db_scope: ("io.opentelemetry.jdbc", "2.12.0-alpha"),
    cache_scope: ("io.opentelemetry.lettuce-5.1", "2.12.0-alpha"),
    messaging_scope: ("io.opentelemetry.kafka-clients-2.6", "2.12.0-alpha"),
    user_agent: "Java-http-client/21.0.5",
};

const NODE: LangProfile = LangProfile {
    sdk_language: "nodejs",
    sdk_version: "1.30.1",
    runtime_name: "nodejs",
    runtime_version: "22.13.0",
    server_scope: ("@opentelemetry/instrumentation-http", "0.57.1"),
    client_scope: ("@opentelemetry/instrumentation-http", "0.57.1"),
    db_scope: ("@opentelemetry/instrumentation-pg", "0.50.0"),
    cache_scope: ("@opentelemetry/instrumentation-ioredis", "0.46.0"),
    messaging_scope: ("@opentelemetry/instrumentation-kafkajs", "0.7.0"),
    user_agent: "node",
};

pub struct ServiceDef {
    pub name: &'static str,
    pub version: &'static str,
    pub lang: Lang,
    pub port: i64,
}

pub const FRONTEND: u8 = 0;
pub const CHECKOUT: u8 = 1;
pub const CART: u8 = 2;
pub const CATALOG: u8 = 3;
pub const PAYMENT: u8 = 4;
pub const INVENTORY: u8 = 5;
pub const AUTH: u8 = 6;
pub const WORKER: u8 = 7;

pub const SERVICES: [ServiceDef; 8] = [
    ServiceDef {
        name: "frontend",
        version: "1.14.2",
        lang: Lang::Node,
        port: 8080,
    },
    ServiceDef {
        name: "checkout",
        version: "2.3.1",
        lang: Lang::Go,
        port: 8080,
    },
    ServiceDef {
        name: "cart",
        version: "1.8.0",
        lang: Lang::Python,
        port: 5000,
    },
    ServiceDef {
        name: "catalog",
        version: "3.0.4",
        lang: Lang::Java,
        port: 8080,
    },
    ServiceDef {
        name: "payment",
        version: "2.1.7",
        lang: Lang::Go,
        port: 8080,
    },
    ServiceDef {
        name: "inventory",
        version: "1.5.3",
        lang: Lang::Python,
        port: 5000,
    },
    ServiceDef {
        name: "auth",
        version: "4.2.0",
        lang: Lang::Java,
        port: 8080,
    },
    ServiceDef {
        name: "worker",
        version: "1.2.9",
        lang: Lang::Python,
        port: 0,
    },
];

/// Process instances per service (each a resource with its own instance id and host).
pub const INSTANCES: u8 = 2;

/// What a request carries in its path.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Param {
    None,
    Sku,
    User,
}

#[derive(Copy, Clone, Debug)]
pub enum StepKind {
    Call(u16),
    Db(u16),
    Cache(u16),
    /// Publish a message that the given consumer endpoint processes.
    Publish(u16),
    Internal(u16),
}

#[derive(Copy, Clone, Debug)]
pub struct Step {
    pub kind: StepKind,
    /// Probability that the step happens at all.
    pub p: f32,
    /// How many times (fan-out), inclusive bounds.
    pub fan: (u16, u16),
    /// The fan-out grows with the span budget beyond `fan.1`.
    pub elastic: bool,
    /// The repetitions run concurrently (else one after another, like an N+1 query loop).
    pub concurrent: bool,
    /// The step runs concurrently with the step before it.
    pub par: bool,
}

impl Step {
    const fn new(kind: StepKind) -> Self {
        Step {
            kind,
            p: 1.0,
            fan: (1, 1),
            elastic: false,
            concurrent: false,
            par: false,
        }
    }
    pub(super) const fn maybe(mut self, p: f32) -> Self {
        self.p = p;
        self
    }
    pub(super) const fn fan(mut self, lo: u16, hi: u16) -> Self {
        self.fan = (lo, hi);
        self
    }
    pub(super) const fn elastic(mut self) -> Self {
        self.elastic = true;
        self
    }
    pub(super) const fn concurrent(mut self) -> Self {
        self.concurrent = true;
        self
    }
    pub(super) const fn par(mut self) -> Self {
        self.par = true;
        self
    }
}

pub(super) const fn call(ep: u16) -> Step {
    Step::new(StepKind::Call(ep))
}
pub(super) const fn db(q: u16) -> Step {
    Step::new(StepKind::Db(q))
}
pub(super) const fn cache(c: u16) -> Step {
    Step::new(StepKind::Cache(c))
}
pub(super) const fn publish(ep: u16) -> Step {
    Step::new(StepKind::Publish(ep))
}
pub(super) const fn internal(op: u16) -> Step {
    Step::new(StepKind::Internal(op))
}

/// A SERVER endpoint, or (with `topic`) a message CONSUMER.
pub struct Endpoint {
    pub service: u8,
    pub method: &'static str,
    pub route: &'static str,
    pub param: Param,
    pub topic: Option<&'static str>,
    /// Own work before, between and after the steps, median in ms.
    pub work_ms: f64,
    pub steps: &'static [Step],
}

pub(super) const fn ep(
    service: u8,
    method: &'static str,
    route: &'static str,
    param: Param,
    work_ms: f64,
    steps: &'static [Step],
) -> Endpoint {
    Endpoint {
        service,
        method,
        route,
        param,
        topic: None,
        work_ms,
        steps,
    }
}

pub struct Query {
    pub operation: &'static str,
    pub table: &'static str,
    pub text: &'static str,
    pub median_ms: f64,
}

pub struct CacheCmd {
    pub operation: &'static str,
    pub text: &'static str,
    pub median_ms: f64,
}

/// An in-process operation (INTERNAL span).
pub struct InternalOp {
    pub name: &'static str,
    pub median_ms: f64,
    /// An integer attribute with its range.
    pub attr: Option<(&'static str, i64, i64)>,
    /// A domain event recorded during the operation.
    pub event: Option<&'static str>,
}

/// Static natural subtree sizes per endpoint (span counts at average fan-out, including the
/// SERVER or CONSUMER span itself), computed without recursion by relaxing until stable.
pub fn natural_sizes() -> Vec<f64> {
    let mut size = vec![1.0f64; ENDPOINTS.len()];
    for _ in 0..ENDPOINTS.len() + 1 {
        let mut changed = false;
        for (i, e) in ENDPOINTS.iter().enumerate() {
            let mut s = 1.0;
            for st in e.steps {
                s += f64::from(st.p) * avg_fan(st) * step_size(st, &size);
            }
            if (s - size[i]).abs() > 1e-9 {
                size[i] = s;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    size
}

/// Per endpoint: whether its subtree has an elastic fan-out (can grow with the budget).
pub fn absorbing() -> Vec<bool> {
    let mut grows = vec![false; ENDPOINTS.len()];
    for _ in 0..ENDPOINTS.len() + 1 {
        let mut changed = false;
        for (i, e) in ENDPOINTS.iter().enumerate() {
            let g = e.steps.iter().any(|st| {
                st.elastic || matches!(st.kind, StepKind::Call(x) | StepKind::Publish(x) if grows[x as usize])
            });
            if g != grows[i] {
                grows[i] = g;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    grows
}

pub fn avg_fan(st: &Step) -> f64 {
    (f64::from(st.fan.0) + f64::from(st.fan.1)) / 2.0
}

/// Natural size of one repetition of a step (with its subtree).
pub fn step_size(st: &Step, sizes: &[f64]) -> f64 {
    match st.kind {
        StepKind::Call(e) => 1.0 + sizes[e as usize],
        StepKind::Publish(e) => 1.0 + sizes[e as usize],
        StepKind::Db(_) | StepKind::Cache(_) | StepKind::Internal(_) => 1.0,
    }
}

/// Minimum spans one repetition of a step needs: a call or a message needs both ends.
pub fn step_unit(st: &Step) -> u32 {
    match st.kind {
        StepKind::Call(_) | StepKind::Publish(_) => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_consistent() {
        for e in &ENDPOINTS {
            assert!((e.service as usize) < SERVICES.len());
            for st in e.steps {
                assert!(st.fan.0 >= 1 && st.fan.0 <= st.fan.1);
                match st.kind {
                    StepKind::Call(x) => assert!(ENDPOINTS[x as usize].topic.is_none()),
                    StepKind::Publish(x) => assert!(ENDPOINTS[x as usize].topic.is_some()),
                    StepKind::Db(x) => assert!((x as usize) < QUERIES.len()),
                    StepKind::Cache(x) => assert!((x as usize) < CACHE_CMDS.len()),
                    StepKind::Internal(x) => assert!((x as usize) < INTERNAL_OPS.len()),
                }
            }
        }
        let sizes = natural_sizes();
        // GET /inventory/stock: the server and one query.
        assert_eq!(sizes[INV_STOCK as usize], 2.0);
        // GET /auth/session: server, cache, and a query 15% of the time.
        assert!((sizes[AUTH_SESSION as usize] - 2.15).abs() < 1e-6);
        let grows = absorbing();
        for (e, _) in SCENARIOS {
            assert!(sizes[e as usize] > 8.0, "{}", ENDPOINTS[e as usize].route);
            assert!(grows[e as usize], "{}", ENDPOINTS[e as usize].route);
        }
        assert!(!grows[INV_STOCK as usize] && grows[CART_GET as usize] && grows[CO_PLACE as usize]);
    }
}
