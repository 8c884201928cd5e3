//! tracekit: read traces in every common format into one model, analyse them, render them.
//!
//! Data flows one way: `input` (sources) → `formats` (readers and writers, one module per format)
//! → `model` → `analysis` → `render` (human views). `commands` is glue; only `main` turns results
//! into exit codes. No module imports one above it (checked by the `layering` test).

pub mod analysis;
pub mod backend;
pub mod cli;
pub mod commands;
pub mod error;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod model;
pub mod output;
pub mod render;
pub mod synth;
pub mod term;
pub mod units;

#[cfg(test)]
mod layering;
