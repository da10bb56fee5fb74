//! flowgen: a deterministic generator of realistic Ethernet captures for
//! flowhook's benchmarks and tests.
//!
//! `flowgen --flows N --seed S --out F` writes a classic little-endian
//! microsecond pcap (link type 1, Ethernet) of about `N` flows. The same
//! arguments give a byte-identical file: all randomness comes from a
//! splitmix64 stream seeded by `S` (one stream per session, derived from `S`
//! and the session's index), all arithmetic is integer, and nothing reads the
//! clock or the environment. Every frame is built with etherparse's
//! `PacketBuilder`, so IPv4 header, TCP and UDP checksums are valid.
//!
//! # Traffic model
//!
//! Sessions start at random intervals (uniform, mean `1/--rate` seconds) from
//! a fixed epoch (2024-01-01T00:00:00Z). A session is one conversation of one
//! kind, drawn by weight:
//!
//! | kind   | weight | flows | shape |
//! |--------|-------:|------:|-------|
//! | DNS    | 42.3%  | 1 | UDP 53: an A, AAAA or A+AAAA query on one socket and the responses; names from word lists; answers A/AAAA, 40% behind a CNAME (owner and target by compression pointer); 8% NXDOMAIN (rcode 3) with the zone's SOA; 40% with EDNS0 |
//! | HTTP   | 24.0%  | 1 | TCP 80 (10% 8080): handshake, 1-3 keep-alive requests (GET; 15% POST of a form or JSON to an API path; Host, User-Agent, Accept, Referer 40%, Cookie 30%), responses 200/304/301/404/503 with Content-Type and Content-Length (304: none, no body), body sizes log-spread 200 B-250 KB (text, JSON, or random bytes for images/fonts/binaries), segmented at the MSS; FIN teardown (by the server after `Connection: close`, else by the client) |
//! | bulk   |  0.7%  | 1 | TCP between high ports: a short request, then 32-512 KB one way (opaque bytes, see below), FIN teardown |
//! | noise  |  8.0%  | 1 | UDP between high ports: 1-10 datagrams of opaque bytes, either way |
//! | SIP    |  3.0%  | 1 | UDP UA:high -> proxy:5060: INVITE (SDP), 100, 180, 200 (SDP), ACK, BYE (either party), 200; 10% 486 Busy + ACK |
//! | SMTP   |  3.0%  | 1 | TCP 25: 220, EHLO/250-, MAIL FROM, 1-3 RCPT TO, DATA/354, message, ".", 250, QUIT/221 |
//! | POP3   |  2.0%  | 1 | TCP 110: +OK, USER, PASS, STAT, RETR 1 (message), DELE 1 (50%), QUIT |
//! | IMAP   |  2.0%  | 1 | TCP 143: * OK, LOGIN, SELECT INBOX (untagged FLAGS/EXISTS/...), FETCH 30%, LOGOUT/* BYE |
//! | FTP    |  2.0%  | 2 | TCP 21: 220, USER/331, PASS/230, SYST, TYPE I, PASV/227 (port 40000-49999), RETR/150, then the data connection to that port (the file, server closes), 226, QUIT/221 |
//! | RADIUS |  4.5%  | 1 | UDP NAS:high -> 1812: Access-Request (User-Name, User-Password, NAS-IP-Address, NAS-Port, Service-Type, Called-/Calling-Station-Id, NAS-Identifier, NAS-Port-Type), Access-Accept (Framed-IP-Address, Session-Timeout, Class) or 10% Access-Reject |
//! | DHCP   |  4.0%  | 1 | 70% DISCOVER/REQUEST 0.0.0.0:68 -> 255.255.255.255:67, OFFER/ACK server:67 -> yiaddr:68 (unicast, broadcast flag clear; hostname option 12, client id, vendor class, parameter list); 30% renewals ciaddr:68 <-> server:67 (REQUEST/ACK) |
//! | GTP-C  |  4.5%  | 1 | UDP SGSN:high -> GGSN:2123 (TS 29.060 §4.4.2.1 lets the request come from any port): Create PDP Context Request (IMSI, RAI, Recovery, Selection mode, TEID-U/TEID-C, NSAPI, Charging characteristics, End User Address, APN, 2 GSN Addresses, MSISDN, QoS, RAT, ULI, IMEISV), Response (Cause, ..., End User Address with the IPv4 address), then Delete PDP Context Request/Response (5% rejected, no delete) |
//!
//! Flows: DHCP DORA exchanges count one flow each (the server's replies);
//! their broadcast requests all share the one 0.0.0.0:68 -> 255.255.255.255:67
//! flow, counted once. FTP counts two (control and data). The generator stops
//! once `N` flows are made, so a capture holds `N` or `N + 1` of them. The
//! table printed at the end gives sessions, flows, packets and bytes per kind,
//! with the nDPI id flowhook should give those flows.
//!
//! Opaque bytes (bulk, noise): random, except that the first 16 bytes of
//! every datagram and TCP segment are lowercase letters. tshark tries its
//! heuristic dissectors on each packet between unknown ports, and wholly
//! random bytes were taken for RTCP, CLTP or Thrift a few hundred times in a
//! million packets, then called malformed; letters match none of them.
//!
//! `--only dns,http` restricts the mix to some kinds (same proportions among
//! them); `--rate` sets the sessions per second (default 2000, so 70 000
//! flows span about 35 s, plus the tails of SIP calls and GTP sessions).
//!
//! IPv6: about `--ipv6-percent` (default 10) of all sessions, drawn among the
//! kinds that run over IPv6 here (DNS, HTTP, bulk, noise, SIP, SMTP, POP3,
//! IMAP); FTP (its 227 reply is IPv4-only), RADIUS, DHCP and GTP-C stay IPv4.
//!
//! Addresses: clients 10.1.0.0/16 and up (one MAC each, locally administered),
//! 2001:2:0:1::/64; servers in the benchmarking ranges 198.18.0.0/15 (RFC
//! 2544) and 2001:2::/48 (RFC 5180), behind a gateway MAC. A web host name
//! always maps to the same server address, and DNS answers for it give that
//! address. Each client host allocates its source ports sequentially like an
//! OS (32768-60999, skipping the few ports tshark dissects by port), so no two
//! flows share a 5-tuple (up to about 2 million flows, where DHCP leases, 10.200.0.0/16,
//! start to repeat).
//!
//! TCP: the tap sits next to the clients: a server's reaction is seen one RTT
//! (1-80 ms per session) after the client's packet, a client's 30-300 us after
//! the server's. SYN options MSS (1460 over IPv4, 1440 over IPv6 so frames
//! stay within a 1500-byte MTU), SACK-permitted; no window scaling, windows
//! 64240/65160. Data goes in flights of 10, 20, then 40 segments (at most
//! 58 400 bytes in flight, under the window); the receiver acknowledges every
//! second segment and the last one is acknowledged by its next segment or a
//! pure ACK. Sequence and acknowledgement numbers are exact; there is no loss,
//! retransmission, duplicate ACK or RST, so tshark's analysis stays quiet.
//!
//! Output order: sessions are made in start order; each session's packets go
//! into a min-heap by (time, insertion order), and packets earlier than the
//! next session's start are written out. Memory is therefore bounded by the
//! packets of the sessions alive at one time (mostly a few seconds of
//! traffic; SIP calls and GTP sessions hold their last packets up to 38 s),
//! not by `N`; only the port counters grow with `N` (2 bytes per 12 flows).
//! 70 000 flows: about 28 MB peak RSS. Timestamps are strictly increasing (a packet that would tie with
//! the previous one is moved 1 us later).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use etherparse::{IpHeaders, Ipv4Header, Ipv6Header, PacketBuilder, TcpOptionElement};

#[derive(Parser, Debug)]
#[command(name = "flowgen", about = "Deterministic realistic pcap generator for flowhook benchmarks")]
struct Args {
    /// Flows (distinct 5-tuples) to generate.
    #[arg(long, default_value_t = 1000)]
    flows: u64,
    /// Seed of the random streams: same arguments, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output pcap file.
    #[arg(long)]
    out: PathBuf,
    /// Share of sessions over IPv6, in percent.
    #[arg(long = "ipv6-percent", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=100))]
    ipv6_percent: u64,
    /// New sessions per second of capture time.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    rate: u64,
    /// Only these kinds, comma-separated (dns, http, tcp-bulk, udp-noise, sip,
    /// smtp, pop3, imap, ftp, radius, dhcp, gtp-c), in their usual proportions.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Print only the totals line, not the per-kind table.
    #[arg(long)]
    quiet: bool,
}

/// First packet's time: 2024-01-01T00:00:00Z.
const EPOCH_S: u64 = 1_704_067_200;
/// Snap length written in the pcap header (no frame is cut).
const SNAPLEN: u32 = 65_535;
/// Largest flight of segments (40 x 1460 = 58 400 bytes, under the 64 240-byte window).
const MAX_FLIGHT: usize = 40;
/// First flight (RFC 6928 initial window).
const INIT_FLIGHT: usize = 10;

const C: usize = 0;
const S: usize = 1;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// Gateway (VRRP virtual router) MAC: remote servers are behind it.
const GATEWAY_MAC: [u8; 6] = [0x00, 0x00, 0x5e, 0x00, 0x01, 0x01];
const DHCP_SERVER_MAC: [u8; 6] = [0x00, 0x16, 0x3e, 0x00, 0x00, 0x01];
const BROADCAST_MAC: [u8; 6] = [0xff; 6];

/// Ports in the ephemeral range that tshark decodes by port number: random
/// bytes there would be dissected as that protocol and called malformed.
/// (`tshark -G decodes`, 4.0, tcp.port and udp.port at or above 32768.)
const SKIP_PORTS: &[u16] = &[
    34962, 34980, 37008, 41170, 44321, 44322, 44818, 45564, 47000, 47808, 48049, 48898, 49999, 54328, 56000, 56001, 56500,
    56501, 57000, 57001, 57032, 57033, 57500, 57501, 57532, 57533, 59000, 59001, 59032, 59033, 59500, 59501, 59532, 59533,
    60001,
];
const EPHEMERAL: (u16, u16) = (32768, 60999);

// ---------------------------------------------------------------------------
// Randomness

/// splitmix64 (Steele, Lea, Flood 2014): small, fast, and good enough to
/// hash a seed into independent streams.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (Lemire's multiply-shift; 0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
    fn fork(&mut self) -> Rng {
        Rng::new(self.next())
    }
    fn fill(&mut self, buf: &mut [u8]) {
        for c in buf.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            c.copy_from_slice(&v[..c.len()]);
        }
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize])).collect()
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
    /// Log-uniform-ish in `lo..=hi`: a power-of-two bucket uniformly, then
    /// uniformly inside it (sizes of web objects and files spread this way).
    fn logish(&mut self, lo: u64, hi: u64) -> u64 {
        let (a, b) = (63 - lo.max(1).leading_zeros(), 63 - hi.max(1).leading_zeros());
        let e = self.range(u64::from(a), u64::from(b));
        let v = self.range(1 << e, (2u64 << e) - 1);
        v.clamp(lo, hi)
    }
}

