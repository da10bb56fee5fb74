//! RADIUS message parser (RFC 2865 authentication, RFC 2866 accounting, RFC
//! 2869 Gigawords, RFC 3162 NAS-IPv6-Address, RFC 5176 CoA/Disconnect;
//! 3GPP vendor-specific attributes of TS 29.061 §16.4.7), zero-copy over the
//! UDP payload.
//!
//! The attribute walk stops at the message's Length field, at the end of the
//! bytes, at a malformed attribute length, or after [`MAX_ATTRIBUTES`]; each
//! is a flag on the message, never an error. Only the first instance of an
//! attribute is kept. Secrets are not known, so hidden attributes
//! (User-Password, Tunnel-Password) are never decoded.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::bytes::be16;

/// Code, Identifier, Length and Authenticator (RFC 2865 §3).
pub const HEADER_LEN: usize = 20;
/// RFC 2865 §3: "The minimum length is 20 and maximum length is 4096."
pub const MAX_LEN: usize = 4096;
/// Attributes read per message: a 4096-byte message holds at most 2038
/// attributes (each is at least 2 bytes), so more is a bound being hit.
pub const MAX_ATTRIBUTES: usize = 2048;
/// Sub-attributes read per Vendor-Specific attribute: its value is at most
/// 253 bytes, 4 of them the vendor id, so it holds at most 124 of 2 bytes.
pub const MAX_VSA_SUBATTRS: usize = 128;
/// The 3GPP's SMI enterprise number (TS 29.061 §16.4.7).
pub const VENDOR_3GPP: u32 = 10415;

/// Oddities seen while parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// The Length field is larger than the datagram: attributes read up to its end.
    pub truncated: bool,
    /// The Length field is below 20 or above 4096.
    pub bad_length: bool,
    /// The datagram is longer than the Length field (RFC 2865 §3: padding, ignored).
    pub padding: bool,
    /// An attribute (or vendor sub-attribute) length below 2 or past the end.
    pub bad_attribute: bool,
    /// More than [`MAX_ATTRIBUTES`] attributes: the rest were not read.
    pub too_many_attributes: bool,
    /// A known attribute with the wrong value size (an address not 4 bytes, ...).
    pub bad_value: bool,
}

/// The attributes the plugin reports (first instance of each).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes<'a> {
    pub user_name: Option<&'a [u8]>,
    pub calling_station_id: Option<&'a [u8]>,
    pub called_station_id: Option<&'a [u8]>,
    pub nas_ip: Option<Ipv4Addr>,
    pub nas_ipv6: Option<Ipv6Addr>,
    pub nas_identifier: Option<&'a [u8]>,
    /// 3GPP-IMSI (vendor 10415, type 1).
    pub imsi: Option<&'a [u8]>,
    /// 3GPP-IMEISV (vendor 10415, type 20).
    pub imeisv: Option<&'a [u8]>,
    pub framed_ip: Option<Ipv4Addr>,
    pub acct_session_id: Option<&'a [u8]>,
    pub acct_status_type: Option<u32>,
    pub in_octets: Option<u32>,
    pub in_gigawords: Option<u32>,
    pub out_octets: Option<u32>,
    pub out_gigawords: Option<u32>,
    pub in_pkts: Option<u32>,
    pub out_pkts: Option<u32>,
}

impl Attributes<'_> {
    /// NAS-IP-Address, else NAS-IPv6-Address.
    pub fn nas_addr(&self) -> Option<IpAddr> {
        self.nas_ip.map(IpAddr::V4).or(self.nas_ipv6.map(IpAddr::V6))
    }

    /// Acct-Input-Octets with its Gigawords (RFC 2869 §5.1).
    pub fn in_bytes(&self) -> Option<u64> {
        octets(self.in_octets, self.in_gigawords)
    }

    /// Acct-Output-Octets with its Gigawords (RFC 2869 §5.2).
    pub fn out_bytes(&self) -> Option<u64> {
        octets(self.out_octets, self.out_gigawords)
    }
}

