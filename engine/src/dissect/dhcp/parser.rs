//! DHCP / BOOTP message parser (BOOTP RFC 951, DHCP RFC 2131, options RFC
//! 2132, Relay Agent Information option 82 RFC 3046 with the Subscriber-ID
//! sub-option of RFC 3993), zero-copy over the UDP payload.
//!
//! Options are read from the options field and, when Option Overload (52)
//! says so, from the `file` field and then the `sname` field, in the order
//! RFC 2131 §4.1 gives. Every walk is bounded by its area and by
//! [`MAX_OPTIONS`]; a length that runs past the bytes ends the walk with a
//! flag, never a panic. A message cut short keeps what was read before the cut.
//!
//! Limits: only the first instance of an option is used (long options split
//! over several instances, RFC 3396, are not concatenated); `chaddr` is read
//! for at most its 16 bytes.

use std::net::Ipv4Addr;

use crate::bytes::be32;

/// The fixed BOOTP header, `op` through `file` (RFC 2131 §2, figure 1).
pub const FIXED_LEN: usize = 236;
/// The magic cookie that opens the options field (RFC 2131 §3, RFC 1497).
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Where the options start: after the header and the cookie.
pub const OPTIONS_AT: usize = FIXED_LEN + 4;
/// Length of the `chaddr` field: a larger `hlen` is cut to it (and flagged).
pub const CHADDR_LEN: usize = 16;
/// Largest hardware type accepted by the probe: IANA's one-byte ARP hardware
/// types end at 38; 64 leaves room for new ones, beyond is not a BOOTP header.
pub const MAX_HTYPE: u8 = 64;
/// Options read per message, all areas together (pad bytes not counted): a
/// 1500-byte datagram holds fewer than 630 non-pad options, so more is garbage.
pub const MAX_OPTIONS: usize = 1024;
/// Sub-options read in one Relay Agent Information option: its value is at
/// most 255 bytes, so it holds at most 127 two-byte sub-options.
pub const MAX_SUBOPTIONS: usize = 128;

const CHADDR_AT: usize = 28;
const SNAME: std::ops::Range<usize> = 44..108;
const FILE: std::ops::Range<usize> = 108..236;

/// Where an option was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Options,
    /// The `file` field, overloaded (option 52, bit 1).
    File,
    /// The `sname` field, overloaded (option 52, bit 2).
    Sname,
}

/// Oddities seen while parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// An option (or sub-option) length runs past the end of its area.
    pub truncated: bool,
    /// An option area ended without the End option (255).
    pub no_end: bool,
    /// More than [`MAX_OPTIONS`] options: the rest were not read.
    pub too_many_options: bool,
    /// `hlen` larger than the 16-byte `chaddr` field.
    pub bad_hlen: bool,
    /// A known option with the wrong length (53 not 1 byte, 50 not 4 bytes).
    pub bad_option_len: bool,
    /// No magic cookie: plain BOOTP, no options read.
    pub no_cookie: bool,
    /// Option 52 with a value other than 1-3, or found outside the options field.
    pub bad_overload: bool,
}

/// One DHCP/BOOTP message. Byte slices borrow from the datagram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message<'a> {
    /// 1 BOOTREQUEST, 2 BOOTREPLY.
    pub op: u8,
    pub htype: u8,
    pub hlen: u8,
    pub xid: u32,
    pub ciaddr: Option<Ipv4Addr>,
    pub yiaddr: Option<Ipv4Addr>,
    pub giaddr: Option<Ipv4Addr>,
    /// The first `hlen` bytes of `chaddr` (at most 16).
    pub chaddr: &'a [u8],
    /// Option 53.
    pub msg_type: Option<u8>,
    /// Option 50.
    pub requested_ip: Option<Ipv4Addr>,
    /// Option 12.
    pub hostname: Option<&'a [u8]>,
    /// Option 82, sub-option 2.
    pub remote_id: Option<&'a [u8]>,
    /// Option 82, sub-option 6.
    pub subscriber_id: Option<&'a [u8]>,
    /// Option 52 (0 when absent).
    pub overload: u8,
    /// Non-pad options read, all areas together.
    pub num_options: usize,
    pub flags: Flags,
}

impl Message<'_> {
    /// The address the client has or is given by this message: `ciaddr`,
    /// else `yiaddr` of a reply, else the Requested IP option.
    pub fn client_ip(&self) -> Option<Ipv4Addr> {
        self.ciaddr.or(if self.op == 2 { self.yiaddr } else { None }).or(self.requested_ip)
    }
}

