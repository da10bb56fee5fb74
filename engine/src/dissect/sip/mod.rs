//! SIP plugin (RFC 3261; SDP offer/answer RFC 3264 / RFC 4566; Reason header
//! RFC 3326). Over UDP each datagram is one message (RFC 3261 18.3); over TCP
//! messages are framed by Content-Length in the reassembled stream, CRLF
//! keep-alives between them skipped (RFC 5626 3.5.1). Messages are grouped
//! into calls by Call-ID; per call the plugin follows the INVITE transaction
//! (trying, ringing, answer or failure), BYE and CANCEL, and reads the SDP
//! offer (INVITE, else ACK) and answer (2xx, else 18x, to the INVITE). The
//! table carries the flow's first call (first Call-ID seen) plus the message
//! and call counts; the dump dir has one line per call.
//!
//! Detection is by payload: a request line ending in `SIP/2.0` or a
//! `SIP/2.0 NNN` status line; ports 5060/5061 only raise the confidence.
//!
//! Limits: [`MAX_CALLS`] calls per flow are kept (the rest counted); over TCP
//! a message head must end within [`MAX_HEAD`] bytes and bodies longer than
//! [`MAX_BODY`] are skipped (counted in `truncated()`); the header, value and
//! SDP bounds are in [`parser`] and [`sdp`].

pub mod fields;
pub mod parser;
#[cfg(test)]
mod samples;
pub mod sdp;

use std::net::{IpAddr, Ipv4Addr};

use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{header_uri, reason_cause, text, Message, Start};

/// Calls kept per flow for the table and the dump (the rest are counted): a
/// trunk between two proxies carries many calls on one 5-tuple, and must not
/// grow without bound.
pub const MAX_CALLS: usize = 256;
/// TCP: a message head (start line and headers) must end within this many
/// bytes, else the buffer is dropped: real heads are 0.5 to 2 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// TCP: bodies longer than this are skipped unread (the head still counts):
/// as large as the largest UDP message, far above any SDP.
pub const MAX_BODY: usize = 65_535;
/// Request methods and response codes listed per call in the dump.
pub const MAX_LIST: usize = 16;
/// Connection addresses kept per call (offer's and answer's, a few media).
pub const MAX_C_IP: usize = 4;

pub const PLUGIN: Plugin = Plugin { proto: Proto::Sip, probe, new, fields: fields::ALL, dump_header: fields::DUMP_HEADER };

/// SIP (RFC 3261 19.1.2) and SIP over TLS: hints only.
const PORTS: [u16; 2] = [5060, 5061];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    if !parser::looks_like_sip(data) {
        return Confidence::No;
    }
    if ctx.port_in(&PORTS) {
        Confidence::PayloadAndPort
    } else {
        Confidence::Payload
    }
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Sip {
        tcp: ctx.l4 == crate::decode::ip::PROTO_TCP,
        cli: ctx.cli,
        srv: ctx.srv,
        bufs: [Vec::new(), Vec::new()],
        skip: [0, 0],
        calls: Vec::new(),
        num_calls: 0,
        messages: 0,
        keepalives: 0,
        malformed: 0,
        truncated: 0,
    })
}

/// One media end: IPv4 address (`""` when the SDP gave none or not an IPv4
/// one) and port.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MediaEnd {
    addr: String,
    port: u16,
}

#[derive(Clone, Debug)]
struct Call {
    id: String,
    first_us: u64,
    client: IpAddr,
    server: IpAddr,
    /// Method of the call's first request (or CSeq method of its first response).
    main_method: String,
    calling: String,
    called: String,
    codecs: String,
    invite: u64,
    trying: u64,
    ringing: u64,
    invite_ok: u64,
    invite_failure: u64,
    bye: u64,
    bye_ok: u64,
    cancel: u64,
    cancel_ok: u64,
    offer: Option<MediaEnd>,
    answer: Option<MediaEnd>,
    /// The answer came from a 2xx (a later 2xx no longer replaces it).
    answer_final: bool,
    final_code: u16,
    provisional_code: u16,
    reason_cause: u32,
    uac: String,
    uas: String,
    uas_is_server: bool,
    c_ip: Vec<String>,
    messages: u64,
    methods: Vec<String>,
    codes: Vec<u16>,
}

