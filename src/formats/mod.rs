//! Trace formats: one module per wire format, each with its reader (`read.rs`) and writer
//! (`write.rs`), plus content detection and the shared helpers.
//!
//! Layers (data flows left to right; imports point the other way, towards `model`):
//! `input` (sources: files, directories, stdin, gzip, batching) → `formats` (bytes ⇄ model) →
//! `model` → `analysis` → `render` (human views) / `commands` (glue).
//!
//! Every reader streams: it reads from a `BufRead` and hands spans to the sink in batches as it
//! goes, so no reader holds a whole file's JSON text in memory. Every writer writes one trace at
//! a time ([`TraceWriter`]).

pub mod common;
pub mod detect;
pub mod jaeger;
pub mod jaeger_thrift;
pub mod otlp_json;
pub mod otlp_proto;
#[cfg(test)]
pub(crate) mod test_support;
pub mod write;
pub mod zipkin;

use std::io::BufRead;
use std::sync::Arc;

pub use crate::error::{InputError, Position};
use crate::model::Span;
pub use write::{TraceWriter, WriteFormat, write_all, writer};

/// The input formats (SPEC "Inputs"), plus Jaeger's Thrift agent protocol.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// OTLP/JSON: one document, or JSON lines (the Collector file exporter).
    #[value(name = "otlp-json")]
    OtlpJson,
    /// OTLP protobuf TracesData, bare or 4-byte length framed.
    #[value(name = "otlp-proto")]
    OtlpProto,
    /// Jaeger query/UI JSON, or api_v3 `{"result": …}`.
    #[value(name = "jaeger")]
    Jaeger,
    /// Zipkin v2 (list, or list of lists) or v1 JSON.
    #[value(name = "zipkin")]
    Zipkin,
    /// Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON.
    #[value(name = "tempo")]
    Tempo,
    /// Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump.
    #[value(name = "jaeger-thrift")]
    JaegerThrift,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::OtlpJson => "otlp-json",
            Format::OtlpProto => "otlp-proto",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::Tempo => "tempo",
            Format::JaegerThrift => "jaeger-thrift",
        }
    }
}

/// What a reader needs: where its spans go, where non-fatal problems go, and the input's name
/// for messages.
pub struct ReadCtx<'a> {
    pub source: Arc<str>,
    /// Receives spans in batches as they are read. Batches may hold spans of many traces.
    pub sink: &'a mut dyn FnMut(Vec<Span>),
    /// Problems that did not stop the reader (a bad line in JSON lines, a span with a bad id):
    /// everything else in the input was still read.
    pub warnings: &'a mut Vec<InputError>,
}

impl ReadCtx<'_> {
    pub fn error(&self, position: Option<Position>, message: impl Into<String>) -> InputError {
        InputError::new(&self.source, position, message)
    }

    pub fn warn(&mut self, position: Option<Position>, message: impl Into<String>) {
        let e = InputError::new(&self.source, position, message);
        self.warnings.push(e);
    }

    pub fn emit(&mut self, spans: Vec<Span>) {
        if !spans.is_empty() {
            (self.sink)(spans);
        }
    }
}

/// Read one (already decompressed) input in the given format.
pub fn read_format(
    format: Format,
    input: &mut dyn BufRead,
    ctx: &mut ReadCtx<'_>,
) -> Result<(), InputError> {
    match format {
        // Tempo and api_v3 bodies are OTLP JSON inside a wrapper; the OTLP reader knows them all.
        Format::OtlpJson | Format::Tempo => otlp_json::read(input, ctx),
        Format::OtlpProto => otlp_proto::read(input, ctx),
        Format::Jaeger => jaeger::read(input, ctx),
        Format::Zipkin => zipkin::read(input, ctx),
        Format::JaegerThrift => jaeger_thrift::read(input, ctx),
    }
}
