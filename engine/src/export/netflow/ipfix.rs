//! IPFIX (RFC 7011) message header and template set. The packing itself is
//! shared with NetFlow v9 (`v9.rs`, [`super::v9::Flavor::Ipfix`]).
//!
//! ntop's elements carry the enterprise bit and ntop's private enterprise
//! number 35632 with id = v9 id - 57472 (nProbe's documented mapping, e.g.
//! DNS_QUERY 57677 = 35632.205). nProbe's "varlen" strings are sent as
//! variable-length fields (template length 65535, RFC 7011 §7). IPFIX has
//! no uptime in its header, so FIRST/LAST_SWITCHED go out as
//! flowStartMilliseconds/flowEndMilliseconds (152/153, absolute).

use super::template::Template;

/// Version, length, export time, sequence number, observation domain id.
pub const HEADER_LEN: usize = 16;
/// Template set id (RFC 7011 §3.3.2).
const TEMPLATE_SET_ID: u16 = 2;
/// Field length meaning "variable length" (RFC 7011 §7).
const VARLEN: u16 = 65535;

/// Fills in the message header at the start of `msg` (its length is the
/// whole message).
pub fn header(msg: &mut [u8], export_secs: u32, seq: u32, domain: u32) {
    let len = msg.len() as u16;
    let Some(h) = msg.get_mut(..HEADER_LEN) else { return };
    h[0..2].copy_from_slice(&10u16.to_be_bytes());
    h[2..4].copy_from_slice(&len.to_be_bytes());
    h[4..8].copy_from_slice(&export_secs.to_be_bytes());
    h[8..12].copy_from_slice(&seq.to_be_bytes());
    h[12..16].copy_from_slice(&domain.to_be_bytes());
}

/// One template set holding the templates.
pub fn template_set(out: &mut Vec<u8>, ts: &[&Template]) {
    let start = out.len();
    out.extend_from_slice(&TEMPLATE_SET_ID.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    for t in ts {
        out.extend_from_slice(&t.id.to_be_bytes());
        out.extend_from_slice(&(t.fields.len() as u16).to_be_bytes());
        for f in &t.fields {
            let e = f.elem;
            let (pen, id) = e.ipfix_id();
            let len = if e.varlen { VARLEN } else { f.wire_len(true) };
            match pen {
                Some(pen) => {
                    out.extend_from_slice(&(id | 0x8000).to_be_bytes());
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(&pen.to_be_bytes());
                }
                None => {
                    out.extend_from_slice(&id.to_be_bytes());
                    out.extend_from_slice(&len.to_be_bytes());
                }
            }
        }
    }
    let len = (out.len() - start) as u16;
    out[start + 2..start + 4].copy_from_slice(&len.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::netflow::template::parse;
    use crate::export::netflow::tests::rec;
    use crate::export::netflow::v9::{Flavor, Packer};

    #[test]
    fn enterprise_elements_and_sequence_counts_records() {
        let t = parse("%IPV4_SRC_ADDR %FIRST_SWITCHED %L7_PROTO %DNS_QUERY").unwrap();
        let mut ts = Vec::new();
        template_set(&mut ts, &[&t.v4]);
        // set hdr, tid 257, 4 fields; IPV4_SRC_ADDR(8,4); 152/8; L7_PROTO 0x8000|118, 2, PEN; DNS_QUERY 0x8000|205, 65535, PEN
        assert_eq!(&ts[4..8], &[1, 1, 0, 4]);
        assert_eq!(&ts[8..16], &[0, 8, 0, 4, 0, 152, 0, 8]);
        assert_eq!(&ts[16..24], &[0x80, 118, 0, 2, 0, 0, 0x8b, 0x30]);
        assert_eq!(&ts[24..28], &[0x80, 205, 0xff, 0xff]);

        let mut p = Packer::new(Flavor::Ipfix, t, 1472, 3, true).unwrap();
        let mut out = Vec::new();
        for _ in 0..3 {
            p.add(&rec("10.0.0.1", "10.0.0.2"), &mut out);
        }
        p.flush(&mut out);
        for _ in 0..2 {
            p.add(&rec("10.0.0.1", "10.0.0.2"), &mut out);
        }
        p.flush(&mut out);
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].1, out[1].1), (3, 2));
        let out: Vec<Vec<u8>> = out.into_iter().map(|p| p.0).collect();
        assert_eq!(u16::from_be_bytes([out[0][0], out[0][1]]), 10);
        assert_eq!(usize::from(u16::from_be_bytes([out[0][2], out[0][3]])), out[0].len());
        assert_eq!(&out[0][8..12], &0u32.to_be_bytes());
        assert_eq!(&out[1][8..12], &3u32.to_be_bytes(), "sequence: data records sent before");
        assert_eq!(&out[1][12..16], &3u32.to_be_bytes());
    }
}
