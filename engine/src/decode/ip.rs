//! IP layer (RFC 791, RFC 8200 with extension headers) and the transport
//! header (RFC 9293 TCP, RFC 768 UDP, ICMP/ICMPv6 type and code), read with
//! etherparse's lax slices: a packet cut by the snaplen still gives its
//! addresses, ports and the payload bytes that were captured.

use std::net::IpAddr;

use etherparse::{LaxIpSlice, TcpSlice, UdpSlice};

use super::Malformed;

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
pub const PROTO_ICMPV6: u8 = 58;

/// Fragment identity and position, when the packet is a fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragInfo {
    pub id: u32,
    /// Offset in bytes.
    pub offset: u16,
    pub more: bool,
}

/// One decoded IP packet.
#[derive(Clone, Copy, Debug)]
pub struct IpView<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Transport protocol (after IPv6 extension headers).
    pub proto: u8,
    /// Bytes the packet had on the wire at the IP layer (the header's length
    /// field; the captured length when that field is absurd).
    pub ip_len: u32,
    /// The IP payload as captured (may be cut short by the snaplen).
    pub payload: &'a [u8],
    pub frag: Option<FragInfo>,
}

/// Decodes the IP header at the start of `ip`.
pub fn parse_ip(ip: &[u8]) -> Result<IpView<'_>, Malformed> {
    let Ok((slice, _ext_err)) = LaxIpSlice::from_slice(ip) else {
        return Err(Malformed::BadIpHeader);
    };
    match &slice {
        LaxIpSlice::Ipv4(v4) => {
            let h = v4.header();
            let total = u32::from(h.total_len());
            let frag = h.is_fragmenting_payload().then(|| FragInfo {
                id: u32::from(h.identification()),
                offset: h.fragments_offset().byte_offset(),
                more: h.more_fragments(),
            });
            Ok(IpView {
                src: IpAddr::V4(h.source_addr()),
                dst: IpAddr::V4(h.destination_addr()),
                proto: v4.payload().ip_number.0,
                ip_len: if total >= u32::from(h.ihl()) * 4 { total } else { ip.len() as u32 },
                payload: v4.payload().payload,
                frag,
            })
        }
        LaxIpSlice::Ipv6(v6) => {
            let h = v6.header();
            // Read the fragment header ourselves: etherparse 0.21's extension
            // iterator reads past a cut-off extension chain (found by the
            // `decode` fuzz target, see `regress_ipv6_cut_extension_chain`).
            let frag = ipv6_fragment(ip);
            let plen = u32::from(h.payload_length());
            Ok(IpView {
                src: IpAddr::V6(h.source_addr()),
                dst: IpAddr::V6(h.destination_addr()),
                proto: v6.payload().ip_number.0,
                ip_len: if plen == 0 { ip.len() as u32 } else { 40 + plen },
                payload: v6.payload().payload,
                frag,
            })
        }
    }
}

/// Extension headers walked at most before giving up on an IPv6 chain:
/// RFC 8200 recommends each appear at most once (twice for destination options).
const MAX_IPV6_EXTENSIONS: usize = 8;

/// The fragment header of an IPv6 packet, if its extension chain has one
/// that fragments (RFC 8200 4.5; an atomic fragment, offset 0 and no more
/// fragments, is not one). Walks hop-by-hop, routing, destination options
/// and AH headers with every length checked.
fn ipv6_fragment(ip: &[u8]) -> Option<FragInfo> {
    let mut next = *ip.get(6)?;
    let mut off = 40usize;
    for _ in 0..MAX_IPV6_EXTENSIONS {
        match next {
            0 | 43 | 60 => {
                let len = (usize::from(*ip.get(off + 1)?) + 1) * 8;
                next = *ip.get(off)?;
                off += len;
            }
            51 => {
                let len = (usize::from(*ip.get(off + 1)?) + 2) * 4;
                next = *ip.get(off)?;
                off += len;
            }
            44 => {
                let f = ip.get(off..off + 8)?;
                let fo = u16::from_be_bytes([f[2], f[3]]);
                let (offset, more) = (fo & 0xfff8, fo & 1 == 1);
                if offset == 0 && !more {
                    return None;
                }
                return Some(FragInfo { id: u32::from_be_bytes([f[4], f[5], f[6], f[7]]), offset, more });
            }
            _ => return None,
        }
    }
    None
}