/// A non-zero IPv4 address at `at` (0.0.0.0 means "not set" in BOOTP).
fn addr(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    be32(b, at).filter(|&a| a != 0).map(Ipv4Addr::from)
}

/// True when `b` has the shape of a DHCP message: BOOTREQUEST/BOOTREPLY, a
/// hardware type and address length that fit, and the magic cookie. Used
/// by the detection probe; ports are only a hint.
pub fn looks_like_dhcp(b: &[u8]) -> bool {
    let (Some(&op), Some(&htype), Some(&hlen)) = (b.first(), b.get(1), b.get(2)) else { return false };
    matches!(op, 1 | 2) && (1..=MAX_HTYPE).contains(&htype) && usize::from(hlen) <= CHADDR_LEN && b.get(FIXED_LEN..OPTIONS_AT) == Some(&MAGIC_COOKIE[..])
}

fn walk_area<'a>(a: &'a [u8], area: Area, count: &mut usize, flags: &mut Flags, f: &mut dyn FnMut(Area, u8, &'a [u8])) {
    let mut pos = 0;
    loop {
        let Some(&code) = a.get(pos) else {
            flags.no_end = true;
            return;
        };
        match code {
            0 => pos += 1,
            255 => return,
            _ => {
                if *count >= MAX_OPTIONS {
                    flags.too_many_options = true;
                    return;
                }
                let Some(&len) = a.get(pos + 1) else {
                    flags.truncated = true;
                    return;
                };
                let Some(v) = a.get(pos + 2..pos + 2 + usize::from(len)) else {
                    flags.truncated = true;
                    return;
                };
                *count += 1;
                f(area, code, v);
                pos += 2 + usize::from(len);
            }
        }
    }
}

/// Calls `f(area, code, value)` for each option of the message: the options
/// field first, then, as Option Overload (52) says, the `file` field and then
/// the `sname` field (RFC 2131 §4.1). Returns the options read, the overload
/// value and the flags. Without the magic cookie there are no options.
pub fn walk_options<'a>(b: &'a [u8], mut f: impl FnMut(Area, u8, &'a [u8])) -> (usize, u8, Flags) {
    let mut flags = Flags::default();
    if b.get(FIXED_LEN..OPTIONS_AT) != Some(&MAGIC_COOKIE[..]) {
        flags.no_cookie = true;
        return (0, 0, flags);
    }
    let mut count = 0;
    let mut overload = None;
    let mut bad_overload = false;
    {
        let mut g = |area: Area, code: u8, v: &'a [u8]| {
            if code == 52 && overload.is_none() {
                match v {
                    [o @ 1..=3] => overload = Some(*o),
                    _ => bad_overload = true,
                }
            }
            f(area, code, v)
        };
        walk_area(b.get(OPTIONS_AT..).unwrap_or(&[]), Area::Options, &mut count, &mut flags, &mut g);
    }
    let overload = overload.unwrap_or(0);
    for (bit, range, area) in [(1, FILE, Area::File), (2, SNAME, Area::Sname)] {
        if overload & bit != 0 {
            let mut g = |area: Area, code: u8, v: &'a [u8]| {
                if code == 52 {
                    // Option 52 is only valid in the options field.
                    bad_overload = true;
                }
                f(area, code, v)
            };
            walk_area(b.get(range).unwrap_or(&[]), area, &mut count, &mut flags, &mut g);
        }
    }
    flags.bad_overload |= bad_overload;
    (count, overload, flags)
}

fn relay_agent<'a>(v: &'a [u8], m: &mut Message<'a>) {
    let mut pos = 0;
    for _ in 0..MAX_SUBOPTIONS {
        if pos >= v.len() {
            return;
        }
        let (Some(&code), Some(&len)) = (v.get(pos), v.get(pos + 1)) else {
            m.flags.truncated = true;
            return;
        };
        let Some(val) = v.get(pos + 2..pos + 2 + usize::from(len)) else {
            m.flags.truncated = true;
            return;
        };
        match code {
            2 if m.remote_id.is_none() => m.remote_id = Some(val),
            6 if m.subscriber_id.is_none() => m.subscriber_id = Some(val),
            _ => {}
        }
        pos += 2 + usize::from(len);
    }
}

