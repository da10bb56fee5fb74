//! IMAP line parsing (RFC 9051, RFC 3501 for IMAP4rev1; literals `{n}`,
//! LITERAL+ `{n+}` RFC 7888, binary `~{n}` RFC 3516), zero-copy over one
//! line: tagged requests, responses and their status, the literal a line
//! announces, and astrings (atom or quoted) for LOGIN.

use std::borrow::Cow;

/// Tags longer than this are not tags: real clients use a few characters
/// (`a0001`, `C00005`); the bound keeps the probe strict.
pub const MAX_TAG: usize = 64;

/// A tag character: ASTRING-CHAR but `+` (RFC 9051 9, `tag`).
fn is_tag_char(b: u8) -> bool {
    (0x21..0x7f).contains(&b) && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b'+')
}

/// A tagged client request: tag, command (upper-cased; `UID FETCH` and
/// the like keep both words) and the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub tag: &'a [u8],
    pub cmd: String,
    pub args: &'a [u8],
}

fn word(b: &[u8]) -> (&[u8], &[u8]) {
    match b.iter().position(|&c| c == b' ') {
        Some(p) => (b.get(..p).unwrap_or_default(), b.get(p + 1..).unwrap_or_default()),
        None => (b, &[]),
    }
}

fn atom_cmd(w: &[u8]) -> Option<String> {
    (!w.is_empty() && w.len() <= 32 && w.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')).then(|| String::from_utf8_lossy(w).to_ascii_uppercase())
}

/// Parses `tag SP command [SP args]`.
pub fn request(line: &[u8]) -> Option<Request<'_>> {
    let (tag, rest) = word(line);
    if tag.is_empty() || tag.len() > MAX_TAG || !tag.iter().all(|&c| is_tag_char(c)) {
        return None;
    }
    let (cmd, mut args) = word(rest);
    let mut cmd = atom_cmd(cmd)?;
    if cmd == "UID" {
        let (sub, a) = word(args);
        cmd = format!("UID {}", atom_cmd(sub)?);
        args = a;
    }
    Some(Request { tag, cmd, args })
}

/// A tagged status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::No => "NO",
            Status::Bad => "BAD",
        }
    }
}

/// A server response line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response<'a> {
    /// `* ...` (the greeting, data, untagged status).
    Untagged(&'a [u8]),
    /// `+ ...`: the server waits for more from the client.
    Continuation,
    /// `tag OK|NO|BAD ...`: a command's completion.
    Tagged(&'a [u8], Status),
}

pub fn response(line: &[u8]) -> Option<Response<'_>> {
    let (first, rest) = word(line);
    match first {
        b"*" => Some(Response::Untagged(rest)),
        b"+" => Some(Response::Continuation),
        tag if !tag.is_empty() && tag.len() <= MAX_TAG && tag.iter().all(|&c| is_tag_char(c)) => {
            let (st, _) = word(rest);
            let st = match st.to_ascii_uppercase().as_slice() {
                b"OK" => Status::Ok,
                b"NO" => Status::No,
                b"BAD" => Status::Bad,
                _ => return None,
            };
            Some(Response::Tagged(tag, st))
        }
        _ => None,
    }
}

/// The size of the literal a line announces at its end (`{n}`, `{n+}`, `~{n}`).
pub fn literal(line: &[u8]) -> Option<u64> {
    let body = line.strip_suffix(b"}")?;
    let open = body.iter().rposition(|&b| b == b'{')?;
    let n = body.get(open + 1..)?;
    let n = n.strip_suffix(b"+").unwrap_or(n);
    if n.is_empty() || n.len() > 19 || !n.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(n).ok()?.parse().ok()
}

