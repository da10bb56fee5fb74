//! SIP plugin against the oracles beside every capture of `../shared/pcaps/sip/`:
//! tshark (`*.tshark.tsv`, one row per SIP message: Call-ID, From/To, method,
//! status code, CSeq method), Zeek's sip.log (per transaction, grouped here by
//! call), the suricata-verify expectations and nDPI's detection
//! (`*.ndpi.out`). Per-call values are read from the dump dir
//! (`--sip-dump-dir`, one line per call); the table carries each flow's first
//! call. Also: garbage on port 5060 is not SIP, SIP elsewhere is, and
//! oversized input stays bounded.

mod common;
use common::*;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use engine::dissect::sip::fields::DUMP_HEADER;

/// Unordered endpoint pair of a tshark row.
fn row_pair(r: &Row) -> (String, String) {
    let src = [col(r, "ip.src"), col(r, "ipv6.src")].concat();
    let dst = [col(r, "ip.dst"), col(r, "ipv6.dst")].concat();
    let sp = [col(r, "udp.srcport"), col(r, "tcp.srcport")].concat();
    let dp = [col(r, "udp.dstport"), col(r, "tcp.dstport")].concat();
    pair(endpoint(&src, sp.parse().unwrap()), endpoint(&dst, dp.parse().unwrap()))
}

fn pair(a: String, b: String) -> (String, String) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn flow_pair(f: &Flow) -> (String, String) {
    pair(endpoint(s(f, "flow.from"), i(f, "flow.sport")), endpoint(s(f, "flow.to"), i(f, "flow.dport")))
}

fn secs(r: &Row) -> i64 {
    col(r, "frame.time_epoch").split('.').next().unwrap().parse().unwrap()
}

/// Distinct non-empty values of a column, in order of first appearance.
fn distinct<'a>(rows: &[&'a Row], k: &str) -> Vec<&'a str> {
    let mut v: Vec<&str> = Vec::new();
    for r in rows {
        let x = col(r, k);
        if !x.is_empty() && !v.contains(&x) {
            v.push(x);
        }
    }
    v
}

/// One dump line as column name -> value (`<empty>` read as "").
type Line = HashMap<String, String>;

fn dump_columns() -> Vec<String> {
    DUMP_HEADER.trim_start_matches("# ").split(' ').map(|c| c.split('[').next().unwrap().to_string()).collect()
}

