//! Jaeger agent Thrift (`emitBatch`, compact or binary protocol): the Thrift codec, reader and
//! writer.

pub mod read;
pub mod thrift;
pub mod write;

pub use read::read;
