//! STUB: synthetic trace generator, to be written.
