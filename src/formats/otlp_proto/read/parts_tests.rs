//! Reading only some span parts (`ReadWants::parts`) gives exactly the full reading with the
//! other parts left out, as for OTLP/JSON (`otlp_json::read` parts tests, same assertions).

use crate::formats::Format;
use crate::formats::test_support::{self, assert_projections, read_bytes, sample, synth};

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = [
        "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
        "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
        "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb",
    ]
    .iter()
    .map(|n| (n.to_string(), sample(n)))
    .collect();
    v.push(("synth".into(), synth(Format::OtlpProto, 3, 40)));
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
    let (full, _, result) = read_bytes(super::read, &synth(Format::OtlpProto, 3, 40));
    result.unwrap();
    test_support::assert_every_part_is_read(&full);
}
