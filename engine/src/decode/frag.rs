//! IPv4 and IPv6 fragment reassembly (RFC 791, RFC 8200 section 4.5), with
//! etherparse's `IpDefragBuf` doing the byte work and this module bounding
//! memory and time. Fragments are keyed by (VLAN, source, destination,
//! protocol, identification).
//!
//! A datagram that never completes is expired after [`FRAG_TIMEOUT_US`] and
//! handed back as [`Incomplete`] so that its packets and bytes still reach a
//! flow (with ports 0): nothing seen is lost.

use std::collections::HashMap;
use std::net::IpAddr;

use etherparse::defrag::IpDefragBuf;
use etherparse::{IpFragOffset, IpNumber};

use super::ip::{FragInfo, IpView};

/// How long a partial datagram waits for its other fragments: Linux's
/// `ipfrag_time` default.
pub const FRAG_TIMEOUT_US: u64 = 30_000_000;
/// Partial datagrams held per worker at once: bounds memory against
/// fragment floods; beyond it the oldest partial datagram is given up.
pub const MAX_PENDING_DATAGRAMS: usize = 4096;
/// Bytes held in partial datagrams per worker (64 MiB).
pub const MAX_PENDING_BYTES: usize = 64 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FragKey {
    vlan: u16,
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    id: u32,
}

struct Pending {
    buf: IpDefragBuf,
    first_us: u64,
    last_us: u64,
    frame_no: u64,
    pkts: u64,
    bytes: u64,
    has_vlan: bool,
}

/// A completed datagram: its payload and the fragments' counts.
pub struct Reassembled {
    pub payload: Vec<u8>,
    pub pkts: u64,
    pub bytes: u64,
    /// Frame number of the first fragment seen.
    pub frame_no: u64,
}

/// A datagram given up on (timeout, bound, or bad fragment).
pub struct Incomplete {
    pub vlan: u16,
    pub has_vlan: bool,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub pkts: u64,
    pub bytes: u64,
    pub first_us: u64,
    pub last_us: u64,
    pub frame_no: u64,
}

/// Where and when a fragment was seen.
#[derive(Clone, Copy, Debug)]
pub struct Seen {
    pub vlan: u16,
    pub has_vlan: bool,
    pub ts_us: u64,
    pub frame_no: u64,
}

/// Outcome of adding a fragment.
pub enum FragResult {
    /// Stored; more fragments are needed.
    Pending,
    Complete(Reassembled),
    /// The fragment could not be added (counted by the caller); the partial
    /// datagram it belonged to is returned so its packets are not lost.
    Bad(Incomplete),
}

#[derive(Default)]
pub struct Defrag {
    pending: HashMap<FragKey, Pending>,
    bytes: usize,
    /// Datagrams given up because of the bounds.
    pub evicted: u64,
}

impl Defrag {
    /// Adds one fragment seen at `ts_us` in frame `frame_no`.
    pub fn add(&mut self, at: Seen, ip: &IpView<'_>, frag: FragInfo, out_evicted: &mut Vec<Incomplete>) -> FragResult {
        let Seen { vlan, has_vlan, ts_us, frame_no } = at;
        let key = FragKey { vlan, src: ip.src, dst: ip.dst, proto: ip.proto, id: frag.id };
        if !self.pending.contains_key(&key)
            && (self.pending.len() >= MAX_PENDING_DATAGRAMS || self.bytes + ip.payload.len() > MAX_PENDING_BYTES)
        {
            if let Some(oldest) = self.pending.iter().min_by_key(|(_, p)| p.last_us).map(|(k, _)| *k) {
                self.evicted += 1;
                if let Some(inc) = self.remove(&oldest) {
                    out_evicted.push(inc);
                }
            }
        }
        let p = self.pending.entry(key).or_insert_with(|| Pending {
            buf: IpDefragBuf::new(IpNumber(ip.proto), Vec::new(), Vec::new()),
            first_us: ts_us,
            last_us: ts_us,
            frame_no,
            pkts: 0,
            bytes: 0,
            has_vlan,
        });
        p.pkts += 1;
        p.bytes += u64::from(ip.ip_len);
        p.last_us = ts_us;
        let Ok(offset) = IpFragOffset::try_new(frag.offset / 8) else {
            return self.remove(&key).map_or(FragResult::Pending, FragResult::Bad);
        };
        if p.buf.add(offset, frag.more, ip.payload).is_err() {
            return self.remove(&key).map_or(FragResult::Pending, FragResult::Bad);
        }
        self.bytes += ip.payload.len();
        if !p.buf.is_complete() {
            return FragResult::Pending;
        }
        let Some(p) = self.pending.remove(&key) else { return FragResult::Pending };
        self.bytes = self.bytes.saturating_sub(p.buf.data().len());
        let (payload, _) = p.buf.take_bufs();
        FragResult::Complete(Reassembled { payload, pkts: p.pkts, bytes: p.bytes, frame_no: p.frame_no })
    }

    fn remove(&mut self, key: &FragKey) -> Option<Incomplete> {
        let p = self.pending.remove(key)?;
        self.bytes = self.bytes.saturating_sub(p.buf.data().len());
        Some(Incomplete {
            vlan: key.vlan,
            has_vlan: p.has_vlan,
            src: key.src,
            dst: key.dst,
            proto: key.proto,
            pkts: p.pkts,
            bytes: p.bytes,
            first_us: p.first_us,
            last_us: p.last_us,
            frame_no: p.frame_no,
        })
    }

    /// Gives up on datagrams idle for longer than [`FRAG_TIMEOUT_US`] at
    /// `now_us`, or on all of them when `now_us` is `None` (end of input).
    pub fn expire(&mut self, now_us: Option<u64>) -> Vec<Incomplete> {
        let keys: Vec<FragKey> = self
            .pending
            .iter()
            .filter(|(_, p)| now_us.is_none_or(|now| p.last_us + FRAG_TIMEOUT_US < now))
            .map(|(k, _)| *k)
            .collect();
        let mut out: Vec<Incomplete> = keys.iter().filter_map(|k| self.remove(k)).collect();
        out.sort_by_key(|i| i.frame_no);
        out
    }
}