fn octets(low: Option<u32>, giga: Option<u32>) -> Option<u64> {
    match (low, giga) {
        (None, None) => None,
        (l, g) => Some((u64::from(g.unwrap_or(0)) << 32) | u64::from(l.unwrap_or(0))),
    }
}

/// One RADIUS message. Byte slices borrow from the datagram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message<'a> {
    pub code: u8,
    pub id: u8,
    /// The Length field.
    pub length: u16,
    pub authenticator: &'a [u8],
    pub attrs: Attributes<'a>,
    pub num_attributes: usize,
    pub flags: Flags,
}

/// Codes this parser knows (RFC 2865, RFC 2866, RFC 5176): 1-5, 11-13, 40-45.
pub fn is_known_code(code: u8) -> bool {
    matches!(code, 1..=5 | 11..=13 | 40..=45)
}

/// Requests: Access-Request, Accounting-Request, Status-Server,
/// Status-Client, Disconnect-Request, CoA-Request.
pub fn is_request(code: u8) -> bool {
    matches!(code, 1 | 4 | 12 | 13 | 40 | 43)
}

/// Packet type name (IANA RADIUS Packet Type Codes).
pub fn code_name(code: u8) -> &'static str {
    match code {
        1 => "Access-Request",
        2 => "Access-Accept",
        3 => "Access-Reject",
        4 => "Accounting-Request",
        5 => "Accounting-Response",
        11 => "Access-Challenge",
        12 => "Status-Server",
        13 => "Status-Client",
        40 => "Disconnect-Request",
        41 => "Disconnect-ACK",
        42 => "Disconnect-NAK",
        43 => "CoA-Request",
        44 => "CoA-ACK",
        45 => "CoA-NAK",
        _ => "Unknown",
    }
}

fn be32(b: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(b).ok().map(u32::from_be_bytes)
}

/// Calls `f(type, value)` for each attribute of an attribute area. Returns
/// the attributes read and the flags (`bad_attribute`, `too_many_attributes`).
pub fn walk_attributes<'a>(a: &'a [u8], mut f: impl FnMut(u8, &'a [u8])) -> (usize, Flags) {
    let mut flags = Flags::default();
    let mut pos = 0;
    let mut n = 0;
    while pos < a.len() {
        if n >= MAX_ATTRIBUTES {
            flags.too_many_attributes = true;
            break;
        }
        let (Some(&t), Some(&len)) = (a.get(pos), a.get(pos + 1)) else {
            flags.bad_attribute = true;
            break;
        };
        let len = usize::from(len);
        let Some(v) = a.get(pos + 2..pos + len.max(2)).filter(|_| len >= 2) else {
            flags.bad_attribute = true;
            break;
        };
        n += 1;
        f(t, v);
        pos += len;
    }
    (n, flags)
}

/// True when `b` has the shape of a RADIUS message: a known code, a Length
/// field between 20 and 4096 equal to the datagram's length (or, with
/// `allow_padding`, not above it), and attributes that exactly fill it.
/// Used by the detection probe; ports are only a hint.
pub fn looks_like_radius(b: &[u8], allow_padding: bool) -> bool {
    let (Some(&code), Some(len)) = (b.first(), be16(b, 2)) else { return false };
    let len = usize::from(len);
    if !is_known_code(code) || !(HEADER_LEN..=MAX_LEN).contains(&len) || len > b.len() || (len < b.len() && !allow_padding) {
        return false;
    }
    let (_, flags) = walk_attributes(b.get(HEADER_LEN..len).unwrap_or(&[]), |_, _| {});
    flags == Flags::default()
}