/// Parses a BOOTP/DHCP message. `None` when the bytes are shorter than the
/// fixed header or `op` is neither BOOTREQUEST nor BOOTREPLY.
pub fn parse(b: &[u8]) -> Option<Message<'_>> {
    if b.len() < FIXED_LEN {
        return None;
    }
    let (op, htype, hlen) = (*b.first()?, *b.get(1)?, *b.get(2)?);
    if !matches!(op, 1 | 2) {
        return None;
    }
    let mut m = Message {
        op,
        htype,
        hlen,
        xid: be32(b, 4)?,
        ciaddr: addr(b, 12),
        yiaddr: addr(b, 16),
        giaddr: addr(b, 24),
        chaddr: b.get(CHADDR_AT..CHADDR_AT + usize::from(hlen).min(CHADDR_LEN))?,
        ..Message::default()
    };
    m.flags.bad_hlen = usize::from(hlen) > CHADDR_LEN;
    let mut found: Vec<(u8, &[u8])> = Vec::new();
    let (n, overload, flags) = walk_options(b, |_, code, v| {
        if matches!(code, 12 | 50 | 53 | 82) && !found.iter().any(|(c, _)| *c == code) {
            found.push((code, v));
        }
    });
    m.num_options = n;
    m.overload = overload;
    let bad_hlen = m.flags.bad_hlen;
    m.flags = flags;
    m.flags.bad_hlen = bad_hlen;
    for (code, v) in found {
        match code {
            53 => match v {
                [t] => m.msg_type = Some(*t),
                _ => m.flags.bad_option_len = true,
            },
            50 => match <[u8; 4]>::try_from(v) {
                Ok(a) => m.requested_ip = Some(Ipv4Addr::from(a)).filter(|a| !a.is_unspecified()),
                Err(_) => m.flags.bad_option_len = true,
            },
            12 => m.hostname = Some(v),
            82 => relay_agent(v, &mut m),
            _ => {}
        }
    }
    Some(m)
}

