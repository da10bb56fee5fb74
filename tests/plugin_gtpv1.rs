//! GTPv1 plugin against the oracles beside each capture in
//! `../shared/pcaps/gtpv1/`: tshark (`*.tshark.tsv`, one row per GTP message:
//! message type, TEIDs, e212.imsi, gtp.apn, e164.msisdn, gtp.user_ipv4),
//! Zeek (`*.zeek-events.out`, `*.zeek-conn.log`, `*.zeek-tunnel.log`) and
//! nDPI (`*.ndpi.out`). Every GTP message tshark sees must be in a flow the
//! plugin claimed; GTP-C flows carry the first transaction's values, GTP-U
//! flows the header TEID of the first G-PDU each way.

mod common;
use common::*;

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

type Row = HashMap<String, String>;

/// tshark rows of a `*.tshark.tsv`, as maps from column name to value.
fn tsv(rel: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split('\t').map(String::from).collect();
    lines.map(|l| head.iter().cloned().zip(l.split('\t').map(String::from)).collect()).collect()
}

/// A column; for fields tshark repeats (outer and inner IP of a G-PDU), the
/// first, i.e. the outer one.
fn col<'a>(r: &'a Row, k: &str) -> &'a str {
    r.get(k).map_or("", |v| v.split(',').next().unwrap_or(""))
}

fn hex(v: &str) -> i64 {
    i64::from_str_radix(v.trim_start_matches("0x"), 16).unwrap()
}

