//! Writing traces in the formats the readers accept (used by `synth`, later by `export`).

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

pub fn writer<'a>(format: WriteFormat, out: &'a mut dyn Write) -> Box<dyn TraceWriter + 'a> {
    match format {
        WriteFormat::OtlpJson => Box::new(super::otlp_json::OtlpJsonWriter::new(
            out,
            super::otlp_json::Style::Document,
        )),
        WriteFormat::OtlpJsonl => Box::new(super::otlp_json::OtlpJsonWriter::new(
            out,
            super::otlp_json::Style::Lines,
        )),
        WriteFormat::Tempo => Box::new(super::otlp_json::OtlpJsonWriter::new(
            out,
            super::otlp_json::Style::Tempo,
        )),
        WriteFormat::OtlpProto => Box::new(super::otlp_proto::OtlpProtoWriter::new(out)),
        WriteFormat::Jaeger => Box::new(super::jaeger_json::JaegerJsonWriter::new(out)),
        WriteFormat::Zipkin => Box::new(super::zipkin_json::ZipkinJsonWriter::new(out)),
        WriteFormat::JaegerThrift => Box::new(super::jaeger_thrift::JaegerThriftWriter::new(out)),
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
