//! POP3 plugin against the oracles beside every capture of
//! `../shared/pcaps/pop3/`: tshark's rows (`*.tshark.tsv`), Zeek's POP3
//! event dump and conn.log, Suricata's expected EVE records, and nDPI's flow
//! list.

mod common;
mod textproto;
use common::*;
use textproto::*;

const HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] User[ascii:64] Command[ascii:16] Argument[ascii:64] Status[ascii:4]";

/// Every flow with POP rows in tshark is POP3 (2) and counts tshark's
/// commands (its rows of SASL data, long base64 words, are not commands);
/// every other flow is not POP3. Returns the POP3 flows.
fn check_tshark<'a>(rel: &str, flows: &'a [Flow]) -> Vec<&'a Flow> {
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    let mut out = Vec::new();
    for f in flows {
        let mine = rows_of(&rows, f);
        if mine.is_empty() {
            assert_ne!(i(f, "flow.l7_proto"), 2, "{rel}: {:?}", flow_ends(f));
            continue;
        }
        assert_eq!((i(f, "flow.l7_proto"), s(f, "flow.l7_proto_name")), (2, "POP3"), "{rel}: {:?}", flow_ends(f));
        let cmds = mine.iter().filter(|(c, r)| *c && !col(r, "pop.request.command").is_empty() && col(r, "pop.request.command").len() <= 4).count();
        assert_eq!(i(f, "pop.num_commands") as usize, cmds, "{rel}: {:?}", flow_ends(f));
        if let Some((_, r)) = mine.iter().find(|(c, r)| *c && col(r, "pop.request.command").eq_ignore_ascii_case("USER")) {
            assert_eq!(s(f, "pop.user"), col(r, "pop.request.parameter"));
        }
        out.push(f);
    }
    out
}

/// The dump lines of one flow: (command, argument, status).
fn cmds_of(lines: &[Vec<String>], f: &Flow) -> Vec<(String, String, String)> {
    dump_of(lines, f).iter().map(|l| (l[6].clone(), l[7].clone(), l[8].clone())).collect()
}

/// Zeek's POP3 events, per connection: requests (command, argument) and
/// the replies after the greeting, paired in order, against the dump lines.
fn check_zeek_events(rel: &str, flows: &[Flow], lines: &[Vec<String>]) -> usize {
    let conn = zeek_log(&format!("{rel}.zeek-conn.log"));
    let events = std::fs::read_to_string(pcap(&format!("{rel}.zeek-events.out"))).unwrap();
    let mut checked = 0;
    for c in conn.iter().filter(|r| col(r, "service") == "pop3") {
        let uid = col(c, "uid");
        let mine: Vec<Vec<&str>> = events.lines().filter(|l| l.starts_with(&format!("{uid}, "))).map(|l| l.splitn(5, ", ").collect()).collect();
        let reqs: Vec<(&str, &str)> = mine.iter().filter(|e| e[1] == "pop3_request").map(|e| (e[3], e.get(4).copied().unwrap_or(""))).collect();
        let reps: Vec<&str> = mine.iter().filter(|e| e[1] == "pop3_reply").map(|e| e[3]).skip(1).collect();
        let (o, r) = zeek_ends(c);
        let f = find_flow(flows, &o, &r);
        assert_eq!(f.len(), 1, "{rel}: {o} -> {r}");
        let ours = cmds_of(lines, f[0]);
        assert_eq!(ours.len(), reqs.len(), "{rel}: {uid}: {ours:?} vs {reqs:?}");
        for ((cmd, arg, st), ((zc, za), zr)) in ours.iter().zip(reqs.iter().zip(reps.iter())) {
            assert_eq!(cmd, zc, "{rel}: {uid}");
            assert_eq!(arg.replace("<empty>", ""), *za, "{rel}: {uid} {zc}");
            assert_eq!(st.trim_start_matches(['+', '-']), *zr, "{rel}: {uid} {zc}");
        }
        // A user name the server accepted is the mailbox it names.
        if let Some(r) = mine.iter().find(|e| e[1] == "pop3_reply" && e.get(4).is_some_and(|m| m.starts_with("mailbox \""))) {
            assert_eq!(s(f[0], "pop.user"), r[4].split('"').nth(1).unwrap(), "{rel}: {uid}");
        }
        checked += 1;
    }
    // The refused REJ connections (no payload) are not POP3.
    for c in conn.iter().filter(|r| col(r, "service") != "pop3") {
        let (o, r) = zeek_ends(c);
        for f in find_flow(flows, &o, &r) {
            assert_eq!(i(f, "flow.l7_proto"), 0, "{rel}: {o} -> {r}");
        }
    }
    checked
}

