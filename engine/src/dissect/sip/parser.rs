//! SIP message parser (RFC 3261 section 7), zero-copy over the message bytes.
//!
//! A message is a start line (request `METHOD URI SIP/2.0` or status
//! `SIP/2.0 CODE REASON`), header lines up to an empty line, then a body whose
//! length is the Content-Length header. Header names are case-insensitive and
//! may use the compact one-letter forms (RFC 3261 7.3.3 and later RFCs: `i:`
//! Call-ID, `f:` From, `t:` To, `l:` Content-Length, `c:` Content-Type, `v:`
//! Via, `m:` Contact, ...). Folded header lines (a continuation line starting
//! with a space or tab, RFC 3261 7.3.1) extend the previous header's value.
//! Lines may end with CRLF or a bare LF.
//!
//! Limits: [`MAX_HEADERS`] header lines are read per message, values are cut
//! at [`MAX_VALUE`] bytes when turned into text, a start line longer than
//! [`MAX_START_LINE`] is not SIP. Anomalies are [`Flags`] on the message,
//! never errors.

/// Header lines read per message (the rest are skipped and flagged): real
/// messages carry 10 to 40; a proxy chain adds a few Via lines each.
pub const MAX_HEADERS: usize = 128;
/// Bytes kept of a header value rendered as text (Call-ID, From, User-Agent,
/// ...): RFC 3261 sets no limit; real values are well below this.
pub const MAX_VALUE: usize = 512;
/// Longest start line taken as SIP: RFC 3261 sets no limit, but a Request-URI
/// longer than this is abuse, and the bound keeps the probe cheap.
pub const MAX_START_LINE: usize = 2048;
/// Longest method name taken as SIP: the registered ones have at most 9
/// letters (SUBSCRIBE); extension methods are short tokens too.
pub const MAX_METHOD: usize = 32;
/// Digits read of a Content-Length or a CSeq number: more than this overflows
/// any real length (and `u32`).
const MAX_DIGITS: usize = 9;

/// The SIP methods of RFC 3261 and its extensions (PRACK 3262, SUBSCRIBE/
/// NOTIFY 6665, UPDATE 3311, MESSAGE 3428, REFER 3515, PUBLISH 3903, INFO
/// 6086): a start line cut before its end is accepted by the probe only with
/// one of these.
pub const KNOWN_METHODS: [&str; 14] =
    ["INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"];

/// Oddities seen while parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// More than [`MAX_HEADERS`] header lines: the rest were not read.
    pub too_many_headers: bool,
    /// A header line without a `name:` shape.
    pub bad_header_line: bool,
    /// Content-Length is not a number.
    pub bad_content_length: bool,
    /// Content-Length asks for more bytes than the datagram holds.
    pub short_body: bool,
}

/// The first line of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start<'a> {
    Request { method: &'a [u8], uri: &'a [u8] },
    Response { code: u16, reason: &'a [u8] },
}

/// The headers the plugin uses, as raw value slices (a folded value spans its
/// continuation lines; [`text`] flattens it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    pub start: Start<'a>,
    pub call_id: Option<&'a [u8]>,
    pub from: Option<&'a [u8]>,
    pub to: Option<&'a [u8]>,
    /// CSeq number and method.
    pub cseq: Option<(u32, &'a [u8])>,
    pub user_agent: Option<&'a [u8]>,
    pub server: Option<&'a [u8]>,
    /// First Via header value.
    pub via: Option<&'a [u8]>,
    pub content_type: Option<&'a [u8]>,
    pub content_length: Option<usize>,
    /// First Reason header value (RFC 3326).
    pub reason: Option<&'a [u8]>,
    /// Header lines read (folded continuations not counted).
    pub headers: usize,
    pub body: &'a [u8],
    pub flags: Flags,
}

impl Message<'_> {
    pub fn method(&self) -> Option<&[u8]> {
        match self.start {
            Start::Request { method, .. } => Some(method),
            Start::Response { .. } => None,
        }
    }

    pub fn code(&self) -> Option<u16> {
        match self.start {
            Start::Response { code, .. } => Some(code),
            Start::Request { .. } => None,
        }
    }

    /// The CSeq method, which names the request a response answers.
    pub fn cseq_method(&self) -> Option<&[u8]> {
        self.cseq.map(|(_, m)| m)
    }
}

