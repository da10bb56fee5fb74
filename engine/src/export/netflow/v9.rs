//! Template-based export packets: NetFlow v9 (RFC 3954) and, with
//! [`Flavor::Ipfix`], IPFIX (RFC 7011; its header and template encoding are
//! in `ipfix.rs`). One packer per collector: it fills export packets up to
//! the payload bound with data records, grouped in one set per template,
//! puts the templates at the head of a packet when they are due, and numbers
//! the packets.
//!
//! Templates go out in the first packet and again every
//! [`TEMPLATE_RESEND_PACKETS`] packets or [`TEMPLATE_RESEND_SECS`] seconds
//! (RFC 3954 §9, RFC 7011 §8.4: over UDP they must be resent periodically);
//! over TCP only once per connection (RFC 7011 §8: the session is reliable).
//!
//! v9 times (FIRST/LAST_SWITCHED) are milliseconds of "system uptime", which
//! the header ties to the epoch; see [`Uptime`].

use std::time::Instant;

use super::ipfix;
use super::template::{self, Template, Templates, TimeBase};
use super::{Packet, Uptime};
use crate::export::FlowRecord;

/// Templates are resent after this many export packets (UDP), so a
/// collector that starts late or restarts decodes data soon.
pub const TEMPLATE_RESEND_PACKETS: u32 = 100;
/// ... or after this many seconds of wall time, whichever comes first
/// (nfcapd and most collectors expire templates after several minutes).
pub const TEMPLATE_RESEND_SECS: u64 = 60;
/// NetFlow v9 header: version, count, sysUptime, unix secs, sequence, source id.
pub const V9_HEADER_LEN: usize = 20;
/// Set header: set id and length.
const SET_HEADER_LEN: usize = 4;
/// v9 template flowset id (RFC 3954 §5.2).
const V9_TEMPLATE_SET_ID: u16 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    V9,
    Ipfix,
}

pub struct Packer {
    flavor: Flavor,
    templates: Templates,
    max_payload: usize,
    /// v9 source id / IPFIX observation domain id.
    domain: u32,
    /// v9: packets sent; IPFIX: data records sent (RFC 7011 §3.1).
    seq: u32,
    buf: Vec<u8>,
    scratch: Vec<u8>,
    /// Records in `buf` (v9's header count: template and data records).
    count: u16,
    data_records: u32,
    /// The open data set: (template id, start offset).
    set: Option<(u16, usize)>,
    /// Resend templates periodically (UDP) or only after `reset` (TCP).
    periodic: bool,
    templates_due: bool,
    packets_since_templates: u32,
    templates_at: Option<Instant>,
    uptime: Uptime,
    /// Latest packet time seen, ms since the epoch: the export clock.
    now_ms: u64,
    /// Flows in packets not yet finished.
    pending_flows: u64,
}

impl Packer {
    pub fn new(flavor: Flavor, mut templates: Templates, max_payload: usize, domain: u32, periodic: bool) -> Result<Packer, String> {
        let ipfix = flavor == Flavor::Ipfix;
        let header = if ipfix { ipfix::HEADER_LEN } else { V9_HEADER_LEN };
        // A record must fit a packet with its header and set header (and v9 padding).
        let room = max_payload.saturating_sub(header + SET_HEADER_LEN + 3);
        for t in [&mut templates.v4, &mut templates.v6] {
            let changed = template::fit(t, room, ipfix).map_err(|e| format!("{e}: raise --max-export-payload ({max_payload})"))?;
            if !changed.is_empty() {
                let list: Vec<String> = changed.iter().map(|(n, a, b)| format!("%{n} {a}->{b}")).collect();
                eprintln!(
                    "[EXPORT] template {} shortened to fit {max_payload}-byte export packets: {} (raise --max-export-payload to keep them)",
                    t.id,
                    list.join(", ")
                );
            }
        }
        let p = Packer {
            flavor,
            templates,
            max_payload,
            domain,
            seq: 0,
            buf: Vec::with_capacity(max_payload),
            scratch: Vec::with_capacity(512),
            count: 0,
            data_records: 0,
            set: None,
            periodic,
            // Over TCP the sender asks for a templates-only message on each
            // new connection instead.
            templates_due: periodic,
            packets_since_templates: 0,
            templates_at: None,
            uptime: Uptime::default(),
            now_ms: 0,
            pending_flows: 0,
        };
        let tpl = p.header_len() + p.template_set_len();
        if tpl > max_payload {
            return Err(format!(
                "the templates ({tpl} bytes with the header) do not fit an export packet of {max_payload} bytes: use fewer elements, or raise --max-export-payload"
            ));
        }
        Ok(p)
    }

