//! Renderers: every one writes to `&mut dyn Write` and never decides exit codes.

pub mod convert;
pub mod jaeger_json;
pub mod jaeger_thrift;
pub mod otlp_json;
pub mod otlp_proto;
pub mod show_json;
pub mod span_view;
pub mod style;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trace_list;
pub mod waterfall;
pub mod zipkin_json;
