//! Line handling shared by the text protocols (SMTP RFC 5321, POP3 RFC 1939,
//! IMAP RFC 9051, FTP RFC 959): splitting the in-order chunks of a TCP stream
//! into lines, wherever the chunks were cut, and the greeting classifier that
//! tells an SMTP `220` banner from an FTP one.
//!
//! A line ends at LF; a CR before it is dropped, so CRLF and bare-LF peers
//! both work. Between lines a dissector may ask for raw bytes instead: a
//! number of bytes to skip unseen (an SMTP BDAT chunk, an IMAP message
//! literal) or to take whole (a short IMAP literal such as a LOGIN name).
//!
//! Limits: a line is at most the `max` given to [`Lines::new`] bytes. A
//! longer one is delivered cut at `max`, its rest is discarded up to its end
//! and counted ([`Lines::overlong`], [`Lines::dropped`]): the buffer never
//! holds more than `max` bytes, whatever the peer sends.

/// What the dissector wants after a line or literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// Go on with lines.
    Line,
    /// Discard the next `n` bytes unseen, then go on with lines.
    Skip(u64),
    /// Deliver the next `n` bytes as one [`Piece::Literal`]. More than the
    /// line bound is skipped instead (and counted as dropped).
    Take(usize),
}

/// One unit handed to the dissector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A line without its CRLF/LF. A line cut at the bound is delivered
    /// once, with its first `max` bytes; the answer to it is ignored (its
    /// rest is discarded up to its end).
    Line(&'a [u8]),
    /// The bytes asked for with [`Then::Take`].
    Literal(&'a [u8]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Lines,
    /// Inside an over-long line: discard up to its LF.
    Dropping,
    Skip(u64),
    Take(usize),
}

/// Line splitter for one direction of a stream.
#[derive(Debug)]
pub struct Lines {
    max: usize,
    buf: Vec<u8>,
    mode: Mode,
    /// Lines longer than the bound.
    pub overlong: u64,
    /// Bytes discarded because of the bound (tails of over-long lines,
    /// literals too big to take).
    pub dropped: u64,
}

fn strip_cr(l: &[u8]) -> &[u8] {
    l.strip_suffix(b"\r").unwrap_or(l)
}

impl Lines {
    /// A splitter that keeps lines of at most `max` bytes (without CRLF).
    pub fn new(max: usize) -> Lines {
        Lines { max, buf: Vec::new(), mode: Mode::Lines, overlong: 0, dropped: 0 }
    }

    fn then(&mut self, t: Then) {
        self.mode = match t {
            Then::Line | Then::Skip(0) | Then::Take(0) => Mode::Lines,
            Then::Skip(n) => Mode::Skip(n),
            Then::Take(n) if n > self.max => {
                self.dropped += n as u64;
                Mode::Skip(n as u64)
            }
            Then::Take(n) => Mode::Take(n),
        };
    }

    /// Feeds one in-order chunk; `f` gets every complete line or literal.
    pub fn feed(&mut self, mut data: &[u8], f: &mut dyn FnMut(Piece<'_>) -> Then) {
        while !data.is_empty() {
            match self.mode {
                Mode::Skip(n) => {
                    let k = n.min(data.len() as u64);
                    data = data.get(k as usize..).unwrap_or_default();
                    self.mode = if n == k { Mode::Lines } else { Mode::Skip(n - k) };
                }
                Mode::Take(n) => {
                    let k = n.saturating_sub(self.buf.len()).min(data.len());
                    self.buf.extend_from_slice(data.get(..k).unwrap_or_default());
                    data = data.get(k..).unwrap_or_default();
                    if self.buf.len() >= n {
                        let t = f(Piece::Literal(&self.buf));
                        self.buf.clear();
                        self.then(t);
                    }
                }
                Mode::Dropping => match data.iter().position(|&b| b == b'\n') {
                    Some(p) => {
                        let cr = p > 0 && data.get(p - 1) == Some(&b'\r');
                        self.dropped += (p - usize::from(cr)) as u64;
                        data = data.get(p + 1..).unwrap_or_default();
                        self.mode = Mode::Lines;
                    }
                    None => {
                        self.dropped += data.len() as u64;
                        return;
                    }
                },
                Mode::Lines => {
                    let lf = data.iter().position(|&b| b == b'\n');
                    let part = match lf {
                        Some(p) => data.get(..p).unwrap_or_default(),
                        None => data,
                    };
                    // The line so far; a last CR (the end of CRLF, maybe) is not counted.
                    let len = self.buf.len() + part.len();
                    let body_len = if part.last().or(self.buf.last()) == Some(&b'\r') { len - 1 } else { len };
                    if body_len > self.max {
                        // Deliver the first `max` bytes once; discard the rest.
                        let room = self.max.saturating_sub(self.buf.len());
                        self.buf.extend_from_slice(part.get(..room).unwrap_or(part));
                        self.overlong += 1;
                        self.dropped += (body_len - self.max) as u64;
                        let _ = f(Piece::Line(&self.buf));
                        self.buf.clear();
                        match lf {
                            Some(p) => {
                                data = data.get(p + 1..).unwrap_or_default();
                                self.mode = Mode::Lines;
                            }
                            None => {
                                self.mode = Mode::Dropping;
                                return;
                            }
                        }
                        continue;
                    }
                    let Some(p) = lf else {
                        self.buf.extend_from_slice(part);
                        return;
                    };
                    let t = if self.buf.is_empty() {
                        f(Piece::Line(strip_cr(part)))
                    } else {
                        self.buf.extend_from_slice(part);
                        let t = f(Piece::Line(strip_cr(&self.buf)));
                        self.buf.clear();
                        t
                    };
                    data = data.get(p + 1..).unwrap_or_default();
                    self.then(t);
                }
            }
        }
    }
}

/// A reply line of SMTP (RFC 5321 4.2) or FTP (RFC 959 4.2): its code and
/// whether it is the reply's last line (`ddd text` or `ddd`, against
/// `ddd-text` for a line with more to come).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub last: bool,
}

/// Parses a reply line `ddd text`, `ddd-text` or `ddd`.
pub fn reply(line: &[u8]) -> Option<Reply> {
    let d = line.get(..3)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code = d.iter().fold(0u16, |a, &c| a * 10 + u16::from(c - b'0'));
    let last = match line.get(3) {
        None | Some(b' ') => true,
        Some(b'-') => false,
        _ => return None,
    };
    Some(Reply { code, last })
}

/// What a `220` greeting names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Greeting {
    /// Not a `220` greeting line at all.
    NotGreeting,
    Smtp,
    Ftp,
    /// A `220` greeting that names neither (or both): the port, or the
    /// client's first command, decides.
    Either,
}