/// RFC 3261 25.1 `token` characters (method names, header names).
fn is_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&c)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn digits<T: std::str::FromStr>(s: &[u8]) -> Option<T> {
    if s.is_empty() || s.len() > MAX_DIGITS || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Parses a start line (without its line end).
pub fn start_line(line: &[u8]) -> Option<Start<'_>> {
    if line.len() > MAX_START_LINE {
        return None;
    }
    if line.len() >= 8 && line[..8].eq_ignore_ascii_case(b"SIP/2.0 ") {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        let rest = &line[8..];
        let code: u16 = digits(rest.get(..3)?)?;
        if !(100..=699).contains(&code) {
            return None;
        }
        let reason = match rest.get(3..) {
            Some([]) | None => &[][..],
            Some([b' ', r @ ..]) => r,
            Some(_) => return None,
        };
        return Some(Start::Response { code, reason });
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    let sp1 = line.iter().position(|&c| c == b' ')?;
    let method = &line[..sp1];
    if method.is_empty() || method.len() > MAX_METHOD || !method.iter().all(|&c| is_token(c)) {
        return None;
    }
    let rest = &line[sp1 + 1..];
    let sp2 = rest.iter().position(|&c| c == b' ')?;
    let uri = &rest[..sp2];
    let version = &rest[sp2 + 1..];
    // The Request-URI is an absolute URI (sip:, sips:, tel:, ...).
    let scheme_end = uri.iter().position(|&c| c == b':')?;
    if scheme_end == 0 || !uri[..scheme_end].iter().all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c)) {
        return None;
    }
    if !version.eq_ignore_ascii_case(b"SIP/2.0") {
        return None;
    }
    Some(Start::Request { method, uri })
}

/// True when `data` begins (after CR/LF keep-alives) like a SIP message: a
/// whole request or status line, or, when the payload ends before the line
/// does, `SIP/2.0 NNN ` or a known method followed by a `sip:`/`sips:`/`tel:` URI.
pub fn looks_like_sip(data: &[u8]) -> bool {
    let data = skip_crlf(data);
    let first = data.get(..MAX_START_LINE + 2).unwrap_or(data);
    match first.iter().position(|&c| c == b'\n') {
        Some(nl) => {
            let line = &first[..nl];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            start_line(line).is_some()
        }
        None if data.len() > MAX_START_LINE => false,
        None => partial_start(data),
    }
}

fn partial_start(data: &[u8]) -> bool {
    if let Some(rest) = data.get(..8).filter(|p| p.eq_ignore_ascii_case(b"SIP/2.0 ")).and(data.get(8..)) {
        return rest.len() >= 4 && rest[..3].iter().all(u8::is_ascii_digit) && rest[3] == b' ';
    }
    KNOWN_METHODS.iter().any(|m| {
        data.strip_prefix(m.as_bytes())
            .and_then(|r| r.strip_prefix(b" "))
            .is_some_and(|uri| [&b"sip:"[..], b"sips:", b"tel:"].iter().any(|s| uri.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s))))
    })
}

/// Skips the CR/LF that may precede a start line (RFC 3261 7.5; RFC 5626
/// keep-alives are a double CRLF).
pub fn skip_crlf(mut data: &[u8]) -> &[u8] {
    while let [b'\r' | b'\n', rest @ ..] = data {
        data = rest;
    }
    data
}

/// Length of the message head (start line, headers and the empty line) at
/// the start of `buf`, or `None` when the empty line is not there yet.
pub fn head_len(buf: &[u8]) -> Option<usize> {
    let mut pos = 0;
    while let Some(nl) = buf.get(pos..)?.iter().position(|&c| c == b'\n') {
        let line_end = pos + nl;
        let line = &buf[pos..line_end];
        if pos > 0 && (line.is_empty() || line == b"\r") {
            return Some(line_end + 1);
        }
        pos = line_end + 1;
    }
    None
}

/// The canonical name of a header, for the headers this parser reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Name {
    CallId,
    From,
    To,
    CSeq,
    UserAgent,
    Server,
    Via,
    ContentType,
    ContentLength,
    Reason,
    Other,
}

