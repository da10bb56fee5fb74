//! FTP control-line parsing (RFC 959; EPRT/EPSV RFC 2428; FEAT RFC 2389;
//! AUTH TLS RFC 4217), zero-copy over one line: commands, reply lines, and
//! the data-channel addresses of PORT, EPRT, and the 227 and 229 replies.

use std::net::{IpAddr, Ipv4Addr};

use crate::dissect::lines;
pub use crate::dissect::lines::{reply, Reply};

/// `h1,h2,h3,h4,p1,p2` (PORT argument, 227 reply), each 0..=255, at the
/// start of `s`; spaces around the commas are tolerated.
pub fn six(s: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let mut v = [0u8; 6];
    let mut parts = s.split(|&b| b == b',');
    for (i, slot) in v.iter_mut().enumerate() {
        let p = parts.next()?;
        let p = trim(p);
        // The last number may be followed by text: "...,221,90)." or "...,82,9".
        let digits = if i == 5 { p.get(..p.iter().position(|b| !b.is_ascii_digit()).unwrap_or(p.len()))? } else { p };
        if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *slot = std::str::from_utf8(digits).ok()?.parse().ok()?;
    }
    Some((Ipv4Addr::new(v[0], v[1], v[2], v[3]), (u16::from(v[4]) << 8) | u16::from(v[5])))
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b' ').map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or_default()
}

/// The address and port of a 227 reply's text: the first run of six
/// numbers, wherever it is ("Entering Passive Mode (h1,...,p2)", or "=h1,..."
/// without parentheses).
pub fn pasv(text: &[u8]) -> Option<(Ipv4Addr, u16)> {
    (0..text.len())
        .filter(|&i| text.get(i).is_some_and(u8::is_ascii_digit) && (i == 0 || !text.get(i - 1).is_some_and(u8::is_ascii_digit)))
        .find_map(|i| six(text.get(i..)?))
}

/// The port of a 229 reply's text: `(<d><d><d>port<d>)`, `d` usually `|`.
pub fn epsv(text: &[u8]) -> Option<u16> {
    let open = text.iter().position(|&b| b == b'(')?;
    let inner = text.get(open + 1..)?;
    let d = *inner.first()?;
    if inner.get(1) != Some(&d) || inner.get(2) != Some(&d) || d.is_ascii_digit() {
        return None;
    }
    let rest = inner.get(3..)?;
    let port = rest.get(..rest.iter().position(|&b| b == d)?)?;
    std::str::from_utf8(port).ok()?.parse().ok()
}

/// EPRT's argument `<d>af<d>addr<d>port<d>` (af 1: IPv4, 2: IPv6).
pub fn eprt(arg: &[u8]) -> Option<(IpAddr, u16)> {
    let d = *arg.first()?;
    let mut f = arg.get(1..)?.split(|&b| b == d);
    let (af, addr, port) = (f.next()?, f.next()?, f.next()?);
    let addr = std::str::from_utf8(addr).ok()?;
    let addr: IpAddr = match af {
        b"1" => IpAddr::V4(addr.parse().ok()?),
        b"2" => IpAddr::V6(addr.parse().ok()?),
        _ => return None,
    };
    Some((addr, std::str::from_utf8(port).ok()?.parse().ok()?))
}

/// The transfer commands: their replies are 1xx, then 226/250 or an error.
const TRANSFER: [&str; 7] = ["RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD"];

/// Whether reply `code` can answer command `verb` (RFC 959 5.4, RFC 2428,
/// RFC 3659): errors (4xx, 5xx) answer anything; commands with a reply of
/// their own (PASV 227, QUIT 221, PWD 257, ...) take only that; the others
/// take anything but those. Used to put replies back on their commands
/// after a loss, as Zeek's FTP analyzer does with its `cmd_reply_code` table.
pub fn fits(verb: &str, code: u16) -> bool {
    if code >= 400 {
        return true;
    }
    let own: &[u16] = match verb {
        "PASV" => &[227],
        "EPSV" => &[229, 200],
        "LPSV" => &[228],
        "USER" => &[230, 232, 331, 332],
        "PASS" => &[230, 202, 332],
        "QUIT" => &[221],
        "PWD" | "XPWD" => &[257],
        "MKD" | "XMKD" => &[257, 250],
        "SYST" => &[215],
        "TYPE" | "PORT" | "EPRT" | "LPRT" | "MODE" | "STRU" => &[200],
        "CWD" | "XCWD" => &[250],
        "CDUP" | "XCUP" => &[250, 200],
        "REST" | "RNFR" => &[350],
        "SIZE" | "MDTM" => &[213],
        v if TRANSFER.contains(&v) => &[110, 125, 150, 225, 226, 250],
        _ => return !matches!(code, 215 | 221 | 227 | 228 | 229 | 230 | 331 | 332),
    };
    own.contains(&code)
}

