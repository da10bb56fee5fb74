//! HTTP/1.x plugin (RFC 9110 semantics, RFC 9112 message syntax; HTTP/1.0
//! RFC 1945, including the HTTP/0.9 simple request). Reads the request and
//! response heads of every transaction on a TCP connection: keep-alive and
//! pipelining (several requests in flight), bodies skipped by Content-Length,
//! chunked coding or connection close, no body after HEAD or for 1xx/204/304
//! responses. Responses are matched to requests in order (RFC 9112 §9.3.2);
//! interim 1xx responses are skipped; after `101 Switching Protocols` or a
//! 2xx answer to CONNECT the connection is a tunnel and is no longer read.
//!
//! The table carries the first transaction plus a count; the dump dir gets
//! one line per transaction. Which side is the client is decided by the first
//! message read (a request, or a response from the other side), so a flow
//! whose first captured packet came from the server is still read right.
//!
//! Detection: the first payload must be a request line with a known method
//! and `HTTP/1.x` (or the HTTP/0.9 `GET /path`), or a status line; the port
//! ([`PORTS`]) only raises the confidence. Garbage on port 80 is not HTTP;
//! HTTP on any port is.
//!
//! Limits, all counted: a head is kept up to [`MAX_HEADER_BYTES`] (the rest of
//! a longer head is skipped unbuffered and counted in `truncated()`), at most
//! [`parser::MAX_HEADERS`] fields are read per head, values are cut at
//! [`MAX_VALUE_LEN`], [`MAX_TRANSACTIONS`] transactions are kept for the dump
//! and all are counted, [`MAX_PENDING`] requests may await their response.
//! Bytes that cannot start a message (garbage, or the middle of a body after
//! a lost segment) are skipped a line at a time until a message starts, and
//! counted in `truncated()` too; on the response side such a run is taken as
//! the oldest pending request's lost response, so later responses still meet
//! their own requests.

pub mod body;
pub mod fields;
pub mod parser;

use std::collections::VecDeque;
use std::net::IpAddr;

use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use body::{Chunked, Framing, Step};
use parser::{Head, Kind, Start, Version};

/// A message head is kept up to this many bytes: twice what nginx accepts
/// by default (`large_client_header_buffers` 4 x 8 KiB), four times Node's
/// 16 KiB. The rest of a longer head is skipped without buffering and counted.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Transactions kept per flow for the dump dir (all are counted): a browser's
/// keep-alive connection carries tens of requests; 128 bounds a flow's kept
/// strings to about 2 MiB even when every value is at [`MAX_VALUE_LEN`].
pub const MAX_TRANSACTIONS: usize = 128;
/// Requests awaiting their response: browsers pipeline a handful; beyond
/// this the requests are still counted, and their responses are framed as
/// answers to a plain GET and not attached to a kept transaction.
pub const MAX_PENDING: usize = 256;
/// A kept value (URL, header) is cut at this many bytes: 2 KiB is the URL
/// length every browser and server handles (the old IE limit of 2083).
pub const MAX_VALUE_LEN: usize = 2048;
/// First allocation of a side's head buffer: a typical request or response
/// head (300-600 bytes) fits without the five or six doublings a `Vec`
/// would go through line by line (`finish_grow` under `on_data` in the
/// profile).
const HEAD_BUFFER_START: usize = 512;
/// A kept head buffer that grew past this is released after use, so an
/// idle keep-alive flow holds no more than this.
const KEEP_BUFFER: usize = 4096;

/// nProbe's `--http-ports` (80) and `--proxy-ports` (3128, 8080) defaults,
/// plus the usual alternates (IANA http-alt 8008; 8000, 8081, 8888).
pub const PORTS: [u16; 7] = [80, 3128, 8080, 8000, 8008, 8081, 8888];

pub const PLUGIN: Plugin = Plugin {
    proto: Proto::Http,
    probe,
    new,
    fields: fields::ALL,
    dump_header: fields::DUMP_HEADER,
};

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    if ctx.l4 != crate::decode::ip::PROTO_TCP || !(parser::looks_like_request(data) || parser::looks_like_response(data)) {
        return Confidence::No;
    }
    if ctx.port_in(&PORTS) {
        Confidence::PayloadAndPort
    } else {
        Confidence::Payload
    }
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Http::new(ctx))
}

/// Where a side of the connection is in its message stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Reading a head into the side's buffer.
    Head,
    /// Skipping to the end of the line: it cannot start a message.
    Discard,
    /// Skipping the rest of a head longer than [`MAX_HEADER_BYTES`]; then the body.
    SkipHead { line_empty: bool, then: Framing },
    /// In a body.
    Length(u64),
    Chunked(Chunked),
    UntilClose,
    /// Not HTTP any more (after 101 or CONNECT 2xx).
    Tunnel,
}