    fn ipfix(&self) -> bool {
        self.flavor == Flavor::Ipfix
    }

    fn header_len(&self) -> usize {
        if self.ipfix() {
            ipfix::HEADER_LEN
        } else {
            V9_HEADER_LEN
        }
    }

    fn template_set_len(&self) -> usize {
        let mut v = Vec::new();
        self.write_templates(&mut v);
        v.len()
    }

    fn write_templates(&self, out: &mut Vec<u8>) {
        if self.ipfix() {
            ipfix::template_set(out, &[&self.templates.v4, &self.templates.v6]);
        } else {
            v9_template_set(out, &[&self.templates.v4, &self.templates.v6]);
        }
    }

    /// A message with the templates only, for a new TCP connection (sent
    /// before any data on it). Its sequence number is the current one: it
    /// carries no data records.
    pub fn templates_message(&mut self) -> Vec<u8> {
        let mut m = vec![0; self.header_len()];
        self.write_templates(&mut m);
        let unix_secs = self.now_ms.div_ceil(1000) as u32;
        if self.ipfix() {
            ipfix::header(&mut m, unix_secs, self.seq, self.domain);
        }
        m
    }

    pub fn pending_flows(&self) -> u64 {
        self.pending_flows
    }

    /// Adds one flow; finished packets are appended to `out`.
    pub fn add(&mut self, rec: &FlowRecord, out: &mut Vec<Packet>) {
        let (first_ms, last_ms) = (rec.first_us / 1000, rec.last_us / 1000);
        let mut now = self.now_ms.max(last_ms);
        let time = if self.ipfix() {
            TimeBase::Absolute
        } else {
            if !self.uptime.fits(first_ms, now) {
                // A packet's records share its header's uptime: finish it
                // first. The clock restarts from this flow (a capture can
                // jump years back or forth between flows).
                self.flush(out);
                self.uptime.rebase(first_ms);
                now = last_ms;
            }
            TimeBase::Uptime(self.uptime.boot_ms())
        };
        self.now_ms = now;
        let ipfix = self.ipfix();
        let t: &Template = self.templates.for_addr(rec.src);
        let tid = t.id;
        self.scratch.clear();
        template::write_record(&mut self.scratch, t, rec, time, ipfix);
        let open_needed = self.set.map(|(id, _)| id) != Some(tid);
        let need = self.scratch.len() + if open_needed { SET_HEADER_LEN } else { 0 } + 3;
        if !self.buf.is_empty() && self.buf.len() + need > self.max_payload {
            self.flush(out);
        }
        if self.buf.is_empty() {
            self.start_packet(self.scratch.len() + SET_HEADER_LEN + 3, out);
        }
        if self.set.map(|(id, _)| id) != Some(tid) {
            self.close_set();
            self.set = Some((tid, self.buf.len()));
            self.buf.extend_from_slice(&tid.to_be_bytes());
            self.buf.extend_from_slice(&[0, 0]);
        }
        self.buf.extend_from_slice(&self.scratch);
        self.count = self.count.saturating_add(1);
        self.data_records += 1;
        self.pending_flows += 1;
    }

    /// Starts a packet: the header, and the templates when due. Templates
    /// that do not fit beside the first record go out in a packet of their own.
    fn start_packet(&mut self, record_need: usize, out: &mut Vec<Packet>) {
        self.buf.resize(self.header_len(), 0);
        let age_due = self.templates_at.is_some_and(|t| t.elapsed().as_secs() >= TEMPLATE_RESEND_SECS);
        let count_due = self.packets_since_templates >= TEMPLATE_RESEND_PACKETS;
        if self.templates_due || (self.periodic && (age_due || count_due)) {
            let mut v = Vec::new();
            self.write_templates(&mut v);
            self.buf.extend_from_slice(&v);
            self.count = 2;
            self.templates_due = false;
            self.packets_since_templates = 0;
            self.templates_at = Some(Instant::now());
            if self.buf.len() + record_need > self.max_payload {
                self.flush(out);
                self.buf.resize(self.header_len(), 0);
            }
        }
    }

