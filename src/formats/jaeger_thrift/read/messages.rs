//! The units of a Thrift input for the parallel runs ([`units`]): where each message ends, and
//! each message decoded into spans.

use super::{Converter, Keep, fast, proto_name, read_message_for, skim};
use crate::formats::common::units;
use crate::formats::jaeger_thrift::thrift::{self, Decoder, ErrorKind, Protocol, TType};
use crate::formats::{InputError, Position};
use crate::model::SpanParts;

/// Finds where each message ends (a walk over it, nothing built).
pub(super) struct MessageScan {
    pub pos: u64,
}

fn thrift_error(
    e: thrift::Error,
    here: u64,
    proto: Protocol,
    present: u64,
) -> (Option<Position>, String) {
    let at = here + e.pos as u64;
    let msg = match e.kind {
        ErrorKind::Eof => format!(
            "the input ends inside the Thrift message that starts at byte {here} ({present} bytes of it present)"
        ),
        ErrorKind::Invalid(m) => format!("invalid Thrift {}: {m}", proto_name(proto)),
    };
    (Some(Position::Byte(at)), msg)
}

fn protocol(first: u8) -> Option<Protocol> {
    match first {
        0x82 => Some(Protocol::Compact),
        0x80 => Some(Protocol::Binary),
        _ => None,
    }
}

impl units::Scanner for MessageScan {
    type Meta = Protocol;

    fn pos(&self) -> u64 {
        self.pos
    }

    fn next(&mut self, w: &units::Window<'_>) -> units::Scan<Protocol> {
        let b = &w.buf[(self.pos - w.base) as usize..];
        let here = self.pos;
        let Some(&first) = b.first() else {
            return if w.eof {
                units::Scan::End
            } else {
                units::Scan::NeedMore
            };
        };
        let Some(proto) = protocol(first) else {
            return units::Scan::Fail(
                Some(Position::Byte(here)),
                format!(
                    "expected a Thrift message (0x82 compact or 0x80 0x01 binary protocol), found byte 0x{first:02x}"
                ),
            );
        };
        if proto == Protocol::Compact
            && let Some(len) = skim::compact_message_len(b)
        {
            self.pos += len as u64;
            return units::Scan::Unit {
                start: here,
                len,
                meta: proto,
            };
        }
        let mut d = Decoder::new(b, proto);
        let walked = d.read_message_begin().and_then(|_| d.skip(TType::Struct));
        match walked {
            Ok(()) => {
                self.pos += d.pos() as u64;
                units::Scan::Unit {
                    start: here,
                    len: d.pos(),
                    meta: proto,
                }
            }
            Err(e) if e.kind == ErrorKind::Eof && !w.eof => units::Scan::NeedMore,
            Err(e) => {
                let (at, msg) = thrift_error(e, here, proto, b.len() as u64);
                units::Scan::Fail(at, msg)
            }
        }
    }
}

/// Decodes whole messages with a [`Converter`] per worker.
pub(super) struct Messages {
    pub parts: SpanParts,
    pub source: std::sync::Arc<str>,
}

impl units::Decode for Messages {
    type Meta = Protocol;
    type State = Converter;

    fn state(&self) -> Converter {
        Converter::for_parts(self.parts)
    }

    fn decode(
        &self,
        conv: &mut Converter,
        bytes: &[u8],
        here: u64,
        proto: &Protocol,
    ) -> units::UnitOut {
        let mut out = units::UnitOut::default();
        // The common shape first; the general decoder reads anything else (and says what is
        // wrong with it).
        if *proto == Protocol::Compact
            && let Some(spans) = fast::emit_batch(conv, bytes, Keep(self.parts))
        {
            out.spans = spans;
            return out;
        }
        let mut d = Decoder::new(bytes, *proto);
        match read_message_for(&mut d, Keep(self.parts)) {
            Ok((_, Some(b))) => out.spans = conv.batch(b),
            Ok((name, None)) => out.warnings.push(InputError::new(
                &self.source,
                Some(Position::Byte(here)),
                format!(
                    "message {:?} is not emitBatch(batch); skipped",
                    crate::term::escape(&name)
                ),
            )),
            Err(e) => {
                // Not expected: the message was walked whole before.
                let (at, msg) = thrift_error(e, here, *proto, bytes.len() as u64);
                out.error = Some(InputError::new(&self.source, at, msg));
            }
        }
        out
    }
}
