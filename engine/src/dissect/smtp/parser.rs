//! SMTP line parsing (RFC 5321; AUTH RFC 4954, BDAT RFC 3030, STARTTLS
//! RFC 3207), zero-copy over one line: client commands with their
//! arguments, server reply codes. Anything unexpected is `Other`, never an
//! error.

use crate::dissect::lines;
use crate::dissect::sasl::Mech;

/// A client command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    /// EHLO or HELO with its domain.
    Helo(&'a [u8]),
    /// MAIL FROM: the reverse path without `<>` (empty for the null sender).
    Mail(&'a [u8]),
    /// RCPT TO: the forward path without `<>`.
    Rcpt(&'a [u8]),
    Data,
    /// BDAT with its chunk size and LAST flag; `None` when the size is not a number.
    Bdat(Option<u64>, bool),
    /// AUTH with its mechanism and initial response, if any (`=` is an empty one).
    Auth(Mech, Option<&'a [u8]>),
    StartTls,
    Rset,
    Quit,
    /// Any other command: its verb, upper-cased.
    Other(String),
}

pub use crate::dissect::lines::{reply, Reply};

/// The mailbox of a `FROM:<path> params` / `TO:<path> params` argument
/// (`prefix` is `FROM:` or `TO:`, any case, spaces allowed after the colon):
/// the text inside `<>` with a source route (`@a,@b:`) dropped, or the
/// first word when a sloppy client left the brackets out.
pub fn path<'a>(arg: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg.get(prefix.len()..)?;
    let rest = rest.get(rest.iter().position(|&b| b != b' ').unwrap_or(rest.len())..)?;
    let p = match rest.strip_prefix(b"<") {
        Some(r) => r.get(..r.iter().position(|&b| b == b'>').unwrap_or(r.len()))?,
        None => rest.get(..rest.iter().position(|&b| b == b' ').unwrap_or(rest.len()))?,
    };
    // RFC 5321 4.1.2: "<@a,@b:user@d>" -> "user@d".
    Some(match (p.first(), p.iter().position(|&b| b == b':')) {
        (Some(b'@'), Some(c)) => p.get(c + 1..)?,
        _ => p,
    })
}

/// Parses a client command line.
pub fn command(line: &[u8]) -> Command<'_> {
    let (verb, arg) = lines::verb(line);
    match verb.as_str() {
        "EHLO" | "HELO" => Command::Helo(arg.split(|&b| b == b' ').next().unwrap_or_default()),
        "MAIL" => path(arg, b"FROM:").map_or(Command::Other(verb), Command::Mail),
        "RCPT" => path(arg, b"TO:").map_or(Command::Other(verb), Command::Rcpt),
        "DATA" if arg.is_empty() => Command::Data,
        "BDAT" => {
            let mut w = arg.split(|&b| b == b' ').filter(|w| !w.is_empty());
            let size = w.next().and_then(|s| std::str::from_utf8(s).ok()).and_then(|s| s.parse().ok());
            let last = w.next().is_some_and(|l| l.eq_ignore_ascii_case(b"LAST"));
            Command::Bdat(size, last)
        }
        "AUTH" => {
            let mut w = arg.split(|&b| b == b' ').filter(|w| !w.is_empty());
            let mech = Mech::parse(w.next().unwrap_or_default());
            Command::Auth(mech, w.next())
        }
        "STARTTLS" => Command::StartTls,
        "RSET" => Command::Rset,
        "QUIT" => Command::Quit,
        _ => Command::Other(verb),
    }
}

/// True when a client's first line is an SMTP command that only SMTP has
/// (EHLO, HELO, MAIL FROM:, RCPT TO:).
pub fn is_smtp_opening(line: &[u8]) -> bool {
    matches!(command(line), Command::Helo(h) if !h.is_empty()) || matches!(command(line), Command::Mail(_) | Command::Rcpt(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `smtp/zeek_smtp.pcap` frames 7, 10, 16, 18 and 20 (client).
    #[test]
    fn zeek_smtp_commands() {
        assert_eq!(command(b"EHLO GP"), Command::Helo(b"GP"));
        assert_eq!(command(b"AUTH LOGIN"), Command::Auth(Mech::Login, None));
        assert_eq!(command(b"MAIL FROM: <gurpartap@patriots.in>"), Command::Mail(b"gurpartap@patriots.in"));
        assert_eq!(command(b"RCPT TO: <raj_deol2002in@yahoo.co.in>"), Command::Rcpt(b"raj_deol2002in@yahoo.co.in"));
        assert_eq!(command(b"DATA"), Command::Data);
        assert!(is_smtp_opening(b"EHLO GP"));
        assert!(!is_smtp_opening(b"USER anonymous"));
    }

    /// `smtp/ndpi_smtp.pcap` frames 11 and 13 (`From:` in mixed case),
    /// `smtp/zeek_smtp-rfc3030-bdat-example1.pcap` frames 10 and 16.
    #[test]
    fn paths_and_bdat() {
        assert_eq!(command(b"MAIL From:<coreys@delta.peach.mil>"), Command::Mail(b"coreys@delta.peach.mil"));
        assert_eq!(command(b"RCPT To:<camronm@pigeon.eyrie.af.mil>"), Command::Rcpt(b"camronm@pigeon.eyrie.af.mil"));
        assert_eq!(command(b"MAIL FROM:<zeek@localhost>"), Command::Mail(b"zeek@localhost"));
        assert_eq!(command(b"BDAT 86 LAST"), Command::Bdat(Some(86), true));
        assert_eq!(command(b"BDAT 1000"), Command::Bdat(Some(1000), false));
        assert_eq!(command(b"BDAT x"), Command::Bdat(None, false));
        // The null sender, parameters, source routes, no brackets.
        assert_eq!(command(b"MAIL FROM:<> SIZE=100"), Command::Mail(b""));
        assert_eq!(command(b"MAIL FROM:<a@b> BODY=8BITMIME"), Command::Mail(b"a@b"));
        assert_eq!(command(b"RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>"), Command::Rcpt(b"userc@d.bar.org"));
        assert_eq!(command(b"RCPT TO:bob@x NOTIFY=NEVER"), Command::Rcpt(b"bob@x"));
        assert_eq!(command(b"MAIL TO:<x>"), Command::Other("MAIL".into()));
        assert_eq!(command(b"MAIL"), Command::Other("MAIL".into()));
    }

    /// `smtp/zeek_smtp.pcap` frame 6 (multi-line banner) and frame 11 (334).
    #[test]
    fn replies() {
        assert_eq!(reply(b"220-xc90.websitewelcome.com ESMTP Exim 4.69"), Some(Reply { code: 220, last: false }));
        assert_eq!(reply(b"220 and/or bulk e-mail."), Some(Reply { code: 220, last: true }));
        assert_eq!(reply(b"334 VXNlcm5hbWU6"), Some(Reply { code: 334, last: true }));
        assert_eq!(reply(b"250"), Some(Reply { code: 250, last: true }));
        assert_eq!(reply(b"25"), None);
        assert_eq!(reply(b"2500"), None);
        assert_eq!(reply(b"abc def"), None);
    }
}