/// (source, destination) endpoints of a tshark row (outer headers).
fn ends(r: &Row) -> (String, String) {
    let src = if col(r, "ip.src").is_empty() { col(r, "ipv6.src") } else { col(r, "ip.src") };
    let dst = if col(r, "ip.dst").is_empty() { col(r, "ipv6.dst") } else { col(r, "ip.dst") };
    (endpoint(src, col(r, "udp.srcport").parse().unwrap()), endpoint(dst, col(r, "udp.dstport").parse().unwrap()))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Way {
    C2s,
    S2c,
}

/// Direction of a row within a flow, `None` when it is another flow's.
fn way(f: &Flow, r: &Row) -> Option<Way> {
    let cli = endpoint(s(f, "flow.from"), i(f, "flow.sport"));
    let srv = endpoint(s(f, "flow.to"), i(f, "flow.dport"));
    match ends(r) {
        (a, b) if (a.as_str(), b.as_str()) == (cli.as_str(), srv.as_str()) => Some(Way::C2s),
        (a, b) if (a.as_str(), b.as_str()) == (srv.as_str(), cli.as_str()) => Some(Way::S2c),
        _ => None,
    }
}

const GTP_IDS: [i64; 3] = [152, 271, 272];

fn is_gtp(f: &Flow) -> bool {
    GTP_IDS.contains(&i(f, "flow.l7_proto"))
}

/// Checks every GTP flow of `rel` against its tshark rows; returns the
/// claimed flows.
fn check(rel: &str) -> Vec<Flow> {
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    let flows = json_flows(&pcap(rel), &[]);
    let gtp: Vec<Flow> = flows.into_iter().filter(is_gtp).collect();
    for r in &rows {
        let n = gtp.iter().filter(|f| way(f, r).is_some()).count();
        assert_eq!(n, 1, "{rel}: frame {} is in {n} GTP flows", col(r, "frame.number"));
    }
    for f in &gtp {
        let mine: Vec<(Way, &Row)> = rows.iter().filter_map(|r| way(f, r).map(|w| (w, r))).collect();
        let msg = |r: &Row| hex(col(r, "gtp.message"));
        let first = |w: Way, pred: &dyn Fn(&Row) -> bool| mine.iter().find(|(x, r)| *x == w && pred(r)).map(|(_, r)| *r);
        let name = format!("{rel}: {}:{}", s(f, "flow.from"), i(f, "flow.sport"));
        if mine.iter().any(|(_, r)| msg(r) == 255) {
            // GTP-U: the header TEIDs of the first G-PDU each way.
            assert_eq!(i(f, "flow.l7_proto"), 271, "{name}");
            assert_eq!(s(f, "flow.l7_proto_name"), "GTP_U");
            for (w, key) in [(Way::C2s, "gtpv1.c2s_teid_data"), (Way::S2c, "gtpv1.s2c_teid_data")] {
                let want = first(w, &|r| msg(r) == 255).map_or(0, |r| hex(col(r, "gtp.teid")));
                assert_eq!(i(f, key), want, "{name}: {key}");
            }
            for k in ["gtpv1.end_user_imsi", "gtpv1.end_user_msisdn", "gtpv1.apn_name", "gtpv1.end_user_ipv4"] {
                assert_eq!(s(f, k), "", "{name}: {k}");
            }
            let signalling = mine.iter().filter(|(_, r)| msg(r) != 255).count() as i64;
            assert_eq!(i(f, "gtpv1.num_transactions"), signalling, "{name}");
        } else {
            // GTP-C: the first request (the initiator's) and its response.
            assert_eq!(i(f, "flow.l7_proto"), 272, "{name}");
            let (w, req) = mine[0];
            assert_eq!(w, Way::C2s, "{name}: the first message is the initiator's");
            let t = msg(req);
            let rsp = first(Way::S2c, &|r| msg(r) == t + 1);
            assert_eq!(i(f, "gtpv1.req_msg_type"), t);
            assert_eq!(i(f, "gtpv1.rsp_msg_type"), rsp.map_or(0, msg));
            let teid = |r: Option<&Row>, c: &str| r.map(|r| col(r, c)).filter(|v| !v.is_empty()).map_or(0, hex);
            assert_eq!(i(f, "gtpv1.c2s_teid_data"), teid(Some(req), "gtp.teid_data"), "{name}");
            assert_eq!(i(f, "gtpv1.c2s_teid_ctrl"), teid(Some(req), "gtp.teid_cp"), "{name}");
            assert_eq!(i(f, "gtpv1.s2c_teid_data"), teid(rsp, "gtp.teid_data"), "{name}");
            assert_eq!(i(f, "gtpv1.s2c_teid_ctrl"), teid(rsp, "gtp.teid_cp"), "{name}");
            assert_eq!(s(f, "gtpv1.end_user_imsi"), col(req, "e212.imsi"));
            assert_eq!(s(f, "gtpv1.end_user_msisdn"), col(req, "e164.msisdn"));
            assert_eq!(s(f, "gtpv1.apn_name"), col(req, "gtp.apn"));
            let ip = [Some(req), rsp].into_iter().flatten().map(|r| col(r, "gtp.user_ipv4")).find(|v| !v.is_empty()).unwrap_or("");
            assert_eq!(s(f, "gtpv1.end_user_ipv4"), ip);
        }
    }
    gtp
}

fn by_from<'a>(flows: &'a [Flow], from: &str) -> &'a Flow {
    flows.iter().find(|f| s(f, "flow.from") == from).unwrap_or_else(|| panic!("no flow from {from}"))
}

/// Zeek's `#fields` rows of a log, as maps.
fn zeek_log(rel: &str) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    let head: Vec<&str> = text.lines().find_map(|l| l.strip_prefix("#fields\t")).unwrap().split('\t').collect();
    text.lines().filter(|l| !l.starts_with('#')).map(|l| head.iter().map(|h| h.to_string()).zip(l.split('\t').map(String::from)).collect()).collect()
}

