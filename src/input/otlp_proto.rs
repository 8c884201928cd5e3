//! STUB: to be written.
use super::{InputError, ReadCtx};
use std::io::BufRead;

pub fn read(_input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    Err(ctx.error(None, "reader not written yet"))
}