/// FNV-1a: stable host name -> server index.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

// ---------------------------------------------------------------------------
// Words

const WORDS: &[&str] = &[
    "alpha", "amber", "anchor", "apex", "apple", "arrow", "atlas", "aurora", "autumn", "badger", "banana", "beacon", "birch",
    "blue", "bold", "breeze", "bright", "brook", "cactus", "canyon", "cedar", "cherry", "cinder", "citrus", "cloud", "clover",
    "cobalt", "comet", "coral", "cosmic", "cotton", "crane", "crimson", "crystal", "daisy", "delta", "desert", "dolphin",
    "dragon", "dune", "eagle", "echo", "ember", "emerald", "falcon", "fern", "field", "firefly", "flint", "forest", "fox",
    "frost", "galaxy", "garden", "glacier", "golden", "granite", "green", "harbor", "hawk", "hazel", "horizon", "indigo",
    "iris", "island", "ivory", "jade", "jasmine", "jungle", "kestrel", "lagoon", "lake", "lantern", "lemon", "lilac", "linden",
    "lotus", "lunar", "maple", "marble", "meadow", "mercury", "meteor", "mint", "mist", "monarch", "moss", "mountain", "nebula",
    "nectar", "north", "oak", "ocean", "olive", "onyx", "orbit", "orchid", "otter", "panda", "pebble", "pepper", "phoenix",
    "pine", "pixel", "planet", "polar", "prairie", "prism", "quartz", "quiet", "rain", "raven", "reef", "ridge", "river",
    "robin", "rocket", "ruby", "saffron", "sage", "sapphire", "shadow", "silver", "sky", "solar", "spark", "spruce", "star",
    "stone", "storm", "summit", "sun", "swift", "thunder", "tiger", "timber", "topaz", "trail", "tulip", "tundra", "valley",
    "velvet", "violet", "wave", "willow", "winter", "wolf", "zenith", "zephyr",
];
const TLDS: &[&str] =
    &["com", "com", "com", "net", "org", "io", "de", "fr", "co.uk", "com.br", "jp", "info", "dev", "app", "cloud", "tv", "nl", "es"];
const SUBS: &[&str] = &["www", "www", "www", "api", "cdn", "img", "static", "m", "login", "auth", "media", "assets", "app", "news", "shop"];
const CDNS: &[&str] = &[
    "edgekey.net", "akamaiedge.net", "cloudfront.net", "fastly.net", "azureedge.net", "cdn.cloudflare.net",
    "trafficmanager.net", "herokuapp.com", "github.io", "elb.amazonaws.com",
];
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "nina", "oscar", "peggy",
    "rupert", "sybil", "trent", "victor", "walter", "yara", "zoe", "liam", "emma", "noah", "olivia", "lucas", "mia", "hugo",
];
const LAST: &[&str] = &[
    "smith", "jones", "brown", "taylor", "wilson", "davies", "evans", "thomas", "johnson", "roberts", "martin", "bernard",
    "dubois", "muller", "schmidt", "rossi", "garcia", "lopez", "tanaka", "suzuki", "silva", "santos", "novak", "kowalski",
];
const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Microsoft-CryptoAPI/10.0",
];
const SERVERS: &[&str] = &["nginx/1.24.0", "Apache/2.4.58 (Ubuntu)", "nginx", "Microsoft-IIS/10.0", "openresty", "cloudflare", "AmazonS3", "gws"];
const SIP_UAS: &[&str] = &["Linphone/5.2.0 (belle-sip/5.2.0)", "Zoiper rv2.10.19.6", "MicroSIP/3.21.3", "Yealink SIP-T46S 66.86.0.15", "Asterisk PBX 20.5.0"];
const FTP_SERVERS: &[&str] = &["(vsFTPd 3.0.3)", "ProFTPD Server (Debian)", "Microsoft FTP Service", "Pure-FTPd [privsep] [TLS]"];
const APNS: &[&str] = &["internet", "web", "mms", "ims", "wap", "m2m"];

fn word(r: &mut Rng) -> &'static str {
    r.pick::<&'static str>(WORDS)
}

/// A registrable domain: `<word>[<word>].<tld>`.
fn domain(r: &mut Rng) -> String {
    let w = word(r);
    let tld = r.pick(TLDS);
    if r.pct(40) {
        format!("{w}{}.{tld}", word(r))
    } else {
        format!("{w}.{tld}")
    }
}

/// A web host: `www.<domain>` and kin.
fn web_host(r: &mut Rng) -> String {
    match r.below(10) {
        0..=5 => format!("{}.{}", r.pick(SUBS), domain(r)),
        6 => format!("{}{}.{}", r.pick(SUBS), r.range(1, 9), domain(r)),
        7 => format!("{}-{}.{}", word(r), word(r), domain(r)),
        _ => format!("{}.{}.{}", word(r), word(r), domain(r)),
    }
}

/// The zone of a name: its last two labels, three under `co.uk`/`com.br`.
fn zone_of(name: &str) -> String {
    let labels: Vec<&str> = name.split('.').collect();
    let n = labels.len();
    let keep = if n >= 3 && (labels[n - 1] == "uk" || labels[n - 1] == "br") { 3 } else { 2 };
    labels[n.saturating_sub(keep)..].join(".")
}

fn person(r: &mut Rng) -> (&'static str, &'static str) {
    (*r.pick(FIRST), *r.pick(LAST))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

fn sentence(r: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(word(r));
    }
    capitalise(&s) + "."
}

// ---------------------------------------------------------------------------
// Time formats

/// (year, month, day) of a day count since 1970-01-01 (Hinnant's algorithm).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

const WDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `Mon, 01 Jan 2024 00:00:00` of a capture time in microseconds.
fn date(ts_us: u64) -> String {
    let secs = EPOCH_S + ts_us / 1_000_000;
    let days = secs / 86_400;
    let (y, m, d) = civil(days);
    let t = secs % 86_400;
    format!("{}, {d:02} {} {y} {:02}:{:02}:{:02}", WDAYS[(days % 7) as usize], MONTHS[(m - 1) as usize], t / 3600, t / 60 % 60, t % 60)
}

// ---------------------------------------------------------------------------
// Addresses and frames

type Addr = [u8; 16];

fn v4(a: [u8; 4]) -> Addr {
    let mut x = [0; 16];
    x[..4].copy_from_slice(&a);
    x
}

fn as_v4(a: &Addr) -> [u8; 4] {
    [a[0], a[1], a[2], a[3]]
}

/// Server `i` (< 131 072) of 198.18.0.0/15.
fn srv4(i: u64) -> Addr {
    let i = i % 131_072;
    v4([198, 18 + (i >> 16) as u8, (i >> 8) as u8, i as u8])
}

