//! HTTP answers of Jaeger, Zipkin and Tempo: the first byte picks the kind, the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tracekit::fuzzing::backend_response(data);
});
