//! RADIUS plugin against the oracles beside every capture of
//! `../shared/pcaps/radius/`: tshark (`*.tshark.tsv`, one row per RADIUS
//! message), Zeek's radius.log and tcpdump -v. RADIUS on port 1700 (a CoA
//! port tcpdump knows) must be found by its shape.

mod common;
use common::*;

fn tsv(rel: &str) -> Vec<Row> {
    tsv_rows(&pcap(rel))
}


fn is_request(code: &str) -> bool {
    matches!(code, "1" | "4" | "12" | "13" | "40" | "43")
}

/// Checks every RADIUS flow of a capture against its tshark rows (the flow's
/// 5-tuple either way round); returns the flows.
fn check(rel: &str) -> Vec<Flow> {
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    let flows: Vec<Flow> = json_flows(&pcap(rel), &[]).into_iter().filter(|f| i(f, "flow.l7_proto") == 146).collect();
    let mut total = 0;
    for f in &flows {
        let a = (s(f, "flow.from").to_string(), i(f, "flow.sport").to_string());
        let b = (s(f, "flow.to").to_string(), i(f, "flow.dport").to_string());
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| {
                let src = (col(r, "ip.src").to_string(), col(r, "udp.srcport").to_string());
                let dst = (col(r, "ip.dst").to_string(), col(r, "udp.dstport").to_string());
                (src == a && dst == b) || (src == b && dst == a)
            })
            .collect();
        let who = format!("{rel}: {}:{} -> {}:{}", a.0, a.1, b.0, b.1);
        assert!(!mine.is_empty(), "{who}: no tshark row");
        total += mine.len();
        assert_eq!(s(f, "flow.l7_proto_name"), "Radius");
        assert_eq!(i(f, "radius.num_messages") as usize, mine.len(), "{who}: messages");
        // The first transaction: the first request and the first response with its id.
        let req = mine.iter().find(|r| is_request(col(r, "radius.code")));
        let rsp = match req {
            Some(q) => mine.iter().find(|r| !is_request(col(r, "radius.code")) && col(r, "radius.id") == col(q, "radius.id")),
            None => mine.first(),
        };
        let code = |r: Option<&&Row>| r.map_or("0".to_string(), |r| col(r, "radius.code").to_string());
        assert_eq!(i(f, "radius.req_msg_type").to_string(), code(req), "{who}: request code");
        assert_eq!(i(f, "radius.rsp_msg_type").to_string(), code(rsp), "{who}: response code");
        let attr = |k: &str| {
            [req, rsp].into_iter().flatten().map(|r| col(r, k)).find(|v| !v.is_empty()).unwrap_or("").to_string()
        };
        assert_eq!(s(f, "radius.user_name"), attr("radius.User_Name"), "{who}: user name");
        assert_eq!(s(f, "radius.framed_ip_addr"), attr("radius.Framed-IP-Address"), "{who}: framed ip");
        assert_eq!(s(f, "radius.calling_station_id"), attr("radius.Calling_Station_Id"), "{who}: calling station");
        let status = attr("radius.Acct_Status_Type");
        assert_eq!(i(f, "radius.acct_status_type").to_string(), if status.is_empty() { "0".into() } else { status }, "{who}: acct status");
    }
    assert_eq!(total, rows.len(), "{rel}: every RADIUS message is in a RADIUS flow");
    flows
}

/// Runs with `--radius-dump-dir` and returns the dump lines, split.
fn dump(rel: &str) -> Vec<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("flowhook-radius-dump-{}-{}", std::process::id(), rel.replace('/', "_")));
    let _ = std::fs::remove_dir_all(&dir);
    let out = flowhook(&["-i", pcap(rel).to_str().unwrap(), "--radius-dump-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut lines = Vec::new();
    for file in files_under(&dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut it = text.lines();
        assert_eq!(it.next(), Some(engine::dissect::radius::fields::DUMP_HEADER));
        lines.extend(it.map(|l| l.split(' ').map(String::from).collect::<Vec<_>>()));
    }
    let _ = std::fs::remove_dir_all(&dir);
    for l in &lines {
        assert_eq!(l.len(), 22, "{l:?}");
    }
    lines
}

/// One packet of a tcpdump -v RADIUS print.
#[derive(Debug, Default)]
struct Pkt {
    src: String,
    dst: String,
    code: i64,
    id: i64,
    /// (attribute type, printed value)
    attrs: Vec<(i64, String)>,
}

fn tcpdump_radius(rel: &str) -> Vec<Pkt> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    let mut out: Vec<Pkt> = Vec::new();
    let num = |s: &str| -> i64 { s.trim_matches(|c: char| !c.is_ascii_alphanumeric()).parse().unwrap() };
    for l in text.lines() {
        let t = l.trim();
        if t.contains(": RADIUS, length") {
            let (ends, _) = t.split_once(": ").unwrap();
            let (src, dst) = ends.split_once(" > ").unwrap();
            out.push(Pkt { src: src.into(), dst: dst.into(), ..Pkt::default() });
        } else if let Some(p) = out.last_mut() {
            if let Some((head, rest)) = t.split_once("), id: 0x") {
                p.code = num(head.rsplit('(').next().unwrap());
                p.id = i64::from_str_radix(rest.split(',').next().unwrap(), 16).unwrap();
            } else if let Some((_, rest)) = t.split_once(" Attribute (") {
                let (n, rest) = rest.split_once(')').unwrap();
                let value = rest.split_once("Value: ").map_or("", |(_, v)| v);
                p.attrs.push((n.parse().unwrap(), value.to_string()));
            }
        }
    }
    out
}