/// Commands only FTP has: a first line starting with one is FTP on any port.
const FTP_ONLY: [&str; 33] = [
    "SYST", "FEAT", "PASV", "EPSV", "PORT", "EPRT", "TYPE", "CWD", "XCWD", "CDUP", "PWD", "XPWD", "MKD", "RMD", "STOR", "STOU", "APPE", "NLST", "SIZE", "MDTM",
    "OPTS", "CLNT", "MLSD", "MLST", "PBSZ", "PROT", "RNFR", "RNTO", "REST", "SITE", "ACCT", "ALLO", "ABOR",
];
/// Commands FTP shares with POP3 or SMTP: FTP only on its port.
const FTP_SHARED: [&str; 10] = ["USER", "PASS", "LIST", "RETR", "DELE", "NOOP", "STAT", "HELP", "QUIT", "AUTH"];
/// Reply codes only FTP sends (RFC 959 4.2.2): a server's first line with
/// one is FTP on any port.
const FTP_ONLY_CODES: [u16; 6] = [150, 226, 227, 229, 331, 332];

/// How a first line looks: `Some(true)` only FTP sends it, `Some(false)`
/// FTP among others, `None` not FTP.
pub fn opening(line: &[u8]) -> Option<bool> {
    if let Some(r) = reply(line) {
        return Some(FTP_ONLY_CODES.contains(&r.code));
    }
    let (verb, _) = lines::verb(line);
    if FTP_ONLY.contains(&verb.as_str()) {
        Some(true)
    } else if FTP_SHARED.contains(&verb.as_str()) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ftp/zeek_ftp-ipv4.pcap` frames 20 and 57, `ftp/ndpi_ftp.pcap` frame 35
    /// (a dot after the parenthesis), `mixed/zeek_ftp-cwd-navigation.pcap`
    /// (a 227 that announces another address than the server's).
    #[test]
    fn port_and_pasv() {
        assert_eq!(pasv(b"Entering Passive Mode (199,233,217,249,221,90)"), Some(("199.233.217.249".parse().unwrap(), 56666)));
        assert_eq!(six(b"141,142,220,235,131,46"), Some(("141.142.220.235".parse().unwrap(), 33582)));
        assert_eq!(pasv(b"Entering Passive Mode (90,130,70,73,100,85)."), Some(("90.130.70.73".parse().unwrap(), 25685)));
        assert_eq!(pasv(b"Entering Passive Mode (205,167,25,101,243,251)."), Some(("205.167.25.101".parse().unwrap(), 62459)));
        assert_eq!(pasv(b"Entering Passive Mode =172,23,0,2,82,9"), Some(("172.23.0.2".parse().unwrap(), 21001)));
        assert_eq!(pasv(b"Entering Passive Mode (1,2,3,4,5)"), None);
        assert_eq!(pasv(b"(256,1,1,1,1,1)"), None);
        assert_eq!(six(b"1, 2, 3, 4, 0, 21"), Some(("1.2.3.4".parse().unwrap(), 21)));
    }

    /// `ftp/zeek_ftp-ipv6.pcap` frames 28 and 90.
    #[test]
    fn epsv_and_eprt() {
        assert_eq!(epsv(b"Entering Extended Passive Mode (|||57086|)"), Some(57086));
        assert_eq!(eprt(b"|2|2001:470:1f11:81f:c999:d94:aa7c:2e3e|49189|"), Some(("2001:470:1f11:81f:c999:d94:aa7c:2e3e".parse().unwrap(), 49189)));
        assert_eq!(eprt(b"|1|132.235.1.2|6275|"), Some(("132.235.1.2".parse().unwrap(), 6275)));
        assert_eq!(epsv(b"Entering Extended Passive Mode (!!!6446!)"), Some(6446));
        assert_eq!(epsv(b"(|||99999|)"), None);
        assert_eq!(eprt(b"|3|x|1|"), None);
        assert_eq!(eprt(b""), None);
    }

    /// `ftp/ndpi_ftp.pcap` frames 4, 6, 19 and 20 (a FEAT list line).
    #[test]
    fn lines() {
        assert_eq!(reply(b"220 (vsFTPd 3.0.3)"), Some(Reply { code: 220, last: true }));
        assert_eq!(reply(b"211-Features:"), Some(Reply { code: 211, last: false }));
        assert_eq!(reply(b" EPRT"), None);
        assert_eq!(opening(b"USER anonymous"), Some(false));
        assert_eq!(opening(b"SYST"), Some(true));
        assert_eq!(opening(b"331 Please specify the password."), Some(true));
        assert_eq!(opening(b"250 ok"), Some(false));
        assert_eq!(opening(b"EHLO x"), None);
    }

    /// `mixed/zeek_ftp-cwd-navigation.pcap` frames 703-725: the replies to
    /// RETR, CWD, TYPE and PASV, and which commands they can answer.
    #[test]
    fn reply_fits() {
        assert!(fits("RETR", 226) && fits("RETR", 150) && fits("CWD", 250) && fits("TYPE", 200) && fits("PASV", 227));
        assert!(!fits("CWD", 226) && !fits("CWD", 227) && !fits("TYPE", 250) && !fits("PASV", 200) && !fits("RETR", 227));
        assert!(fits("CWD", 550) && fits("PASV", 421));
        assert!(fits("NOOP", 200) && fits("FEAT", 211) && !fits("NOOP", 227) && !fits("HELP", 221));
    }
}
