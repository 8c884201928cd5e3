//! The one in-memory trace model shared by every reader, analysis and renderer.

pub mod ids;
pub mod intern;
pub mod limits;
pub mod parts;
pub mod span;
pub mod spill;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trace;
pub mod tree;
pub mod value;
pub mod window;

pub use ids::{IdError, SpanId, TraceId, TraceRef, TraceRefError};
pub use intern::Interner;
pub use parts::SpanParts;
pub use span::{
    Event, FLAG_HAS_IS_REMOTE, FLAG_IS_REMOTE, Link, ParentRef, RefKind, Resource, Scope, Span,
    SpanKind, SpanLike, Status, StatusCode,
};
pub use trace::{Trace, TraceSet};
pub use tree::{RootReason, TraceTree};
pub use value::{Key, KeyValue, Value};
