//! Link layer: finds the IP header inside a captured frame.
//!
//! Handles Ethernet II (IEEE 802.3), 802.1Q / 802.1ad / QinQ VLAN tags, MPLS
//! label stacks (RFC 3032, IP payload guessed from the first nibble), PPPoE
//! sessions (RFC 2516) carrying IPv4/IPv6, Linux cooked capture v1 and v2,
//! raw IP, and BSD null/loopback. The VLAN id kept is the outermost one.

use crate::bytes::be16;
use super::Malformed;

/// libpcap LINKTYPE_* values we decode.
pub mod linktype {
    pub const NULL: i32 = 0;
    pub const ETHERNET: i32 = 1;
    pub const RAW_BSD12: i32 = 12;
    pub const RAW_BSD14: i32 = 14;
    pub const RAW: i32 = 101;
    pub const LOOP: i32 = 108;
    pub const LINUX_SLL: i32 = 113;
    pub const IPV4: i32 = 228;
    pub const IPV6: i32 = 229;
    pub const LINUX_SLL2: i32 = 276;
}

mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const IPV6: u16 = 0x86dd;
    pub const VLAN: u16 = 0x8100;
    pub const QINQ: u16 = 0x88a8;
    pub const QINQ_OLD: u16 = 0x9100;
    pub const MPLS: u16 = 0x8847;
    pub const MPLS_MC: u16 = 0x8848;
    pub const PPPOE_SESSION: u16 = 0x8864;
}

/// Deepest stack of VLAN/MPLS/PPPoE headers followed: real networks use two
/// or three; a longer chain is garbage or an attack.
pub const MAX_ENCAP_DEPTH: usize = 16;

/// The IP part of a frame and the outermost VLAN id (0 when untagged).
#[derive(Clone, Copy, Debug)]
pub struct LinkInfo<'a> {
    pub vlan: u16,
    pub has_vlan: bool,
    pub ip: &'a [u8],
}

/// Finds the IP header in `frame` for the given libpcap link type.
pub fn locate_ip(linktype: i32, frame: &[u8]) -> Result<LinkInfo<'_>, Malformed> {
    use linktype::*;
    match linktype {
        ETHERNET => {
            let Some(et) = be16(frame, 12) else { return Err(Malformed::LinkTruncated) };
            ether(et, &frame[14..])
        }
        LINUX_SLL => {
            let Some(et) = be16(frame, 14) else { return Err(Malformed::LinkTruncated) };
            ether(et, &frame[16..])
        }
        LINUX_SLL2 => {
            if frame.len() < 20 {
                return Err(Malformed::LinkTruncated);
            }
            let Some(et) = be16(frame, 0) else { return Err(Malformed::LinkTruncated) };
            ether(et, &frame[20..])
        }
        NULL | LOOP => {
            let Some(fam) = frame.get(0..4) else { return Err(Malformed::LinkTruncated) };
            // NULL stores the family in the capturing host's byte order; accept both.
            let le = u32::from_le_bytes([fam[0], fam[1], fam[2], fam[3]]);
            let be = u32::from_be_bytes([fam[0], fam[1], fam[2], fam[3]]);
            let fam = if linktype == LOOP { be } else if le < 256 { le } else { be };
            match fam {
                // AF_INET everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
                2 | 24 | 28 | 30 => Ok(plain(&frame[4..])),
                _ => Err(Malformed::NotIp),
            }
        }
        RAW | RAW_BSD12 | RAW_BSD14 | IPV4 | IPV6 => Ok(plain(frame)),
        _ => Err(Malformed::UnsupportedLinkType),
    }
}

fn plain(ip: &[u8]) -> LinkInfo<'_> {
    LinkInfo { vlan: 0, has_vlan: false, ip }
}

/// Follows an ethertype chain to IP.
fn ether(mut et: u16, mut rest: &[u8]) -> Result<LinkInfo<'_>, Malformed> {
    let mut vlan: Option<u16> = None;
    for _ in 0..MAX_ENCAP_DEPTH {
        match et {
            ethertype::IPV4 | ethertype::IPV6 => {
                return Ok(LinkInfo { vlan: vlan.unwrap_or(0), has_vlan: vlan.is_some(), ip: rest })
            }
            ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD => {
                let (Some(tci), Some(next)) = (be16(rest, 0), be16(rest, 2)) else {
                    return Err(Malformed::LinkTruncated);
                };
                vlan.get_or_insert(tci & 0x0fff);
                et = next;
                rest = &rest[4..];
            }
            ethertype::MPLS | ethertype::MPLS_MC => {
                // Walk the label stack to the bottom-of-stack bit.
                loop {
                    let Some(l) = rest.get(0..4) else { return Err(Malformed::LinkTruncated) };
                    let bottom = l[2] & 1 == 1;
                    rest = &rest[4..];
                    if bottom {
                        break;
                    }
                }
                return match rest.first().map(|b| b >> 4) {
                    Some(4) | Some(6) => Ok(LinkInfo { vlan: vlan.unwrap_or(0), has_vlan: vlan.is_some(), ip: rest }),
                    Some(_) => Err(Malformed::NotIp),
                    None => Err(Malformed::LinkTruncated),
                };
            }
            ethertype::PPPOE_SESSION => {
                // 6-byte PPPoE header, then the PPP protocol: 2 bytes, or 1
                // when compressed (RFC 1661 PFC: an odd first byte).
                let Some(&first) = rest.get(6) else { return Err(Malformed::LinkTruncated) };
                let (proto, hl) = if first & 1 == 1 {
                    (u16::from(first), 7)
                } else {
                    let Some(p) = be16(rest, 6) else { return Err(Malformed::LinkTruncated) };
                    (p, 8)
                };
                rest = &rest[hl..];
                et = match proto {
                    0x0021 => ethertype::IPV4,
                    0x0057 => ethertype::IPV6,
                    _ => return Err(Malformed::NotIp),
                };
            }
            _ => return Err(Malformed::NotIp),
        }
    }
    Err(Malformed::TooManyEncapsulations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qinq_keeps_outer_vlan() {
        // Ethernet header, two 802.1Q tags (ids 10, 20), then an IPv4 first byte.
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00, 0x45]);
        let l = locate_ip(linktype::ETHERNET, &f).unwrap();
        assert_eq!((l.vlan, l.has_vlan, l.ip), (10, true, &[0x45u8][..]));
    }

    #[test]
    fn truncated_and_looping_headers_are_counted() {
        assert_eq!(locate_ip(linktype::ETHERNET, &[0u8; 5]).unwrap_err(), Malformed::LinkTruncated);
        let mut f = vec![0u8; 12];
        for _ in 0..40 {
            f.extend_from_slice(&[0x81, 0x00, 0x00, 0x01]);
        }
        f.extend_from_slice(&[0x81, 0x00]);
        assert_eq!(locate_ip(linktype::ETHERNET, &f).unwrap_err(), Malformed::TooManyEncapsulations);
    }
}
