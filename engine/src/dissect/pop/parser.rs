//! POP3 line parsing (RFC 1939; CAPA and multi-line rules RFC 2449, AUTH
//! RFC 5034, STLS RFC 2595), zero-copy over one line.

use crate::dissect::lines;
use crate::dissect::sasl::Mech;

/// A server status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Err,
    /// `+ ` SASL continuation (RFC 5034).
    Cont,
}

/// Parses `+OK ...`, `-ERR ...` or `+ ...` / `+` (any case for OK/ERR).
pub fn status(line: &[u8]) -> Option<Status> {
    let word = line.split(|&b| b == b' ').next().unwrap_or_default();
    if word.eq_ignore_ascii_case(b"+OK") {
        Some(Status::Ok)
    } else if word.eq_ignore_ascii_case(b"-ERR") {
        Some(Status::Err)
    } else if word == b"+" {
        Some(Status::Cont)
    } else {
        None
    }
}

/// A client command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    User(&'a [u8]),
    Pass,
    /// APOP with its user name (the digest is not kept).
    Apop(&'a [u8]),
    /// AUTH with its mechanism (none: the server lists them) and initial response.
    Auth(Option<Mech>, Option<&'a [u8]>),
    Stls,
    /// Any other command: verb (upper-cased), argument, and whether its
    /// positive reply is multi-line (RFC 1939 / RFC 2449).
    Other(String, &'a [u8], bool),
}

pub fn command(line: &[u8]) -> Command<'_> {
    let (verb, arg) = lines::verb(line);
    let first = arg.split(|&b| b == b' ').next().unwrap_or_default();
    match verb.as_str() {
        "USER" => Command::User(arg),
        "PASS" => Command::Pass,
        "APOP" => Command::Apop(first),
        "AUTH" => {
            let mut w = arg.split(|&b| b == b' ').filter(|w| !w.is_empty());
            Command::Auth(w.next().map(Mech::parse), w.next())
        }
        "STLS" => Command::Stls,
        // LIST and UIDL answer with a list without an argument, one line with one.
        "LIST" | "UIDL" => Command::Other(verb, arg, arg.is_empty()),
        "RETR" | "TOP" | "CAPA" => Command::Other(verb, arg, true),
        _ => Command::Other(verb, arg, false),
    }
}

/// Commands only POP3 has: a first line starting with one is POP3 on any port.
const POP_ONLY: [&str; 5] = ["CAPA", "APOP", "STLS", "UIDL", "TOP"];
/// Commands POP3 shares with FTP or SMTP: POP3 only on its port.
const POP_SHARED: [&str; 10] = ["USER", "PASS", "AUTH", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT"];

/// How a client's first line looks: `Some(true)` only POP3 sends it,
/// `Some(false)` POP3 among others, `None` not POP3.
pub fn opening(line: &[u8]) -> Option<bool> {
    let (verb, _) = lines::verb(line);
    if POP_ONLY.contains(&verb.as_str()) {
        Some(true)
    } else if POP_SHARED.contains(&verb.as_str()) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pop3/ndpi_pop3.pcap` frames 4, 6, 10, 13, 14 and 19 (lower-case commands).
    #[test]
    fn ndpi_pop3_lines() {
        assert_eq!(status(b"+OK POP server ready H migmxus005"), Some(Status::Ok));
        assert_eq!(command(b"user cicciopernacchio@mail.com"), Command::User(b"cicciopernacchio@mail.com"));
        assert_eq!(command(b"pass pippozzo"), Command::Pass);
        assert_eq!(command(b"list"), Command::Other("LIST".into(), b"", true));
        assert_eq!(status(b"+OK"), Some(Status::Ok));
        assert_eq!(status(b"1 16196"), None);
        assert_eq!(command(b"retr 2"), Command::Other("RETR".into(), b"2", true));
        assert_eq!(command(b"LIST 1"), Command::Other("LIST".into(), b"1", false));
    }

    /// `pop3/suricata_pop3-auth-01.pcap` frames 4, 8, 10; `pop3/zeek_pop3.pcap`
    /// frames 30 and 32 (AUTH without argument, -ERR).
    #[test]
    fn auth_lines() {
        assert_eq!(command(b"CAPA"), Command::Other("CAPA".into(), b"", true));
        assert_eq!(command(b"AUTH XOAUTH2"), Command::Auth(Some(Mech::XOauth2), None));
        assert_eq!(status(b"+ "), Some(Status::Cont));
        assert_eq!(command(b"AUTH"), Command::Auth(None, None));
        assert_eq!(status(b"-ERR 1 argument required"), Some(Status::Err));
        assert_eq!(command(b"APOP mrose c4c9334bac560ecc979e58001b3e22fb"), Command::Apop(b"mrose"));
        assert_eq!(command(b"AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q="), Command::Auth(Some(Mech::Plain), Some(&b"dGVzdAB0ZXN0AHRlc3Q="[..])));
    }

    #[test]
    fn openings() {
        assert_eq!(opening(b"CAPA"), Some(true));
        assert_eq!(opening(b"USER anonymous"), Some(false));
        assert_eq!(opening(b"EHLO x"), None);
        assert_eq!(opening(b"a001 CAPABILITY"), None);
    }
}
