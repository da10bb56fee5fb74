//! DNS message parser (RFC 1035, AAAA RFC 3596, SRV RFC 2782), zero-copy over
//! the message bytes. Names follow compression pointers with a jump bound, so
//! a pointer loop ends as a flagged, truncated name rather than a hang.
//! Anomalies are flags on the message, never errors: a message that is cut
//! short keeps everything parsed before the cut.

use crate::bytes::{be16, be32};
/// Longest name kept: what dnsmasq uses (`MAX_NAME_LEN`, via Suricata).
pub const MAX_NAME_LEN: usize = 1025;
/// Compression pointers followed per name: a legal name has at most 127
/// labels, so more jumps than that is a loop.
pub const MAX_POINTER_JUMPS: usize = 128;
/// Answer records decoded per message (the rest are counted, not listed):
/// large enough for any real response, small enough to bound the work.
pub const MAX_ANSWERS: usize = 64;
/// Questions decoded per message; real messages carry one.
pub const MAX_QUESTIONS: usize = 4;

/// Oddities seen while parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub truncated: bool,
    pub pointer_loop: bool,
    pub name_too_long: bool,
    pub too_many_answers: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub rtype: u16,
    pub ttl: u32,
    /// Rendered value: address, name, text.
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    pub id: u16,
    pub is_response: bool,
    pub opcode: u8,
    pub rcode: u8,
    pub qdcount: u16,
    pub ancount: u16,
    pub qname: String,
    pub qtype: u16,
    pub answers: Vec<Answer>,
    pub flags: Flags,
}

/// Reads a (possibly compressed) name at `at`. Returns the name and the
/// offset just past it in the original position, or `None` when the bytes
/// end inside the name.
pub fn read_name(msg: &[u8], at: usize, flags: &mut Flags) -> Option<(String, usize)> {
    // Most names fit: one allocation instead of a few doublings per name.
    let mut name = String::with_capacity(32);
    let mut pos = at;
    let mut end = None;
    let mut jumps = 0;
    loop {
        let len = *msg.get(pos)?;
        match len & 0xc0 {
            0x00 => {
                if len == 0 {
                    pos += 1;
                    break;
                }
                let label = msg.get(pos + 1..pos + 1 + len as usize)?;
                if name.len() + label.len() + 1 > MAX_NAME_LEN {
                    // Keep walking to find where the name ends; stop appending.
                    flags.name_too_long = true;
                    pos += 1 + len as usize;
                    continue;
                }
                if !name.is_empty() {
                    name.push('.');
                }
                name.reserve(label.len());
                for &c in label {
                    // Printable ASCII as is; anything else escaped like dig does.
                    if (0x21..0x7f).contains(&c) && c != b'.' && c != b'\\' {
                        name.push(c as char);
                    } else {
                        name.push_str(&format!("\\{c:03}"));
                    }
                }
                pos += 1 + len as usize;
            }
            0xc0 => {
                let ptr = usize::from(be16(msg, pos)?) & 0x3fff;
                end.get_or_insert(pos + 2);
                jumps += 1;
                if jumps > MAX_POINTER_JUMPS || ptr >= msg.len() {
                    flags.pointer_loop = true;
                    return Some((name, end.unwrap_or(pos + 2)));
                }
                pos = ptr;
            }
            // 0x40 / 0x80: extended label types (RFC 6891 obsoleted them).
            _ => return None,
        }
    }
    Some((name, end.unwrap_or(pos)))
}

/// Type mnemonic for the types rendered in `dns.answers` and the dump.
pub fn type_name(t: u16) -> String {
    match t {
        1 => "A".into(),
        2 => "NS".into(),
        5 => "CNAME".into(),
        6 => "SOA".into(),
        12 => "PTR".into(),
        15 => "MX".into(),
        16 => "TXT".into(),
        28 => "AAAA".into(),
        33 => "SRV".into(),
        35 => "NAPTR".into(),
        41 => "OPT".into(),
        43 => "DS".into(),
        46 => "RRSIG".into(),
        47 => "NSEC".into(),
        48 => "DNSKEY".into(),
        64 => "SVCB".into(),
        65 => "HTTPS".into(),
        255 => "ANY".into(),
        n => format!("TYPE{n}"),
    }
}

/// Response code mnemonic (RFC 1035, RFC 2136).
pub fn rcode_name(r: u8) -> &'static str {
    match r {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        _ => "UNKNOWN",
    }
}

fn render_rdata(msg: &[u8], rtype: u16, rd_at: usize, rd: &[u8], flags: &mut Flags) -> String {
    match rtype {
        1 if rd.len() == 4 => format!("{}.{}.{}.{}", rd[0], rd[1], rd[2], rd[3]),
        28 if rd.len() == 16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(rd);
            std::net::Ipv6Addr::from(a).to_string()
        }
        2 | 5 | 12 | 6 => read_name(msg, rd_at, flags).map(|(n, _)| n).unwrap_or_default(),
        15 => read_name(msg, rd_at + 2, flags).map(|(n, _)| n).unwrap_or_default(),
        33 => read_name(msg, rd_at + 6, flags).map(|(n, _)| n).unwrap_or_default(),
        16 => {
            // One or more <length><text> strings, joined.
            let mut out = String::new();
            let mut p = 0;
            while let Some(&l) = rd.get(p) {
                let Some(t) = rd.get(p + 1..p + 1 + l as usize) else { break };
                out.push_str(&String::from_utf8_lossy(t));
                p += 1 + l as usize;
            }
            out
        }
        _ => String::new(),
    }
}

