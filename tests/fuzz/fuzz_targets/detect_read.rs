//! What a file input goes through: gzip, format detection from content, the reader, the model.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tracekit::fuzzing::detect_and_read(data);
});
