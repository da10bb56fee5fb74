//! DNS plugin against the tshark oracle (`../shared/pcaps/dns/*.tshark.tsv`,
//! one row per DNS message): for every DNS flow, the first query's name, id
//! and type, and the first response's return code and A/AAAA answers.

mod common;
use common::*;

use std::collections::HashMap;

/// tshark rows of a `*.tshark.tsv`, as maps from column name to value.
fn tsv(rel: &str) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split('\t').map(String::from).collect();
    lines.map(|l| head.iter().cloned().zip(l.split('\t').map(String::from)).collect()).collect()
}

fn col<'a>(r: &'a HashMap<String, String>, k: &str) -> &'a str {
    r.get(k).map(String::as_str).unwrap_or("")
}

/// (client endpoint, server endpoint) of a tshark row, by the query/response bit.
fn ends(r: &HashMap<String, String>) -> (String, String) {
    let src = if col(r, "ip.src").is_empty() { col(r, "ipv6.src") } else { col(r, "ip.src") };
    let dst = if col(r, "ip.dst").is_empty() { col(r, "ipv6.dst") } else { col(r, "ip.dst") };
    let sp = [col(r, "udp.srcport"), col(r, "tcp.srcport")].concat();
    let dp = [col(r, "udp.dstport"), col(r, "tcp.dstport")].concat();
    let (a, b) = (endpoint(src, sp.parse().unwrap()), endpoint(dst, dp.parse().unwrap()));
    if col(r, "dns.flags.response") == "1" {
        (b, a)
    } else {
        (a, b)
    }
}

fn check(rel: &str) -> usize {
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    let flows = json_flows(&pcap(rel), &[]);
    let mut checked = 0;
    for f in flows.iter().filter(|f| i(f, "flow.l7_proto") == 5) {
        let cli = endpoint(s(f, "flow.from"), i(f, "flow.sport"));
        let srv = endpoint(s(f, "flow.to"), i(f, "flow.dport"));
        let mine: Vec<_> = rows.iter().filter(|r| ends(r) == (cli.clone(), srv.clone())).collect();
        assert!(!mine.is_empty(), "{rel}: flow {cli} -> {srv} has no tshark row");
        assert_eq!(s(f, "dns.dns_client"), s(f, "flow.from"), "{rel}: client of {cli}");
        let first = mine[0];
        let q = col(first, "dns.qry.name").split(',').next().unwrap();
        assert_eq!(s(f, "dns.query"), q, "{rel}: query of {cli}");
        assert_eq!(i(f, "dns.query_id"), i64::from_str_radix(col(first, "dns.id").trim_start_matches("0x"), 16).unwrap());
        assert_eq!(i(f, "dns.query_type").to_string(), col(first, "dns.qry.type").split(',').next().unwrap());
        let id = col(first, "dns.id");
        // Transactions: each query, plus each response whose id no earlier
        // message of the flow carried (a response seen without its query).
        let mut ids = std::collections::HashSet::new();
        let mut txs = 0;
        for r in &mine {
            if col(r, "dns.flags.response") == "0" || ids.insert(col(r, "dns.id")) {
                ids.insert(col(r, "dns.id"));
                txs += 1;
            }
        }
        assert_eq!(i(f, "dns.num_queries") as usize, txs, "{rel}: transactions of {cli}");
        if let Some(resp) = mine.iter().find(|r| col(r, "dns.flags.response") == "1" && col(r, "dns.id") == id) {
            assert_eq!(i(f, "dns.ret_code").to_string(), col(resp, "dns.flags.rcode"), "{rel}: rcode of {cli}");
            // tshark lists the A/AAAA records of every section (answers first,
            // then authority and additional glue); ours are the answer section,
            // so they must be the head of tshark's list, in order.
            let answers = s(f, "dns.answers");
            for (c, t) in [("dns.a", "A"), ("dns.aaaa", "AAAA")] {
                let theirs: Vec<&str> = col(resp, c).split(',').filter(|v| !v.is_empty()).collect();
                let ours: Vec<&str> = answers.split(',').filter_map(|a| a.strip_suffix(&format!("/{t}"))).collect();
                assert!(ours.len() <= theirs.len() && ours[..] == theirs[..ours.len()], "{rel}: {cli}: {t} answers {ours:?} vs tshark {theirs:?}");
                if i(f, "dns.query_type") == if t == "A" { 1 } else { 28 } && i(f, "dns.num_answers") > 0 && !theirs.is_empty() {
                    assert!(!ours.is_empty(), "{rel}: {cli}: no {t} answer listed");
                }
            }
        } else {
            assert_eq!(s(f, "dns.answers"), "", "{rel}: {cli} has no response");
        }
        checked += 1;
    }
    checked
}

#[test]
fn google_a_aaaa_mx() {
    assert_eq!(check("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap"), 3);
    let flows = json_flows(&pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap"), &[]);
    let mx = flows.iter().find(|f| i(f, "dns.query_type") == 15).unwrap();
    // The suricata-verify expectations list these five MX answers.
    assert_eq!(
        s(mx, "dns.answers"),
        "aspmx.l.google.com/MX,alt1.aspmx.l.google.com/MX,alt2.aspmx.l.google.com/MX,alt3.aspmx.l.google.com/MX,alt4.aspmx.l.google.com/MX"
    );
    assert_eq!(i(mx, "dns.num_answers"), 5);
    assert_eq!(i(mx, "dns.ttl_answer"), 599);
}

#[test]
fn over_tcp() {
    assert_eq!(check("dns/tcpdump_dns_tcp.pcap"), 1);
}

#[test]
fn pppoe_and_vlan() {
    assert_eq!(check("dns/ndpi_dns-pppoe.pcap"), 2);
}

/// Responses in IPv4 and IPv6 fragments are reassembled: tshark's rows (made
/// on the reassembled datagrams) give the complete answer lists.
#[test]
fn fragmented_responses_are_complete() {
    assert_eq!(check("dns/ndpi_dns_fragmented.pcap"), 21);
}

#[test]
fn malformed_names_are_bounded() {
    assert_eq!(check("dns/ndpi_malformed_dns.pcap"), 1);
}

/// `dns/zeek_dns53.pcap` holds one response and no query: the flow is turned
/// around so that the client (10.20.1.31, the receiver) is `flow.from`, as
/// Zeek's dns.log has it (`zeek_dns53.pcap.zeek-dns.log`).
#[test]
fn response_only_flow_is_flipped() {
    assert_eq!(check("dns/zeek_dns53.pcap"), 1);
    let f = &json_flows(&pcap("dns/zeek_dns53.pcap"), &[])[0];
    assert_eq!((s(f, "flow.from"), s(f, "flow.to")), ("10.20.1.31", "207.158.192.40"));
    assert_eq!((i(f, "flow.in_pkts"), i(f, "flow.out_pkts")), (0, 1));
    assert_eq!(s(f, "dns.query"), "us.v27.distributed.net");
}

/// Detection is by payload: the DNS flows of `mixed/ndpi_1kxun.pcap` are
/// found, and nothing else in it is called DNS (tshark: 17 DNS packets).
#[test]
fn detection_in_mixed_traffic() {
    let flows = json_flows(&pcap("mixed/ndpi_1kxun.pcap"), &[]);
    let dns: Vec<_> = flows.iter().filter(|f| i(f, "flow.l7_proto") == 5).collect();
    let pkts: i64 = dns.iter().map(|f| i(f, "flow.in_pkts") + i(f, "flow.out_pkts")).sum();
    assert_eq!(pkts, 17);
    for f in dns {
        assert!(i(f, "flow.dport") == 53, "{f:?}");
    }
}
