//! Export renderers: timelines for documents and viewers (one module per format).
//! Conversions to other trace formats live in `formats` (`formats::write`).

pub mod chrome;
pub mod csv;
pub mod folded;
pub mod html;
pub mod markdown;
pub mod mermaid;
pub mod prepared;
