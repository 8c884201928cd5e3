//! The backends config file: `ConfigFile::parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tracekit::fuzzing::backend_config(data);
});
