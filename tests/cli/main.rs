//! The main integration-test binary of tracekit (`cargo test --test cli`). The tests that need an
//! external tool (a browser, the OpenTelemetry Python SDK, a validator) are in `tests/external`.
//!
//! * `samples`: every file of `tests/data`, with numbers computed independently in Python.
//! * `cross_format`: the same trace read from different formats gives the same tree.
//! * `errors`: bad input of every kind gives exit code 3 and one clear line with a position.
//! * `generated`: the committed `completions/` and `man/` match what the binary generates.
//! * `check`: every check rule on hand-made traces, check on every sample, skew recovery, CI reports.
//! * `html`: the HTML export's page is self-contained.
//! * `ci_action`: the GitHub Action's steps run with bash; `readme`: every README example.
//! * `outputs`: closed pipes, and the one rule for every file written (atomic, devices in
//!   place, through symlinks, never over an input, exit 5 on write errors).
//! * `schema`: every typed command's JSON output validates against `tracekit schema CMD`.
//! * `big`: a 200,000-deep parent chain through every command (no recursion on the stack).
//! * `projection`: commands read only the span parts they use.
//! * `window`: `check` and `skew` give the same bytes whatever the trace window, also on
//!   interleaved traces.
//! * `usage`: inputs without spans, durations without a unit, `--trace` prefixes, widths.
//! * `lookup`: `--trace` on JSON lines gives the same output with and without the prefilter;
//!   gzip input gives the same spans as plain.
//!
//! proptest saves the seed of a failing case under `tests/proptest-regressions/` (properties in
//! `src/`: `proptest-regressions/`) and replays it first on later runs; commit such a file only
//! when it records a real bug (see `.gitignore`).

mod common;

mod analysis;
mod backend;
mod big;
mod check;
mod ci_action;
mod cross_format;
mod errors;
mod export;
mod generated;
mod html;
mod limits;
mod lint;
mod lookup;
mod mapped;
mod outputs;
mod projection;
mod readme;
mod replay;
mod roundtrip;
mod rules;
mod samples;
mod schema;
mod usage;
mod window;