fn header_name(n: &[u8]) -> Name {
    const NAMES: [(&[u8], Name); 16] = [
        (b"call-id", Name::CallId),
        (b"i", Name::CallId),
        (b"from", Name::From),
        (b"f", Name::From),
        (b"to", Name::To),
        (b"t", Name::To),
        (b"cseq", Name::CSeq),
        (b"user-agent", Name::UserAgent),
        (b"server", Name::Server),
        (b"via", Name::Via),
        (b"v", Name::Via),
        (b"content-type", Name::ContentType),
        (b"c", Name::ContentType),
        (b"content-length", Name::ContentLength),
        (b"l", Name::ContentLength),
        (b"reason", Name::Reason),
    ];
    NAMES.iter().find(|(k, _)| n.eq_ignore_ascii_case(k)).map_or(Name::Other, |(_, v)| *v)
}

/// Parses a message head (start line through the empty line, or through the
/// end of `head` when the empty line is missing). The body is left empty.
pub fn parse_head(head: &[u8]) -> Option<Message<'_>> {
    let head = skip_crlf(head);
    let nl = head.iter().position(|&c| c == b'\n').unwrap_or(head.len());
    let first = &head[..nl];
    let start = start_line(first.strip_suffix(b"\r").unwrap_or(first))?;
    let mut m = Message {
        start,
        call_id: None,
        from: None,
        to: None,
        cseq: None,
        user_agent: None,
        server: None,
        via: None,
        content_type: None,
        content_length: None,
        reason: None,
        headers: 0,
        body: &[],
        flags: Flags::default(),
    };
    // Each header: (name, value start, value end) over `head`, extended by
    // continuation lines.
    let mut cur: Option<(Name, usize, usize)> = None;
    let mut pos = nl + 1;
    while pos < head.len() {
        let end = head[pos..].iter().position(|&c| c == b'\n').map_or(head.len(), |n| pos + n);
        let raw = &head[pos..end];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let next = end + 1;
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            // Folded continuation of the previous header.
            if let Some(c) = cur.as_mut() {
                c.2 = pos + line.len();
            }
            pos = next;
            continue;
        }
        if let Some((n, s, e)) = cur.take() {
            m.set(n, &head[s..e]);
        }
        if m.headers >= MAX_HEADERS {
            m.flags.too_many_headers = true;
            pos = next;
            continue;
        }
        m.headers += 1;
        match line.iter().position(|&c| c == b':') {
            Some(colon) => {
                let name = trim(&line[..colon]);
                if name.is_empty() || !name.iter().all(|&c| is_token(c)) {
                    m.flags.bad_header_line = true;
                } else {
                    cur = Some((header_name(name), pos + colon + 1, pos + line.len()));
                }
            }
            None => m.flags.bad_header_line = true,
        }
        pos = next;
    }
    if let Some((n, s, e)) = cur {
        m.set(n, &head[s..e]);
    }
    Some(m)
}

impl<'a> Message<'a> {
    /// Records one header; the first occurrence of each wins.
    fn set(&mut self, name: Name, value: &'a [u8]) {
        let v = trim(value);
        match name {
            Name::CallId => {
                self.call_id.get_or_insert(v);
            }
            Name::From => {
                self.from.get_or_insert(v);
            }
            Name::To => {
                self.to.get_or_insert(v);
            }
            Name::CSeq => {
                if self.cseq.is_none() {
                    let mut parts = v.split(|c| c.is_ascii_whitespace()).filter(|p| !p.is_empty());
                    if let (Some(n), Some(method)) = (parts.next().and_then(digits::<u32>), parts.next()) {
                        self.cseq = Some((n, method));
                    }
                }
            }
            Name::UserAgent => {
                self.user_agent.get_or_insert(v);
            }
            Name::Server => {
                self.server.get_or_insert(v);
            }
            Name::Via => {
                self.via.get_or_insert(v);
            }
            Name::ContentType => {
                self.content_type.get_or_insert(v);
            }
            Name::ContentLength => {
                if self.content_length.is_none() {
                    match digits(v) {
                        Some(n) => self.content_length = Some(n),
                        None => self.flags.bad_content_length = true,
                    }
                }
            }
            Name::Reason => {
                self.reason.get_or_insert(v);
            }
            Name::Other => {}
        }
    }
}

