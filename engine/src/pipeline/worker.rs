//! A flow worker: owns the flows of its shard. Decodes each frame, reassembles
//! fragments, updates the flow and its dissector, expires flows by packet
//! time, and sends each ended flow's table to the exporter.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::{Batch, WorkMsg, EXPORT_BATCH};
use crate::config::Config;
use crate::decode::frag::{Defrag, FragResult, Incomplete, Seen};
use crate::decode::ip::{parse_ip, parse_l4, tcp_flags, L4View};
use crate::decode::{locate_ip, Malformed};
use crate::dissect::{self, DumpCtx, Expectation, ProbeCtx, Proto, L7};
use crate::export::FlowRecord;
use crate::flow::fields::build_table;
use crate::geo::Geo;
use crate::flow::table::FlowTable;
use crate::flow::{Dir, EndReason, Flow, FlowKey, TCP_CLOSE_GRACE_US};
use crate::stats::Stats;

/// FTP data-channel expectations kept per worker: a control session
/// announces one per transfer; older ones are dropped first.
const MAX_EXPECTATIONS: usize = 1024;

pub(super) struct Worker {
    flows: FlowTable,
    closed: Vec<FlowKey>,
    defrag: Defrag,
    expectations: Vec<Expectation>,
    out: Sender<Vec<FlowRecord>>,
    /// Records not yet sent (up to `EXPORT_BATCH`).
    pending: Vec<FlowRecord>,
    stats: Stats,
    idle_us: u64,
    lifetime_us: u64,
    max_flows: usize,
    plugins: Vec<Proto>,
    pid: u32,
    now_us: u64,
    dumps: HashMap<Proto, ()>,
    geo: Option<Arc<Geo>>,
}

fn us(d: Duration) -> u64 {
    d.as_micros().min(u128::from(u64::MAX)) as u64
}

/// The frame's flow-relevant facts.
struct PktFacts<'a> {
    vlan: u16,
    has_vlan: bool,
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    l4: L4View<'a>,
    pkts: u64,
    bytes: u64,
    ts_us: u64,
    frame_no: u64,
}

impl Worker {
    pub(super) fn new(cfg: &Config, out: Sender<Vec<FlowRecord>>, shards: usize, geo: Option<Arc<Geo>>) -> Worker {
        Worker {
            flows: FlowTable::new(),
            closed: Vec::new(),
            defrag: Defrag::default(),
            expectations: Vec::new(),
            out,
            pending: Vec::with_capacity(EXPORT_BATCH),
            stats: Stats::default(),
            idle_us: us(cfg.idle_timeout),
            lifetime_us: us(cfg.lifetime_timeout),
            max_flows: (cfg.max_flows / shards).max(1),
            plugins: cfg.plugins.clone(),
            pid: std::process::id(),
            now_us: 0,
            dumps: cfg.dump_dirs.iter().map(|(p, _)| (*p, ())).collect(),
            geo,
        }
    }

    pub(super) fn run(mut self, rx: Receiver<WorkMsg>, free: Sender<Batch>) -> Stats {
        for msg in rx.iter() {
            match msg {
                WorkMsg::Frames(mut b) => {
                    self.frames(&b);
                    b.clear();
                    // Back to the capture thread; when its pool is full, freed here.
                    let _ = free.try_send(b);
                }
                WorkMsg::Tick(now) => {
                    self.tick(now);
                    self.send_pending();
                }
            }
        }
        for inc in self.defrag.expire(None) {
            self.incomplete(inc);
        }
        while let Some(f) = self.flows.pop_oldest_if(|_| true) {
            self.export(f, EndReason::EndOfInput);
        }
        self.send_pending();
        self.stats
    }

