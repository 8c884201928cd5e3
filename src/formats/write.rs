//! Writing traces in the formats the readers accept (used by `synth`, `export`, `fetch`, `skew`).

use std::io::{self, Write};

use super::Format;
use crate::model::Trace;

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

/// A writer for `format` (one that [`Format::can_write`]).
pub fn writer<'a>(format: Format, out: &'a mut dyn Write) -> Box<dyn TraceWriter + 'a> {
    match &format.entry().write {
        Some(w) => (w.make)(out),
        None => panic!("{} cannot be written", format.name()),
    }
}

/// Write all traces in one format; returns the conversion notes.
pub fn write_all(format: Format, traces: &[Trace], out: &mut dyn Write) -> io::Result<Vec<String>> {
    let mut w = writer(format, out);
    for t in traces {
        w.write_trace(t)?;
    }
    w.finish()
}