    /// Pads the open data set to 4 bytes (v9 RFC 3954 §5.3; optional in
    /// IPFIX, not done there) and writes its length.
    fn close_set(&mut self) {
        if let Some((_, start)) = self.set.take() {
            if !self.ipfix() {
                while (self.buf.len() - start) & 3 != 0 {
                    self.buf.push(0);
                }
            }
            let len = (self.buf.len() - start) as u16;
            self.buf[start + 2..start + 4].copy_from_slice(&len.to_be_bytes());
        }
    }

    /// Finishes the packet under way, if any.
    pub fn flush(&mut self, out: &mut Vec<Packet>) {
        if self.buf.is_empty() {
            return;
        }
        self.close_set();
        let unix_secs = self.now_ms.div_ceil(1000);
        if self.ipfix() {
            ipfix::header(&mut self.buf, unix_secs as u32, self.seq, self.domain);
            self.seq = self.seq.wrapping_add(self.data_records);
        } else {
            let uptime = (unix_secs * 1000).saturating_sub(self.uptime.boot_ms()) as u32;
            let h = &mut self.buf[..V9_HEADER_LEN];
            h[0..2].copy_from_slice(&9u16.to_be_bytes());
            h[2..4].copy_from_slice(&self.count.to_be_bytes());
            h[4..8].copy_from_slice(&uptime.to_be_bytes());
            h[8..12].copy_from_slice(&(unix_secs as u32).to_be_bytes());
            h[12..16].copy_from_slice(&self.seq.to_be_bytes());
            h[16..20].copy_from_slice(&self.domain.to_be_bytes());
            self.seq = self.seq.wrapping_add(1);
        }
        out.push((std::mem::replace(&mut self.buf, Vec::with_capacity(self.max_payload)), self.pending_flows));
        self.count = 0;
        self.data_records = 0;
        self.pending_flows = 0;
        self.packets_since_templates += 1;
    }
}

