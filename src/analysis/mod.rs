//! Analyses: plain data in, plain data out. Nothing here prints.

pub mod cardinality;
pub mod check;
pub mod compact;
pub mod cp_aggregate;
pub mod critical_path;
pub mod diff;
pub mod findings;
pub mod gate;
pub mod packed_findings;
pub mod percentile;
pub mod pii;
pub mod rules;
pub mod self_time;
pub mod skew;
pub mod stats;