/// Server `i` of 2001:2:0:ff00::/64.
fn srv6(i: u64) -> Addr {
    let mut a = [0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0xff, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
    a[12..].copy_from_slice(&(i as u32 + 1).to_be_bytes());
    a
}

fn srv(v6: bool, i: u64) -> Addr {
    if v6 {
        srv6(i)
    } else {
        srv4(i)
    }
}

fn ip_text(v6: bool, a: &Addr) -> String {
    if v6 {
        Ipv6Addr::from(*a).to_string()
    } else {
        let b = as_v4(a);
        format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
    }
}

/// As a host in a URI: IPv6 in brackets.
fn uri_host(v6: bool, a: &Addr) -> String {
    if v6 {
        format!("[{}]", ip_text(true, a))
    } else {
        ip_text(false, a)
    }
}

/// The two ends of a conversation: index [`C`] the client, [`S`] the server.
#[derive(Clone)]
struct Ends {
    v6: bool,
    ip: [Addr; 2],
    port: [u16; 2],
    mac: [[u8; 6]; 2],
    ttl: [u8; 2],
    ip_id: [u16; 2],
}

struct TcpMeta {
    seq: u32,
    ack: Option<u32>,
    flags: u8,
    win: u16,
    mss: Option<u16>,
}

impl Ends {
    fn new(r: &mut Rng, v6: bool, ip: [Addr; 2], port: [u16; 2], mac: [[u8; 6]; 2]) -> Ends {
        let far = *r.pick(&[64u8, 64, 128, 255]);
        Ends { v6, ip, port, mac, ttl: [64, far - r.range(6, 20) as u8], ip_id: [r.next() as u16, r.next() as u16] }
    }

    fn frame(&mut self, side: usize, tcp: Option<TcpMeta>, payload: &[u8]) -> Vec<u8> {
        let o = 1 - side;
        let ip = if self.v6 {
            IpHeaders::Ipv6(
                Ipv6Header { hop_limit: self.ttl[side], source: self.ip[side], destination: self.ip[o], ..Default::default() },
                Default::default(),
            )
        } else {
            self.ip_id[side] = self.ip_id[side].wrapping_add(1);
            IpHeaders::Ipv4(
                Ipv4Header {
                    time_to_live: self.ttl[side],
                    source: as_v4(&self.ip[side]),
                    destination: as_v4(&self.ip[o]),
                    identification: self.ip_id[side],
                    dont_fragment: true,
                    ..Default::default()
                },
                Default::default(),
            )
        };
        let b = PacketBuilder::ethernet2(self.mac[side], self.mac[o]).ip(ip);
        let mut out = Vec::with_capacity(payload.len() + 80);
        let res = match tcp {
            None => b.udp(self.port[side], self.port[o]).write(&mut out, payload),
            Some(t) => {
                let mut b = b.tcp(self.port[side], self.port[o], t.seq, t.win);
                if t.flags & SYN != 0 {
                    b = b.syn();
                }
                if t.flags & FIN != 0 {
                    b = b.fin();
                }
                if t.flags & PSH != 0 {
                    b = b.psh();
                }
                if let Some(a) = t.ack {
                    b = b.ack(a);
                }
                if let Some(mss) = t.mss {
                    b = b
                        .options(&[
                            TcpOptionElement::MaximumSegmentSize(mss),
                            TcpOptionElement::Noop,
                            TcpOptionElement::Noop,
                            TcpOptionElement::SelectiveAcknowledgementPermitted,
                        ])
                        .expect("8 bytes of options fit");
                }
                b.write(&mut out, payload)
            }
        };
        res.expect("frames are far below 64 KiB");
        out
    }
}

/// A frame and its time (microseconds since the epoch of the capture).
type Pkt = (u64, Vec<u8>);

/// A conversation on one 5-tuple, UDP or TCP, as seen by a tap next to the client.
struct Conv {
    e: Ends,
    r: Rng,
    /// Time of the latest packet.
    t: u64,
    /// Side that sent the latest packet.
    last: usize,
    rtt: u64,
    /// TCP: next sequence number of each side.
    seq: [u32; 2],
    /// TCP: the side received data it has not acknowledged yet.
    owed: [bool; 2],
    mss: usize,
    win: [u16; 2],
    /// Link speed for the spacing of back-to-back segments.
    mbps: u64,
    /// Application time before each side's message in [`Conv::say`], us.
    think: [(u64, u64); 2],
    pkts: Vec<Pkt>,
}

impl Conv {
    fn new(mut e: Ends, r: &mut Rng, t: u64, rtt: u64) -> Conv {
        let mut r = r.fork();
        let mss = if e.v6 { 1440 } else { 1460 };
        let seq = [r.next() as u32, r.next() as u32];
        let mbps = *r.pick(&[100, 300, 1000]);
        // Windows and Linux clients both start at 64 KiB-ish.
        let win = [64_240, 65_160];
        e.ttl[C] = if r.pct(40) { 128 } else { 64 };
        Conv { e, r, t, last: C, rtt, seq, owed: [false; 2], mss, win, mbps, think: [(50, 2_000), (100, 20_000)], pkts: Vec::new() }
    }

    /// Time from the latest packet to `actor`'s next one, at the tap.
    fn react(&mut self, actor: usize, after: usize) -> u64 {
        match (actor, after) {
            (S, C) => self.rtt + self.r.range(20, 400),
            (C, S) => self.r.range(30, 300),
            _ => self.r.range(5, 60),
        }
    }

    /// Serialisation time of a frame of `len` payload bytes.
    fn gap(&mut self, len: usize) -> u64 {
        (len as u64 + 66) * 8 / self.mbps + self.r.range(1, 8)
    }

    fn stamp(&mut self, side: usize, ts: u64, frame: Vec<u8>) {
        self.pkts.push((ts, frame));
        if ts >= self.t {
            self.t = ts;
            self.last = side;
        }
    }

    /// A UDP datagram from `side`, `think` us after it could react.
    fn dgram(&mut self, side: usize, payload: &[u8], think: u64) {
        let ts = self.t + self.react(side, self.last) + think;
        let f = self.e.frame(side, None, payload);
        self.stamp(side, ts, f);
    }

    fn emit(&mut self, side: usize, ts: u64, flags: u8, payload: &[u8], ack: Option<u32>) {
        let o = 1 - side;
        let ackv = (flags & ACK != 0).then(|| ack.unwrap_or(self.seq[o]));
        let mss = (flags & SYN != 0).then_some(self.mss as u16);
        let meta = TcpMeta { seq: self.seq[side], ack: ackv, flags, win: self.win[side], mss };
        let f = self.e.frame(side, Some(meta), payload);
        let adv = payload.len() as u32 + u32::from(flags & (SYN | FIN) != 0);
        self.seq[side] = self.seq[side].wrapping_add(adv);
        if flags & ACK != 0 && ack.is_none() {
            self.owed[side] = false;
        }
        self.stamp(side, ts, f);
    }

    /// Three-way handshake at the conversation's start time.
    fn open(&mut self) {
        let t0 = self.t;
        self.emit(C, t0, SYN, &[], None);
        let t1 = t0 + self.react(S, C);
        self.emit(S, t1, SYN | ACK, &[], None);
        let t2 = t1 + self.react(C, S);
        self.emit(C, t2, ACK, &[], None);
    }

    /// `data` from `side`, segmented at the MSS, in flights, acknowledged
    /// every second segment; `think` us of application time first.
    fn send(&mut self, side: usize, data: &[u8], think: u64) {
        if data.is_empty() {
            return;
        }
        let o = 1 - side;
        if self.owed[o] {
            // The receiver still owes an ACK for this side's previous data:
            // its delayed-ACK timer fires before more data comes.
            let ts = self.t + self.react(o, self.last).max(2_000);
            self.emit(o, ts, ACK, &[], None);
        }
        let mut ts = self.t + self.react(side, self.last) + think;
        let segs: Vec<&[u8]> = data.chunks(self.mss).collect();
        let mut flight = INIT_FLIGHT;
        let mut i = 0;
        while i < segs.len() {
            let k = flight.min(segs.len() - i);
            let mut last_ack = ts;
            for j in 0..k {
                let seg = segs[i + j];
                let end = i + j + 1 == segs.len();
                let seg_ts = ts;
                self.emit(side, seg_ts, ACK | if end { PSH } else { 0 }, seg, None);
                ts += self.gap(seg.len());
                // Every second segment, and the last of a flight that is not
                // the message's last, is acknowledged at once.
                if (j + 1) % 2 == 0 || (j + 1 == k && !end) {
                    let ats = seg_ts + self.react(o, side);
                    let upto = self.seq[side];
                    self.emit(o, ats, ACK, &[], Some(upto));
                    last_ack = last_ack.max(ats);
                } else if end {
                    self.owed[o] = true;
                }
            }
            i += k;
            flight = (flight * 2).min(MAX_FLIGHT);
            if i < segs.len() {
                ts = last_ack.max(ts) + self.react(side, o);
            }
        }
    }

    /// A text message of a line protocol, after the side's think time.
    fn say(&mut self, side: usize, text: &str) {
        let (lo, hi) = self.think[side];
        let think = self.r.range(lo, hi);
        self.send(side, text.as_bytes(), think);
    }

    /// FIN from `closer`, FIN+ACK back, last ACK.
    fn close(&mut self, closer: usize, think: u64) {
        let o = 1 - closer;
        let t0 = self.t + self.react(closer, self.last) + think;
        self.emit(closer, t0, FIN | ACK, &[], None);
        let t1 = t0 + self.react(o, closer);
        self.emit(o, t1, FIN | ACK, &[], None);
        let t2 = t1 + self.react(closer, o);
        self.emit(closer, t2, ACK, &[], None);
    }
}

// ---------------------------------------------------------------------------
// Kinds and the world they share

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Dns,
    Http,
    Bulk,
    Noise,
    Sip,
    Smtp,
    Pop3,
    Imap,
    Ftp,
    FtpData,
    Radius,
    Dhcp,
    Gtp,
}

struct KindInfo {
    kind: Kind,
    name: &'static str,
    /// nDPI id flowhook should give these flows (0: none).
    l7: u16,
    /// Weight in thousandths of the sessions.
    weight: u64,
    v6: bool,
}

const KINDS: &[KindInfo] = &[
    KindInfo { kind: Kind::Dns, name: "dns", l7: 5, weight: 423, v6: true },
    KindInfo { kind: Kind::Http, name: "http", l7: 7, weight: 240, v6: true },
    KindInfo { kind: Kind::Bulk, name: "tcp-bulk", l7: 0, weight: 7, v6: true },
    KindInfo { kind: Kind::Noise, name: "udp-noise", l7: 0, weight: 80, v6: true },
    KindInfo { kind: Kind::Sip, name: "sip", l7: 100, weight: 30, v6: true },
    KindInfo { kind: Kind::Smtp, name: "smtp", l7: 3, weight: 30, v6: true },
    KindInfo { kind: Kind::Pop3, name: "pop3", l7: 2, weight: 20, v6: true },
    KindInfo { kind: Kind::Imap, name: "imap", l7: 4, weight: 20, v6: true },
    KindInfo { kind: Kind::Ftp, name: "ftp", l7: 1, weight: 20, v6: false },
    KindInfo { kind: Kind::FtpData, name: "ftp-data", l7: 175, weight: 0, v6: false },
    KindInfo { kind: Kind::Radius, name: "radius", l7: 146, weight: 45, v6: false },
    KindInfo { kind: Kind::Dhcp, name: "dhcp", l7: 18, weight: 40, v6: false },
    KindInfo { kind: Kind::Gtp, name: "gtp-c", l7: 272, weight: 45, v6: false },
];

fn kind_index(k: Kind) -> usize {
    KINDS.iter().position(|i| i.kind == k).unwrap_or(0)
}

#[derive(Default, Clone, Copy)]
struct Stat {
    sessions: u64,
    flows: u64,
    v6_flows: u64,
    packets: u64,
    bytes: u64,
}

/// What sessions share: client hosts and their port counters, address pools.
struct World {
    /// Next source port of each IPv4 client host.
    hosts4: Vec<u16>,
    hosts6: Vec<u16>,
    /// Next source port of each RADIUS NAS and each SGSN.
    nas: Vec<u16>,
    sgsn: Vec<u16>,
    /// Addresses handed out so far: RADIUS Framed-IP and GTP End User
    /// Addresses, DHCP leases, DHCP renewing clients.
    lease: u64,
    dhcp_lease: u64,
    renew: u64,
    /// A DORA has used the shared broadcast flow.
    broadcast_used: bool,
    /// Index of the host the latest `client()` call chose.
    last_host: usize,
    /// IPv6 draw: a session of an IPv6-capable kind is IPv6 with probability `v6_num / v6_den`.
    v6_num: u64,
    v6_den: u64,
    stats: Vec<Stat>,
}

fn next_port(ports: &mut [u16], i: usize) -> u16 {
    loop {
        let p = ports[i];
        ports[i] = if p >= EPHEMERAL.1 { EPHEMERAL.0 } else { p + 1 };
        if !SKIP_PORTS.contains(&p) {
            return p;
        }
    }
}

fn random_high_port(r: &mut Rng, lo: u16, hi: u16) -> u16 {
    loop {
        let p = r.range(u64::from(lo), u64::from(hi)) as u16;
        if !SKIP_PORTS.contains(&p) {
            return p;
        }
    }
}

impl World {
    fn new(seed: u64, flows: u64, ipv6_percent: u64, weights: &[u64]) -> World {
        let mut r = Rng::new(seed ^ 0x5eed_0f00_4057);
        let n4 = (flows / 12).clamp(64, 1 << 20) as usize;
        let n6 = (n4 / 8).max(16);
        let mut ports = |n: usize| -> Vec<u16> { (0..n).map(|_| r.range(u64::from(EPHEMERAL.0), u64::from(EPHEMERAL.1)) as u16).collect() };
        let hosts4 = ports(n4);
        let hosts6 = ports(n6);
        let nas = ports(64);
        let sgsn = ports(16);
        let total: u64 = weights.iter().sum();
        let capable: u64 = KINDS.iter().zip(weights).filter(|(k, _)| k.v6).map(|(_, w)| w).sum();
        World {
            hosts4,
            hosts6,
            nas,
            sgsn,
            lease: 0,
            dhcp_lease: 0,
            renew: 0,
            broadcast_used: false,
            last_host: 0,
            v6_num: (ipv6_percent * total).min(100 * capable),
            v6_den: (100 * capable).max(1),
            stats: vec![Stat::default(); KINDS.len()],
        }
    }