/// Create PDP Context Request and Response on 34273 -> 2123. Besides
/// tshark: Zeek's `core.tunnels.gtp.pdp_ctx_messages` baseline (zeek/zeek
/// `testing/btest/Baseline/core.tunnels.gtp.pdp_ctx_messages/out`, made from
/// this very trace; not copied into the shared set) prints the RAI as
/// mcc=460, mnc=6, lac=65534, rac=255 and the response's cause=128.
#[test]
fn create_pdp_context() {
    let rel = "gtpv1/zeek_gtp_create_pdp_ctx.pcap";
    let gtp = check(rel);
    assert_eq!(gtp.len(), 1);
    let f = &gtp[0];
    assert_eq!((s(f, "flow.from"), i(f, "flow.sport"), i(f, "flow.dport")), ("192.169.100.1", 34273, 2123));
    assert_eq!(s(f, "flow.l7_proto_name"), "GTP_C");
    assert_eq!((i(f, "gtpv1.req_msg_type"), i(f, "gtpv1.rsp_msg_type")), (16, 17));
    assert_eq!((i(f, "gtpv1.c2s_teid_data"), i(f, "gtpv1.c2s_teid_ctrl")), (0x32f02bf9, 0x32f02bf9));
    assert_eq!((i(f, "gtpv1.s2c_teid_data"), i(f, "gtpv1.s2c_teid_ctrl")), (0x10000085, 0x10000080));
    assert_eq!(s(f, "gtpv1.end_user_imsi"), "460004100000101");
    assert_eq!(s(f, "gtpv1.end_user_msisdn"), "8615221000101");
    assert_eq!(s(f, "gtpv1.apn_name"), "eetest");
    assert_eq!(s(f, "gtpv1.end_user_ipv4"), "192.168.252.130");
    assert_eq!(s(f, "gtpv1.end_user_imei"), "");
    let rai = ["gtpv1.rai_mcc", "gtpv1.rai_mnc", "gtpv1.rai_lac", "gtpv1.rai_rac"].map(|k| i(f, k));
    assert_eq!(rai, [460, 6, 65534, 255]);
    assert_eq!(i(f, "gtpv1.response_cause"), 128);
    assert_eq!(i(f, "gtpv1.num_transactions"), 1);
    // No ULI in this request.
    assert_eq!(["gtpv1.uli_mcc", "gtpv1.uli_cell_lac", "gtpv1.uli_cell_ci", "gtpv1.uli_sac"].map(|k| i(f, k)), [0; 4]);
    // The Gb traffic beside it (NS/BSSGP on 2157 -> 2158) is not GTP.
    let flows = json_flows(&pcap(rel), &[]);
    let gb = flows.iter().find(|f| i(f, "flow.sport") == 2157).unwrap();
    assert_eq!(i(gb, "flow.l7_proto"), 0);
    assert!(gb.get("gtpv1.req_msg_type").is_none());
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("flowhook-gtpv1-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Dump lines of a run, without the `#` headers (checked to be ours).
fn dump(capture: &Path, name: &str) -> Vec<String> {
    let dir = tmp(name);
    let _ = std::fs::remove_dir_all(&dir);
    let out = flowhook(&["-i", capture.to_str().unwrap(), "--gtpv1-dump-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut lines = Vec::new();
    for f in files_under(&dir) {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut it = text.lines();
        let head = it.next().unwrap();
        assert!(head.starts_with("# When[epoch] Requester[ascii:45] Responder[ascii:45] ReqMsgType[uint]"), "{head}");
        for l in it {
            assert_eq!(l.split(' ').count(), head.split(' ').count() - 1, "{l}");
            lines.push(l.to_string());
        }
    }
    lines
}

/// One dump line for the one transaction, its values those of tshark.
#[test]
fn create_pdp_context_dump_line() {
    let lines = dump(&pcap("gtpv1/zeek_gtp_create_pdp_ctx.pcap"), "create-dump");
    assert_eq!(
        lines,
        ["1267091876 192.169.100.1 10.100.200.33 16 Create_PDP_Context_Request 17 Create_PDP_Context_Response 128 4875 0x32f02bf9 0x32f02bf9 0x10000085 0x10000080 192.168.252.130 460004100000101 8615221000101 <empty> eetest 460 06 65534 255 <empty> <empty> 0 0 0"]
    );
    // G-PDUs are not transactions: no dump lines for GTP-U.
    assert!(dump(&pcap("gtpv1/zeek_gtp1_gn_normal_incl_fragmentation.pcap"), "u-dump").is_empty());
}

/// A G-PDU with an extension header, in two IP fragments. Zeek's event
/// dump (`zeek_gtp_ext_header.pcap.zeek-events.out`) gives the endpoints
/// and the header: msg_type=255, teid=1050199.
#[test]
fn g_pdu_with_extension_header() {
    let rel = "gtpv1/zeek_gtp_ext_header.pcap";
    let gtp = check(rel);
    assert_eq!(gtp.len(), 1);
    let f = &gtp[0];
    let zeek = std::fs::read_to_string(pcap(&format!("{rel}.zeek-events.out"))).unwrap();
    let conn = zeek.lines().find(|l| l.starts_with("gtpv1_message")).unwrap();
    let want_conn = format!(
        "orig_h={}, orig_p={}/udp, resp_h={}, resp_p={}/udp",
        s(f, "flow.from"),
        i(f, "flow.sport"),
        s(f, "flow.to"),
        i(f, "flow.dport")
    );
    assert!(conn.contains(&want_conn), "{conn} vs {want_conn}");
    let hdr = zeek.lines().find(|l| l.starts_with("[version=1")).unwrap();
    assert!(hdr.contains("msg_type=255,") && hdr.contains(&format!("teid={},", i(f, "gtpv1.c2s_teid_data"))), "{hdr}");
    assert_eq!(i(f, "gtpv1.c2s_teid_data"), 1050199);
    assert_eq!((i(f, "gtpv1.req_msg_type"), i(f, "gtpv1.num_transactions")), (0, 0));
}

/// G-PDUs whose outer IP is fragmented. Zeek's conn.log and tunnel.log
/// name the outer 2152 <-> 2152 connection a GTPv1 tunnel.
#[test]
fn g_pdus_with_outer_fragments() {
    let rel = "gtpv1/zeek_gtp1_gn_normal_incl_fragmentation.pcap";
    let gtp = check(rel);
    assert_eq!(gtp.len(), 1);
    let f = &gtp[0];
    let conn = zeek_log(&format!("{rel}.zeek-conn.log"));
    let tunnel = conn.iter().find(|c| c["service"] == "gtpv1").unwrap();
    assert_eq!(
        (s(f, "flow.from"), i(f, "flow.sport"), s(f, "flow.to"), i(f, "flow.dport")),
        (tunnel["id.orig_h"].as_str(), tunnel["id.orig_p"].parse().unwrap(), tunnel["id.resp_h"].as_str(), tunnel["id.resp_p"].parse().unwrap())
    );
    for t in zeek_log(&format!("{rel}.zeek-tunnel.log")) {
        assert_eq!((t["tunnel_type"].as_str(), t["id.orig_h"].as_str()), ("Tunnel::GTPv1", s(f, "flow.from")));
    }
    assert_eq!((i(f, "gtpv1.c2s_teid_data"), i(f, "gtpv1.s2c_teid_data")), (0x8c61be36, 0x0000b2b7));
    assert_eq!((i(f, "gtpv1.c2s_teid_ctrl"), i(f, "gtpv1.s2c_teid_ctrl")), (0, 0));
}

/// nDPI decapsulates GTP-U: `ndpi_ipv6_in_gtp.pcap.ndpi.out` lists only the
/// inner IPv6 flows, each tagged with the tunnel (`[proto: GTP:79/IPSec]`,
/// `[proto: GTP:0/Unknown]`), and no outer flow. flowhook keeps the outer
/// flows and labels them as nDPI's GTP dissector labels G-PDU traffic when
/// it does not decapsulate: GTP_U (271, master GTP 152).
#[test]
fn ipv6_in_gtp_against_ndpi() {
    let rel = "gtpv1/ndpi_ipv6_in_gtp.pcap";
    let gtp = check(rel);
    assert_eq!(gtp.len(), 2);
    let ndpi = std::fs::read_to_string(pcap(&format!("{rel}.ndpi.out"))).unwrap();
    let ndpi_flows: Vec<&str> = ndpi.lines().filter(|l| l.contains("[proto: ")).collect();
    assert_eq!(ndpi_flows.len(), 2);
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    for f in &gtp {
        assert_eq!(i(f, "flow.l7_proto"), 271);
        // The inner source tshark saw in this flow's G-PDU...
        let r = rows.iter().find(|r| way(f, r).is_some()).unwrap();
        let inner = r["ipv6.src"].as_str();
        // ...is an nDPI flow, reached through the GTP tunnel.
        let line = ndpi_flows.iter().find(|l| l.contains(&format!("[{inner}]"))).unwrap_or_else(|| panic!("{inner} not in nDPI's output"));
        assert!(line.contains("[proto: GTP:"), "{line}");
        // The outer endpoints are not one of nDPI's flows.
        assert!(!line.contains(s(f, "flow.from")), "{line}");
    }
    assert_eq!(i(by_from(&gtp, "10.238.80.26"), "gtpv1.c2s_teid_data"), 0x12808fb8);
    assert_eq!(i(by_from(&gtp, "10.238.36.92"), "gtpv1.c2s_teid_data"), 0x074c15b0);
}

/// A classic pcap of Ethernet/IPv4/UDP frames, one per payload.
fn udp_pcap(path: &Path, frames: &[(u16, u16, Vec<u8>)]) {
    let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (n, (sport, dport, payload)) in frames.iter().enumerate() {
        let udp_len = 8 + payload.len();
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0];
        ip[2..4].copy_from_slice(&((20 + udp_len) as u16).to_be_bytes());
        ip.extend_from_slice(&src.octets());
        ip.extend_from_slice(&dst.octets());
        let sum: u32 = ip.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], c[1]]))).sum();
        let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        let mut frame = vec![0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00];
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&sport.to_be_bytes());
        frame.extend_from_slice(&dport.to_be_bytes());
        frame.extend_from_slice(&(udp_len as u16).to_be_bytes());
        frame.extend_from_slice(&[0, 0]);
        frame.extend_from_slice(payload);
        out.extend_from_slice(&1_600_000_000u32.to_le_bytes());
        out.extend_from_slice(&(n as u32 * 1000).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame);
    }
    std::fs::write(path, out).unwrap();
}