/// Hardware address as lower-case hex bytes joined by ':' (aa:bb:cc:dd:ee:ff).
pub fn mac(chaddr: &[u8]) -> String {
    chaddr.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// `v` without trailing NULs (some clients NUL-terminate their host name,
/// which RFC 2132 §2 does not allow).
fn trim_nul(v: &[u8]) -> &[u8] {
    let end = v.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    &v[..end]
}

/// `v` as text when it is printable UTF-8 (trailing NULs removed), else as
/// lower-case hex without separators (as tshark shows byte fields).
pub fn text_or_hex(v: &[u8]) -> String {
    let t = trim_nul(v);
    match std::str::from_utf8(t) {
        Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => s.to_string(),
        _ => v.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// DHCP message type mnemonic (RFC 2132 §9.6, RFC 3203, RFC 4388, RFC 6926,
/// RFC 7724); "BOOTP" for a message without option 53.
pub fn type_name(t: u8) -> &'static str {
    match t {
        0 => "BOOTP",
        1 => "DISCOVER",
        2 => "OFFER",
        3 => "REQUEST",
        4 => "DECLINE",
        5 => "ACK",
        6 => "NAK",
        7 => "RELEASE",
        8 => "INFORM",
        9 => "FORCERENEW",
        10 => "LEASEQUERY",
        11 => "LEASEUNASSIGNED",
        12 => "LEASEUNKNOWN",
        13 => "LEASEACTIVE",
        14 => "BULKLEASEQUERY",
        15 => "LEASEQUERYDONE",
        16 => "ACTIVELEASEQUERY",
        17 => "LEASEQUERYSTATUS",
        18 => "TLS",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// 236 header bytes given as a hex prefix, zero-padded, then the cookie
    /// and the given options: the captures below are mostly zeros.
    fn bootp(prefix: &str, options: &str) -> Vec<u8> {
        let mut b = hex(prefix);
        b.resize(FIXED_LEN, 0);
        b.extend_from_slice(&MAGIC_COOKIE);
        b.extend_from_slice(&hex(options));
        b
    }

    /// `dhcp/zeek_dhcp.pcap` frame 1: DISCOVER, xid 0x7c0, chaddr
    /// 90:b1:1c:99:49:29, Requested IP 192.168.211.194, Host Name
    /// "btest.is.cool" (tshark row 1; Zeek's dhcp.log host_name).
    fn zeek_discover() -> Vec<u8> {
        bootp("01010600000007c0000000000000000000000000000000000000000090b11c994929", "3501013204c0a8d3c20c0d62746573742e69732e636f6f6cff")
    }

    /// `dhcp/suricata_dhcp-option-52-overload.pcap` frame 4: an OFFER whose
    /// options field carries Option Overload = 2, its DNS server and router
    /// (both 10.100.0.2, as the suricata-verify test expects) and domain
    /// "evil.corp" being in the `sname` field.
    fn overloaded_offer() -> Vec<u8> {
        let mut b = hex("0201060024593b3e00000000000000000a6400320a6400020000000092dda48d5fde00000000000000000000");
        b.extend_from_slice(&hex("06040a64000203040a6400020f096576696c2e636f7270ff"));
        b.resize(FIXED_LEN, 0);
        b.extend_from_slice(&MAGIC_COOKIE);
        b.extend_from_slice(&hex("35010236040a64000233040000012c0104ffffff00340102ff"));
        b
    }

    #[test]
    fn discover_with_hostname_and_requested_ip() {
        let b = zeek_discover();
        assert!(looks_like_dhcp(&b));
        let m = parse(&b).unwrap();
        assert_eq!((m.op, m.xid, m.msg_type), (1, 0x7c0, Some(1)));
        assert_eq!(mac(m.chaddr), "90:b1:1c:99:49:29");
        assert_eq!(m.requested_ip, Some(Ipv4Addr::new(192, 168, 211, 194)));
        assert_eq!(m.client_ip(), Some(Ipv4Addr::new(192, 168, 211, 194)));
        assert_eq!(m.hostname.map(text_or_hex).as_deref(), Some("btest.is.cool"));
        assert_eq!((m.num_options, m.flags), (3, Flags::default()));
    }

    /// `dhcp/zeek_dhcp.pcap` frame 6: the ACK gives yiaddr 128.2.6.189.
    #[test]
    fn ack_gives_yiaddr() {
        let b = bootp(
            "02010600000007c00000000000000000800206bdac13e6070000000090b11c994929",
            "3501053604800206983304000003840104ffffff0003048002060106088002010b8002010a04088002011480020115430d6e6574776f726b2d636f6e66671c04800206ff2a0c8002011480020115800201162b0b3137322e31382e362e33373c07417275626141502c088002681d8002681e2e01020f07636d752e656475ff",
        );
        let m = parse(&b).unwrap();
        assert_eq!((m.op, m.msg_type, m.ciaddr), (2, Some(5), None));
        assert_eq!(m.client_ip(), Some(Ipv4Addr::new(128, 2, 6, 189)));
        assert_eq!(m.flags, Flags::default());
    }

    /// `dhcp/suricata_dhcp-eve-extended.pcap` frame 1: a REQUEST from a
    /// client that has 10.16.1.4 (ciaddr) and NUL-terminates its host name
    /// (suricata: "nas1\u0000"; tshark: "nas1").
    #[test]
    fn request_with_ciaddr_and_nul_terminated_hostname() {
        let mut b = bootp(
            "01010600ef645744000000000a1001040000000000000000000000000011321749f0",
            "3501030c056e617331003707011c02030f060c3d07010011321749f0ff",
        );
        b.extend_from_slice(&[0; 31]);
        let m = parse(&b).unwrap();
        assert_eq!((m.xid, m.msg_type), (4016330564, Some(3)));
        assert_eq!(m.client_ip(), Some(Ipv4Addr::new(10, 16, 1, 4)));
        assert_eq!(m.hostname, Some(&b"nas1\0"[..]));
        assert_eq!(text_or_hex(m.hostname.unwrap()), "nas1");
        assert_eq!(mac(m.chaddr), "00:11:32:17:49:f0");
    }

    #[test]
    fn overload_reads_sname_after_the_options_field() {
        let b = overloaded_offer();
        let mut seen = Vec::new();
        let (n, overload, flags) = walk_options(&b, |area, code, v| seen.push((area, code, v.to_vec())));
        assert_eq!((n, overload, flags), (8, 2, Flags::default()));
        let codes: Vec<_> = seen.iter().map(|(a, c, _)| (*a, *c)).collect();
        use Area::{Options as O, Sname as S};
        assert_eq!(codes, [(O, 53), (O, 54), (O, 51), (O, 1), (O, 52), (S, 6), (S, 3), (S, 15)]);
        assert!(seen.contains(&(Area::Sname, 6, vec![10, 100, 0, 2])));
        assert!(seen.contains(&(Area::Sname, 3, vec![10, 100, 0, 2])));
        let m = parse(&b).unwrap();
        assert_eq!((m.msg_type, m.overload), (Some(2), 2));
        assert_eq!(m.client_ip(), Some(Ipv4Addr::new(10, 100, 0, 50)));
    }

    /// The same OFFER with its overloaded `sname` options replaced by a Host
    /// Name and a Relay Agent Information option: keys come from the
    /// overloaded field too. (No shared capture has option 82.)
    #[test]
    fn keys_are_read_from_overloaded_fields() {
        let mut b = overloaded_offer();
        // sname: 12 "pxe" | 82 [2 "ra-1"] [6 00 ff 10] | end
        let sname = hex("0c03707865520b020472612d31060300ff10ff");
        b[44..108].fill(0);
        b[44..44 + sname.len()].copy_from_slice(&sname);
        // Overload both: the (empty, all-pad) file field is walked first.
        let at = b.len() - 2;
        b[at] = 3;
        let m = parse(&b).unwrap();
        assert_eq!(m.overload, 3);
        assert_eq!(m.hostname, Some(&b"pxe"[..]));
        assert_eq!(m.remote_id.map(text_or_hex).as_deref(), Some("ra-1"));
        assert_eq!(m.subscriber_id.map(text_or_hex).as_deref(), Some("00ff10"));
        // The file field has no End option (all pad bytes): flagged, not fatal.
        assert!(m.flags.no_end);
    }

    /// `mixed/suricata_dhcp-request-flood.pcap` frame 1: a 244-byte DISCOVER
    /// whose chaddr holds the text "de:ad:be:ef:aa:b": the 6 address bytes
    /// are 64:65:3a:61:64:3a (tshark), the rest is padding.
    #[test]
    fn flood_discover() {
        let b = bootp("0101060000000001000000010000000000000000000000000000000064653a61643a62653a65663a61613a62", "350101ff");
        assert_eq!(b.len(), 244);
        let m = parse(&b).unwrap();
        assert_eq!((m.xid, m.msg_type, mac(m.chaddr).as_str()), (1, Some(1), "64:65:3a:61:64:3a"));
    }

    #[test]
    fn truncated_and_hostile_inputs_are_bounded() {
        let good = zeek_discover();
        // Every prefix parses or is refused; none panics.
        for n in 0..good.len() {
            let _ = parse(&good[..n]);
            let _ = looks_like_dhcp(&good[..n]);
        }
        // Cut inside the host name: flagged, earlier options kept.
        let m = parse(&good[..good.len() - 5]).unwrap();
        assert!(m.flags.truncated);
        assert_eq!(m.requested_ip, Some(Ipv4Addr::new(192, 168, 211, 194)));
        assert_eq!(m.hostname, None);
        // 60000 one-byte-value options: the walk stops at MAX_OPTIONS.
        let mut b = bootp("01010600", "");
        for _ in 0..20_000 {
            b.extend_from_slice(&[99, 1, 0]);
        }
        let m = parse(&b).unwrap();
        assert_eq!(m.num_options, MAX_OPTIONS);
        assert!(m.flags.too_many_options);
        // hlen 255 is cut to 16 bytes.
        let mut b = zeek_discover();
        b[2] = 255;
        let m = parse(&b).unwrap();
        assert!(m.flags.bad_hlen && m.chaddr.len() == CHADDR_LEN);
        assert!(!looks_like_dhcp(&b));
        // Wrong lengths for options 53 and 50.
        let x = bootp("01010600", "35020101320300ff");
        let m = parse(&x).unwrap();
        assert!(m.flags.bad_option_len && m.msg_type.is_none() && m.requested_ip.is_none());
        // A truncated relay-agent sub-option.
        let x = bootp("01010600", "52040205616263ff");
        let m = parse(&x).unwrap();
        assert!(m.flags.truncated && m.remote_id.is_none());
        // No cookie: BOOTP, no options, not detected.
        let mut b = zeek_discover();
        b[FIXED_LEN] = 0;
        let m = parse(&b).unwrap();
        assert!(m.flags.no_cookie && m.msg_type.is_none());
        assert!(!looks_like_dhcp(&b));
        // op 3 is not BOOTP.
        let mut b = zeek_discover();
        b[0] = 3;
        assert!(parse(&b).is_none() && !looks_like_dhcp(&b));
    }

    #[test]
    fn text_or_hex_rendering() {
        assert_eq!(text_or_hex(b"circuit-7"), "circuit-7");
        assert_eq!(text_or_hex(&[0x00, 0x1a, 0x2b]), "001a2b");
        assert_eq!(text_or_hex(b"a\tb"), "610962");
        assert_eq!(text_or_hex(&[0, 0]), "0000");
    }
}