#[derive(Debug)]
struct Side {
    phase: Phase,
    buf: Vec<u8>,
    /// Offset in `buf` of the line being read.
    line_start: usize,
    /// The first line of `buf` can start a message.
    checked: bool,
    /// Transaction whose body is flowing (index into `txs`), and whether it is the request's.
    body_of: Option<(usize, bool)>,
    /// Bytes being skipped belong to a message already accounted for (see [`Http::lost_sync`]).
    skipping: bool,
}

impl Default for Side {
    fn default() -> Self {
        Side { phase: Phase::Head, buf: Vec::new(), line_start: 0, checked: false, body_of: None, skipping: false }
    }
}

impl Side {
    fn reset_head(&mut self) {
        self.buf.clear();
        if self.buf.capacity() > KEEP_BUFFER {
            self.buf = Vec::new();
        }
        self.line_start = 0;
        self.checked = false;
    }
}

/// What the response to a request needs to know about it.
#[derive(Clone, Copy, Debug, Default)]
struct Pending {
    tx: Option<usize>,
    head: bool,
    connect: bool,
    v09: bool,
}

#[derive(Debug, Default)]
struct Resp {
    code: u16,
    mime: String,
    via: String,
    body: u64,
}

#[derive(Debug, Default)]
struct Tx {
    ts_us: u64,
    /// Index into `ends` of the client (0 the flow's initiator).
    client: usize,
    method: String,
    url: String,
    host: String,
    site: String,
    user_agent: String,
    referer: String,
    x_forwarded_for: String,
    via: String,
    req_body: u64,
    resp: Option<Resp>,
}

struct Http {
    /// (address, port) of the flow's initiator and responder.
    ends: [(IpAddr, u16); 2],
    /// The side that sends requests, once a message told.
    req_dir: Option<Dir>,
    sides: [Side; 2],
    pending: VecDeque<Pending>,
    /// Requests past [`MAX_PENDING`] awaiting a response (newer than all of `pending`).
    pending_dropped: u64,
    txs: Vec<Tx>,
    count: u64,
    truncated: u64,
}

fn other(d: Dir) -> Dir {
    match d {
        Dir::ToServer => Dir::ToClient,
        Dir::ToClient => Dir::ToServer,
    }
}