fn vendor_specific<'a>(v: &'a [u8], m: &mut Message<'a>) {
    let Some(vendor) = v.get(0..4).and_then(be32) else {
        m.flags.bad_attribute = true;
        return;
    };
    if vendor != VENDOR_3GPP {
        return;
    }
    let mut pos = 4;
    for _ in 0..MAX_VSA_SUBATTRS {
        if pos >= v.len() {
            return;
        }
        let (Some(&t), Some(&len)) = (v.get(pos), v.get(pos + 1)) else {
            m.flags.bad_attribute = true;
            return;
        };
        let len = usize::from(len);
        let Some(val) = v.get(pos + 2..pos + len.max(2)).filter(|_| len >= 2) else {
            m.flags.bad_attribute = true;
            return;
        };
        match t {
            1 if m.attrs.imsi.is_none() => m.attrs.imsi = Some(val),
            20 if m.attrs.imeisv.is_none() => m.attrs.imeisv = Some(val),
            _ => {}
        }
        pos += len;
    }
}

/// Keeps the first 32-bit integer value of an attribute; false when `v` is not 4 bytes.
fn set_int(slot: &mut Option<u32>, v: &[u8]) -> bool {
    match be32(v) {
        Some(x) => {
            slot.get_or_insert(x);
            true
        }
        None => false,
    }
}

/// Parses a RADIUS message. `None` when the bytes are shorter than the header.
pub fn parse(b: &[u8]) -> Option<Message<'_>> {
    let mut m = Message { code: *b.first()?, id: *b.get(1)?, length: be16(b, 2)?, authenticator: b.get(4..HEADER_LEN)?, ..Message::default() };
    let len = usize::from(m.length);
    let end = if len < HEADER_LEN {
        m.flags.bad_length = true;
        b.len()
    } else if len > b.len() {
        m.flags.truncated = true;
        b.len()
    } else {
        m.flags.padding = len < b.len();
        len
    };
    m.flags.bad_length |= len > MAX_LEN;
    let mut found: Vec<(u8, &[u8])> = Vec::new();
    let (n, flags) = walk_attributes(b.get(HEADER_LEN..end).unwrap_or(&[]), |t, v| found.push((t, v)));
    m.num_attributes = n;
    m.flags.bad_attribute = flags.bad_attribute;
    m.flags.too_many_attributes = flags.too_many_attributes;
    for (t, v) in found {
        let a = &mut m.attrs;
        let mut bad = false;
        match t {
            1 => _ = a.user_name.get_or_insert(v),
            4 => match <[u8; 4]>::try_from(v) {
                Ok(x) => _ = a.nas_ip.get_or_insert(Ipv4Addr::from(x)),
                Err(_) => bad = true,
            },
            8 => match <[u8; 4]>::try_from(v) {
                Ok(x) => _ = a.framed_ip.get_or_insert(Ipv4Addr::from(x)),
                Err(_) => bad = true,
            },
            26 => {}
            30 => _ = a.called_station_id.get_or_insert(v),
            31 => _ = a.calling_station_id.get_or_insert(v),
            32 => _ = a.nas_identifier.get_or_insert(v),
            40 => bad = !set_int(&mut a.acct_status_type, v),
            42 => bad = !set_int(&mut a.in_octets, v),
            43 => bad = !set_int(&mut a.out_octets, v),
            44 => _ = a.acct_session_id.get_or_insert(v),
            47 => bad = !set_int(&mut a.in_pkts, v),
            48 => bad = !set_int(&mut a.out_pkts, v),
            52 => bad = !set_int(&mut a.in_gigawords, v),
            53 => bad = !set_int(&mut a.out_gigawords, v),
            95 => match <[u8; 16]>::try_from(v) {
                Ok(x) => _ = a.nas_ipv6.get_or_insert(Ipv6Addr::from(x)),
                Err(_) => bad = true,
            },
            _ => {}
        }
        m.flags.bad_value |= bad;
        if t == 26 {
            vendor_specific(v, &mut m);
        }
    }
    Some(m)
}

/// `v` without trailing NULs.
fn trim_nul(v: &[u8]) -> &[u8] {
    let end = v.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    &v[..end]
}

fn hex(v: &[u8]) -> String {
    v.iter().map(|b| format!("{b:02x}")).collect()
}

