//! The common keys every flow's table starts with (nProbe's documented Lua
//! keys, then its flow counters), and the table builder.

use crate::geo::{self, Geo};
use crate::table::{FieldDef, FieldTable};

use super::Flow;

pub const PID: FieldDef = FieldDef::int("nprobe.pid", "Process id of the probe");
pub const ID: FieldDef = FieldDef::int("flow.id", "Unique flow id within the run: the frame number (1-based) of the flow's first packet");
pub const FROM: FieldDef = FieldDef::str("flow.from", "Initiator IP address");
pub const TO: FieldDef = FieldDef::str("flow.to", "Responder IP address");
pub const SPORT: FieldDef = FieldDef::int("flow.sport", "Initiator port (0 for protocols without ports)");
pub const DPORT: FieldDef = FieldDef::int("flow.dport", "Responder port (ICMP: type*256+code, 0 for echo)");
pub const DURATION: FieldDef = FieldDef::int("flow.duration", "Duration in seconds, rounded up (a one-packet flow has 0)");
pub const BEGIN: FieldDef = FieldDef::int("flow.beginTime", "Epoch second of the first packet (packet time, not wall clock)");
pub const END: FieldDef = FieldDef::int("flow.endTime", "Epoch second of the last packet");
pub const L7_PROTO: FieldDef = FieldDef::int("flow.l7_proto", "Layer-7 protocol, nDPI id (0 Unknown, 5 DNS, 7 HTTP, ...)");
pub const L7_PROTO_NAME: FieldDef = FieldDef::str("flow.l7_proto_name", "Layer-7 protocol name, nDPI spelling");
pub const PROTOCOL: FieldDef = FieldDef::int("flow.protocol", "IANA IP protocol number (6 TCP, 17 UDP, ...)");
pub const IN_PKTS: FieldDef = FieldDef::int("flow.in_pkts", "Packets from initiator to responder");
pub const IN_BYTES: FieldDef = FieldDef::int("flow.in_bytes", "IP bytes from initiator to responder");
pub const OUT_PKTS: FieldDef = FieldDef::int("flow.out_pkts", "Packets from responder to initiator");
pub const OUT_BYTES: FieldDef = FieldDef::int("flow.out_bytes", "IP bytes from responder to initiator");
pub const TCP_FLAGS: FieldDef = FieldDef::int("flow.tcp_flags", "OR of the TCP flags seen both ways (0 for non-TCP)");
pub const VLAN: FieldDef = FieldDef::int("flow.vlan", "Outermost 802.1Q VLAN id; present only when the flow was tagged");

/// The common keys, in table order (`flow.vlan` only when tagged).
pub const COMMON: &[FieldDef] = &[
    PID, ID, FROM, TO, SPORT, DPORT, DURATION, BEGIN, END, L7_PROTO, L7_PROTO_NAME, PROTOCOL, IN_PKTS, IN_BYTES, OUT_PKTS,
    OUT_BYTES, TCP_FLAGS, geo::SRC_AS, geo::DST_AS, geo::SRC_COUNTRY, geo::DST_COUNTRY, VLAN,
];

/// Builds the flow's table: common keys, then the plugin's keys. With GeoIP
/// databases, each endpoint is looked up once here.
pub fn build_table(flow: &Flow, pid: u32, geo: Option<&Geo>) -> FieldTable {
    let mut t = FieldTable::with_capacity(COMMON.len() + 24);
    t.push(&PID, pid);
    t.push(&ID, flow.id);
    t.push(&FROM, crate::table::ip_text(flow.cli));
    t.push(&TO, crate::table::ip_text(flow.srv));
    t.push(&SPORT, flow.cport);
    t.push(&DPORT, flow.sport);
    t.push(&DURATION, flow.duration_secs());
    t.push(&BEGIN, flow.first_us / 1_000_000);
    t.push(&END, flow.last_us / 1_000_000);
    t.push(&L7_PROTO, flow.app.l7.id);
    t.push(&L7_PROTO_NAME, flow.app.l7.name);
    t.push(&PROTOCOL, flow.proto);
    t.push(&IN_PKTS, flow.pkts[0]);
    t.push(&IN_BYTES, flow.bytes[0]);
    t.push(&OUT_PKTS, flow.pkts[1]);
    t.push(&OUT_BYTES, flow.bytes[1]);
    t.push(&TCP_FLAGS, flow.tcp_flags);
    let (src, dst) = match geo {
        Some(g) => (g.lookup(flow.cli), g.lookup(flow.srv)),
        None => Default::default(),
    };
    t.push(&geo::SRC_AS, src.asn);
    t.push(&geo::DST_AS, dst.asn);
    t.push(&geo::SRC_COUNTRY, src.country.as_str());
    t.push(&geo::DST_COUNTRY, dst.country.as_str());
    if flow.has_vlan {
        t.push(&VLAN, flow.vlan);
    }
    if let Some(d) = flow.app.dissector.as_ref() {
        d.push_fields(&mut t);
        if let Some(g) = geo {
            d.enrich(&mut t, &|ip| if ip == flow.cli { src.clone() } else if ip == flow.srv { dst.clone() } else { g.lookup(ip) });
        }
    }
    t
}
