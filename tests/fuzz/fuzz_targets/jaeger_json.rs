//! The Jaeger query/UI JSON reader (and api_v3 `{"result": …}`), then the model and `check`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracekit::formats::Format;

fuzz_target!(|data: &[u8]| {
    tracekit::fuzzing::read(Format::Jaeger, data);
});