/// Runs the probe with a dump dir; returns the flows and every dump line.
fn run(capture: &Path, extra: &[&str]) -> (Vec<Flow>, Vec<Line>) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("flowhook-sip-{}-{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    let mut args = extra.to_vec();
    args.extend_from_slice(&["--sip-dump-dir", dir.to_str().unwrap()]);
    let flows = json_flows(capture, &args);
    let cols = dump_columns();
    let mut lines = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let mut it = text.lines();
            assert_eq!(it.next(), Some(DUMP_HEADER), "{}", p.display());
            for l in it {
                let vals: Vec<&str> = l.split(' ').collect();
                assert_eq!(vals.len(), cols.len(), "dump line {l}");
                lines.push(cols.iter().cloned().zip(vals.iter().map(|v| if *v == "<empty>" { String::new() } else { v.to_string() })).collect());
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    (flows, lines)
}

/// Timeouts long enough that each 5-tuple is one flow, as the oracles see it.
const WHOLE: [&str; 4] = ["-d", "100000", "-t", "100000"];

fn num(l: &Line, k: &str) -> i64 {
    l[k].parse().unwrap_or_else(|_| panic!("{k}: {:?}", l[k]))
}

/// What the plugin must report for one call, derived from its tshark rows
/// by the rules documented in `engine/src/dissect/sip/fields.rs`.
struct Expected {
    invite: i64,
    trying: i64,
    ringing: i64,
    invite_ok: i64,
    invite_failure: i64,
    bye: i64,
    bye_ok: i64,
    cancel: i64,
    cancel_ok: i64,
    response_code: i64,
    state: &'static str,
}

fn expected(rows: &[&Row]) -> Expected {
    let first = |pred: &dyn Fn(&Row) -> bool| rows.iter().find(|r| pred(r)).map_or(0, |r| secs(r));
    let code = |r: &Row| col(r, "sip.Status-Code").parse::<i64>().unwrap_or(0);
    let cseq = |r: &Row, m: &str| col(r, "sip.CSeq.method") == m;
    let invite_ok = first(&|r| cseq(r, "INVITE") && (200..300).contains(&code(r)));
    let ok_at = rows.iter().position(|r| cseq(r, "INVITE") && (200..300).contains(&code(r))).unwrap_or(usize::MAX);
    let invite_failure = rows
        .iter()
        .enumerate()
        .find(|(n, r)| *n < ok_at && cseq(r, "INVITE") && code(r) >= 300 && code(r) != 401 && code(r) != 407)
        .map_or(0, |(_, r)| secs(r));
    let main = [col(rows[0], "sip.Method"), col(rows[0], "sip.CSeq.method")].into_iter().find(|m| !m.is_empty()).unwrap_or("");
    let to_main: Vec<i64> = rows.iter().filter(|r| cseq(r, main)).map(|r| code(r)).filter(|c| *c != 0).collect();
    let response_code = to_main.iter().rev().find(|c| **c >= 200).or(to_main.iter().rev().find(|c| **c < 200)).copied().unwrap_or(0);
    let e = Expected {
        invite: first(&|r| col(r, "sip.Method") == "INVITE"),
        trying: first(&|r| cseq(r, "INVITE") && code(r) == 100),
        ringing: first(&|r| cseq(r, "INVITE") && (code(r) == 180 || code(r) == 183)),
        invite_ok,
        invite_failure,
        bye: first(&|r| col(r, "sip.Method") == "BYE"),
        bye_ok: first(&|r| cseq(r, "BYE") && (200..300).contains(&code(r))),
        cancel: first(&|r| col(r, "sip.Method") == "CANCEL"),
        cancel_ok: first(&|r| cseq(r, "CANCEL") && (200..300).contains(&code(r))),
        response_code,
        state: "",
    };
    let state = if e.bye != 0 {
        "CALL_COMPLETED"
    } else if e.invite_ok != 0 {
        "CALL_IN_PROGRESS"
    } else if e.cancel != 0 {
        "CALL_CANCELED"
    } else if e.invite_failure != 0 {
        "CALL_ERROR"
    } else if e.invite != 0 {
        "CALL_STARTED"
    } else {
        ""
    };
    Expected { state, ..e }
}

/// Checks every SIP flow and every call of a capture against its tshark
/// rows; returns (flows, calls) checked.
fn check_tshark(rel: &str) -> (usize, usize) {
    let rows = tsv_rows(&pcap(&format!("{rel}.tshark.tsv")));
    let (flows, lines) = run(&pcap(rel), &WHOLE);
    let sip: Vec<&Flow> = flows.iter().filter(|f| i(f, "flow.l7_proto") == 100).collect();
    // Every message tshark calls SIP is in a flow the plugin claimed.
    for r in &rows {
        assert!(sip.iter().any(|f| flow_pair(f) == row_pair(r)), "{rel}: frame {} is in no SIP flow", col(r, "frame.number"));
    }
    let mut calls = 0;
    for f in &sip {
        let mine: Vec<&Row> = rows.iter().filter(|r| row_pair(r) == flow_pair(f)).collect();
        let who = format!("{rel}: {:?}", flow_pair(f));
        assert_eq!(i(f, "sip.num_messages") as usize, mine.len(), "{who}: messages");
        let ids = distinct(&mine, "sip.Call-ID");
        assert_eq!(i(f, "sip.num_calls") as usize, ids.len(), "{who}: calls");
        assert_eq!(s(f, "sip.call_id"), ids[0], "{who}: first call");
        assert_eq!(s(f, "sip.calling_party"), col(mine[0], "sip.from.addr"), "{who}");
        assert_eq!(s(f, "sip.called_party"), col(mine[0], "sip.to.addr"), "{who}");
        let hosts = [s(f, "flow.from"), s(f, "flow.to")];
        for id in &ids {
            let rows_c: Vec<&Row> = mine.iter().copied().filter(|r| col(r, "sip.Call-ID") == *id).collect();
            let line: Vec<&Line> =
                lines.iter().filter(|l| l["CallId"] == *id && hosts.contains(&l["Client"].as_str()) && hosts.contains(&l["Server"].as_str())).collect();
            assert_eq!(line.len(), 1, "{who}: dump lines of call {id}");
            let l = line[0];
            let who = format!("{who}: call {id}");
            assert_eq!(num(l, "NumMessages") as usize, rows_c.len(), "{who}");
            assert_eq!(l["Methods"], distinct(&rows_c, "sip.Method").join(","), "{who}: methods");
            assert_eq!(l["ResponseCodes"], distinct(&rows_c, "sip.Status-Code").join(","), "{who}: codes");
            assert_eq!(l["CallingParty"], col(rows_c[0], "sip.from.addr"), "{who}");
            assert_eq!(l["CalledParty"], col(rows_c[0], "sip.to.addr"), "{who}");
            assert_eq!(num(l, "When"), secs(rows_c[0]), "{who}");
            let e = expected(&rows_c);
            for (k, v) in [
                ("InviteTime", e.invite),
                ("TryingTime", e.trying),
                ("RingingTime", e.ringing),
                ("InviteOkTime", e.invite_ok),
                ("InviteFailureTime", e.invite_failure),
                ("ByeTime", e.bye),
                ("ByeOkTime", e.bye_ok),
                ("CancelTime", e.cancel),
                ("CancelOkTime", e.cancel_ok),
                ("ResponseCode", e.response_code),
            ] {
                assert_eq!(num(l, k), v, "{who}: {k}");
            }
            assert_eq!(l["CallState"], e.state, "{who}: state");
            if *id == ids[0] {
                // The table is the first call's dump line.
                for (k, c) in [
                    ("sip.invite_time", "InviteTime"),
                    ("sip.invite_failure_time", "InviteFailureTime"),
                    ("sip.cancel_time", "CancelTime"),
                    ("sip.response_code", "ResponseCode"),
                    ("sip.reason_cause", "ReasonCause"),
                    ("sip.rtp_l4_src_port", "RtpSrcPort"),
                    ("sip.rtp_l4_dst_port", "RtpDstPort"),
                ] {
                    assert_eq!(i(f, k), num(l, c), "{who}: {k}");
                }
                for (k, c) in [("sip.call_state", "CallState"), ("sip.uac", "UAC"), ("sip.rtp_codecs", "RtpCodecs"), ("sip.c_ip", "C_IP")] {
                    assert_eq!(s(f, k).replace(' ', "_"), l[c], "{who}: {k}");
                }
            }
            calls += 1;
        }
    }
    (sip.len(), calls)
}

/// `sip/ndpi_sip.pcap` and `sip/zeek_sip-wireshark.pcap` hold the same
/// Wireshark sample calls (the nDPI copy adds keep-alives and RTP): REGISTER
/// dialogs with 401/403 challenges, a call canceled with 408s, two calls
/// refused (403, 480 after 183 early media).
#[test]
fn ndpi_sip_vs_tshark() {
    assert_eq!(check_tshark("sip/ndpi_sip.pcap"), (2, 6));
}

#[test]
fn zeek_wireshark_vs_tshark() {
    assert_eq!(check_tshark("sip/zeek_sip-wireshark.pcap"), (2, 6));
}

#[test]
fn tcp_vs_tshark() {
    assert_eq!(check_tshark("sip/suricata_sip-tcp.pcap"), (1, 1));
}

#[test]
fn compact_form_vs_tshark() {
    assert_eq!(check_tshark("sip/suricata_sip_compact_form.pcap"), (1, 1));
}

/// The values tshark has no column for, on the calls of `sip/ndpi_sip.pcap`
/// (read off tshark's SDP and header fields: `sdp.media`, `sdp.connection_info`,
/// `sdp.media_attr`, `sip.User-Agent`, `sip.Server`, `sip.Reason`).
#[test]
fn ndpi_sip_media_and_agents() {
    let (flows, lines) = run(&pcap("sip/ndpi_sip.pcap"), &WHOLE);
    let call = |id: &str| lines.iter().find(|l| l["CallId"] == id).unwrap_or_else(|| panic!("no call {id}"));
    // 480 after 183 early media: answer 212.242.33.36:40392 from the 183.
    let c = call("11894297-4432a9f8@192.168.1.2");
    assert_eq!((c["RtpSrcAddr"].as_str(), num(c, "RtpSrcPort")), ("192.168.1.2", 30000));
    assert_eq!((c["RtpDstAddr"].as_str(), num(c, "RtpDstPort")), ("212.242.33.36", 40392));
    assert_eq!(c["RtpCodecs"], "pcmu,pcma,iLBC,G726-32,GSM");
    assert_eq!(c["C_IP"], "192.168.1.2,212.242.33.36");
    assert_eq!(num(c, "ReasonCause"), 21);
    assert_eq!(c["UAC"], "Nero_SIPPS_IP_Phone_Version_2.0.51.16");
    assert_eq!(c["UAS"], "Cirpack/v4.38e_(gw_sip)");
    // The RTP stream nDPI sees (192.168.1.2:30000 -> 212.242.33.36:40392) is
    // the one this call's SDP offer and answer announce.
    assert!(flows
        .iter()
        .any(|f| (s(f, "flow.from"), i(f, "flow.sport"), s(f, "flow.to"), i(f, "flow.dport")) == ("192.168.1.2", 30000, "212.242.33.36", 40392)));
    let c = call("105090259-446faf7a@192.168.1.2");
    assert_eq!(c["UAS"], "Sip_EXpress_router_(0.8.12_(i386/linux))");
    assert_eq!((c["RtpDstAddr"].as_str(), num(c, "RtpDstPort"), num(c, "ReasonCause")), ("", 0, 0));
    // REGISTER dialogs have no call state and no media.
    let c = call("29858147-465b0752@29858051-465b07b2");
    assert_eq!((c["CallState"].as_str(), c["C_IP"].as_str(), num(c, "ResponseCode")), ("", "", 200));
}

/// Zeek's sip.log (`zeek_sip-wireshark.pcap.zeek-sip.log`, one row per
/// transaction), grouped by call: the same calls, between the same hosts,
/// with Zeek's methods and status codes among ours, its User-Agent our UAC
/// and its first request's From/To URIs our calling/called party.
#[test]
fn zeek_sip_log_per_call() {
    let text = std::fs::read_to_string(pcap("sip/zeek_sip-wireshark.pcap.zeek-sip.log")).unwrap();
    let fields: Vec<&str> = text.lines().find_map(|l| l.strip_prefix("#fields\t")).unwrap().split('\t').collect();
    let rows: Vec<HashMap<&str, &str>> = text.lines().filter(|l| !l.starts_with('#')).map(|l| fields.iter().copied().zip(l.split('\t')).collect()).collect();
    assert_eq!(rows.len(), 36);
    let (_, lines) = run(&pcap("sip/zeek_sip-wireshark.pcap"), &WHOLE);
    let uri = |v: &str| v.find('<').map_or(v.to_string(), |a| v[a + 1..].split('>').next().unwrap().to_string());
    let mut ids: Vec<&str> = Vec::new();
    for r in &rows {
        if !ids.contains(&r["call_id"]) {
            ids.push(r["call_id"]);
        }
    }
    assert_eq!(ids.len(), 6);
    let mut ours: Vec<&str> = lines.iter().map(|l| l["CallId"].as_str()).collect();
    ours.sort();
    let mut theirs = ids.clone();
    theirs.sort();
    assert_eq!(ours, theirs);
    for id in ids {
        let zr: Vec<_> = rows.iter().filter(|r| r["call_id"] == id).collect();
        let l = lines.iter().find(|l| l["CallId"] == id).unwrap();
        assert_eq!((l["Client"].as_str(), l["Server"].as_str()), (zr[0]["id.orig_h"], zr[0]["id.resp_h"]), "{id}");
        let methods: Vec<&str> = l["Methods"].split(',').collect();
        let codes: Vec<&str> = l["ResponseCodes"].split(',').collect();
        for r in &zr {
            assert!(methods.contains(&r["method"]), "{id}: zeek method {} not in {methods:?}", r["method"]);
            if r["status_code"] != "-" {
                assert!(codes.contains(&r["status_code"]), "{id}: zeek status {} not in {codes:?}", r["status_code"]);
            }
            if r["user_agent"] != "-" {
                assert_eq!(l["UAC"], r["user_agent"].replace(' ', "_"), "{id}");
            }
        }
        let first = zr.iter().find(|r| r["request_from"] != "-").unwrap();
        assert_eq!(l["CallingParty"], uri(first["request_from"]), "{id}");
        assert_eq!(l["CalledParty"], uri(first["request_to"]), "{id}");
    }
}

/// suricata-verify `sip-tcp-method`: one SIP-over-TCP flow with two
/// transactions (stats `sip_tcp` tx 2, flow 1), and the rule `flow:to_server;
/// sip.method; content:"REGISTER"` fires: the REGISTER goes from the flow's
/// initiator to the server.
#[test]
fn suricata_sip_tcp() {
    let (flows, lines) = run(&pcap("sip/suricata_sip-tcp.pcap"), &[]);
    let sip: Vec<&Flow> = flows.iter().filter(|f| i(f, "flow.l7_proto") == 100).collect();
    assert_eq!(sip.len(), 1);
    let f = sip[0];
    assert_eq!((i(f, "flow.protocol"), s(f, "flow.from"), i(f, "flow.sport"), i(f, "flow.dport")), (6, "127.0.0.1", 58882, 5060));
    assert_eq!((i(f, "sip.num_messages"), i(f, "sip.num_calls")), (2, 1));
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0]["Methods"].as_str(), lines[0]["ResponseCodes"].as_str()), ("REGISTER", "200"));
    assert_eq!(s(f, "sip.uac"), "Zoiper rv2.10.3.2");
    assert_eq!(s(f, "sip.uas"), "kamailio (5.2.1 (x86_64/linux))");
    assert_eq!(i(f, "sip.response_code"), 200);
}

