//! SMTP plugin against the oracles beside every capture of
//! `../shared/pcaps/smtp/`: tshark's rows (`*.tshark.tsv`: one per command
//! or reply), Zeek's smtp.log (one row per mail), Suricata's expected EVE
//! record, and nDPI's flow list (`*.ndpi.out`).

mod common;
mod textproto;
use common::*;
use textproto::*;

use std::collections::BTreeSet;

const HEADER: &str = "# When[epoch] Client[ascii:32] ClientPort[uint] Server[ascii:32] ServerPort[uint] Helo[ascii:64] User[ascii:64] MailFrom[ascii:64] RcptTo[ascii] NumRcpt[uint] Bytes[uint] RetCode[uint]";

/// The mailbox of a tshark MAIL/RCPT parameter (`FROM: <a@b>` -> `a@b`).
fn mailbox(param: &str) -> String {
    let p = param.split_once(':').map_or(param, |(_, r)| r).trim();
    p.trim_start_matches('<').split('>').next().unwrap().to_string()
}

/// Checks every flow against tshark's rows: flows with SMTP rows are SMTP
/// (3) and carry the first mail's sender and recipients and the mail count
/// tshark shows; flows without are not SMTP. Returns the SMTP flows checked.
fn check_tshark(rel: &str, flows: &[Flow]) -> usize {
    let rows = tsv(&format!("{rel}.tshark.tsv"));
    let mut n = 0;
    for f in flows {
        let mine = rows_of(&rows, f);
        if mine.is_empty() {
            assert_ne!(i(f, "flow.l7_proto"), 3, "{rel}: {:?} has no SMTP row but is SMTP", flow_ends(f));
            continue;
        }
        assert_eq!((i(f, "flow.l7_proto"), s(f, "flow.l7_proto_name")), (3, "SMTP"), "{rel}: {:?}", flow_ends(f));
        let cmds: Vec<(String, &str)> =
            mine.iter().filter(|(c, r)| *c && !col(r, "smtp.req.command").is_empty()).map(|(_, r)| (col(r, "smtp.req.command").to_uppercase(), col(r, "smtp.req.parameter"))).collect();
        let mails = cmds.iter().filter(|(c, _)| c == "MAIL").count();
        if mails > 0 {
            assert_eq!(i(f, "smtp.num_mails") as usize, mails, "{rel}: mails");
            let first = cmds.iter().position(|(c, _)| c == "MAIL").unwrap();
            assert_eq!(s(f, "smtp.mail_from"), mailbox(cmds[first].1), "{rel}: sender");
            let rcpt: Vec<String> = cmds[first + 1..].iter().take_while(|(c, _)| c != "MAIL").filter(|(c, _)| c == "RCPT").map(|(_, p)| mailbox(p)).collect();
            assert_eq!(s(f, "smtp.rcpt_to"), rcpt.join(","), "{rel}: recipients");
        }
        n += 1;
    }
    n
}

/// Dump lines against Zeek's smtp.log, one row per mail, in order for each
/// connection: HELO, sender, recipients (a set in Zeek), the reply code.
fn check_zeek(rel: &str, lines: &[Vec<String>]) {
    let log = zeek_log(&format!("{rel}.zeek-smtp.log"));
    assert!(!log.is_empty());
    for r in &log {
        let (o, _) = zeek_ends(r);
        let mine: Vec<_> = lines.iter().filter(|l| dump_ends(l) == zeek_ends(r)).collect();
        let depth: usize = col(r, "trans_depth").parse().unwrap();
        let l = mine.get(depth - 1).unwrap_or_else(|| panic!("{rel}: no dump line for {o} mail {depth}"));
        assert_eq!(l[5], col(r, "helo"), "{rel}: helo");
        assert_eq!(l[7], col(r, "mailfrom"), "{rel}: sender");
        let theirs: BTreeSet<&str> = col(r, "rcptto").split(',').collect();
        let ours: BTreeSet<&str> = l[8].split(',').collect();
        assert_eq!(ours, theirs, "{rel}: recipients");
        assert_eq!(l[9], theirs.len().to_string());
        assert_eq!(l[11], col(r, "last_reply")[..3], "{rel}: reply");
    }
}

