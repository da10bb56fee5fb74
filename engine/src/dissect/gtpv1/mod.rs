//! GTPv1 plugin (3GPP TS 29.060) over UDP: GTP-C signalling on port 2123
//! (PDP context create/update/delete, mobility, MBMS, path management) and
//! GTP-U on 2152. Detection is the payload's shape (version 1, PT bit, a
//! known message type, a consistent length); the ports are only hints.
//!
//! Requests and responses are matched by sequence number, direction and
//! type (response = request + 1); retransmissions are recognised and not
//! counted twice. The table carries the first session transaction plus a
//! count, the dump dir one line per transaction. GTP-U user data (G-PDUs)
//! is not dissected (nProbe leaves it to its core): it labels the flow
//! GTP_U and gives the data TEIDs, nothing else. nDPI ids: GTP_U (271) when
//! the flow carries G-PDUs or uses port 2152, GTP_C (272) otherwise.
//!
//! Limits: [`MAX_TRANSACTIONS`] per flow are kept for the table and dump
//! (the rest are counted); [`MAX_RECENT`] requests are remembered for
//! matching. GTPv0, GTPv2-C and GTP' are not this plugin's (not detected).

pub mod fields;
pub mod parser;
pub mod tbcd;

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto, L7};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{Ies, Kind, Location, Message};

/// Transactions kept per flow for the table and the dump dir (the rest are
/// counted): a GSN-to-GSN path flow carries every subscriber's signalling
/// and must not grow without bound.
pub const MAX_TRANSACTIONS: usize = 256;
/// Requests remembered for matching responses and spotting retransmissions:
/// a response comes within T3-RESPONSE x N3-REQUESTS (seconds), and a busy
/// path has at most a few hundred requests outstanding in that time.
pub const MAX_RECENT: usize = 1024;

pub const GTP_C_PORT: u16 = 2123;
pub const GTP_U_PORT: u16 = 2152;

pub const PLUGIN: Plugin = Plugin {
    proto: Proto::Gtpv1,
    probe,
    new,
    fields: fields::ALL,
    dump_header: fields::DUMP_HEADER,
};

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    // GTPv1 runs over UDP only (TS 29.060 §4).
    if ctx.l4 != crate::decode::ip::PROTO_UDP {
        return Confidence::No;
    }
    let port = ctx.port_in(&[GTP_C_PORT, GTP_U_PORT]);
    match parser::shape(data) {
        parser::Shape::Exact if port => Confidence::PayloadAndPort,
        parser::Shape::Exact => Confidence::Payload,
        // A snap-length cut datagram is only believed on a GTP port.
        parser::Shape::Cut if port => Confidence::PayloadAndPort,
        _ => Confidence::No,
    }
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Gtpv1 {
        cli: ctx.cli,
        srv: ctx.srv,
        u_port: ctx.port_in(&[GTP_U_PORT]),
        txs: Vec::new(),
        recent: HashMap::new(),
        order: VecDeque::new(),
        count: 0,
        gpdus: 0,
        gpdu_teid: [None; 2],
        given_up: 0,
    })
}

/// One message of a transaction.
struct Side {
    dir: Dir,
    msg_type: u8,
    ies: Ies,
}

struct Tx {
    ts_us: u64,
    seq: u16,
    /// The request, or an unpaired message.
    req: Option<Side>,
    rsp: Option<Side>,
}

impl Tx {
    fn msg_type(&self) -> u8 {
        self.req.as_ref().or(self.rsp.as_ref()).map_or(0, |s| s.msg_type)
    }

    /// A subscriber value: the request's, else the response's.
    fn pick<T>(&self, f: impl Fn(&Ies) -> Option<T>) -> Option<T> {
        [&self.req, &self.rsp].into_iter().flatten().find_map(|s| f(&s.ies))
    }

    fn pick_str(&self, f: impl Fn(&Ies) -> &str) -> &str {
        [&self.req, &self.rsp].into_iter().flatten().map(|s| f(&s.ies)).find(|v| !v.is_empty()).unwrap_or("")
    }

    /// The side sent in `dir`.
    fn sent(&self, dir: Dir) -> Option<&Side> {
        [&self.req, &self.rsp].into_iter().flatten().find(|s| s.dir == dir)
    }
}

/// A remembered request: who sent it (`Dir` as u8), its type and sequence number.
type RequestKey = (u8, u8, u16);

struct Recent {
    /// Index in `txs` when the transaction was kept.
    tx: Option<usize>,
    answered: bool,
}

struct Gtpv1 {
    cli: IpAddr,
    srv: IpAddr,
    u_port: bool,
    txs: Vec<Tx>,
    recent: HashMap<RequestKey, Recent>,
    /// `recent`'s keys, oldest first, for eviction at [`MAX_RECENT`].
    order: VecDeque<RequestKey>,
    count: u64,
    gpdus: u64,
    /// Header TEID of the first G-PDU each way (`Dir` as index).
    gpdu_teid: [Option<u32>; 2],
    given_up: u64,
}

