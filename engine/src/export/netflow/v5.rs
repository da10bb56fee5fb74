//! NetFlow v5 export packets: Cisco's fixed format, a 24-byte header and
//! 48-byte records, IPv4 only. v5 records are one-way, so a flow becomes one
//! record for initiator -> responder and, if the responder sent anything,
//! one for responder -> initiator. IPv6 flows cannot be carried: they are
//! skipped and counted. `-T` does not apply.
//!
//! Times are system uptime in milliseconds, tied to the epoch by the header
//! (see [`super::Uptime`]). Interface indexes, next hop, TOS, AS numbers and
//! masks are not known to a probe reading packets: they are 0.

use std::net::IpAddr;

use super::{Packet, Uptime};
use crate::export::FlowRecord;
use crate::table::Value;

pub const HEADER_LEN: usize = 24;
pub const RECORD_LEN: usize = 48;
/// The v5 format's own bound on records per packet ("count: 1-30").
pub const MAX_RECORDS: usize = 30;

pub struct V5 {
    buf: Vec<u8>,
    count: usize,
    max_records: usize,
    /// Records sent before this packet (the header's flow_sequence).
    flow_seq: u32,
    uptime: Uptime,
    now_ms: u64,
    pending_flows: u64,
}

impl V5 {
    pub fn new(max_payload: usize) -> Result<V5, String> {
        let max_records = (max_payload.saturating_sub(HEADER_LEN) / RECORD_LEN).min(MAX_RECORDS);
        if max_records == 0 {
            return Err(format!("an export packet of {max_payload} bytes cannot hold one NetFlow v5 record"));
        }
        Ok(V5 { buf: Vec::new(), count: 0, max_records, flow_seq: 0, uptime: Uptime::default(), now_ms: 0, pending_flows: 0 })
    }

    pub fn pending_flows(&self) -> u64 {
        self.pending_flows
    }

    /// Adds a flow: returns the number of records it became (0: IPv6, skipped).
    pub fn add(&mut self, rec: &FlowRecord, out: &mut Vec<Packet>) -> usize {
        let (IpAddr::V4(src), IpAddr::V4(dst)) = (rec.src, rec.dst) else { return 0 };
        let (first_ms, last_ms) = (rec.first_us / 1000, rec.last_us / 1000);
        let mut now = self.now_ms.max(last_ms);
        if !self.uptime.fits(first_ms, now) {
            // See v9.rs: finish the packet, restart the clock from this flow.
            self.flush(out);
            self.uptime.rebase(first_ms);
            now = last_ms;
        }
        self.now_ms = now;
        let boot = self.uptime.boot_ms();
        let int = |k: &str| rec.table.get(k).and_then(Value::as_int).unwrap_or(0).max(0) as u64;
        let (sport, dport) = (int("flow.sport") as u16, int("flow.dport") as u16);
        let (proto, flags) = (int("flow.protocol") as u8, int("flow.tcp_flags") as u8);
        let first = first_ms.saturating_sub(boot) as u32;
        let last = last_ms.saturating_sub(boot) as u32;
        let mut dirs = vec![(src, dst, sport, dport, int("flow.in_pkts"), int("flow.in_bytes"))];
        if int("flow.out_pkts") > 0 {
            dirs.push((dst, src, dport, sport, int("flow.out_pkts"), int("flow.out_bytes")));
        }
        let n = dirs.len();
        for (s, d, sp, dp, pkts, bytes) in dirs {
            if self.count == self.max_records {
                self.flush(out);
            }
            if self.count == 0 {
                self.buf.resize(HEADER_LEN, 0);
            }
            let b = &mut self.buf;
            b.extend_from_slice(&s.octets());
            b.extend_from_slice(&d.octets());
            b.extend_from_slice(&[0; 4]); // nexthop
            b.extend_from_slice(&[0; 4]); // input, output
            b.extend_from_slice(&(pkts.min(u64::from(u32::MAX)) as u32).to_be_bytes());
            b.extend_from_slice(&(bytes.min(u64::from(u32::MAX)) as u32).to_be_bytes());
            b.extend_from_slice(&first.to_be_bytes());
            b.extend_from_slice(&last.to_be_bytes());
            b.extend_from_slice(&sp.to_be_bytes());
            b.extend_from_slice(&dp.to_be_bytes());
            b.extend_from_slice(&[0, flags, proto, 0]); // pad1, tcp_flags, prot, tos
            b.extend_from_slice(&[0; 4]); // src_as, dst_as
            b.extend_from_slice(&[0; 4]); // src_mask, dst_mask, pad2
            self.count += 1;
        }
        self.pending_flows += 1;
        n
    }

