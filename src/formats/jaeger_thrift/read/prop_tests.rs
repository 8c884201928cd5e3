//! Thrift messages read in parallel runs give exactly what the one-buffer reader before gave
//! (`reference`): the same spans, warnings and error, on written messages, on mutations of
//! them and on arbitrary bytes, through every buffer size and run size.

use std::io::BufRead;

use proptest::collection::vec;
use proptest::prelude::*;

use super::reference;
use crate::formats::test_support::{self, BatchOutcome as Outcome, ReadFn};
use crate::formats::{Format, ReadCtx};
use crate::model::Trace;

fn outcome(read: ReadFn<'_>, bytes: &[u8], cap: usize) -> Outcome {
    test_support::outcome(read, "in.thrift", bytes, cap)
}

/// The fast walk finds a message's end only where the decoder reads it whole, at the same end.
fn assert_skim_agrees(bytes: &[u8]) {
    use crate::formats::jaeger_thrift::thrift::{Decoder, Protocol, TType};
    let mut d = Decoder::new(bytes, Protocol::Compact);
    let whole = d.read_message_begin().and_then(|_| d.skip(TType::Struct));
    match super::skim::compact_message_len(bytes) {
        Some(n) => {
            assert!(whole.is_ok(), "skim took a message the decoder refuses");
            assert_eq!(n, d.pos());
        }
        None => assert!(whole.is_err(), "skim refused a message the decoder reads"),
    }
}

fn assert_same_as_reference(bytes: &[u8]) {
    assert_skim_agrees(bytes);
    let old = |i: &mut dyn BufRead, c: &mut ReadCtx<'_>| reference::read_thrift(i, 0, c);
    let want = outcome(&old, bytes, 8192);
    test_support::assert_units_reader_matches(&want, "in.thrift", bytes, &|i, c, limits| {
        super::read_thrift_with(i, 0, c, limits)
    });
}

/// Jaeger Thrift messages of generated traces (several messages: one per trace and service).
fn written(seed: u64, traces: u64) -> Vec<u8> {
    let cfg = crate::synth::Config {
        seed,
        traces,
        ..crate::synth::Config::default()
    };
    let all: Vec<Trace> = crate::synth::Generator::new(cfg).unwrap().collect();
    let mut out = Vec::new();
    crate::formats::write_all(Format::JaegerThrift, &all, &mut out).unwrap();
    out
}

#[test]
fn samples_and_written_messages_read_as_before() {
    let mut all = Vec::new();
    for i in 1..=3 {
        let b = crate::formats::test_support::sample(&format!(
            "generated/jaeger-thrift/jaeger-client-udp-emitBatch-{i}.bin"
        ));
        assert_same_as_reference(&b);
        all.extend(b);
    }
    assert_same_as_reference(&all);
    assert_same_as_reference(&written(7, 30));
}

#[test]
fn the_walk_agrees_on_ints_of_every_length() {
    // An `i64` argument of 1 to 11 varint bytes (the decoder takes at most 10), whole, cut
    // short, and followed by more bytes (the walk reads eight at a time where it can).
    for len in 1..=11 {
        let mut m = vec![0x82, 0x21, 0x01, 0x09];
        m.extend_from_slice(b"emitBatch");
        m.push(0x16);
        m.extend(std::iter::repeat_n(0xff, len - 1));
        m.extend([0x01, 0x00]);
        for cut in 0..=m.len() {
            assert_skim_agrees(&m[..cut]);
        }
        let mut more = m.clone();
        more.extend([0xff; 12]);
        assert_skim_agrees(&more);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn written_messages_read_as_before(seed in any::<u64>(), traces in 1..6u64) {
        assert_same_as_reference(&written(seed, traces));
    }

    #[test]
    fn mutated_messages_read_as_before(
        seed in any::<u64>(),
        edits in vec((any::<usize>(), any::<u8>(), 0..3u8), 1..5),
        cut in any::<usize>(),
    ) {
        let bytes = test_support::mutate(written(seed, 2), &edits, cut);
        assert_same_as_reference(&bytes);
    }

    #[test]
    fn arbitrary_bytes_read_as_before(bytes in vec(any::<u8>(), 0..300), binary in any::<bool>()) {
        let mut input = if binary { vec![0x80, 0x01, 0x00, 0x04] } else { vec![0x82, 0x21] };
        input.extend(bytes);
        assert_same_as_reference(&input);
    }
}
