//! The integration tests that drive a real external consumer or producer of tracekit's formats
//! (`cargo test --test external`): a harness of its own (libtest-mimic) so that a test whose tool
//! is missing shows as ignored, with the reason, in the summary, and fails under `CI=true`
//! (`tools.rs` says how, and how to add a tool). Everything else is in `tests/cli`.
//!
//! * `interop`: real OpenTelemetry-instrumented services (tests/interop/services.py) → tracekit.
//! * `ci_gate`: `gate` and `diff` on two runs of those services, one with injected faults.
//! * `html`: the HTML export in headless Chromium, the Mermaid export in mermaid-cli, the Chrome
//!   trace-event export in speedscope.
//! * `action`: the GitHub Action and the README's example workflow through actionlint and
//!   ShellCheck.
//! * `check`: SARIF reports through the SARIF 2.1.0 validator (SARIF multitool).
//!
//! The usual test-binary arguments work (a name filter, `--exact`, `--skip`, `--list`,
//! `--test-threads`, which `RUST_TEST_THREADS` sets when absent).

// Shared with `tests/cli`; this binary uses only some of it.
#[allow(dead_code)]
#[path = "../cli/common.rs"]
mod common;
mod tools;

mod action;
mod check;
mod ci_gate;
mod html;
mod interop;

use libtest_mimic::{Arguments, Trial};
use tools::{Tool, trial};

/// A trial named `module::function` (as `cargo test` names tests, so that filters work) that
/// needs these tools.
macro_rules! external {
    ($module:ident :: $test:ident, $needs:expr) => {
        trial(
            concat!(stringify!($module), "::", stringify!($test)),
            $needs,
            $module::$test,
        )
    };
}

fn trials() -> Vec<Trial> {
    use Tool::*;
    vec![
        external!(
            action::example_workflow_passes_actionlint,
            &[Actionlint, Shellcheck]
        ),
        external!(action::action_scripts_pass_shellcheck, &[Shellcheck]),
        external!(
            check::sarif_passes_the_sarif_multitool_validator,
            &[SarifMultitool]
        ),
        external!(
            ci_gate::gate_and_diff_catch_a_slowed_dependency_and_a_missing_attribute,
            &[OtelPython]
        ),
        external!(
            html::chrome_export_loads_in_speedscope,
            &[Speedscope, Chromium]
        ),
        external!(
            html::html_export_renders_in_headless_chromium_without_network,
            &[Chromium]
        ),
        external!(
            html::mermaid_export_renders_with_mermaid_cli,
            &[MermaidCli, Chromium]
        ),
        external!(
            interop::real_otel_services_give_the_expected_trees,
            &[OtelPython]
        ),
    ]
}

fn main() {
    let mut args = Arguments::from_args();
    if args.test_threads.is_none() {
        args.test_threads = std::env::var("RUST_TEST_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|&n| n > 0);
    }
    libtest_mimic::run(&args, trials()).exit();
}