/// Checks every flow against tcpdump -v: message count, codes, User-Name and
/// NAS-IP-Address of the first request, and the identifiers of the dump.
fn check_tcpdump(rel: &str, flows: &[Flow]) {
    let pkts = tcpdump_radius(&format!("{rel}.tcpdump-v.out"));
    let lines = dump(rel);
    let mut seen = 0;
    for f in flows {
        let cli = format!("{}.{}", s(f, "flow.from"), i(f, "flow.sport"));
        let srv = format!("{}.{}", s(f, "flow.to"), i(f, "flow.dport"));
        let mine: Vec<&Pkt> = pkts.iter().filter(|p| (p.src == cli && p.dst == srv) || (p.src == srv && p.dst == cli)).collect();
        seen += mine.len();
        assert_eq!(i(f, "radius.num_messages") as usize, mine.len(), "{rel}: {cli}");
        let req = mine.iter().find(|p| is_request(&p.code.to_string()));
        let rsp = req.and_then(|q| mine.iter().find(|p| !is_request(&p.code.to_string()) && p.id == q.id));
        assert_eq!(i(f, "radius.req_msg_type"), req.map_or(0, |p| p.code), "{rel}: {cli}");
        assert_eq!(i(f, "radius.rsp_msg_type"), rsp.map_or(0, |p| p.code), "{rel}: {cli}");
        let a = |t: i64| req.and_then(|p| p.attrs.iter().find(|(n, _)| *n == t)).map_or("", |(_, v)| v.as_str());
        assert_eq!(s(f, "radius.user_name"), a(1), "{rel}: {cli}");
        assert_eq!(s(f, "radius.nas_ip_addr"), a(4), "{rel}: {cli}");
        // The dump line of this flow's transaction carries its identifier.
        if let Some(q) = req {
            assert!(lines.iter().any(|l| l[3] == q.id.to_string() && l[4] == q.code.to_string()), "{rel}: no dump line for id {}", q.id);
        }
    }
    assert_eq!(seen, pkts.len(), "{rel}: every tcpdump packet is in a RADIUS flow");
}

/// Zeek radius.log: username John.McGuirk, mac 00:14:22:e9:54:5e (from
/// Calling-Station-Id), framed_addr 255.255.255.254, result success (the
/// second exchange ends in Access-Accept, after an Access-Challenge).
#[test]
fn zeek_auth_with_challenge() {
    let flows = check("radius/zeek_radius.pcap");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    let zeek = std::fs::read_to_string(pcap("radius/zeek_radius.pcap.zeek-radius.log")).unwrap();
    let z: Vec<&str> = zeek.lines().find(|l| !l.starts_with('#')).unwrap().split('\t').collect();
    // ts uid orig_h orig_p resp_h resp_p username mac framed_addr tunnel_client connect_info reply_msg result ttl
    assert_eq!((s(f, "flow.from"), i(f, "flow.sport").to_string(), s(f, "flow.to"), i(f, "flow.dport").to_string()), (z[2], z[3].to_string(), z[4], z[5].to_string()));
    assert_eq!(s(f, "radius.user_name"), z[6]);
    assert_eq!(s(f, "radius.calling_station_id").to_lowercase().replace('-', ":"), z[7]);
    assert_eq!(s(f, "radius.framed_ip_addr"), z[8]);
    assert_eq!((i(f, "radius.req_msg_type"), i(f, "radius.rsp_msg_type")), (1, 11));
    assert_eq!((s(f, "radius.nas_ip_addr"), s(f, "radius.called_station_id")), ("10.0.0.1", "00-19-06-EA-B8-8C"));
    assert_eq!(z[12], "success");
    let mut tx: Vec<(String, String, String)> = dump("radius/zeek_radius.pcap").iter().map(|l| (l[3].clone(), l[5].clone(), l[7].clone())).collect();
    tx.sort();
    assert_eq!(
        tx,
        [("5".into(), "Access-Request".into(), "Access-Challenge".into()), ("6".into(), "Access-Request".into(), "Access-Accept".into())]
    );
}

/// tcpdump -v: three Access-Request/Access-Accept pairs (bob-tagged,
/// bob-untagged, bob-invalid), NAS-IP 127.0.0.1, on a Linux cooked capture.
#[test]
fn tcpdump_rfc4675_vlan_attributes() {
    let flows = check("radius/tcpdump_RADIUS-RFC4675.pcap");
    assert_eq!(flows.len(), 3);
    check_tcpdump("radius/tcpdump_RADIUS-RFC4675.pcap", &flows);
    let mut users: Vec<&str> = flows.iter().map(|f| s(f, "radius.user_name")).collect();
    users.sort();
    assert_eq!(users, ["bob-invalid", "bob-tagged", "bob-untagged"]);
}