fn is(m: Option<&[u8]>, name: &str) -> bool {
    m.is_some_and(|m| m.eq_ignore_ascii_case(name.as_bytes()))
}

impl Call {
    fn new(id: String, m: &Message, sender: IpAddr, receiver: IpAddr, ts_us: u64) -> Call {
        let (client, server) = if m.method().is_some() { (sender, receiver) } else { (receiver, sender) };
        let main = m.method().or(m.cseq_method()).map(text).unwrap_or_default();
        Call {
            id,
            first_us: ts_us,
            client,
            server,
            main_method: main,
            calling: String::new(),
            called: String::new(),
            codecs: String::new(),
            invite: 0,
            trying: 0,
            ringing: 0,
            invite_ok: 0,
            invite_failure: 0,
            bye: 0,
            bye_ok: 0,
            cancel: 0,
            cancel_ok: 0,
            offer: None,
            answer: None,
            answer_final: false,
            final_code: 0,
            provisional_code: 0,
            reason_cause: 0,
            uac: String::new(),
            uas: String::new(),
            uas_is_server: false,
            c_ip: Vec::new(),
            messages: 0,
            methods: Vec::new(),
            codes: Vec::new(),
        }
    }

    fn update(&mut self, m: &Message, ts_us: u64) {
        let secs = ts_us / 1_000_000;
        let first = |t: &mut u64| {
            if *t == 0 {
                *t = secs;
            }
        };
        self.messages += 1;
        if self.calling.is_empty() {
            if let Some(v) = m.from {
                self.calling = text(header_uri(v));
            }
        }
        if self.called.is_empty() {
            if let Some(v) = m.to {
                self.called = text(header_uri(v));
            }
        }
        if self.reason_cause == 0 {
            if let Some(c) = m.reason.and_then(reason_cause) {
                self.reason_cause = c;
            }
        }
        let sdp = (!m.body.is_empty() && parser::is_sdp(m)).then(|| sdp::parse(m.body));
        if let Some(s) = &sdp {
            for a in &s.addrs {
                let a = text(a);
                if !self.c_ip.contains(&a) && self.c_ip.len() < MAX_C_IP {
                    self.c_ip.push(a);
                }
            }
            if self.codecs.is_empty() && !s.codecs.is_empty() {
                self.codecs = s.codecs.iter().map(|c| text(c)).collect::<Vec<_>>().join(",");
            }
        }
        let media = sdp.as_ref().and_then(|s| s.media).map(|(addr, port)| MediaEnd {
            addr: addr.and_then(|a| std::str::from_utf8(a).ok()).and_then(|a| a.parse::<Ipv4Addr>().ok()).map_or(String::new(), |a| a.to_string()),
            port,
        });
        let cseq = m.cseq_method();
        match m.start {
            Start::Request { method, .. } => {
                let name = text(method);
                if !self.methods.contains(&name) && self.methods.len() < MAX_LIST {
                    self.methods.push(name);
                }
                if self.uac.is_empty() {
                    if let Some(ua) = m.user_agent {
                        self.uac = text(ua);
                    }
                }
                if is(Some(method), "INVITE") || is(Some(method), "ACK") {
                    if is(Some(method), "INVITE") {
                        first(&mut self.invite);
                    }
                    if self.offer.is_none() {
                        self.offer = media;
                    }
                } else if is(Some(method), "BYE") {
                    first(&mut self.bye);
                } else if is(Some(method), "CANCEL") {
                    first(&mut self.cancel);
                }
            }
            Start::Response { code, .. } => {
                if !self.codes.contains(&code) && self.codes.len() < MAX_LIST {
                    self.codes.push(code);
                }
                if !self.uas_is_server {
                    if let Some(s) = m.server {
                        self.uas = text(s);
                        self.uas_is_server = true;
                    } else if let (true, Some(ua)) = (self.uas.is_empty(), m.user_agent) {
                        self.uas = text(ua);
                    }
                }
                if cseq.is_none() || is(cseq, &self.main_method) {
                    if code >= 200 {
                        self.final_code = code;
                    } else {
                        self.provisional_code = code;
                    }
                }
                let ok = (200..300).contains(&code);
                if is(cseq, "INVITE") {
                    match code {
                        100 => first(&mut self.trying),
                        180 | 183 => first(&mut self.ringing),
                        200..=299 => first(&mut self.invite_ok),
                        // 401/407 are challenges: the caller retries with credentials.
                        401 | 407 => {}
                        300.. if self.invite_ok == 0 => first(&mut self.invite_failure),
                        _ => {}
                    }
                    if code > 100 && code < 300 && media.is_some() && (self.answer.is_none() || (ok && !self.answer_final)) {
                        self.answer = media;
                        self.answer_final = ok;
                    }
                } else if is(cseq, "BYE") && ok {
                    first(&mut self.bye_ok);
                } else if is(cseq, "CANCEL") && ok {
                    first(&mut self.cancel_ok);
                }
            }
        }
    }

