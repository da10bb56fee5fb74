//! Zero-copy reading of classic pcap files: the file is memory-mapped in
//! windows and frames are handed out as offsets into a shared window, so the
//! capture thread copies no packet bytes (libpcap reads through stdio and we
//! then copied each frame into a batch: three copies per byte in all).
//!
//! A window is an `Arc<Mmap>`; the batches sent to the workers hold it, and
//! it is unmapped when the last of them is done, so only the windows still in
//! flight are mapped (they count in RSS as file pages).
//!
//! Limits: classic pcap only (see `savefile`); pcapng, unusual magics,
//! pipes and BPF-filtered runs go through libpcap. A file truncated by
//! another process while mapped would fault (SIGBUS); a file still growing is
//! read up to the size it had when opened.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use memmap2::{Advice, Mmap, MmapOptions};

use super::savefile::{self, FileHeader, Record, RECORD_HEADER_LEN};

/// Bytes mapped at once: always holds a whole record (`MAX_CAPLEN` plus its
/// header plus the alignment slack below); small, because every window still
/// referenced by a batch in flight is resident and counts in RSS (8 MiB
/// windows added ~18 MB to the 1M-packet benchmark's peak, 1 MiB ~4 MB);
/// mapping costs one mmap/munmap pair per MiB, nothing per frame.
pub const WINDOW_BYTES: u64 = 1 << 20;
/// Window starts are aligned to this: a multiple of every page size Linux
/// uses (4 KiB, 16 KiB, 64 KiB), as mmap offsets must be page-aligned.
const MAP_ALIGN: u64 = 64 << 10;
// A window mapped at a record's aligned-down offset holds the whole record.
const _: () = assert!(WINDOW_BYTES >= savefile::MAX_CAPLEN as u64 + RECORD_HEADER_LEN as u64 + MAP_ALIGN);

/// A frame inside the current window.
pub struct MappedFrame {
    pub ts_us: u64,
    pub wire_len: u32,
    /// Offset of the frame's first byte in the window.
    pub start: u32,
    pub len: u32,
}

pub enum MappedNext {
    Frame(MappedFrame),
    End,
    Broken(String),
}

pub struct MappedFile {
    file: File,
    file_len: u64,
    header: FileHeader,
    window: Arc<Mmap>,
    /// File offset of the window's first byte.
    window_at: u64,
    /// File offset of the next record.
    pos: u64,
}

impl MappedFile {
    /// Opens `path` if it is a regular classic-pcap file; `None` when it is
    /// anything else (libpcap then opens it and gives its own errors).
    pub fn open(path: &Path) -> Option<MappedFile> {
        let file = File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        let file_len = meta.len();
        let first = map(&file, 0, file_len).ok()?;
        let header = savefile::parse_file_header(&first)?;
        Some(MappedFile { file, file_len, header, window: Arc::new(first), window_at: 0, pos: savefile::FILE_HEADER_LEN as u64 })
    }

    pub fn linktype(&self) -> i32 {
        self.header.linktype
    }

    /// The window the last `MappedFrame` points into.
    pub fn window(&self) -> &Arc<Mmap> {
        &self.window
    }

    pub fn next_frame(&mut self) -> MappedNext {
        let mut remapped = false;
        loop {
            let rel = (self.pos - self.window_at) as usize;
            let rest = self.window.get(rel..).unwrap_or_default();
            match savefile::parse_record(&self.header, rest) {
                Record::Whole(r) => {
                    let start = rel + RECORD_HEADER_LEN;
                    self.pos += (RECORD_HEADER_LEN as u64) + u64::from(r.caplen);
                    return MappedNext::Frame(MappedFrame { ts_us: r.ts_us, wire_len: r.wire_len, start: start as u32, len: r.caplen });
                }
                Record::Bad(msg) => return MappedNext::Broken(msg.to_owned()),
                Record::Partial => {
                    let window_end = self.window_at + self.window.len() as u64;
                    if window_end >= self.file_len || remapped {
                        return if self.pos >= self.file_len { MappedNext::End } else { MappedNext::Broken("truncated dump file; the last record is cut".to_owned()) };
                    }
                    let at = self.pos - self.pos % MAP_ALIGN;
                    match map(&self.file, at, self.file_len) {
                        Ok(m) => {
                            self.window = Arc::new(m);
                            self.window_at = at;
                            remapped = true;
                        }
                        Err(e) => return MappedNext::Broken(format!("cannot map the file: {e}")),
                    }
                }
            }
        }
    }
}

#[allow(unsafe_code)]
fn map(file: &File, at: u64, file_len: u64) -> std::io::Result<Mmap> {
    let len = WINDOW_BYTES.min(file_len.saturating_sub(at));
    // SAFETY: the map is read-only and private to this process; the module
    // documents the one hazard (another process truncating the file).
    let m = unsafe { MmapOptions::new().offset(at).len(len as usize).map(file)? };
    // Read once, front to back: ask for read-ahead (an advice; failure is harmless).
    let _ = m.advise(Advice::Sequential);
    Ok(m)
}