/// tcpdump -v: one Access-Request with RFC 5580 location attributes only.
#[test]
fn tcpdump_rfc5580_location_attributes() {
    let flows = check("radius/tcpdump_RADIUS-RFC5580.pcap");
    assert_eq!(flows.len(), 1);
    check_tcpdump("radius/tcpdump_RADIUS-RFC5580.pcap", &flows);
    assert_eq!((i(&flows[0], "radius.req_msg_type"), i(&flows[0], "radius.rsp_msg_type"), s(&flows[0], "radius.user_name")), (1, 0, ""));
}

/// tcpdump -v: a CoA-Request (43), id 0xa6, User-Name bob, to port 1700.
#[test]
fn tcpdump_port_1700_is_detected() {
    let flows = check("radius/tcpdump_RADIUS-port1700.pcap");
    assert_eq!(flows.len(), 1);
    check_tcpdump("radius/tcpdump_RADIUS-port1700.pcap", &flows);
    let f = &flows[0];
    assert_eq!((i(f, "flow.dport"), i(f, "radius.req_msg_type"), s(f, "radius.user_name")), (1700, 43, "bob"));
    let lines = dump("radius/tcpdump_RADIUS-port1700.pcap");
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0][3].as_str(), lines[0][5].as_str(), lines[0][7].as_str()), ("166", "CoA-Request", "<empty>"));
}

/// No other shared capture is detected as RADIUS (nDPI's results for the
/// mixed captures list no Radius flow either).
#[test]
fn no_radius_elsewhere() {
    for rel in ["mixed/ndpi_1kxun.pcap", "mixed/suricata_dhcp-request-flood.pcap", "dns/ndpi_dns_fragmented.pcap", "sip/zeek_sip-wireshark.pcap", "gtpv1/zeek_gtp1_gn_normal_incl_fragmentation.pcap"] {
        let flows = json_flows(&pcap(rel), &[]);
        assert!(flows.iter().all(|f| i(f, "flow.l7_proto") != 146), "{rel}");
    }
    let ndpi = std::fs::read_to_string(pcap("mixed/ndpi_1kxun.pcap.ndpi.out")).unwrap();
    assert!(!ndpi.contains("Radius"));
}

// ---- synthetic captures: garbage on the RADIUS ports, hostile messages ----


/// `radius/tcpdump_RADIUS-port1700.pcap` frame 1: CoA-Request, User-Name bob.
const COA: [u8; 25] = [
    0x2b, 0xa6, 0x00, 0x19, 0x7f, 0xbf, 0x02, 0xc6, 0x66, 0x2b, 0x59, 0x90, 0x83, 0x8a, 0x5e, 0x6e, 0x33, 0x1b, 0x3f, 0xf0, 0x01, 0x05, 0x62, 0x6f, 0x62,
];

#[test]
fn garbage_on_the_radius_ports_is_not_radius_and_hostile_messages_are_bounded() {
    let path = std::env::temp_dir().join(format!("flowhook-radius-synthetic-{}.pcap", std::process::id()));
    // A 60020-byte message claiming 65535 bytes with 30000 empty attributes,
    // and one cut inside its header.
    let mut huge = vec![4, 7, 0xff, 0xff];
    huge.extend_from_slice(&[0; 16]);
    for _ in 0..30_000 {
        huge.extend_from_slice(&[18, 2]);
    }
    let mut accept = COA.to_vec();
    accept[0] = 44; // CoA-ACK to the request
    write_udp_pcap(
        &path,
        &[
            // Garbage on 1812 and 1813.
            ([10, 0, 0, 1], 40000, [10, 0, 0, 2], 1812, b"\x01\x02\x00\x20AAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_vec()),
            ([10, 0, 0, 1], 40001, [10, 0, 0, 2], 1813, vec![0; 100]),
            // A real request, then hostile messages on the same flow, then the answer.
            ([10, 0, 0, 3], 40002, [10, 0, 0, 2], 3799, COA.to_vec()),
            ([10, 0, 0, 3], 40002, [10, 0, 0, 2], 3799, huge),
            ([10, 0, 0, 3], 40002, [10, 0, 0, 2], 3799, COA[..12].to_vec()),
            ([10, 0, 0, 2], 3799, [10, 0, 0, 3], 40002, accept),
        ],
    );
    let flows = json_flows(&path, &[]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(flows.len(), 3);
    for f in &flows {
        if s(f, "flow.from") == "10.0.0.1" {
            assert_eq!((i(f, "flow.l7_proto"), f.get("radius.user_name")), (0, None), "{f:?}");
        } else {
            assert_eq!(i(f, "flow.l7_proto"), 146);
            // The request, the hostile Accounting-Request (a transaction of
            // its own, its first 2048 attributes read) and the CoA-ACK; the
            // 12-byte datagram is not a message.
            assert_eq!(i(f, "radius.num_messages"), 3);
            assert_eq!((i(f, "radius.req_msg_type"), i(f, "radius.rsp_msg_type"), s(f, "radius.user_name")), (43, 44, "bob"));
        }
    }
}
