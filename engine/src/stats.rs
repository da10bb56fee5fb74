//! Run counters: per worker, merged at the end into the exit summary.

use crate::decode::Malformed;

#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Frames read from the source.
    pub packets: u64,
    /// Captured bytes of those frames.
    pub bytes: u64,
    /// Frames skipped, by reason (indexed by [`Malformed::index`]).
    pub malformed: [u64; Malformed::ALL.len()],
    pub flows_exported: u64,
    /// Flows exported early because the table was full.
    pub flows_evicted: u64,
    /// Flows a hook dropped (not exported to any output).
    pub flows_dropped: u64,
    pub datagrams_reassembled: u64,
    /// Fragmented datagrams given up (timeout, bound, bad fragment).
    pub datagrams_incomplete: u64,
    /// Holes skipped in TCP streams.
    pub tcp_gaps: u64,
    /// What dissectors gave up because a bound was hit (`Dissector::truncated`).
    pub dissect_truncated: u64,
    /// Most flows held at once (summed over workers: an upper bound).
    pub peak_flows: u64,
}

impl Stats {
    pub fn malformed(&mut self, m: Malformed) {
        self.malformed[m.index()] += 1;
    }

    pub fn merge(&mut self, o: &Stats) {
        self.packets += o.packets;
        self.bytes += o.bytes;
        for (a, b) in self.malformed.iter_mut().zip(o.malformed.iter()) {
            *a += b;
        }
        self.flows_exported += o.flows_exported;
        self.flows_evicted += o.flows_evicted;
        self.flows_dropped += o.flows_dropped;
        self.datagrams_reassembled += o.datagrams_reassembled;
        self.datagrams_incomplete += o.datagrams_incomplete;
        self.tcp_gaps += o.tcp_gaps;
        self.peak_flows += o.peak_flows;
        self.dissect_truncated += o.dissect_truncated;
    }

    pub fn malformed_total(&self) -> u64 {
        self.malformed.iter().sum()
    }
}