    /// A client host: address, MAC, source port.
    fn client(&mut self, r: &mut Rng, v6: bool) -> (Addr, [u8; 6], u16) {
        if v6 {
            let h = r.below(self.hosts6.len() as u64);
            let port = next_port(&mut self.hosts6, h as usize);
            let mut a = [0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
            // A stable, random-looking interface id per host (RFC 7217 style).
            a[8..].copy_from_slice(&Rng::new(h ^ 0x0006_0006).next().to_be_bytes());
            let h = h as u32;
            (a, [0x02, 0x06, (h >> 24) as u8, (h >> 16) as u8, (h >> 8) as u8, h as u8], port)
        } else {
            let h = r.below(self.hosts4.len() as u64);
            let port = next_port(&mut self.hosts4, h as usize);
            self.last_host = h as usize;
            (host4(h), host_mac(h), port)
        }
    }
}

/// IPv4 client host `h`: 10.1.0.1 upwards, last octet 1-254.
fn host4(h: u64) -> Addr {
    let x = (h / 254) * 256 + h % 254 + 1 + (1 << 16);
    v4([10, (x >> 16) as u8, (x >> 8) as u8, x as u8])
}

/// Address `n` of 10.`net`.1.1 upwards, last octet 1-254 (distinct for
/// `n` < 64 770; DHCP leases and renewals).
fn lan_host(net: u8, n: u64) -> [u8; 4] {
    let x = (n / 254) * 256 + n % 254 + 1 + (1 << 8);
    [10, net, (x >> 8) as u8, x as u8]
}

fn host_mac(h: u64) -> [u8; 6] {
    let h = h as u32;
    [0x02, 0x04, (h >> 24) as u8, (h >> 16) as u8, (h >> 8) as u8, h as u8]
}

/// Server index of a web host: 198.18.16.0-198.18.47.255.
fn web_index(host: &str) -> u64 {
    4096 + fnv(host) % 8192
}

// ---------------------------------------------------------------------------
// DNS (RFC 1035)

struct DnsMsg {
    b: Vec<u8>,
    /// Name suffixes written so far and their offsets, for compression.
    names: Vec<(String, u16)>,
}

impl DnsMsg {
    fn new(id: u16, flags: u16) -> DnsMsg {
        let mut b = Vec::with_capacity(512);
        b.extend_from_slice(&id.to_be_bytes());
        b.extend_from_slice(&flags.to_be_bytes());
        b.extend_from_slice(&[0; 8]);
        DnsMsg { b, names: Vec::new() }
    }
    fn counts(&mut self, qd: u16, an: u16, ns: u16, ar: u16) {
        for (i, v) in [qd, an, ns, ar].into_iter().enumerate() {
            self.b[4 + 2 * i..6 + 2 * i].copy_from_slice(&v.to_be_bytes());
        }
    }
    fn u16(&mut self, v: u16) {
        self.b.extend_from_slice(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.b.extend_from_slice(&v.to_be_bytes());
    }
    /// A name, compressed against every suffix written before (RFC 1035 §4.1.4).
    fn name(&mut self, name: &str) {
        let labels: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
        for i in 0..labels.len() {
            let suffix = labels[i..].join(".");
            if let Some(&(_, off)) = self.names.iter().find(|(s, _)| *s == suffix) {
                self.u16(0xc000 | off);
                return;
            }
            if self.b.len() < 0x3fff {
                self.names.push((suffix, self.b.len() as u16));
            }
            self.b.push(labels[i].len() as u8);
            self.b.extend_from_slice(labels[i].as_bytes());
        }
        self.b.push(0);
    }
    /// Owner, type, class IN, TTL, then a placeholder RDLENGTH whose offset is returned.
    fn rr(&mut self, owner: &str, ty: u16, ttl: u32) -> usize {
        self.name(owner);
        self.u16(ty);
        self.u16(1);
        self.u32(ttl);
        self.u16(0);
        self.b.len() - 2
    }
    fn end_rr(&mut self, at: usize) {
        let len = (self.b.len() - at - 2) as u16;
        self.b[at..at + 2].copy_from_slice(&len.to_be_bytes());
    }
    fn opt(&mut self) {
        // EDNS0 OPT (RFC 6891): root owner, UDP size 1232, no options.
        self.b.extend_from_slice(&[0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);
    }
}

const A: u16 = 1;
const CNAME: u16 = 5;
const SOA: u16 = 6;
const AAAA: u16 = 28;

fn dns_query(id: u16, name: &str, qtype: u16, edns: bool) -> Vec<u8> {
    let mut m = DnsMsg::new(id, 0x0100);
    m.name(name);
    m.u16(qtype);
    m.u16(1);
    m.counts(1, 0, 0, u16::from(edns));
    if edns {
        m.opt();
    }
    m.b
}

fn dns_response(r: &mut Rng, id: u16, name: &str, qtype: u16, nx: bool, cname: Option<&str>, edns: bool) -> Vec<u8> {
    let mut m = DnsMsg::new(id, 0x8180 | if nx { 3 } else { 0 });
    m.name(name);
    m.u16(qtype);
    m.u16(1);
    let (mut an, mut ns) = (0, 0);
    if nx {
        let zone = zone_of(name);
        let at = m.rr(&zone, SOA, 900);
        m.name(&format!("ns1.{zone}"));
        m.name(&format!("hostmaster.{zone}"));
        m.u32(2_024_010_100 + r.below(99) as u32);
        for v in [7200, 3600, 1_209_600, 300] {
            m.u32(v);
        }
        m.end_rr(at);
        ns = 1;
    } else {
        let mut owner = name.to_string();
        if let Some(target) = cname {
            let at = m.rr(name, CNAME, r.range(60, 3600) as u32);
            m.name(target);
            m.end_rr(at);
            owner = target.to_string();
            an += 1;
        }
        let base = web_index(name);
        let n = if qtype == A { r.range(1, 4) } else { r.range(1, 2) };
        let ttl = r.range(20, 300) as u32;
        for k in 0..n {
            let at = m.rr(&owner, qtype, ttl);
            if qtype == A {
                m.b.extend_from_slice(&srv4(base + k)[..4]);
            } else {
                m.b.extend_from_slice(&srv6(base + k));
            }
            m.end_rr(at);
            an += 1;
        }
    }
    m.counts(1, an, ns, u16::from(edns));
    if edns {
        m.opt();
    }
    m.b
}

fn dns_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let (cip, cmac, cport) = w.client(r, v6);
    let sip = srv(v6, 53 + r.below(4));
    let e = Ends::new(r, v6, [cip, sip], [cport, 53], [cmac, GATEWAY_MAC]);
    let rtt = if r.pct(80) { r.range(1_000, 30_000) } else { r.range(40_000, 250_000) };
    let mut c = Conv::new(e, r, t0, rtt);
    let nx = r.pct(8);
    let name = if nx {
        match r.below(3) {
            0 => format!("{}{}.{}", word(r), r.digits(2), r.pick(TLDS)),
            1 => format!("wpad.{}", domain(r)),
            _ => format!("{}.corp.{}", word(r), domain(r)),
        }
    } else {
        web_host(r)
    };
    let qtypes: &[u16] = match r.below(10) {
        0..=5 => &[A],
        6..=8 => &[A, AAAA],
        _ => &[AAAA],
    };
    let edns = r.pct(40);
    let cname = (!nx && r.pct(40)).then(|| {
        if r.pct(50) {
            format!("{name}.{}", r.pick(CDNS))
        } else {
            format!("{}.{}", word(r), zone_of(&name))
        }
    });
    let ids: Vec<u16> = qtypes.iter().map(|_| r.next() as u16).collect();
    for (q, id) in qtypes.iter().zip(&ids) {
        let b = dns_query(*id, &name, *q, edns);
        c.dgram(C, &b, 0);
    }
    for (q, id) in qtypes.iter().zip(&ids) {
        let b = dns_response(r, *id, &name, *q, nx, cname.as_deref(), edns);
        c.dgram(S, &b, 0);
    }
    vec![c]
}

// ---------------------------------------------------------------------------
// HTTP/1.1 (RFC 9112)

struct Object {
    path: String,
    ctype: &'static str,
    text: bool,
}

fn web_object(r: &mut Rng) -> Object {
    let (w1, w2) = (word(r), word(r));
    let (path, ctype, text) = match r.below(20) {
        0..=4 => (format!("/{w1}/{w2}.html"), "text/html; charset=utf-8", true),
        5 => ("/".to_string(), "text/html; charset=utf-8", true),
        6..=8 => (format!("/static/js/{w1}.{}.js", r.hex(8)), "application/javascript", true),
        9..=10 => (format!("/static/css/{w1}.css"), "text/css", true),
        11..=13 => (format!("/images/{w1}-{w2}.webp"), "image/webp", false),
        14 => (format!("/fonts/{w1}.woff2"), "font/woff2", false),
        15..=17 => (format!("/api/v1/{w1}?id={}&lang=en", r.range(1, 99_999)), "application/json", true),
        18 => (format!("/download/{w1}-{}.{}.bin", r.range(1, 9), r.range(0, 20)), "application/octet-stream", false),
        _ => (format!("/{w1}.txt"), "text/plain; charset=utf-8", true),
    };
    Object { path, ctype, text }
}

/// Filler text of exactly `n` bytes for a content type.
fn body(r: &mut Rng, ctype: &str, n: usize) -> Vec<u8> {
    if ctype.starts_with("application/json") {
        // A JSON array of objects, padded with whitespace to `n` bytes.
        let mut s = String::from("[");
        loop {
            let item = format!(
                "{{\"id\":{},\"name\":\"{} {}\",\"active\":{},\"score\":{}}}",
                r.range(1, 1_000_000),
                word(r),
                word(r),
                r.pct(50),
                r.below(1000)
            );
            if s.len() + item.len() + 3 > n {
                break;
            }
            if s.len() > 1 {
                s.push(',');
            }
            s.push_str(&item);
        }
        s.push(']');
        let mut b = s.into_bytes();
        if b.len() < n {
            b.resize(n, b' ');
        }
        return b;
    }
    let mut s = String::with_capacity(n + 100);
    if ctype.starts_with("text/html") {
        s.push_str("<!DOCTYPE html>\n<html><head><title>");
        s.push_str(&sentence(r, 3));
        s.push_str("</title></head>\n<body>\n");
    }
    while s.len() < n {
        s.push_str("<p>");
        let k = r.range(6, 20) as usize;
        s.push_str(&sentence(r, k));
        s.push_str("</p>\n");
    }
    let mut b = s.into_bytes();
    b.truncate(n);
    b
}

fn http_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let (cip, cmac, cport) = w.client(r, v6);
    let host = web_host(r);
    let sport = if r.pct(90) { 80 } else { 8080 };
    let sip = srv(v6, web_index(&host));
    let e = Ends::new(r, v6, [cip, sip], [cport, sport], [cmac, GATEWAY_MAC]);
    let rtt = r.range(1_000, 80_000);
    let mut c = Conv::new(e, r, t0, rtt);
    c.open();
    let ua = *r.pick(USER_AGENTS);
    let server = *r.pick(SERVERS);
    let cookie = r.pct(30).then(|| format!("sid={}; consent=yes", r.hex(32)));
    let nreq = r.range(1, 3);
    let close_by_server = r.pct(40);
    let mut referer: Option<String> = r.pct(40).then(|| format!("http://{}/", web_host(r)));
    let host_hdr = if sport == 80 { host.clone() } else { format!("{host}:{sport}") };
    for k in 0..nreq {
        let last = k + 1 == nreq;
        let post = r.pct(15);
        let obj = if post {
            // Forms and APIs take POSTs; they answer JSON or a page.
            let path = match r.below(3) {
                0 => format!("/api/v1/{}", word(r)),
                1 => "/login".to_string(),
                _ => format!("/{}/submit", word(r)),
            };
            let json = path.starts_with("/api");
            Object { path, ctype: if json { "application/json" } else { "text/html; charset=utf-8" }, text: true }
        } else {
            web_object(r)
        };
        let mut req = format!("{} {} HTTP/1.1\r\nHost: {host_hdr}\r\nUser-Agent: {ua}\r\n", if post { "POST" } else { "GET" }, obj.path);
        req.push_str(if obj.ctype.starts_with("text/html") {
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        } else {
            "Accept: */*\r\n"
        });
        req.push_str("Accept-Language: en-US,en;q=0.9\r\nAccept-Encoding: identity\r\n");
        if let Some(rf) = &referer {
            req.push_str(&format!("Referer: {rf}\r\n"));
        }
        if let Some(ck) = &cookie {
            req.push_str(&format!("Cookie: {ck}\r\n"));
        }
        let mut reqb;
        if post {
            let json = r.pct(50);
            let n = r.logish(40, 6000) as usize;
            let pb = if json {
                body(r, "application/json", n)
            } else {
                let mut s = format!("user={}&q={}", person(r).0, word(r));
                while s.len() < n {
                    s.push_str(&format!("&{}={}", word(r), r.hex(8)));
                }
                s.truncate(n.max(1));
                s.into_bytes()
            };
            req.push_str(&format!(
                "Content-Type: {}\r\nContent-Length: {}\r\n",
                if json { "application/json" } else { "application/x-www-form-urlencoded" },
                pb.len()
            ));
            req.push_str(if last && close_by_server { "Connection: close\r\n\r\n" } else { "Connection: keep-alive\r\n\r\n" });
            reqb = req.into_bytes();
            reqb.extend_from_slice(&pb);
        } else {
            req.push_str(if last && close_by_server { "Connection: close\r\n\r\n" } else { "Connection: keep-alive\r\n\r\n" });
            reqb = req.into_bytes();
        }
        let think = if k == 0 { r.range(0, 2_000) } else { r.range(1_000, 300_000) };
        c.send(C, &reqb, think);

        let (code, reason) = match r.below(100) {
            0..=79 => (200, "OK"),
            80..=86 if post => (200, "OK"),
            80..=86 => (304, "Not Modified"),
            87..=91 => (301, "Moved Permanently"),
            92..=97 => (404, "Not Found"),
            _ => (503, "Service Unavailable"),
        };
        let (ctype, bodyb): (&str, Vec<u8>) = match code {
            200 => {
                let n = match r.below(100) {
                    0..=49 => r.range(200, 2_000),
                    50..=84 => r.range(2_000, 15_000),
                    85..=97 => r.range(15_000, 60_000),
                    _ => r.range(60_000, 250_000),
                } as usize;
                let b = if obj.text { body(r, obj.ctype, n) } else { r.bytes(n) };
                (obj.ctype, b)
            }
            304 => ("", Vec::new()),
            _ => {
                let n = r.range(150, 600) as usize;
                ("text/html; charset=utf-8", body(r, "text/html", n))
            }
        };
        let mut resp = format!("HTTP/1.1 {code} {reason}\r\nDate: {} GMT\r\nServer: {server}\r\n", date(c.t + rtt));
        if code == 301 {
            resp.push_str(&format!("Location: https://{host}{}\r\n", obj.path));
        }
        if code == 304 {
            resp.push_str(&format!("ETag: \"{}\"\r\nCache-Control: max-age=3600\r\n", r.hex(16)));
        } else {
            resp.push_str(&format!("Content-Type: {ctype}\r\nContent-Length: {}\r\n", bodyb.len()));
            if code == 200 {
                resp.push_str(&format!("ETag: \"{}\"\r\nCache-Control: max-age={}\r\n", r.hex(16), r.range(60, 86_400)));
            }
        }
        resp.push_str(if last && close_by_server { "Connection: close\r\n\r\n" } else { "Connection: keep-alive\r\n\r\n" });
        let mut rb = resp.into_bytes();
        rb.extend_from_slice(&bodyb);
        let think = if obj.text { r.range(200, 50_000) } else { r.range(100, 3_000) };
        c.send(S, &rb, think);
        referer = Some(format!("http://{host}{}", obj.path));
    }
    if close_by_server {
        c.close(S, r.range(50, 500));
    } else {
        c.close(C, r.range(1_000, 200_000));
    }
    vec![c]
}

// ---------------------------------------------------------------------------
// TCP bulk and UDP noise

/// Bytes at the start of each piece of [`opaque`] data that are lowercase letters.
const OPAQUE_PREFIX: usize = 16;

/// Random bytes for traffic no dissector should claim. tshark tries its
/// heuristic dissectors on each UDP datagram and each TCP segment between
/// unknown ports, and wholly random bytes match one now and then (RTCP, CLTP
/// and Thrift did in a million packets), which then calls them malformed.
/// So the first [`OPAQUE_PREFIX`] bytes of every `seg`-byte piece (a
/// datagram, a segment) are lowercase letters, which none of them accepts.
fn opaque(r: &mut Rng, n: usize, seg: usize) -> Vec<u8> {
    let mut b = r.bytes(n);
    for piece in b.chunks_mut(seg.max(1)) {
        for x in piece.iter_mut().take(OPAQUE_PREFIX) {
            *x = b'a' + r.below(26) as u8;
        }
    }
    b
}

fn bulk_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let (cip, cmac, cport) = w.client(r, v6);
    let sport = random_high_port(r, 10_000 + 22_768, EPHEMERAL.1);
    let sip = srv(v6, 16_384 + r.below(16_384));
    let e = Ends::new(r, v6, [cip, sip], [cport, sport], [cmac, GATEWAY_MAC]);
    let rtt = r.range(2_000, 60_000);
    let mut c = Conv::new(e, r, t0, rtt);
    c.open();
    let small = r.range(20, 300) as usize;
    let big = r.logish(32 << 10, 512 << 10) as usize;
    let mss = c.mss;
    let (first, second) = if r.pct(50) { (small, big) } else { (big, small) };
    let b = opaque(r, first, mss);
    c.send(C, &b, 0);
    let b = opaque(r, second, mss);
    c.send(S, &b, r.range(100, 5_000));
    c.close(C, r.range(100, 20_000));
    vec![c]
}

