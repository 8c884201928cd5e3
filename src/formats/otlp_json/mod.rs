//! OTLP/JSON (a document or JSON lines; Tempo's wrappers on read, and Tempo's layout on write).

pub mod read;
pub mod write;

pub use read::read;
