//! Classic pcap files read in large blocks and handed out in place: each
//! `read` fills a 1 MiB block, frames are passed to the workers as offsets
//! into the shared block, and a block is refilled once no batch holds it.
//! libpcap reads through stdio (4 KiB reads) into its own buffer and we then
//! copied every frame into a batch; here the kernel's copy is the only one.
//!
//! (A memory-mapped version was tried first: on this VM its page faults and
//! the TLB shootdowns of each unmap cost more than the copies it saved.)
//!
//! Limits: classic pcap only (see `savefile`); pcapng, unusual magics,
//! pipes and BPF-filtered runs go through libpcap.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::savefile::{self, FileHeader, Record, RECORD_HEADER_LEN};

/// Bytes per block: always holds a whole record (`MAX_CAPLEN` plus its
/// header); one `read` per MiB costs nothing per frame, and the few blocks
/// that batches in flight still hold add a few MiB to RSS.
pub const BLOCK_BYTES: usize = 1 << 20;
const _: () = assert!(BLOCK_BYTES >= savefile::MAX_CAPLEN as usize + RECORD_HEADER_LEN);

/// A block of file bytes shared by the batches that point into it.
pub struct Block {
    buf: Box<[u8]>,
    /// Bytes of `buf` that hold file data.
    len: usize,
}

impl std::ops::Deref for Block {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// A frame inside the current block.
pub struct BlockFrame {
    pub ts_us: u64,
    pub wire_len: u32,
    /// Offset of the frame's first byte in the block.
    pub start: u32,
    pub len: u32,
}

pub enum BlockNext {
    Frame(BlockFrame),
    End,
    Broken(String),
}

pub struct BlockFile {
    file: File,
    header: FileHeader,
    /// Every block allocated; one with no other owner is free to refill.
    blocks: Vec<Arc<Block>>,
    cur: usize,
    /// Offset of the next record in the current block.
    pos: usize,
    eof: bool,
}

impl BlockFile {
    /// Opens `path` if it is a regular classic-pcap file; `None` when it is
    /// anything else (libpcap then opens it and gives its own errors).
    pub fn open(path: &Path) -> Option<BlockFile> {
        let mut file = File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut first = Block { buf: vec![0; BLOCK_BYTES].into_boxed_slice(), len: 0 };
        let eof = fill(&mut file, &mut first).ok()?;
        let header = savefile::parse_file_header(&first)?;
        Some(BlockFile { file, header, blocks: vec![Arc::new(first)], cur: 0, pos: savefile::FILE_HEADER_LEN, eof })
    }

    pub fn linktype(&self) -> i32 {
        self.header.linktype
    }

    /// The block the last `BlockFrame` points into.
    pub fn block(&self) -> &Arc<Block> {
        &self.blocks[self.cur]
    }

    pub fn next_frame(&mut self) -> BlockNext {
        let mut refilled = false;
        loop {
            let block = &self.blocks[self.cur];
            let rest = block.get(self.pos..).unwrap_or_default();
            match savefile::parse_record(&self.header, rest) {
                Record::Whole(r) => {
                    let start = self.pos + RECORD_HEADER_LEN;
                    self.pos = start + r.caplen as usize;
                    return BlockNext::Frame(BlockFrame { ts_us: r.ts_us, wire_len: r.wire_len, start: start as u32, len: r.caplen });
                }
                Record::Bad(msg) => return BlockNext::Broken(msg.to_owned()),
                Record::Partial if self.eof || refilled => {
                    return if rest.is_empty() { BlockNext::End } else { BlockNext::Broken("truncated dump file; the last record is cut".to_owned()) };
                }
                Record::Partial => {
                    if let Err(e) = self.refill() {
                        return BlockNext::Broken(format!("cannot read the file: {e}"));
                    }
                    refilled = true;
                }
            }
        }
    }

    /// Moves the unread tail of the current block to the front of a free
    /// block and fills the rest from the file.
    fn refill(&mut self) -> std::io::Result<()> {
        let old = Arc::clone(&self.blocks[self.cur]);
        let free = self.blocks.iter().position(|b| Arc::strong_count(b) == 1);
        let idx = match free {
            Some(i) => i,
            None => {
                self.blocks.push(Arc::new(Block { buf: vec![0; BLOCK_BYTES].into_boxed_slice(), len: 0 }));
                self.blocks.len() - 1
            }
        };
        let Some(b) = Arc::get_mut(&mut self.blocks[idx]) else {
            return Err(std::io::Error::other("block still shared"));
        };
        let tail = old.get(self.pos..).unwrap_or_default();
        b.buf[..tail.len()].copy_from_slice(tail);
        b.len = tail.len();
        self.eof = fill(&mut self.file, b)?;
        self.cur = idx;
        self.pos = 0;
        Ok(())
    }
}

/// Reads until the block is full or the file ends; true at end of file.
fn fill(file: &mut File, b: &mut Block) -> std::io::Result<bool> {
    while b.len < b.buf.len() {
        match file.read(&mut b.buf[b.len..]) {
            Ok(0) => return Ok(true),
            Ok(n) => b.len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}
