//! Shared helpers for the integration tests: run the real binary on a real
//! capture and read its JSON output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Map, Value};

pub type Flow = Map<String, Value>;

/// `../shared/pcaps/<rel>` seen from the repository root.
pub fn pcap(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/pcaps").join(rel);
    assert!(p.exists(), "test capture {} is missing", p.display());
    p
}

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn flowhook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowhook")).args(args).output().expect("run flowhook")
}

/// Runs with `--json -` and returns the flows, asserting success.
pub fn json_flows(capture: &Path, extra: &[&str]) -> Vec<Flow> {
    let mut args = vec!["-i", capture.to_str().unwrap(), "--json", "-"];
    args.extend_from_slice(extra);
    let out = flowhook(&args);
    assert!(out.status.success(), "flowhook failed: {}", String::from_utf8_lossy(&out.stderr));
    parse_json_lines(&String::from_utf8_lossy(&out.stdout))
}

pub fn parse_json_lines(s: &str) -> Vec<Flow> {
    s.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| match serde_json::from_str::<Value>(l) {
            Ok(Value::Object(m)) => m,
            other => panic!("not a JSON object: {l}: {other:?}"),
        })
        .collect()
}

pub fn s<'a>(f: &'a Flow, k: &str) -> &'a str {
    f.get(k).and_then(Value::as_str).unwrap_or_else(|| panic!("{k} missing or not a string in {f:?}"))
}

pub fn i(f: &Flow, k: &str) -> i64 {
    f.get(k).and_then(Value::as_i64).unwrap_or_else(|| panic!("{k} missing or not an integer in {f:?}"))
}

/// `addr:port` the way the oracle writes it (`[v6]:port`).
pub fn endpoint(addr: &str, port: i64) -> String {
    if addr.contains(':') {
        format!("[{addr}]:{port}")
    } else {
        format!("{addr}:{port}")
    }
}

/// Flows sorted by a canonical rendering, for order-independent comparison.
pub fn canonical(flows: &[Flow]) -> Vec<String> {
    let mut v: Vec<String> = flows
        .iter()
        .map(|f| {
            let mut m = f.clone();
            m.remove("nprobe.pid");
            serde_json::to_string(&m).unwrap()
        })
        .collect();
    v.sort();
    v
}

/// Builds the example guests (once per test binary) and returns the
/// directory of their `.wasm` files.
pub fn guests() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let st = Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "--target", "wasm32-unknown-unknown", "--manifest-path"])
            .arg(repo("wasm-guests/Cargo.toml"))
            .status()
            .expect("run cargo for the wasm guests");
        assert!(st.success(), "building wasm-guests failed (is the wasm32-unknown-unknown target installed? scripts/setup adds it)");
    });
    repo("wasm-guests/target/wasm32-unknown-unknown/release")
}

/// Every `.pcap`/`.pcapng` under `../shared/pcaps`, sorted.
pub fn all_captures() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in std::fs::read_dir(pcap("")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                let n = f.to_string_lossy();
                if n.ends_with(".pcap") || n.ends_with(".pcapng") {
                    v.push(f);
                }
            }
        }
    }
    v.sort();
    v
}