/// True when `b` starts like a DNS message: a sane header and a first
/// question that parses. Used by the detection probe.
pub fn looks_like_dns(b: &[u8]) -> bool {
    let (Some(flags), Some(qd), Some(an), Some(ns)) = (be16(b, 2), be16(b, 4), be16(b, 6), be16(b, 8)) else { return false };
    let opcode = (flags >> 11) & 0xf;
    if !matches!(opcode, 0 | 1 | 2 | 4 | 5) || qd == 0 || qd > 16 || an > 512 || ns > 512 || flags & 0x0040 != 0 {
        return false;
    }
    let mut f = Flags::default();
    let Some((_, end)) = read_name(b, 12, &mut f) else { return false };
    if f.pointer_loop {
        return false;
    }
    let (Some(_qtype), Some(qclass)) = (be16(b, end), be16(b, end + 2)) else { return false };
    // IN, CH, HS, NONE, ANY; mDNS sets the top bit (unicast response / cache flush).
    matches!(qclass & 0x7fff, 1 | 3 | 4 | 254 | 255)
}

/// Parses a DNS message (without the TCP length prefix).
pub fn parse(b: &[u8]) -> Option<Message> {
    let id = be16(b, 0)?;
    let fl = be16(b, 2)?;
    let qd = be16(b, 4)?;
    let an = be16(b, 6)?;
    let mut m = Message {
        id,
        is_response: fl & 0x8000 != 0,
        opcode: ((fl >> 11) & 0xf) as u8,
        rcode: (fl & 0xf) as u8,
        qdcount: qd,
        ancount: an,
        ..Message::default()
    };
    let mut pos = 12;
    for q in 0..qd.min(MAX_QUESTIONS as u16) {
        let Some((name, end)) = read_name(b, pos, &mut m.flags) else {
            m.flags.truncated = true;
            return Some(m);
        };
        let Some(qtype) = be16(b, end) else {
            m.flags.truncated = true;
            return Some(m);
        };
        if q == 0 {
            m.qname = name;
            m.qtype = qtype;
        }
        pos = end + 4;
    }
    for i in 0..an {
        if i as usize >= MAX_ANSWERS {
            m.flags.too_many_answers = true;
            break;
        }
        let Some((_, end)) = read_name(b, pos, &mut m.flags) else {
            m.flags.truncated = true;
            break;
        };
        let (Some(rtype), Some(ttl), Some(rdlen)) = (be16(b, end), be32(b, end + 4), be16(b, end + 8)) else {
            m.flags.truncated = true;
            break;
        };
        let rd_at = end + 10;
        let Some(rd) = b.get(rd_at..rd_at + rdlen as usize) else {
            m.flags.truncated = true;
            break;
        };
        let value = render_rdata(b, rtype, rd_at, rd, &mut m.flags);
        m.answers.push(Answer { rtype, ttl, value });
        pos = rd_at + rdlen as usize;
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap` frame 2 (UDP payload):
    /// the A response for google.com, 12 answers (tshark: dns.a 216.197.242.244, ..., TTL 299).
    const A_RESPONSE: &str = "1a2d81800001000c0000000106676f6f676c6503636f6d0000010001c00c000100010000012b0004d8c5f2f4c00c000100010000012b0004d8c5f2d9c00c000100010000012b0004d8c5f2d8c00c000100010000012b0004d8c5f2d2c00c000100010000012b0004d8c5f2edc00c000100010000012b0004d8c5f2e7c00c000100010000012b0004d8c5f2eec00c000100010000012b0004d8c5f2e6c00c000100010000012b0004d8c5f2e0c00c000100010000012b0004d8c5f2fbc00c000100010000012b0004d8c5f2dfc00c000100010000012b0004d8c5f2f50000290200000000000000";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn a_response() {
        let b = hex(A_RESPONSE);
        assert!(looks_like_dns(&b));
        let m = parse(&b).unwrap();
        assert_eq!((m.id, m.is_response, m.rcode, m.qname.as_str(), m.qtype, m.ancount), (0x1a2d, true, 0, "google.com", 1, 12));
        assert_eq!(m.answers[0], Answer { rtype: 1, ttl: 299, value: "216.197.242.244".into() });
        assert_eq!(m.answers.len(), 12);
        assert_eq!(m.answers[11].value, "216.197.242.245");
        assert_eq!(m.flags, Flags::default());
    }

    /// `dns/ndpi_malformed_dns.pcap` frame 2: the first answer's name is
    /// longer than 1025 bytes; tshark still finds the second answer,
    /// 66.66.66.66, and so must we.
    #[test]
    fn overlong_name_does_not_derail_the_next_record() {
        let mut b = vec![0x84, 0xb4, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0];
        b.extend_from_slice(b"\x03www\x02xt\x03com\x00\x00\x01\x00\x01");
        for _ in 0..20 {
            b.push(63);
            b.extend_from_slice(&[b'a'; 63]);
        }
        b.extend_from_slice(&[0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
        b.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 66, 66, 66, 66]);
        let m = parse(&b).unwrap();
        assert!(m.flags.name_too_long);
        assert_eq!(m.answers.iter().map(|a| a.value.as_str()).collect::<Vec<_>>(), ["1.2.3.4", "66.66.66.66"]);
    }

    #[test]
    fn pointer_loop_is_flagged_not_followed_forever() {
        // Header (1 question) then a name that points to itself.
        let b = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1];
        let m = parse(&b).unwrap();
        assert!(m.flags.pointer_loop);
        assert!(!looks_like_dns(&b));
    }

    #[test]
    fn huge_counts_on_a_short_message_are_bounded() {
        let mut b = hex(A_RESPONSE);
        b[6] = 0xff;
        b[7] = 0xff; // ancount 65535
        let m = parse(&b).unwrap();
        // 12 answers, then the OPT record read as a 13th, then the bytes end.
        assert_eq!(m.answers.len(), 13);
        assert!(m.flags.truncated);
        assert!(!looks_like_dns(&b));
    }
}