fn noise_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let (cip, cmac, cport) = w.client(r, v6);
    let sport = random_high_port(r, EPHEMERAL.0, EPHEMERAL.1);
    let sip = srv(v6, 32_768 + r.below(32_768));
    let e = Ends::new(r, v6, [cip, sip], [cport, sport], [cmac, GATEWAY_MAC]);
    let rtt = r.range(5_000, 100_000);
    let mut c = Conv::new(e, r, t0, rtt);
    let n = r.range(1, 10);
    let oneway = r.pct(30);
    for k in 0..n {
        let side = if k == 0 || oneway || r.pct(50) { C } else { S };
        let n = r.range(20, 1_200) as usize;
        let b = opaque(r, n, n);
        c.dgram(side, &b, r.range(100, 200_000));
    }
    vec![c]
}

// ---------------------------------------------------------------------------
// SIP (RFC 3261) with SDP (RFC 4566)

fn sdp(r: &mut Rng, v6: bool, ip: &Addr, user: &str) -> String {
    let fam = if v6 { "IP6" } else { "IP4" };
    let ipt = ip_text(v6, ip);
    format!(
        "v=0\r\no={user} {} {} IN {fam} {ipt}\r\ns=Talk\r\nc=IN {fam} {ipt}\r\nt=0 0\r\nm=audio {} RTP/AVP 0 8 101\r\n\
         a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n",
        r.range(1000, 9999),
        r.range(1000, 9999),
        r.range(5000, 5999) * 2 + 10_000,
    )
}