/// Copies an Ethernet/IPv4 capture to a temp file with IPv4 addresses
/// replaced (in the IP header only), for tests that need addresses from
/// networks a database covers. Checksums are left as they were.
pub fn rewrite_ipv4(src: &Path, map: &[([u8; 4], [u8; 4])], name: &str) -> PathBuf {
    let b = std::fs::read(src).unwrap();
    assert_eq!(&b[0..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian microsecond pcap expected");
    assert_eq!(b[20], 1, "Ethernet link type expected");
    let mut out = b[..24].to_vec();
    let mut at = 24;
    while at + 16 <= b.len() {
        let caplen = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
        let mut frame = b[at + 16..at + 16 + caplen].to_vec();
        if frame.len() >= 34 && frame[12..14] == [0x08, 0x00] {
            for off in [26, 30] {
                for (from, to) in map {
                    if frame[off..off + 4] == from[..] {
                        frame[off..off + 4].copy_from_slice(to);
                        break;
                    }
                }
            }
        }
        out.extend_from_slice(&b[at..at + 16]);
        out.extend_from_slice(&frame);
        at += 16 + caplen;
    }
    let p = std::env::temp_dir().join(format!("flowhook-{}-{name}", std::process::id()));
    std::fs::write(&p, out).unwrap();
    p
}

/// Copies an Ethernet/IPv4 capture with UDP/TCP ports replaced (`from` ->
/// `to`, either side), for detection tests on unusual ports.
pub fn rewrite_ports(src: &Path, map: &[(u16, u16)], name: &str) -> PathBuf {
    let b = std::fs::read(src).unwrap();
    assert_eq!(&b[0..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian microsecond pcap expected");
    let mut out = b[..24].to_vec();
    let mut at = 24;
    while at + 16 <= b.len() {
        let caplen = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
        let mut frame = b[at + 16..at + 16 + caplen].to_vec();
        if frame.len() >= 38 && frame[12..14] == [0x08, 0x00] && matches!(frame[23], 6 | 17) {
            let l4 = 14 + usize::from(frame[14] & 0x0f) * 4;
            for off in [l4, l4 + 2] {
                if frame.len() >= off + 2 {
                    let p = u16::from_be_bytes([frame[off], frame[off + 1]]);
                    if let Some((_, to)) = map.iter().find(|(f, _)| *f == p) {
                        frame[off..off + 2].copy_from_slice(&to.to_be_bytes());
                    }
                }
            }
        }
        out.extend_from_slice(&b[at..at + 16]);
        out.extend_from_slice(&frame);
        at += 16 + caplen;
    }
    let p = std::env::temp_dir().join(format!("flowhook-{}-{name}", std::process::id()));
    std::fs::write(&p, out).unwrap();
    p
}

/// One row of a tab-separated oracle (tshark `-T fields -E header=y`), by column name.
pub type Row = std::collections::HashMap<String, String>;

/// Rows of a tab-separated oracle whose first line names the columns.
pub fn tsv_rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap_or("").split('\t').map(String::from).collect();
    lines.map(|l| head.iter().cloned().zip(l.split('\t').map(String::from)).collect()).collect()
}

/// A column of a row, `""` when absent.
pub fn col<'a>(r: &'a Row, k: &str) -> &'a str {
    r.get(k).map(String::as_str).unwrap_or("")
}

/// Every file below `dir` (dump dirs nest by date).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(files_under(&p));
        } else {
            v.push(p);
        }
    }
    v.sort();
    v
}

/// A classic pcap file (little-endian, microsecond timestamps) built in
/// memory, for the tests' synthetic captures.
pub struct PcapFile(Vec<u8>);

impl PcapFile {
    pub fn new(snaplen: u32, linktype: u32) -> PcapFile {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&snaplen.to_le_bytes());
        out.extend_from_slice(&linktype.to_le_bytes());
        PcapFile(out)
    }

    /// Appends one whole frame captured at `sec`.`usec`.
    pub fn record(&mut self, sec: u32, usec: u32, frame: &[u8]) {
        self.0.extend_from_slice(&sec.to_le_bytes());
        self.0.extend_from_slice(&usec.to_le_bytes());
        self.0.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        self.0.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        self.0.extend_from_slice(frame);
    }

    pub fn write(&self, path: &Path) {
        std::fs::write(path, &self.0).unwrap();
    }
}

/// Sets the checksum (bytes 10-11) of the 20-byte IPv4 header `ip`.
pub fn set_ipv4_checksum(ip: &mut [u8]) {
    ip[10..12].copy_from_slice(&[0, 0]);
    let mut sum: u32 = ip[..20].chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], c[1]]))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10..12].copy_from_slice(&(!(sum as u16)).to_be_bytes());
}

/// A UDP datagram for `write_udp_pcap`: (source address, source port,
/// destination address, destination port, payload).
pub type Datagram = ([u8; 4], u16, [u8; 4], u16, Vec<u8>);

/// Writes a classic pcap (Ethernet, IPv4 with a valid header checksum, UDP
/// without checksum) of `dgrams`, one second apart from 1,600,000,000 s.
/// 255.255.255.255 goes to the broadcast MAC, anything else to a unicast one.
pub fn write_udp_pcap(path: &Path, dgrams: &[Datagram]) {
    let mut pcap = PcapFile::new(262_144, 1);
    for (n, (src, sport, dst, dport, payload)) in dgrams.iter().enumerate() {
        let mut p = if *dst == [255; 4] { vec![0xff; 6] } else { vec![2, 0, 0, 0, 0, 2] };
        p.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x00]);
        let total = u16::try_from(28 + payload.len()).unwrap();
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0];
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(src);
        ip.extend_from_slice(dst);
        set_ipv4_checksum(&mut ip);
        p.extend_from_slice(&ip);
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&(total - 20).to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(payload);
        pcap.record(1_600_000_000 + n as u32, 0, &p);
    }
    pcap.write(path);
}
