//! HTTP/1.x message heads (RFC 9112 §2-§6, semantics RFC 9110), zero-copy
//! over the head bytes: the start line (request line or status line) and the
//! header fields the plugin reports or needs for message framing.
//!
//! Complete heads go through `httparse` (in its lenient configuration: the
//! header quirks browsers accept are skipped, not fatal). A head `httparse`
//! still rejects, a head cut at [`super::MAX_HEADER_BYTES`] and the HTTP/0.9
//! request line (`GET /path`, no version, RFC 1945 §4.1) go through a small
//! line-based fallback, and the head is flagged `lenient`. At most
//! [`MAX_HEADERS`] header fields are read per head; the rest are counted.
//!
//! The probes ([`looks_like_request`], [`looks_like_response`]) decide
//! detection from the first payload of a flow; [`could_start`] tells from the
//! first bytes of a line whether a message can start there (used to skip
//! garbage and to resynchronise after a lost segment).

/// Header fields read per head: Apache's `LimitRequestFields` default. Real
/// heads carry 10 to 30; more are counted and skipped.
pub const MAX_HEADERS: usize = 100;

/// Request methods recognised at the start of a message: RFC 9110 §9, PATCH
/// (RFC 5789), WebDAV (RFC 4918, RFC 3253 REPORT, RFC 5323 SEARCH, RFC 4791
/// MKCALENDAR) and Microsoft's RPC over HTTP, as nDPI also lists them. A line
/// starting with any other token is not taken as a request.
pub const METHODS: &[&str] = &[
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
    "REPORT", "SEARCH", "MKCALENDAR", "RPC_IN_DATA", "RPC_OUT_DATA",
];

/// Longest method of [`METHODS`] (`RPC_OUT_DATA`).
const MAX_METHOD_LEN: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// HTTP/0.9: a bare `GET /path` request, answered by the body alone.
    V09,
    V10,
    V11,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V09 => "0.9",
            Version::V10 => "1.0",
            Version::V11 => "1.1",
        }
    }
}

/// Which start lines a side of a connection may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
    /// Not known yet: the first message decides.
    Either,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start<'a> {
    Request { method: &'a str, target: &'a [u8], version: Version },
    Response { version: Version, code: u16 },
}

/// The header fields the plugin keeps or frames the body with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields<'a> {
    pub host: Option<&'a [u8]>,
    pub user_agent: Option<&'a [u8]>,
    pub referer: Option<&'a [u8]>,
    pub content_type: Option<&'a [u8]>,
    pub x_forwarded_for: Option<&'a [u8]>,
    pub via: Option<&'a [u8]>,
    /// A valid Content-Length (RFC 9112 §6.3 rule 5; a list of equal values counts as one).
    pub content_length: Option<u64>,
    /// Content-Length present but unusable (not a number, or conflicting values).
    pub bad_length: bool,
    /// A Transfer-Encoding header is present.
    pub transfer_encoding: bool,
    /// ... and its final coding is `chunked`.
    pub chunked: bool,
    /// Header fields in the head (all of them, including those past [`MAX_HEADERS`]).
    pub count: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head<'a> {
    pub start: Start<'a>,
    pub fields: Fields<'a>,
    /// `httparse` rejected the head (or never saw it whole); the fallback read it.
    pub lenient: bool,
    /// More than [`MAX_HEADERS`] fields: the rest were not read.
    pub too_many_headers: bool,
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

pub fn is_method(tok: &[u8]) -> bool {
    METHODS.iter().any(|m| m.as_bytes() == tok)
}

