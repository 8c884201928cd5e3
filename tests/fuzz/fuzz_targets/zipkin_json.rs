//! The Zipkin v1/v2 JSON reader, then the model and `check`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracekit::formats::Format;

fuzz_target!(|data: &[u8]| {
    tracekit::fuzzing::read(Format::Zipkin, data);
});