fn sip_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let (cip, cmac, cport) = w.client(r, v6);
    let pip = srv(v6, 60 + r.below(2));
    let e = Ends::new(r, v6, [cip, pip], [cport, 5060], [cmac, GATEWAY_MAC]);
    let rtt = r.range(5_000, 60_000);
    let mut c = Conv::new(e, r, t0, rtt);
    let dom = format!("voip.{}", domain(r));
    let (caller, callee) = (format!("{}", r.range(1000, 9999)), format!("{}", r.range(1000, 9999)));
    let (fname, lname) = person(r);
    let uah = format!("{}:{cport}", uri_host(v6, &cip));
    let ua = *r.pick(SIP_UAS);
    let call_id = format!("{}@{}", r.hex(24), uri_host(v6, &cip));
    let (ftag, ttag) = (r.hex(10), r.hex(10));
    let from = format!("\"{} {}\" <sip:{caller}@{dom}>;tag={ftag}", capitalise(fname), capitalise(lname));
    let to = format!("<sip:{callee}@{dom}>");
    let via = format!("SIP/2.0/UDP {uah};branch=z9hG4bK{};rport", r.hex(16));
    let contact = format!("<sip:{caller}@{uah}>");
    let msg = |start: &str, via: &str, to: &str, cseq: &str, extra: &str, body: &str| -> Vec<u8> {
        let mut m = format!("{start}\r\nVia: {via}\r\nMax-Forwards: 70\r\nFrom: {from}\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq}\r\n{extra}");
        if body.is_empty() {
            m.push_str("Content-Length: 0\r\n\r\n");
        } else {
            m.push_str(&format!("Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
        }
        m.into_bytes()
    };
    let offer = sdp(r, v6, &cip, &caller);
    let inv_extra = format!("Contact: {contact}\r\nUser-Agent: {ua}\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE\r\n");
    c.dgram(C, &msg(&format!("INVITE sip:{callee}@{dom} SIP/2.0"), &via, &to, "1 INVITE", &inv_extra, &offer), 0);
    c.dgram(S, &msg("SIP/2.0 100 Trying", &via, &to, "1 INVITE", "", ""), 0);
    let to_t = format!("{to};tag={ttag}");
    let peer = srv(v6, 2_000 + r.below(1_000));
    let peer_contact = format!("<sip:{callee}@{}:5060>", uri_host(v6, &peer));
    let rextra = format!("Contact: {peer_contact}\r\nServer: {}\r\n", r.pick(SIP_UAS));
    c.dgram(S, &msg("SIP/2.0 180 Ringing", &via, &to_t, "1 INVITE", &rextra, ""), r.range(10_000, 200_000));
    let ack_via = format!("SIP/2.0/UDP {uah};branch=z9hG4bK{};rport", r.hex(16));
    if r.pct(10) {
        c.dgram(S, &msg("SIP/2.0 486 Busy Here", &via, &to_t, "1 INVITE", "", ""), r.range(1_000_000, 8_000_000));
        c.dgram(C, &msg(&format!("ACK sip:{callee}@{dom} SIP/2.0"), &via, &to_t, "1 ACK", "", ""), 0);
        return vec![c];
    }
    let answer = sdp(r, v6, &peer, &callee);
    c.dgram(S, &msg("SIP/2.0 200 OK", &via, &to_t, "1 INVITE", &rextra, &answer), r.range(1_000_000, 8_000_000));
    let target = format!("sip:{callee}@{}:5060", uri_host(v6, &peer));
    c.dgram(C, &msg(&format!("ACK {target} SIP/2.0"), &ack_via, &to_t, "1 ACK", "", ""), 0);
    let talk = r.range(2_000_000, 30_000_000);
    if r.pct(60) {
        let bye_via = format!("SIP/2.0/UDP {uah};branch=z9hG4bK{};rport", r.hex(16));
        c.dgram(C, &msg(&format!("BYE {target} SIP/2.0"), &bye_via, &to_t, "2 BYE", "", ""), talk);
        c.dgram(S, &msg("SIP/2.0 200 OK", &bye_via, &to_t, "2 BYE", "", ""), 0);
    } else {
        // The callee hangs up: the request comes from the proxy side, with
        // From/To as the callee sees them.
        let pvia = format!("SIP/2.0/UDP {}:5060;branch=z9hG4bK{}", uri_host(v6, &pip), r.hex(16));
        let bye = format!(
            "BYE sip:{caller}@{uah} SIP/2.0\r\nVia: {pvia}\r\nMax-Forwards: 69\r\nFrom: <sip:{callee}@{dom}>;tag={ttag}\r\nTo: {from}\r\nCall-ID: {call_id}\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n"
        );
        c.dgram(S, bye.as_bytes(), talk);
        let ok = format!(
            "SIP/2.0 200 OK\r\nVia: {pvia}\r\nFrom: <sip:{callee}@{dom}>;tag={ttag}\r\nTo: {from}\r\nCall-ID: {call_id}\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n"
        );
        c.dgram(C, ok.as_bytes(), 0);
    }
    vec![c]
}

// ---------------------------------------------------------------------------
// Mail: SMTP (RFC 5321), POP3 (RFC 1939), IMAP (RFC 9051)

/// An RFC 5322 message of about `n` bytes, CRLF lines, no line starting with '.'.
fn mail_message(r: &mut Rng, from: &str, to: &[String], ts: u64, n: usize) -> String {
    let mut m = format!(
        "From: {from}\r\nTo: {}\r\nSubject: {}\r\nDate: {} +0000\r\nMessage-ID: <{}.{}@{}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n",
        to.join(", "),
        sentence(r, 4).trim_end_matches('.'),
        date(ts),
        r.hex(12),
        r.hex(6),
        from.rsplit('@').next().unwrap_or("localhost"),
    );
    while m.len() < n {
        let k = r.range(5, 12) as usize;
        m.push_str(&sentence(r, k));
        m.push_str("\r\n");
    }
    m
}

fn mail_conv(w: &mut World, r: &mut Rng, t0: u64, v6: bool, port: u16, dom: &str) -> Conv {
    let (cip, cmac, cport) = w.client(r, v6);
    let sip = srv(v6, 256 + fnv(dom) % 256);
    let e = Ends::new(r, v6, [cip, sip], [cport, port], [cmac, GATEWAY_MAC]);
    let rtt = r.range(2_000, 60_000);
    let mut c = Conv::new(e, r, t0, rtt);
    c.open();
    c
}

fn smtp_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let dom = domain(r);
    let mut c = mail_conv(w, r, t0, v6, 25, &dom);
    let (f, l) = person(r);
    let from = format!("{f}.{l}@{}", domain(r));
    let to: Vec<String> = (0..r.range(1, 3)).map(|_| format!("{}.{}@{dom}", person(r).0, person(r).1)).collect();
    c.think = [(50, 2_000), (100, 20_000)];
    c.say(S, &format!("220 mx.{dom} ESMTP Postfix\r\n"));
    c.say(C, &format!("EHLO {}.{}\r\n", word(r), domain(r)));
    c.say(S, &format!("250-mx.{dom}\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"));
    c.say(C, &format!("MAIL FROM:<{from}>\r\n"));
    c.say(S, "250 2.1.0 Ok\r\n");
    for rc in &to {
        c.say(C, &format!("RCPT TO:<{rc}>\r\n"));
        c.say(S, "250 2.1.5 Ok\r\n");
    }
    c.say(C, "DATA\r\n");
    c.say(S, "354 End data with <CR><LF>.<CR><LF>\r\n");
    let n = r.logish(400, 40_000) as usize;
    let msg = mail_message(r, &from, &to, c.t, n);
    c.say(C, &msg);
    c.say(C, ".\r\n");
    c.say(S, &format!("250 2.0.0 Ok: queued as {}\r\n", r.hex(10).to_uppercase()));
    c.say(C, "QUIT\r\n");
    c.say(S, "221 2.0.0 Bye\r\n");
    c.close(S, r.range(50, 500));
    vec![c]
}

fn pop3_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let dom = domain(r);
    let mut c = mail_conv(w, r, t0, v6, 110, &dom);
    let (f, l) = person(r);
    let user = format!("{f}.{l}");
    c.think = [(50, 2_000), (100, 20_000)];
    c.say(S, &format!("+OK Dovecot ready. <{}.{}@pop.{dom}>\r\n", r.hex(6), r.range(1, 99)));
    c.say(C, &format!("USER {user}\r\n"));
    c.say(S, "+OK\r\n");
    c.say(C, &format!("PASS {}{}\r\n", word(r), r.digits(3)));
    c.say(S, "+OK Logged in.\r\n");
    let count = r.range(1, 20);
    let n = r.logish(400, 60_000) as usize;
    let sender = format!("{}.{}@{}", person(r).0, person(r).1, domain(r));
    let msg = mail_message(r, &sender, &[format!("{user}@{dom}")], c.t, n);
    c.say(C, "STAT\r\n");
    c.say(S, &format!("+OK {count} {}\r\n", msg.len() as u64 * count));
    c.say(C, "RETR 1\r\n");
    c.say(S, &format!("+OK {} octets\r\n{msg}.\r\n", msg.len()));
    if r.pct(50) {
        c.say(C, "DELE 1\r\n");
        c.say(S, "+OK\r\n");
    }
    c.say(C, "QUIT\r\n");
    c.say(S, "+OK Logging out.\r\n");
    c.close(S, r.range(50, 500));
    vec![c]
}

fn imap_session(w: &mut World, r: &mut Rng, t0: u64, v6: bool) -> Vec<Conv> {
    let dom = domain(r);
    let mut c = mail_conv(w, r, t0, v6, 143, &dom);
    let (f, l) = person(r);
    c.think = [(50, 2_000), (100, 20_000)];
    let caps = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN";
    c.say(S, &format!("* OK [CAPABILITY {caps}] Dovecot ready.\r\n"));
    c.say(C, &format!("a001 LOGIN {f}.{l} \"{}{}\"\r\n", word(r), r.digits(4)));
    c.say(S, &format!("a001 OK [CAPABILITY {caps} SORT THREAD=REFERENCES MOVE] Logged in\r\n"));
    let exists = r.range(0, 5000);
    c.say(C, "a002 SELECT INBOX\r\n");
    c.say(S, &format!(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n\
             * {exists} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY {}] UIDs valid\r\n* OK [UIDNEXT {}] Predicted next UID\r\na002 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n",
            1_700_000_000 + r.below(4_000_000),
            exists + 1
        ),
    );
    let mut tag = 3;
    if exists > 0 && r.pct(30) {
        let n = r.logish(400, 30_000) as usize;
        let sender = format!("{}.{}@{}", person(r).0, person(r).1, domain(r));
        let msg = mail_message(r, &sender, &[format!("{f}.{l}@{dom}")], c.t, n);
        c.say(C, &format!("a003 FETCH {exists} BODY[]\r\n"));
        c.say(S, &format!("* {exists} FETCH (BODY[] {{{}}}\r\n{msg})\r\na003 OK Fetch completed.\r\n", msg.len()));
        tag = 4;
    }
    c.say(C, &format!("a{tag:03} LOGOUT\r\n"));
    c.say(S, &format!("* BYE Logging out\r\na{tag:03} OK Logout completed.\r\n"));
    c.close(S, r.range(50, 500));
    vec![c]
}

// ---------------------------------------------------------------------------
// FTP (RFC 959), passive mode

fn ftp_session(w: &mut World, r: &mut Rng, t0: u64) -> Vec<Conv> {
    let (cip, cmac, cport) = w.client(r, false);
    let sidx = 512 + r.below(256);
    let sip = srv4(sidx);
    let e = Ends::new(r, false, [cip, sip], [cport, 21], [cmac, GATEWAY_MAC]);
    let rtt = r.range(2_000, 60_000);
    let mut c = Conv::new(e, r, t0, rtt);
    c.open();
    c.think = [(50, 800_000), (100, 5_000)];
    c.say(S, &format!("220 {}\r\n", r.pick(FTP_SERVERS)));
    let anon = r.pct(40);
    let user = if anon { "anonymous".to_string() } else { format!("{}{}", person(r).0, r.digits(2)) };
    c.say(C, &format!("USER {user}\r\n"));
    c.say(S, "331 Please specify the password.\r\n");
    let pass = if anon { format!("{}@{}", person(r).0, domain(r)) } else { format!("{}{}", word(r), r.digits(4)) };
    c.say(C, &format!("PASS {pass}\r\n"));
    c.say(S, "230 Login successful.\r\n");
    c.say(C, "SYST\r\n");
    c.say(S, "215 UNIX Type: L8\r\n");
    c.say(C, "TYPE I\r\n");
    c.say(S, "200 Switching to Binary mode.\r\n");
    c.say(C, "PASV\r\n");
    let dport = random_high_port(r, 40_000, 49_999);
    let a = as_v4(&sip);
    c.say(S, &format!("227 Entering Passive Mode ({},{},{},{},{},{}).\r\n", a[0], a[1], a[2], a[3], dport >> 8, dport & 0xff));

    // The data connection, opened right after the 227.
    // Same client host: the next source port from it.
    let cport2 = next_port(&mut w.hosts4, w.last_host);
    let e2 = Ends::new(r, false, [cip, sip], [cport2, dport], [cmac, GATEWAY_MAC]);
    let d0 = c.t + r.range(100, 1_000);
    let mut d = Conv::new(e2, r, d0, rtt);
    d.open();
    let file = format!("{}-{}.{}.{}.tar.gz", word(r), r.range(1, 9), r.range(0, 30), r.range(0, 9));
    c.t = d.t;
    c.last = C;
    c.say(C, &format!("RETR pub/{file}\r\n"));
    let size = r.logish(4 << 10, 256 << 10) as usize;
    c.say(S, &format!("150 Opening BINARY mode data connection for pub/{file} ({size} bytes).\r\n"));
    d.t = c.t;
    d.last = S;
    let data = r.bytes(size);
    d.send(S, &data, r.range(100, 2_000));
    d.close(S, r.range(10, 200));
    c.t = d.t;
    c.last = C;
    c.say(S, "226 Transfer complete.\r\n");
    c.say(C, "QUIT\r\n");
    c.say(S, "221 Goodbye.\r\n");
    c.close(S, r.range(50, 500));
    vec![c, d]
}

// ---------------------------------------------------------------------------
// RADIUS (RFC 2865)

fn radius(code: u8, id: u8, auth: &[u8], attrs: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut b = vec![code, id, 0, 0];
    b.extend_from_slice(auth);
    for (t, v) in attrs {
        b.push(*t);
        b.push(v.len() as u8 + 2);
        b.extend_from_slice(v);
    }
    let len = b.len() as u16;
    b[2..4].copy_from_slice(&len.to_be_bytes());
    b
}