#[test]
fn ndpi_smtp_thirty_recipients() {
    let rel = "smtp/ndpi_smtp.pcap";
    let (flows, lines) = run_with_dump(rel, "smtp", HEADER, &[]);
    assert_eq!(check_tshark(rel, &flows), 1);
    for n in ndpi_flows(&format!("{rel}.ndpi.out")) {
        let f = find_flow(&flows, &n.a, &n.b);
        assert_eq!(f.len(), 1, "{n:?}");
        assert_eq!(i(f[0], "flow.l7_proto"), n.master, "{n:?}");
    }
    let f = &flows[0];
    assert_eq!(s(f, "smtp.rcpt_to").split(',').count(), 30);
    // One mail: HELO after a refused EHLO, 30 recipients, accepted (tshark frame 89: 250).
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0][5].as_str(), lines[0][7].as_str(), lines[0][9].as_str(), lines[0][11].as_str()), ("delta.peach.mil", "coreys@delta.peach.mil", "30", "250"));
}

/// The envelope and the message in one client segment (tshark cannot split
/// it into commands; Suricata's expected record gives the envelope).
#[test]
fn suricata_pipelining() {
    let rel = "smtp/suricata_smtp-pipelining.pcap";
    let (flows, lines) = run_with_dump(rel, "smtp", HEADER, &[]);
    assert_eq!(check_tshark(rel, &flows), 1);
    let yaml = std::fs::read_to_string(pcap(&format!("{rel}.suricata-verify.test.yaml"))).unwrap();
    let value = |k: &str| yaml.lines().find_map(|l| l.trim().strip_prefix(k)).unwrap().trim().trim_matches(|c| c == '<' || c == '>').to_string();
    let f = &flows[0];
    assert_eq!(s(f, "smtp.mail_from"), value("smtp.mail_from:"));
    assert_eq!(s(f, "smtp.rcpt_to"), value("smtp.rcpt_to[0]:"));
    assert_eq!(i(f, "smtp.num_mails"), 1);
    // "This is a test" CRLF; tshark frame 13: the last of the four pipelined replies is 250.
    assert_eq!(lines, [["1544773457", "127.0.0.1", "50287", "127.0.0.1", "25", "ehlo.fr", "<empty>", "username@domain.com", "john.doe@example.com", "1", "16", "250"]]);
}

/// RFC 3030 BDAT: the 86-byte chunk is skipped, the QUIT after it is a command.
#[test]
fn zeek_bdat() {
    let rel = "smtp/zeek_smtp-rfc3030-bdat-example1.pcap";
    let (flows, lines) = run_with_dump(rel, "smtp", HEADER, &[]);
    assert_eq!(check_tshark(rel, &flows), 1);
    check_zeek(rel, &lines);
    // tshark frame 16: BDAT 86 LAST.
    assert_eq!(lines[0][10], "86");
}

/// Two SMTP sessions among DNS, TLS, NetBIOS and Yahoo Messenger traffic:
/// only the two port-25 sessions are SMTP; the AUTH LOGIN user name
/// (frame 12, base64 of gurpartap@patriots.in) is in the dump line.
#[test]
fn zeek_smtp_among_other_traffic() {
    let rel = "smtp/zeek_smtp.pcap";
    let (flows, lines) = run_with_dump(rel, "smtp", HEADER, &[]);
    assert_eq!(check_tshark(rel, &flows), 2);
    check_zeek(rel, &lines);
    assert_eq!(lines.len(), 2);
    let first = lines.iter().find(|l| l[1] == "10.10.1.4").unwrap();
    assert_eq!(first[6], "gurpartap@patriots.in");
    // The message: tshark's DATA fragments (frames 22-45) add up to several KB.
    assert!(first[10].parse::<u64>().unwrap() > 10_000, "{first:?}");
}

