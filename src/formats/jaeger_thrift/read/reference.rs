//! The Thrift reading as it was before the parallel runs (one buffer, one thread): the oracle
//! of the property tests (`prop_tests.rs`). Test builds only.

use std::io::{BufRead, Read};

use super::{Converter, proto_name, read_message};
use crate::formats::jaeger_thrift::thrift::{Decoder, ErrorKind, Protocol};
use crate::formats::{InputError, Position, ReadCtx};

/// Bytes read from the input at a time; a message longer than the buffer grows it.
const CHUNK: usize = 256 * 1024;

/// Concatenated Thrift messages; `skipped` bytes of the input were already consumed.
pub(crate) fn read_thrift(
    input: &mut dyn BufRead,
    skipped: u64,
    ctx: &mut ReadCtx<'_>,
) -> Result<(), InputError> {
    let mut conv = Converter::new();
    let mut buf: Vec<u8> = Vec::new();
    // Absolute offset of buf[0]; the next message starts at buf[start].
    let mut base: u64 = skipped;
    let mut start = 0usize;
    let mut at_eof = false;
    let mut want = CHUNK;
    loop {
        if start == buf.len() {
            if at_eof {
                return Ok(());
            }
            base += buf.len() as u64;
            buf.clear();
            start = 0;
            at_eof = fill(input, &mut buf, want, ctx, base)?;
            if buf.is_empty() {
                return Ok(());
            }
        }
        let here = base + start as u64;
        let proto = match buf[start] {
            0x82 => Protocol::Compact,
            0x80 => Protocol::Binary,
            b => {
                return Err(ctx.error(
                    Some(Position::Byte(here)),
                    format!("expected a Thrift message (0x82 compact or 0x80 0x01 binary protocol), found byte 0x{b:02x}"),
                ));
            }
        };
        let mut d = Decoder::new(&buf[start..], proto);
        match read_message(&mut d) {
            Ok((name, batch)) => {
                start += d.pos();
                want = CHUNK;
                match batch {
                    Some(b) => {
                        let spans = conv.batch(b);
                        ctx.emit(spans);
                    }
                    None => ctx.warn(
                        Some(Position::Byte(here)),
                        format!(
                            "message {:?} is not emitBatch(batch); skipped",
                            crate::term::escape(&name)
                        ),
                    ),
                }
            }
            Err(e) if e.kind == ErrorKind::Eof && !at_eof => {
                // The message goes on past what is buffered: keep it and read more.
                buf.drain(..start);
                base += start as u64;
                start = 0;
                want = want.max(buf.len());
                at_eof = fill(input, &mut buf, want, ctx, base)?;
            }
            Err(e) => {
                let at = here + e.pos as u64;
                let msg = match e.kind {
                    ErrorKind::Eof => format!(
                        "the input ends inside the Thrift message that starts at byte {here} ({} bytes of it present)",
                        buf.len() - start
                    ),
                    ErrorKind::Invalid(m) => format!("invalid Thrift {}: {m}", proto_name(proto)),
                };
                return Err(ctx.error(Some(Position::Byte(at)), msg));
            }
        }
    }
}

/// Append up to `n` more bytes; returns whether the input ended.
fn fill(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    n: usize,
    ctx: &ReadCtx<'_>,
    base: u64,
) -> Result<bool, InputError> {
    let before = buf.len();
    buf.reserve(n);
    let got = input.take(n as u64).read_to_end(buf).map_err(|e| {
        ctx.error(
            Some(Position::Byte(base + before as u64)),
            format!("read error: {e}"),
        )
    })?;
    Ok(got < n)
}
