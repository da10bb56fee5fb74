//! DHCP plugin (RFC 2131 over BOOTP, RFC 951): client MAC, client address,
//! host name, relay-agent Remote-ID / Subscriber-ID and message type.
//!
//! A DHCP exchange rarely stays on one 5-tuple: the client talks from
//! 0.0.0.0:68 to 255.255.255.255:67 and the server answers from its address
//! to the client's new address or to broadcast, so requests and replies are
//! often separate flows. Roles therefore come from the BOOTP `op` field, not
//! from the flow direction. A transaction is the messages that share the
//! first message's `xid`; the table carries that transaction (its values
//! merged over its messages on this flow) plus a message count, the dump dir
//! one line per message.
//!
//! Detection needs the BOOTP shape and the magic cookie; ports 67/68 are only
//! a hint. Limits: [`MAX_MESSAGES`] dump lines per flow (the rest are counted).

pub mod fields;
pub mod parser;

use std::net::{IpAddr, Ipv4Addr};

use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{mac, text_or_hex, type_name, Message};

/// Messages kept per flow for the dump dir (the rest are counted): a relay or
/// a flood of DISCOVERs on one 5-tuple (10000 in `dhcp-request-flood.pcap`)
/// must not grow a flow's memory without bound.
pub const MAX_MESSAGES: usize = 256;

pub const PLUGIN: Plugin = Plugin {
    proto: Proto::Dhcp,
    probe,
    new,
    fields: fields::ALL,
    dump_header: fields::DUMP_HEADER,
};

/// BOOTP server and client ports (RFC 951 §3).
const PORTS: [u16; 2] = [67, 68];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    if ctx.l4 != crate::decode::ip::PROTO_UDP || !parser::looks_like_dhcp(data) {
        return Confidence::No;
    }
    if ctx.port_in(&PORTS) {
        Confidence::PayloadAndPort
    } else {
        Confidence::Payload
    }
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Dhcp { cli: ctx.cli, srv: ctx.srv, first: None, lines: Vec::new(), count: 0, dropped_bytes: 0, malformed: 0 })
}

/// One dump line.
struct Line {
    ts_us: u64,
    src: IpAddr,
    dst: IpAddr,
    xid: u32,
    msg_type: u8,
    mac: String,
    client_ip: String,
    name: String,
    remote_id: String,
    subscriber_id: String,
}

/// The flow's first transaction, merged over its messages.
struct Tx {
    xid: u32,
    mac: String,
    msg_type: u8,
    /// Latest non-zero `ciaddr`.
    ciaddr: Option<Ipv4Addr>,
    /// Latest non-zero `yiaddr` of a reply.
    yiaddr: Option<Ipv4Addr>,
    /// Latest Requested IP (option 50).
    requested: Option<Ipv4Addr>,
    /// First Host Name, Remote-ID and Subscriber-ID seen.
    name: Option<String>,
    remote_id: Option<String>,
    subscriber_id: Option<String>,
}

impl Tx {
    fn update(&mut self, m: &Message) {
        self.ciaddr = m.ciaddr.or(self.ciaddr);
        if m.op == 2 {
            self.yiaddr = m.yiaddr.or(self.yiaddr);
        }
        self.requested = m.requested_ip.or(self.requested);
        if self.name.is_none() {
            self.name = m.hostname.map(text_or_hex);
        }
        if self.remote_id.is_none() {
            self.remote_id = m.remote_id.map(text_or_hex);
        }
        if self.subscriber_id.is_none() {
            self.subscriber_id = m.subscriber_id.map(text_or_hex);
        }
    }

    fn client_ip(&self) -> Option<Ipv4Addr> {
        self.ciaddr.or(self.yiaddr).or(self.requested)
    }
}

struct Dhcp {
    cli: IpAddr,
    srv: IpAddr,
    first: Option<Tx>,
    lines: Vec<Line>,
    count: u64,
    /// Bytes of the messages whose dump line was dropped ([`MAX_MESSAGES`]).
    dropped_bytes: u64,
    /// Datagrams that are not BOOTP (shorter than the header, bad `op`).
    malformed: u64,
}