    fn state(&self) -> &'static str {
        if self.bye != 0 {
            "CALL_COMPLETED"
        } else if self.invite_ok != 0 {
            // Answered; a CANCEL that crossed the 2xx does not end the call.
            "CALL_IN_PROGRESS"
        } else if self.cancel != 0 {
            "CALL_CANCELED"
        } else if self.invite_failure != 0 {
            "CALL_ERROR"
        } else if self.invite != 0 {
            "CALL_STARTED"
        } else {
            ""
        }
    }

    fn response_code(&self) -> u16 {
        if self.final_code != 0 {
            self.final_code
        } else {
            self.provisional_code
        }
    }
}

struct Sip {
    tcp: bool,
    cli: IpAddr,
    srv: IpAddr,
    bufs: [Vec<u8>; 2],
    /// TCP: body bytes still to skip per direction (a body over [`MAX_BODY`]).
    skip: [usize; 2],
    calls: Vec<Call>,
    num_calls: u64,
    messages: u64,
    keepalives: u64,
    malformed: u64,
    truncated: u64,
}

impl Sip {
    fn message(&mut self, dir: Dir, m: &Message, ts_us: u64) {
        self.messages += 1;
        let Some(id) = m.call_id.map(text).filter(|i| !i.is_empty()) else {
            self.malformed += 1;
            return;
        };
        let (src, dst) = match dir {
            Dir::ToServer => (self.cli, self.srv),
            Dir::ToClient => (self.srv, self.cli),
        };
        let idx = match self.calls.iter().rposition(|c| c.id == id) {
            Some(i) => i,
            None => {
                self.num_calls += 1;
                if self.calls.len() >= MAX_CALLS {
                    return;
                }
                crate::dissect::push_doubling(&mut self.calls, Call::new(id, m, src, dst, ts_us));
                self.calls.len() - 1
            }
        };
        if let Some(c) = self.calls.get_mut(idx) {
            c.update(m, ts_us);
        }
    }

    fn datagram(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        if data.iter().all(u8::is_ascii_whitespace) {
            self.keepalives += 1;
            return;
        }
        match parser::parse(data) {
            Some(m) => self.message(dir, &m, ts_us),
            None => self.malformed += 1,
        }
    }

    fn stream(&mut self, dir: Dir, mut data: &[u8], ts_us: u64) {
        let d = dir as usize;
        if self.skip[d] > 0 {
            let n = self.skip[d].min(data.len());
            self.skip[d] -= n;
            data = &data[n..];
        }
        let mut buf = std::mem::take(&mut self.bufs[d]);
        buf.extend_from_slice(data);
        let mut used = 0;
        loop {
            let rest = &buf[used..];
            let body_start = rest.len() - parser::skip_crlf(rest).len();
            if body_start > 0 {
                // CRLF keep-alives between messages.
                used += body_start;
                continue;
            }
            if rest.is_empty() {
                break;
            }
            let Some(hl) = parser::head_len(rest.get(..MAX_HEAD).unwrap_or(rest)) else {
                if rest.len() > MAX_HEAD {
                    // No end of head within the bound: give the bytes up.
                    self.truncated += rest.len() as u64;
                    self.malformed += 1;
                    used = buf.len();
                }
                break;
            };
            let Some(mut m) = parser::parse_head(&rest[..hl]) else {
                // Not a SIP head: drop it and look for the next one.
                self.malformed += 1;
                self.truncated += hl as u64;
                used += hl;
                continue;
            };
            let cl = m.content_length.unwrap_or(0);
            if cl > MAX_BODY {
                let have = rest.len() - hl;
                let skipped = have.min(cl);
                self.skip[d] = cl - skipped;
                self.truncated += cl as u64;
                self.message(dir, &m, ts_us);
                used += hl + skipped;
                continue;
            }
            let Some(body) = rest.get(hl..hl + cl) else { break };
            m.body = body;
            self.message(dir, &m, ts_us);
            used += hl + cl;
        }
        buf.drain(..used.min(buf.len()));
        self.bufs[d] = buf;
    }
}

