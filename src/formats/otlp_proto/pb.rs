//! OTLP trace protobuf messages, written by hand with `prost` derives (no `protoc`, no generated
//! code): the field numbers and wire types of opentelemetry-proto `trace/v1/trace.proto`,
//! `common/v1/common.proto` and `resource/v1/resource.proto` (formats.md §1.1, §2.1).
//!
//! Shared by the reader (`super::read`) and the writer (`super::write`).
//! `TracesData`, `ExportTraceServiceRequest` and Tempo's `tempopb.Trace` are the same bytes on
//! the wire (one `repeated ResourceSpans = 1`), so one type reads all three.
//!
//! Enums (`Span.kind`, `Status.code`) are kept as plain `int32` so that unknown numbers survive
//! decoding; the reader maps them.
//!
//! `string` and `bytes` fields are [`Bytes`] (same wire type): decoded from a `Bytes` buffer they
//! are slices of it, not copies, and the reader turns text into `str` itself (replacing invalid
//! UTF-8 instead of rejecting a whole `ResourceSpans`).

pub use prost::bytes::Bytes;

/// `TracesData` / `ExportTraceServiceRequest` / `tempopb.Trace`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TracesData {
    #[prost(message, repeated, tag = "1")]
    pub resource_spans: Vec<ResourceSpans>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceSpans {
    #[prost(message, optional, tag = "1")]
    pub resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    pub scope_spans: Vec<ScopeSpans>,
    #[prost(bytes = "bytes", tag = "3")]
    pub schema_url: Bytes,
    /// Deprecated `instrumentation_library_spans` (proto 0.15 – 0.18): wire-compatible with
    /// `ScopeSpans` (`InstrumentationLibrary{name, version}` is a prefix of
    /// `InstrumentationScope`). Read only when `scope_spans` is empty; never written.
    #[prost(message, repeated, tag = "1000")]
    pub instrumentation_library_spans: Vec<ScopeSpans>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Resource {
    #[prost(message, repeated, tag = "1")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "2")]
    pub dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ScopeSpans {
    #[prost(message, optional, tag = "1")]
    pub scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    pub spans: Vec<Span>,
    #[prost(bytes = "bytes", tag = "3")]
    pub schema_url: Bytes,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct InstrumentationScope {
    #[prost(bytes = "bytes", tag = "1")]
    pub name: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    pub version: Bytes,
    #[prost(message, repeated, tag = "3")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    pub dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Span {
    #[prost(bytes = "bytes", tag = "1")]
    pub trace_id: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    pub span_id: Bytes,
    #[prost(bytes = "bytes", tag = "3")]
    pub trace_state: Bytes,
    #[prost(bytes = "bytes", tag = "4")]
    pub parent_span_id: Bytes,
    #[prost(bytes = "bytes", tag = "5")]
    pub name: Bytes,
    /// `SpanKind` enum number.
    #[prost(int32, tag = "6")]
    pub kind: i32,
    #[prost(fixed64, tag = "7")]
    pub start_time_unix_nano: u64,
    #[prost(fixed64, tag = "8")]
    pub end_time_unix_nano: u64,
    #[prost(message, repeated, tag = "9")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "10")]
    pub dropped_attributes_count: u32,
    #[prost(message, repeated, tag = "11")]
    pub events: Vec<Event>,
    #[prost(uint32, tag = "12")]
    pub dropped_events_count: u32,
    #[prost(message, repeated, tag = "13")]
    pub links: Vec<Link>,
    #[prost(uint32, tag = "14")]
    pub dropped_links_count: u32,
    #[prost(message, optional, tag = "15")]
    pub status: Option<Status>,
    #[prost(fixed32, tag = "16")]
    pub flags: u32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    #[prost(fixed64, tag = "1")]
    pub time_unix_nano: u64,
    #[prost(bytes = "bytes", tag = "2")]
    pub name: Bytes,
    #[prost(message, repeated, tag = "3")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    pub dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Link {
    #[prost(bytes = "bytes", tag = "1")]
    pub trace_id: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    pub span_id: Bytes,
    #[prost(bytes = "bytes", tag = "3")]
    pub trace_state: Bytes,
    #[prost(message, repeated, tag = "4")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "5")]
    pub dropped_attributes_count: u32,
    #[prost(fixed32, tag = "6")]
    pub flags: u32,
}

/// Field 1 (`deprecated_code`) is reserved and skipped.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Status {
    #[prost(bytes = "bytes", tag = "2")]
    pub message: Bytes,
    /// `StatusCode` enum number.
    #[prost(int32, tag = "3")]
    pub code: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValue {
    #[prost(bytes = "bytes", tag = "1")]
    pub key: Bytes,
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

/// An `AnyValue` with no field set is valid (an empty value).
#[derive(Clone, PartialEq, prost::Message)]
pub struct AnyValue {
    #[prost(oneof = "any_value::Value", tags = "1, 2, 3, 4, 5, 6, 7")]
    pub value: Option<any_value::Value>,
}

pub mod any_value {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(bytes = "bytes", tag = "1")]
        StringValue(super::Bytes),
        #[prost(bool, tag = "2")]
        BoolValue(bool),
        #[prost(int64, tag = "3")]
        IntValue(i64),
        #[prost(double, tag = "4")]
        DoubleValue(f64),
        #[prost(message, tag = "5")]
        ArrayValue(super::ArrayValue),
        #[prost(message, tag = "6")]
        KvlistValue(super::KeyValueList),
        #[prost(bytes = "bytes", tag = "7")]
        BytesValue(super::Bytes),
    }
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ArrayValue {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<AnyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValueList {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<KeyValue>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    /// Wire bytes written by hand from the .proto field numbers and wire types, independent of
    /// the derives above: tag byte = (field << 3) | wire type.
    #[test]
    fn wire_layout_matches_the_proto() {
        let span = Span {
            trace_id: Bytes::from(vec![0xAA; 16]),
            span_id: Bytes::from(vec![0xBB; 8]),
            kind: 2,
            start_time_unix_nano: 1,
            end_time_unix_nano: 2,
            flags: 0x301,
            status: Some(Status {
                message: Bytes::new(),
                code: 2,
            }),
            ..Span::default()
        };
        let b = span.encode_to_vec();
        let mut want = vec![0x0a, 16];
        want.extend([0xAA; 16]);
        want.extend([0x12, 8]);
        want.extend([0xBB; 8]);
        want.extend([0x30, 2]); // field 6 varint
        want.extend([0x39, 1, 0, 0, 0, 0, 0, 0, 0]); // field 7 fixed64
        want.extend([0x41, 2, 0, 0, 0, 0, 0, 0, 0]); // field 8 fixed64
        want.extend([0x7a, 2, 0x18, 2]); // field 15 message { field 3 varint 2 }
        want.extend([0x85, 0x01, 0x01, 0x03, 0, 0]); // field 16 fixed32 (tag 133 = 0x85 0x01)
        assert_eq!(b, want);
    }

    #[test]
    fn any_value_oneof_tags() {
        let v = AnyValue {
            value: Some(any_value::Value::IntValue(-1)),
        };
        let b = v.encode_to_vec();
        // field 3 varint, -1 as int64 is ten bytes.
        assert_eq!(b[0], 0x18);
        assert_eq!(b.len(), 11);
        let v = AnyValue {
            value: Some(any_value::Value::DoubleValue(1.5)),
        };
        assert_eq!(v.encode_to_vec()[0], 0x21);
        let v = AnyValue {
            value: Some(any_value::Value::BytesValue(Bytes::from_static(&[1]))),
        };
        assert_eq!(v.encode_to_vec(), vec![0x3a, 1, 1]);
        let v = AnyValue {
            value: Some(any_value::Value::KvlistValue(KeyValueList::default())),
        };
        assert_eq!(v.encode_to_vec(), vec![0x32, 0]);
    }

    #[test]
    fn legacy_field_1000_decodes() {
        // ResourceSpans { 1000: { 2: Span { 5: "x" } } }: tag 1000<<3|2 = 8002 = 0xc2 0x3e.
        let bytes = [0xc2, 0x3e, 5, 0x12, 3, 0x2a, 1, b'x'];
        let rs = ResourceSpans::decode(&bytes[..]).unwrap();
        assert!(rs.scope_spans.is_empty());
        assert_eq!(
            rs.instrumentation_library_spans[0].spans[0].name,
            "x".as_bytes()
        );
    }
}
