//! The fast path ([`super::fast`]) gives exactly the general decoder's spans, for every set of
//! span parts, wherever it takes a message; and it takes the messages clients and our writer
//! send.

use proptest::collection::vec;
use proptest::prelude::*;

use super::thrift::{Decoder, Protocol};
use super::{Converter, Keep, fast, read_message_for, skim};
use crate::formats::test_support::{self, projections, sample};
use crate::formats::{Format, write_all};
use crate::model::{Span, SpanParts, Trace};

fn general(bytes: &[u8], parts: SpanParts) -> Option<Vec<Span>> {
    let mut d = Decoder::new(bytes, Protocol::Compact);
    match read_message_for(&mut d, Keep(parts)) {
        Ok((_, Some(b))) => Some(Converter::for_parts(parts).batch(b)),
        _ => None,
    }
}

/// Each compact message of `bytes` (up to the first the walk refuses); `taken` counts those
/// the fast path read (identically to the general decoder, for every set of parts).
fn check(bytes: &[u8]) -> (usize, usize) {
    let (mut at, mut messages, mut taken) = (0, 0, 0);
    while let Some(n) = skim::compact_message_len(&bytes[at..]) {
        let m = &bytes[at..at + n];
        at += n;
        messages += 1;
        let mut all = vec![SpanParts::ALL];
        all.extend(projections());
        let mut took = None;
        for parts in all {
            let got = fast::emit_batch(&mut Converter::for_parts(parts), m, Keep(parts));
            if let Some(spans) = &got {
                assert_eq!(Some(spans), general(m, parts).as_ref(), "{parts:?}");
            }
            // Whether a message is taken does not depend on the parts.
            assert_eq!(*took.get_or_insert(got.is_some()), got.is_some());
        }
        taken += usize::from(took == Some(true));
    }
    (messages, taken)
}

fn written(seed: u64, traces: u64) -> Vec<u8> {
    let cfg = crate::synth::Config {
        seed,
        traces,
        ..crate::synth::Config::default()
    };
    let all: Vec<Trace> = crate::synth::Generator::new(cfg).unwrap().collect();
    let mut out = Vec::new();
    write_all(Format::JaegerThrift, &all, &mut out).unwrap();
    out
}

#[test]
fn samples_and_written_messages_take_the_fast_path() {
    for i in 1..=3 {
        let b = sample(&format!(
            "generated/jaeger-thrift/jaeger-client-udp-emitBatch-{i}.bin"
        ));
        let (messages, taken) = check(&b);
        assert!(messages > 0);
        assert_eq!(taken, messages, "sample {i}");
    }
    let (messages, taken) = check(&written(7, 30));
    assert!(messages > 1);
    assert_eq!(taken, messages);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn written_messages_read_as_the_decoder_reads_them(seed in any::<u64>(), traces in 1..6u64) {
        let (messages, taken) = check(&written(seed, traces));
        prop_assert_eq!(taken, messages);
    }

    #[test]
    fn mutated_messages_read_as_the_decoder_reads_them(
        seed in any::<u64>(),
        edits in vec((any::<usize>(), any::<u8>(), 0..3u8), 1..5),
        cut in any::<usize>(),
    ) {
        check(&test_support::mutate(written(seed, 2), &edits, cut));
    }
}

