//! Test helpers shared by the readers' unit tests.

use std::io::BufRead;
use std::sync::Arc;

use super::{InputError, ReadCtx, ReadWants};
use crate::model::{Resource, Scope, Span, SpanParts};

/// What a reader gave for some bytes: its spans, its warnings and its result.
pub(crate) type Outcome = (Vec<Span>, Vec<InputError>, Result<(), InputError>);

/// Run `read` over `data` as the input `test.json`.
pub(crate) fn read_bytes(
    read: fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>,
    data: &[u8],
) -> Outcome {
    read_bytes_wanting(read, data, ReadWants::default())
}

/// [`read_bytes`] for a command that reads only what `wants` says.
pub(crate) fn read_bytes_wanting(
    read: fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>,
    data: &[u8],
    wants: ReadWants,
) -> Outcome {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    let result = {
        let mut sink = |b: Vec<Span>| spans.extend(b);
        let mut ctx = ReadCtx {
            source: Arc::from("test.json"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants,
        };
        let mut input = data;
        read(&mut input, &mut ctx)
    };
    (spans, warnings, result)
}

/// A file of `tests/data`.
pub(crate) fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("sample {path}: {e}"))
}

/// The oracle: a fully read span with the parts `parts` leaves out removed, written without the
/// reader's code.
pub(crate) fn project(mut s: Span, parts: SpanParts) -> Span {
    if !parts.attributes {
        s.attributes.clear();
    }
    if let Some(prefixes) = parts.attribute_prefixes {
        s.attributes
            .retain(|kv| prefixes.iter().any(|p| kv.key.starts_with(p)));
    }
    if !parts.events {
        s.events.clear();
    }
    if !parts.links {
        s.links.clear();
    }
    if !parts.texts {
        s.trace_state = None;
        s.status.message = None;
    }
    if !parts.resource {
        let r = &*s.resource;
        let attributes: Vec<_> = r
            .attributes
            .iter()
            .filter(|kv| &*kv.key == "service.name")
            .cloned()
            .collect();
        let empty = attributes.is_empty() && r.dropped_attributes_count == 0;
        s.resource = Arc::new(Resource {
            attributes,
            dropped_attributes_count: r.dropped_attributes_count,
            schema_url: None,
        });
        if empty {
            s.resource = Arc::new(Resource::default());
        }
    }
    if !parts.scope {
        s.scope = Arc::new(Scope {
            name: Arc::from(""),
            ..Scope::default()
        });
    }
    s
}