#[test]
fn zeek_pop3_sessions() {
    let rel = "pop3/zeek_pop3.pcap";
    let (flows, lines) = run_with_dump(rel, "pop", HEADER, &[]);
    assert_eq!(check_tshark(rel, &flows).len(), 5);
    assert_eq!(check_zeek_events(rel, &flows, &lines), 5);
    // 192.168.0.4:26284: AUTH PLAIN refused (frame 38), yet the name tried
    // (frame 37, base64 of "\0digitalinvestigator@networksims.com\0napier") shows.
    let f = find_flow(&flows, "192.168.0.4:26284", "212.227.15.166:110")[0];
    assert_eq!(s(f, "pop.user"), "digitalinvestigator@networksims.com");
    // CAPA then QUIT only: no user.
    let f = find_flow(&flows, "192.168.0.4:26272", "212.227.15.166:110")[0];
    assert_eq!((s(f, "pop.user"), i(f, "pop.num_commands")), ("", 2));
}

#[test]
fn ndpi_pop3_user_pass_and_retr() {
    let rel = "pop3/ndpi_pop3.pcap";
    let (flows, lines) = run_with_dump(rel, "pop", HEADER, &[]);
    assert_eq!(check_tshark(rel, &flows).len(), 6);
    let ndpi = ndpi_flows(&format!("{rel}.ndpi.out"));
    assert_eq!(ndpi.len(), 6);
    for n in &ndpi {
        let f = find_flow(&flows, &n.a, &n.b);
        assert_eq!(f.len(), 1, "{n:?}");
        assert_eq!(i(f[0], "flow.l7_proto"), n.master, "{n:?}");
        if let Some(u) = &n.user {
            assert_eq!(s(f[0], "pop.user"), u);
        }
    }
    // The USER/PASS session (tshark frames 6-27): the password is not dumped,
    // and the messages' lines are not read as replies.
    let f = find_flow(&flows, "143.225.229.181:35287", "74.208.5.28:110")[0];
    let d: Vec<String> = cmds_of(&lines, f).iter().map(|(c, a, st)| format!("{c} {a} {st}")).collect();
    assert_eq!(d, ["USER cicciopernacchio@mail.com +OK", "PASS * +OK", "LIST <empty> +OK", "UIDL <empty> +OK", "RETR 2 +OK", "QUIT <empty> +OK"]);
}

/// Suricata's records: CAPA, AUTH XOAUTH2 (its SASL data is not a command),
/// STAT, LIST, UIDL and a QUIT without a reply. No greeting in the capture.
#[test]
fn suricata_pop3_xoauth2() {
    let rel = "pop3/suricata_pop3-auth-01.pcap";
    let (flows, lines) = run_with_dump(rel, "pop", HEADER, &[]);
    let pop = check_tshark(rel, &flows);
    assert_eq!(pop.len(), 1);
    let yaml = std::fs::read_to_string(pcap(&format!("{rel}.suricata-verify.test.yaml"))).unwrap();
    let mut want = Vec::new();
    for block in yaml.split("- filter:").skip(1) {
        let get = |k: &str| block.lines().find_map(|l| l.trim().strip_prefix(k)).map(|v| v.trim().to_string());
        let cmd = get("pop3.request.command:").unwrap();
        if cmd == "<SASL DATA>" {
            continue;
        }
        let st = match get("pop3.response.status:").as_deref() {
            Some("OK") => "+OK",
            Some(_) => "-ERR",
            None => "<empty>",
        };
        want.push((cmd, get("pop3.request.args[0]:").unwrap_or("<empty>".into()), st.to_string()));
    }
    assert_eq!(cmds_of(&lines, pop[0]), want);
    // XOAUTH2's "user=joe.speedboat^A..." (tshark frame 12, base64).
    assert_eq!(s(pop[0], "pop.user"), "joe.speedboat");
}

#[test]
fn detection_is_by_payload() {
    let garbage = synth_flows("pop-garbage", 41001, 110, &[(true, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), (false, b"\x15\x03\x03\x00\x02\x02\x28")]);
    assert_eq!(i(&garbage[0], "flow.l7_proto"), 0);
    let imap = synth_flows("pop-imap", 41002, 110, &[(false, b"* OK IMAP4rev1 ready\r\n")]);
    assert_ne!(i(&imap[0], "flow.l7_proto"), 2);
    let other = synth_flows("pop-1100", 41003, 1100, &[(false, b"+OK POP3 ready\r\n"), (true, b"USER bob\r\n"), (false, b"+OK\r\n"), (true, b"PASS x\r\n"), (false, b"+OK\r\n")]);
    assert_eq!((i(&other[0], "flow.l7_proto"), s(&other[0], "pop.user"), i(&other[0], "pop.num_commands")), (2, "bob", 2));
}

#[test]
fn floods_are_bounded() {
    let long = vec![b'x'; 1400];
    let noops = b"NOOP\r\n".repeat(200);
    let mut p: Vec<(bool, &[u8])> = vec![(false, b"+OK ready\r\n"), (true, b"USER a\r\nRETR 1\r\n"), (false, b"+OK\r\n+OK message\r\n")];
    p.extend(std::iter::repeat_n((false, &long[..]), 750));
    p.push((false, b"\r\n+OK fake\r\n.\r\n"));
    p.extend(std::iter::repeat_n((true, &noops[..]), 25));
    let f = &synth_flows("pop-flood", 41004, 110, &p)[0];
    assert_eq!((i(f, "flow.l7_proto"), s(f, "pop.user"), i(f, "pop.num_commands")), (2, "a", 5002));
}
