//! STUB: to be written.
use std::io::BufRead;
use super::{InputError, ReadCtx};

pub fn read(_input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    Err(ctx.error(None, "reader not written yet"))
}
