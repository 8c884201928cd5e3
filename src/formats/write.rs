//! Writing traces in the formats the readers accept (used by `synth`, `export`, `fetch`, `skew`).

use std::io::{self, Write};

use crate::model::Trace;

/// Trace formats tracekit can write.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WriteFormat {
    /// OTLP/JSON, one TracesData document holding every trace
    #[value(name = "otlp-json")]
    OtlpJson,
    /// OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)
    #[value(name = "otlp-jsonl")]
    OtlpJsonl,
    /// OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)
    #[value(name = "otlp-proto")]
    OtlpProto,
    /// Jaeger query JSON {"data":[trace, …]}
    #[value(name = "jaeger")]
    Jaeger,
    /// Zipkin v2 JSON: a list of traces, each a list of spans
    #[value(name = "zipkin")]
    Zipkin,
    /// Tempo /api/traces JSON ({"batches": …}, base64 ids, enum names); one document per line when several traces
    #[value(name = "tempo")]
    Tempo,
    /// Jaeger agent Thrift compact emitBatch messages, one per trace and service
    #[value(name = "jaeger-thrift")]
    JaegerThrift,
}

impl WriteFormat {
    pub fn name(self) -> &'static str {
        match self {
            WriteFormat::OtlpJson => "otlp-json",
            WriteFormat::OtlpJsonl => "otlp-jsonl",
            WriteFormat::OtlpProto => "otlp-proto",
            WriteFormat::Jaeger => "jaeger",
            WriteFormat::Zipkin => "zipkin",
            WriteFormat::Tempo => "tempo",
            WriteFormat::JaegerThrift => "jaeger-thrift",
        }
    }
}

/// Writes traces one at a time, so a writer never needs the whole output in memory.
pub trait TraceWriter {
    fn write_trace(&mut self, trace: &Trace) -> io::Result<()>;
    /// Close the document. Returns what the format could not carry (each note once), for the
    /// command to report on stderr.
    fn finish(&mut self) -> io::Result<Vec<String>>;
}

/// Conversion notes (what a format could not carry), each kept once, in the order first met.
#[derive(Debug, Default)]
pub(crate) struct Notes(Vec<String>);

impl Notes {
    pub(crate) fn add(&mut self, note: &str) {
        if !self.0.iter().any(|n| n == note) {
            self.0.push(note.to_string());
        }
    }

    pub(crate) fn take(&mut self) -> Vec<String> {
        std::mem::take(&mut self.0)
    }
}

pub fn writer<'a>(format: WriteFormat, out: &'a mut dyn Write) -> Box<dyn TraceWriter + 'a> {
    match format {
        WriteFormat::OtlpJson => Box::new(super::otlp_json::write::OtlpJsonWriter::new(
            out,
            super::otlp_json::write::Style::Document,
        )),
        WriteFormat::OtlpJsonl => Box::new(super::otlp_json::write::OtlpJsonWriter::new(
            out,
            super::otlp_json::write::Style::Lines,
        )),
        WriteFormat::Tempo => Box::new(super::otlp_json::write::OtlpJsonWriter::new(
            out,
            super::otlp_json::write::Style::Tempo,
        )),
        WriteFormat::OtlpProto => Box::new(super::otlp_proto::write::OtlpProtoWriter::new(out)),
        WriteFormat::Jaeger => Box::new(super::jaeger::write::JaegerJsonWriter::new(out)),
        WriteFormat::Zipkin => Box::new(super::zipkin::write::ZipkinJsonWriter::new(out)),
        WriteFormat::JaegerThrift => {
            Box::new(super::jaeger_thrift::write::JaegerThriftWriter::new(out))
        }
    }
}

/// Write all traces in one format; returns the conversion notes.
pub fn write_all(
    format: WriteFormat,
    traces: &[Trace],
    out: &mut dyn Write,
) -> io::Result<Vec<String>> {
    let mut w = writer(format, out);
    for t in traces {
        w.write_trace(t)?;
    }
    w.finish()
}
