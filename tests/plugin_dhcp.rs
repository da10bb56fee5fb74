//! DHCP plugin against the oracles beside every capture of
//! `../shared/pcaps/dhcp/` and `mixed/suricata_dhcp-request-flood.pcap`:
//! tshark (`*.tshark.tsv`, one row per DHCP message), Zeek's dhcp.log,
//! the suricata-verify expectations, tcpdump -v, and nDPI's detection of the
//! DHCP flows of `mixed/ndpi_1kxun.pcap`.
//!
//! A DHCP exchange is spread over several flows (0.0.0.0:68 ->
//! 255.255.255.255:67, then the server's replies), so each flow is checked
//! against the tshark rows of its own 5-tuple, either way round.

mod common;
use common::*;

fn tsv(rel: &str) -> Vec<Row> {
    tsv_rows(&pcap(rel))
}


/// The tshark rows of a flow's 5-tuple (either direction), in frame order.
fn rows_of<'a>(rows: &'a [Row], f: &Flow) -> Vec<&'a Row> {
    let a = (s(f, "flow.from").to_string(), i(f, "flow.sport").to_string());
    let b = (s(f, "flow.to").to_string(), i(f, "flow.dport").to_string());
    rows.iter()
        .filter(|r| {
            let src = (col(r, "ip.src").to_string(), col(r, "udp.srcport").to_string());
            let dst = (col(r, "ip.dst").to_string(), col(r, "udp.dstport").to_string());
            (src == a && dst == b) || (src == b && dst == a)
        })
        .collect()
}

fn nonzero(a: &str) -> Option<&str> {
    (!a.is_empty() && a != "0.0.0.0").then_some(a)
}

/// Checks every DHCP flow of a capture against its tshark rows; returns the
/// flows checked.
fn check(rel: &str, tsv_rel: &str) -> Vec<Flow> {
    let rows = tsv(tsv_rel);
    let flows: Vec<Flow> = json_flows(&pcap(rel), &[]).into_iter().filter(|f| i(f, "flow.l7_proto") == 18).collect();
    let mut total = 0;
    for f in &flows {
        let mine = rows_of(&rows, f);
        let who = format!("{rel}: {}:{} -> {}:{}", s(f, "flow.from"), i(f, "flow.sport"), s(f, "flow.to"), i(f, "flow.dport"));
        assert!(!mine.is_empty(), "{who}: no tshark row");
        total += mine.len();
        assert_eq!(i(f, "dhcp.num_messages") as usize, mine.len(), "{who}: messages");
        assert_eq!(s(f, "flow.l7_proto_name"), "DHCP");
        let first = mine[0];
        assert_eq!(i(f, "dhcp.message_type").to_string(), col(first, "dhcp.option.dhcp"), "{who}: message type");
        // tshark lists chaddr, then option 61's MAC when the client id is one.
        assert_eq!(s(f, "dhcp.client_mac"), col(first, "dhcp.hw.mac_addr").split(',').next().unwrap(), "{who}: mac");
        // The first transaction: the rows of the first message's xid.
        let tx: Vec<_> = mine.iter().filter(|r| col(r, "dhcp.id") == col(first, "dhcp.id")).collect();
        let name = tx.iter().map(|r| col(r, "dhcp.option.hostname")).find(|h| !h.is_empty()).unwrap_or("");
        assert_eq!(s(f, "dhcp.client_name"), name, "{who}: host name");
        // ciaddr is not a tshark column; where it is set (eve-extended) the
        // reply's yiaddr gives the same address, as Suricata's client_ip shows.
        let yiaddr = tx.iter().rev().filter(|r| col(r, "udp.srcport") == "67").find_map(|r| nonzero(col(r, "dhcp.ip.your")));
        let requested = tx.iter().rev().find_map(|r| nonzero(col(r, "dhcp.option.requested_ip_address")));
        assert_eq!(s(f, "dhcp.client_ip"), yiaddr.or(requested).unwrap_or(""), "{who}: client ip");
        assert_eq!((s(f, "dhcp.remote_id"), s(f, "dhcp.subscriber_id")), ("", ""), "{who}: no capture has option 82");
    }
    assert_eq!(total, rows.len(), "{rel}: every DHCP message is in a DHCP flow");
    flows
}

fn find<'a>(flows: &'a [Flow], from: &str, sport: i64) -> &'a Flow {
    flows.iter().find(|f| s(f, "flow.from") == from && i(f, "flow.sport") == sport).unwrap_or_else(|| panic!("no flow from {from}:{sport}"))
}