impl Gtpv1 {
    fn side(dir: Dir, m: Message) -> Side {
        Side { dir, msg_type: m.header.msg_type, ies: m.ies }
    }

    /// Counts a transaction and keeps it if there is room.
    fn push(&mut self, tx: Tx, bytes: usize) -> Option<usize> {
        self.count += 1;
        if self.txs.len() < MAX_TRANSACTIONS {
            crate::dissect::push_doubling(&mut self.txs, tx);
            Some(self.txs.len() - 1)
        } else {
            self.given_up += bytes as u64;
            None
        }
    }

    fn message(&mut self, dir: Dir, m: Message, bytes: usize, ts_us: u64) {
        let (t, seq) = (m.header.msg_type, m.header.seq);
        match parser::kind(t) {
            None => self.given_up += bytes as u64,
            Some(Kind::Data) => {
                self.gpdus += 1;
                self.gpdu_teid[dir as usize].get_or_insert(m.header.teid);
            }
            Some(Kind::Request) => {
                let key = (dir as u8, t, seq);
                if self.recent.contains_key(&key) {
                    return; // retransmission
                }
                let tx = self.push(Tx { ts_us, seq, req: Some(Self::side(dir, m)), rsp: None }, bytes);
                if self.order.len() >= MAX_RECENT {
                    if let Some(old) = self.order.pop_front() {
                        self.recent.remove(&old);
                    }
                }
                self.recent.insert(key, Recent { tx, answered: false });
                self.order.push_back(key);
            }
            Some(Kind::Response) => {
                if let Some(r) = self.recent.get_mut(&(other(dir) as u8, t.wrapping_sub(1), seq)) {
                    if !r.answered {
                        r.answered = true;
                        if let Some(tx) = r.tx.and_then(|i| self.txs.get_mut(i)) {
                            tx.rsp = Some(Self::side(dir, m));
                        }
                    }
                    return; // answered, or a retransmitted response
                }
                self.push(Tx { ts_us, seq, req: None, rsp: Some(Self::side(dir, m)) }, bytes);
            }
            Some(Kind::Unpaired) => {
                self.push(Tx { ts_us, seq, req: Some(Self::side(dir, m)), rsp: None }, bytes);
            }
        }
    }

    /// The transaction the table shows: the first that is not path
    /// management, else the first.
    fn first(&self) -> Option<&Tx> {
        self.txs.iter().find(|t| !parser::is_path_management(t.msg_type())).or(self.txs.first())
    }

    fn addr(&self, dir: Dir) -> IpAddr {
        match dir {
            Dir::ToServer => self.cli,
            Dir::ToClient => self.srv,
        }
    }
}

fn other(dir: Dir) -> Dir {
    match dir {
        Dir::ToServer => Dir::ToClient,
        Dir::ToClient => Dir::ToServer,
    }
}

fn num(digits: &str) -> u16 {
    digits.parse().unwrap_or(0)
}

