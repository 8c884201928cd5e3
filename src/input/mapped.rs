//! Big regular files are read through a memory map: the readers then parse the file's pages
//! where they are, instead of having `read(2)` copy every byte into a buffer first (on 1 GB of
//! JSON lines the copy was a tenth of the CPU time, all of it on the thread that feeds the
//! workers).
//!
//! [`Mapped`] is a `BufRead` whose `fill_buf` answers the whole rest of the file, so a reader
//! that wants to can parse straight from it. Pages already consumed are given back to the
//! kernel every [`RELEASE_BYTES`] (they stay in the page cache, but leave this process's
//! resident set), so memory does not grow with the file.
//!
//! Small files, other kinds of files (pipes, devices, `/proc`), `TRACEKIT_NO_MMAP=1` and a map
//! that fails all fall back to ordinary reads. The one cost of a map: a file truncated by
//! another process while it is read ends the process with SIGBUS (as for ripgrep and every
//! other tool that maps files); set `TRACEKIT_NO_MMAP=1` to read a file that is being rewritten.
//!
//! This is the crate's one module with `unsafe` code (creating the map, and handing consumed
//! pages back): everything else is `deny(unsafe_code)`.
#![allow(unsafe_code)]

use std::fs::File;
use std::io::{self, BufRead, Read};

use memmap2::{Advice, Mmap, UncheckedAdvice};

/// Files smaller than this are read: a map costs more than it saves on them.
pub const MIN_MAP_BYTES: u64 = 4 << 20;
/// Consumed pages are handed back to the kernel in steps of this many bytes.
pub const RELEASE_BYTES: usize = 8 << 20;

/// A file's bytes through a read-only map.
pub struct Mapped {
    map: Mmap,
    pos: usize,
    /// Bytes before this were handed back to the kernel.
    released: usize,
}

impl Mapped {
    /// Map `file` if it is a regular file of at least [`MIN_MAP_BYTES`] and maps are allowed;
    /// `None` means: read it.
    pub fn try_new(file: &File) -> Option<Mapped> {
        if std::env::var_os("TRACEKIT_NO_MMAP").is_some_and(|v| !v.is_empty() && v != "0") {
            return None;
        }
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() < MIN_MAP_BYTES {
            return None;
        }
        // SAFETY: the map is read-only and private to this reader. Its one hazard is the file
        // shrinking under it while it is read (SIGBUS), documented above.
        let map = unsafe { Mmap::map(file) }.ok()?;
        // Read ahead aggressively: the file is read once, front to back.
        let _ = map.advise(Advice::Sequential);
        Some(Mapped {
            map,
            pos: 0,
            released: 0,
        })
    }

    /// The whole file.
    pub fn whole(&self) -> &[u8] {
        &self.map
    }

    fn release_consumed(&mut self) {
        let end = self.pos / PAGE_BYTES * PAGE_BYTES;
        if end.saturating_sub(self.released) < RELEASE_BYTES {
            return;
        }
        // SAFETY: the pages before `pos` were consumed, so no slice of them is alive (a slice
        // from `fill_buf` borrows the reader and ends before `consume`). On a read-only file
        // map, DONTNEED only drops this process's page table entries: touching the pages again
        // would read the file's contents back, never zeros.
        let _ = unsafe {
            self.map.unchecked_advise_range(
                UncheckedAdvice::DontNeed,
                self.released,
                end - self.released,
            )
        };
        self.released = end;
    }
}

/// 4 KiB everywhere this runs; a larger real page size only makes the advice cover less.
const PAGE_BYTES: usize = 4096;

impl Read for Mapped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.map[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Mapped {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Ok(&self.map[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.map.len());
        self.release_consumed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_like_the_file_and_buffers_the_rest() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..MIN_MAP_BYTES as usize + 12345)
            .map(|i| (i % 251) as u8)
            .collect();
        f.write_all(&data).unwrap();
        let file = File::open(f.path()).unwrap();
        let mut m = Mapped::try_new(&file).expect("a big regular file is mapped");
        assert_eq!(m.whole(), &data[..]);
        assert_eq!(m.fill_buf().unwrap(), &data[..]);
        m.consume(10);
        assert_eq!(m.fill_buf().unwrap(), &data[10..]);
        let mut head = [0u8; 7];
        m.read_exact(&mut head).unwrap();
        assert_eq!(head, data[10..17]);
        let mut rest = Vec::new();
        m.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, &data[17..]);
        assert!(m.fill_buf().unwrap().is_empty());
        m.consume(5);
        assert_eq!(m.read(&mut head).unwrap(), 0);
    }

    #[test]
    fn released_pages_still_read_back_the_file() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let len = RELEASE_BYTES * 2 + 5000;
        let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
        f.write_all(&data).unwrap();
        let mut m = Mapped::try_new(&File::open(f.path()).unwrap()).unwrap();
        let mut got = Vec::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = m.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert!(m.released >= RELEASE_BYTES * 2);
        assert_eq!(got, data);
        // The whole map is still readable after its pages were handed back.
        assert_eq!(m.whole(), &data[..]);
    }

    #[test]
    fn small_files_and_pipes_are_not_mapped() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"{}\n").unwrap();
        assert!(Mapped::try_new(&File::open(f.path()).unwrap()).is_none());
        #[cfg(unix)]
        if let Ok(null) = File::open("/dev/null") {
            assert!(Mapped::try_new(&null).is_none());
        }
    }
}
