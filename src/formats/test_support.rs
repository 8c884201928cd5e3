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

pub(crate) const PREFIXES: &[&str] = &["http.", "peer.service"];

pub(crate) fn projections() -> Vec<SpanParts> {
    vec![
        SpanParts::CORE,
        SpanParts {
            attributes: true,
            attribute_prefixes: Some(PREFIXES),
            links: true,
            ..SpanParts::CORE
        },
        SpanParts {
            resource: true,
            scope: true,
            ..SpanParts::CORE
        },
        SpanParts {
            events: true,
            texts: true,
            ..SpanParts::ALL
        },
    ]
}

/// Every projection of `data` read by `read` is its full reading without the parts left out:
/// the same spans (and parent naming), the same number of warnings.
pub(crate) fn assert_projections(
    read: fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>,
    name: &str,
    data: &[u8],
) {
    let with = |parts| {
        let wants = ReadWants {
            parts,
            traces: None,
        };
        let (spans, warnings, result) = read_bytes_wanting(read, data, wants);
        result.unwrap();
        (spans, warnings)
    };
    let (full, full_warnings) = with(SpanParts::ALL);
    assert!(!full.is_empty(), "{name}");
    for parts in projections() {
        let (got, warnings) = with(parts);
        assert_eq!(warnings.len(), full_warnings.len(), "{name} {parts:?}");
        assert_eq!(got.len(), full.len(), "{name} {parts:?}");
        for (g, f) in got.iter().zip(&full) {
            // How the parent was named is read from the links even when they are left out.
            assert_eq!(g.parent_ref, f.parent_ref, "{name} {parts:?}");
            let want = project(f.clone(), parts);
            assert_eq!(*g, want, "{name} {parts:?}");
        }
    }
}

/// Generated traces (`synth`, seeded) written in `format`.
pub(crate) fn synth(format: super::Format, seed: u64, traces: u64) -> Vec<u8> {
    let cfg = crate::synth::Config {
        seed,
        traces,
        ..crate::synth::Config::default()
    };
    let all: Vec<crate::model::Trace> = crate::synth::Generator::new(cfg).unwrap().collect();
    let mut out = Vec::new();
    super::write_all(format, &all, &mut out).unwrap();
    out
}

/// A reader as the binary readers' property tests call it.
pub(crate) type ReadFn<'a> =
    &'a dyn Fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>;

/// Spans, how many batches, warnings and the result of reading `bytes` (named `name`): through
/// a `BufReader` of `cap` bytes, or in place (`cap` 0, as from a mapped file).
pub(crate) fn outcome(read: ReadFn<'_>, name: &str, bytes: &[u8], cap: usize) -> BatchOutcome {
    let mut spans = Vec::new();
    let mut batches = 0;
    let mut warnings = Vec::new();
    let result = {
        let mut sink = |b: Vec<Span>| {
            batches += 1;
            spans.extend(b);
        };
        let mut ctx = ReadCtx {
            source: Arc::from(name),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: Default::default(),
        };
        if cap == 0 {
            read(&mut std::io::Cursor::new(bytes), &mut ctx)
        } else {
            read(&mut std::io::BufReader::with_capacity(cap, bytes), &mut ctx)
        }
    };
    (spans, batches, warnings, result)
}

/// A full reading of generated traces has every part a projection can leave out (so that the
/// projection tests do not compare empty with empty).
pub(crate) fn assert_every_part_is_read(full: &[Span]) {
    assert!(full.iter().any(|s| s.attributes.len() > 3));
    assert!(full.iter().any(|s| !s.events.is_empty()));
    assert!(full.iter().any(|s| !s.links.is_empty()));
    assert!(full.iter().any(|s| s.resource.attributes.len() > 1));
    assert!(full.iter().any(|s| !s.scope.name.is_empty()));
    assert!(full.iter().any(|s| s.status.message.is_some()));
}

/// `bytes` with each edit applied (0: overwrite, 1: insert, else delete a byte, at `at` modulo
/// the length), then up to a quarter cut off the end.
pub(crate) fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)], cut: usize) -> Vec<u8> {
    for &(at, b, how) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = at % bytes.len();
        match how {
            0 => bytes[i] = b,
            1 => bytes.insert(i, b),
            _ => {
                bytes.remove(i);
            }
        }
    }
    let keep = bytes.len() - cut % (bytes.len() / 4 + 1);
    bytes.truncate(keep);
    bytes
}

/// What a reading gave: spans, how many batches, warnings, the result.
pub(crate) type BatchOutcome = (Vec<Span>, usize, Vec<InputError>, Result<(), InputError>);

/// A binary reader of `common::units` with the given limits.
pub(crate) type UnitsReadFn<'a> = &'a dyn Fn(
    &mut dyn BufRead,
    &mut ReadCtx<'_>,
    super::common::units::Limits,
) -> Result<(), InputError>;

/// A binary reader of `common::units` reads `bytes` as `want` (its reference's outcome) at
/// every run, in-place and segment size, in place and through small buffers.
pub(crate) fn assert_units_reader_matches(
    want: &BatchOutcome,
    name: &str,
    bytes: &[u8],
    read: UnitsReadFn<'_>,
) {
    for (run, direct) in [(1 << 20, 1 << 20), (64, 32), (1, 1), (300, 4096)] {
        let limits = super::common::units::Limits {
            run,
            direct,
            parallel: run / 2,
            segment: run * 3,
        };
        let new = |i: &mut dyn BufRead, c: &mut ReadCtx<'_>| read(i, c, limits);
        for cap in [0, 1, 7, 4096] {
            let got = outcome(&new, name, bytes, cap);
            assert_eq!(got.3, want.3, "result, run {run} direct {direct} cap {cap}");
            assert_eq!(
                got.2, want.2,
                "warnings, run {run} direct {direct} cap {cap}"
            );
            assert_eq!(
                got.1, want.1,
                "batches, run {run} direct {direct} cap {cap}"
            );
            assert!(
                got.0 == want.0,
                "spans, run {run} direct {direct} cap {cap}"
            );
        }
    }
}