/// Runs with `--dhcp-dump-dir` and returns the dump lines (headers checked
/// and removed), split into columns.
fn dump(rel: &str) -> Vec<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("flowhook-dhcp-dump-{}-{}", std::process::id(), rel.replace('/', "_")));
    let _ = std::fs::remove_dir_all(&dir);
    let out = flowhook(&["-i", pcap(rel).to_str().unwrap(), "--dhcp-dump-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut lines = Vec::new();
    for file in files_under(&dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut it = text.lines();
        assert_eq!(it.next(), Some(engine::dissect::dhcp::fields::DUMP_HEADER));
        lines.extend(it.map(|l| l.split(' ').map(String::from).collect::<Vec<_>>()));
    }
    let _ = std::fs::remove_dir_all(&dir);
    for l in &lines {
        assert_eq!(l.len(), 11, "{l:?}");
    }
    lines
}

/// Zeek's dhcp.log: one line per transaction, over all flows; ours are per
/// flow, so the dump lines (one per message) are compared with it.
#[test]
fn zeek_dhcp_exchange() {
    let flows = check("dhcp/zeek_dhcp.pcap", "dhcp/zeek_dhcp.pcap.tshark.tsv");
    assert_eq!(flows.len(), 4);
    // Zeek: mac 90:b1:1c:99:49:29, host_name btest.is.cool, requested_addr
    // and assigned_addr 128.2.6.189.
    let req = find(&flows, "0.0.0.0", 68);
    assert_eq!(
        (s(req, "dhcp.client_mac"), s(req, "dhcp.client_name"), s(req, "dhcp.client_ip"), i(req, "dhcp.message_type"), i(req, "dhcp.num_messages")),
        ("90:b1:1c:99:49:29", "btest.is.cool", "128.2.6.189", 1, 6)
    );
    // The server's replies: an OFFER to 128.2.6.97, a NAK to broadcast
    // (no address), the ACK to 128.2.6.189 (tshark rows 2, 4, 6).
    for (to, ty, ip) in [("128.2.6.97", 2, "128.2.6.97"), ("255.255.255.255", 6, ""), ("128.2.6.189", 5, "128.2.6.189")] {
        let f = flows.iter().find(|f| s(f, "flow.from") == "128.2.6.152" && s(f, "flow.to") == to).unwrap();
        assert_eq!((i(f, "dhcp.message_type"), s(f, "dhcp.client_ip"), s(f, "dhcp.client_name")), (ty, ip, ""), "reply to {to}");
    }
    let zeek = std::fs::read_to_string(pcap("dhcp/zeek_dhcp.pcap.zeek-dhcp.log")).unwrap();
    let zeek: Vec<Vec<&str>> = zeek.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').collect()).collect();
    assert_eq!(zeek.len(), 3);
    // Columns: ts uids client_addr server_addr mac host_name client_fqdn domain
    // requested_addr assigned_addr lease_time client_message server_message msg_types duration
    let lines = dump("dhcp/zeek_dhcp.pcap");
    assert_eq!(lines.len(), 9);
    let mut xids: Vec<&str> = lines.iter().map(|l| l[8].as_str()).collect();
    xids.sort();
    xids.dedup();
    assert_eq!(xids.len(), zeek.len(), "one Zeek line per transaction");
    for z in &zeek {
        // Each Zeek transaction's message types are the types of the dump
        // lines of one xid.
        let mut theirs: Vec<&str> = z[13].split(',').collect();
        theirs.sort();
        let xid = xids
            .iter()
            .find(|x| {
                let mut ours: Vec<&str> = lines.iter().filter(|l| &l[8] == *x).map(|l| l[7].as_str()).collect();
                ours.sort();
                ours == theirs
            })
            .unwrap_or_else(|| panic!("no xid with the message types {theirs:?}"));
        for l in lines.iter().filter(|l| &l[8] == xid) {
            assert_eq!(l[1], z[4], "mac");
        }
        if z[5] != "-" {
            assert!(lines.iter().any(|l| &l[8] == xid && l[3] == z[5]), "host name {}", z[5]);
        }
        if z[8] != "-" {
            assert!(lines.iter().any(|l| &l[8] == xid && l[2] == z[8]), "requested address {}", z[8]);
        }
        if z[9] != "-" {
            assert!(lines.iter().any(|l| &l[8] == xid && l[7] == "ACK" && l[2] == z[9]), "assigned address {}", z[9]);
        }
    }
}

/// Zeek: a single DISCOVER, mac 00:0b:82:01:fc:42, host_name test0000,
/// requested_addr 208.67.222.222.
#[test]
fn zeek_discover_with_client_id() {
    let flows = check("dhcp/zeek_dhcp_discover_param_req_and_client_id.pcap", "dhcp/zeek_dhcp_discover_param_req_and_client_id.pcap.tshark.tsv");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!(
        (s(f, "dhcp.client_mac"), s(f, "dhcp.client_name"), s(f, "dhcp.client_ip"), i(f, "dhcp.message_type")),
        ("00:0b:82:01:fc:42", "test0000", "208.67.222.222", 1)
    );
}

/// suricata-verify dhcp-eve-extended: the REQUEST (pcap_cnt 1) has
/// client_ip 10.16.1.4, client_mac 00:11:32:17:49:f0, hostname "nas1\0",
/// id 4016330564; the ACK (pcap_cnt 2) assigned_ip 10.16.1.4.
#[test]
fn suricata_eve_extended() {
    let flows = check("dhcp/suricata_dhcp-eve-extended.pcap", "dhcp/suricata_dhcp-eve-extended.pcap.tshark.tsv");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((s(f, "flow.from"), i(f, "flow.sport"), s(f, "flow.to"), i(f, "flow.dport")), ("10.16.1.4", 68, "10.16.1.1", 67));
    assert_eq!(
        (s(f, "dhcp.client_mac"), s(f, "dhcp.client_ip"), s(f, "dhcp.client_name"), i(f, "dhcp.message_type"), i(f, "dhcp.num_messages")),
        ("00:11:32:17:49:f0", "10.16.1.4", "nas1", 3, 2)
    );
    let lines = dump("dhcp/suricata_dhcp-eve-extended.pcap");
    let mut got: Vec<(String, String, String, String)> = lines.iter().map(|l| (l[7].clone(), l[8].clone(), l[2].clone(), l[9].clone())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("ACK".into(), "4016330564".into(), "10.16.1.4".into(), "10.16.1.1".into()),
            ("REQUEST".into(), "4016330564".into(), "10.16.1.4".into(), "10.16.1.4".into())
        ]
    );
}

