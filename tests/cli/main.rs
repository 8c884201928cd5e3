//! The one integration-test binary of tracekit (`cargo test --test cli`).
//!
//! * `samples`: every file of `tests/data`, with numbers computed independently in Python.
//! * `cross_format`: the same trace read from different formats gives the same tree.
//! * `errors`: bad input of every kind gives exit code 3 and one clear line with a position.
//! * `generated`: the committed `completions/` and `man/` match what the binary generates.
//! * `check`: every check rule on hand-made traces, check on every sample, skew recovery, CI reports.
//! * `interop`: real OpenTelemetry-instrumented services (tests/interop/services.py) → tracekit.

mod common;

mod analysis;
mod backend;
mod check;
mod ci_action;
mod ci_gate;
mod cross_format;
mod errors;
mod export;
mod generated;
mod html;
mod interop;
mod lint;
mod readme;
mod replay;
mod roundtrip;
mod rules;
mod samples;
