//! Application-protocol dissectors ("plugins", as nProbe calls them).
//!
//! Detection is a payload probe with the port as a hint: every plugin looks
//! at the first payload of a flow and says how sure it is; a port match alone
//! never decides (garbage on port 53 is not DNS, DNS on 5353 still is). Once
//! a flow is claimed, its dissector sees every UDP datagram or every in-order
//! chunk of the reassembled TCP stream, and at export appends its keys to the
//! field table (all of them, `""`/`0` when not seen).
#![forbid(unsafe_code)]

pub mod dhcp;
pub mod dns;
pub mod ftp;
pub mod gtpv1;
pub mod http;
pub mod imap;
pub mod l7;
pub mod lines;
pub mod pop;
pub mod proto;
pub mod radius;
pub mod sasl;
pub mod sip;
pub mod smtp;

use std::net::IpAddr;

pub use l7::L7;
pub use proto::Proto;

use crate::flow::stream::TcpStream;
use crate::flow::Dir;
use crate::table::{FieldDef, FieldTable};

/// How sure a probe is that a payload belongs to its protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    No,
    /// The payload has the protocol's shape.
    Payload,
    /// The payload has the shape and a port is the protocol's usual one.
    PayloadAndPort,
}

/// What a probe knows about the flow.
#[derive(Clone, Copy, Debug)]
pub struct ProbeCtx {
    /// IP protocol (6 TCP, 17 UDP).
    pub l4: u8,
    /// Initiator's port.
    pub cport: u16,
    /// Responder's port.
    pub sport: u16,
    pub cli: IpAddr,
    pub srv: IpAddr,
    /// Direction of the payload being probed.
    pub dir: Dir,
}

impl ProbeCtx {
    /// True when either port is one of `ports`.
    pub fn port_in(&self, ports: &[u16]) -> bool {
        ports.contains(&self.sport) || ports.contains(&self.cport)
    }
}

/// Data a dissector hands to the worker for other flows (FTP data channels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// Address that will connect (any port), if known.
    pub from: Option<IpAddr>,
    pub to: IpAddr,
    pub port: u16,
    pub l7: L7,
}

/// One plugin's dissection state for one flow.
pub trait Dissector: Send {
    /// One UDP datagram, or one in-order chunk of a reassembled TCP stream.
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64);
    /// The protocol id to report (may refine the detected one, e.g. GTP-C).
    fn l7(&self) -> Option<L7> {
        None
    }
    /// Appends every key of the plugin's field list, in list order.
    fn push_fields(&self, t: &mut FieldTable);
    /// One dump-dir line per transaction (already formatted, no newline).
    fn dump_lines(&self, _common: &DumpCtx) -> Vec<String> {
        Vec::new()
    }
    /// Data channels announced by this flow (FTP PORT/PASV/EPRT/EPSV).
    fn take_expectations(&mut self) -> Vec<Expectation> {
        Vec::new()
    }
    /// Fills the plugin's GeoIP keys (DNS: the client's AS, country, city)
    /// with `lookup`, which answers from the flow's endpoints already looked
    /// up, or the databases. Called only when databases are loaded.
    fn enrich(&self, _t: &mut FieldTable, _lookup: &dyn Fn(IpAddr) -> crate::geo::GeoInfo) {}
    /// Bytes the dissector gave up on because a bound was hit.
    fn truncated(&self) -> u64 {
        0
    }
}

/// Flow facts a dump line may need.
#[derive(Clone, Copy, Debug)]
pub struct DumpCtx {
    pub cli: IpAddr,
    pub srv: IpAddr,
    pub cport: u16,
    pub sport: u16,
    pub first_us: u64,
    pub last_us: u64,
}

/// Appends a transaction (or call) to a flow's list. The first one is
/// allocated alone: most UDP flows (DNS, RADIUS, GTP-C, SIP) hold a single
/// transaction for a whole idle timeout, and `Vec`'s first growth to four
/// slots made those lists four times their content (a RADIUS transaction is
/// ~600 bytes: 2.5 KB per flow; BENCHMARKS.md, memory). Later pushes double
/// exactly (1, 2, 4, ...; `Vec` would jump from 1 to 4).
pub(crate) fn push_doubling<T>(v: &mut Vec<T>, item: T) {
    if v.len() == v.capacity() {
        v.reserve_exact(v.capacity().max(1));
    }
    v.push(item);
}

/// A dump column: spaces replaced, `<empty>` when empty (nProbe's convention).
pub fn dump_col(s: &str) -> String {
    if s.is_empty() {
        "<empty>".to_string()
    } else {
        s.replace(char::is_whitespace, "_")
    }
}

/// A plugin: its protocol, probe, constructor and key list.
pub struct Plugin {
    pub proto: Proto,
    pub probe: fn(&ProbeCtx, &[u8]) -> Confidence,
    pub new: fn(&ProbeCtx) -> Box<dyn Dissector>,
    pub fields: &'static [FieldDef],
    /// The `#` header line of the plugin's dump files.
    pub dump_header: &'static str,
}