/// The Create PDP Context Request of `gtpv1/zeek_gtp_create_pdp_ctx.pcap`
/// frame 2 (UDP payload; its values are checked against tshark above).
fn create_request() -> Vec<u8> {
    let h = "3210008900000000130b00000264004001000001f10364f060fffeff0eb00ffd1032f02bf91132f02bf91405800002f1218300070665657465737484001a8080211601010016030600000000810600000000830600000000850004c0a96401850004c0a9640186000891685122010001f187000c021b421f738c4040744b4040970001029900022320ff00052aab020103";
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}

/// Garbage on the GTP ports is not GTP: text, a GTPv2 header, and a GTPv1
/// header whose length does not fit the datagram.
#[test]
fn garbage_on_the_gtp_ports_is_not_detected() {
    let path = tmp("garbage.pcap");
    let mut short = create_request();
    short.push(0); // one byte more than the length field says
    udp_pcap(
        &path,
        &[
            (40000, 2123, b"GET / HTTP/1.1\r\nHost: example\r\n\r\n".to_vec()),
            (40001, 2152, vec![0x48, 0x20, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0]),
            (40002, 2123, short),
            (40003, 2152, vec![0xff; 300]),
        ],
    );
    let flows = json_flows(&path, &[]);
    assert_eq!(flows.len(), 4);
    for f in &flows {
        assert_eq!(i(f, "flow.l7_proto"), 0, "{f:?}");
        assert!(f.get("gtpv1.num_transactions").is_none());
    }
}

