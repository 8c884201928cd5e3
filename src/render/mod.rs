//! Renderers: every one writes to `&mut dyn Write` and never decides exit codes.

pub mod convert;
pub mod critical_path;
pub mod diff;
pub mod doc;
pub mod export;
pub mod findings;
pub mod gate;
pub mod github;
pub mod jaeger_json;
pub mod jaeger_thrift;
pub mod junit;
pub(crate) mod jz_common;
pub mod otlp_json;
pub mod otlp_proto;
pub mod rules;
pub mod sarif;
pub mod show_json;
pub mod skew;
pub mod span_view;
pub mod stats;
pub mod style;
pub mod table;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trace_list;
pub mod waterfall;
pub mod zipkin_json;