/// All plugins, in probe order.
pub fn plugins() -> &'static [Plugin] {
    &[dns::PLUGIN, http::PLUGIN, smtp::PLUGIN, pop::PLUGIN, imap::PLUGIN, ftp::PLUGIN, dhcp::PLUGIN, radius::PLUGIN, sip::PLUGIN, gtpv1::PLUGIN]
}

/// True when a flow's first packet is clearly a reply (a DNS response from
/// port 53): the flow's initiator is then its receiver.
pub fn first_packet_is_reply(l4: u8, sport: u16, _dport: u16, payload: &[u8]) -> bool {
    l4 == crate::decode::ip::PROTO_UDP && dns::is_reply(sport, payload)
}

/// The plugin for `proto`.
pub fn plugin(proto: Proto) -> Option<&'static Plugin> {
    plugins().iter().find(|p| p.proto == proto)
}

/// Payload chunks probed per flow before giving up on detection: the ten
/// protocols all show themselves in the first exchange; banners and a
/// handshake fit in four chunks each way.
pub const MAX_PROBE_CHUNKS: u8 = 8;

/// The dissection state a flow carries.
#[derive(Default)]
pub struct FlowApp {
    pub l7: L7,
    pub proto: Option<Proto>,
    pub dissector: Option<Box<dyn Dissector>>,
    /// TCP reassembly, one stream per direction; allocated at the first TCP
    /// segment, so UDP flows (most of those held at once) do without its
    /// 96 bytes.
    streams: Option<Box<[TcpStream; 2]>>,
    probes: u8,
    given_up: bool,
}

impl FlowApp {
    /// The TCP streams (none for a flow that carried no TCP segment).
    pub fn streams(&self) -> &[TcpStream] {
        self.streams.as_deref().map_or(&[], |s| &s[..])
    }

    /// Marks the flow as a known protocol without a dissector (FTP data).
    pub fn set_l7(&mut self, l7: L7) {
        self.l7 = l7;
        self.given_up = true;
    }

    /// Lifetime split of a long flow: the returned part (exported now) keeps
    /// the dissector and its fields; `self` goes on with the streams and the
    /// protocol, and a fresh dissector.
    pub fn split_for_lifetime(&mut self, ctx: &ProbeCtx) -> FlowApp {
        let old = FlowApp {
            l7: self.l7,
            proto: self.proto,
            dissector: self.dissector.take(),
            streams: Default::default(),
            probes: self.probes,
            given_up: true,
        };
        self.dissector = self.proto.and_then(plugin).map(|p| (p.new)(ctx));
        old
    }

    /// Feeds one UDP datagram or TCP segment. `enabled` lists the plugins that dissect.
    pub fn on_payload(&mut self, ctx: &ProbeCtx, enabled: &[Proto], tcp: Option<(u32, bool)>, data: &[u8], ts_us: u64) {
        let FlowApp { l7, proto, dissector, streams, probes, given_up } = self;
        let mut feed = |chunk: &[u8]| {
            if dissector.is_none() && !*given_up {
                if chunk.is_empty() {
                    return;
                }
                *probes += 1;
                if let Some(p) = detect(ctx, enabled, chunk) {
                    *l7 = L7::of(p.proto);
                    *proto = Some(p.proto);
                    *dissector = Some((p.new)(ctx));
                } else if *probes >= MAX_PROBE_CHUNKS {
                    *given_up = true;
                }
            }
            if let Some(d) = dissector.as_mut() {
                d.on_data(ctx.dir, chunk, ts_us);
            }
        };
        match tcp {
            Some((seq, syn)) => streams.get_or_insert_with(Default::default)[ctx.dir as usize].segment(seq, syn, data, &mut feed),
            None => {
                if !data.is_empty() {
                    feed(data)
                }
            }
        }
    }

    /// End of flow: flushes buffered TCP segments into the dissector.
    pub fn finish(&mut self, ctx_of: impl Fn(Dir) -> ProbeCtx, ts_us: u64) {
        for dir in [Dir::ToServer, Dir::ToClient] {
            let FlowApp { streams, dissector, .. } = self;
            if let (Some(d), Some(s)) = (dissector.as_mut(), streams.as_mut()) {
                let ctx = ctx_of(dir);
                s[dir as usize].flush(&mut |c| d.on_data(ctx.dir, c, ts_us));
            }
        }
        if let Some(l7) = self.dissector.as_ref().and_then(|d| d.l7()) {
            self.l7 = l7;
        }
    }
}

fn detect(ctx: &ProbeCtx, enabled: &[Proto], data: &[u8]) -> Option<&'static Plugin> {
    let mut best: Option<(&'static Plugin, Confidence)> = None;
    for p in plugins().iter().filter(|p| enabled.contains(&p.proto)) {
        let c = (p.probe)(ctx, data);
        if c > Confidence::No && best.is_none_or(|(_, b)| c > b) {
            best = Some((p, c));
        }
    }
    best.map(|(p, _)| p)
}
