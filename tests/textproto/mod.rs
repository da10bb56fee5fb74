//! Helpers for the text-protocol plugin tests (SMTP, POP3, IMAP, FTP): the
//! oracles beside the captures (tshark rows, Zeek logs, nDPI flow lists),
//! dump-dir runs, and small synthetic captures for the garbage and flood
//! cases.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use super::common::*;

/// tshark rows of a `*.tshark*.tsv` under `../shared/pcaps`.
pub fn tsv(rel: &str) -> Vec<Row> {
    tsv_rows(&pcap(rel))
}

/// (source endpoint, destination endpoint) of a tshark row.
pub fn row_ends(r: &Row) -> (String, String) {
    let src = if col(r, "ip.src").is_empty() { col(r, "ipv6.src") } else { col(r, "ip.src") };
    let dst = if col(r, "ip.dst").is_empty() { col(r, "ipv6.dst") } else { col(r, "ip.dst") };
    (endpoint(src, col(r, "tcp.srcport").parse().unwrap()), endpoint(dst, col(r, "tcp.dstport").parse().unwrap()))
}

/// A flow's (client, server) endpoints.
pub fn flow_ends(f: &Flow) -> (String, String) {
    (endpoint(s(f, "flow.from"), i(f, "flow.sport")), endpoint(s(f, "flow.to"), i(f, "flow.dport")))
}

/// The tshark rows of a flow, in order, each with `true` when sent by the client.
pub fn rows_of<'a>(rows: &'a [Row], f: &Flow) -> Vec<(bool, &'a Row)> {
    let (c, s) = flow_ends(f);
    rows.iter()
        .filter_map(|r| {
            let (a, b) = row_ends(r);
            if (a.clone(), b.clone()) == (c.clone(), s.clone()) {
                Some((true, r))
            } else if (b, a) == (c.clone(), s.clone()) {
                Some((false, r))
            } else {
                None
            }
        })
        .collect()
}

/// Rows of a Zeek log (`#fields` header; `-` unset, `(empty)` empty).
pub fn zeek_log(rel: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    let fields: Vec<String> = text.lines().find_map(|l| l.strip_prefix("#fields\t")).unwrap().split('\t').map(String::from).collect();
    text.lines().filter(|l| !l.starts_with('#')).map(|l| fields.iter().cloned().zip(l.split('\t').map(String::from)).collect()).collect()
}

/// Zeek's (orig endpoint, resp endpoint) of a log row.
pub fn zeek_ends(r: &Row) -> (String, String) {
    (endpoint(col(r, "id.orig_h"), col(r, "id.orig_p").parse().unwrap()), endpoint(col(r, "id.resp_h"), col(r, "id.resp_p").parse().unwrap()))
}

/// One flow of an nDPI result file.
#[derive(Debug)]
pub struct NdpiFlow {
    pub a: String,
    pub b: String,
    /// Master protocol id (`[proto: 7.178/...]` gives 7; Unknown is 0).
    pub master: i64,
    pub user: Option<String>,
    pub pwd: Option<String>,
}

fn bracket(line: &str, key: &str) -> Option<String> {
    let at = line.find(&format!("[{key}: "))? + key.len() + 3;
    let rest = line.get(at..)?;
    Some(rest.get(..rest.find(']')?)?.to_string())
}

/// The flows (detected and undetected) listed in a `*.ndpi.out`.
pub fn ndpi_flows(rel: &str) -> Vec<NdpiFlow> {
    let text = std::fs::read_to_string(pcap(rel)).unwrap();
    text.lines()
        .filter(|l| l.starts_with('\t') && l.contains(" <-> "))
        .map(|l| {
            let mut w = l.split_whitespace();
            let (_n, _l4, a, _arrow, b) = (w.next(), w.next(), w.next().unwrap(), w.next(), w.next().unwrap());
            let proto = bracket(l, "proto").unwrap();
            let master = proto.split('/').next().unwrap().split('.').next().unwrap().parse().unwrap();
            NdpiFlow { a: a.to_string(), b: b.to_string(), master, user: bracket(l, "User"), pwd: bracket(l, "Pwd") }
        })
        .collect()
}

/// Our flow with nDPI's endpoints (either way round).
pub fn find_flow<'a>(flows: &'a [Flow], a: &str, b: &str) -> Vec<&'a Flow> {
    flows.iter().filter(|f| {
        let (c, s) = flow_ends(f);
        (c == a && s == b) || (c == b && s == a)
    }).collect()
}

