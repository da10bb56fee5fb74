//! SDP body reader (RFC 4566; RTP/AVP static payload types RFC 3551), zero-copy
//! over the body: the connection addresses (`c=`, session and media level),
//! and for the media stream that carries the call (the first `m=audio`, else
//! the first `m=`) its address, port and codec names (`a=rtpmap` encoding
//! names in `m=` format order; a static payload type without an rtpmap gets
//! its RFC 3551 name).
//!
//! Limits: [`MAX_SDP`] bytes of a body are read, [`MAX_MEDIA`] media
//! sections, [`MAX_CODECS`] formats of the chosen stream.

/// Bytes of an SDP body read: a voice/video offer is a few hundred bytes; a
/// larger body is cut here (what follows is ignored).
pub const MAX_SDP: usize = 8192;
/// Media sections (`m=` lines) looked at: audio, video and a few more.
pub const MAX_MEDIA: usize = 8;
/// Codec names kept of the chosen stream: offers list 3 to 12 formats.
pub const MAX_CODECS: usize = 16;
/// Connection addresses kept per SDP (session level plus one per medium).
pub const MAX_ADDRS: usize = 4;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct MediaLine<'a> {
    kind: &'a [u8],
    port: u16,
    fmts: &'a [u8],
    conn: Option<&'a [u8]>,
}

/// What the plugin keeps of one SDP body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sdp<'a> {
    /// Connection addresses in order of appearance, without repeats.
    pub addrs: Vec<&'a [u8]>,
    /// The call's media stream: connection address (media level, else
    /// session level) and port. `None` without an `m=` line.
    pub media: Option<(Option<&'a [u8]>, u16)>,
    /// Codec names of that stream.
    pub codecs: Vec<&'a [u8]>,
    /// The body was longer than [`MAX_SDP`].
    pub cut: bool,
}

/// The address of a `c=` value: `IN IP4 192.0.2.1` (a multicast `/ttl`
/// suffix dropped).
fn conn_addr(v: &[u8]) -> Option<&[u8]> {
    let mut parts = v.split(|c| c.is_ascii_whitespace()).filter(|p| !p.is_empty());
    let (_net, _atype, addr) = (parts.next()?, parts.next()?, parts.next()?);
    addr.split(|&c| c == b'/').next().filter(|a| !a.is_empty())
}

/// RFC 3551 tables 4 and 5: names of the static RTP payload types.
pub fn static_name(pt: u8) -> Option<&'static str> {
    Some(match pt {
        0 => "PCMU",
        3 => "GSM",
        4 => "G723",
        5 | 6 | 16 | 17 => "DVI4",
        7 => "LPC",
        8 => "PCMA",
        9 => "G722",
        10 | 11 => "L16",
        12 => "QCELP",
        13 => "CN",
        14 => "MPA",
        15 => "G728",
        18 => "G729",
        25 => "CelB",
        26 => "JPEG",
        28 => "nv",
        31 => "H261",
        32 => "MPV",
        33 => "MP2T",
        34 => "H263",
        _ => return None,
    })
}

