//! RADIUS plugin (RFC 2865 / RFC 2866, CoA and Disconnect of RFC 5176) over
//! UDP. Requests and responses are paired by Identifier; the table carries
//! the first transaction (each attribute from the request, else from its
//! response) plus a message count, the dump dir one line per transaction.
//! A retransmitted request (same Identifier and Request Authenticator) or
//! response is counted as a message but is not a new transaction.
//!
//! Detection is by shape: a known code, a Length field matching the datagram
//! and attributes that exactly fill it. The usual ports (1812/1813, the
//! older 1645/1646, 1700 and 3799 for CoA) are only a hint: they allow
//! trailing padding and raise the confidence.
//!
//! Limits: RADIUS over TCP/TLS (RFC 6613/6614) is not dissected;
//! [`MAX_TRANSACTIONS`] per flow are kept for the dump (the rest are counted).

pub mod fields;
pub mod parser;

use std::net::IpAddr;

use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{code_name, digits, text_or_hex, Attributes, Message};

/// Transactions kept per flow for the dump dir (the rest are counted): a
/// NAS sends all its requests from one port, so one flow can carry many
/// thousands.
pub const MAX_TRANSACTIONS: usize = 256;

pub const PLUGIN: Plugin = Plugin {
    proto: Proto::Radius,
    probe,
    new,
    fields: fields::ALL,
    dump_header: fields::DUMP_HEADER,
};

/// Authentication and accounting (RFC 2865/2866, and the pre-assignment
/// 1645/1646), and Dynamic Authorization (1700 in use, 3799 RFC 5176).
const PORTS: [u16; 6] = [1812, 1813, 1645, 1646, 1700, 3799];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    if ctx.l4 != crate::decode::ip::PROTO_UDP {
        return Confidence::No;
    }
    let on_port = ctx.port_in(&PORTS);
    if !parser::looks_like_radius(data, on_port) {
        Confidence::No
    } else if on_port {
        Confidence::PayloadAndPort
    } else {
        Confidence::Payload
    }
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Radius { cli: ctx.cli, srv: ctx.srv, txs: Vec::new(), count: 0, dropped_bytes: 0, malformed: 0 })
}

/// The reported attributes of one message, rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Values {
    user_name: String,
    calling_station_id: String,
    called_station_id: String,
    nas_ip_addr: String,
    nas_identifier: String,
    user_imsi: String,
    user_imei: String,
    framed_ip_addr: String,
    acct_session_id: String,
    acct_status_type: Option<u32>,
    acct_in_octets: Option<u64>,
    acct_out_octets: Option<u64>,
    acct_in_pkts: Option<u32>,
    acct_out_pkts: Option<u32>,
}

impl Values {
    fn of(a: &Attributes) -> Values {
        let t = |v: Option<&[u8]>| v.map_or(String::new(), text_or_hex);
        Values {
            user_name: t(a.user_name),
            calling_station_id: t(a.calling_station_id),
            called_station_id: t(a.called_station_id),
            nas_ip_addr: a.nas_addr().map_or(String::new(), |x| x.to_string()),
            nas_identifier: t(a.nas_identifier),
            user_imsi: a.imsi.map_or(String::new(), digits),
            user_imei: a.imeisv.map_or(String::new(), digits),
            framed_ip_addr: a.framed_ip.map_or(String::new(), |x| x.to_string()),
            acct_session_id: t(a.acct_session_id),
            acct_status_type: a.acct_status_type,
            acct_in_octets: a.in_bytes(),
            acct_out_octets: a.out_bytes(),
            acct_in_pkts: a.in_pkts,
            acct_out_pkts: a.out_pkts,
        }
    }

    /// Each value of `self`, else of `other`.
    fn or(&self, other: &Values) -> Values {
        let s = |a: &String, b: &String| if a.is_empty() { b.clone() } else { a.clone() };
        Values {
            user_name: s(&self.user_name, &other.user_name),
            calling_station_id: s(&self.calling_station_id, &other.calling_station_id),
            called_station_id: s(&self.called_station_id, &other.called_station_id),
            nas_ip_addr: s(&self.nas_ip_addr, &other.nas_ip_addr),
            nas_identifier: s(&self.nas_identifier, &other.nas_identifier),
            user_imsi: s(&self.user_imsi, &other.user_imsi),
            user_imei: s(&self.user_imei, &other.user_imei),
            framed_ip_addr: s(&self.framed_ip_addr, &other.framed_ip_addr),
            acct_session_id: s(&self.acct_session_id, &other.acct_session_id),
            acct_status_type: self.acct_status_type.or(other.acct_status_type),
            acct_in_octets: self.acct_in_octets.or(other.acct_in_octets),
            acct_out_octets: self.acct_out_octets.or(other.acct_out_octets),
            acct_in_pkts: self.acct_in_pkts.or(other.acct_in_pkts),
            acct_out_pkts: self.acct_out_pkts.or(other.acct_out_pkts),
        }
    }
}

