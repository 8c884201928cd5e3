//! `lint --config` files: `LintConfig::parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tracekit::fuzzing::lint_config(data);
});