/// `v` as text when it is printable UTF-8 (trailing NULs removed), else as
/// lower-case hex without separators.
pub fn text_or_hex(v: &[u8]) -> String {
    match std::str::from_utf8(trim_nul(v)) {
        Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => s.to_string(),
        _ => hex(v),
    }
}

/// A 3GPP identity (IMSI, IMEISV): TS 29.061 sends the digits as text; some
/// gateways send them TBCD-coded (TS 29.274 §8.3, low nibble first, 0xF
/// filler), which is decoded; anything else is shown as hex.
pub fn digits(v: &[u8]) -> String {
    let t = trim_nul(v);
    if !t.is_empty() && t.iter().all(|c| (0x20..0x7f).contains(c)) {
        return String::from_utf8_lossy(t).into_owned();
    }
    let mut out = String::new();
    for &b in v {
        for nib in [b & 0x0f, b >> 4] {
            match nib {
                0..=9 => out.push(char::from(b'0' + nib)),
                0x0f => return out,
                _ => return hex(v),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// `radius/zeek_radius.pcap` frame 1: Access-Request id 5, User-Name
    /// John.McGuirk, NAS-IP 10.0.0.1, Called-Station-Id 00-19-06-EA-B8-8C,
    /// Calling-Station-Id 00-14-22-E9-54-5E (tshark row 1; Zeek's radius.log
    /// mac 00:14:22:e9:54:5e).
    const ZEEK_REQUEST: &str = "0105008becfe3d2fe4473ec6299095ee46aedf7704060a00000105060000c35c3d060000000f010e4a6f686e2e4d63477569726b1e1330302d31392d30362d45412d42382d38431f1330302d31342d32322d45392d35342d35450606000000020c06000005dc4f1302000011014a6f686e2e4d63477569726b501228c5beb8842486da70db51316f9d7889";
    /// `radius/zeek_radius.pcap` frame 4: Access-Accept id 6, Framed-IP
    /// 255.255.255.254, User-Name John.McGuirk.
    const ZEEK_ACCEPT: &str = "02060061fbba6a784c7decb314caf0f27944a37b0806fffffffe0c0600000240060600000002121548656c6c6f2c204a6f686e2e4d63477569726b4f06030100045012b9c4ae6213a71d32125ef7ca4e4c6360010e4a6f686e2e4d63477569726b";
    /// `radius/tcpdump_RADIUS-port1700.pcap` frame 1: CoA-Request id 0xa6
    /// on port 1700, User-Name bob (tcpdump -v).
    const COA_1700: &str = "2ba600197fbf02c6662b5990838a5e6e331b3ff00105626f62";
    /// `radius/tcpdump_RADIUS-RFC4675.pcap` frame 2: Access-Accept id 0x46
    /// with the RFC 4675 VLAN attributes only.
    const RFC4675_ACCEPT: &str = "02460035766a0314eaf4b95f1ec271ae19cb3bdc38063100007b3906000000013a0b31766c616e6e616d653b0a6162636461626364";

    /// A message with the header of [`ZEEK_REQUEST`] (its authenticator) and
    /// the given code, id and attributes. No shared capture has accounting
    /// or 3GPP attributes, so those tests build them on this real header.
    fn build(code: u8, id: u8, attrs: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut b = vec![code, id, 0, 0];
        b.extend_from_slice(&unhex(ZEEK_REQUEST)[4..20]);
        for (t, v) in attrs {
            b.push(*t);
            b.push(u8::try_from(v.len() + 2).unwrap());
            b.extend_from_slice(v);
        }
        let len = u16::try_from(b.len()).unwrap().to_be_bytes();
        b[2..4].copy_from_slice(&len);
        b
    }

    #[test]
    fn access_request() {
        let b = unhex(ZEEK_REQUEST);
        assert!(looks_like_radius(&b, false));
        let m = parse(&b).unwrap();
        assert_eq!((m.code, m.id, m.length, m.num_attributes, m.flags), (1, 5, 139, 10, Flags::default()));
        assert_eq!(m.attrs.user_name, Some(&b"John.McGuirk"[..]));
        assert_eq!(m.attrs.calling_station_id.map(text_or_hex).as_deref(), Some("00-14-22-E9-54-5E"));
        assert_eq!(m.attrs.called_station_id.map(text_or_hex).as_deref(), Some("00-19-06-EA-B8-8C"));
        assert_eq!(m.attrs.nas_addr(), Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))));
        assert_eq!(m.attrs.framed_ip, None);
    }

    #[test]
    fn access_accept() {
        let x = unhex(ZEEK_ACCEPT);
        let m = parse(&x).unwrap();
        assert_eq!((m.code, m.id, m.flags), (2, 6, Flags::default()));
        assert_eq!(m.attrs.framed_ip, Some(Ipv4Addr::new(255, 255, 255, 254)));
        assert_eq!(m.attrs.user_name, Some(&b"John.McGuirk"[..]));
    }

    #[test]
    fn coa_request_and_vlan_accept() {
        let b = unhex(COA_1700);
        assert!(looks_like_radius(&b, false));
        let m = parse(&b).unwrap();
        assert_eq!((m.code, m.id, m.length, code_name(m.code)), (43, 0xa6, 25, "CoA-Request"));
        assert_eq!(m.attrs.user_name, Some(&b"bob"[..]));
        let b = unhex(RFC4675_ACCEPT);
        assert!(looks_like_radius(&b, false));
        let m = parse(&b).unwrap();
        assert_eq!((m.code, m.id, m.num_attributes), (2, 0x46, 4));
        assert_eq!(m.attrs, Attributes::default());
    }

    #[test]
    fn accounting_attributes_and_3gpp_vsa() {
        // One Vendor-Specific attribute holding two 3GPP sub-attributes.
        let sub = |t: u8, v: &[u8]| {
            let mut x = vec![t];
            x.push(u8::try_from(v.len() + 2).unwrap());
            x.extend_from_slice(v);
            x
        };
        let b = build(
            4,
            9,
            &[
                (1, b"John.McGuirk".to_vec()),
                (40, 2u32.to_be_bytes().to_vec()),
                (44, b"00000001".to_vec()),
                (42, 1000u32.to_be_bytes().to_vec()),
                (52, 1u32.to_be_bytes().to_vec()),
                (43, 2000u32.to_be_bytes().to_vec()),
                (47, 10u32.to_be_bytes().to_vec()),
                (48, 20u32.to_be_bytes().to_vec()),
                (8, vec![10, 1, 2, 3]),
                (32, b"nas-1".to_vec()),
                (26, [VENDOR_3GPP.to_be_bytes().to_vec(), sub(1, b"250071234567890"), sub(20, &[0x53, 0x84, 0x67, 0x30, 0x21, 0x43, 0x65, 0x10])].concat()),
            ],
        );
        assert!(looks_like_radius(&b, false));
        let m = parse(&b).unwrap();
        assert_eq!(m.flags, Flags::default());
        let a = &m.attrs;
        assert_eq!((a.acct_status_type, a.in_bytes(), a.out_bytes(), a.in_pkts, a.out_pkts), (Some(2), Some((1 << 32) + 1000), Some(2000), Some(10), Some(20)));
        assert_eq!(a.acct_session_id, Some(&b"00000001"[..]));
        assert_eq!(a.framed_ip, Some(Ipv4Addr::new(10, 1, 2, 3)));
        assert_eq!(a.nas_identifier, Some(&b"nas-1"[..]));
        assert_eq!(a.imsi.map(digits).as_deref(), Some("250071234567890"));
        // 3GPP-IMEISV sent TBCD-coded, as some gateways do.
        assert_eq!(a.imeisv.map(digits).as_deref(), Some("3548760312345601"));
        // Another vendor's VSA is skipped.
        let b = build(4, 9, &[(26, [&9u32.to_be_bytes()[..], &[1, 5, b'x', b'y', b'z']].concat())]);
        assert_eq!(parse(&b).unwrap().attrs, Attributes::default());
    }

    #[test]
    fn digits_rendering() {
        assert_eq!(digits(b"359211089765432,01"), "359211089765432,01");
        // TBCD with a filler nibble: 15 digits.
        assert_eq!(digits(&[0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5]), "123456789012345");
        assert_eq!(digits(&[0xab, 0x01]), "ab01");
    }

    #[test]
    fn detection_needs_the_shape() {
        let b = unhex(ZEEK_REQUEST);
        // Length field off by one either way.
        let mut x = b.clone();
        x[3] += 1;
        assert!(!looks_like_radius(&x, true));
        let mut x = b.clone();
        x.push(0);
        assert!(!looks_like_radius(&x, false));
        assert!(looks_like_radius(&x, true));
        // Unknown code.
        let mut x = b.clone();
        x[0] = 6;
        assert!(!looks_like_radius(&x, true));
        // Attributes that do not fill the message.
        let mut x = b.clone();
        x[21] = 5;
        assert!(!looks_like_radius(&x, true));
        assert!(!looks_like_radius(&[0x55; 64], true));
        assert!(!looks_like_radius(&b[..19], true));
    }

    #[test]
    fn truncated_and_hostile_inputs_are_bounded() {
        let b = unhex(ZEEK_REQUEST);
        for n in 0..b.len() {
            let _ = parse(&b[..n]);
            let _ = looks_like_radius(&b[..n], true);
        }
        assert!(parse(&b[..19]).is_none());
        // Cut inside Calling-Station-Id: flagged, earlier attributes kept.
        let m = parse(&b[..70]).unwrap();
        assert!(m.flags.truncated && m.flags.bad_attribute);
        assert_eq!(m.attrs.user_name, Some(&b"John.McGuirk"[..]));
        assert_eq!(m.attrs.calling_station_id, None);
        // Bytes past the Length field are padding, not attributes.
        let x = build(1, 1, &[(1, b"a".to_vec())]).iter().copied().chain([1, 0, 1, 0]).collect::<Vec<_>>();
        let m = parse(&x).unwrap();
        assert!(m.flags.padding && !m.flags.bad_attribute && m.num_attributes == 1);
        // A zero attribute length stops the walk.
        let mut x = build(1, 1, &[(1, b"a".to_vec()), (31, b"b".to_vec())]);
        x[24] = 0;
        let m = parse(&x).unwrap();
        assert!(m.flags.bad_attribute && m.num_attributes == 1);
        // Length field below 20 and above 4096.
        let mut x = b.clone();
        x[2..4].copy_from_slice(&[0, 3]);
        assert!(parse(&x).unwrap().flags.bad_length);
        // 30000 empty attributes in a 60020-byte datagram: MAX_ATTRIBUTES read.
        let mut x = vec![1, 1, 0xff, 0xff];
        x.extend_from_slice(&[0; 16]);
        for _ in 0..30_000 {
            x.extend_from_slice(&[18, 2]);
        }
        let m = parse(&x).unwrap();
        assert!(m.flags.too_many_attributes && m.flags.bad_length && m.flags.truncated);
        assert_eq!(m.num_attributes, MAX_ATTRIBUTES);
        assert!(!looks_like_radius(&x, true));
        // Wrong value sizes.
        let x = build(4, 1, &[(4, vec![1, 2, 3]), (40, vec![1]), (26, vec![0, 0])]);
        let m = parse(&x).unwrap();
        assert!(m.flags.bad_value && m.flags.bad_attribute);
        assert_eq!((m.attrs.nas_ip, m.attrs.acct_status_type), (None, None));
        // A broken 3GPP sub-attribute.
        let x = build(1, 1, &[(26, [&VENDOR_3GPP.to_be_bytes()[..], &[1, 9, b'1']].concat())]);
        let m = parse(&x).unwrap();
        assert!(m.flags.bad_attribute && m.attrs.imsi.is_none());
    }
}
