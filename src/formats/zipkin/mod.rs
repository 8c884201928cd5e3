//! Zipkin v2 (and v1 on read) JSON: reader and writer.

pub mod read;
pub mod write;

pub use read::read;
