//! Trace formats: one module per wire format, each with its reader (`read.rs`) and writer
//! (`write.rs`), plus content detection and the shared helpers.
//!
//! Layers, in the order data flows: `input` (sources: files, directories, stdin, gzip, batching)
//! → `formats` (bytes ⇄ model) → `model` → `analysis` → `render` (human views) / `commands`
//! (glue). `formats` depends only on `model` (and the leaf helpers `error`, `term`); `input`
//! calls into `formats`; `analysis` and `render` never see a wire format.
//!
//! Every reader streams: it reads from a `BufRead` and hands spans to the sink in batches as it
//! goes, so no reader holds a whole file's JSON text in memory. Every writer writes one trace at
//! a time ([`TraceWriter`]).
//!
//! [`REGISTRY`] is the one list of formats: each [`Format`]'s user-facing name, the extension of
//! the files written in it, its reader and its writer (either may be absent) with the help text
//! `--input-format`, `--to` and `export --to` show.
//!
//! Adding a format:
//! 1. a folder `src/formats/<name>/` with `mod.rs`, `read.rs` (`pub fn read(&mut dyn BufRead,
//!    &mut ReadCtx) -> Result<(), InputError>`) and/or `write.rs` (a [`TraceWriter`]), and
//!    `pub mod <name>;` in this file;
//! 2. in this file, a variant of [`Format`] and its entry in [`REGISTRY`] (name, extension,
//!    reader, writer, help): `--input-format`, `--to`, `export --to`, `fetch`, `skew --adjust`
//!    and `synth` pick it up from there;
//! 3. only if its content can be recognised without a flag: a rule in [`detect`].

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

use std::io::{BufRead, Write};
use std::sync::Arc;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

pub use crate::error::{InputError, Position};
use crate::model::Span;
pub use write::{TraceWriter, write_all, writer};

/// A trace format tracekit reads, writes, or both; [`REGISTRY`] says which.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    OtlpJson,
    OtlpJsonl,
    OtlpProto,
    Jaeger,
    Zipkin,
    Tempo,
    JaegerThrift,
}

/// A reader: streams spans from `input` into `ctx`.
pub type ReadFn = fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>;
/// A writer's constructor.
pub type WriteFn = for<'a> fn(&'a mut dyn Write) -> Box<dyn TraceWriter + 'a>;