impl Dissector for Gtpv1 {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        match parser::parse(data) {
            Some(m) => {
                self.given_up += m.unparsed as u64;
                self.message(dir, m, data.len(), ts_us);
            }
            None => self.given_up += data.len() as u64,
        }
    }

    fn l7(&self) -> Option<L7> {
        if self.gpdus > 0 || self.u_port {
            Some(L7::GTP_U)
        } else if self.count > 0 {
            Some(L7::GTP_C)
        } else {
            None
        }
    }

    fn push_fields(&self, t: &mut FieldTable) {
        use fields::*;
        let tx = self.first();
        let c2s = tx.and_then(|t| t.sent(Dir::ToServer)).map(|s| &s.ies);
        let s2c = tx.and_then(|t| t.sent(Dir::ToClient)).map(|s| &s.ies);
        let (c2s_data, s2c_data) = if self.gpdus > 0 {
            (self.gpdu_teid[0], self.gpdu_teid[1])
        } else {
            (c2s.and_then(|i| i.teid_data), s2c.and_then(|i| i.teid_data))
        };
        let loc = |f: fn(&Ies) -> Option<&Location>| tx.and_then(|t| t.pick(|i| f(i).cloned()));
        let rai = loc(|i| i.rai.as_ref());
        let uli = loc(|i| i.uli.as_ref());
        let s = |f: fn(&Ies) -> &str| tx.map_or("", |t| t.pick_str(f));
        t.push(&REQ_MSG_TYPE, tx.and_then(|t| t.req.as_ref()).map_or(0, |s| s.msg_type));
        t.push(&RSP_MSG_TYPE, tx.and_then(|t| t.rsp.as_ref()).map_or(0, |s| s.msg_type));
        t.push(&C2S_TEID_DATA, c2s_data.unwrap_or(0));
        t.push(&C2S_TEID_CTRL, c2s.and_then(|i| i.teid_ctrl).unwrap_or(0));
        t.push(&S2C_TEID_DATA, s2c_data.unwrap_or(0));
        t.push(&S2C_TEID_CTRL, s2c.and_then(|i| i.teid_ctrl).unwrap_or(0));
        t.push(&END_USER_IPV4, tx.and_then(|t| t.pick(|i| i.end_user_ipv4)).map_or(String::new(), |a| a.to_string()));
        t.push(&END_USER_IMSI, s(|i| &i.imsi));
        t.push(&END_USER_MSISDN, s(|i| &i.msisdn));
        t.push(&END_USER_IMEI, s(|i| &i.imei));
        t.push(&APN_NAME, s(|i| &i.apn));
        t.push(&RAI_MCC, rai.as_ref().map_or(0, |l| num(&l.mcc)));
        t.push(&RAI_MNC, rai.as_ref().map_or(0, |l| num(&l.mnc)));
        t.push(&RAI_LAC, rai.as_ref().map_or(0, |l| l.lac));
        t.push(&RAI_RAC, rai.as_ref().and_then(|l| l.rac).unwrap_or(0));
        t.push(&ULI_MCC, uli.as_ref().map_or(0, |l| num(&l.mcc)));
        t.push(&ULI_MNC, uli.as_ref().map_or(0, |l| num(&l.mnc)));
        t.push(&ULI_CELL_LAC, uli.as_ref().map_or(0, |l| l.lac));
        t.push(&ULI_CELL_CI, uli.as_ref().and_then(|l| l.ci).unwrap_or(0));
        t.push(&ULI_SAC, uli.as_ref().and_then(|l| l.sac).unwrap_or(0));
        t.push(&RESPONSE_CAUSE, tx.and_then(|t| t.rsp.as_ref()).and_then(|s| s.ies.cause).unwrap_or(0));
        t.push(&NUM_TRANSACTIONS, self.count);
    }

    fn dump_lines(&self, _ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        let teid = |v: Option<u32>| v.map_or("<empty>".to_string(), |v| format!("0x{v:08x}"));
        self.txs
            .iter()
            .map(|t| {
                // The requester sent the request, or received the lone response.
                let req_dir = match (&t.req, &t.rsp) {
                    (Some(s), _) => s.dir,
                    (None, Some(s)) => other(s.dir),
                    (None, None) => Dir::ToServer,
                };
                let (req, rsp) = (t.req.as_ref(), t.rsp.as_ref());
                let rai = t.pick(|i| i.rai.clone());
                let uli = t.pick(|i| i.uli.clone());
                let digits = |l: &Option<Location>, f: fn(&Location) -> &str| e(l.as_ref().map_or("", f));
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}",
                    t.ts_us / 1_000_000,
                    self.addr(req_dir),
                    self.addr(other(req_dir)),
                    req.map_or(0, |s| s.msg_type),
                    req.map_or("<empty>", |s| parser::name(s.msg_type)),
                    rsp.map_or(0, |s| s.msg_type),
                    rsp.map_or("<empty>", |s| parser::name(s.msg_type)),
                    rsp.and_then(|s| s.ies.cause).unwrap_or(0),
                    t.seq,
                    teid(req.and_then(|s| s.ies.teid_data)),
                    teid(req.and_then(|s| s.ies.teid_ctrl)),
                    teid(rsp.and_then(|s| s.ies.teid_data)),
                    teid(rsp.and_then(|s| s.ies.teid_ctrl)),
                    e(&t.pick(|i| i.end_user_ipv4).map_or(String::new(), |a| a.to_string())),
                    e(t.pick_str(|i| &i.imsi)),
                    e(t.pick_str(|i| &i.msisdn)),
                    e(t.pick_str(|i| &i.imei)),
                    e(t.pick_str(|i| &i.apn)),
                    digits(&rai, |l| &l.mcc),
                    digits(&rai, |l| &l.mnc),
                    rai.as_ref().map_or(0, |l| l.lac),
                    rai.as_ref().and_then(|l| l.rac).unwrap_or(0),
                    digits(&uli, |l| &l.mcc),
                    digits(&uli, |l| &l.mnc),
                    uli.as_ref().map_or(0, |l| l.lac),
                    uli.as_ref().and_then(|l| l.ci).unwrap_or(0),
                    uli.as_ref().and_then(|l| l.sac).unwrap_or(0),
                )
            })
            .collect()
    }

    fn truncated(&self) -> u64 {
        self.given_up
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// The endpoints of `gtpv1/zeek_gtp_create_pdp_ctx.pcap`'s GTP-C flow.
    fn ctx(sport: u16) -> ProbeCtx {
        ProbeCtx {
            l4: crate::decode::ip::PROTO_UDP,
            cport: 34273,
            sport,
            cli: IpAddr::V4(Ipv4Addr::new(192, 169, 100, 1)),
            srv: IpAddr::V4(Ipv4Addr::new(10, 100, 200, 33)),
            dir: Dir::ToServer,
        }
    }

    fn table(d: &dyn Dissector) -> FieldTable {
        let mut t = FieldTable::default();
        d.push_fields(&mut t);
        t
    }

    #[test]
    fn probe_is_by_shape_with_the_port_as_hint() {
        let req = hex(parser::samples::CREATE_REQ);
        assert_eq!(probe(&ctx(2123), &req), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(9999), &req), Confidence::Payload);
        assert_eq!(probe(&ctx(2123), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Confidence::No);
        // A GTP-C header, then text: its length says 8295 bytes (a cut
        // capture?), but the first IE type (0x6e) does not exist.
        assert_eq!(probe(&ctx(2123), b"\x32\x10 garbage on the GTP-C port"), Confidence::No);
        let mut cut = req.clone();
        cut.truncate(60);
        assert_eq!(probe(&ctx(2123), &cut), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(9999), &cut), Confidence::No);
        let tcp = ProbeCtx { l4: crate::decode::ip::PROTO_TCP, ..ctx(2123) };
        assert_eq!(probe(&tcp, &req), Confidence::No);
    }

    /// Request, retransmitted request, response, retransmitted response:
    /// one transaction.
    #[test]
    fn retransmissions_are_one_transaction() {
        let (req, rsp) = (hex(parser::samples::CREATE_REQ), hex(parser::samples::CREATE_RSP));
        let mut d = new(&ctx(2123));
        d.on_data(Dir::ToServer, &req, 1_000_000);
        d.on_data(Dir::ToServer, &req, 2_000_000);
        d.on_data(Dir::ToClient, &rsp, 2_100_000);
        d.on_data(Dir::ToClient, &rsp, 2_200_000);
        let t = table(d.as_ref());
        assert_eq!(t.get("gtpv1.num_transactions").and_then(|v| v.as_int()), Some(1));
        assert_eq!(t.get("gtpv1.rsp_msg_type").and_then(|v| v.as_int()), Some(17));
        assert_eq!(d.l7(), Some(L7::GTP_C));
        assert_eq!(d.dump_lines(&dump_ctx()).len(), 1);
    }

    /// An Echo exchange first: the table shows the PDP context transaction.
    #[test]
    fn path_management_does_not_hide_the_session() {
        let mut d = new(&ctx(2123));
        // Echo Request / Response built from the headers Zeek's
        // pdp_ctx_messages baseline prints for gtp_control_prime.pcap (not
        // in the shared set): type 1 length 4 and type 2 length 6, seq 3072.
        d.on_data(Dir::ToServer, &hex("32010004000000000c000000"), 0);
        d.on_data(Dir::ToClient, &hex("32020006000000000c0000000e05"), 0);
        d.on_data(Dir::ToServer, &hex(parser::samples::CREATE_REQ), 0);
        let t = table(d.as_ref());
        assert_eq!(t.get("gtpv1.req_msg_type").and_then(|v| v.as_int()), Some(16));
        assert_eq!(t.get("gtpv1.end_user_imsi").and_then(|v| v.as_str().map(String::from)), Some("460004100000101".into()));
    }

    /// A capture that starts with the response: the flow's initiator is
    /// the responder. c2s_* are what the initiator sent (the response's
    /// TEIDs); the dump line still names the requester, the receiver.
    #[test]
    fn lone_response() {
        let mut d = new(&ctx(2123));
        d.on_data(Dir::ToServer, &hex(parser::samples::CREATE_RSP), 5_000_000);
        let t = table(d.as_ref());
        let int = |k: &str| t.get(k).and_then(|v| v.as_int());
        assert_eq!((int("gtpv1.req_msg_type"), int("gtpv1.rsp_msg_type")), (Some(0), Some(17)));
        assert_eq!((int("gtpv1.c2s_teid_data"), int("gtpv1.s2c_teid_data")), (Some(0x10000085), Some(0)));
        assert_eq!((int("gtpv1.response_cause"), int("gtpv1.num_transactions")), (Some(128), Some(1)));
        let line = d.dump_lines(&dump_ctx()).remove(0);
        assert!(line.starts_with("5 10.100.200.33 192.169.100.1 0 <empty> 17 Create_PDP_Context_Response 128 4875 <empty> <empty> 0x10000085 0x10000080 192.168.252.130 "), "{line}");
    }

    fn dump_ctx() -> DumpCtx {
        let c = ctx(2123);
        DumpCtx { cli: c.cli, srv: c.srv, cport: c.cport, sport: c.sport, first_us: 0, last_us: 0 }
    }
}
