//! Packet decoding: link layer (Ethernet, 802.1Q/QinQ, MPLS, PPPoE session,
//! Linux cooked SLL/SLL2, raw IP, BSD null/loopback) down to IPv4/IPv6 and
//! TCP/UDP/ICMP, with etherparse's lax slicing so that snaplen-truncated
//! packets still count towards their flow.
//!
//! Anomalies are data: every packet that cannot be decoded is counted under a
//! [`Malformed`] reason and skipped; nothing here panics on packet bytes.

pub mod frag;
pub mod ip;
pub mod link;

pub use ip::{IpView, L4View, TcpInfo};
pub use link::{locate_ip, LinkInfo};

/// Why a packet was skipped. Counted per reason in the run summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Malformed {
    /// The link header is shorter than its fixed size.
    LinkTruncated,
    /// A link type this probe does not decode.
    UnsupportedLinkType,
    /// Not IP (ARP, LLDP, STP, ...): not a flow.
    NotIp,
    /// More stacked VLAN/MPLS/PPPoE headers than `link::MAX_ENCAP_DEPTH`.
    TooManyEncapsulations,
    /// The IP header is cut off or inconsistent.
    BadIpHeader,
    /// The TCP header is cut off or has a bad data offset.
    BadTcpHeader,
    /// The UDP header is cut off.
    BadUdpHeader,
    /// A fragment that cannot be added (overlap past the end, misaligned, over the bound).
    BadFragment,
}

impl Malformed {
    pub const ALL: [Malformed; 8] = [
        Malformed::LinkTruncated,
        Malformed::UnsupportedLinkType,
        Malformed::NotIp,
        Malformed::TooManyEncapsulations,
        Malformed::BadIpHeader,
        Malformed::BadTcpHeader,
        Malformed::BadUdpHeader,
        Malformed::BadFragment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Malformed::LinkTruncated => "link_truncated",
            Malformed::UnsupportedLinkType => "unsupported_link_type",
            Malformed::NotIp => "not_ip",
            Malformed::TooManyEncapsulations => "too_many_encapsulations",
            Malformed::BadIpHeader => "bad_ip_header",
            Malformed::BadTcpHeader => "bad_tcp_header",
            Malformed::BadUdpHeader => "bad_udp_header",
            Malformed::BadFragment => "bad_fragment",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Symmetric shard hash over (VLAN, the two IP addresses): both directions
/// and every fragment of a datagram land on the same worker. Reads the
/// addresses straight from the IP header; `None` when it is too short (the
/// worker will count it).
pub fn shard_hash(link: &LinkInfo<'_>) -> Option<u64> {
    let ip = link.ip;
    let (a, b) = match ip.first()? >> 4 {
        4 => (ip.get(12..16)?, ip.get(16..20)?),
        6 => (ip.get(8..24)?, ip.get(24..40)?),
        _ => return None,
    };
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    // FNV-1a: cheap and good enough to spread addresses over a few workers.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(link.vlan);
    for &x in lo.iter().chain(hi.iter()) {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Some(h ^ (h >> 29))
}
