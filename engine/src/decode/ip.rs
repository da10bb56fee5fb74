//! IP layer (RFC 791, RFC 8200 with extension headers) and the transport
//! header (RFC 9293 TCP, RFC 768 UDP, ICMP/ICMPv6 type and code), read with
//! etherparse's lax slices: a packet cut by the snaplen still gives its
//! addresses, ports and the payload bytes that were captured.

use std::net::IpAddr;

use etherparse::{Ipv6ExtensionSlice, LaxIpSlice, TcpSlice, UdpSlice};

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
            let mut frag = None;
            for ext in v6.extensions().clone().into_iter() {
                if let Ipv6ExtensionSlice::Fragment(f) = ext {
                    if f.is_fragmenting_payload() {
                        frag = Some(FragInfo {
                            id: f.identification(),
                            offset: f.fragment_offset().byte_offset(),
                            more: f.more_fragments(),
                        });
                    }
                }
            }
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