struct Request {
    code: u8,
    authenticator: Vec<u8>,
    values: Values,
}

struct Response {
    code: u8,
    values: Values,
}

struct Tx {
    ts_us: u64,
    client: IpAddr,
    server: IpAddr,
    id: u8,
    req: Option<Request>,
    rsp: Option<Response>,
}

impl Tx {
    fn req_code(&self) -> u8 {
        self.req.as_ref().map_or(0, |r| r.code)
    }

    fn rsp_code(&self) -> u8 {
        self.rsp.as_ref().map_or(0, |r| r.code)
    }

    fn values(&self) -> Values {
        match (&self.req, &self.rsp) {
            (Some(q), Some(r)) => q.values.or(&r.values),
            (Some(q), None) => q.values.clone(),
            (None, Some(r)) => r.values.clone(),
            (None, None) => Values::default(),
        }
    }
}

struct Radius {
    cli: IpAddr,
    srv: IpAddr,
    txs: Vec<Tx>,
    count: u64,
    /// Bytes of messages that would have started a transaction past [`MAX_TRANSACTIONS`].
    dropped_bytes: u64,
    /// Datagrams shorter than the 20-byte header.
    malformed: u64,
}

impl Radius {
    fn message(&mut self, dir: Dir, m: Message, len: usize, ts_us: u64) {
        let (src, dst) = match dir {
            Dir::ToServer => (self.cli, self.srv),
            Dir::ToClient => (self.srv, self.cli),
        };
        let values = Values::of(&m.attrs);
        if parser::is_request(m.code) {
            if self.txs.iter().rev().any(|t| t.id == m.id && t.req.as_ref().is_some_and(|r| r.code == m.code && r.authenticator == m.authenticator)) {
                return; // a retransmission
            }
            let req = Request { code: m.code, authenticator: m.authenticator.to_vec(), values };
            self.push(Tx { ts_us, client: src, server: dst, id: m.id, req: Some(req), rsp: None }, len);
        } else {
            match self.txs.iter_mut().rev().find(|t| t.id == m.id) {
                Some(t) if t.rsp.is_none() && t.req.is_some() => t.rsp = Some(Response { code: m.code, values }),
                // A retransmitted response to an answered request.
                Some(t) if t.rsp.is_some() => {}
                _ => self.push(Tx { ts_us, client: dst, server: src, id: m.id, req: None, rsp: Some(Response { code: m.code, values }) }, len),
            }
        }
    }

    fn push(&mut self, tx: Tx, len: usize) {
        if self.txs.len() < MAX_TRANSACTIONS {
            crate::dissect::push_doubling(&mut self.txs, tx);
        } else {
            self.dropped_bytes += len as u64;
        }
    }
}