impl Dissector for Dhcp {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let Some(m) = parser::parse(data) else {
            self.malformed += 1;
            return;
        };
        self.count += 1;
        let msg_type = m.msg_type.unwrap_or(0);
        match &mut self.first {
            None => {
                let mut tx = Tx {
                    xid: m.xid,
                    mac: mac(m.chaddr),
                    msg_type,
                    ciaddr: None,
                    yiaddr: None,
                    requested: None,
                    name: None,
                    remote_id: None,
                    subscriber_id: None,
                };
                tx.update(&m);
                self.first = Some(tx);
            }
            Some(tx) if tx.xid == m.xid => tx.update(&m),
            Some(_) => {}
        }
        if self.lines.len() >= MAX_MESSAGES {
            self.dropped_bytes += data.len() as u64;
            return;
        }
        let (src, dst) = match dir {
            Dir::ToServer => (self.cli, self.srv),
            Dir::ToClient => (self.srv, self.cli),
        };
        self.lines.push(Line {
            ts_us,
            src,
            dst,
            xid: m.xid,
            msg_type,
            mac: mac(m.chaddr),
            client_ip: m.client_ip().map_or(String::new(), |a| a.to_string()),
            name: m.hostname.map_or(String::new(), text_or_hex),
            remote_id: m.remote_id.map_or(String::new(), text_or_hex),
            subscriber_id: m.subscriber_id.map_or(String::new(), text_or_hex),
        });
    }

    fn push_fields(&self, t: &mut FieldTable) {
        use fields::*;
        let tx = self.first.as_ref();
        let s = |f: fn(&Tx) -> Option<&String>| tx.and_then(f).cloned().unwrap_or_default();
        t.push(&CLIENT_MAC, tx.map_or(String::new(), |t| t.mac.clone()));
        t.push(&CLIENT_IP, tx.and_then(Tx::client_ip).map_or(String::new(), |a| a.to_string()));
        t.push(&CLIENT_NAME, s(|t| t.name.as_ref()));
        t.push(&REMOTE_ID, s(|t| t.remote_id.as_ref()));
        t.push(&SUBSCRIBER_ID, s(|t| t.subscriber_id.as_ref()));
        t.push(&MESSAGE_TYPE, tx.map_or(0, |t| t.msg_type));
        t.push(&NUM_MESSAGES, self.count);
    }

    fn dump_lines(&self, _ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        self.lines
            .iter()
            .map(|l| {
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {}",
                    l.ts_us / 1_000_000,
                    e(&l.mac),
                    e(&l.client_ip),
                    e(&l.name),
                    e(&l.remote_id),
                    e(&l.subscriber_id),
                    l.msg_type,
                    type_name(l.msg_type),
                    l.xid,
                    l.src,
                    l.dst,
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

    fn ctx() -> ProbeCtx {
        ProbeCtx {
            l4: crate::decode::ip::PROTO_UDP,
            cport: 68,
            sport: 67,
            cli: "0.0.0.0".parse().unwrap(),
            srv: "255.255.255.255".parse().unwrap(),
            dir: Dir::ToServer,
        }
    }

    /// A DISCOVER shaped like `mixed/suricata_dhcp-request-flood.pcap`'s
    /// (frame `xid`): op 1, Ethernet, cookie, option 53 = 1.
    fn discover(xid: u32) -> Vec<u8> {
        let mut b = vec![1, 1, 6, 0];
        b.extend_from_slice(&xid.to_be_bytes());
        b.resize(28, 0);
        b.extend_from_slice(b"de:ad:be:ef:aa:b");
        b.resize(parser::FIXED_LEN, 0);
        b.extend_from_slice(&parser::MAGIC_COOKIE);
        b.extend_from_slice(&[53, 1, 1, 255]);
        b
    }

    #[test]
    fn garbage_on_the_dhcp_ports_is_not_dhcp() {
        let c = ctx();
        assert_eq!(probe(&c, &discover(1)), Confidence::PayloadAndPort);
        assert_eq!(probe(&c, &[0x55; 300]), Confidence::No);
        assert_eq!(probe(&c, b"GET / HTTP/1.1\r\n\r\n"), Confidence::No);
        let mut no_cookie = discover(1);
        no_cookie[parser::FIXED_LEN] = 0;
        assert_eq!(probe(&c, &no_cookie), Confidence::No);
        let tcp = ProbeCtx { l4: crate::decode::ip::PROTO_TCP, ..c };
        assert_eq!(probe(&tcp, &discover(1)), Confidence::No);
        let other_ports = ProbeCtx { cport: 40000, sport: 40001, ..c };
        assert_eq!(probe(&other_ports, &discover(1)), Confidence::Payload);
    }

    /// The flood: every message is counted, the dump keeps MAX_MESSAGES
    /// lines and counts the bytes of the rest.
    #[test]
    fn many_messages_are_bounded() {
        let mut d = new(&ctx());
        for xid in 1..=10_000u32 {
            d.on_data(Dir::ToServer, &discover(xid), 0);
        }
        d.on_data(Dir::ToServer, &[1, 2, 3], 0);
        let mut t = FieldTable::default();
        d.push_fields(&mut t);
        assert_eq!(t.get("dhcp.num_messages").and_then(|v| v.as_int()), Some(10_000));
        assert_eq!(t.get("dhcp.client_mac").and_then(|v| v.as_str()), Some("64:65:3a:61:64:3a"));
        let dc = DumpCtx { cli: ctx().cli, srv: ctx().srv, cport: 68, sport: 67, first_us: 0, last_us: 0 };
        assert_eq!(d.dump_lines(&dc).len(), MAX_MESSAGES);
        assert_eq!(d.truncated(), (10_000 - MAX_MESSAGES as u64) * 244);
    }
}
