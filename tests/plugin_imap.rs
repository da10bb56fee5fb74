//! IMAP plugin against the oracles beside every capture of
//! `../shared/pcaps/imap/`: tshark's rows (`*.tshark.tsv`: requests with
//! their command and LOGIN user name, responses), Suricata's expected flow
//! record, and nDPI's flow list.

mod common;
mod textproto;
use common::*;
use textproto::*;

use std::collections::HashMap;

const HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] Login[ascii:64] Tag[ascii:16] Command[ascii:16] Status[ascii:4]";

/// Every flow with IMAP rows is IMAP (4): its login is tshark's LOGIN user
/// name (quotes removed), its command count and its dump lines (tag,
/// command, tagged status) are tshark's requests and tagged responses.
/// Flows without IMAP rows are not IMAP. Returns the IMAP flows.
fn check<'a>(rel: &str, flows: &'a [Flow], lines: &[Vec<String>]) -> Vec<&'a Flow> {
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    let mut out = Vec::new();
    for f in flows {
        let mine = rows_of(&rows, f);
        if mine.is_empty() {
            assert_ne!(i(f, "flow.l7_proto"), 4, "{rel}: {:?}", flow_ends(f));
            continue;
        }
        assert_eq!((i(f, "flow.l7_proto"), s(f, "flow.l7_proto_name")), (4, "IMAP"), "{rel}: {:?}", flow_ends(f));
        let reqs: Vec<&str> = mine.iter().filter(|(c, r)| *c && !col(r, "imap.request").is_empty()).map(|(_, r)| col(r, "imap.request")).collect();
        assert_eq!(i(f, "imap.num_commands") as usize, reqs.len(), "{rel}");
        let user = mine.iter().map(|(_, r)| col(r, "imap.request.username")).find(|u| !u.is_empty()).unwrap();
        assert_eq!(s(f, "imap.login"), user.trim_matches('"'), "{rel}");
        // Tagged completions, from tshark's response column (several per row, joined by ',').
        let mut status: HashMap<String, String> = HashMap::new();
        for (_, r) in mine.iter().filter(|(c, _)| !*c) {
            for resp in col(r, "imap.response").split(',') {
                let w: Vec<&str> = resp.split(' ').collect();
                if w.len() >= 2 && matches!(w[1], "OK" | "NO" | "BAD") {
                    status.insert(w[0].to_string(), w[1].to_string());
                }
            }
        }
        let ours = dump_of(lines, f);
        assert_eq!(ours.len(), reqs.len(), "{rel}");
        let mut logged_in = false;
        for (l, req) in ours.iter().zip(&reqs) {
            let mut w = req.split(' ');
            let (tag, cmd) = (w.next().unwrap(), w.next().unwrap());
            // Spaces are `_` in dump columns.
            let cmd = if cmd == "UID" { format!("UID_{}", w.next().unwrap()) } else { cmd.to_string() };
            assert_eq!((l[6].as_str(), l[7].as_str()), (tag, cmd.as_str()), "{rel}");
            assert_eq!(l[8], *status.get(tag).unwrap(), "{rel}: status of {tag}");
            // The name shows from the LOGIN command on.
            logged_in |= cmd == "LOGIN";
            assert_eq!(l[5], if logged_in { s(f, "imap.login") } else { "<empty>" }, "{rel}: {tag}");
        }
        out.push(f);
    }
    out
}

#[test]
fn ndpi_imap_login() {
    let rel = "imap/ndpi_imap.pcap";
    let (flows, lines) = run_with_dump(rel, "imap", HEADER, &[]);
    let imap = check(rel, &flows, &lines);
    assert_eq!(imap.len(), 1);
    for n in ndpi_flows(&format!("{rel}.ndpi.out")) {
        let f = find_flow(&flows, &n.a, &n.b);
        assert_eq!(f.len(), 1, "{n:?}");
        assert_eq!(i(f[0], "flow.l7_proto"), n.master, "{n:?}");
        assert_eq!(Some(s(f[0], "imap.login")), n.user.as_deref());
    }
    assert_eq!(s(imap[0], "imap.login"), "samir");
}

/// A quoted LOGIN name, and FETCH responses whose message literals hold
/// lines that look like responses: Suricata's flow record (app_proto imap,
/// 56 packets to the server, 50 to the client).
#[test]
fn suricata_imap_fetch_literals() {
    let rel = "imap/suricata_imap-detection.pcap";
    let (flows, lines) = run_with_dump(rel, "imap", HEADER, &[]);
    let imap = check(rel, &flows, &lines);
    assert_eq!(imap.len(), 1);
    let yaml = std::fs::read_to_string(pcap(&format!("{rel}.suricata-verify.test.yaml"))).unwrap();
    let value = |k: &str| yaml.lines().find_map(|l| l.trim().strip_prefix(k)).unwrap().trim().to_string();
    let f = imap[0];
    assert_eq!(value("app_proto:"), "imap");
    assert_eq!((s(f, "flow.from"), s(f, "flow.to")), (value("src_ip:").as_str(), value("dest_ip:").as_str()));
    assert_eq!(i(f, "flow.in_pkts").to_string(), value("flow.pkts_toserver:"));
    assert_eq!(i(f, "flow.out_pkts").to_string(), value("flow.pkts_toclient:"));
    assert_eq!(s(f, "imap.login"), "neulingern");
    assert_eq!(i(f, "imap.num_commands"), 26);
}

#[test]
fn detection_is_by_payload() {
    let garbage = synth_flows("imap-garbage", 42001, 143, &[(true, b"\x16\x03\x01\x00\x10\x01\x00\x00\x0c"), (false, b"\x00\x00\x00\x00")]);
    assert_eq!(i(&garbage[0], "flow.l7_proto"), 0);
    let pop = synth_flows("imap-pop", 42002, 143, &[(false, b"+OK POP3 ready\r\n")]);
    assert_ne!(i(&pop[0], "flow.l7_proto"), 4);
    // On another port, with the name as a literal (RFC 9051 4.3).
    let other = synth_flows(
        "imap-1143",
        42003,
        1143,
        &[(false, b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"), (true, b"a1 LOGIN {5+}\r\nsamir {5+}\r\npfres\r\n"), (false, b"a1 OK LOGIN completed\r\n")],
    );
    assert_eq!((i(&other[0], "flow.l7_proto"), s(&other[0], "imap.login"), i(&other[0], "imap.num_commands")), (4, "samir", 1));
}

#[test]
fn floods_are_bounded() {
    let long = vec![b'y'; 1400];
    let noops = b"a NOOP\r\n".repeat(150);
    let mut p: Vec<(bool, &[u8])> = vec![(false, b"* OK ready\r\n"), (true, b"a1 LOGIN u p\r\na2 FETCH 1 RFC822\r\n"), (false, b"a1 OK done\r\n* 1 FETCH (RFC822 {1050000}\r\n")];
    p.extend(std::iter::repeat_n((false, &long[..]), 750));
    p.push((false, b")\r\na2 OK done\r\n"));
    p.push((true, b"a3 LOGIN "));
    p.extend(std::iter::repeat_n((true, &long[..]), 750));
    p.push((true, b"\r\n"));
    p.extend(std::iter::repeat_n((true, &noops[..]), 20));
    let f = &synth_flows("imap-flood", 42004, 143, &p)[0];
    assert_eq!((i(f, "flow.l7_proto"), s(f, "imap.login"), i(f, "imap.num_commands")), (4, "u", 3003));
}
