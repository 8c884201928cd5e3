//! STUB: prost message definitions for OTLP trace protobuf (shared by the reader and the writer).