/// A v9 template flowset: (template id, field count, (type, length)*)*.
fn v9_template_set(out: &mut Vec<u8>, ts: &[&Template]) {
    let start = out.len();
    out.extend_from_slice(&V9_TEMPLATE_SET_ID.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    for t in ts {
        out.extend_from_slice(&t.id.to_be_bytes());
        out.extend_from_slice(&(t.fields.len() as u16).to_be_bytes());
        for f in &t.fields {
            out.extend_from_slice(&f.elem.id.to_be_bytes());
            out.extend_from_slice(&f.len.to_be_bytes());
        }
    }
    let len = (out.len() - start) as u16;
    out[start + 2..start + 4].copy_from_slice(&len.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::netflow::template::{parse, DEFAULT_TEMPLATE};
    use crate::export::netflow::tests::rec;

    fn u16_at(b: &[u8], i: usize) -> u16 {
        u16::from_be_bytes([b[i], b[i + 1]])
    }
    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
    }

    #[test]
    fn packets_stay_within_the_payload_and_carry_templates_first() {
        let mut p = Packer::new(Flavor::V9, parse(DEFAULT_TEMPLATE).unwrap(), 1472, 7, true).unwrap();
        let mut out = Vec::new();
        for i in 0..200u64 {
            let mut r = rec(if i % 3 == 0 { "2001:db8::1" } else { "10.0.0.1" }, if i % 3 == 0 { "2001:db8::2" } else { "10.0.0.2" });
            r.first_us += i * 1000;
            r.last_us += i * 1000;
            p.add(&r, &mut out);
        }
        p.flush(&mut out);
        assert!(out.len() > 3);
        let mut total = 0;
        for (n, (pkt, _)) in out.iter().enumerate() {
            assert!(pkt.len() <= 1472);
            assert_eq!(u16_at(pkt, 0), 9);
            assert_eq!(u32_at(pkt, 12), n as u32, "sequence counts packets");
            assert_eq!(u32_at(pkt, 16), 7);
            // Walk the flowsets: lengths add up to the packet.
            let (mut off, mut records) = (V9_HEADER_LEN, 0);
            while off < pkt.len() {
                let (id, len) = (u16_at(pkt, off), usize::from(u16_at(pkt, off + 2)));
                assert!(len >= 4 && off + len <= pkt.len() && len % 4 == 0);
                if id == 0 {
                    assert_eq!(n, 0, "templates only in the first packet");
                    records += 2;
                } else {
                    let rl = if id == V4_ID { v4_len() } else { v6_len() };
                    records += (len - 4) / rl;
                    total += (len - 4) / rl;
                }
                off += len;
            }
            assert_eq!(usize::from(u16_at(pkt, 2)), records);
        }
        assert_eq!(total, 200);
    }

    const V4_ID: u16 = template::V4_TEMPLATE_ID;
    fn v4_len() -> usize {
        template::max_record_len(&parse(DEFAULT_TEMPLATE).unwrap().v4, false)
    }
    fn v6_len() -> usize {
        template::max_record_len(&parse(DEFAULT_TEMPLATE).unwrap().v6, false)
    }

    #[test]
    fn uptime_ties_first_switched_to_the_epoch() {
        let mut p = Packer::new(Flavor::V9, parse("%IPV4_SRC_ADDR %FIRST_SWITCHED %LAST_SWITCHED").unwrap(), 1472, 0, true).unwrap();
        let mut out = Vec::new();
        let r = rec("10.0.0.1", "10.0.0.2");
        p.add(&r, &mut out);
        p.flush(&mut out);
        let pkt = &out[0].0;
        let (uptime, secs) = (u64::from(u32_at(pkt, 4)), u64::from(u32_at(pkt, 8)));
        let boot = secs * 1000 - uptime;
        // The data set follows the template set.
        let data = V9_HEADER_LEN + usize::from(u16_at(pkt, V9_HEADER_LEN + 2));
        let first = u64::from(u32_at(pkt, data + 4 + 4));
        let last = u64::from(u32_at(pkt, data + 4 + 8));
        assert_eq!(boot + first, r.first_us / 1000);
        assert_eq!(boot + last, r.last_us / 1000);
    }

    #[test]
    fn a_clock_jump_of_years_keeps_times_exact() {
        // ndpi_1kxun.pcap mixes flows of 2016 and 2022.
        let mut p = Packer::new(Flavor::V9, parse("%IPV4_SRC_ADDR %FIRST_SWITCHED %LAST_SWITCHED").unwrap(), 1472, 0, true).unwrap();
        let mut out = Vec::new();
        let mut times = Vec::new();
        for (i, start) in [1_654_385_232_000_000u64, 1_470_104_373_000_000, 1_654_385_240_000_000, 1_470_104_380_000_000].iter().enumerate() {
            let mut r = rec("10.0.0.1", "10.0.0.2");
            r.first_us = *start;
            r.last_us = start + 1_500_000 + i as u64;
            times.push((r.first_us / 1000, r.last_us / 1000));
            p.add(&r, &mut out);
        }
        p.flush(&mut out);
        let mut got = Vec::new();
        for (pkt, _) in &out {
            let boot = u64::from(u32_at(pkt, 8)) * 1000 - u64::from(u32_at(pkt, 4));
            let mut off = V9_HEADER_LEN;
            while off < pkt.len() {
                let (id, len) = (u16_at(pkt, off), usize::from(u16_at(pkt, off + 2)));
                if id >= 256 {
                    for r in pkt[off + 4..off + len].chunks_exact(12) {
                        got.push((boot + u64::from(u32_at(r, 4)), boot + u64::from(u32_at(r, 8))));
                    }
                }
                off += len;
            }
        }
        assert_eq!(got, times);
    }

    #[test]
    fn strings_shrink_to_fit_and_only_strings() {
        let big = "%HTTP_URL %HTTP_USER_AGENT %HTTP_MIME %HTTP_VIA %HTTP_X_FORWARDED_FOR %DNS_QUERY %DNS_RESPONSE";
        for flavor in [Flavor::V9, Flavor::Ipfix] {
            let p = Packer::new(flavor, parse(big).unwrap(), 1472, 0, true).unwrap();
            let ipfix = flavor == Flavor::Ipfix;
            let max = template::max_record_len(&p.templates.v4, ipfix);
            let room = 1472 - if ipfix { 16 } else { 20 } - 4 - 3;
            assert!(max <= room && max > room - 8, "{max}");
        }
        // Numbers and addresses fit 256 bytes; with eleven strings of at
        // least 16 bytes added they cannot.
        let many = "%IPV6_SRC_ADDR %IPV6_DST_ADDR %IPV6_NEXT_HOP %IN_BYTES %OUT_BYTES %IN_PKTS %OUT_PKTS".to_string();
        assert!(Packer::new(Flavor::V9, parse(&many).unwrap(), 256, 0, true).is_ok());
        assert!(Packer::new(Flavor::V9, parse(&(many + " %DNS_QUERY %HTTP_URL %HTTP_HOST %HTTP_MIME %HTTP_VIA %SIP_CALL_ID %SIP_UAC %SIP_UAS %FTP_LOGIN %POP_USER %IMAP_LOGIN")).unwrap(), 256, 0, true).is_err());
    }
}
