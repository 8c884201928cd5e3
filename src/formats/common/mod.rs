//! Helpers shared by several formats.

pub mod json_util;
pub(crate) mod jz_read;
pub(crate) mod jz_write;