/// Parses one whole message held in a datagram (RFC 3261 18.3): the body is
/// Content-Length bytes after the head, cut to what the datagram holds
/// (flagged); without Content-Length it is the rest of the datagram, and
/// bytes past Content-Length are discarded.
pub fn parse(data: &[u8]) -> Option<Message<'_>> {
    let data = skip_crlf(data);
    let hl = head_len(data).unwrap_or(data.len());
    let mut m = parse_head(data.get(..hl)?)?;
    let rest = data.get(hl..).unwrap_or(&[]);
    m.body = match m.content_length {
        Some(n) if n > rest.len() => {
            m.flags.short_body = true;
            rest
        }
        Some(n) => &rest[..n],
        None => rest,
    };
    Some(m)
}

/// A header value as text: folded lines joined by one space, invalid UTF-8
/// replaced, cut at [`MAX_VALUE`] bytes (on a character boundary).
pub fn text(v: &[u8]) -> String {
    let mut out = String::with_capacity(v.len().min(MAX_VALUE));
    let s = String::from_utf8_lossy(v.get(..MAX_VALUE * 2).unwrap_or(v));
    let mut space = false;
    for ch in s.chars() {
        if ch == '\r' || ch == '\n' || ch == '\t' || (ch == ' ' && space) {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = ch == ' ';
        if out.len() + ch.len_utf8() > MAX_VALUE {
            break;
        }
        out.push(ch);
    }
    out.trim_end().to_string()
}

/// The URI of a From/To value (RFC 3261 20.20/20.39): what is inside `<>` in
/// the name-addr form (display name dropped), or the addr-spec up to its
/// header parameters (`;tag=...`).
pub fn header_uri(v: &[u8]) -> &[u8] {
    let v = trim(v);
    // A quoted display name may itself hold '<'.
    let after_name = match v.first() {
        Some(b'"') => {
            let mut i = 1;
            let mut end = v.len();
            while let Some(&c) = v.get(i) {
                match c {
                    b'\\' => i += 2,
                    b'"' => {
                        end = i + 1;
                        break;
                    }
                    _ => i += 1,
                }
            }
            end
        }
        _ => 0,
    };
    let tail = v.get(after_name..).unwrap_or(&[]);
    if let Some(lt) = tail.iter().position(|&c| c == b'<') {
        let inner = &tail[lt + 1..];
        let gt = inner.iter().position(|&c| c == b'>').unwrap_or(inner.len());
        return trim(&inner[..gt]);
    }
    let semi = v.iter().position(|&c| c == b';').unwrap_or(v.len());
    trim(&v[..semi])
}

/// The `cause` of a Reason header (RFC 3326: `Q.850;cause=16;text="..."`):
/// of the first Q.850 reason when the header lists several, else of the first.
pub fn reason_cause(v: &[u8]) -> Option<u32> {
    let mut first = None;
    for reason in v.split(|&c| c == b',') {
        let mut params = reason.split(|&c| c == b';');
        let protocol = trim(params.next().unwrap_or(&[]));
        let cause = params.find_map(|p| {
            let p = trim(p);
            let eq = p.iter().position(|&c| c == b'=')?;
            trim(&p[..eq]).eq_ignore_ascii_case(b"cause").then(|| digits::<u32>(trim(&p[eq + 1..]))).flatten()
        });
        if let Some(c) = cause {
            if protocol.eq_ignore_ascii_case(b"Q.850") {
                return Some(c);
            }
            first.get_or_insert(c);
        }
    }
    first
}

/// True when the body is SDP: `application/sdp` (parameters ignored), or no
/// Content-Type and a body that starts with the SDP version line.
pub fn is_sdp(m: &Message) -> bool {
    match m.content_type {
        Some(ct) => {
            let media = ct.split(|&c| c == b';').next().unwrap_or(&[]);
            trim(media).eq_ignore_ascii_case(b"application/sdp")
        }
        None => m.body.starts_with(b"v=0"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dissect::sip::samples::*;

    /// `sip/ndpi_sip.pcap` frame 22: tshark reads Call-ID
    /// 105090259-446faf7a@192.168.1.2, CSeq 1 INVITE, From/To addresses, and
    /// a 272-byte SDP body.
    #[test]
    fn invite_of_ndpi_frame_22() {
        let b = hex(NDPI_F22_INVITE);
        assert!(looks_like_sip(&b));
        let m = parse(&b).unwrap();
        assert_eq!(m.start, Start::Request { method: b"INVITE", uri: b"sip:97239287044@voip.brujula.net" });
        assert_eq!(m.call_id, Some(&b"105090259-446faf7a@192.168.1.2"[..]));
        assert_eq!(m.cseq, Some((1, &b"INVITE"[..])));
        assert_eq!(header_uri(m.from.unwrap()), b"sip:816666@voip.brurjula.net");
        assert_eq!(header_uri(m.to.unwrap()), b"sip:97239287044@voip.brujula.net");
        assert_eq!(text(m.user_agent.unwrap()), "Nero SIPPS IP Phone Version 2.0.51.16");
        assert_eq!(m.content_length, Some(272));
        assert_eq!(m.body.len(), 272);
        assert!(m.body.starts_with(b"v=0\r\n") && is_sdp(&m));
        assert_eq!(m.headers, 13);
        assert_eq!(m.flags, Flags::default());
    }

    /// `sip/ndpi_sip.pcap` frame 93: `SIP/2.0 480 Error`, CSeq 2 INVITE,
    /// `Reason: q.850;cause=21`, `Server: Cirpack/v4.38e (gw_sip)`.
    #[test]
    fn error_response_of_ndpi_frame_93() {
        let b = hex(NDPI_F93_ERROR);
        let m = parse(&b).unwrap();
        assert_eq!(m.start, Start::Response { code: 480, reason: b"Error" });
        assert_eq!(m.cseq, Some((2, &b"INVITE"[..])));
        assert_eq!(m.reason.and_then(reason_cause), Some(21));
        assert_eq!(text(m.server.unwrap()), "Cirpack/v4.38e (gw_sip)");
        assert_eq!(m.content_length, Some(0));
        assert!(m.body.is_empty());
    }

    /// `sip/suricata_sip_compact_form.pcap` frame 1: `v: f: t: c: l:` read as
    /// Via, From, To, Content-Type, Content-Length (the suricata-verify rules
    /// match "arik" in From, "sip:" in To, "SIP/2.0/UDP" in Via,
    /// "application/sdp" and "272"); the body is cut to `l: 272`.
    #[test]
    fn compact_form_of_suricata_frame_1() {
        let b = hex(COMPACT_F1_INVITE);
        let m = parse(&b).unwrap();
        assert!(m.from.unwrap().windows(4).any(|w| w == b"arik"));
        assert!(m.to.unwrap().starts_with(b"<sip:"));
        assert!(m.via.unwrap().starts_with(b"SIP/2.0/UDP"));
        assert_eq!(m.content_type, Some(&b"application/sdp"[..]));
        assert_eq!(m.content_length, Some(272));
        assert_eq!(m.body.len(), 272);
        assert_eq!(m.call_id, Some(&b"105090259-446faf7a@192.168.1.2"[..]));
    }

    /// `sip/suricata_sip-tcp.pcap` frames 4 and 6: the REGISTER's head ends in
    /// the second segment; frame 8 is its 200 OK.
    #[test]
    fn tcp_register_of_suricata_frames_4_6_8() {
        let head = hex(TCP_F4_REGISTER_HEAD);
        assert_eq!(head_len(&head), None);
        assert!(looks_like_sip(&head));
        let all = [head.clone(), hex(TCP_F6_REGISTER_TAIL)].concat();
        assert_eq!(head_len(&all), Some(all.len()));
        let m = parse_head(&all).unwrap();
        assert_eq!(m.method(), Some(&b"REGISTER"[..]));
        assert_eq!(m.call_id, Some(&b"8OmtYUU8EdlafUh4g4jiAw.."[..]));
        assert_eq!(m.content_length, Some(0));
        let ok = hex(TCP_F8_OK);
        let m = parse(&ok).unwrap();
        assert_eq!((m.code(), m.cseq_method()), (Some(200), Some(&b"REGISTER"[..])));
        assert_eq!(text(m.server.unwrap()), "kamailio (5.2.1 (x86_64/linux))");
    }

    #[test]
    fn start_lines() {
        assert_eq!(
            start_line(b"INVITE sip:97239287044@voip.brujula.net SIP/2.0"),
            Some(Start::Request { method: b"INVITE", uri: b"sip:97239287044@voip.brujula.net" })
        );
        assert_eq!(
            start_line(b"SIP/2.0 100 trying -- your call is important to us"),
            Some(Start::Response { code: 100, reason: b"trying -- your call is important to us" })
        );
        assert_eq!(start_line(b"SIP/2.0 200"), Some(Start::Response { code: 200, reason: b"" }));
        assert_eq!(start_line(b"GET / HTTP/1.1"), None);
        assert_eq!(start_line(b"HTTP/1.1 200 OK"), None);
        assert_eq!(start_line(b"SIP/2.0 99 x"), None);
        assert_eq!(start_line(b"INVITE nouri SIP/2.0"), None);
        assert_eq!(start_line(b"INVITE sip:a SIP/3.0"), None);
    }

    #[test]
    fn uris_and_reasons() {
        assert_eq!(header_uri(b"\"arik\" <sip:816666@voip.brurjula.net>;tag=6433ef9"), b"sip:816666@voip.brurjula.net");
        // `sip/suricata_sip_compact_form.pcap` frame 1 writes the quotes escaped.
        assert_eq!(header_uri(b"\\\"arik\\\" <sip:816666@voip.brurjula.net>;tag=6433ef9"), b"sip:816666@voip.brurjula.net");
        assert_eq!(header_uri(b"\"a<b\" <sip:x@y>"), b"sip:x@y");
        assert_eq!(header_uri(b"sip:alice@atlanta.com;tag=88sja8x"), b"sip:alice@atlanta.com");
        assert_eq!(header_uri(b"<sip:987654@192.168.43.100;transport=TCP>;tag=9b99167f"), b"sip:987654@192.168.43.100;transport=TCP");
        assert_eq!(reason_cause(b"q.850;cause=21"), Some(21));
        assert_eq!(reason_cause(b"SIP ;cause=200 ;text=\"Call completed elsewhere\", Q.850 ;cause=16"), Some(16));
        assert_eq!(reason_cause(b"SIP;text=\"x\""), None);
        assert_eq!(text(b"a\r\n  b\tc"), "a b c");
        assert_eq!(text(&[b'x'; 2000]).len(), MAX_VALUE);
    }

    #[test]
    fn folded_and_odd_headers() {
        let msg = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: abc\r\nSubject: one\r\n two\r\nnot a header\r\nFrom : <sip:x@y>\r\n\r\n";
        let m = parse(msg).unwrap();
        assert_eq!(m.call_id, Some(&b"abc"[..]));
        assert_eq!(m.from, Some(&b"<sip:x@y>"[..]));
        assert!(m.flags.bad_header_line);
        assert_eq!(m.headers, 4);
        let folded = b"BYE sip:a@b SIP/2.0\nUser-Agent: Foo\n  Bar/1.0\ni: x\n\n";
        let m = parse(folded).unwrap();
        assert_eq!(text(m.user_agent.unwrap()), "Foo Bar/1.0");
        assert_eq!(m.call_id, Some(&b"x"[..]));
    }

    #[test]
    fn header_count_is_bounded() {
        let mut msg = b"OPTIONS sip:a@b SIP/2.0\r\n".to_vec();
        for _ in 0..10_000 {
            msg.extend_from_slice(b"X-A: 1\r\n");
        }
        msg.extend_from_slice(b"Call-ID: late\r\n\r\n");
        let m = parse(&msg).unwrap();
        assert!(m.flags.too_many_headers);
        assert_eq!(m.headers, MAX_HEADERS);
        assert_eq!(m.call_id, None);
    }

    #[test]
    fn probe_shapes() {
        assert!(looks_like_sip(b"\r\n\r\nREGISTER sip:192.168.43.100;transport=TCP SIP/2.0\r\nVia: x\r\n"));
        assert!(looks_like_sip(b"SIP/2.0 401 Unauthorized\r\n"));
        assert!(looks_like_sip(b"INVITE sip:97239287044@voip.bru"));
        assert!(looks_like_sip(b"SIP/2.0 200 O"));
        assert!(!looks_like_sip(b"     "));
        assert!(!looks_like_sip(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(!looks_like_sip(b"INVITE"));
        assert!(!looks_like_sip(&[0x80, 0x08, 0x6f, 0xae, 0, 0, 4, 0xd8]));
        assert!(!looks_like_sip(&[b'A'; 5000]));
    }
}
