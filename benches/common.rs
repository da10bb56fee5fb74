//! Shared bench inputs, all from real captures under `../shared/pcaps`.
#![allow(dead_code)]

use std::net::IpAddr;
use std::path::PathBuf;

use engine::decode::ip::{parse_ip, parse_l4};
use engine::decode::locate_ip;
use engine::dissect::{plugin, ProbeCtx, Proto, L7};
use engine::flow::fields::build_table;
use engine::flow::{Dir, Flow};
use engine::table::FieldTable;

pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/pcaps").join(rel)
}

pub fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The frames of a capture, with its link type.
pub fn frames(rel: &str) -> (i32, Vec<Vec<u8>>) {
    let mut c = pcap::Capture::from_file(shared(rel)).expect("open capture");
    let lt = c.get_datalink().0;
    let mut v = Vec::new();
    while let Ok(p) = c.next_packet() {
        v.push(p.data.to_vec());
    }
    (lt, v)
}

/// Transport payloads of a capture (non-empty ones), in order, with their
/// source address and port.
pub fn payloads(rel: &str) -> Vec<(IpAddr, u16, Vec<u8>)> {
    let (lt, fr) = frames(rel);
    fr.iter()
        .filter_map(|f| {
            let l = locate_ip(lt, f).ok()?;
            let ip = parse_ip(l.ip).ok()?;
            let l4 = parse_l4(ip.proto, ip.payload).ok()?;
            (!l4.payload.is_empty()).then(|| (ip.src, l4.sport, l4.payload.to_vec()))
        })
        .collect()
}

/// A flow of `proto` fed with every payload of `rel` (client = sender of
/// the first payload), as the worker would have it at export.
pub fn dissected_flow(rel: &str, proto: Proto, l4: u8) -> Flow {
    let p = payloads(rel);
    let (cli, cport, _) = p[0].clone();
    let (srv, sport) = p.iter().find(|(a, port, _)| (*a, *port) != (cli, cport)).map(|(a, port, _)| (*a, *port)).unwrap_or((cli, 0));
    let mut f = Flow::new(1, 0, false, l4, cli, srv, cport, sport, None, false, 1_494_364_058_000_000);
    let ctx = ProbeCtx { l4, cport, sport, cli, srv, dir: Dir::ToServer };
    let pl = plugin(proto).expect("plugin");
    let mut d = (pl.new)(&ctx);
    for (a, port, bytes) in &p {
        let dir = if (*a, *port) == (cli, cport) { Dir::ToServer } else { Dir::ToClient };
        f.account(dir, 1, bytes.len() as u64 + 28, 1_494_364_058_020_000, None);
        d.on_data(dir, bytes, 1_494_364_058_020_000);
    }
    f.app.proto = Some(proto);
    f.app.l7 = L7::of(proto);
    f.app.dissector = Some(d);
    f
}

/// The table of the first DNS flow of the sample capture: common keys and
/// the DNS keys (12 A answers), about 35 entries.
pub fn dns_table() -> FieldTable {
    build_table(&dissected_flow("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap", Proto::Dns, 17), 4242, None)
}

pub fn http_table() -> FieldTable {
    build_table(&dissected_flow("http/zeek_http-get.pcap", Proto::Http, 6), 4242, None)
}