/// An astring at the start of `b` (an atom, or a quoted string with `\"`
/// and `\\` escapes) and the rest after it and its spaces. A literal is not
/// an astring here: its bytes come after the line.
pub fn astring(b: &[u8]) -> Option<(Cow<'_, [u8]>, &[u8])> {
    let skip = |r: &'_ [u8]| -> usize { r.iter().position(|&c| c != b' ').unwrap_or(r.len()) };
    if let Some(q) = b.strip_prefix(b"\"") {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(&c) = q.get(i) {
            match c {
                b'"' => {
                    let rest = q.get(i + 1..).unwrap_or_default();
                    return Some((Cow::Owned(out), rest.get(skip(rest)..).unwrap_or_default()));
                }
                b'\\' => {
                    out.push(*q.get(i + 1)?);
                    i += 2;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        return None;
    }
    let end = b.iter().position(|&c| c == b' ' || c == b'(' || c == b')' || c == b'{' || c == b'"').unwrap_or(b.len());
    if end == 0 {
        return None;
    }
    let rest = b.get(end..).unwrap_or_default();
    Some((Cow::Borrowed(b.get(..end)?), rest.get(skip(rest)..).unwrap_or_default()))
}

/// Commands a client opens a session with: a first line `tag CMD` with one
/// of them is IMAP on any port.
const OPENINGS: [&str; 10] = ["CAPABILITY", "LOGIN", "AUTHENTICATE", "STARTTLS", "ID", "NOOP", "LOGOUT", "SELECT", "EXAMINE", "ENABLE"];

/// True when a client's first line opens an IMAP session.
pub fn is_opening(line: &[u8]) -> bool {
    request(line).is_some_and(|r| OPENINGS.contains(&r.cmd.as_str()))
}

/// True when a server's first line is an IMAP greeting (RFC 9051 7.1:
/// `* OK`, `* PREAUTH` or `* BYE`).
pub fn is_greeting(line: &[u8]) -> bool {
    let Some(Response::Untagged(rest)) = response(line) else { return false };
    let (st, _) = word(rest);
    let st = st.split(|&c| c == b'[').next().unwrap_or_default();
    matches!(st.to_ascii_uppercase().as_slice(), b"OK" | b"PREAUTH" | b"BYE")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `imap/ndpi_imap.pcap` frames 4, 11, 12 and 29.
    #[test]
    fn ndpi_imap_lines() {
        assert!(is_greeting(b"* OK IMAP4Rev1 Server Version 4.9.04.012"));
        let r = request(b"C00001 LOGIN samir pfres").unwrap();
        assert_eq!((r.tag, r.cmd.as_str(), r.args), (&b"C00001"[..], "LOGIN", &b"samir pfres"[..]));
        assert_eq!(astring(r.args), Some((Cow::Borrowed(&b"samir"[..]), &b"pfres"[..])));
        assert_eq!(response(b"C00001 OK LOGIN completed"), Some(Response::Tagged(b"C00001", Status::Ok)));
        let r = request(b"C00005 UID FETCH 1:* (FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])").unwrap();
        assert_eq!(r.cmd, "UID FETCH");
        assert!(is_opening(b"C00000 CAPABILITY"));
    }

    /// `imap/suricata_imap-detection.pcap` frames 8, 37+38 (a literal
    /// announced at the end of a FETCH line) and 43.
    #[test]
    fn suricata_imap_lines() {
        let r = request(b"a0001 LOGIN \"neulingern\" \"XXXXXX\"").unwrap();
        let (user, rest) = astring(r.args).unwrap();
        assert_eq!((&user[..], rest), (&b"neulingern"[..], &b"\"XXXXXX\""[..]));
        assert_eq!(literal(b"* 12 FETCH (RFC822 {3339}"), Some(3339));
        assert_eq!(response(b"* 12 FETCH (RFC822 {3339}"), Some(Response::Untagged(b"12 FETCH (RFC822 {3339}")));
        assert_eq!(response(b")"), None);
        assert_eq!(response(b"a0007 OK FETCH completed."), Some(Response::Tagged(b"a0007", Status::Ok)));
        assert!(is_greeting(b"* OK Microsoft Exchange IMAP4rev1 server version 5.5.2650.23 (umr-mail02) ready"));
    }

    #[test]
    fn literals_and_quotes() {
        assert_eq!(literal(b"A001 LOGIN {11+}"), Some(11));
        assert_eq!(literal(b"A APPEND box ~{5}"), Some(5));
        assert_eq!(literal(b"A LOGIN {x}"), None);
        assert_eq!(literal(b"{}"), None);
        assert_eq!(literal(b"{99999999999999999999999}"), None);
        assert_eq!(astring(b"\"a \\\"b\\\\\" c"), Some((Cow::Owned(b"a \"b\\".to_vec()), &b"c"[..])));
        assert_eq!(astring(b"\"open"), None);
        assert_eq!(astring(b"{5}"), None);
        assert!(is_greeting(b"* PREAUTH [CAPABILITY IMAP4rev1] ready"));
        assert!(is_greeting(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot ready."));
        assert!(!is_greeting(b"* 3 EXISTS"));
        assert!(!is_opening(b"USER anonymous"));
        assert!(!is_opening(b"GET / HTTP/1.1"));
        assert!(request(b"+x LOGIN a b").is_none());
    }
}
