//! The opt-in trace cache: one file per trace, the body as the backend sent it, under a folder per
//! backend (URL + tenant), written atomically (a temporary file of `crate::output`, then rename)
//! so a reader never sees half a trace. Only complete, readable traces are stored. The cache
//! folder is ours: its files are renamed into place directly (the format, hence the name, is
//! known only once the body has been read).
//!
//! Layout: `DIR/<16 hex of a hash of URL and tenant>/<32 hex trace id>.<format>`, and
//! `DIR/<hash>/backend.txt` naming the (redacted) URL and tenant for people.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::{Target, hex32};
use crate::formats::Format;
use crate::model::TraceId;
/// Temporary files are made the one way outputs make them.
pub use crate::output::temp_in;
use crate::output::{Existing, Inputs};

const FORMATS: [Format; 5] = [
    Format::OtlpJson,
    Format::Tempo,
    Format::Jaeger,
    Format::Zipkin,
    Format::OtlpProto,
];

#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// FNV-1a 64: stable across Rust versions (the standard hasher is not).
fn fnv64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

impl Cache {
    pub fn for_target(root: &Path, t: &Target) -> Cache {
        let key = fnv64(&[&t.url, t.tenant.as_deref().unwrap_or("")]);
        Cache {
            dir: root.join(format!("{key:016x}")),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: TraceId, format: Format) -> PathBuf {
        self.dir.join(format!("{}.{}", hex32(id), format.name()))
    }

    /// The cached body of a trace and its format.
    pub fn lookup(&self, id: TraceId) -> Option<(PathBuf, Format)> {
        FORMATS
            .iter()
            .map(|f| (self.path(id, *f), *f))
            .find(|(p, _)| p.is_file())
    }

    /// A temporary file in the cache folder, to be [`Cache::commit`]ted or dropped.
    pub fn temp(&self, t: &Target, id: TraceId) -> io::Result<(PathBuf, File)> {
        fs::create_dir_all(&self.dir)?;
        let about = self.dir.join("backend.txt");
        if !about.exists() {
            let text = format!(
                "url = {}\ntenant = {}\n",
                t.shown_url(),
                t.tenant.as_deref().unwrap_or("")
            );
            let text = crate::term::mask_secrets(&text);
            let _ = crate::output::write_file(
                &about,
                &Inputs::none(),
                Existing::Replace,
                text.as_bytes(),
            );
        }
        temp_in(&self.dir, &hex32(id))
    }

    /// Move a complete body into place.
    pub fn commit(&self, temp: &Path, id: TraceId, format: Format) -> io::Result<PathBuf> {
        let dest = self.path(id, format);
        fs::rename(temp, &dest)?;
        Ok(dest)
    }

    pub fn remove(&self, id: TraceId) {
        for f in FORMATS {
            let _ = fs::remove_file(self.path(id, f));
        }
    }
}

/// The file extension for a body saved verbatim.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::OtlpProto => "pb",
        Format::JaegerThrift => "thrift",
        _ => "json",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn store_and_find() {
        let root = tempfile::tempdir().unwrap();
        let t = Target::from_url("http://127.0.0.1:3200", None);
        let c = Cache::for_target(root.path(), &t);
        let id = TraceId(0xabc);
        assert!(c.lookup(id).is_none());
        let (tmp, mut f) = c.temp(&t, id).unwrap();
        f.write_all(b"{}").unwrap();
        drop(f);
        let dest = c.commit(&tmp, id, Format::Tempo).unwrap();
        assert!(!tmp.exists());
        assert_eq!(c.lookup(id), Some((dest.clone(), Format::Tempo)));
        assert!(dest.ends_with("00000000000000000000000000000abc.tempo"));
        // Another tenant is another folder.
        let mut t2 = t.clone();
        t2.tenant = Some("acme".into());
        assert!(Cache::for_target(root.path(), &t2).lookup(id).is_none());
        c.remove(id);
        assert!(c.lookup(id).is_none());
        assert_eq!(fnv64(&["a"]), fnv64(&["a"]));
        assert_ne!(fnv64(&["a", "b"]), fnv64(&["ab", ""]));
    }
}