fn trim(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

/// The first line of `b` without its line end, and whether the line end was seen.
fn first_line(b: &[u8]) -> (&[u8], bool) {
    match b.iter().position(|&c| c == b'\n') {
        Some(p) => {
            let l = &b[..p];
            (l.strip_suffix(b"\r").unwrap_or(l), true)
        }
        None => (b, false),
    }
}

fn could_be_response(line: &[u8], complete: bool) -> Option<bool> {
    const P: &[u8] = b"HTTP/1.";
    let n = line.len().min(P.len());
    if line[..n] != P[..n] {
        return Some(false);
    }
    if n < P.len() {
        return if complete { Some(false) } else { None };
    }
    Some(true)
}

fn could_be_request(line: &[u8], complete: bool) -> Option<bool> {
    match line.iter().take(MAX_METHOD_LEN + 1).position(|&c| c == b' ') {
        Some(sp) => Some(is_method(&line[..sp])),
        None if complete || line.len() > MAX_METHOD_LEN => Some(false),
        None => {
            if METHODS.iter().any(|m| m.as_bytes().starts_with(line)) {
                None
            } else {
                Some(false)
            }
        }
    }
}

/// Whether a message of `kind` can start with `prefix` (the first bytes of a
/// line, possibly with its line end): `None` while too few bytes tell.
pub fn could_start(prefix: &[u8], kind: Kind) -> Option<bool> {
    let (line, complete) = first_line(prefix);
    match kind {
        Kind::Request => could_be_request(line, complete),
        Kind::Response => could_be_response(line, complete),
        Kind::Either => match (could_be_request(line, complete), could_be_response(line, complete)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    }
}

/// An HTTP/0.9 request line (RFC 1945 §4.1): `GET` and a path, no version.
pub fn is_v09_request_line(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.strip_prefix(b"GET ") {
        Some(path) => path.first() == Some(&b'/') && path.iter().all(|&c| c > b' ' && c != 0x7f),
        None => false,
    }
}

/// Detection probe for a request: a known method, a plausible target, and
/// (when the line end is in `b`) ` HTTP/1.x` at the end of the line, or the
/// HTTP/0.9 form `GET /path`. A request line cut by the segment end is
/// judged on what is there.
pub fn looks_like_request(b: &[u8]) -> bool {
    let (line, complete) = first_line(b);
    let Some(sp) = line.iter().take(MAX_METHOD_LEN + 1).position(|&c| c == b' ') else { return false };
    if !is_method(&line[..sp]) {
        return false;
    }
    let rest = &line[sp + 1..];
    let Some(&first) = rest.first() else { return false };
    // Origin form `/`, asterisk form `*`, absolute form `http://`, authority form for CONNECT.
    if !(first == b'/' || first == b'*' || first.is_ascii_alphanumeric()) {
        return false;
    }
    // Visible ASCII, spaces and obs-text only: no control bytes in a request line.
    if rest.iter().any(|&c| c < b' ' || c == 0x7f) {
        return false;
    }
    if !complete {
        return true;
    }
    match rest.iter().rposition(|&c| c == b' ') {
        Some(p) => matches!(&rest[p + 1..], b"HTTP/1.0" | b"HTTP/1.1"),
        None => is_v09_request_line(line),
    }
}

/// Detection probe for a response: `HTTP/1.0` or `HTTP/1.1`, a space and a
/// three-digit status code ending the line or followed by a space.
pub fn looks_like_response(b: &[u8]) -> bool {
    let Some(rest) = b.strip_prefix(b"HTTP/1.1 ").or_else(|| b.strip_prefix(b"HTTP/1.0 ")) else { return false };
    let Some(code) = rest.get(..3) else { return false };
    code.iter().all(u8::is_ascii_digit) && matches!(rest.get(3), None | Some(b' ' | b'\r' | b'\n'))
}

fn eq_ic(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// A Content-Length value: digits, or a list of equal digit strings.
fn parse_length(v: &[u8]) -> Option<u64> {
    let mut out = None;
    for part in v.split(|&c| c == b',') {
        let part = trim(part);
        // 19 digits always fit in a u64.
        if part.is_empty() || part.len() > 19 || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = part.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        if out.is_some_and(|o| o != n) {
            return None;
        }
        out = Some(n);
    }
    out
}

impl<'a> Fields<'a> {
    fn add(&mut self, name: &[u8], value: &'a [u8]) {
        let value = trim(value);
        self.count += 1;
        let slot = if eq_ic(name, "host") {
            &mut self.host
        } else if eq_ic(name, "user-agent") {
            &mut self.user_agent
        } else if eq_ic(name, "referer") {
            &mut self.referer
        } else if eq_ic(name, "content-type") {
            &mut self.content_type
        } else if eq_ic(name, "x-forwarded-for") {
            &mut self.x_forwarded_for
        } else if eq_ic(name, "via") {
            &mut self.via
        } else {
            if eq_ic(name, "content-length") {
                match parse_length(value) {
                    Some(n) if self.content_length.is_none_or(|o| o == n) && !self.bad_length => self.content_length = Some(n),
                    _ => {
                        self.content_length = None;
                        self.bad_length = true;
                    }
                }
            } else if eq_ic(name, "transfer-encoding") {
                self.transfer_encoding = true;
                let last = value.rsplit(|&c| c == b',').next().map(trim).unwrap_or_default();
                self.chunked = eq_ic(last, "chunked");
            }
            return;
        };
        // The first occurrence is kept (a repeated Host is an error anyway, RFC 9112 §3.2).
        if slot.is_none() {
            *slot = Some(value);
        }
    }
}

fn version_of(v: &[u8]) -> Option<Version> {
    match v {
        b"HTTP/1.0" => Some(Version::V10),
        // HTTP/1.x with x > 1 is read as 1.1 (RFC 9110 §2.5: same major version).
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', d] if d.is_ascii_digit() => Some(Version::V11),
        _ => None,
    }
}

fn httparse_config() -> httparse::ParserConfig {
    let mut c = httparse::ParserConfig::default();
    c.allow_multiple_spaces_in_request_line_delimiters(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .ignore_invalid_headers_in_requests(true)
        .ignore_invalid_headers_in_responses(true);
    c
}

fn strict(b: &[u8], response: bool) -> Option<Head<'_>> {
    let mut hs = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let cfg = httparse_config();
    let mut fields = Fields::default();
    let start = if response {
        let mut r = httparse::Response::new(&mut hs);
        let Ok(httparse::Status::Complete(_)) = cfg.parse_response(&mut r, b) else { return None };
        for h in r.headers.iter() {
            fields.add(h.name.as_bytes(), h.value);
        }
        Start::Response { version: if r.version? == 0 { Version::V10 } else { Version::V11 }, code: r.code? }
    } else {
        let mut r = httparse::Request::new(&mut hs);
        let Ok(httparse::Status::Complete(_)) = cfg.parse_request(&mut r, b) else { return None };
        for h in r.headers.iter() {
            fields.add(h.name.as_bytes(), h.value);
        }
        Start::Request { method: r.method?, target: r.path?.as_bytes(), version: if r.version? == 0 { Version::V10 } else { Version::V11 } }
    };
    Some(Head { start, fields, lenient: false, too_many_headers: false })
}

/// Reads a start line; `cut` when the line did not end (the head was cut
/// inside it): a request line without its version is then HTTP/1.1, not 0.9.
fn lenient_start(line: &[u8], response: bool, cut: bool) -> Option<Start<'_>> {
    if response {
        let (v, rest) = line.split_at(line.iter().position(|&c| c == b' ')?);
        let version = version_of(v)?;
        let rest = trim(rest);
        let code = rest.get(..3)?;
        if !code.iter().all(u8::is_ascii_digit) || rest.get(3).is_some_and(|&c| c != b' ') {
            return None;
        }
        let code = code.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
        return Some(Start::Response { version, code });
    }
    let sp = line.iter().position(|&c| c == b' ')?;
    let method = std::str::from_utf8(&line[..sp]).ok()?;
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return None;
    }
    let rest = trim(&line[sp..]);
    if rest.is_empty() {
        return None;
    }
    if cut {
        let target = rest.split(|&c| c == b' ').next().unwrap_or(rest);
        return Some(Start::Request { method, target, version: Version::V11 });
    }
    match rest.iter().rposition(|&c| c == b' ') {
        Some(p) => Some(Start::Request { method, target: trim(&rest[..p]), version: version_of(&rest[p + 1..])? }),
        None if method == "GET" => Some(Start::Request { method, target: rest, version: Version::V09 }),
        None => None,
    }
}

fn lenient(b: &[u8], response: bool) -> Option<Head<'_>> {
    let mut lines = b.split(|&c| c == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let start = lenient_start(lines.next()?, response, !b.contains(&b'\n'))?;
    let mut head = Head { start, fields: Fields::default(), lenient: true, too_many_headers: false };
    if matches!(start, Start::Request { version: Version::V09, .. }) {
        return Some(head);
    }
    for line in lines {
        if line.is_empty() {
            break;
        }
        // Obsolete line folding (RFC 9112 §5.2): continuation lines are skipped.
        if matches!(line.first(), Some(b' ' | b'\t')) {
            continue;
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else { continue };
        if head.fields.count >= MAX_HEADERS {
            head.too_many_headers = true;
            head.fields.count += 1;
            continue;
        }
        head.fields.add(trim(&line[..colon]), &line[colon + 1..]);
    }
    Some(head)
}

/// Parses one message head: `b` holds it from its start line to its empty
/// line (`complete`), or only its first bytes when the head was too long to
/// keep whole. `Either` reads a head starting with `HTTP/` as a response.
pub fn parse_head(b: &[u8], kind: Kind, complete: bool) -> Option<Head<'_>> {
    let response = match kind {
        Kind::Request => false,
        Kind::Response => true,
        Kind::Either => b.starts_with(b"HTTP/"),
    };
    if complete && !is_v09_request_line(first_line(b).0) {
        if let Some(h) = strict(b, response) {
            return Some(h);
        }
    }
    lenient(b, response)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// `http/ndpi_http.pcapng` frame 4 (TCP payload): curl's GET of google.com.
    pub(crate) const NDPI_GET: &str = "474554202f20485454502f312e310d0a486f73743a20676f6f676c652e636f6d0d0a557365722d4167656e743a206375726c2f372e36382e300d0a4163636570743a202a2f2a0d0a0d0a";
    /// `http/ndpi_http.pcapng` frame 6: the 301 response, head and 219-byte body.
    pub(crate) const NDPI_301: &str = "485454502f312e3120333031204d6f766564205065726d616e656e746c790d0a4c6f636174696f6e3a20687474703a2f2f7777772e676f6f676c652e636f6d2f0d0a436f6e74656e742d547970653a20746578742f68746d6c3b20636861727365743d5554462d380d0a446174653a205475652c203235204a616e20323032322031363a35303a343120474d540d0a457870697265733a205468752c2032342046656220323032322031363a35303a343120474d540d0a43616368652d436f6e74726f6c3a207075626c69632c206d61782d6167653d323539323030300d0a5365727665723a206777730d0a436f6e74656e742d4c656e6774683a203231390d0a582d5853532d50726f74656374696f6e3a20300d0a582d4672616d652d4f7074696f6e733a2053414d454f524947494e0d0a0d0a3c48544d4c3e3c484541443e3c6d65746120687474702d65717569763d22636f6e74656e742d747970652220636f6e74656e743d22746578742f68746d6c3b636861727365743d7574662d38223e0a3c5449544c453e333031204d6f7665643c2f5449544c453e3c2f484541443e3c424f44593e0a3c48313e333031204d6f7665643c2f48313e0a54686520646f63756d656e7420686173206d6f7665640a3c4120485245463d22687474703a2f2f7777772e676f6f676c652e636f6d2f223e686572653c2f413e2e0d0a3c2f424f44593e3c2f48544d4c3e0d0a";
    /// `http/zeek_http-pipelined-requests.pcap` frame 15: the third response
    /// (a 94-byte GIF served as image/png, with padded `Cache-Control` and a `Via`).
    pub(crate) const PIPELINED_15: &str = "485454502f312e3120323030204f4b0d0a446174653a205765642c203138204e6f7620323030392032303a35313a343120474d540d0a457870697265733a205765642c203138204e6f7620323030392032313a30363a343220474d540d0a43616368652d436f6e74726f6c3a206d61782d6167653d393030202020202020200d0a436f6e6e656374696f6e3a204b6565702d416c6976650d0a5669613a204e532d43414348452d362e303a202020340d0a455461673a202235652d6532616565616330220d0a5365727665723a204170616368650d0a4c6173742d4d6f6469666965643a205765642c2032362041756720323030392031393a35393a313520474d540d0a4163636570742d52616e6765733a2062797465730d0a436f6e74656e742d4c656e6774683a2039340d0a4b6565702d416c6976653a2074696d656f75743d32302c206d61783d3737390d0a436f6e74656e742d547970653a20696d6167652f706e670d0a0d0a47494638396104000400b30000bdd8e2748891bdd7e285979e82959e6a7c8474878f697a82bcd7e1bed8e25e6e7609111700000000000000000000000021f90400000000002c000000000400040000040b302925ce5ac5dc80060111003b";
    /// `odd/zeek_mixed-vlan-mpls.pcap` frame 37: an HTTP/0.9 request (zeek-http.log: version 0.9).
    const V09_GET: &[u8] = b"GET /\r\n\r\n";

    fn head_len(b: &[u8]) -> usize {
        b.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4
    }

    #[test]
    fn request_head() {
        let b = hex(NDPI_GET);
        assert!(looks_like_request(&b));
        assert!(!looks_like_response(&b));
        assert_eq!(could_start(&b, Kind::Either), Some(true));
        let h = parse_head(&b, Kind::Either, true).unwrap();
        assert_eq!(h.start, Start::Request { method: "GET", target: b"/", version: Version::V11 });
        assert_eq!(h.fields.host, Some(&b"google.com"[..]));
        assert_eq!(h.fields.user_agent, Some(&b"curl/7.68.0"[..]));
        assert_eq!((h.fields.count, h.fields.content_length, h.lenient), (3, None, false));
    }

    #[test]
    fn response_head() {
        let b = hex(NDPI_301);
        assert!(looks_like_response(&b));
        assert!(!looks_like_request(&b));
        let n = head_len(&b);
        let h = parse_head(&b[..n], Kind::Response, true).unwrap();
        assert_eq!(h.start, Start::Response { version: Version::V11, code: 301 });
        assert_eq!(h.fields.content_type, Some(&b"text/html; charset=UTF-8"[..]));
        assert_eq!(h.fields.content_length, Some(219));
        assert_eq!(b.len() - n, 219);
        assert!(!h.lenient);
    }

    #[test]
    fn padded_values_are_trimmed() {
        let b = hex(PIPELINED_15);
        let h = parse_head(&b[..head_len(&b)], Kind::Response, true).unwrap();
        assert_eq!(h.fields.via, Some(&b"NS-CACHE-6.0:   4"[..]));
        assert_eq!(h.fields.content_type, Some(&b"image/png"[..]));
        assert_eq!(h.fields.content_length, Some(94));
    }

    #[test]
    fn http09_request() {
        assert!(looks_like_request(V09_GET));
        assert!(is_v09_request_line(b"GET /"));
        let h = parse_head(b"GET /\r\n", Kind::Request, true).unwrap();
        assert_eq!(h.start, Start::Request { method: "GET", target: b"/", version: Version::V09 });
        assert!(h.lenient);
        assert!(!is_v09_request_line(b"POST /"));
        assert!(!looks_like_request(b"POST /x\r\n"));
    }

    #[test]
    fn probes_reject_lookalikes() {
        // RTSP and SIP request lines share the shape, not the version.
        assert!(!looks_like_request(b"OPTIONS rtsp://10.0.0.1/a RTSP/1.0\r\n"));
        assert!(!looks_like_request(b"INVITE sip:bob@b.example SIP/2.0\r\n"));
        assert!(!looks_like_response(b"RTSP/1.0 200 OK\r\n"));
        assert!(!looks_like_response(b"HTTP/1.1 2000\r\n"));
        assert!(!looks_like_request(b"get / HTTP/1.1\r\n"));
        assert!(!looks_like_request(b"GET \x01 HTTP/1.1\r\n"));
        assert!(!looks_like_request(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"));
        // A request line cut by the segment end is judged on its start.
        assert!(looks_like_request(b"GET /a/very/long/path?with=query"));
        assert_eq!(could_start(b"GE", Kind::Request), None);
        assert_eq!(could_start(b"GE\r\n", Kind::Request), Some(false));
        assert_eq!(could_start(b"HTT", Kind::Response), None);
        assert_eq!(could_start(b"<html>", Kind::Either), Some(false));
    }

    #[test]
    fn content_length_forms() {
        assert_eq!(parse_length(b"42"), Some(42));
        assert_eq!(parse_length(b"42, 42"), Some(42));
        assert_eq!(parse_length(b"42, 43"), None);
        assert_eq!(parse_length(b"-1"), None);
        assert_eq!(parse_length(b"99999999999999999999"), None);
        let h = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", Kind::Response, true).unwrap();
        assert!(h.fields.bad_length && h.fields.content_length.is_none());
        let h = parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 6\r\n\r\n", Kind::Response, true).unwrap();
        assert!(h.fields.transfer_encoding && h.fields.chunked);
    }

    #[test]
    fn malformed_heads_use_the_fallback() {
        // A non-UTF-8 byte in the target: httparse refuses it, the fallback keeps it.
        let h = parse_head(b"GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n", Kind::Request, true).unwrap();
        assert!(h.lenient);
        assert_eq!(h.start, Start::Request { method: "GET", target: b"/caf\xe9", version: Version::V11 });
        assert_eq!(h.fields.host, Some(&b"a"[..]));
        // Too many fields: the first MAX_HEADERS are read, the rest counted.
        let mut b = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..150 {
            b.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
        }
        b.extend_from_slice(b"User-Agent: late\r\n\r\n");
        let h = parse_head(&b, Kind::Request, true).unwrap();
        assert!(h.too_many_headers);
        assert_eq!(h.fields.count, 151);
        assert_eq!(h.fields.user_agent, None);
        // A head cut short (kept prefix of an oversized head) is read up to the cut.
        let h = parse_head(b"GET /x HTTP/1.1\r\nHost: h\r\nCookie: aaaa", Kind::Request, false).unwrap();
        assert_eq!(h.fields.host, Some(&b"h"[..]));
        assert!(parse_head(b"\x00\x01garbage\r\n\r\n", Kind::Either, true).is_none());
    }
}
