//! Renderers: every one writes to `&mut dyn Write` and never decides exit codes.

pub mod convert;
pub mod jaeger_json;
pub mod jaeger_thrift;
pub(crate) mod jz_common;
pub mod otlp_json;
pub mod otlp_proto;
pub mod show_json;
pub mod waterfall;
pub mod zipkin_json;