/// suricata-verify `sip-compact-form`: its five rules match the compact
/// headers `f:` ("arik"), `t:` ("sip:"), `v:` ("SIP/2.0/UDP"), `c:`
/// ("application/sdp") and `l:` ("272"). Here: From/To are read (the display
/// name "arik" is dropped from the party, see the parser unit test), the
/// SDP was recognised by `c:` (its `c=` address is reported) and cut at
/// `l: 272` (the m= line lies past byte 272: no codecs, no RTP port; tshark
/// cuts it there too).
#[test]
fn suricata_compact_form() {
    let flows = json_flows(&pcap("sip/suricata_sip_compact_form.pcap"), &[]);
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!(i(f, "flow.l7_proto"), 100);
    assert_eq!(s(f, "sip.calling_party"), "sip:816666@voip.brurjula.net");
    assert!(s(f, "sip.called_party").starts_with("sip:"));
    assert_eq!(s(f, "sip.call_id"), "105090259-446faf7a@192.168.1.2");
    assert_eq!(s(f, "sip.c_ip"), "192.168.1.2");
    assert_eq!((s(f, "sip.rtp_codecs"), i(f, "sip.rtp_l4_src_port")), ("", 0));
    assert_eq!((s(f, "sip.call_state"), i(f, "sip.invite_time")), ("CALL_STARTED", 1_713_446_096));
}