/// TCP header fields the flow keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpInfo {
    /// The flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, ...).
    pub flags: u8,
    pub seq: u32,
}

pub mod tcp_flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const ACK: u8 = 0x10;
}

/// The transport layer of one packet.
#[derive(Clone, Copy, Debug)]
pub struct L4View<'a> {
    pub sport: u16,
    pub dport: u16,
    pub tcp: Option<TcpInfo>,
    pub payload: &'a [u8],
}

/// Decodes the transport header for `proto` in `payload` (a whole,
/// non-fragmented or reassembled IP payload). Protocols other than TCP and
/// UDP give ports 0 (ICMP: 0 and type*256+code, as NetFlow does).
pub fn parse_l4(proto: u8, payload: &[u8]) -> Result<L4View<'_>, Malformed> {
    match proto {
        PROTO_TCP => {
            let Ok(tcp) = TcpSlice::from_slice(payload) else { return Err(Malformed::BadTcpHeader) };
            let flags = tcp.header_slice().get(13).copied().unwrap_or(0);
            Ok(L4View {
                sport: tcp.source_port(),
                dport: tcp.destination_port(),
                tcp: Some(TcpInfo { flags, seq: tcp.sequence_number() }),
                payload: tcp.payload(),
            })
        }
        PROTO_UDP => {
            let Ok(udp) = UdpSlice::from_slice_lax(payload) else { return Err(Malformed::BadUdpHeader) };
            Ok(L4View { sport: udp.source_port(), dport: udp.destination_port(), tcp: None, payload: udp.payload() })
        }
        PROTO_ICMP | PROTO_ICMPV6 => {
            let (t, c) = (payload.first().copied().unwrap_or(0), payload.get(1).copied().unwrap_or(0));
            // Echo request/reply (v4 8/0, v6 128/129) share one flow: key on type 0.
            let is_echo = matches!((proto, t), (PROTO_ICMP, 0 | 8) | (PROTO_ICMPV6, 128 | 129));
            let dport = if is_echo { 0 } else { u16::from(t) << 8 | u16::from(c) };
            Ok(L4View { sport: 0, dport, tcp: None, payload: &[] })
        }
        _ => Ok(L4View { sport: 0, dport: 0, tcp: None, payload: &[] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `cargo fuzz run decode`: an IPv6 header whose next header is
    /// a fragment header (44), followed by a fragment header that again says
    /// 44 and then nothing. etherparse's extension iterator read past the
    /// end (AddressSanitizer: heap-buffer-overflow); this walk stops.
    #[test]
    fn regress_ipv6_cut_extension_chain() {
        let mut p = vec![0x62, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x00];
        p.extend_from_slice(&[0x2c; 32]);
        p.extend_from_slice(&[0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c]);
        p[6] = 44;
        let _ = parse_ip(&p);
        assert!(ipv6_fragment(&p[..44]).is_none());
    }

    /// Synthetic bytes laid out as RFC 8200 section 4.5 gives a fragment
    /// header (the real IPv6 fragments of `dns/ndpi_dns_fragmented.pcap` are
    /// covered end to end by `tests/plugin_dns.rs`).
    #[test]
    fn ipv6_fragment_header() {
        let mut p = vec![0x60, 0, 0, 0, 0, 16, 44, 64];
        p.extend_from_slice(&[0u8; 32]);
        p.extend_from_slice(&[17, 0, 0x05, 0xa9, 0xde, 0xad, 0xbe, 0xef]);
        p.extend_from_slice(&[0u8; 8]);
        assert_eq!(ipv6_fragment(&p), Some(FragInfo { id: 0xdead_beef, offset: 0x05a8, more: true }));
    }
}