    pub fn flush(&mut self, out: &mut Vec<Packet>) {
        if self.count == 0 {
            return;
        }
        let unix_secs = self.now_ms.div_ceil(1000);
        let uptime = (unix_secs * 1000).saturating_sub(self.uptime.boot_ms()) as u32;
        let h = &mut self.buf[..HEADER_LEN];
        h[0..2].copy_from_slice(&5u16.to_be_bytes());
        h[2..4].copy_from_slice(&(self.count as u16).to_be_bytes());
        h[4..8].copy_from_slice(&uptime.to_be_bytes());
        h[8..12].copy_from_slice(&(unix_secs as u32).to_be_bytes());
        h[12..16].copy_from_slice(&0u32.to_be_bytes());
        h[16..20].copy_from_slice(&self.flow_seq.to_be_bytes());
        h[20..24].copy_from_slice(&[0, 0, 0, 0]); // engine type/id, sampling
        self.flow_seq = self.flow_seq.wrapping_add(self.count as u32);
        out.push((std::mem::take(&mut self.buf), self.pending_flows));
        self.count = 0;
        self.pending_flows = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::netflow::tests::rec;
    use crate::flow::fields;

    #[test]
    fn records_are_48_bytes_both_ways_and_ipv6_is_skipped() {
        let mut v = V5::new(1472).unwrap();
        let mut out = Vec::new();
        let mut r = rec("10.0.0.1", "10.0.0.2");
        r.table.push(&fields::OUT_PKTS, 1u64);
        r.table.push(&fields::OUT_BYTES, 90u64);
        assert_eq!(v.add(&r, &mut out), 2);
        assert_eq!(v.add(&rec("2001:db8::1", "2001:db8::2"), &mut out), 0);
        for _ in 0..15 {
            v.add(&r, &mut out);
        }
        v.flush(&mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0.len(), HEADER_LEN + 30 * RECORD_LEN);
        assert_eq!(out[1].0.len(), HEADER_LEN + 2 * RECORD_LEN);
        assert_eq!(&out[1].0[16..20], &30u32.to_be_bytes());
        assert_eq!((out[0].1, out[1].1), (15, 1), "flows per packet (a flow split over two counts in the second)");
        let p = &out[0].0;
        let rec0 = &p[HEADER_LEN..HEADER_LEN + RECORD_LEN];
        let rec1 = &p[HEADER_LEN + RECORD_LEN..HEADER_LEN + 2 * RECORD_LEN];
        assert_eq!(&rec0[0..8], &[10, 0, 0, 1, 10, 0, 0, 2]);
        assert_eq!(&rec0[16..24], &[0, 0, 0, 2, 0, 0, 0, 150]);
        assert_eq!(&rec0[32..36], &[0x04, 0xd2, 0, 53]);
        assert_eq!(rec0[38], 17);
        assert_eq!(&rec1[0..8], &[10, 0, 0, 2, 10, 0, 0, 1]);
        assert_eq!(&rec1[16..24], &[0, 0, 0, 1, 0, 0, 0, 90]);
        assert_eq!(&rec1[32..36], &[0, 53, 0x04, 0xd2]);
        let (uptime, secs) = (u32::from_be_bytes(p[4..8].try_into().unwrap()), u32::from_be_bytes(p[8..12].try_into().unwrap()));
        let first = u32::from_be_bytes(rec0[24..28].try_into().unwrap());
        assert_eq!(u64::from(secs) * 1000 - u64::from(uptime) + u64::from(first), r.first_us / 1000);
    }
}
