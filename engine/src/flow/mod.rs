//! Bidirectional flows: key, per-direction counters, TCP state, the bounded
//! flow table, TCP stream reassembly, and the common keys of the field table.
//!
//! A flow is keyed by (VLAN, the two addresses, the two ports, IP protocol),
//! both directions together. `from`/`sport` is the initiator: the sender of
//! the first packet, unless that packet is clearly a reply (a TCP SYN-ACK, or
//! a packet from a port below 1024 to a port at or above 1024, which covers a
//! DNS response from port 53), in which case the roles are swapped.

pub mod fields;
pub mod key;
pub mod stream;
pub mod table;

use std::net::IpAddr;

pub use key::FlowKey;

use crate::decode::ip::tcp_flags;
use crate::dissect::FlowApp;

/// Packet direction relative to the flow's initiator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// initiator -> responder (`flow.from` -> `flow.to`): nProbe's IN counters.
    ToServer = 0,
    /// responder -> initiator: nProbe's OUT counters.
    ToClient = 1,
}

/// Why a flow was exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    Idle,
    Lifetime,
    TcpClose,
    Evicted,
    EndOfInput,
}

/// TCP close grace: after FIN from both sides or an RST, packets arriving
/// within this time (the last ACK, retransmitted FINs) still belong to the
/// flow. Linux keeps TIME_WAIT far longer; 5 s catches the stragglers seen in
/// real captures without holding closed flows.
pub const TCP_CLOSE_GRACE_US: u64 = 5_000_000;

pub struct Flow {
    /// Frame number (1-based, as tshark counts) of the flow's first packet:
    /// unique within a run and the same whatever `--threads` is.
    pub id: u64,
    pub vlan: u16,
    pub has_vlan: bool,
    pub proto: u8,
    pub cli: IpAddr,
    pub srv: IpAddr,
    pub cport: u16,
    pub sport: u16,
    pub first_us: u64,
    pub last_us: u64,
    pub pkts: [u64; 2],
    pub bytes: [u64; 2],
    pub tcp_flags: u8,
    pub fin: [bool; 2],
    /// FIN both ways or RST: the flow ends after the close grace.
    pub closed: bool,
    pub app: FlowApp,
}

impl Flow {
    /// A new flow from its first packet, deciding who the initiator is.
    #[allow(clippy::too_many_arguments)]
    pub fn new(id: u64, vlan: u16, has_vlan: bool, proto: u8, src: IpAddr, dst: IpAddr, sport: u16, dport: u16, tcp_flags_first: Option<u8>, reply_hint: bool, ts_us: u64) -> Flow {
        let is_reply = reply_hint || match tcp_flags_first {
            Some(f) => f & (tcp_flags::SYN | tcp_flags::ACK) == (tcp_flags::SYN | tcp_flags::ACK) || (f & tcp_flags::SYN == 0 && sport < 1024 && dport >= 1024),
            None => sport < 1024 && dport >= 1024 && sport != 0,
        };
        let (cli, srv, cport, sport) = if is_reply { (dst, src, dport, sport) } else { (src, dst, sport, dport) };
        Flow { id, vlan, has_vlan, proto, cli, srv, cport, sport, first_us: ts_us, last_us: ts_us, ..Flow::empty() }
    }

    /// The flow that goes on after `old` is split at its lifetime: same key
    /// and roles, counters from zero, first seen at frame `id` (`ts_us`).
    pub fn continuation(old: &Flow, id: u64, ts_us: u64) -> Flow {
        Flow { id, vlan: old.vlan, has_vlan: old.has_vlan, proto: old.proto, cli: old.cli, srv: old.srv, cport: old.cport, sport: old.sport, first_us: ts_us, last_us: ts_us, ..Flow::empty() }
    }

    /// Zero counters and no state: the rest of a new flow.
    fn empty() -> Flow {
        let none = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
        Flow {
            id: 0,
            vlan: 0,
            has_vlan: false,
            proto: 0,
            cli: none,
            srv: none,
            cport: 0,
            sport: 0,
            first_us: 0,
            last_us: 0,
            pkts: [0; 2],
            bytes: [0; 2],
            tcp_flags: 0,
            fin: [false; 2],
            closed: false,
            app: FlowApp::default(),
        }
    }

    /// Direction of a packet from `src:sport`.
    pub fn dir_of(&self, src: IpAddr, sport: u16) -> Dir {
        if src == self.cli && sport == self.cport {
            Dir::ToServer
        } else {
            Dir::ToClient
        }
    }

    /// Counts one (or, for a reassembled datagram, several) packets.
    pub fn account(&mut self, dir: Dir, pkts: u64, bytes: u64, ts_us: u64, tcp: Option<u8>) {
        let d = dir as usize;
        self.pkts[d] += pkts;
        self.bytes[d] += bytes;
        self.last_us = self.last_us.max(ts_us);
        self.first_us = self.first_us.min(ts_us);
        if let Some(f) = tcp {
            self.tcp_flags |= f;
            if f & tcp_flags::FIN != 0 {
                self.fin[d] = true;
            }
            if f & tcp_flags::RST != 0 || (self.fin[0] && self.fin[1]) {
                self.closed = true;
            }
        }
    }

    /// Duration in whole seconds, rounded up: a 20 ms DNS exchange lasts 1 s
    /// (as in nProbe's documented example), a one-packet flow 0 s.
    pub fn duration_secs(&self) -> u64 {
        (self.last_us - self.first_us).div_ceil(1_000_000)
    }
}

#[cfg(test)]
mod size_tests {
    /// The per-flow memory figure in BENCHMARKS.md starts from these sizes
    /// (printed with `cargo test -p flowhook-engine flow_sizes -- --nocapture`);
    /// the assertion keeps the struct from growing by accident.
    #[test]
    fn flow_sizes() {
        let flow = std::mem::size_of::<super::Flow>();
        let stream = std::mem::size_of::<super::stream::TcpStream>();
        eprintln!("Flow {flow} bytes (TcpStream {stream} x2 boxed apart, TCP flows only), FlowKey {}", std::mem::size_of::<super::FlowKey>());
        assert!(flow <= 192, "Flow grew to {flow} bytes");
    }
}