/// Garbage on port 25 (and a banner naming FTP) is not SMTP; an SMTP
/// session on another port is.
#[test]
fn detection_is_by_payload() {
    let garbage = synth_flows("smtp-garbage", 40001, 25, &[(false, b"\x16\x03\x01\x00\x2a\x02\x00\x00\x26\x03\x03"), (true, b"\x00\x01\x02\x03binary\xff\r\n")]);
    assert_eq!(i(&garbage[0], "flow.l7_proto"), 0);
    let text = synth_flows("smtp-text", 40002, 25, &[(true, b"hello there\r\n"), (false, b"what?\r\n")]);
    assert_eq!(i(&text[0], "flow.l7_proto"), 0);
    let ftp = synth_flows("smtp-ftpbanner", 40003, 25, &[(false, b"220 (vsFTPd 3.0.3)\r\n")]);
    assert_ne!(i(&ftp[0], "flow.l7_proto"), 3);
    let other = synth_flows("smtp-2525", 40004, 2525, &[(false, b"220 mx.example.org ESMTP Postfix\r\n"), (true, b"EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n")]);
    assert_eq!(i(&other[0], "flow.l7_proto"), 3);
    assert_eq!((s(&other[0], "smtp.mail_from"), s(&other[0], "smtp.rcpt_to")), ("a@b", "c@d"));
}

/// A megabyte line, 5000 recipients and a megabyte body line: bounded,
/// counted, and the session is still followed.
#[test]
fn floods_are_bounded() {
    let long = vec![b'A'; 1400];
    let rcpts = b"RCPT TO:<x@y>\r\n".repeat(90);
    let mut p: Vec<(bool, &[u8])> = vec![(false, b"220 mx ESMTP\r\n"), (true, b"EHLO a\r\n")];
    p.extend(std::iter::repeat_n((true, &long[..]), 750));
    p.push((true, b"\r\nMAIL FROM:<a@b>\r\n"));
    p.extend(std::iter::repeat_n((true, &rcpts[..]), 55));
    p.push((true, b"DATA\r\n"));
    p.push((false, b"354 go\r\n"));
    p.extend(std::iter::repeat_n((true, &long[..]), 750));
    p.push((true, b"\r\n.\r\nMAIL FROM:<second@b>\r\n"));
    let flows = synth_flows("smtp-flood", 40005, 25, &p);
    let f = &flows[0];
    assert_eq!((i(f, "flow.l7_proto"), i(f, "smtp.num_mails"), s(f, "smtp.mail_from")), (3, 2, "a@b"));
    assert_eq!(s(f, "smtp.rcpt_to").split(',').count(), 100);
}

/// No flow of the other protocols' captures (DNS, HTTP, DHCP, GTP, RADIUS,
/// SIP, the odd ones, the mixed LAN and DHCP-flood ones) is called SMTP,
/// POP3, IMAP, FTP or FTP_DATA; nDPI finds none there either.
#[test]
fn other_captures_have_no_mail_or_ftp_flows() {
    let mut files = Vec::new();
    for dir in ["dns", "http", "dhcp", "gtpv1", "radius", "sip", "odd", "mixed"] {
        for e in std::fs::read_dir(pcap(dir)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if (name.ends_with(".pcap") || name.ends_with(".pcapng")) && !name.contains("ftp") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(files.len() >= 30, "{files:?}");
    for rel in files {
        if let Ok(ndpi) = std::fs::read_to_string(pcap(&rel).with_extension(format!("{}.ndpi.out", pcap(&rel).extension().unwrap().to_string_lossy()))) {
            assert!(!ndpi.contains("[proto: 1/") && !ndpi.contains("[proto: 3/") && !ndpi.contains("[proto: 175/"), "{rel}");
        }
        for f in json_flows(&pcap(&rel), &[]) {
            assert!(![1, 2, 3, 4, 175].contains(&i(&f, "flow.l7_proto")), "{rel}: {:?}", flow_ends(&f));
        }
    }
}