    fn send_pending(&mut self) {
        if !self.pending.is_empty() {
            let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(EXPORT_BATCH));
            let _ = self.out.send(batch);
        }
    }

    fn frames(&mut self, b: &Batch) {
        let bytes = b.bytes();
        for m in &b.frames {
            let Some(frame) = bytes.get(m.start as usize..(m.start + m.len) as usize) else { continue };
            self.frame(b.linktype, frame, m.ts_us, m.frame_no);
        }
    }

    fn frame(&mut self, linktype: i32, frame: &[u8], ts_us: u64, frame_no: u64) {
        self.now_us = self.now_us.max(ts_us);
        let link = match locate_ip(linktype, frame) {
            Ok(l) => l,
            Err(m) => return self.stats.malformed(m),
        };
        let ip = match parse_ip(link.ip) {
            Ok(ip) => ip,
            Err(m) => return self.stats.malformed(m),
        };
        if let Some(frag) = ip.frag {
            let mut evicted = Vec::new();
            let at = Seen { vlan: link.vlan, has_vlan: link.has_vlan, ts_us, frame_no };
            let r = self.defrag.add(at, &ip, frag, &mut evicted);
            for inc in evicted {
                self.incomplete(inc);
            }
            match r {
                FragResult::Pending => {}
                FragResult::Bad(inc) => {
                    self.stats.malformed(Malformed::BadFragment);
                    self.incomplete(inc);
                }
                FragResult::Complete(r) => {
                    self.stats.datagrams_reassembled += 1;
                    match parse_l4(ip.proto, &r.payload) {
                        Ok(l4) => self.packet(PktFacts {
                            vlan: link.vlan,
                            has_vlan: link.has_vlan,
                            src: ip.src,
                            dst: ip.dst,
                            proto: ip.proto,
                            l4,
                            pkts: r.pkts,
                            bytes: r.bytes,
                            ts_us,
                            frame_no: r.frame_no,
                        }),
                        // Every fragment frame of the datagram is counted as malformed.
                        Err(m) => self.stats.malformed[m.index()] += r.pkts,
                    }
                }
            }
            return;
        }
        match parse_l4(ip.proto, ip.payload) {
            Ok(l4) => self.packet(PktFacts {
                vlan: link.vlan,
                has_vlan: link.has_vlan,
                src: ip.src,
                dst: ip.dst,
                proto: ip.proto,
                l4,
                pkts: 1,
                bytes: u64::from(ip.ip_len),
                ts_us,
                frame_no,
            }),
            Err(m) => self.stats.malformed(m),
        }
    }

    /// Packets of a datagram that never completed still count, in a flow without ports.
    fn incomplete(&mut self, inc: Incomplete) {
        self.stats.datagrams_incomplete += 1;
        self.packet(PktFacts {
            vlan: inc.vlan,
            has_vlan: inc.has_vlan,
            src: inc.src,
            dst: inc.dst,
            proto: inc.proto,
            l4: L4View { sport: 0, dport: 0, tcp: None, payload: &[] },
            pkts: inc.pkts,
            bytes: inc.bytes,
            ts_us: inc.last_us,
            frame_no: inc.frame_no,
        });
    }

    fn packet(&mut self, p: PktFacts<'_>) {
        let key = FlowKey::new(p.vlan, p.proto, p.src, p.l4.sport, p.dst, p.l4.dport);
        let flags = p.l4.tcp.map(|t| t.flags);
        let is_syn = flags.is_some_and(|f| f & (tcp_flags::SYN | tcp_flags::ACK) == tcp_flags::SYN);
        let (idle, life) = (self.idle_us, self.lifetime_us);
        let mut carry = None;
        let mut slot = self.flows.touch_index(&key);
        if let Some(f) = slot.and_then(|i| self.flows.get_mut(i)) {
            let gap = p.ts_us.saturating_sub(f.last_us);
            let reason = if gap > idle {
                Some(EndReason::Idle)
            } else if f.closed && (gap > TCP_CLOSE_GRACE_US || is_syn) {
                Some(EndReason::TcpClose)
            } else if p.ts_us.saturating_sub(f.first_us) > life {
                Some(EndReason::Lifetime)
            } else {
                None
            };
            if let Some(reason) = reason {
                slot = None;
                if let Some(mut old) = self.flows.remove(&key) {
                    if reason == EndReason::Lifetime {
                        // The flow goes on as a new one, same roles and dissector state.
                        let mut app = std::mem::take(&mut old.app);
                        let mut cont = Flow::continuation(&old, p.frame_no, p.ts_us);
                        let ctx = ProbeCtx { l4: old.proto, cport: old.cport, sport: old.sport, cli: old.cli, srv: old.srv, dir: Dir::ToServer };
                        old.app = app.split_for_lifetime(&ctx);
                        cont.app = app;
                        carry = Some(cont);
                    }
                    self.export(old, reason);
                }
            }
        }
        let slot = match slot {
            Some(i) => i,
            None => {
                if self.flows.len() >= self.max_flows {
                    if let Some((k, _)) = self.flows.oldest() {
                        let k = *k;
                        if let Some(f) = self.flows.remove(&k) {
                            self.stats.flows_evicted += 1;
                            self.export(f, EndReason::Evicted);
                        }
                    }
                }
                let mut f = carry.unwrap_or_else(|| {
                    let reply = dissect::first_packet_is_reply(p.proto, p.l4.sport, p.l4.dport, p.l4.payload);
                    Flow::new(p.frame_no, p.vlan, p.has_vlan, p.proto, p.src, p.dst, p.l4.sport, p.l4.dport, flags, reply, p.ts_us)
                });
                if f.app.proto.is_none() && f.app.l7 == L7::UNKNOWN && !self.expectations.is_empty() {
                    if let Some(e) = self.expectations.iter().position(|e| e.to == f.srv && e.port == f.sport && e.from.is_none_or(|a| a == f.cli)) {
                        f.app.set_l7(self.expectations.remove(e).l7);
                    }
                }
                let i = self.flows.insert_index(key, f);
                self.stats.peak_flows = self.stats.peak_flows.max(self.flows.len() as u64);
                i
            }
        };
        let plugins = &self.plugins;
        let Some(f) = self.flows.get_mut(slot) else { return };
        let was_closed = f.closed;
        let dir = f.dir_of(p.src, p.l4.sport);
        f.account(dir, p.pkts, p.bytes, p.ts_us, flags);
        let ctx = ProbeCtx { l4: f.proto, cport: f.cport, sport: f.sport, cli: f.cli, srv: f.srv, dir };
        if !p.l4.payload.is_empty() || p.l4.tcp.is_some() {
            let tcp = p.l4.tcp.map(|t| (t.seq, t.flags & tcp_flags::SYN != 0));
            f.app.on_payload(&ctx, plugins, tcp, p.l4.payload, p.ts_us);
            if let Some(d) = f.app.dissector.as_mut() {
                let mut exp = d.take_expectations();
                if !exp.is_empty() {
                    self.expectations.append(&mut exp);
                    if self.expectations.len() > MAX_EXPECTATIONS {
                        let extra = self.expectations.len() - MAX_EXPECTATIONS;
                        self.expectations.drain(..extra);
                    }
                }
            }
        }
        if f.closed && !was_closed {
            self.closed.push(key);
        }
    }

    fn tick(&mut self, now: u64) {
        self.now_us = self.now_us.max(now);
        for inc in self.defrag.expire(Some(now)) {
            self.incomplete(inc);
        }
        let idle = self.idle_us;
        while let Some(f) = self.flows.pop_oldest_if(|f| now.saturating_sub(f.last_us) > idle) {
            self.export(f, EndReason::Idle);
        }
        if !self.closed.is_empty() {
            let keys = std::mem::take(&mut self.closed);
            for f in self.flows.remove_where(&keys, |f| f.closed && now.saturating_sub(f.last_us) > TCP_CLOSE_GRACE_US) {
                self.export(f, EndReason::TcpClose);
            }
            let flows = &mut self.flows;
            self.closed = keys.into_iter().filter(|k| flows.contains(k)).collect();
        }
    }

    fn export(&mut self, mut f: Flow, _reason: EndReason) {
        let ctx_of = |dir: Dir| ProbeCtx { l4: f.proto, cport: f.cport, sport: f.sport, cli: f.cli, srv: f.srv, dir };
        let last = f.last_us;
        f.app.finish(ctx_of, last);
        for s in f.app.streams() {
            self.stats.tcp_gaps += u64::from(s.gaps);
        }
        if let Some(d) = f.app.dissector.as_ref() {
            self.stats.dissect_truncated += d.truncated();
        }
        let table = build_table(&f, self.pid, self.geo.as_deref());
        let proto = f.app.proto;
        let dump = match (proto, f.app.dissector.as_ref()) {
            (Some(p), Some(d)) if self.dumps.contains_key(&p) => d.dump_lines(&DumpCtx {
                cli: f.cli,
                srv: f.srv,
                cport: f.cport,
                sport: f.sport,
                first_us: f.first_us,
                last_us: f.last_us,
            }),
            _ => Vec::new(),
        };
        self.pending.push(FlowRecord {
            proto,
            table,
            dump,
            end_secs: f.last_us / 1_000_000,
            src: f.cli,
            dst: f.srv,
            first_us: f.first_us,
            last_us: f.last_us,
        });
        if self.pending.len() >= EXPORT_BATCH {
            self.send_pending();
        }
    }
}