/// suricata-verify dhcp-option-52-overload: the OFFERs are pcap_cnt 3 and 4
/// and the ACKs 7 and 8, all on the server's broadcast flow; frames 4 and 7
/// carry their DNS server and router in the overloaded `sname` field (those
/// are not keys: the parser's unit tests read them from frame 4's bytes).
#[test]
fn suricata_option_52_overload() {
    let flows = check("dhcp/suricata_dhcp-option-52-overload.pcap", "dhcp/suricata_dhcp-option-52-overload.pcap.tshark.tsv");
    assert_eq!(flows.len(), 2);
    let replies = find(&flows, "10.100.0.2", 67);
    assert_eq!((i(replies, "dhcp.message_type"), s(replies, "dhcp.client_ip"), i(replies, "dhcp.num_messages")), (2, "10.100.0.50", 4));
    let requests = find(&flows, "0.0.0.0", 68);
    assert_eq!((i(requests, "dhcp.message_type"), s(requests, "dhcp.client_ip"), i(requests, "dhcp.num_messages")), (1, "10.100.0.50", 4));
    let yaml = std::fs::read_to_string(pcap("dhcp/suricata_dhcp-option-52-overload.pcap.suricata-verify.test.yaml")).unwrap();
    let mut theirs: Vec<String> = yaml.lines().filter_map(|l| l.trim().strip_prefix("dhcp.dhcp_type: ")).map(str::to_uppercase).collect();
    theirs.sort();
    let mut ours: Vec<String> = dump("dhcp/suricata_dhcp-option-52-overload.pcap").into_iter().filter(|l| l[9] == "10.100.0.2").map(|l| l[7].clone()).collect();
    ours.sort();
    assert_eq!(ours, theirs);
}

/// One packet of a tcpdump -v BOOTP print.
#[derive(Debug, Default)]
struct Bootp {
    src: String,
    dst: String,
    chaddr: String,
    dhcp_type: String,
    requested: String,
    your_ip: String,
}

