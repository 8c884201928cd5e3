//! OTLP protobuf `TracesData`, bare or length framed: the prost types, reader and writer.

pub mod pb;
pub mod read;
pub mod write;

pub use read::read;