/// nDPI (`ndpi_sip.pcap.ndpi.out`): every flow it calls SIP (id 100) is SIP
/// here, with the default timeouts (the long-lived 5060 flow is then cut in
/// several flow records, keep-alive-only ones included) and with one flow per
/// 5-tuple; the RTP and unknown flows are not SIP.
#[test]
fn ndpi_detection() {
    let text = std::fs::read_to_string(pcap("sip/ndpi_sip.pcap.ndpi.out")).unwrap();
    let mut theirs: Vec<((String, String), i64)> = Vec::new();
    for l in text.lines() {
        let t: Vec<&str> = l.split_whitespace().collect();
        let (Some(proto_at), Some(&"UDP" | &"TCP")) = (l.find("[proto: "), t.get(1)) else { continue };
        let master: i64 = l[proto_at + 8..].split(['/', '.']).next().unwrap().parse().unwrap();
        theirs.push((pair(t[2].to_string(), t[4].to_string()), master));
    }
    assert_eq!(theirs.len(), 4);
    assert_eq!(theirs.iter().filter(|(_, p)| *p == 100).count(), 2);
    for extra in [&[][..], &WHOLE[..]] {
        let flows = json_flows(&pcap("sip/ndpi_sip.pcap"), extra);
        for (p, master) in &theirs {
            let mine: Vec<&Flow> = flows.iter().filter(|f| flow_pair(f) == *p).collect();
            assert!(!mine.is_empty(), "{p:?}: no flow");
            for f in mine {
                assert_eq!(i(f, "flow.l7_proto") == 100, *master == 100, "{p:?} {extra:?}: ours {} nDPI {master}", i(f, "flow.l7_proto"));
            }
        }
        let covered = flows.iter().all(|f| theirs.iter().any(|(p, _)| *p == flow_pair(f)));
        assert!(covered, "a flow nDPI does not list");
    }
}