/// One format: its name (for `--input-format`, `--to` and `export --to`), the extension of the
/// files tracekit writes in it, its reader and its writer, with their help.
pub struct Entry {
    pub format: Format,
    pub name: &'static str,
    pub ext: &'static str,
    pub read: Option<(ReadFn, &'static str)>,
    pub write: Option<Writer>,
}

/// A format's writer and its help: `help` for `--to`, `export_help` for `export --to`.
pub struct Writer {
    pub make: WriteFn,
    pub help: &'static str,
    pub export_help: &'static str,
}

/// Every format, in the order the CLI lists them.
pub const REGISTRY: &[Entry] = &[
    Entry {
        format: Format::OtlpJson,
        name: "otlp-json",
        ext: "json",
        read: Some((
            otlp_json::read,
            "OTLP/JSON: one document, or JSON lines (the Collector file exporter)",
        )),
        write: Some(Writer {
            make: |out| {
                Box::new(otlp_json::write::OtlpJsonWriter::new(
                    out,
                    otlp_json::write::Style::Document,
                ))
            },
            help: "OTLP/JSON, one TracesData document holding every trace",
            export_help: "OTLP/JSON, one document",
        }),
    },
    Entry {
        format: Format::OtlpJsonl,
        name: "otlp-jsonl",
        ext: "jsonl",
        // Read as otlp-json, which takes JSON lines too.
        read: None,
        write: Some(Writer {
            make: |out| {
                Box::new(otlp_json::write::OtlpJsonWriter::new(
                    out,
                    otlp_json::write::Style::Lines,
                ))
            },
            help: "OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)",
            export_help: "OTLP/JSON lines, one trace per line",
        }),
    },
    Entry {
        format: Format::OtlpProto,
        name: "otlp-proto",
        ext: "pb",
        read: Some((
            otlp_proto::read,
            "OTLP protobuf TracesData, bare or 4-byte length framed",
        )),
        write: Some(Writer {
            make: |out| Box::new(otlp_proto::write::OtlpProtoWriter::new(out)),
            help: "OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)",
            export_help: "OTLP protobuf, length-framed (Collector file exporter)",
        }),
    },
    Entry {
        format: Format::Jaeger,
        name: "jaeger",
        ext: "json",
        read: Some((
            jaeger::read,
            "Jaeger query/UI JSON, or api_v3 `{\"result\": …}`",
        )),
        write: Some(Writer {
            make: |out| Box::new(jaeger::write::JaegerJsonWriter::new(out)),
            help: "Jaeger query JSON {\"data\":[trace, …]}",
            export_help: "Jaeger query JSON",
        }),
    },
    Entry {
        format: Format::Zipkin,
        name: "zipkin",
        ext: "json",
        read: Some((
            zipkin::read,
            "Zipkin v2 (list, or list of lists) or v1 JSON",
        )),
        write: Some(Writer {
            make: |out| Box::new(zipkin::write::ZipkinJsonWriter::new(out)),
            help: "Zipkin v2 JSON: a list of traces, each a list of spans",
            export_help: "Zipkin v2 JSON",
        }),
    },
    Entry {
        format: Format::Tempo,
        name: "tempo",
        ext: "json",
        // Tempo bodies are OTLP JSON inside a wrapper; the OTLP/JSON reader and writer do both.
        read: Some((
            otlp_json::read,
            "Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON",
        )),
        write: Some(Writer {
            make: |out| {
                Box::new(otlp_json::write::OtlpJsonWriter::new(
                    out,
                    otlp_json::write::Style::Tempo,
                ))
            },
            help: "Tempo /api/traces JSON ({\"batches\": …}, base64 ids, enum names); one document per line when several traces",
            export_help: "Tempo /api/traces JSON",
        }),
    },
    Entry {
        format: Format::JaegerThrift,
        name: "jaeger-thrift",
        ext: "thrift",
        read: Some((
            jaeger_thrift::read,
            "Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump",
        )),
        write: Some(Writer {
            make: |out| Box::new(jaeger_thrift::write::JaegerThriftWriter::new(out)),
            help: "Jaeger agent Thrift compact emitBatch messages, one per trace and service",
            export_help: "Jaeger agent Thrift (compact emitBatch)",
        }),
    },
];

impl Format {
    pub fn entry(self) -> &'static Entry {
        REGISTRY
            .iter()
            .find(|e| e.format == self)
            .expect("every format has a registry line")
    }

    /// The user-facing name (`--input-format`, `--to`, messages).
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    pub fn from_name(name: &str) -> Option<Format> {
        REGISTRY.iter().find(|e| e.name == name).map(|e| e.format)
    }

    pub fn can_read(self) -> bool {
        self.entry().read.is_some()
    }

    /// The extension of files tracekit writes in this format (without the dot).
    pub fn extension(self) -> &'static str {
        self.entry().ext
    }

    pub fn can_write(self) -> bool {
        self.entry().write.is_some()
    }

    /// Whether [`detect`] can recognise this format from content (every readable one can).
    pub fn can_detect(self) -> bool {
        self.can_read()
    }

    /// The formats that can be read, for `--input-format`.
    pub fn readable() -> impl TypedValueParser<Value = Format> {
        parser(|e| e.read.map(|(_, help)| help))
    }

    /// The formats that can be written, for `--to`.
    pub fn writable() -> impl TypedValueParser<Value = Format> {
        parser(|e| e.write.as_ref().map(|w| w.help))
    }
}

fn parser(help: fn(&Entry) -> Option<&'static str>) -> impl TypedValueParser<Value = Format> {
    let values = REGISTRY
        .iter()
        .filter_map(move |e| help(e).map(|h| PossibleValue::new(e.name).help(h)));
    PossibleValuesParser::new(values)
        .map(|name| Format::from_name(&name).expect("clap checked the name"))
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
    /// What the command reads: a reader may skip the rest.
    pub wants: ReadWants,
}

/// What the command reading an input needs of it. Readers may skip, without building them, the
/// span parts it does not read and the spans of traces it did not ask for; they never have to
/// (a reader that ignores this is correct, only slower).
#[derive(Clone, Debug, Default)]
pub struct ReadWants {
    /// The span parts the command reads (the others may be left empty).
    pub parts: crate::model::SpanParts,
    /// Only spans of traces these ids or id prefixes match are needed (`--trace`), when given.
    pub traces: Option<Arc<[crate::model::TraceRef]>>,
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
    match format.entry().read {
        Some((read, _)) => read(input, ctx),
        None => Err(ctx.error(None, format!("{} cannot be read", format.name()))),
    }
}
