//! DNS plugin against the tshark oracle (`../shared/pcaps/dns/*.tshark.tsv`,
//! one row per DNS message): for every DNS flow, the first query's name, id
//! and type, and the first response's return code and A/AAAA answers.

mod common;
use common::*;

fn tsv(rel: &str) -> Vec<Row> {
    tsv_rows(&pcap(rel))
}


/// (client endpoint, server endpoint) of a tshark row, by the query/response bit.
fn ends(r: &Row) -> (String, String) {
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

/// Detection is by payload, the port only a hint: the RADIUS datagrams of
/// `radius/zeek_radius.pcap` moved to port 53 are not DNS (they are still
/// found to be RADIUS); the DNS of
/// `dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap` moved to port 5353 is
/// dissected (labelled MDNS, as nDPI labels port 5353) and on port 5300 is DNS.
#[test]
fn payload_decides_not_the_port() {
    let garbage = rewrite_ports(&pcap("radius/zeek_radius.pcap"), &[(1812, 53), (1645, 53)], "radius53.pcap");
    let flows = json_flows(&garbage, &[]);
    assert!(!flows.is_empty());
    for f in flows {
        assert_eq!((i(&f, "flow.dport"), i(&f, "flow.l7_proto")), (53, 146), "{f:?}");
        assert!(f.get("dns.query").is_none());
    }
    let mdns = rewrite_ports(&pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap"), &[(53, 5353)], "dns5353.pcap");
    let flows = json_flows(&mdns, &[]);
    assert_eq!(flows.len(), 3);
    for f in &flows {
        assert_eq!((i(f, "flow.l7_proto"), s(f, "flow.l7_proto_name"), s(f, "dns.query")), (8, "MDNS", "google.com"));
    }
    let odd = rewrite_ports(&pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap"), &[(53, 5300)], "dns5300.pcap");
    for f in json_flows(&odd, &[]) {
        assert_eq!((i(&f, "flow.l7_proto"), s(&f, "dns.query")), (5, "google.com"));
    }
}

/// `--dns-dump-dir`: nProbe's layout and columns, one line per transaction
/// (`dns/ndpi_dns_fragmented.pcap`: 22 transactions over 21 flows, on
/// 2019-05-27, -28 and 2019-06-18), each under the directory of its day.
#[test]
fn dump_dir_lines() {
    let dir = std::env::temp_dir().join(format!("flowhook-{}-dnsdump", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cap = pcap("dns/ndpi_dns_fragmented.pcap");
    let out = flowhook(&["-i", cap.to_str().unwrap(), "--json", "-", "--dns-dump-dir", dir.to_str().unwrap()]);
    assert!(out.status.success());
    let flows = parse_json_lines(&String::from_utf8_lossy(&out.stdout));
    let txs: i64 = flows.iter().filter(|f| f.contains_key("dns.num_queries")).map(|f| i(f, "dns.num_queries")).sum();
    let mut lines = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(&dir).unwrap().parent().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let mut it = text.lines();
            assert!(it.next().unwrap().starts_with("# When[epoch] DNS_Client[ascii:32] AS[uint] ClientCountry[ascii:32]"));
            for l in it {
                // The line's epoch falls on the day of its directory (UTC).
                let when: i64 = l.split(' ').next().unwrap().parse().unwrap();
                let day = match when / 86_400 {
                    18_043 => "2019/05/27",
                    18_044 => "2019/05/28",
                    18_065 => "2019/06/18",
                    d => panic!("unexpected day {d} in {l}"),
                };
                assert_eq!(rel, day, "{l}");
                lines.push(l.to_string());
            }
        }
    }
    assert_eq!(lines.len() as i64, txs);
    assert!(lines.iter().any(|l| l.contains(" weberlab.de 0 NOERROR 4 48 DNSKEY ")), "{lines:?}");
}

/// A dump dir that cannot be written (its year directory is a file): one
/// message, errors counted, every flow still exported.
#[test]
fn dump_write_errors_are_reported_once_and_counted() {
    let dir = std::env::temp_dir().join(format!("flowhook-{}-baddump", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("2017"), b"not a directory").unwrap();
    let cap = pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap");
    let out = flowhook(&["-i", cap.to_str().unwrap(), "--json", "-", "--dns-dump-dir", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(parse_json_lines(&String::from_utf8_lossy(&out.stdout)).len(), 3);
    assert_eq!(err.matches("[DUMP] cannot write dns dump").count(), 1, "{err}");
    assert!(err.contains("[SUMMARY] dns dump write errors 3"), "{err}");
}