/// Bounds: a request with 10000 extra IEs is parsed up to its IE bound and
/// still reported; 300 transactions on one flow are all counted, 256 dumped.
#[test]
fn huge_and_many_messages_are_bounded() {
    let path = tmp("huge.pcap");
    let mut huge = create_request();
    for _ in 0..10_000 {
        huge.extend_from_slice(&[14, 0]); // Recovery IE
    }
    let len = (huge.len() - 8) as u16;
    huge[2..4].copy_from_slice(&len.to_be_bytes());
    let mut frames = vec![(40000, 2123, huge)];
    for seq in 0..300u16 {
        let mut m = create_request();
        m[8..10].copy_from_slice(&seq.to_be_bytes());
        frames.push((40001, 2123, m));
    }
    udp_pcap(&path, &frames);
    let flows = json_flows(&path, &[]);
    let huge = flows.iter().find(|f| i(f, "flow.sport") == 40000).unwrap();
    assert_eq!(i(huge, "flow.l7_proto"), 272);
    assert_eq!(s(huge, "gtpv1.end_user_imsi"), "460004100000101");
    assert_eq!(i(huge, "gtpv1.num_transactions"), 1);
    let many = flows.iter().find(|f| i(f, "flow.sport") == 40001).unwrap();
    assert_eq!(i(many, "gtpv1.num_transactions"), 300);
    assert_eq!(s(many, "gtpv1.apn_name"), "eetest");
    let lines = dump(&path, "huge-dump");
    assert_eq!(lines.len(), 1 + 256);
}