fn mac_text(m: &[u8; 6], sep: char) -> String {
    m.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(&sep.to_string())
}

fn radius_session(w: &mut World, r: &mut Rng, t0: u64) -> Vec<Conv> {
    let n = r.below(w.nas.len() as u64);
    let nas_ip = v4([10, 250, (n >> 8) as u8, n as u8 + 1]);
    let port = next_port(&mut w.nas, n as usize);
    let sip = srv4(100 + r.below(2));
    let e = Ends::new(r, false, [nas_ip, sip], [port, 1812], [[0x02, 0x0a, 0, 0, n as u8, 1], GATEWAY_MAC]);
    let rtt = r.range(1_000, 20_000);
    let mut c = Conv::new(e, r, t0, rtt);
    let id = r.next() as u8;
    let auth = r.bytes(16);
    let (f, l) = person(r);
    let user = if r.pct(50) { format!("{f}.{l}@{}", domain(r)) } else { format!("{f}{}", r.digits(3)) };
    let station: [u8; 6] = {
        let b = r.bytes(6);
        [b[0] & 0xfe, b[1], b[2], b[3], b[4], b[5]]
    };
    let wifi = r.pct(60);
    let called = if wifi { format!("{}:{}-{}", mac_text(&[0x00, 0x1a, 0x1e, n as u8, 0x20, 0x01], '-'), capitalise(word(r)), "WiFi") } else { format!("nas-{n}") };
    let attrs = vec![
        (1, user.clone().into_bytes()),
        (2, r.bytes(16)),
        (4, as_v4(&nas_ip).to_vec()),
        (5, (r.range(0, 4096) as u32).to_be_bytes().to_vec()),
        (6, 2u32.to_be_bytes().to_vec()),
        (30, called.into_bytes()),
        (31, mac_text(&station, '-').into_bytes()),
        (32, format!("nas-{n:02}.{}", word(r)).into_bytes()),
        (61, if wifi { 19u32 } else { 15u32 }.to_be_bytes().to_vec()),
    ];
    c.dgram(C, &radius(1, id, &auth, &attrs), 0);
    let rauth = r.bytes(16);
    if r.pct(10) {
        c.dgram(S, &radius(3, id, &rauth, &[(18, b"Authentication failed".to_vec())]), r.range(500, 20_000));
    } else {
        w.lease += 1;
        let framed = v4([100, 64 + ((w.lease >> 16) & 63) as u8, (w.lease >> 8) as u8, w.lease as u8]);
        let attrs = vec![
            (6, 2u32.to_be_bytes().to_vec()),
            (8, as_v4(&framed).to_vec()),
            (25, format!("class-{}", r.hex(8)).into_bytes()),
            (27, (r.range(1, 24) as u32 * 3600).to_be_bytes().to_vec()),
        ];
        c.dgram(S, &radius(2, id, &rauth, &attrs), r.range(500, 20_000));
    }
    vec![c]
}

// ---------------------------------------------------------------------------
// DHCP (RFC 2131, 2132)

struct Bootp {
    op: u8,
    xid: u32,
    secs: u16,
    ciaddr: [u8; 4],
    yiaddr: [u8; 4],
    siaddr: [u8; 4],
    chaddr: [u8; 6],
}

fn dhcp_msg(m: &Bootp, opts: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut b = vec![m.op, 1, 6, 0];
    b.extend_from_slice(&m.xid.to_be_bytes());
    b.extend_from_slice(&m.secs.to_be_bytes());
    b.extend_from_slice(&[0, 0]); // flags: unicast replies
    b.extend_from_slice(&m.ciaddr);
    b.extend_from_slice(&m.yiaddr);
    b.extend_from_slice(&m.siaddr);
    b.extend_from_slice(&[0; 4]); // giaddr
    b.extend_from_slice(&m.chaddr);
    b.extend_from_slice(&[0; 10 + 64 + 128]);
    b.extend_from_slice(&[99, 130, 83, 99]);
    for (t, v) in opts {
        b.push(*t);
        b.push(v.len() as u8);
        b.extend_from_slice(v);
    }
    b.push(255);
    // BOOTP's 300-byte minimum (RFC 1542 §3.3): pad with zeros.
    if b.len() < 300 {
        b.resize(300, 0);
    }
    b
}

fn dhcp_session(w: &mut World, r: &mut Rng, t0: u64) -> Vec<Conv> {
    let server = [10, 200, 0, 1];
    let hostname = match r.below(4) {
        0 => format!("DESKTOP-{}", r.hex(7).to_uppercase()),
        1 => format!("{}-iPhone", capitalise(person(r).0)),
        2 => format!("android-{}", r.hex(16)),
        _ => format!("{}-{}", word(r), r.digits(3)),
    };
    let vendor = *r.pick(&["MSFT 5.0", "android-dhcp-14", "dhcpcd-9.4.1", "udhcp 1.36.1"]);
    let m = r.bytes(6);
    let chaddr = [m[0] & 0xfc | 0x02, m[1], m[2], m[3], m[4], m[5]];
    let mut cid = vec![1];
    cid.extend_from_slice(&chaddr);
    let xid = r.next() as u32;
    let params = vec![1, 3, 6, 15, 28, 51, 54, 58, 59, 119, 252];
    let lease_opts = |r: &mut Rng, ty: u8| -> Vec<(u8, Vec<u8>)> {
        vec![
            (53, vec![ty]),
            (54, server.to_vec()),
            (51, (r.range(1, 24) as u32 * 3600).to_be_bytes().to_vec()),
            (1, vec![255, 255, 0, 0]),
            (3, server.to_vec()),
            (6, vec![10, 200, 0, 53, 10, 200, 0, 54]),
            (15, b"lan.example".to_vec()),
        ]
    };
    let rtt = r.range(500, 5_000);
    if r.pct(70) {
        // DORA: requests broadcast from 0.0.0.0, replies unicast to the new address.
        w.dhcp_lease += 1;
        let yi = lan_host(200, w.dhcp_lease);
        let b = Ends::new(r, false, [v4([0; 4]), v4([255; 4])], [68, 67], [chaddr, BROADCAST_MAC]);
        let mut req = Conv::new(b, r, t0, rtt);
        req.e.ttl = [64, 64];
        req.e.ip_id = [0, 0];
        let rep = Ends::new(r, false, [v4(yi), v4(server)], [68, 67], [chaddr, DHCP_SERVER_MAC]);
        let mut rep = Conv::new(rep, r, t0, rtt);
        rep.e.ttl = [64, 64];
        let q = |ty: u8, extra: Vec<(u8, Vec<u8>)>| -> Vec<u8> {
            let mut o = vec![(53, vec![ty]), (61, cid.clone())];
            o.extend(extra);
            o.push((12, hostname.clone().into_bytes()));
            o.push((60, vendor.as_bytes().to_vec()));
            o.push((55, params.clone()));
            dhcp_msg(&Bootp { op: 1, xid, secs: 0, ciaddr: [0; 4], yiaddr: [0; 4], siaddr: [0; 4], chaddr }, &o)
        };
        let reply = |r: &mut Rng, ty: u8| dhcp_msg(&Bootp { op: 2, xid, secs: 0, ciaddr: [0; 4], yiaddr: yi, siaddr: server, chaddr }, &lease_opts(r, ty));
        req.dgram(C, &q(1, vec![]), 0);
        rep.t = req.t;
        rep.last = C;
        rep.dgram(S, &reply(r, 2), r.range(1_000, 500_000));
        req.t = rep.t;
        req.last = S;
        req.dgram(C, &q(3, vec![(50, yi.to_vec()), (54, server.to_vec())]), 0);
        rep.t = req.t;
        rep.last = C;
        rep.dgram(S, &reply(r, 5), r.range(1_000, 50_000));
        w.broadcast_used = true;
        vec![req, rep]
    } else {
        // A renewal: the client unicasts from its leased address.
        w.renew += 1;
        let ci = lan_host(201, w.renew);
        let e = Ends::new(r, false, [v4(ci), v4(server)], [68, 67], [chaddr, DHCP_SERVER_MAC]);
        let mut c = Conv::new(e, r, t0, rtt);
        c.e.ttl = [64, 64];
        let mut o = vec![(53, vec![3]), (61, cid.clone()), (12, hostname.clone().into_bytes()), (60, vendor.as_bytes().to_vec()), (55, params.clone())];
        o.truncate(5);
        c.dgram(C, &dhcp_msg(&Bootp { op: 1, xid, secs: 0, ciaddr: ci, yiaddr: [0; 4], siaddr: [0; 4], chaddr }, &o), 0);
        c.dgram(S, &dhcp_msg(&Bootp { op: 2, xid, secs: 0, ciaddr: ci, yiaddr: ci, siaddr: server, chaddr }, &lease_opts(r, 5)), r.range(1_000, 50_000));
        vec![c]
    }
}

// ---------------------------------------------------------------------------
// GTPv1-C (3GPP TS 29.060)

/// TBCD digits (TS 29.002): two per byte, low nibble first, 0xf filler.
fn tbcd(d: &str) -> Vec<u8> {
    let v: Vec<u8> = d.bytes().map(|c| c - b'0').collect();
    v.chunks(2).map(|p| p[0] | if p.len() == 2 { p[1] << 4 } else { 0xf0 }).collect()
}

/// MCC/MNC as in RAI and ULI (TS 24.008 §10.5.5.15).
fn plmn(mcc: &str, mnc: &str) -> [u8; 3] {
    let c: Vec<u8> = mcc.bytes().map(|x| x - b'0').collect();
    let n: Vec<u8> = mnc.bytes().map(|x| x - b'0').collect();
    let n3 = if n.len() == 3 { n[2] } else { 0xf };
    [c[0] | c[1] << 4, c[2] | n3 << 4, n[0] | n[1] << 4]
}

