//! Loading: expand sources, open, detect, read, and group spans into traces.

use std::sync::Arc;

use super::detect::{Sniff, sniff};
use super::source::{self, Input};
use super::{Format, ReadCtx, read_format};
use crate::error::InputError;
use crate::model::{Span, TraceId, TraceSet};

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Keep only these traces (memory then stays bounded by them).
    pub trace_filter: Option<Vec<TraceId>>,
}

/// What reading all sources gave, besides the spans.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// Inputs that could not be read at all or stopped part way (exit code 3). What was read
    /// before the problem is kept.
    pub errors: Vec<InputError>,
    /// Not errors: files of unknown format skipped in a directory.
    pub warnings: Vec<InputError>,
    /// Inputs read (whole or in part), with the format they were read as.
    pub inputs: Vec<(Arc<str>, Format)>,
    pub spans: u64,
}

/// Traces grouped across all sources, and the report.
#[derive(Default)]
pub struct Loaded {
    pub traces: TraceSet,
    pub report: ReadReport,
}

/// Read every source, handing span batches to `sink` as they are read.
pub fn for_each_batch(
    sources: &[String],
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
) -> ReadReport {
    let (inputs, errors) = source::expand(sources);
    let mut report = ReadReport {
        errors,
        ..ReadReport::default()
    };
    for item in inputs {
        read_one(&item.input, item.from_directory, opts, sink, &mut report);
    }
    report
}

fn read_one(
    input: &Input,
    from_directory: bool,
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Vec<Span>),
    report: &mut ReadReport,
) {
    let name = input.display_name();
    let mut opened = match source::open(input) {
        Ok(o) => o,
        Err(e) => {
            report
                .errors
                .push(InputError::new(&name, None, source::io_message(&e)));
            return;
        }
    };
    let format = match (opts.format, sniff(&opened.prefix)) {
        (Some(Format::Jaeger), Sniff::JaegerApiV3) | (None, Sniff::JaegerApiV3) => Format::OtlpJson,
        (Some(f), _) => f,
        (None, Sniff::Format(f)) => f,
        (None, Sniff::Unknown(why)) => {
            let e = InputError::new(&name, None, why);
            if from_directory {
                report.warnings.push(e);
            } else {
                report.errors.push(e);
            }
            return;
        }
    };
    let mut count = 0u64;
    let mut count_sink = |spans: Vec<Span>| {
        count += spans.len() as u64;
        sink(spans);
    };
    let mut warnings = Vec::new();
    let mut ctx = ReadCtx {
        source: name.clone(),
        sink: &mut count_sink,
        warnings: &mut warnings,
    };
    let result = read_format(format, &mut *opened.reader, &mut ctx);
    report.inputs.push((name, format));
    report.spans += count;
    // Problems inside an input (a bad line, a bad span) lose data: they are errors too.
    report.errors.extend(warnings);
    if let Err(e) = result {
        report.errors.push(e);
    }
}

/// Read every source and group the spans into traces.
pub fn load(sources: &[String], opts: &LoadOptions) -> Loaded {
    let mut traces = match &opts.trace_filter {
        Some(ids) => TraceSet::with_filter(ids.iter().copied()),
        None => TraceSet::new(),
    };
    let report = for_each_batch(sources, opts, &mut |spans| traces.extend(spans));
    Loaded { traces, report }
}
