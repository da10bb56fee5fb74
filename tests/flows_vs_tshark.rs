//! Flows against the tshark oracle: for captures from every folder of
//! `../shared/pcaps`, the TCP/UDP flows (count, endpoints, packets and IP bytes
//! per direction, first/last time) agree with what tshark's conversations
//! give. Expected files: `tests/oracle/*.flows.tsv`, made by
//! `tests/oracle/make_all.sh` (tshark 4.0.17).

mod common;
use common::*;

struct Expected {
    proto: i64,
    ep1: String,
    ep2: String,
    p12: i64,
    b12: i64,
    p21: i64,
    b21: i64,
    first_us: i64,
    last_us: i64,
}

fn load(oracle: &str) -> Vec<Expected> {
    let text = std::fs::read_to_string(repo(&format!("tests/oracle/{oracle}"))).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let n = |i: usize| c[i].parse::<i64>().unwrap();
            Expected {
                proto: if c[0] == "tcp" { 6 } else { 17 },
                ep1: c[1].into(),
                ep2: c[2].into(),
                p12: n(3),
                b12: n(4),
                p21: n(5),
                b21: n(6),
                first_us: n(7),
                last_us: n(8),
            }
        })
        .collect()
}

fn check(rel: &str) {
    let oracle = format!("{}.flows.tsv", rel.replace('/', "__"));
    let expected = load(&oracle);
    // Long timeouts: tshark's conversations are not split by time.
    let flows = json_flows(&pcap(rel), &["--threads", "1", "-d", "100000", "-t", "100000"]);
    let l4: Vec<&Flow> = flows.iter().filter(|f| matches!(i(f, "flow.protocol"), 6 | 17)).collect();
    assert_eq!(l4.len(), expected.len(), "{rel}: number of TCP/UDP flows");
    for e in &expected {
        let found = l4.iter().find(|f| {
            let a = endpoint(s(f, "flow.from"), i(f, "flow.sport"));
            let b = endpoint(s(f, "flow.to"), i(f, "flow.dport"));
            i(f, "flow.protocol") == e.proto && ((a == e.ep1 && b == e.ep2) || (a == e.ep2 && b == e.ep1))
        });
        let f = found.unwrap_or_else(|| panic!("{rel}: no flow {} <-> {}", e.ep1, e.ep2));
        let from = endpoint(s(f, "flow.from"), i(f, "flow.sport"));
        let (p12, b12, p21, b21) = if from == e.ep1 {
            (i(f, "flow.in_pkts"), i(f, "flow.in_bytes"), i(f, "flow.out_pkts"), i(f, "flow.out_bytes"))
        } else {
            (i(f, "flow.out_pkts"), i(f, "flow.out_bytes"), i(f, "flow.in_pkts"), i(f, "flow.in_bytes"))
        };
        assert_eq!((p12, b12, p21, b21), (e.p12, e.b12, e.p21, e.b21), "{rel}: counters of {} <-> {}", e.ep1, e.ep2);
        assert_eq!(i(f, "flow.beginTime"), e.first_us / 1_000_000, "{rel}: begin of {}", e.ep1);
        assert_eq!(i(f, "flow.endTime"), e.last_us / 1_000_000, "{rel}: end of {}", e.ep1);
        let dur = (e.last_us - e.first_us + 999_999) / 1_000_000;
        assert_eq!(i(f, "flow.duration"), dur, "{rel}: duration of {}", e.ep1);
    }
}

macro_rules! oracle_tests {
    ($($name:ident => $rel:expr,)*) => {$(
        #[test]
        fn $name() {
            check($rel);
        }
    )*};
}

oracle_tests! {
    dns_udp_a_aaaa_mx => "dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap",
    dns_over_tcp => "dns/tcpdump_dns_tcp.pcap",
    dns_pppoe_vlan => "dns/ndpi_dns-pppoe.pcap",
    http_pipelined => "http/zeek_http-pipelined-requests.pcap",
    http_pppoe => "http/suricata_pppoe-session-http.pcap",
    http_vlan_0 => "http/zeek_http-vlan-0.pcap",
    http_pcapng => "http/ndpi_http.pcapng",
    dhcp_exchange => "dhcp/zeek_dhcp.pcap",
    ftp_ipv6 => "ftp/zeek_ftp-ipv6.pcap",
    ftp_with_data => "ftp/ndpi_ftp.pcap",
    gtpv1_create_pdp => "gtpv1/zeek_gtp_create_pdp_ctx.pcap",
    imap_session => "imap/ndpi_imap.pcap",
    radius_linux_sll => "radius/tcpdump_RADIUS-RFC4675.pcap",
    sip_wireshark => "sip/zeek_sip-wireshark.pcap",
    smtp_bsd_null => "smtp/suricata_smtp-pipelining.pcap",
    smtp_mixed => "smtp/zeek_smtp.pcap",
    mixed_1kxun => "mixed/ndpi_1kxun.pcap",
    mixed_ftp_cwd => "mixed/zeek_ftp-cwd-navigation.pcap",
    odd_vlan_mpls => "odd/zeek_mixed-vlan-mpls.pcap",
    odd_qinqinq => "odd/zeek_vlan-qinqinq.pcap",
}

/// `pop3/zeek_pop3.pcap` frames 1-6: SYN, RST, SYN, RST, SYN, RST on one
/// 5-tuple. tshark keeps one conversation; Zeek's conn.log
/// (`zeek_pop3.pcap.zeek-conn.log`) has three rejected connections, and so
/// do we: a SYN after an RST opens a new flow. Every other flow matches
/// Zeek's orig/resp packet counts.
#[test]
fn pop3_rejected_retries_split_like_zeek() {
    let flows = json_flows(&pcap("pop3/zeek_pop3.pcap"), &["--threads", "1"]);
    let log = std::fs::read_to_string(pcap("pop3/zeek_pop3.pcap.zeek-conn.log")).unwrap();
    let mut expected: Vec<(String, i64, i64, i64)> = log
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            // id.orig_h id.orig_p id.resp_h id.resp_p ... orig_pkts (col 16) resp_pkts (col 18)
            (format!("{}:{}>{}:{}", c[2], c[3], c[4], c[5]), c[5].parse().unwrap(), c[16].parse().unwrap(), c[18].parse().unwrap())
        })
        .collect();
    let mut got: Vec<(String, i64, i64, i64)> = flows
        .iter()
        .map(|f| {
            let k = format!("{}:{}>{}:{}", s(f, "flow.from"), i(f, "flow.sport"), s(f, "flow.to"), i(f, "flow.dport"));
            (k, i(f, "flow.dport"), i(f, "flow.in_pkts"), i(f, "flow.out_pkts"))
        })
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
}