fn tcpdump_bootp(rel: &str) -> Vec<Bootp> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    let mut out: Vec<Bootp> = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if t.contains(": BOOTP/DHCP") {
            let (ends, _) = t.split_once(": ").unwrap();
            let (src, dst) = ends.split_once(" > ").unwrap();
            out.push(Bootp { src: src.into(), dst: dst.into(), ..Bootp::default() });
        } else if let Some(p) = out.last_mut() {
            if let Some(v) = t.strip_prefix("Client-Ethernet-Address ") {
                p.chaddr = v.into();
            } else if let Some(v) = t.strip_prefix("Your-IP ") {
                p.your_ip = v.into();
            } else if let Some((_, v)) = t.split_once("DHCP-Message (53), length 1: ") {
                p.dhcp_type = v.into();
            } else if let Some((_, v)) = t.split_once("Requested-IP (50), length 4: ") {
                p.requested = v.into();
            }
        }
    }
    out
}

/// tcpdump -v: Discover and Request from 00:0c:29:1f:74:06 with
/// Requested-IP 192.168.1.4; Offer and ACK to it with Your-IP 192.168.1.4.
#[test]
fn tcpdump_rfc3004() {
    let flows = check("dhcp/tcpdump_dhcp-rfc3004.pcap", "dhcp/tcpdump_dhcp-rfc3004.pcap.tshark.tsv");
    assert_eq!(flows.len(), 2);
    let pkts = tcpdump_bootp("dhcp/tcpdump_dhcp-rfc3004.pcap.tcpdump-v.out");
    assert_eq!(pkts.len(), 4);
    let code = |n: &str| match n {
        "Discover" => 1,
        "Offer" => 2,
        "Request" => 3,
        "ACK" => 5,
        _ => panic!("{n}"),
    };
    for f in &flows {
        let src = format!("{}.{}", s(f, "flow.from"), i(f, "flow.sport"));
        let mine: Vec<_> = pkts.iter().filter(|p| p.src == src || p.dst == src).collect();
        assert_eq!(i(f, "dhcp.num_messages") as usize, mine.len());
        assert_eq!(i(f, "dhcp.message_type"), code(&mine[0].dhcp_type));
        assert_eq!(s(f, "dhcp.client_mac"), mine[0].chaddr);
        let ip = if mine[0].your_ip.is_empty() { &mine[0].requested } else { &mine[0].your_ip };
        assert_eq!(s(f, "dhcp.client_ip"), ip);
    }
}

/// 10000 DISCOVERs on one 5-tuple (suricata-verify expects 10000 dhcp
/// events): all counted; the dump keeps the first 256 messages, whose xid and
/// MAC match tshark's rows.
#[test]
fn request_flood() {
    let rel = "mixed/suricata_dhcp-request-flood.pcap";
    let flows = check(rel, "mixed/suricata_dhcp-request-flood.pcap.tshark.dhcp.tsv");
    assert_eq!(flows.len(), 1);
    let yaml = std::fs::read_to_string(pcap("mixed/suricata_dhcp-request-flood.pcap.suricata-verify.test.yaml")).unwrap();
    let count: i64 = yaml.lines().find_map(|l| l.trim().strip_prefix("count: ")).unwrap().parse().unwrap();
    assert_eq!(i(&flows[0], "dhcp.num_messages"), count);
    let rows = tsv("mixed/suricata_dhcp-request-flood.pcap.tshark.dhcp.tsv");
    assert_eq!(rows.len(), 10_000);
    let lines = dump(rel);
    assert_eq!(lines.len(), engine::dissect::dhcp::MAX_MESSAGES);
    for n in [1usize, 2, 17, 100, 255, 256] {
        let row = &rows[n - 1];
        let xid = u32::from_str_radix(col(row, "dhcp.id").trim_start_matches("0x"), 16).unwrap().to_string();
        let l = lines.iter().find(|l| l[8] == xid).unwrap_or_else(|| panic!("no dump line for frame {n}"));
        assert_eq!((l[1].as_str(), l[7].as_str()), (col(row, "dhcp.hw.mac_addr"), "DISCOVER"), "frame {n}");
    }
    // Frames past the bound are counted, not dumped.
    assert!(!lines.iter().any(|l| l[8] == "257"));
}