/// Classifies a server's first payload: `220 ` / `220-` lines whose words
/// (host names, with dots, left out) contain `SMTP` (ESMTP, SMTP) or `FTP`
/// (FTP, vsFTPd, ProFTPD, Pure-FTPd, FileZilla).
pub fn greeting(payload: &[u8]) -> Greeting {
    let first = payload.split(|&b| b == b'\n').next().unwrap_or_default();
    if !is_reply_line(first, b"220") {
        return Greeting::NotGreeting;
    }
    let (mut smtp, mut ftp) = (false, false);
    for line in payload.split(|&b| b == b'\n').filter(|l| l.starts_with(b"220")) {
        for word in line.split(|&b| b == b' ' || b == b'\t' || b == b'\r').filter(|w| !w.contains(&b'.')) {
            let up = word.to_ascii_uppercase();
            let has = |n: &[u8]| up.windows(n.len()).any(|w| w == n);
            smtp |= has(b"SMTP");
            ftp |= has(b"FTP") || has(b"FILEZILLA");
        }
    }
    match (smtp, ftp) {
        (true, false) => Greeting::Smtp,
        (false, true) => Greeting::Ftp,
        _ => Greeting::Either,
    }
}

/// True when `line` is a printable reply line with the 3-digit `code`
/// followed by a space, a dash or the line end.
pub fn is_reply_line(line: &[u8], code: &[u8]) -> bool {
    line.starts_with(code) && matches!(line.get(3), None | Some(b' ' | b'-' | b'\r')) && is_text(line)
}

/// True when `line` is text: printable ASCII or UTF-8, tabs, a final CR.
/// Probes use it so that binary garbage on a mail port is not a greeting.
pub fn is_text(line: &[u8]) -> bool {
    let line = strip_cr(line);
    !line.is_empty() && line.iter().all(|&b| b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80) && std::str::from_utf8(line).is_ok()
}

/// True when a chunk starts a TLS handshake record (content type 22, RFC
/// 8446 5.1): after STARTTLS/STLS/AUTH TLS, the client's hello shows that
/// the server agreed even when its reply was not seen.
pub fn is_tls_handshake(data: &[u8]) -> bool {
    data.first() == Some(&0x16)
}

/// The first line of a payload (without CRLF) when it is complete and text.
pub fn first_text_line(payload: &[u8]) -> Option<&[u8]> {
    let p = payload.iter().position(|&b| b == b'\n')?;
    let l = strip_cr(payload.get(..p)?);
    is_text(l).then_some(l)
}

/// The first word of a command line, upper-cased, and the rest after the spaces that follow it.
pub fn verb(line: &[u8]) -> (String, &[u8]) {
    let (v, rest) = match line.iter().position(|&b| b == b' ') {
        Some(p) => (line.get(..p).unwrap_or_default(), line.get(p + 1..).unwrap_or_default()),
        None => (line, &[][..]),
    };
    let rest = rest.get(rest.iter().position(|&b| b != b' ').unwrap_or(rest.len())..).unwrap_or_default();
    (String::from_utf8_lossy(v).to_ascii_uppercase(), rest)
}

