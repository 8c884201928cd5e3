//! Jaeger query/UI JSON (and api_v3 `{"result": …}`): reader and writer.

pub mod read;
pub mod write;

pub use read::read;