impl Dissector for Sip {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        if self.tcp {
            self.stream(dir, data, ts_us);
        } else {
            self.datagram(dir, data, ts_us);
        }
    }

    fn push_fields(&self, t: &mut FieldTable) {
        use fields::*;
        let c = self.calls.first();
        let s = |f: fn(&Call) -> &str| c.map_or(String::new(), |c| f(c).to_string());
        let n = |f: fn(&Call) -> u64| c.map_or(0, f);
        t.push(&CALL_ID, s(|c| &c.id));
        t.push(&CALLING_PARTY, s(|c| &c.calling));
        t.push(&CALLED_PARTY, s(|c| &c.called));
        t.push(&RTP_CODECS, s(|c| &c.codecs));
        t.push(&INVITE_TIME, n(|c| c.invite));
        t.push(&TRYING_TIME, n(|c| c.trying));
        t.push(&RINGING_TIME, n(|c| c.ringing));
        t.push(&INVITE_OK_TIME, n(|c| c.invite_ok));
        t.push(&INVITE_FAILURE_TIME, n(|c| c.invite_failure));
        t.push(&BYE_TIME, n(|c| c.bye));
        t.push(&BYE_OK_TIME, n(|c| c.bye_ok));
        t.push(&CANCEL_TIME, n(|c| c.cancel));
        t.push(&CANCEL_OK_TIME, n(|c| c.cancel_ok));
        t.push(&RTP_IPV4_SRC_ADDR, s(|c| c.offer.as_ref().map_or("", |m| &m.addr)));
        t.push(&RTP_IPV4_DST_ADDR, s(|c| c.answer.as_ref().map_or("", |m| &m.addr)));
        t.push(&RTP_L4_SRC_PORT, n(|c| c.offer.as_ref().map_or(0, |m| u64::from(m.port))));
        t.push(&RTP_L4_DST_PORT, n(|c| c.answer.as_ref().map_or(0, |m| u64::from(m.port))));
        t.push(&RESPONSE_CODE, n(|c| u64::from(c.response_code())));
        t.push(&REASON_CAUSE, n(|c| u64::from(c.reason_cause)));
        t.push(&UAC, s(|c| &c.uac));
        t.push(&UAS, s(|c| &c.uas));
        t.push(&C_IP, c.map_or(String::new(), |c| c.c_ip.join(",")));
        t.push(&CALL_STATE, s(|c| c.state()));
        t.push(&NUM_MESSAGES, self.messages);
        t.push(&NUM_CALLS, self.num_calls);
    }

    fn dump_lines(&self, _ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        let end = |m: &Option<MediaEnd>| m.as_ref().map_or((String::new(), 0), |m| (m.addr.clone(), m.port));
        self.calls
            .iter()
            .map(|c| {
                let (sa, sp) = end(&c.offer);
                let (da, dp) = end(&c.answer);
                let codes = c.codes.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}",
                    c.first_us / 1_000_000,
                    c.client,
                    c.server,
                    e(&c.id),
                    e(&c.calling),
                    e(&c.called),
                    e(&c.codecs),
                    c.invite,
                    c.trying,
                    c.ringing,
                    c.invite_ok,
                    c.invite_failure,
                    c.bye,
                    c.bye_ok,
                    c.cancel,
                    c.cancel_ok,
                    e(&sa),
                    e(&da),
                    sp,
                    dp,
                    c.response_code(),
                    c.reason_cause,
                    e(&c.uac),
                    e(&c.uas),
                    e(&c.c_ip.join(",")),
                    e(c.state()),
                    c.messages,
                    e(&c.methods.join(",")),
                    e(&codes),
                )
            })
            .collect()
    }

    fn truncated(&self) -> u64 {
        self.truncated
    }
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;
    use std::net::Ipv4Addr;

    fn ctx(l4: u8, cport: u16, sport: u16) -> ProbeCtx {
        ProbeCtx { l4, cport, sport, cli: IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2)), srv: IpAddr::V4(Ipv4Addr::new(212, 242, 33, 35)), dir: Dir::ToServer }
    }

    fn table(d: &dyn Dissector) -> FieldTable {
        let mut t = FieldTable::with_capacity(32);
        d.push_fields(&mut t);
        t
    }

    fn st(t: &FieldTable, k: &str) -> String {
        t.get(k).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("{k}")).to_string()
    }

    fn int(t: &FieldTable, k: &str) -> i64 {
        t.get(k).and_then(|v| v.as_int()).unwrap_or_else(|| panic!("{k}"))
    }

    const UDP: u8 = 17;
    const TCP: u8 = 6;

    #[test]
    fn probe_by_payload_port_is_a_hint() {
        let invite = hex(NDPI_F22_INVITE);
        assert_eq!(probe(&ctx(UDP, 5060, 5060), &invite), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(UDP, 40000, 5080), &invite), Confidence::Payload);
        assert_eq!(probe(&ctx(UDP, 5060, 5060), &hex(NDPI_F19_KEEPALIVE)), Confidence::No);
        assert_eq!(probe(&ctx(UDP, 5060, 5060), b"\x80\x08\x6f\xae\x00\x00\x04\xd8garbage\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(TCP, 58882, 5060), &hex(TCP_F4_REGISTER_HEAD)), Confidence::PayloadAndPort);
    }

    /// `sip/ndpi_sip.pcap` frames 22, 25, 27, 30 (times 1120470049.1, .., from
    /// tshark): INVITE, 100, CANCEL, 408 of call 105090259-446faf7a@192.168.1.2.
    #[test]
    fn canceled_call() {
        let mut d = new(&ctx(UDP, 5060, 5060));
        d.on_data(Dir::ToServer, &hex(NDPI_F19_KEEPALIVE), 1_120_470_040_000_000);
        d.on_data(Dir::ToServer, &hex(NDPI_F22_INVITE), 1_120_470_049_000_000);
        d.on_data(Dir::ToClient, &hex(NDPI_F25_TRYING), 1_120_470_050_000_000);
        d.on_data(Dir::ToServer, &hex(NDPI_F27_CANCEL), 1_120_470_060_000_000);
        d.on_data(Dir::ToClient, &hex(NDPI_F30_TIMEOUT), 1_120_470_080_000_000);
        let t = table(d.as_ref());
        assert_eq!(st(&t, "sip.call_id"), "105090259-446faf7a@192.168.1.2");
        assert_eq!(st(&t, "sip.calling_party"), "sip:816666@voip.brurjula.net");
        assert_eq!(st(&t, "sip.called_party"), "sip:97239287044@voip.brujula.net");
        assert_eq!(st(&t, "sip.rtp_codecs"), "pcmu,pcma,iLBC,G726-32,GSM");
        assert_eq!(int(&t, "sip.invite_time"), 1_120_470_049);
        assert_eq!(int(&t, "sip.trying_time"), 1_120_470_050);
        assert_eq!(int(&t, "sip.cancel_time"), 1_120_470_060);
        assert_eq!(int(&t, "sip.invite_failure_time"), 1_120_470_080);
        assert_eq!(int(&t, "sip.invite_ok_time"), 0);
        assert_eq!((st(&t, "sip.rtp_ipv4_src_addr"), int(&t, "sip.rtp_l4_src_port")), ("192.168.1.2".into(), 30000));
        assert_eq!((st(&t, "sip.rtp_ipv4_dst_addr"), int(&t, "sip.rtp_l4_dst_port")), ("".into(), 0));
        assert_eq!(int(&t, "sip.response_code"), 408);
        assert_eq!(st(&t, "sip.uac"), "Nero SIPPS IP Phone Version 2.0.51.16");
        assert_eq!(st(&t, "sip.uas"), "Sip EXpress router (0.8.12 (i386/linux))");
        assert_eq!(st(&t, "sip.c_ip"), "192.168.1.2");
        assert_eq!(st(&t, "sip.call_state"), "CALL_CANCELED");
        assert_eq!((int(&t, "sip.num_messages"), int(&t, "sip.num_calls")), (4, 1));
        let lines = d.dump_lines(&DumpCtx { cli: ctx(UDP, 0, 0).cli, srv: ctx(UDP, 0, 0).srv, cport: 5060, sport: 5060, first_us: 0, last_us: 0 });
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("1120470049 192.168.1.2 212.242.33.35 105090259-446faf7a@192.168.1.2 sip:816666@voip.brurjula.net "), "{}", lines[0]);
        assert!(lines[0].ends_with(" CALL_CANCELED 4 INVITE,CANCEL 100,408"), "{}", lines[0]);
        assert_eq!(lines[0].split(' ').count(), fields::DUMP_HEADER.split(' ').count() - 1);
    }

    /// `sip/ndpi_sip.pcap` frames 90, 92, 93: INVITE, 183 with the SDP answer,
    /// 480 with `Reason: q.850;cause=21`.
    #[test]
    fn early_media_then_error() {
        let mut d = new(&ctx(UDP, 5060, 5060));
        d.on_data(Dir::ToServer, &hex(NDPI_F90_INVITE), 1_120_470_966_000_000);
        d.on_data(Dir::ToClient, &hex(NDPI_F92_PROGRESS), 1_120_470_967_000_000);
        d.on_data(Dir::ToClient, &hex(NDPI_F93_ERROR), 1_120_470_999_000_000);
        let t = table(d.as_ref());
        assert_eq!(st(&t, "sip.call_id"), "11894297-4432a9f8@192.168.1.2");
        assert_eq!(int(&t, "sip.ringing_time"), 1_120_470_967);
        assert_eq!((st(&t, "sip.rtp_ipv4_dst_addr"), int(&t, "sip.rtp_l4_dst_port")), ("212.242.33.36".into(), 40392));
        assert_eq!((st(&t, "sip.rtp_ipv4_src_addr"), int(&t, "sip.rtp_l4_src_port")), ("192.168.1.2".into(), 30000));
        assert_eq!(st(&t, "sip.c_ip"), "192.168.1.2,212.242.33.36");
        assert_eq!(int(&t, "sip.reason_cause"), 21);
        assert_eq!(int(&t, "sip.response_code"), 480);
        assert_eq!(int(&t, "sip.invite_failure_time"), 1_120_470_999);
        assert_eq!(st(&t, "sip.uas"), "Cirpack/v4.38e (gw_sip)");
        assert_eq!(st(&t, "sip.call_state"), "CALL_ERROR");
    }

    /// `sip/suricata_sip_compact_form.pcap` frame 1: compact header names.
    #[test]
    fn compact_form() {
        let mut d = new(&ctx(UDP, 5555, 5060));
        d.on_data(Dir::ToServer, &hex(COMPACT_F1_INVITE), 1_713_446_096_386_450);
        let t = table(d.as_ref());
        assert_eq!(st(&t, "sip.call_id"), "105090259-446faf7a@192.168.1.2");
        assert_eq!(st(&t, "sip.calling_party"), "sip:816666@voip.brurjula.net");
        assert_eq!(st(&t, "sip.called_party"), "sip:97239287044@voip.brujula.net");
        assert_eq!(st(&t, "sip.c_ip"), "192.168.1.2");
        assert_eq!(st(&t, "sip.rtp_codecs"), "");
        assert_eq!(int(&t, "sip.invite_time"), 1_713_446_096);
        assert_eq!(st(&t, "sip.call_state"), "CALL_STARTED");
        let bytes = hex(COMPACT_F1_INVITE);
        let m = parser::parse(&bytes).unwrap();
        assert_eq!(m.content_length, Some(272));
        assert_eq!(m.content_type, Some(&b"application/sdp"[..]));
        assert!(m.via.unwrap().starts_with(b"SIP/2.0/UDP "));
    }

    /// `sip/suricata_sip-tcp.pcap` frames 4, 6 and 8: a REGISTER split in two
    /// segments, its 200 OK; fed in every split of the stream.
    #[test]
    fn tcp_framing_any_split() {
        let req = [hex(TCP_F4_REGISTER_HEAD), hex(TCP_F6_REGISTER_TAIL)].concat();
        let resp = hex(TCP_F8_OK);
        for cut in 0..=req.len() {
            let mut d = new(&ctx(TCP, 58882, 5060));
            d.on_data(Dir::ToServer, &req[..cut], 1_643_827_934_000_000);
            d.on_data(Dir::ToServer, &req[cut..], 1_643_827_934_000_000);
            for chunk in resp.chunks(7) {
                d.on_data(Dir::ToClient, chunk, 1_643_827_934_000_000);
            }
            let t = table(d.as_ref());
            assert_eq!(st(&t, "sip.call_id"), "8OmtYUU8EdlafUh4g4jiAw..", "cut {cut}");
            assert_eq!(st(&t, "sip.calling_party"), "sip:987654@192.168.43.100;transport=TCP");
            assert_eq!(st(&t, "sip.uac"), "Zoiper rv2.10.3.2");
            assert_eq!(st(&t, "sip.uas"), "kamailio (5.2.1 (x86_64/linux))");
            assert_eq!(int(&t, "sip.response_code"), 200);
            assert_eq!(st(&t, "sip.call_state"), "");
            assert_eq!(int(&t, "sip.num_messages"), 2, "cut {cut}");
        }
    }

    #[test]
    fn tcp_bounds_and_resync() {
        let mut d = new(&ctx(TCP, 1, 5060));
        // A head that never ends is given up once over the bound.
        d.on_data(Dir::ToServer, b"OPTIONS sip:a@b SIP/2.0\r\n", 0);
        for _ in 0..(MAX_HEAD / 8 + 10) {
            d.on_data(Dir::ToServer, b"X-A: 1\r\n", 0);
        }
        assert!(d.truncated() > MAX_HEAD as u64);
        // A huge body is skipped, and the next message is still found.
        let mut d = new(&ctx(TCP, 1, 5060));
        d.on_data(Dir::ToServer, b"MESSAGE sip:a@b SIP/2.0\r\nCall-ID: big\r\nContent-Length: 1000000\r\n\r\n", 0);
        for _ in 0..1000 {
            d.on_data(Dir::ToServer, &[b'x'; 1000], 0);
        }
        d.on_data(Dir::ToServer, b"\r\n\r\nBYE sip:a@b SIP/2.0\r\nCall-ID: next\r\nContent-Length: 0\r\n\r\n", 1_000_000);
        let t = table(d.as_ref());
        assert_eq!((int(&t, "sip.num_messages"), int(&t, "sip.num_calls")), (2, 2));
        assert_eq!(d.truncated(), 1_000_000);
        let lines = d.dump_lines(&DumpCtx { cli: ctx(TCP, 0, 0).cli, srv: ctx(TCP, 0, 0).srv, cport: 1, sport: 5060, first_us: 0, last_us: 0 });
        assert!(lines[1].contains(" next ") && lines[1].contains("CALL_COMPLETED"), "{}", lines[1]);
        // Garbage between messages is dropped up to the next empty line.
        let mut d = new(&ctx(TCP, 1, 5060));
        d.on_data(Dir::ToServer, b"garbage\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\ni: x\r\n\r\n", 0);
        assert_eq!(int(&table(d.as_ref()), "sip.num_messages"), 1);
    }

    #[test]
    fn calls_are_bounded() {
        let mut d = new(&ctx(UDP, 5060, 5060));
        for i in 0..(MAX_CALLS + 44) {
            d.on_data(Dir::ToServer, format!("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: {i}\r\n\r\n").as_bytes(), 0);
        }
        let t = table(d.as_ref());
        assert_eq!(int(&t, "sip.num_calls"), (MAX_CALLS + 44) as i64);
        assert_eq!(st(&t, "sip.call_id"), "0");
        assert_eq!(d.dump_lines(&DumpCtx { cli: ctx(UDP, 0, 0).cli, srv: ctx(UDP, 0, 0).srv, cport: 0, sport: 0, first_us: 0, last_us: 0 }).len(), MAX_CALLS);
    }

    #[test]
    fn fuzzed_inputs_do_not_panic() {
        let base = hex(NDPI_F92_PROGRESS);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut b = base.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = (seed as usize) % b.len();
                b[i] = (seed >> 32) as u8;
            }
            let cut = (seed as usize >> 8) % (b.len() + 1);
            for l4 in [UDP, TCP] {
                let mut d = new(&ctx(l4, 5060, 5060));
                d.on_data(Dir::ToClient, &b[..cut], 0);
                d.on_data(Dir::ToClient, &b, 0);
                let _ = table(d.as_ref());
                let _ = d.dump_lines(&DumpCtx { cli: ctx(UDP, 0, 0).cli, srv: ctx(UDP, 0, 0).srv, cport: 0, sport: 0, first_us: 0, last_us: 0 });
            }
        }
    }
}
