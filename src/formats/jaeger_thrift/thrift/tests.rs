use super::*;

#[test]
fn zigzag_both_ways() {
    for v in [0i64, -1, 1, -2, i64::MAX, i64::MIN, 123_456_789] {
        assert_eq!(zigzag(to_zigzag(v)), v);
    }
    // Thrift compact spec: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3.
    assert_eq!(to_zigzag(-1), 1);
    assert_eq!(to_zigzag(1), 2);
    assert_eq!(to_zigzag(-2), 3);
}

/// The first bytes of the jaeger-client sample, decoded by hand:
/// 82 | 81 (version 1, type 4 = oneway) | 01 (seq id 1) | 09 "emitBatch" |
/// 1c (field +1, struct: batch) | 1c (field +1, struct: process) | 18 (field +1, binary) 09 "legacy-db"
#[test]
fn compact_message_header_from_sample() {
    let mut b = vec![0x82, 0x81, 0x01, 0x09];
    b.extend_from_slice(b"emitBatch");
    b.extend_from_slice(&[0x1c, 0x1c, 0x18, 0x09]);
    b.extend_from_slice(b"legacy-db");
    let mut d = Decoder::new(&b, Protocol::Compact);
    let h = d.read_message_begin().unwrap();
    assert_eq!(
        h,
        MessageHeader {
            name: "emitBatch".into(),
            kind: MESSAGE_ONEWAY,
            seq_id: 1
        }
    );
    d.read_struct_begin().unwrap();
    assert_eq!(
        d.read_field().unwrap(),
        Some(Field {
            id: 1,
            ty: TType::Struct
        })
    );
    d.read_struct_begin().unwrap();
    assert_eq!(
        d.read_field().unwrap(),
        Some(Field {
            id: 1,
            ty: TType::Struct
        })
    );
    d.read_struct_begin().unwrap();
    assert_eq!(
        d.read_field().unwrap(),
        Some(Field {
            id: 1,
            ty: TType::Binary
        })
    );
    assert_eq!(d.read_string().unwrap(), "legacy-db");
    assert_eq!(d.read_field().unwrap_err().kind, ErrorKind::Eof);
}

#[test]
fn encode_decode_both_protocols() {
    for proto in [Protocol::Compact, Protocol::Binary] {
        let mut e = Encoder::new(proto);
        e.write_message_begin("m", MESSAGE_ONEWAY, 7);
        e.write_struct_begin();
        e.write_field(1, TType::I64);
        e.write_i64(-5);
        e.write_bool_field(2, true);
        e.write_field(40, TType::Double);
        e.write_double(2.5);
        e.write_field(41, TType::List);
        e.write_list_begin(TType::Bool, 20);
        for i in 0..20 {
            e.write_bool(i % 3 == 0);
        }
        e.write_field(3, TType::Binary);
        e.write_string("héllo");
        e.write_struct_end();

        let mut d = Decoder::new(&e.buf, proto);
        let h = d.read_message_begin().unwrap();
        assert_eq!(
            (h.name.as_str(), h.kind, h.seq_id),
            ("m", MESSAGE_ONEWAY, 7)
        );
        d.read_struct_begin().unwrap();
        assert_eq!(
            d.read_field().unwrap(),
            Some(Field {
                id: 1,
                ty: TType::I64
            })
        );
        assert_eq!(d.read_i64().unwrap(), -5);
        assert_eq!(
            d.read_field().unwrap(),
            Some(Field {
                id: 2,
                ty: TType::Bool
            })
        );
        assert!(d.read_bool().unwrap());
        assert_eq!(
            d.read_field().unwrap(),
            Some(Field {
                id: 40,
                ty: TType::Double
            })
        );
        assert_eq!(d.read_double().unwrap(), 2.5);
        assert_eq!(
            d.read_field().unwrap(),
            Some(Field {
                id: 41,
                ty: TType::List
            })
        );
        let (t, n) = d.read_list_begin().unwrap();
        assert_eq!((t, n), (TType::Bool, 20));
        for i in 0..20 {
            assert_eq!(d.read_bool().unwrap(), i % 3 == 0);
        }
        d.read_list_end();
        assert_eq!(
            d.read_field().unwrap(),
            Some(Field {
                id: 3,
                ty: TType::Binary
            })
        );
        assert_eq!(d.read_string().unwrap(), "héllo");
        assert_eq!(d.read_field().unwrap(), None);
        d.read_struct_end();
        assert_eq!(d.remaining(), 0);

        // The whole struct can be skipped too.
        let mut d = Decoder::new(&e.buf, proto);
        d.read_message_begin().unwrap();
        d.skip(TType::Struct).unwrap();
        assert_eq!(d.remaining(), 0);
    }
}

#[test]
fn binary_header_by_hand() {
    // 80 01 00 04 | 00 00 00 01 'x' | 00 00 00 09
    let b = [0x80, 0x01, 0x00, 0x04, 0, 0, 0, 1, b'x', 0, 0, 0, 9];
    let h = Decoder::new(&b, Protocol::Binary)
        .read_message_begin()
        .unwrap();
    assert_eq!(
        h,
        MessageHeader {
            name: "x".into(),
            kind: 4,
            seq_id: 9
        }
    );
    let mut e = Encoder::new(Protocol::Binary);
    e.write_message_begin("x", 4, 9);
    assert_eq!(e.buf, b);
}

#[test]
fn sizes_are_capped_and_depth_limited() {
    // A list claiming 2^31-1 elements in a 6-byte input: not complete, no allocation.
    let b = [0xf9, 0xff, 0xff, 0xff, 0xff, 0x07];
    let mut d = Decoder::new(&b, Protocol::Compact);
    assert_eq!(d.read_list_begin().unwrap_err().kind, ErrorKind::Eof);
    // A negative binary-protocol string length is invalid.
    let b = [0xff, 0xff, 0xff, 0xfe];
    let mut d = Decoder::new(&b, Protocol::Binary);
    assert!(matches!(
        d.read_binary().unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
    // Structs nested 100 deep: skip refuses past MAX_DEPTH instead of recursing.
    let mut b = vec![0x1c; 100];
    b.extend(vec![0; 101]);
    let mut d = Decoder::new(&b, Protocol::Compact);
    let e = d.skip(TType::Struct).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Invalid(ref m) if m.contains("nesting")));
}

#[test]
fn long_field_delta_uses_full_id() {
    let mut e = Encoder::new(Protocol::Compact);
    e.write_struct_begin();
    e.write_field(300, TType::I32);
    e.write_i32(-7);
    e.write_field(2, TType::I32);
    e.write_i32(7);
    e.write_struct_end();
    // field 300: type byte 05, zigzag(300) = 600 = varint d8 04; value zigzag(-7) = 13.
    assert_eq!(&e.buf[..4], &[0x05, 0xd8, 0x04, 13]);
    let mut d = Decoder::new(&e.buf, Protocol::Compact);
    d.read_struct_begin().unwrap();
    assert_eq!(d.read_field().unwrap().unwrap().id, 300);
    assert_eq!(d.read_i32().unwrap(), -7);
    assert_eq!(d.read_field().unwrap().unwrap().id, 2);
    assert_eq!(d.read_i32().unwrap(), 7);
}
