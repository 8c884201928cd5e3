//! Analyses over the model: pure functions of traces, no I/O and no rendering.

pub mod self_time;