/// No capture outside `sip/` has a flow called SIP (none holds SIP: the
/// tshark protocol column of the README lists none).
#[test]
fn no_sip_outside_sip_captures() {
    let root = pcap("");
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() || dir.ends_with("sip") {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.to_string_lossy().to_string();
            if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
                continue;
            }
            for fl in json_flows(&f, &[]) {
                assert_ne!(i(&fl, "flow.l7_proto"), 100, "{name}: {fl:?}");
            }
        }
    }
}

// ---- synthetic captures: garbage on 5060, SIP on other ports, huge input ----

/// Layer 4 of a synthetic frame: the UDP payload, or TCP `(seq, flags, payload)`.
enum L4 {
    Udp(Vec<u8>),
    Tcp(u32, u8, Vec<u8>),
}

/// (ts_sec, src, sport, dst, dport, payload)
type Frame = (u32, [u8; 4], u16, [u8; 4], u16, L4);

/// Writes a classic pcap (Ethernet, IPv4) of `frames`.
fn write_pcap(path: &Path, frames: &[Frame]) {
    let mut pcap = PcapFile::new(262_144, 1);
    for (ts, src, sport, dst, dport, l4) in frames {
        let mut seg = Vec::new();
        let proto = match l4 {
            L4::Udp(p) => {
                seg.extend_from_slice(&sport.to_be_bytes());
                seg.extend_from_slice(&dport.to_be_bytes());
                seg.extend_from_slice(&((8 + p.len()) as u16).to_be_bytes());
                seg.extend_from_slice(&[0, 0]);
                seg.extend_from_slice(p);
                17
            }
            L4::Tcp(seq, flags, p) => {
                seg.extend_from_slice(&sport.to_be_bytes());
                seg.extend_from_slice(&dport.to_be_bytes());
                seg.extend_from_slice(&seq.to_be_bytes());
                seg.extend_from_slice(&0u32.to_be_bytes());
                seg.extend_from_slice(&[0x50, *flags, 0xff, 0xff, 0, 0, 0, 0]);
                seg.extend_from_slice(p);
                6
            }
        };
        let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0];
        ip[2..4].copy_from_slice(&((20 + seg.len()) as u16).to_be_bytes());
        ip.extend_from_slice(src);
        ip.extend_from_slice(dst);
        set_ipv4_checksum(&mut ip);
        let mut frame = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00];
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&seg);
        pcap.record(*ts, 0, &frame);
    }
    pcap.write(path);
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("flowhook-sip-synth-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

const A: [u8; 4] = [10, 0, 0, 1];
const B: [u8; 4] = [10, 0, 0, 2];

/// Garbage, HTTP, an RTP-like header, whitespace keep-alives and
/// almost-SIP lines on 5060 are not SIP; a real INVITE on 5080 is.
#[test]
fn garbage_on_5060_is_not_sip_and_sip_on_other_ports_is() {
    let invite = b"INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: off-port@a\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let garbage: [&[u8]; 7] = [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage-tls-like",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x80\x08\x6f\xae\x00\x00\x04\xd8\x37\x96\xcb\x71\xd5\xd5",
        b"     ",
        b"SIP is great\r\n",
        b"INVITE bob SIP/2.0\r\n\r\n",
        b"SIP/2.0 OK\r\n\r\n",
    ];
    let mut frames = Vec::new();
    for (n, g) in garbage.iter().enumerate() {
        // Each garbage payload is its own flow; every one is sent 8 times
        // (the probe looks at 8 chunks).
        for _ in 0..8 {
            frames.push((1_700_000_000, A, 20_000 + n as u16, B, 5060, L4::Udp(g.to_vec())));
        }
    }
    frames.push((1_700_000_001, A, 40_000, B, 5080, L4::Udp(invite.to_vec())));
    let p = tmp("garbage.pcap");
    write_pcap(&p, &frames);
    let flows = json_flows(&p, &[]);
    assert_eq!(flows.len(), garbage.len() + 1);
    for f in &flows {
        if i(f, "flow.dport") == 5060 {
            assert_ne!(i(f, "flow.l7_proto"), 100, "{f:?}");
            assert!(f.get("sip.call_id").is_none());
        } else {
            assert_eq!(i(f, "flow.l7_proto"), 100, "{f:?}");
            assert_eq!(s(f, "sip.call_id"), "off-port@a");
            assert_eq!(s(f, "sip.call_state"), "CALL_STARTED");
        }
    }
}