/// Reads an SDP body.
pub fn parse(body: &[u8]) -> Sdp<'_> {
    let mut out = Sdp { cut: body.len() > MAX_SDP, ..Sdp::default() };
    let body = body.get(..MAX_SDP).unwrap_or(body);
    let mut session_conn = None;
    let mut media: Vec<MediaLine> = Vec::new();
    // rtpmap lines of each medium: (medium index, payload type, encoding name).
    let mut rtpmaps: Vec<(usize, u8, &[u8])> = Vec::new();
    let mut skipping = false;
    for raw in body.split(|&c| c == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (Some(&kind), Some(b'=')) = (line.first(), line.get(1)) else { continue };
        let v = &line[2..];
        match kind {
            b'm' => {
                if media.len() >= MAX_MEDIA {
                    skipping = true;
                    continue;
                }
                // m=<media> <port>[/<count>] <proto> <fmt> ...
                let mut parts = v.splitn(4, |&c| c == b' ');
                let kind = parts.next().unwrap_or(&[]);
                let port = parts
                    .next()
                    .and_then(|p| p.split(|&c| c == b'/').next())
                    .and_then(|p| std::str::from_utf8(p).ok())
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let _proto = parts.next();
                media.push(MediaLine { kind, port, fmts: parts.next().unwrap_or(&[]), conn: None });
            }
            b'c' => {
                let Some(addr) = conn_addr(v) else { continue };
                if !out.addrs.contains(&addr) && out.addrs.len() < MAX_ADDRS {
                    out.addrs.push(addr);
                }
                match media.last_mut() {
                    Some(m) if !skipping => {
                        m.conn.get_or_insert(addr);
                    }
                    Some(_) => {}
                    None => {
                        session_conn.get_or_insert(addr);
                    }
                }
            }
            b'a' if !skipping && !media.is_empty() => {
                // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<params>]
                let Some(map) = v.strip_prefix(b"rtpmap:") else { continue };
                let mut parts = map.splitn(2, |&c| c == b' ');
                let pt = parts.next().and_then(|p| std::str::from_utf8(p).ok()).and_then(|p| p.trim().parse::<u8>().ok());
                let name = parts.next().and_then(|e| e.split(|&c| c == b'/').next()).map(|n| n.trim_ascii());
                if let (Some(pt), Some(name)) = (pt, name) {
                    if !name.is_empty() && rtpmaps.len() < MAX_MEDIA * MAX_CODECS {
                        rtpmaps.push((media.len() - 1, pt, name));
                    }
                }
            }
            _ => {}
        }
    }
    let chosen = media.iter().position(|m| m.kind.eq_ignore_ascii_case(b"audio")).or(if media.is_empty() { None } else { Some(0) });
    if let Some(i) = chosen {
        let m = media[i];
        out.media = Some((m.conn.or(session_conn), m.port));
        for fmt in m.fmts.split(|&c| c == b' ').filter(|f| !f.is_empty()) {
            if out.codecs.len() >= MAX_CODECS {
                break;
            }
            let Some(pt) = std::str::from_utf8(fmt).ok().and_then(|f| f.parse::<u8>().ok()) else { continue };
            let name = rtpmaps.iter().find(|(mi, p, _)| *mi == i && *p == pt).map(|(_, _, n)| *n).or(static_name(pt).map(str::as_bytes));
            if let Some(n) = name {
                out.codecs.push(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::sip::parser;
    use crate::dissect::sip::samples::*;

    #[test]
    fn offer_of_ndpi_frame_22() {
        let b = hex(NDPI_F22_INVITE);
        let m = parser::parse(&b).unwrap();
        assert!(parser::is_sdp(&m));
        let s = parse(m.body);
        assert_eq!(s.addrs, vec![&b"192.168.1.2"[..]]);
        assert_eq!(s.media, Some((Some(&b"192.168.1.2"[..]), 30000)));
        let codecs: Vec<&str> = s.codecs.iter().map(|c| std::str::from_utf8(c).unwrap()).collect();
        assert_eq!(codecs, ["pcmu", "pcma", "iLBC", "G726-32", "GSM"]);
    }

    #[test]
    fn answer_of_ndpi_frame_92() {
        let b = hex(NDPI_F92_PROGRESS);
        let m = parser::parse(&b).unwrap();
        let s = parse(m.body);
        assert_eq!(s.media, Some((Some(&b"212.242.33.36"[..]), 40392)));
        assert_eq!(s.codecs, vec![&b"PCMA"[..], b"PCMU"]);
    }

    /// The compact-form INVITE's `l: 272` cuts the body before its `m=` line
    /// (tshark shows the same cut): an address, no stream, no codecs.
    #[test]
    fn compact_form_body_cut_by_content_length() {
        let b = hex(COMPACT_F1_INVITE);
        let m = parser::parse(&b).unwrap();
        assert_eq!(m.body.len(), 272);
        let s = parse(m.body);
        assert_eq!(s.addrs, vec![&b"192.168.1.2"[..]]);
        assert_eq!(s.media, None);
        assert!(s.codecs.is_empty());
    }

    #[test]
    fn static_types_media_level_connection_and_bounds() {
        let body = b"v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 31\r\nm=audio 4000 RTP/AVP 0 18 101\r\nc=IN IP4 224.2.1.1/127\r\na=rtpmap:101 telephone-event/8000\r\n";
        let s = parse(body);
        assert_eq!(s.media, Some((Some(&b"224.2.1.1"[..]), 4000)));
        assert_eq!(s.codecs, vec![&b"PCMU"[..], b"G729", b"telephone-event"]);
        assert_eq!(s.addrs, vec![&b"10.0.0.1"[..], b"224.2.1.1"]);
        let mut big = b"v=0\r\nm=audio 1 RTP/AVP".to_vec();
        for i in 0..200 {
            big.extend_from_slice(format!(" {}", i % 35).as_bytes());
        }
        big.extend_from_slice(b"\r\n");
        for _ in 0..2000 {
            big.extend_from_slice(b"m=audio 2 RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\n");
        }
        let s = parse(&big);
        assert!(s.cut);
        assert_eq!(s.codecs.len(), MAX_CODECS);
        assert_eq!(s.media, Some((None, 1)));
    }
}