/// nDPI's result for `mixed/ndpi_1kxun.pcap` lists five DHCP flows (proto
/// 18) with their packet counts and host names; we find the same five and no
/// other, with the same host names (nDPI lower-cases them).
#[test]
fn detection_in_mixed_traffic_matches_ndpi() {
    let text = std::fs::read_to_string(pcap("mixed/ndpi_1kxun.pcap.ndpi.out")).unwrap();
    let mut theirs: Vec<(String, String, i64, String)> = Vec::new();
    for l in text.lines().filter(|l| l.contains("[proto: 18/DHCP]")) {
        let t: Vec<&str> = l.split_whitespace().collect();
        // "<n> UDP a:p -> b:p [proto: ...] ... [14 pkts/4788 bytes -> 0 pkts/0 bytes] ...":
        // the first two " pkts/" counts are the two directions.
        let pkts: i64 = l
            .match_indices(" pkts/")
            .take(2)
            .map(|(at, _)| {
                let head = &l[..at];
                let start = head.rfind(|c: char| !c.is_ascii_digit()).map_or(0, |p| p + 1);
                head[start..].parse::<i64>().unwrap()
            })
            .sum();
        let host = l.split("[Hostname/SNI: ").nth(1).map_or("", |h| h.split(']').next().unwrap()).to_string();
        theirs.push((t[2].to_string(), t[4].to_string(), pkts, host));
    }
    assert_eq!(theirs.len(), 5);
    let flows = json_flows(&pcap("mixed/ndpi_1kxun.pcap"), &[]);
    let ours: Vec<&Flow> = flows.iter().filter(|f| i(f, "flow.l7_proto") == 18).collect();
    assert_eq!(ours.len(), theirs.len());
    for (a, b, pkts, host) in &theirs {
        let f = ours
            .iter()
            .find(|f| {
                let (x, y) = (format!("{}:{}", s(f, "flow.from"), i(f, "flow.sport")), format!("{}:{}", s(f, "flow.to"), i(f, "flow.dport")));
                (&x == a && &y == b) || (&x == b && &y == a)
            })
            .unwrap_or_else(|| panic!("nDPI's DHCP flow {a} -> {b} not found"));
        assert_eq!(i(f, "flow.in_pkts") + i(f, "flow.out_pkts"), *pkts, "{a} -> {b}");
        assert_eq!(i(f, "dhcp.num_messages"), *pkts, "{a} -> {b}");
        assert_eq!(s(f, "dhcp.client_name").to_lowercase(), *host, "{a} -> {b}");
    }
}

// ---- synthetic captures: garbage on the DHCP ports, hostile messages ----

/// Bytes of `dhcp/zeek_dhcp.pcap` frame 1 (a DISCOVER).
fn zeek_discover() -> Vec<u8> {
    let mut b = vec![1, 1, 6, 0, 0, 0, 0x07, 0xc0];
    b.resize(28, 0);
    b.extend_from_slice(&[0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29]);
    b.resize(236, 0);
    b.extend_from_slice(&[99, 130, 83, 99, 53, 1, 1, 50, 4, 192, 168, 211, 194, 12, 13]);
    b.extend_from_slice(b"btest.is.cool");
    b.push(255);
    b
}

#[test]
fn garbage_on_the_dhcp_ports_is_not_dhcp_and_hostile_messages_are_bounded() {
    let path = std::env::temp_dir().join(format!("flowhook-dhcp-synthetic-{}.pcap", std::process::id()));
    // 1: 300 bytes of garbage on 68 -> 67 (a flow of its own).
    // 2: a DISCOVER, then on the same flow a 60000-byte message with 20000
    //    options and one cut short inside its host name.
    let mut huge = zeek_discover();
    huge.truncate(240);
    for _ in 0..20_000 {
        huge.extend_from_slice(&[99, 1, 0]);
    }
    let cut = zeek_discover()[..250].to_vec();
    write_udp_pcap(
        &path,
        &[
            ([10, 0, 0, 1], 68, [10, 0, 0, 2], 67, vec![0x5a; 300]),
            ([10, 0, 0, 3], 68, [255, 255, 255, 255], 67, zeek_discover()),
            ([10, 0, 0, 3], 68, [255, 255, 255, 255], 67, huge),
            ([10, 0, 0, 3], 68, [255, 255, 255, 255], 67, cut),
        ],
    );
    let flows = json_flows(&path, &[]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(flows.len(), 2);
    let garbage = find(&flows, "10.0.0.1", 68);
    assert_eq!((i(garbage, "flow.l7_proto"), garbage.get("dhcp.client_mac")), (0, None));
    let f = find(&flows, "10.0.0.3", 68);
    assert_eq!(i(f, "flow.l7_proto"), 18);
    assert_eq!(
        (s(f, "dhcp.client_mac"), s(f, "dhcp.client_name"), s(f, "dhcp.client_ip"), i(f, "dhcp.num_messages")),
        ("90:b1:1c:99:49:29", "btest.is.cool", "192.168.211.194", 3)
    );
}
