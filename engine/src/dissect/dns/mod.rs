//! DNS plugin (RFC 1035; DNS over TCP with its 2-byte length prefix, RFC
//! 7766). Matches queries and responses by transaction id; the table carries
//! the first transaction plus a count, the dump dir one line per transaction.
//! mDNS (port 5353) and LLMNR (5355) use the same dissector and are labelled
//! as nDPI labels them (MDNS 8, LLMNR 154).
//!
//! Limits: [`MAX_TRANSACTIONS`] per flow are kept for the dump; a TCP message
//! buffer never exceeds one maximal DNS message.

pub mod fields;
pub mod parser;

use std::net::IpAddr;

use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto, L7};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{rcode_name, type_name, Message};

/// Transactions kept per flow for the dump dir (the rest are counted):
/// a resolver reusing one 5-tuple for thousands of queries must not grow
/// without bound.
pub const MAX_TRANSACTIONS: usize = 256;
/// DNS over TCP: one message is at most 65535 bytes plus its length prefix.
pub const MAX_TCP_BUFFER: usize = 65_537;

pub const PLUGIN: Plugin = Plugin {
    proto: Proto::Dns,
    probe,
    new,
    fields: fields::ALL,
    dump_header: fields::DUMP_HEADER,
};

const PORTS: [u16; 3] = [53, 5353, 5355];

/// NetBIOS name service (RFC 1002) reuses the DNS message format: a DNS
/// parser alone would claim it, so its ports are excluded (nDPI: NetBIOS).
const NETBIOS_PORTS: [u16; 2] = [137, 138];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    if ctx.port_in(&NETBIOS_PORTS) {
        return Confidence::No;
    }
    let msg = if ctx.l4 == crate::decode::ip::PROTO_TCP {
        let Some(len) = data.get(0..2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))) else { return Confidence::No };
        if len < 12 {
            return Confidence::No;
        }
        &data[2..]
    } else {
        data
    };
    if !parser::looks_like_dns(msg) {
        return Confidence::No;
    }
    if ctx.port_in(&PORTS) {
        Confidence::PayloadAndPort
    } else {
        Confidence::Payload
    }
}

/// True when a flow's first packet is a DNS response from a DNS port: the
/// receiver is the client.
pub fn is_reply(sport: u16, payload: &[u8]) -> bool {
    PORTS.contains(&sport) && payload.len() >= 12 && payload[2] & 0x80 != 0 && parser::looks_like_dns(payload)
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Dns {
        tcp: ctx.l4 == crate::decode::ip::PROTO_TCP,
        cli: ctx.cli,
        srv: ctx.srv,
        l7: if ctx.port_in(&[5353]) {
            L7::MDNS
        } else if ctx.port_in(&[5355]) {
            L7::LLMNR
        } else {
            L7::DNS
        },
        bufs: [Vec::new(), Vec::new()],
        txs: Vec::new(),
        count: 0,
        overflow: 0,
    })
}

struct Response {
    rcode: u8,
    ancount: u16,
    answers: String,
    ttl: u32,
}

struct Tx {
    ts_us: u64,
    client: IpAddr,
    server: IpAddr,
    id: u16,
    qname: String,
    qtype: u16,
    response: Option<Response>,
}

struct Dns {
    tcp: bool,
    cli: IpAddr,
    srv: IpAddr,
    l7: L7,
    bufs: [Vec<u8>; 2],
    txs: Vec<Tx>,
    count: u64,
    overflow: u64,
}

