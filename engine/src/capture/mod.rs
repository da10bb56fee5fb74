//! Packet sources: a live interface or a pcap/pcapng file, with an optional
//! BPF filter. Timestamps are the packets' own (microseconds).
//!
//! Classic pcap files without a filter are read in large blocks and their
//! frames handed on in place (`blocks`, parsed by `savefile`); everything
//! else goes through libpcap.

mod blocks;
pub mod savefile;

use std::sync::Arc;

use pcap::{Active, Capture, Offline};

pub use blocks::Block;
use blocks::{BlockFile, BlockNext};
use crate::config::{FileReader, Source};

/// Read timeout of a live capture: how often the loop wakes to check for a
/// signal and to tick the flow workers' clocks when the link is quiet.
pub const LIVE_READ_TIMEOUT_MS: i32 = 100;
/// Snap length of a live capture: whole frames, so dissectors see payloads.
pub const LIVE_SNAPLEN: i32 = 65_535;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot open capture file {path}: {msg}")]
    OpenFile { path: String, msg: String },
    #[error("cannot capture on interface {iface}: {msg}")]
    OpenLive { iface: String, msg: String },
    #[error("bad BPF filter '{filter}': {msg}")]
    Filter { filter: String, msg: String },
}

pub enum PacketSource {
    Blocks(BlockFile),
    File(Capture<Offline>),
    Live(Capture<Active>),
}

/// A frame read from the source.
pub struct Frame<'a> {
    pub ts_us: u64,
    pub data: &'a [u8],
    /// Length on the wire (may exceed `data.len()` when the snaplen cut it).
    pub wire_len: u32,
    /// For a file read in blocks: the block `data` lies in and its offset
    /// there, so the frame can be passed on without a copy.
    pub block: Option<(&'a Arc<Block>, u32)>,
}

/// What a read gave.
pub enum Next<'a> {
    Frame(Frame<'a>),
    /// Live capture: nothing arrived within the read timeout.
    Idle,
    End,
    /// The file broke here (cut off or corrupt); frames before it were read.
    Broken(String),
}

impl PacketSource {
    pub fn open(src: &Source, bpf: Option<&str>, reader: FileReader) -> Result<PacketSource, CaptureError> {
        if let (Source::File(p), None, FileReader::Auto) = (src, bpf, reader) {
            if let Some(b) = BlockFile::open(p) {
                return Ok(PacketSource::Blocks(b));
            }
        }
        let mut s = match src {
            Source::File(p) => {
                let c = Capture::from_file(p).map_err(|e| CaptureError::OpenFile { path: p.display().to_string(), msg: e.to_string() })?;
                PacketSource::File(c)
            }
            Source::Interface(i) => {
                let err = |e: pcap::Error| CaptureError::OpenLive { iface: i.clone(), msg: e.to_string() };
                let c = Capture::from_device(i.as_str())
                    .map_err(err)?
                    .promisc(true)
                    .snaplen(LIVE_SNAPLEN)
                    .timeout(LIVE_READ_TIMEOUT_MS)
                    .immediate_mode(true)
                    .open()
                    .map_err(err)?;
                PacketSource::Live(c)
            }
        };
        if let Some(f) = bpf {
            let r = match &mut s {
                PacketSource::File(c) => c.filter(f, true),
                PacketSource::Live(c) => c.filter(f, true),
                PacketSource::Blocks(_) => Ok(()),
            };
            r.map_err(|e| CaptureError::Filter { filter: f.to_owned(), msg: e.to_string() })?;
        }
        Ok(s)
    }

    pub fn linktype(&self) -> i32 {
        match self {
            PacketSource::Blocks(b) => b.linktype(),
            PacketSource::File(c) => c.get_datalink().0,
            PacketSource::Live(c) => c.get_datalink().0,
        }
    }

    pub fn is_live(&self) -> bool {
        matches!(self, PacketSource::Live(_))
    }

    pub fn next_frame(&mut self) -> Next<'_> {
        let r = match self {
            PacketSource::Blocks(b) => {
                return match b.next_frame() {
                    BlockNext::Frame(f) => {
                        let block = b.block();
                        let data = block.get(f.start as usize..(f.start + f.len) as usize).unwrap_or_default();
                        Next::Frame(Frame { ts_us: f.ts_us, data, wire_len: f.wire_len, block: Some((block, f.start)) })
                    }
                    BlockNext::End => Next::End,
                    BlockNext::Broken(msg) => Next::Broken(msg),
                };
            }
            PacketSource::File(c) => c.next_packet(),
            PacketSource::Live(c) => c.next_packet(),
        };
        match r {
            Ok(p) => {
                let ts = &p.header.ts;
                let ts_us = (ts.tv_sec.max(0) as u64) * 1_000_000 + (ts.tv_usec.max(0) as u64);
                Next::Frame(Frame { ts_us, data: p.data, wire_len: p.header.len, block: None })
            }
            Err(pcap::Error::TimeoutExpired) => Next::Idle,
            Err(pcap::Error::NoMorePackets) => Next::End,
            Err(e) => Next::Broken(e.to_string()),
        }
    }

    /// libpcap's (received, dropped by kernel, dropped by interface) counters of a live capture.
    pub fn live_stats(&mut self) -> Option<(u32, u32, u32)> {
        match self {
            PacketSource::Live(c) => c.stats().ok().map(|s| (s.received, s.dropped, s.if_dropped)),
            PacketSource::File(_) | PacketSource::Blocks(_) => None,
        }
    }
}