impl Dissector for Radius {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let Some(m) = parser::parse(data) else {
            self.malformed += 1;
            return;
        };
        self.count += 1;
        self.message(dir, m, data.len(), ts_us);
    }

    fn push_fields(&self, t: &mut FieldTable) {
        use fields::*;
        let tx = self.txs.first();
        let v = tx.map(Tx::values).unwrap_or_default();
        t.push(&REQ_MSG_TYPE, tx.map_or(0, Tx::req_code));
        t.push(&RSP_MSG_TYPE, tx.map_or(0, Tx::rsp_code));
        t.push(&USER_NAME, v.user_name);
        t.push(&CALLING_STATION_ID, v.calling_station_id);
        t.push(&CALLED_STATION_ID, v.called_station_id);
        t.push(&NAS_IP_ADDR, v.nas_ip_addr);
        t.push(&NAS_IDENTIFIER, v.nas_identifier);
        t.push(&USER_IMSI, v.user_imsi);
        t.push(&USER_IMEI, v.user_imei);
        t.push(&FRAMED_IP_ADDR, v.framed_ip_addr);
        t.push(&ACCT_SESSION_ID, v.acct_session_id);
        t.push(&ACCT_STATUS_TYPE, v.acct_status_type.unwrap_or(0));
        // Octet counts with Gigawords fit in 64 bits; the table is i64.
        let clamp = |x: Option<u64>| x.unwrap_or(0).min(i64::MAX as u64);
        t.push(&ACCT_IN_OCTETS, clamp(v.acct_in_octets));
        t.push(&ACCT_OUT_OCTETS, clamp(v.acct_out_octets));
        t.push(&ACCT_IN_PKTS, v.acct_in_pkts.unwrap_or(0));
        t.push(&ACCT_OUT_PKTS, v.acct_out_pkts.unwrap_or(0));
        t.push(&NUM_MESSAGES, self.count);
    }

    fn dump_lines(&self, _ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        let name = |c: u8| if c == 0 { "<empty>" } else { code_name(c) };
        self.txs
            .iter()
            .map(|t| {
                let v = t.values();
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}",
                    t.ts_us / 1_000_000,
                    t.client,
                    t.server,
                    t.id,
                    t.req_code(),
                    name(t.req_code()),
                    t.rsp_code(),
                    name(t.rsp_code()),
                    e(&v.user_name),
                    e(&v.calling_station_id),
                    e(&v.called_station_id),
                    e(&v.nas_ip_addr),
                    e(&v.nas_identifier),
                    e(&v.user_imsi),
                    e(&v.user_imei),
                    e(&v.framed_ip_addr),
                    e(&v.acct_session_id),
                    v.acct_status_type.unwrap_or(0),
                    v.acct_in_octets.unwrap_or(0),
                    v.acct_out_octets.unwrap_or(0),
                    v.acct_in_pkts.unwrap_or(0),
                    v.acct_out_pkts.unwrap_or(0),
                )
            })
            .collect()
    }

    fn truncated(&self) -> u64 {
        self.dropped_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(cport: u16, sport: u16) -> ProbeCtx {
        ProbeCtx { l4: crate::decode::ip::PROTO_UDP, cport, sport, cli: "10.0.0.1".parse().unwrap(), srv: "10.0.0.100".parse().unwrap(), dir: Dir::ToServer }
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// `radius/tcpdump_RADIUS-port1700.pcap` frame 1 (CoA-Request, User-Name bob).
    const COA_1700: &str = "2ba600197fbf02c6662b5990838a5e6e331b3ff00105626f62";

    #[test]
    fn probe_is_by_shape_port_is_a_hint() {
        let b = unhex(COA_1700);
        assert_eq!(probe(&ctx(42172, 1700), &b), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(42172, 5000), &b), Confidence::Payload);
        // Garbage on the RADIUS port.
        assert_eq!(probe(&ctx(1645, 1812), &[0x01; 40]), Confidence::No);
        assert_eq!(probe(&ctx(1645, 1812), b"\x01\x02\x00\x20AAAAAAAAAAAAAAAAAAAAAAAAAAAA"), Confidence::No);
        // Padding only on a RADIUS port.
        let mut p = b.clone();
        p.extend_from_slice(&[0; 4]);
        assert_eq!(probe(&ctx(42172, 1700), &p), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(42172, 5000), &p), Confidence::No);
        let tcp = ProbeCtx { l4: crate::decode::ip::PROTO_TCP, ..ctx(42172, 1812) };
        assert_eq!(probe(&tcp, &b), Confidence::No);
    }

    /// Thousands of distinct requests on one flow: all counted, the dump
    /// bounded, and the dropped bytes reported.
    #[test]
    fn many_transactions_are_bounded() {
        let mut d = new(&ctx(42172, 1700));
        let mut b = unhex(COA_1700);
        for i in 0..1000u32 {
            b[1] = (i % 256) as u8;
            b[4] = (i / 256) as u8; // a new authenticator: not a retransmission
            d.on_data(Dir::ToServer, &b, 0);
        }
        b[1] = 0;
        b[4] = 0;
        d.on_data(Dir::ToServer, &b, 0); // a retransmission of the first request
        d.on_data(Dir::ToServer, &b[..10], 0); // too short
        let mut t = FieldTable::default();
        d.push_fields(&mut t);
        assert_eq!(t.get("radius.num_messages").and_then(|v| v.as_int()), Some(1001));
        assert_eq!(t.get("radius.user_name").and_then(|v| v.as_str()), Some("bob"));
        assert_eq!(t.get("radius.req_msg_type").and_then(|v| v.as_int()), Some(43));
        let dc = DumpCtx { cli: ctx(0, 0).cli, srv: ctx(0, 0).srv, cport: 42172, sport: 1700, first_us: 0, last_us: 0 };
        assert_eq!(d.dump_lines(&dc).len(), MAX_TRANSACTIONS);
        assert_eq!(d.truncated(), (1000 - MAX_TRANSACTIONS as u64) * 25);
    }
}