impl Dns {
    fn message(&mut self, dir: Dir, m: Message, ts_us: u64) {
        let (src, dst) = match dir {
            Dir::ToServer => (self.cli, self.srv),
            Dir::ToClient => (self.srv, self.cli),
        };
        if m.is_response {
            // Records without a rendered value (DNSSEC material, OPT) are counted, not listed.
            let answers = m.answers.iter().filter(|a| !a.value.is_empty()).map(|a| format!("{}/{}", a.value, type_name(a.rtype))).collect::<Vec<_>>().join(",");
            let resp = Response { rcode: m.rcode, ancount: m.ancount, answers, ttl: m.answers.first().map_or(0, |a| a.ttl) };
            if let Some(tx) = self.txs.iter_mut().rev().find(|t| t.id == m.id && t.client == dst) {
                // A retransmitted response to an answered query is the same transaction.
                if tx.response.is_none() {
                    tx.response = Some(resp);
                }
                return;
            }
            self.push(Tx { ts_us, client: dst, server: src, id: m.id, qname: m.qname, qtype: m.qtype, response: Some(resp) });
        } else {
            self.push(Tx { ts_us, client: src, server: dst, id: m.id, qname: m.qname, qtype: m.qtype, response: None });
        }
    }

    fn push(&mut self, tx: Tx) {
        self.count += 1;
        if self.txs.len() < MAX_TRANSACTIONS {
            crate::dissect::push_doubling(&mut self.txs, tx);
        } else {
            self.overflow += 1;
        }
    }
}

impl Dissector for Dns {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        if !self.tcp {
            if let Some(m) = parser::parse(data) {
                self.message(dir, m, ts_us);
            }
            return;
        }
        let d = dir as usize;
        self.bufs[d].extend_from_slice(data);
        loop {
            let buf = &self.bufs[d];
            let Some(len) = buf.get(0..2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))) else { break };
            if buf.len() < 2 + len {
                if buf.len() > MAX_TCP_BUFFER {
                    self.overflow += 1;
                    self.bufs[d].clear();
                }
                break;
            }
            let m = parser::parse(&buf[2..2 + len]);
            self.bufs[d].drain(..2 + len);
            if let Some(m) = m {
                self.message(dir, m, ts_us);
            }
        }
    }

    fn l7(&self) -> Option<L7> {
        Some(self.l7)
    }

    fn push_fields(&self, t: &mut FieldTable) {
        use fields::*;
        let tx = self.txs.first();
        let resp = tx.and_then(|t| t.response.as_ref());
        t.push(&DNS_CLIENT, tx.map_or(String::new(), |t| crate::table::ip_text(t.client)));
        t.push(&AS, 0u32);
        t.push(&CLIENTCOUNTRY, "");
        t.push(&CLIENTCITY, "");
        t.push(&QUERY, tx.map_or("", |t| t.qname.as_str()));
        t.push(&ANSWERS, resp.map_or("", |r| r.answers.as_str()));
        t.push(&QUERY_ID, tx.map_or(0, |t| t.id));
        t.push(&QUERY_TYPE, tx.map_or(0, |t| t.qtype));
        t.push(&RET_CODE, resp.map_or(0, |r| r.rcode));
        t.push(&NUM_ANSWERS, resp.map_or(0, |r| r.ancount));
        t.push(&TTL_ANSWER, resp.map_or(0, |r| r.ttl));
        t.push(&NUM_QUERIES, self.count);
    }

    fn enrich(&self, t: &mut FieldTable, lookup: &dyn Fn(IpAddr) -> crate::geo::GeoInfo) {
        let Some(tx) = self.txs.first() else { return };
        let g = lookup(tx.client);
        t.set(&fields::AS, g.asn);
        t.set(&fields::CLIENTCOUNTRY, g.country);
        t.set(&fields::CLIENTCITY, g.city);
    }

    fn dump_lines(&self, _ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        self.txs
            .iter()
            .map(|t| {
                let r = t.response.as_ref();
                format!(
                    "{} {} 0 <empty> <empty> {} {} {} {} {} {} {} {} {}",
                    t.ts_us / 1_000_000,
                    t.client,
                    t.server,
                    e(&t.qname),
                    r.map_or(0, |r| r.rcode),
                    r.map_or("<empty>", |r| rcode_name(r.rcode)),
                    r.map_or(0, |r| r.ancount),
                    t.qtype,
                    type_name(t.qtype),
                    t.id,
                    e(r.map_or("", |r| r.answers.as_str())),
                )
            })
            .collect()
    }

    fn truncated(&self) -> u64 {
        self.overflow
    }
}