fn gtp(ty: u8, teid: u32, seq: u16, ies: &[u8]) -> Vec<u8> {
    let mut b = vec![0x32, ty];
    b.extend_from_slice(&(ies.len() as u16 + 4).to_be_bytes());
    b.extend_from_slice(&teid.to_be_bytes());
    b.extend_from_slice(&seq.to_be_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(ies);
    b
}

fn tv(b: &mut Vec<u8>, t: u8, v: &[u8]) {
    b.push(t);
    b.extend_from_slice(v);
}

fn tlv(b: &mut Vec<u8>, t: u8, v: &[u8]) {
    b.push(t);
    b.extend_from_slice(&(v.len() as u16).to_be_bytes());
    b.extend_from_slice(v);
}

fn apn_bytes(apn: &str) -> Vec<u8> {
    let mut v = Vec::new();
    for l in apn.split('.') {
        v.push(l.len() as u8);
        v.extend_from_slice(l.as_bytes());
    }
    v
}

fn gtp_session(w: &mut World, r: &mut Rng, t0: u64) -> Vec<Conv> {
    let g = r.below(w.sgsn.len() as u64);
    let sgsn = srv4(65_536 + 256 + g);
    let ggsn = srv4(65_536 + 1 + r.below(4));
    let port = next_port(&mut w.sgsn, g as usize);
    let e = Ends::new(r, false, [sgsn, ggsn], [port, 2123], [[0x02, 0x0b, 0, 0, 0, g as u8], GATEWAY_MAC]);
    let rtt = r.range(2_000, 30_000);
    let mut c = Conv::new(e, r, t0, rtt);
    let (mcc, mnc) = *r.pick(&[("001", "01"), ("208", "10"), ("234", "15"), ("310", "260"), ("262", "02")]);
    let imsi = format!("{mcc}{mnc}{}", r.digits(15 - mcc.len() - mnc.len()));
    let msisdn = format!("{}{}", r.pick(&["33", "44", "1", "49"]), r.digits(9));
    let imeisv = format!("{}{}", r.digits(14), r.digits(2));
    let apn = format!("{}.{}", r.pick(APNS), r.pick(&["operator", "mnc001.mcc001.gprs", "corp"]));
    let (teid_u, teid_c) = (r.next() as u32 | 1, r.next() as u32 | 1);
    let seq = r.next() as u16;
    let p = plmn(mcc, mnc);
    let mut q = Vec::new();
    tv(&mut q, 2, &tbcd(&imsi));
    let mut rai = p.to_vec();
    rai.extend_from_slice(&(r.next() as u16).to_be_bytes());
    rai.push(r.next() as u8);
    tv(&mut q, 3, &rai);
    tv(&mut q, 14, &[r.next() as u8]);
    tv(&mut q, 15, &[0xf0]);
    tv(&mut q, 16, &teid_u.to_be_bytes());
    tv(&mut q, 17, &teid_c.to_be_bytes());
    tv(&mut q, 20, &[5]);
    tv(&mut q, 26, &[0x08, 0x00]);
    tlv(&mut q, 128, &[0xf1, 0x21]);
    tlv(&mut q, 131, &apn_bytes(&apn));
    tlv(&mut q, 133, &as_v4(&sgsn));
    tlv(&mut q, 133, &as_v4(&sgsn));
    let mut ms = vec![0x91];
    ms.extend_from_slice(&tbcd(&msisdn));
    tlv(&mut q, 134, &ms);
    let qos = [0x02, 0x23, 0x92, 0x1f];
    tlv(&mut q, 135, &qos);
    tlv(&mut q, 151, &[*r.pick(&[1u8, 2, 1])]);
    let mut uli = vec![0];
    uli.extend_from_slice(&p);
    uli.extend_from_slice(&(r.next() as u16).to_be_bytes());
    uli.extend_from_slice(&(r.next() as u16).to_be_bytes());
    tlv(&mut q, 152, &uli);
    tlv(&mut q, 154, &tbcd(&imeisv));
    c.dgram(C, &gtp(16, 0, seq, &q), 0);

    let mut a = Vec::new();
    if r.pct(5) {
        tv(&mut a, 1, &[*r.pick(&[199u8, 209, 211])]);
        c.dgram(S, &gtp(17, teid_c, seq, &a), r.range(1_000, 100_000));
        return vec![c];
    }
    let (gteid_u, gteid_c) = (r.next() as u32 | 1, r.next() as u32 | 1);
    w.lease += 1;
    let ue = [100, 96 + ((w.lease >> 16) & 31) as u8, (w.lease >> 8) as u8, w.lease as u8];
    tv(&mut a, 1, &[128]);
    tv(&mut a, 8, &[0]);
    tv(&mut a, 14, &[r.next() as u8]);
    tv(&mut a, 16, &gteid_u.to_be_bytes());
    tv(&mut a, 17, &gteid_c.to_be_bytes());
    tv(&mut a, 127, &(r.next() as u32).to_be_bytes());
    let mut eua = vec![0xf1, 0x21];
    eua.extend_from_slice(&ue);
    tlv(&mut a, 128, &eua);
    tlv(&mut a, 133, &as_v4(&ggsn));
    tlv(&mut a, 133, &as_v4(&ggsn));
    tlv(&mut a, 135, &qos);
    c.dgram(S, &gtp(17, teid_c, seq, &a), r.range(1_000, 100_000));

    // The session ends: Delete PDP Context (§7.3.5, 7.3.6).
    let seq2 = seq.wrapping_add(1);
    let mut d = Vec::new();
    tv(&mut d, 19, &[0xff]);
    tv(&mut d, 20, &[5]);
    c.dgram(C, &gtp(20, gteid_c, seq2, &d), r.range(1_000_000, 30_000_000));
    let mut dr = Vec::new();
    tv(&mut dr, 1, &[128]);
    c.dgram(S, &gtp(21, teid_c, seq2, &dr), r.range(1_000, 50_000));
    vec![c]
}

// ---------------------------------------------------------------------------
// Output

struct Pending {
    ts: u64,
    seq: u64,
    frame: Vec<u8>,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        (self.ts, self.seq) == (o.ts, o.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.ts, self.seq).cmp(&(o.ts, o.seq))
    }
}

struct Pcap {
    w: BufWriter<File>,
    last: Option<u64>,
    packets: u64,
    bytes: u64,
}

impl Pcap {
    fn create(path: &PathBuf) -> Result<Pcap> {
        let f = File::create(path).with_context(|| format!("create {}", path.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        w.write_all(&0xa1b2_c3d4u32.to_le_bytes())?;
        w.write_all(&2u16.to_le_bytes())?;
        w.write_all(&4u16.to_le_bytes())?;
        w.write_all(&0i32.to_le_bytes())?;
        w.write_all(&0u32.to_le_bytes())?;
        w.write_all(&SNAPLEN.to_le_bytes())?;
        w.write_all(&1u32.to_le_bytes())?;
        Ok(Pcap { w, last: None, packets: 0, bytes: 0 })
    }

    fn write(&mut self, ts: u64, frame: &[u8]) -> Result<()> {
        let ts = match self.last {
            Some(l) if ts <= l => l + 1,
            _ => ts,
        };
        self.last = Some(ts);
        let abs = EPOCH_S * 1_000_000 + ts;
        let len = frame.len() as u32;
        self.w.write_all(&((abs / 1_000_000) as u32).to_le_bytes())?;
        self.w.write_all(&((abs % 1_000_000) as u32).to_le_bytes())?;
        self.w.write_all(&len.to_le_bytes())?;
        self.w.write_all(&len.to_le_bytes())?;
        self.w.write_all(frame)?;
        self.packets += 1;
        self.bytes += 16 + u64::from(len);
        Ok(())
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let mut out = Pcap::create(&args.out)?;
    for k in &args.only {
        if !KINDS.iter().any(|i| i.weight > 0 && i.name == k.as_str()) {
            bail!("--only: unknown kind {k:?}");
        }
    }
    let weights: Vec<u64> =
        KINDS.iter().map(|k| if args.only.is_empty() || args.only.iter().any(|o| o == k.name) { k.weight } else { 0 }).collect();
    let mut w = World::new(args.seed, args.flows, args.ipv6_percent, &weights);
    let mut arrivals = Rng::new(args.seed ^ 0xa771_7a15);
    let total_weight: u64 = weights.iter().sum();
    let mean_gap = 1_000_000 / args.rate;
    let mut heap: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut flows = 0u64;
    let mut sessions = 0u64;
    let mut t = 0u64;
    let mut peak_pending = 0usize;
    while flows < args.flows {
        // Everything before this session's start can be written out.
        while heap.peek().is_some_and(|p| p.0.ts < t) {
            let Some(Reverse(p)) = heap.pop() else { break };
            out.write(p.ts, &p.frame)?;
        }
        let mut r = Rng::new(args.seed.wrapping_add(sessions.wrapping_mul(0xD1B5_4A32_D192_ED03)));
        sessions += 1;
        let mut pick = r.below(total_weight);
        let info = KINDS
            .iter()
            .zip(&weights)
            .find(|(_, &wt)| {
                if pick < wt {
                    true
                } else {
                    pick -= wt;
                    false
                }
            })
            .map_or(&KINDS[0], |(k, _)| k);
        let v6 = info.v6 && r.below(w.v6_den) < w.v6_num;
        let convs = match info.kind {
            Kind::Dns => dns_session(&mut w, &mut r, t, v6),
            Kind::Http => http_session(&mut w, &mut r, t, v6),
            Kind::Bulk => bulk_session(&mut w, &mut r, t, v6),
            Kind::Noise => noise_session(&mut w, &mut r, t, v6),
            Kind::Sip => sip_session(&mut w, &mut r, t, v6),
            Kind::Smtp => smtp_session(&mut w, &mut r, t, v6),
            Kind::Pop3 => pop3_session(&mut w, &mut r, t, v6),
            Kind::Imap => imap_session(&mut w, &mut r, t, v6),
            Kind::Ftp | Kind::FtpData => ftp_session(&mut w, &mut r, t),
            Kind::Radius => radius_session(&mut w, &mut r, t),
            Kind::Dhcp => dhcp_session(&mut w, &mut r, t),
            Kind::Gtp => gtp_session(&mut w, &mut r, t),
        };
        let ki = kind_index(info.kind);
        w.stats[ki].sessions += 1;
        for (n, conv) in convs.into_iter().enumerate() {
            // FTP's second conversation is its data connection; a DORA's
            // first is the shared broadcast flow, counted once at the end.
            let k = if info.kind == Kind::Ftp && n == 1 { kind_index(Kind::FtpData) } else { ki };
            let shared = info.kind == Kind::Dhcp && conv.e.ip[S] == v4([255; 4]);
            let st = &mut w.stats[k];
            if !shared {
                st.flows += 1;
                st.v6_flows += u64::from(conv.e.v6);
                flows += 1;
            }
            for (ts, frame) in conv.pkts {
                st.packets += 1;
                st.bytes += frame.len() as u64;
                heap.push(Reverse(Pending { ts, seq, frame }));
                seq += 1;
            }
        }
        peak_pending = peak_pending.max(heap.len());
        t += arrivals.range(0, 2 * mean_gap);
    }
    while let Some(Reverse(p)) = heap.pop() {
        out.write(p.ts, &p.frame)?;
    }
    out.w.flush()?;
    if w.broadcast_used {
        let d = kind_index(Kind::Dhcp);
        w.stats[d].flows += 1;
        flows += 1;
    }

    if !args.quiet {
        println!("{:<10} {:>5} {:>9} {:>9} {:>8} {:>10} {:>14}", "kind", "l7", "sessions", "flows", "v6flows", "packets", "bytes");
        for (k, st) in KINDS.iter().zip(&w.stats) {
            println!(
                "{:<10} {:>5} {:>9} {:>9} {:>8} {:>10} {:>14}",
                k.name, k.l7, st.sessions, st.flows, st.v6_flows, st.packets, st.bytes
            );
        }
    }
    let v6: u64 = w.stats.iter().map(|s| s.v6_flows).sum();
    let dur = out.last.unwrap_or(0);
    println!(
        "total: {} packets, {flows} flows ({v6} IPv6), {sessions} sessions, {} bytes, {}.{:06} s of traffic; peak {peak_pending} packets pending; written in {:.2} s",
        out.packets,
        out.bytes + 24,
        dur / 1_000_000,
        dur % 1_000_000,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
