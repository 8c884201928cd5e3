//! Sources: files, directories, stdin, gzip, and loading them in batches. What the bytes mean is
//! [`crate::formats`]' business: this layer opens inputs, sniffs them with
//! [`crate::formats::detect`] and hands them to [`crate::formats::read_format`].

pub mod limits;
pub mod load;
pub mod mapped;
pub mod source;

pub use crate::error::{InputError, Position};
pub use load::{LoadOptions, Loaded, load};
