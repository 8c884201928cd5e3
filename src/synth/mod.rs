//! Deterministic, realistic synthetic traces (`tracekit synth`), generated one trace at a time.
//!
//! A small online shop: a Node.js `frontend` gateway calls `auth`, `catalog`, `cart`,
//! `inventory`, `checkout` and `payment` (Python, Go, Java) over HTTP; services query PostgreSQL
//! and Redis (CLIENT spans); `checkout` publishes to Kafka and a `worker` consumes in the same
//! trace. Errors start somewhere and propagate to the callers (or are retried), durations are
//! log-normal per operation with network time around every call.
//!
//! The same [`Config`] gives the same traces on every machine: the generator uses its own PRNG
//! ([`rng`]) and no platform math. Memory is bounded by one trace.

pub mod args;
mod emit;
mod errors;
pub mod faults;
mod plan;
pub mod rng;
mod shop;
pub mod topology;
mod world;

use std::sync::Arc;

pub use faults::Faults;

use crate::model::{SpanId, Trace, TraceId};
use emit::Emitter;
use plan::Planner;
use rng::Rng;
use world::World;

/// 2026-01-15T10:00:00Z: the default start of the first trace.
pub const DEFAULT_START_SECS: u64 = 1_768_471_200;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Realistic requests of about `spans` spans.
    Mixed,
    /// One root with `spans - 1` direct children.
    Wide,
    /// One chain `spans` levels deep.
    Deep,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub seed: u64,
    pub traces: u64,
    /// Spans per trace: exact for wide and deep, the mean target for mixed.
    pub spans: u32,
    pub shape: Shape,
    /// Share of requests that fail.
    pub error_rate: f64,
    /// Start of the first trace, Unix ns.
    pub start_ns: u64,
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            traces: 10,
            spans: 30,
            shape: Shape::Mixed,
            error_rate: 0.05,
            start_ns: DEFAULT_START_SECS * 1_000_000_000,
            faults: Faults::default(),
        }
    }
}

/// Names of the services the generator uses (for `--skew`).
pub fn service_names() -> Vec<&'static str> {
    topology::SERVICES.iter().map(|s| s.name).collect()
}

const STREAM_WORLD: u64 = 1;
const STREAM_TRACE: u64 = 2;
/// Share of requests that link to the user's previous request (another trace).
const LINK_RATE: f64 = 0.05;

/// Yields the configured traces one at a time.
pub struct Generator {
    cfg: Config,
    world: World,
    planner: Planner,
    emitter: Emitter,
    skew: Vec<(Arc<str>, i64)>,
    index: u64,
    next_start: u64,
    prev_root: Option<(TraceId, SpanId)>,
}

fn check_rate(name: &str, r: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&r) {
        Ok(())
    } else {
        Err(format!("{name} must be between 0 and 1, got {r}"))
    }
}

impl Generator {
    pub fn new(cfg: Config) -> Result<Self, String> {
        check_rate("the error rate", cfg.error_rate)?;
        check_rate("the drop rate", cfg.faults.drop_rate)?;
        check_rate("the duplicate-id rate", cfg.faults.duplicate_ids)?;
        check_rate("the missing-root rate", cfg.faults.missing_root_rate)?;
        if cfg.spans == 0 {
            return Err("spans per trace must be at least 1".into());
        }
        let world = World::new(&mut Rng::derive(cfg.seed, STREAM_WORLD, 0));
        let mut skew = Vec::new();
        for (name, off) in &cfg.faults.skew {
            let Some(svc) = world.service_names.iter().find(|s| ***s == **name) else {
                return Err(format!(
                    "unknown service {name:?} in --skew; the services are: {}",
                    service_names().join(", ")
                ));
            };
            if skew.iter().any(|(s, _)| Arc::ptr_eq(s, svc)) {
                return Err(format!("service {name:?} is given twice in --skew"));
            }
            skew.push((svc.clone(), *off));
        }
        Ok(Generator {
            planner: Planner::new(cfg.error_rate),
            next_start: cfg.start_ns,
            cfg,
            world,
            emitter: Emitter::default(),
            skew,
            index: 0,
            prev_root: None,
        })
    }

    /// Plan, time and emit trace number `self.index`, without faults.
    fn generate(&mut self) -> Trace {
        let mut rng = Rng::derive(self.cfg.seed, STREAM_TRACE, self.index);
        let trace_id = TraceId((u128::from(rng.nonzero_u64()) << 64) | u128::from(rng.next_u64()));
        let start = self.next_start;
        // Requests arrive a few tens of milliseconds apart.
        self.next_start = self.next_start.saturating_add(rng.duration_ns(40.0, 1.0));
        let n = self.cfg.spans;
        match self.cfg.shape {
            Shape::Mixed => {
                // Traces vary in size around the target.
                let target = (f64::from(n) * (0.75 + 0.5 * rng.unit())).round() as u32;
                self.planner.plan_mixed(&mut rng, target.max(1));
            }
            Shape::Wide => self.planner.plan_wide(&mut rng, n),
            Shape::Deep => self.planner.plan_deep(&mut rng, n),
        }
        self.planner.time(&mut rng, start);
        let link = self.prev_root.filter(|_| rng.chance(LINK_RATE));
        let spans = self
            .emitter
            .emit(&self.world, &self.planner.nodes, &mut rng, trace_id, link);
        self.prev_root = spans
            .iter()
            .find(|s| s.parent_span_id.is_none())
            .map(|s| (trace_id, s.span_id));
        Trace { trace_id, spans }
    }
}

impl Iterator for Generator {
    type Item = Trace;

    fn next(&mut self) -> Option<Trace> {
        if self.index >= self.cfg.traces {
            return None;
        }
        let mut trace = self.generate();
        if !self.cfg.faults.is_empty() {
            faults::apply(
                &mut trace.spans,
                &self.cfg.faults,
                &self.skew,
                self.cfg.seed,
                self.index,
            );
        }
        self.index += 1;
        Some(trace)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.cfg.traces - self.index).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_faults;
