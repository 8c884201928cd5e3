//! STUB: to be written.
use super::convert::TraceWriter;
use crate::model::Trace;
use std::io::{self, Write};

pub struct OtlpProtoWriter<'a> {
    _out: &'a mut dyn Write,
}
impl<'a> OtlpProtoWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        OtlpProtoWriter { _out: out }
    }
}
impl TraceWriter for OtlpProtoWriter<'_> {
    fn write_trace(&mut self, _trace: &Trace) -> io::Result<()> {
        Err(io::Error::other("not written yet"))
    }
    fn finish(&mut self) -> io::Result<Vec<String>> {
        Ok(Vec::new())
    }
}
