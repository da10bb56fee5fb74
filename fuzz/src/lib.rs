//! Fuzz harnesses. Every dissector is driven through the same interface the
//! engine uses: probe, then `on_data` with the input cut into chunks in both
//! directions (TCP and UDP), then the table, dump lines and expectations.
//! The first input byte chooses the chunking, so the fuzzer explores how
//! stream boundaries fall.

use std::net::{IpAddr, Ipv4Addr};

use engine::dissect::{plugin, DumpCtx, ProbeCtx, Proto};
use engine::flow::Dir;
use engine::table::FieldTable;

pub fn dissect(p: Proto, data: &[u8]) {
    let Some(plugin) = plugin(p) else { return };
    let Some((&ctl, body)) = data.split_first() else { return };
    let chunk = usize::from(ctl & 0x3f).max(1) * 7;
    let (cli, srv) = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
    for l4 in [6u8, 17u8] {
        let ctx = ProbeCtx { l4, cport: 40000, sport: u16::from(ctl) * 31, cli, srv, dir: Dir::ToServer };
        let _ = (plugin.probe)(&ctx, body);
        let mut d = (plugin.new)(&ctx);
        for (i, c) in body.chunks(if l4 == 6 { chunk } else { body.len().max(1) }).enumerate() {
            let dir = if ctl & 0x40 != 0 && i % 2 == 1 { Dir::ToClient } else { Dir::ToServer };
            d.on_data(dir, c, 1_700_000_000_000_000 + i as u64);
        }
        let mut t = FieldTable::default();
        d.push_fields(&mut t);
        let _ = d.l7();
        let _ = d.take_expectations();
        let _ = d.truncated();
        let _ = d.dump_lines(&DumpCtx { cli, srv, cport: 40000, sport: ctx.sport, first_us: 0, last_us: 1 });
        // Every declared key is pushed, once, in order.
        let keys: Vec<&str> = t.iter().map(|(k, _)| k).collect();
        let want: Vec<&str> = plugin.fields.iter().map(|f| f.key).collect();
        assert_eq!(keys, want);
    }
}

/// Link layer to transport, for every supported link type.
pub fn decode(data: &[u8]) {
    use engine::decode::ip::{parse_ip, parse_l4};
    use engine::decode::link::linktype::*;
    let Some((&sel, frame)) = data.split_first() else { return };
    let lt = [NULL, ETHERNET, RAW, LOOP, LINUX_SLL, LINUX_SLL2, IPV4, IPV6][usize::from(sel) % 8];
    if let Ok(l) = engine::decode::locate_ip(lt, frame) {
        let _ = engine::decode::shard_hash(&l);
        if let Ok(ip) = parse_ip(l.ip) {
            let _ = parse_l4(ip.proto, ip.payload);
        }
    }
}

/// The classic pcap savefile parser the memory-mapped reader uses: a file
/// header, then records until the bytes end or one is corrupt. Each whole
/// record must lie inside the input.
pub fn savefile(data: &[u8]) {
    use engine::capture::savefile::{parse_file_header, parse_record, Record, FILE_HEADER_LEN, RECORD_HEADER_LEN};
    let Some(h) = parse_file_header(data) else { return };
    let mut at = FILE_HEADER_LEN;
    while let Some(rest) = data.get(at..) {
        match parse_record(&h, rest) {
            Record::Whole(r) => {
                let end = at + RECORD_HEADER_LEN + r.caplen as usize;
                assert!(end <= data.len());
                at = end;
            }
            Record::Partial | Record::Bad(_) => break,
        }
    }
}
