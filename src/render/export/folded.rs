//! Folded stacks (`service;op;op count`) of self time in microseconds, for flamegraph.pl,
//! inferno and speedscope. Frames are `service: operation` with `;` replaced, so one stack per
//! root-to-span path; identical stacks over many traces add up.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::prepared::Prepared;

/// Deepest stack written; deeper ones keep their leaf end.
const MAX_FRAMES: usize = 256;

/// Accumulates stacks over many traces.
#[derive(Default)]
pub struct Folded {
    stacks: BTreeMap<String, u64>,
}

fn frame(svc: &str, op: &str) -> String {
    // `;` separates frames and the last space separates the count; other control characters
    // and bidirectional overrides are escaped (`\x1b`, `\u{202e}`), like any trace data shown.
    let f = format!("{svc}: {op}")
        .replace(';', ",")
        .replace(['\n', '\r'], " ");
    crate::term::escape(&f).into_owned()
}

impl Folded {
    pub fn add(&mut self, p: &Prepared<'_>) {
        let spans = &p.trace.spans;
        for i in 0..spans.len() {
            let us = p.self_ns[i] / 1_000;
            if us == 0 {
                continue;
            }
            // Walk up to the root, keeping at most MAX_FRAMES frames (leaf side) so that a
            // 10,000-level trace does not produce stacks of quadratic total size.
            let mut frames = Vec::new();
            let mut cur = Some(i as u32);
            while let Some(c) = cur {
                if frames.len() == MAX_FRAMES {
                    let mut rest = 0;
                    let mut k = Some(c);
                    while let Some(x) = k {
                        rest += 1;
                        k = p.tree.parent[x as usize];
                    }
                    frames.push(format!("[{rest} frames above]"));
                    break;
                }
                frames.push(frame(p.service(c as usize), &spans[c as usize].name));
                cur = p.tree.parent[c as usize];
            }
            frames.reverse();
            *self.stacks.entry(frames.join(";")).or_default() += us;
        }
    }

    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        for (stack, n) in &self.stacks {
            writeln!(out, "{stack} {n}")?;
        }
        Ok(())
    }
}
