//! Reading only some span parts (`ReadWants::parts`) gives exactly the full reading with the
//! other parts left out, as for OTLP/JSON (`otlp_json::read` parts tests, same assertions).

use crate::formats::Format;
use crate::formats::test_support::{self, assert_projections, read_bytes, sample, synth};

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = (1..=3)
        .map(|i| {
            let n = format!("generated/jaeger-thrift/jaeger-client-udp-emitBatch-{i}.bin");
            let data = sample(&n);
            (n, data)
        })
        .collect();
    v.push(("synth".into(), synth(Format::JaegerThrift, 3, 40)));
    v
}

#[test]
fn a_projection_is_the_full_reading_without_the_parts_left_out() {
    for (name, data) in inputs() {
        assert_projections(super::read, &name, &data);
    }
}

#[test]
fn the_full_reading_has_the_parts_a_projection_leaves_out() {
    let (full, _, result) = read_bytes(super::read, &synth(Format::JaegerThrift, 3, 40));
    result.unwrap();
    test_support::assert_every_part_is_read(&full);
}