/// SIP over TCP with a head that never ends (300 KB of headers), then on
/// another flow a 1 MB body followed by a BYE: the probe exports both flows,
/// the first with the call it could not finish reading counted nowhere, the
/// second with both messages (the body skipped, the BYE found after it).
#[test]
fn huge_tcp_input_is_bounded() {
    let mut endless = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: endless\r\n".to_vec();
    while endless.len() < 300_000 {
        endless.extend_from_slice(b"X-Filler: 0123456789abcdef0123456789abcdef\r\n");
    }
    let big_head = b"MESSAGE sip:a@b SIP/2.0\r\nCall-ID: big\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n";
    let body = vec![b'x'; 1_000_000];
    let bye = b"BYE sip:a@b SIP/2.0\r\nCall-ID: after\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
    let mut frames = Vec::new();
    let (syn, ack, psh) = (0x02, 0x10, 0x18);
    for (sport, stream) in [(30_001u16, endless.clone()), (30_002, [&big_head[..], &body, bye].concat())] {
        frames.push((1_700_000_000, A, sport, B, 5060, L4::Tcp(1000, syn, Vec::new())));
        let mut seq = 1001u32;
        for chunk in stream.chunks(1400) {
            frames.push((1_700_000_000, A, sport, B, 5060, L4::Tcp(seq, psh | ack, chunk.to_vec())));
            seq += chunk.len() as u32;
        }
    }
    let p = tmp("huge.pcap");
    write_pcap(&p, &frames);
    let flows = json_flows(&p, &[]);
    assert_eq!(flows.len(), 2);
    for f in &flows {
        assert_eq!(i(f, "flow.l7_proto"), 100, "{f:?}");
        match i(f, "flow.sport") {
            30_001 => assert_eq!((i(f, "sip.num_messages"), s(f, "sip.call_id")), (0, "")),
            _ => {
                assert_eq!((i(f, "sip.num_messages"), i(f, "sip.num_calls")), (2, 2));
                assert_eq!(s(f, "sip.call_id"), "big");
            }
        }
    }
}

/// With the default timeouts the 25-minute 5060 flow of `sip/ndpi_sip.pcap`
/// is exported as several flow records (lifetime 120 s, idle 60 s), each with
/// a fresh dissector: together they still hold every message tshark sees.
#[test]
fn split_flows_keep_every_message() {
    for rel in ["sip/ndpi_sip.pcap", "sip/zeek_sip-wireshark.pcap"] {
        let rows = tsv_rows(&pcap(&format!("{rel}.tshark.tsv")));
        let flows = json_flows(&pcap(rel), &[]);
        let mut pairs: Vec<(String, String)> = rows.iter().map(row_pair).collect();
        pairs.dedup();
        pairs.sort();
        pairs.dedup();
        let mut records = 0;
        for p in &pairs {
            let mine: Vec<&Flow> = flows.iter().filter(|f| flow_pair(f) == *p).collect();
            records += mine.len();
            let sum: i64 = mine.iter().map(|f| i(f, "sip.num_messages")).sum();
            assert_eq!(sum as usize, rows.iter().filter(|r| row_pair(r) == *p).count(), "{rel}: {p:?}");
        }
        assert!(records > pairs.len(), "{rel}: expected the long flow to be split");
    }
}