/// Text for a key or dump column: lossy UTF-8, cut at `max` bytes (on a
/// character boundary).
pub fn text(b: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(b);
    if s.len() <= max {
        return s.into_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(l: &mut Lines, chunks: &[&[u8]]) -> Vec<String> {
        let mut out = Vec::new();
        for c in chunks {
            l.feed(c, &mut |p| {
                match p {
                    Piece::Line(b) => out.push(String::from_utf8_lossy(b).into_owned()),
                    Piece::Literal(b) => out.push(format!("lit:{}", String::from_utf8_lossy(b))),
                }
                Then::Line
            });
        }
        out
    }

    /// `smtp/suricata_smtp-pipelining.pcap` frame 11 (client), cut anywhere:
    /// every split gives the same five lines.
    #[test]
    fn lines_survive_any_split() {
        let seg: &[u8] = b"MAIL FROM:<username@domain.com>\r\nRCPT TO:<john.doe@example.com>\r\nDATA\r\nThis is a test\r\n.\r\n";
        let want = ["MAIL FROM:<username@domain.com>", "RCPT TO:<john.doe@example.com>", "DATA", "This is a test", "."];
        for cut in 0..=seg.len() {
            let mut l = Lines::new(1000);
            assert_eq!(collect(&mut l, &[&seg[..cut], &seg[cut..]]), want, "cut at {cut}");
        }
        // Byte by byte.
        let mut l = Lines::new(1000);
        let bytes: Vec<&[u8]> = seg.chunks(1).collect();
        assert_eq!(collect(&mut l, &bytes), want);
    }

    #[test]
    fn bare_lf_and_empty_lines() {
        let mut l = Lines::new(10);
        assert_eq!(collect(&mut l, &[b"a\n\r\nb\r\n"]), ["a", "", "b"]);
    }

    #[test]
    fn overlong_lines_are_cut_counted_and_bounded() {
        let mut l = Lines::new(8);
        let big = vec![b'x'; 100_000];
        let mut chunks: Vec<&[u8]> = vec![b"ok\r\n", b"0123"];
        chunks.extend(big.chunks(1000));
        chunks.push(b"\r\nnext\r\n");
        let got = collect(&mut l, &chunks);
        assert_eq!(got, ["ok", "0123xxxx", "next"]);
        assert_eq!(l.overlong, 1);
        assert_eq!(l.dropped, 4 + 100_000 - 8);
        assert!(l.buf.capacity() <= 64);
        // A line of exactly max bytes plus CRLF is not over-long.
        let mut l = Lines::new(4);
        assert_eq!(collect(&mut l, &[b"abcd\r", b"\n"]), ["abcd"]);
        assert_eq!(l.overlong, 0);
    }

    #[test]
    fn skip_and_take() {
        let mut l = Lines::new(100);
        let mut out = Vec::new();
        // `smtp/zeek_smtp-rfc3030-bdat-example1.pcap`-like: a BDAT command, its chunk, the next command.
        let mut f = |p: Piece<'_>| match p {
            Piece::Line(b"BDAT 5") => Then::Skip(5),
            Piece::Line(b"A LOGIN {3}") => Then::Take(3),
            Piece::Line(b) | Piece::Literal(b) => {
                out.push(String::from_utf8_lossy(b).into_owned());
                Then::Line
            }
        };
        l.feed(b"BDAT 5\r\nab", &mut f);
        l.feed(b"cdeQUIT\r\nA LOGIN {3}\r\nfr", &mut f);
        l.feed(b"ed pw\r\n", &mut f);
        assert_eq!(out, ["QUIT", "fre", "d pw"]);
    }

    /// Banners: `smtp/zeek_smtp.pcap` frame 6, `ftp/ndpi_ftp.pcap` frame 4,
    /// `ftp/zeek_ftp-ipv4.pcap` frame 4, `mixed/zeek_ftp-cwd-navigation.pcap` frame 4.
    #[test]
    fn greetings() {
        assert_eq!(greeting(b"220-xc90.websitewelcome.com ESMTP Exim 4.69 #1 Mon, 05 Oct 2009 01:05:54 -0500 \r\n220-We do not authorize the use of this system to transport unsolicited, \r\n220 and/or bulk e-mail.\r\n"), Greeting::Smtp);
        assert_eq!(greeting(b"220 (vsFTPd 3.0.3)\r\n"), Greeting::Ftp);
        assert_eq!(greeting(b"220 ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.\r\n"), Greeting::Ftp);
        assert_eq!(greeting(b"220 205.167.25.101 FTP server ready\r\n"), Greeting::Ftp);
        assert_eq!(greeting(b"220 FTP Sandbox Ready.\r\n"), Greeting::Ftp);
        assert_eq!(greeting(b"220 smtp.example.com ready\r\n"), Greeting::Either);
        assert_eq!(greeting(b"220 Air-de-catena.localdomain ESMTP Postfix\r\n"), Greeting::Smtp);
        assert_eq!(greeting(b"2200 x\r\n"), Greeting::NotGreeting);
        assert_eq!(greeting(b"220 \x00\x01\r\n"), Greeting::NotGreeting);
    }
}
