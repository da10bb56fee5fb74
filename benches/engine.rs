//! Engine micro-benches on real capture bytes: per-packet decode, flow table
//! insert/lookup, each dissector on a representative flow, building the
//! field table, and the whole pipeline on a small capture.
//! `cargo bench --bench engine`.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use engine::config::Source;
use engine::decode::ip::{parse_ip, parse_l4};
use engine::decode::locate_ip;
use engine::dissect::{plugin, ProbeCtx, Proto};
use engine::flow::fields::build_table;
use engine::flow::table::FlowTable;
use engine::flow::{Dir, Flow, FlowKey};
use engine::Config;

fn decode(c: &mut Criterion) {
    // http/zeek_http-get.pcap: Ethernet/IPv4/TCP frames.
    let (lt, frames) = common::frames("http/zeek_http-get.pcap");
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("eth_ipv4_tcp", |b| {
        b.iter(|| {
            let mut n = 0;
            for f in &frames {
                if let Ok(l) = locate_ip(lt, f) {
                    if let Ok(ip) = parse_ip(l.ip) {
                        if let Ok(l4) = parse_l4(ip.proto, ip.payload) {
                            n += l4.payload.len();
                        }
                    }
                }
            }
            n
        })
    });
    g.finish();
}

fn flows(c: &mut Criterion) {
    const N: u32 = 10_000;
    let keys: Vec<FlowKey> = (0..N)
        .map(|i| {
            let a = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i));
            FlowKey::new(0, 6, a, 40000 + (i % 20000) as u16, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 80)
        })
        .collect();
    let mut g = c.benchmark_group("flow_table");
    g.throughput(Throughput::Elements(u64::from(N)));
    g.bench_function("insert_10k", |b| {
        b.iter_batched(
            FlowTable::new,
            |mut t| {
                for k in &keys {
                    t.insert_index(*k, Flow::new(1, 0, false, 6, k.a.0, k.b.0, k.a.1, k.b.1, None, false, 0));
                }
                t
            },
            BatchSize::LargeInput,
        )
    });
    let mut t = FlowTable::new();
    for k in &keys {
        t.insert_index(*k, Flow::new(1, 0, false, 6, k.a.0, k.b.0, k.a.1, k.b.1, None, false, 0));
    }
    g.bench_function("lookup_10k", |b| {
        b.iter(|| {
            let mut hit = 0;
            for k in &keys {
                hit += usize::from(t.touch_index(k).is_some());
            }
            hit
        })
    });
    g.finish();
}

fn dissect(c: &mut Criterion) {
    let mut g = c.benchmark_group("dissect");
    for (name, rel, proto, l4) in [
        ("dns", "dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap", Proto::Dns, 17u8),
        ("http", "http/zeek_http-get.pcap", Proto::Http, 6),
        ("sip", "sip/suricata_sip_compact_form.pcap", Proto::Sip, 17),
        ("dhcp", "dhcp/zeek_dhcp.pcap", Proto::Dhcp, 17),
        ("radius", "radius/zeek_radius.pcap", Proto::Radius, 17),
        ("gtpv1", "gtpv1/zeek_gtp_create_pdp_ctx.pcap", Proto::Gtpv1, 17),
    ] {
        let Some(pl) = plugin(proto) else { continue };
        let p = common::payloads(rel);
        let (cli, cport, _) = p[0].clone();
        let ctx = ProbeCtx { l4, cport, sport: 0, cli, srv: cli, dir: Dir::ToServer };
        let bytes: u64 = p.iter().map(|x| x.2.len() as u64).sum();
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut d = (pl.new)(&ctx);
                for (a, port, data) in &p {
                    let dir = if (*a, *port) == (cli, cport) { Dir::ToServer } else { Dir::ToClient };
                    d.on_data(dir, data, 0);
                }
                let mut t = engine::table::FieldTable::default();
                d.push_fields(&mut t);
                t
            })
        });
    }
    g.finish();
}

fn table(c: &mut Criterion) {
    let f = common::dissected_flow("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap", Proto::Dns, 17);
    let mut g = c.benchmark_group("table");
    g.bench_function("build_dns", |b| b.iter(|| build_table(&f, 4242, None)));
    let mut buf = Vec::new();
    let t = build_table(&f, 4242, None);
    g.bench_function("encode_dns_for_wasm", |b| b.iter(|| engine::hook::encode::encode(Proto::Dns, &t, &mut buf)));
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    // mixed/ndpi_1kxun.pcap: 1723 frames of mixed LAN traffic, all plugins on.
    let mut cfg = Config::new(Source::File(common::shared("mixed/ndpi_1kxun.pcap")));
    cfg.threads = 1;
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(1723));
    g.bench_function("1kxun_threads1", |b| b.iter(|| engine::run(&cfg, Vec::new(), Vec::new(), Arc::new(AtomicBool::new(false))).unwrap()));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = decode, flows, dissect, table, pipeline
}
criterion_main!(benches);