/// One message with every field of every struct (and the batch's `seqNo` and `stats`), its
/// span's fields in the order `order` gives.
fn every_field(order: &[i16]) -> Vec<u8> {
    use super::thrift::{Encoder, MESSAGE_ONEWAY, TType};
    let mut e = Encoder::new(Protocol::Compact);
    let tag = |e: &mut Encoder, key: &str, v_type: i32, value: &dyn Fn(&mut Encoder)| {
        e.write_struct_begin();
        e.write_field(1, TType::Binary);
        e.write_string(key);
        e.write_field(2, TType::I32);
        e.write_i32(v_type);
        value(e);
        e.write_struct_end();
    };
    let text = |v: &'static str| {
        move |e: &mut Encoder| {
            e.write_field(3, TType::Binary);
            e.write_string(v);
        }
    };
    e.write_message_begin("emitBatch", MESSAGE_ONEWAY, 3);
    e.write_struct_begin();
    e.write_field(1, TType::Struct);
    e.write_struct_begin();
    e.write_field(1, TType::Struct);
    e.write_struct_begin();
    e.write_field(1, TType::Binary);
    e.write_string("svc");
    e.write_field(2, TType::List);
    e.write_list_begin(TType::Struct, 2);
    tag(&mut e, "hostname", 0, &text("h1"));
    tag(&mut e, "service.name", 0, &text("other"));
    e.write_struct_end();
    e.write_field(2, TType::List);
    e.write_list_begin(TType::Struct, 1);
    e.write_struct_begin();
    for &id in order {
        match id {
            1..=4 | 8 | 9 => {
                e.write_field(id, TType::I64);
                e.write_i64(i64::from(id) * 1_000_003 - 7);
            }
            5 => {
                e.write_field(5, TType::Binary);
                e.write_string("op\u{e9}");
            }
            6 => {
                e.write_field(6, TType::List);
                e.write_list_begin(TType::Struct, 1);
                e.write_struct_begin();
                for (f, v) in [(1, 1), (2, 5), (3, 0), (4, 99)] {
                    if f == 1 {
                        e.write_field(1, TType::I32);
                        e.write_i32(v);
                    } else {
                        e.write_field(f, TType::I64);
                        e.write_i64(i64::from(v));
                    }
                }
                e.write_struct_end();
            }
            7 => {
                e.write_field(7, TType::I32);
                e.write_i32(1);
            }
            10 => {
                e.write_field(10, TType::List);
                e.write_list_begin(TType::Struct, 8);
                tag(&mut e, "span.kind", 0, &text("server"));
                tag(&mut e, "error", 2, &|e: &mut Encoder| {
                    e.write_bool_field(5, true)
                });
                tag(&mut e, "http.status_code", 3, &|e: &mut Encoder| {
                    e.write_field(6, TType::I64);
                    e.write_i64(503);
                });
                tag(&mut e, "http.ratio", 1, &|e: &mut Encoder| {
                    e.write_field(4, TType::Double);
                    e.write_double(0.25);
                });
                tag(&mut e, "blob", 4, &|e: &mut Encoder| {
                    e.write_field(7, TType::Binary);
                    e.write_binary(&[0, 0xff]);
                });
                tag(&mut e, "w3c.tracestate", 0, &text("a=b"));
                tag(&mut e, "otel.scope.name", 0, &text("lib"));
                tag(&mut e, "otel.status_description", 0, &text("down"));
            }
            11 => {
                e.write_field(11, TType::List);
                e.write_list_begin(TType::Struct, 1);
                e.write_struct_begin();
                e.write_field(1, TType::I64);
                e.write_i64(5);
                e.write_field(2, TType::List);
                e.write_list_begin(TType::Struct, 2);
                tag(&mut e, "event", 0, &text("retry"));
                tag(&mut e, "attempt", 3, &|e: &mut Encoder| {
                    e.write_field(6, TType::I64);
                    e.write_i64(2);
                });
                e.write_struct_end();
            }
            _ => unreachable!(),
        }
    }
    e.write_struct_end();
    // seqNo and stats.
    e.write_field(3, TType::I64);
    e.write_i64(42);
    e.write_field(4, TType::Struct);
    e.write_struct_begin();
    e.write_field(1, TType::I64);
    e.write_i64(1);
    e.write_struct_end();
    e.write_struct_end();
    e.write_struct_end();
    e.buf
}

#[test]
fn every_field_is_read_as_the_decoder_reads_it() {
    let usual: Vec<i16> = (1..=11).collect();
    assert_eq!(check(&every_field(&usual)), (1, 1));
    // Fields out of their usual order, or missing, or repeated: left to the decoder when the
    // fast path cannot follow.
    for order in [
        &[2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11][..],
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10],
        &[10, 1, 2, 3],
        &[1, 2, 3, 5, 5, 10, 10],
        &[3, 11],
        &[],
    ] {
        check(&every_field(order));
    }
    assert_eq!(check(&every_field(&[3, 11])), (1, 1));
}