/// A header value or URL as text: invalid UTF-8 replaced, cut at [`MAX_VALUE_LEN`] bytes.
fn text(b: &[u8]) -> String {
    let cut = b.get(..MAX_VALUE_LEN).unwrap_or(b);
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if s.len() > MAX_VALUE_LEN {
        // Replacement characters can make the text longer than the bytes.
        let mut end = MAX_VALUE_LEN;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// The server name of a Host value (RFC 9110 §7.2: `uri-host [ ":" port ]`):
/// port and IPv6 brackets removed, lower-cased.
pub fn site_of_host(host: &[u8]) -> String {
    let name = if let Some(rest) = host.strip_prefix(b"[") {
        rest.split(|&c| c == b']').next().unwrap_or(rest)
    } else if host.iter().filter(|&&c| c == b':').count() == 1 {
        host.split(|&c| c == b':').next().unwrap_or(host)
    } else {
        host
    };
    text(name).to_ascii_lowercase()
}

/// The authority's host of an absolute-form target (`http://user@h:8080/x`), if any.
fn site_of_target(target: &[u8]) -> Option<String> {
    let p = target.windows(3).position(|w| w == b"://")?;
    let auth = target.get(p + 3..)?;
    let auth = auth.split(|&c| c == b'/' || c == b'?' || c == b'#').next()?;
    let host = auth.rsplit(|&c| c == b'@').next()?;
    (!host.is_empty()).then(|| site_of_host(host))
}

impl Http {
    fn new(ctx: &ProbeCtx) -> Http {
        Http {
            ends: [(ctx.cli, ctx.cport), (ctx.srv, ctx.sport)],
            req_dir: None,
            sides: [Side::default(), Side::default()],
            pending: VecDeque::new(),
            pending_dropped: 0,
            txs: Vec::new(),
            count: 0,
            truncated: 0,
        }
    }

    fn kind(&self, dir: Dir) -> Kind {
        match self.req_dir {
            None => Kind::Either,
            Some(d) if d == dir => Kind::Request,
            Some(_) => Kind::Response,
        }
    }

    fn push_tx(&mut self, tx: Tx) -> Option<usize> {
        self.count += 1;
        if self.txs.len() < MAX_TRANSACTIONS {
            crate::dissect::push_doubling(&mut self.txs, tx);
            Some(self.txs.len() - 1)
        } else {
            None
        }
    }

    /// One parsed head; returns the phase its side enters.
    fn message(&mut self, dir: Dir, h: Head<'_>, ts_us: u64) -> Phase {
        let d = dir as usize;
        match h.start {
            Start::Request { method, target, version } => {
                self.req_dir.get_or_insert(dir);
                let f = &h.fields;
                let site = match f.host {
                    Some(host) => site_of_host(host),
                    None => site_of_target(target).unwrap_or_default(),
                };
                let tx = self.push_tx(Tx {
                    ts_us,
                    client: d,
                    method: text(method.as_bytes()),
                    url: text(target),
                    host: f.host.map(text).unwrap_or_default(),
                    site,
                    user_agent: f.user_agent.map(text).unwrap_or_default(),
                    referer: f.referer.map(text).unwrap_or_default(),
                    x_forwarded_for: f.x_forwarded_for.map(text).unwrap_or_default(),
                    via: f.via.map(text).unwrap_or_default(),
                    req_body: 0,
                    resp: None,
                });
                let p = Pending { tx, head: method == "HEAD", connect: method == "CONNECT", v09: version == Version::V09 };
                if self.pending.len() < MAX_PENDING && self.pending_dropped == 0 {
                    self.pending.push_back(p);
                } else {
                    self.pending_dropped += 1;
                }
                self.sides[d].body_of = tx.map(|t| (t, true));
                if p.v09 {
                    Phase::Head
                } else {
                    framing_phase(body::request_framing(f))
                }
            }
            Start::Response { code, .. } => {
                self.req_dir.get_or_insert(other(dir));
                if (100..200).contains(&code) && code != 101 {
                    // Interim response: the final one follows (RFC 9110 §15.2).
                    return Phase::Head;
                }
                let p = match self.pending.pop_front() {
                    Some(p) => Some(p),
                    None if self.pending_dropped > 0 => {
                        self.pending_dropped -= 1;
                        Some(Pending::default())
                    }
                    None => None,
                };
                let tx = match p {
                    Some(p) => p.tx,
                    // A response without request (the capture began after it was sent).
                    None => self.push_tx(Tx { ts_us, client: 1 - d, ..Tx::default() }),
                };
                let f = &h.fields;
                if let Some(t) = tx.and_then(|i| self.txs.get_mut(i)) {
                    t.resp = Some(Resp { code, mime: f.content_type.map(text).unwrap_or_default(), via: f.via.map(text).unwrap_or_default(), body: 0 });
                }
                self.sides[d].body_of = tx.map(|t| (t, false));
                let p = p.unwrap_or_default();
                if code == 101 || (p.connect && (200..300).contains(&code)) {
                    let o = other(dir) as usize;
                    self.sides[o].phase = Phase::Tunnel;
                    self.sides[o].reset_head();
                    return Phase::Tunnel;
                }
                framing_phase(body::response_framing(f, code, p.head))
            }
        }
    }

    /// Bytes that cannot start a message are being skipped on `dir`. On the
    /// response side this means a response head was lost (a missing segment,
    /// or a capture that began inside a response): the oldest pending request
    /// is taken as answered by the lost response, once per run of skipped
    /// bytes, so that the responses that follow still meet their own requests.
    fn lost_sync(&mut self, dir: Dir) {
        let d = dir as usize;
        if self.kind(dir) != Kind::Response || self.sides[d].skipping {
            return;
        }
        self.sides[d].skipping = true;
        self.sides[d].body_of = None;
        if self.pending.pop_front().is_none() && self.pending_dropped > 0 {
            self.pending_dropped -= 1;
        }
    }

    /// Ends the head in the side's buffer (whole, or cut at the bound) and
    /// returns the phase that follows it.
    fn end_head(&mut self, dir: Dir, ts_us: u64, complete: bool) -> Phase {
        let d = dir as usize;
        let kind = self.kind(dir);
        let buf = std::mem::take(&mut self.sides[d].buf);
        let next = match parser::parse_head(&buf, kind, complete) {
            Some(h) => {
                self.sides[d].skipping = false;
                self.message(dir, h, ts_us)
            }
            None => {
                self.truncated += buf.len() as u64;
                self.lost_sync(dir);
                Phase::Head
            }
        };
        let side = &mut self.sides[d];
        side.buf = buf;
        side.reset_head();
        next
    }

    fn add_body(&mut self, d: usize, n: u64) {
        let Some((t, is_req)) = self.sides[d].body_of else { return };
        let Some(tx) = self.txs.get_mut(t) else { return };
        if is_req {
            tx.req_body += n;
        } else if let Some(r) = tx.resp.as_mut() {
            r.body += n;
        }
    }

    /// Reads head bytes; returns how many of `data` were consumed.
    fn head_bytes(&mut self, dir: Dir, data: &[u8], ts_us: u64) -> usize {
        let d = dir as usize;
        let kind = self.kind(dir);
        if self.sides[d].buf.is_empty() {
            // The answer to an HTTP/0.9 request is the body alone, until close.
            if kind == Kind::Response && self.pending.front().is_some_and(|p| p.v09) {
                let tx = self.pending.pop_front().and_then(|p| p.tx);
                if let Some(t) = tx.and_then(|i| self.txs.get_mut(i)) {
                    t.resp = Some(Resp::default());
                }
                self.sides[d].body_of = tx.map(|t| (t, false));
                self.sides[d].phase = Phase::UntilClose;
                return 0;
            }
            // Empty lines before a message are skipped (RFC 9112 §2.2).
            let blank = data.iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
            if blank > 0 {
                return blank;
            }
        }
        let mut i = 0;
        while let Some(rest) = data.get(i..).filter(|r| !r.is_empty()) {
            let side = &mut self.sides[d];
            let nl = rest.iter().position(|&c| c == b'\n');
            let take = nl.map_or(rest.len(), |p| p + 1);
            let room = MAX_HEADER_BYTES.saturating_sub(side.buf.len());
            if take > room {
                // Too long: keep what fits, read the head from it, skip the rest unbuffered.
                side.buf.extend_from_slice(&rest[..room]);
                i += room;
                let line_empty = side.buf.get(side.line_start..).is_some_and(|l| l.iter().all(|&c| c == b'\r'));
                let checked = side.checked;
                let next = self.end_head(dir, ts_us, false);
                self.sides[d].phase = match next {
                    Phase::Tunnel => Phase::Tunnel,
                    // A line this long that cannot start a message is skipped to its end.
                    _ if !checked => Phase::Discard,
                    Phase::Length(n) => Phase::SkipHead { line_empty, then: Framing::Length(n) },
                    Phase::Chunked(_) => Phase::SkipHead { line_empty, then: Framing::Chunked },
                    Phase::UntilClose => Phase::SkipHead { line_empty, then: Framing::UntilClose },
                    _ => Phase::SkipHead { line_empty, then: Framing::None },
                };
                return i;
            }
            if side.buf.capacity() == 0 {
                side.buf.reserve(HEAD_BUFFER_START);
            }
            side.buf.extend_from_slice(&rest[..take]);
            i += take;
            if !side.checked {
                match parser::could_start(&side.buf, kind) {
                    Some(true) => side.checked = true,
                    Some(false) => {
                        self.truncated += side.buf.len() as u64;
                        side.reset_head();
                        if nl.is_none() {
                            side.phase = Phase::Discard;
                        }
                        self.lost_sync(dir);
                        return i;
                    }
                    None => {}
                }
            }
            if nl.is_none() {
                return i;
            }
            let line = side.buf.get(side.line_start..side.buf.len() - 1).unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let end = line.is_empty() || (side.line_start == 0 && kind != Kind::Response && parser::is_v09_request_line(line));
            if end {
                self.sides[d].phase = self.end_head(dir, ts_us, true);
                return i;
            }
            side.line_start = side.buf.len();
        }
        i
    }

    /// Consumes bytes of `data` in the side's current phase; returns how many.
    fn step(&mut self, dir: Dir, data: &[u8], ts_us: u64) -> usize {
        let d = dir as usize;
        match self.sides[d].phase {
            Phase::Tunnel => data.len(),
            Phase::Head => self.head_bytes(dir, data, ts_us),
            Phase::Discard => {
                let n = data.iter().position(|&c| c == b'\n').map_or(data.len(), |p| {
                    self.sides[d].phase = Phase::Head;
                    p + 1
                });
                self.truncated += n as u64;
                n
            }
            Phase::SkipHead { mut line_empty, then } => {
                for (i, &c) in data.iter().enumerate() {
                    if c == b'\n' {
                        if line_empty {
                            self.truncated += i as u64 + 1;
                            self.sides[d].phase = framing_phase(then);
                            return i + 1;
                        }
                        line_empty = true;
                    } else if c != b'\r' {
                        line_empty = false;
                    }
                }
                self.truncated += data.len() as u64;
                self.sides[d].phase = Phase::SkipHead { line_empty, then };
                data.len()
            }
            Phase::Length(left) => {
                let k = left.min(data.len() as u64);
                self.add_body(d, k);
                self.sides[d].phase = if k == left { Phase::Head } else { Phase::Length(left - k) };
                k as usize
            }
            Phase::Chunked(mut c) => {
                let (n, payload, st) = c.feed(data);
                self.add_body(d, payload);
                self.sides[d].phase = match st {
                    Step::More => Phase::Chunked(c),
                    Step::Done => Phase::Head,
                    // Out of step: what follows is still this message's; look for the next start.
                    Step::Error => {
                        self.sides[d].skipping = true;
                        Phase::Head
                    }
                };
                n
            }
            Phase::UntilClose => {
                self.add_body(d, data.len() as u64);
                data.len()
            }
        }
    }
}

fn framing_phase(f: Framing) -> Phase {
    match f {
        Framing::None => Phase::Head,
        Framing::Length(n) => Phase::Length(n),
        Framing::Chunked => Phase::Chunked(Chunked::default()),
        Framing::UntilClose => Phase::UntilClose,
    }
}

/// A dump value: `<empty>` when empty; whitespace and control characters as `%XX`.
fn dump_value(s: &str) -> String {
    if s.is_empty() {
        return "<empty>".into();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            let mut b = [0u8; 4];
            for byte in c.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Dissector for Http {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let mut rest = data;
        // Each step consumes bytes or changes phase to one that does.
        while !rest.is_empty() {
            let n = self.step(dir, rest, ts_us);
            rest = rest.get(n..).unwrap_or_default();
        }
    }

    fn push_fields(&self, t: &mut FieldTable) {
        use fields::*;
        let tx = self.txs.first();
        let resp = tx.and_then(|t| t.resp.as_ref());
        let s = |f: fn(&Tx) -> &str| tx.map_or("", f);
        t.push(&URL, s(|t| &t.url));
        t.push(&METHOD, s(|t| &t.method));
        t.push(&RET_CODE, resp.map_or(0, |r| r.code));
        t.push(&REFERER, s(|t| &t.referer));
        t.push(&USER_AGENT, s(|t| &t.user_agent));
        t.push(&MIME, resp.map_or("", |r| r.mime.as_str()));
        t.push(&HOST, s(|t| &t.host));
        t.push(&SITE, s(|t| &t.site));
        t.push(&X_FORWARDED_FOR, s(|t| &t.x_forwarded_for));
        t.push(&VIA, tx.map_or("", |t| if t.via.is_empty() { resp.map_or("", |r| r.via.as_str()) } else { t.via.as_str() }));
        t.push(&NUM_REQUESTS, self.count);
    }

    fn dump_lines(&self, _ctx: &DumpCtx) -> Vec<String> {
        self.txs
            .iter()
            .map(|t| {
                let r = t.resp.as_ref();
                let (cli, srv) = (self.ends[t.client], self.ends[1 - t.client]);
                let via = if t.via.is_empty() { r.map_or("", |r| r.via.as_str()) } else { t.via.as_str() };
                [
                    (t.ts_us / 1_000_000).to_string(),
                    cli.0.to_string(),
                    cli.1.to_string(),
                    srv.0.to_string(),
                    srv.1.to_string(),
                    dump_value(&t.method),
                    dump_value(&t.host),
                    dump_value(&t.url),
                    r.map_or(0, |r| r.code).to_string(),
                    dump_value(&t.user_agent),
                    dump_value(&t.referer),
                    dump_value(r.map_or("", |r| r.mime.as_str())),
                    dump_value(&t.x_forwarded_for),
                    dump_value(via),
                    dump_value(&t.site),
                    t.req_body.to_string(),
                    r.map_or(0, |r| r.body).to_string(),
                ]
                .join(" ")
            })
            .collect()
    }

    fn truncated(&self) -> u64 {
        self.truncated
    }
}

#[cfg(test)]
mod tests {
    use super::parser::tests::{hex, NDPI_301, NDPI_GET, PIPELINED_15};
    use super::*;
    use crate::table::Value;

    fn ctx(sport: u16) -> ProbeCtx {
        ProbeCtx { l4: 6, cport: 42170, sport, cli: "192.168.1.128".parse().unwrap(), srv: "216.58.208.142".parse().unwrap(), dir: Dir::ToServer }
    }

    fn http() -> Http {
        Http::new(&ctx(80))
    }

    fn table(h: &Http) -> Vec<(&'static str, Value)> {
        let mut t = FieldTable::with_capacity(16);
        h.push_fields(&mut t);
        t.iter().map(|(k, v)| (k, v.clone())).collect()
    }

    fn get<'a>(t: &'a [(&'static str, Value)], k: &str) -> &'a Value {
        &t.iter().find(|(key, _)| *key == k).unwrap().1
    }

    /// `http/ndpi_http.pcapng` frames 4 and 6, fed in pieces split at every
    /// byte: the same transaction whatever the segmentation.
    #[test]
    fn one_transaction_any_segmentation() {
        let (req, resp) = (hex(NDPI_GET), hex(NDPI_301));
        for cut in [1, 2, 3, 5, 16, 17, 100, 1000] {
            let mut h = http();
            for p in req.chunks(cut) {
                h.on_data(Dir::ToServer, p, 1_643_129_441_030_691);
            }
            for p in resp.chunks(cut) {
                h.on_data(Dir::ToClient, p, 1_643_129_441_058_995);
            }
            let t = table(&h);
            assert_eq!(t.iter().map(|(k, _)| *k).collect::<Vec<_>>(), fields::ALL.iter().map(|f| f.key).collect::<Vec<_>>());
            assert_eq!(get(&t, "http.url"), &Value::Str("/".into()));
            assert_eq!(get(&t, "http.method"), &Value::Str("GET".into()));
            assert_eq!(get(&t, "http.ret_code"), &Value::Int(301));
            assert_eq!(get(&t, "http.mime"), &Value::Str("text/html; charset=UTF-8".into()));
            assert_eq!(get(&t, "http.host"), &Value::Str("google.com".into()));
            assert_eq!(get(&t, "http.user_agent"), &Value::Str("curl/7.68.0".into()));
            assert_eq!(get(&t, "http.num_requests"), &Value::Int(1));
            assert_eq!(h.txs[0].resp.as_ref().unwrap().body, 219, "cut {cut}");
            assert_eq!((h.sides[1].phase, h.truncated), (Phase::Head, 0));
        }
    }

    /// Two pipelined requests (frame 4 of `http/ndpi_http.pcapng`, twice, the
    /// second a HEAD) in one segment; their responses (frame 6, whose body a
    /// HEAD response would not have, so frame 15 of
    /// `http/zeek_http-pipelined-requests.pcap` stands in for the first)
    /// arrive back to back, split at every byte.
    #[test]
    fn pipelined_requests_match_in_order() {
        let get = hex(NDPI_GET);
        let head = String::from_utf8(get.clone()).unwrap().replacen("GET", "HEAD", 1).into_bytes();
        let first = hex(PIPELINED_15);
        let resp2 = hex(NDPI_301);
        let resp2_head = &resp2[..resp2.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4];
        let mut stream = first.clone();
        stream.extend_from_slice(resp2_head);
        for cut in [1, 7, stream.len()] {
            let mut h = http();
            h.on_data(Dir::ToServer, &[get.clone(), head.clone()].concat(), 0);
            assert_eq!(h.pending.len(), 2);
            for p in stream.chunks(cut) {
                h.on_data(Dir::ToClient, p, 1);
            }
            assert_eq!(h.count, 2);
            let r: Vec<_> = h.txs.iter().map(|t| (t.method.as_str(), t.resp.as_ref().map(|r| (r.code, r.mime.as_str(), r.body)))).collect();
            assert_eq!(r, [("GET", Some((200, "image/png", 94))), ("HEAD", Some((301, "text/html; charset=UTF-8", 0)))], "cut {cut}");
            assert!(h.pending.is_empty());
            assert_eq!(h.sides[1].phase, Phase::Head);
        }
    }

    #[test]
    fn interim_and_chunked_and_tunnel() {
        let mut h = http();
        h.on_data(Dir::ToServer, b"POST /up HTTP/1.1\r\nHost: example.com:8080\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"HTTP/1.1 100 Continue\r\n\r\n", 0);
        h.on_data(Dir::ToServer, b"3\r\nabc\r\n0\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 0);
        h.on_data(Dir::ToServer, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"HTTP/1.1 200 Connection established\r\n\r\n", 0);
        h.on_data(Dir::ToServer, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03GET / HTTP/1.1\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"\x16\x03\x03HTTP/1.1 200 OK\r\n\r\n", 0);
        assert_eq!(h.count, 2);
        let t = &h.txs[0];
        assert_eq!((t.site.as_str(), t.req_body, t.resp.as_ref().map(|r| (r.code, r.body))), ("example.com", 3, Some((200, 5))));
        assert_eq!(h.txs[1].resp.as_ref().map(|r| r.code), Some(200));
        assert_eq!((h.sides[0].phase, h.sides[1].phase), (Phase::Tunnel, Phase::Tunnel));
    }

    /// `odd/zeek_mixed-vlan-mpls.pcap` frames 37 and 39: an HTTP/0.9 request
    /// answered by the document alone (zeek-http.log: version 0.9, status 0).
    #[test]
    fn http09_response_is_the_body_until_close() {
        let mut h = http();
        h.on_data(Dir::ToServer, b"GET /\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n", 0);
        h.on_data(Dir::ToClient, b"<HTML>HTTP/1.1 200 OK\r\n", 0);
        assert_eq!(h.count, 1);
        let r = h.txs[0].resp.as_ref().unwrap();
        assert_eq!((r.code, r.body), (0, 87));
        assert_eq!(h.truncated, 0);
    }

    #[test]
    fn response_first_flow_turns_the_roles() {
        // The flow's first captured packet came from the server: its responses are ToServer.
        let mut h = http();
        h.on_data(Dir::ToServer, &hex(NDPI_301), 0);
        h.on_data(Dir::ToClient, &hex(NDPI_GET), 0);
        h.on_data(Dir::ToServer, &hex(NDPI_301), 0);
        assert_eq!(h.req_dir, Some(Dir::ToClient));
        assert_eq!(h.count, 2);
        assert_eq!((h.txs[0].method.as_str(), h.txs[0].client), ("", 1));
        assert_eq!(h.txs[1].resp.as_ref().map(|r| r.code), Some(301));
    }

    /// A 10 MB header is kept up to MAX_HEADER_BYTES, the rest skipped
    /// unbuffered and counted; the next request on the connection is read.
    #[test]
    fn huge_header_is_bounded() {
        let mut h = http();
        let start = b"GET /big HTTP/1.1\r\nHost: a.example\r\nX-Big: ";
        h.on_data(Dir::ToServer, start, 0);
        let chunk = vec![b'x'; 65_536];
        let total = 10 * 1024 * 1024;
        for _ in 0..total / chunk.len() {
            h.on_data(Dir::ToServer, &chunk, 0);
            assert!(h.sides[0].buf.capacity() <= MAX_HEADER_BYTES);
        }
        h.on_data(Dir::ToServer, b"\r\nUser-Agent: after\r\n\r\nGET /next HTTP/1.1\r\nHost: b.example\r\n\r\n", 0);
        assert_eq!(h.count, 2);
        assert_eq!((h.txs[0].url.as_str(), h.txs[0].host.as_str()), ("/big", "a.example"));
        assert_eq!((h.txs[1].url.as_str(), h.txs[1].host.as_str()), ("/next", "b.example"));
        let kept = (MAX_HEADER_BYTES - start.len()) as u64;
        assert_eq!(h.truncated, total as u64 - kept + b"\r\nUser-Agent: after\r\n\r\n".len() as u64);
        // A 10 MB request line: the URL is cut at MAX_VALUE_LEN.
        let mut h = http();
        h.on_data(Dir::ToServer, b"GET /", 0);
        for _ in 0..total / chunk.len() {
            h.on_data(Dir::ToServer, &chunk, 0);
        }
        h.on_data(Dir::ToServer, b" HTTP/1.1\r\n\r\n", 0);
        assert_eq!((h.count, h.txs[0].url.len()), (1, MAX_VALUE_LEN));
    }

    /// `mixed/ndpi_1kxun.pcap`, flow 192.168.2.126:45422 -> 161.117.13.29:80:
    /// the capture holds the first request (frame 1162) but its response only
    /// from the middle of the body (frames 1175-1176, TCP seq 4321); the next
    /// responses (frames 1301, 1320) answer the next requests (1292, 1308).
    /// Shortened: the heads keep their start line and Host, the bodies are the
    /// first 8 bytes of frames 1175 and 1176 with a line end between them.
    #[test]
    fn lost_response_head_keeps_later_responses_in_step() {
        let mut h = http();
        h.on_data(Dir::ToServer, b"GET /js/application.min.js?1644808200 HTTP/1.1\r\nHost: mangaweb.1kxun.mobi\r\n\r\n", 0);
        h.on_data(Dir::ToClient, &[0x1c, 0x2c, 0x08, 0xd7, 0xa3, 0x2b, 0x5b, 0xbe, b'\n', 0xc3, 0x0f, 0x25, 0xbc, 0x77, 0xcf, 0xd7, 0x2a], 0);
        h.on_data(Dir::ToServer, b"GET /images/detail_revision/go_homepage.png HTTP/1.1\r\nHost: mangaweb.1kxun.mobi\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"\nHTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nPNG", 0);
        h.on_data(Dir::ToServer, b"GET /images/detail_revision/action_bar_5.png HTTP/1.1\r\nHost: mangaweb.1kxun.mobi\r\n\r\n", 0);
        h.on_data(Dir::ToClient, b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nPNG", 0);
        let codes: Vec<_> = h.txs.iter().map(|t| t.resp.as_ref().map(|r| r.code)).collect();
        assert_eq!(codes, [None, Some(200), Some(200)]);
        assert_eq!(h.truncated, 18);
    }

    #[test]
    fn garbage_is_skipped_and_counted() {
        let mut h = http();
        let junk: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        h.on_data(Dir::ToServer, &junk, 0);
        h.on_data(Dir::ToClient, &junk, 0);
        assert_eq!((h.count, h.truncated), (0, 10_000));
        assert!(h.sides.iter().all(|s| s.buf.len() <= parser::METHODS.len()));
        // After the garbage, a request on a fresh line is still found.
        h.on_data(Dir::ToServer, b"\nGET /x HTTP/1.0\r\n\r\n", 0);
        assert_eq!(h.count, 1);
    }

    #[test]
    fn transactions_are_bounded_and_all_counted() {
        let mut h = http();
        let req = hex(NDPI_GET);
        for _ in 0..MAX_TRANSACTIONS + MAX_PENDING + 10 {
            h.on_data(Dir::ToServer, &req, 0);
        }
        let n = (MAX_TRANSACTIONS + MAX_PENDING + 10) as u64;
        assert_eq!((h.count, h.txs.len(), h.pending.len(), h.pending_dropped), (n, MAX_TRANSACTIONS, MAX_PENDING, n - MAX_PENDING as u64));
        let resp = hex(NDPI_301);
        for _ in 0..n {
            h.on_data(Dir::ToClient, &resp, 0);
        }
        assert_eq!((h.count, h.pending.len(), h.pending_dropped), (n, 0, 0));
        assert_eq!(h.dump_lines(&DumpCtx { cli: h.ends[0].0, srv: h.ends[1].0, cport: 0, sport: 0, first_us: 0, last_us: 0 }).len(), MAX_TRANSACTIONS);
    }

    /// Random splices of real messages and noise, cut anywhere: nothing
    /// panics, buffers stay bounded, every byte is read or counted.
    #[test]
    fn random_input_never_panics() {
        let pieces: Vec<Vec<u8>> = vec![
            hex(NDPI_GET),
            hex(NDPI_301),
            hex(PIPELINED_15),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
            b"fffffffffffffffff\r\n".to_vec(),
            b"HTTP/1.1 101 Switching Protocols\r\n\r\n".to_vec(),
            b"HEAD / HTTP/1.0\r\n\r\n".to_vec(),
            b"GET /\r\n".to_vec(),
            b"Content-Length: 99999999999\r\n".to_vec(),
            b"\r\n".to_vec(),
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..300 {
            let mut h = http();
            for _ in 0..40 {
                let mut data = pieces[rnd(pieces.len())].clone();
                if rnd(4) == 0 {
                    let k = rnd(data.len());
                    data[k] = rnd(256) as u8;
                }
                let dir = if rnd(2) == 0 { Dir::ToServer } else { Dir::ToClient };
                let cut = 1 + rnd(data.len());
                for p in data.chunks(cut) {
                    h.on_data(dir, p, 0);
                }
                assert!(h.sides.iter().all(|s| s.buf.len() <= MAX_HEADER_BYTES));
                let _ = parser::parse_head(&data, Kind::Either, rnd(2) == 0);
            }
            assert!(h.txs.len() as u64 <= h.count);
            let mut t = FieldTable::with_capacity(16);
            h.push_fields(&mut t);
            let _ = h.dump_lines(&DumpCtx { cli: h.ends[0].0, srv: h.ends[1].0, cport: 0, sport: 0, first_us: 0, last_us: 0 });
        }
    }

    #[test]
    fn probe_uses_payload_then_port() {
        let get = hex(NDPI_GET);
        assert_eq!(probe(&ctx(80), &get), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(8080), &get), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(1234), &get), Confidence::Payload);
        assert_eq!(probe(&ctx(80), b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"), Confidence::No);
        assert_eq!(probe(&ProbeCtx { l4: 17, ..ctx(1900) }, b"M-SEARCH * HTTP/1.1\r\n"), Confidence::No);
        assert_eq!(probe(&ProbeCtx { l4: 17, ..ctx(80) }, &get), Confidence::No);
    }

    #[test]
    fn site_forms() {
        assert_eq!(site_of_host(b"Example.COM:8080"), "example.com");
        assert_eq!(site_of_host(b"[2001:db8::1]:80"), "2001:db8::1");
        assert_eq!(site_of_host(b"bro.org"), "bro.org");
        assert_eq!(site_of_target(b"http://user@proxy.example:3128/x?y").as_deref(), Some("proxy.example"));
        assert_eq!(site_of_target(b"/x"), None);
        assert_eq!(dump_value("a b\tc"), "a%20b%09c");
        assert_eq!(dump_value(""), "<empty>");
    }
}