/// A fresh directory under the target dir for one test's dump files.
pub fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mailtest-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs on a capture with `--<plugin>-dump-dir` and returns the flows and
/// the dump lines (files in name order, header lines checked and dropped).
pub fn run_with_dump(rel: &str, plugin: &str, header: &str, extra: &[&str]) -> (Vec<Flow>, Vec<Vec<String>>) {
    let dir = scratch(&format!("{plugin}-{}", rel.replace('/', "_")));
    let opt = format!("--{plugin}-dump-dir");
    let mut args = vec![opt.as_str(), dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let flows = json_flows(&pcap(rel), &args);
    let files = files_under(&dir);
    let mut lines = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut it = text.lines();
        assert_eq!(it.next(), Some(header), "{}", f.display());
        lines.extend(it.map(|l| l.split(' ').map(String::from).collect::<Vec<_>>()));
    }
    let _ = std::fs::remove_dir_all(&dir);
    (flows, lines)
}

/// (client endpoint, server endpoint) of a dump line (columns 1-4).
pub fn dump_ends(l: &[String]) -> (String, String) {
    (endpoint(&l[1], l[2].parse().unwrap()), endpoint(&l[3], l[4].parse().unwrap()))
}

/// The dump lines of one flow.
pub fn dump_of<'a>(lines: &'a [Vec<String>], f: &Flow) -> Vec<&'a Vec<String>> {
    lines.iter().filter(|l| dump_ends(l) == flow_ends(f)).collect()
}

/// A TCP segment of a synthetic capture.
pub struct Seg<'a> {
    pub from_client: bool,
    pub flags: u8,
    pub payload: &'a [u8],
}

pub const SYN: u8 = 0x02;
pub const ACK: u8 = 0x10;
pub const PSH: u8 = 0x08;
pub const FIN: u8 = 0x01;

/// Writes a classic pcap (Ethernet, IPv4, TCP) of one connection between
/// 10.0.0.1:`cport` and 10.0.0.2:`sport`, sequence numbers following the
/// payloads, one millisecond apart. Returns its path.
pub fn synth_pcap(name: &str, cport: u16, sport: u16, segs: &[Seg<'_>]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}.pcap", std::process::id()));
    let mut pcap = PcapFile::new(262_144, 1);
    let (mut cseq, mut sseq) = (1000u32, 5000u32);
    for (n, sg) in segs.iter().enumerate() {
        let (src, dst, sp, dp) = if sg.from_client { ([10, 0, 0, 1], [10, 0, 0, 2], cport, sport) } else { ([10, 0, 0, 2], [10, 0, 0, 1], sport, cport) };
        let (seq, ack) = if sg.from_client { (cseq, sseq) } else { (sseq, cseq) };
        let mut tcp = Vec::new();
        tcp.extend_from_slice(&sp.to_be_bytes());
        tcp.extend_from_slice(&dp.to_be_bytes());
        tcp.extend_from_slice(&seq.to_be_bytes());
        tcp.extend_from_slice(&ack.to_be_bytes());
        tcp.extend_from_slice(&[0x50, sg.flags, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(sg.payload);
        let adv = sg.payload.len() as u32 + u32::from(sg.flags & (SYN | FIN) != 0);
        if sg.from_client {
            cseq = cseq.wrapping_add(adv);
        } else {
            sseq = sseq.wrapping_add(adv);
        }
        let total = 20 + tcp.len();
        let mut ip = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0];
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        set_ipv4_checksum(&mut ip);
        let mut frame = vec![0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00];
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&tcp);
        pcap.record(1_700_000_000, n as u32 * 1000, &frame);
    }
    pcap.write(&path);
    path
}

/// A handshake, the given payload segments, and a FIN exchange.
pub fn session<'a>(payloads: &[(bool, &'a [u8])]) -> Vec<Seg<'a>> {
    let mut v = vec![
        Seg { from_client: true, flags: SYN, payload: b"" },
        Seg { from_client: false, flags: SYN | ACK, payload: b"" },
        Seg { from_client: true, flags: ACK, payload: b"" },
    ];
    v.extend(payloads.iter().map(|&(c, p)| Seg { from_client: c, flags: PSH | ACK, payload: p }));
    v.push(Seg { from_client: true, flags: FIN | ACK, payload: b"" });
    v.push(Seg { from_client: false, flags: FIN | ACK, payload: b"" });
    v.push(Seg { from_client: true, flags: ACK, payload: b"" });
    v
}

/// Runs on a synthetic capture and returns its flows.
pub fn synth_flows(name: &str, cport: u16, sport: u16, payloads: &[(bool, &[u8])]) -> Vec<Flow> {
    let p = synth_pcap(name, cport, sport, &session(payloads));
    let flows = json_flows(&p, &[]);
    let _ = std::fs::remove_file(&p);
    flows
}
