//! SMTP plugin (RFC 5321), with PIPELINING (RFC 2920), CHUNKING/BDAT
//! (RFC 3030), AUTH (RFC 4954) and STARTTLS (RFC 3207). Each MAIL FROM opens
//! a mail transaction; its recipients, size and the server's verdict on its
//! data are kept; the table carries the first mail plus the count, the dump
//! dir one line per mail.
//!
//! Replies are matched to commands through a queue, so a pipelined group
//! (several commands, even the message, in one segment) is followed. DATA
//! bodies are skipped line by line up to the lone `.`, BDAT chunks by their
//! announced size: message lines are never read as commands. After the 220
//! reply to STARTTLS (or a TLS record from the client after STARTTLS) the
//! rest of the flow is encrypted and not parsed.
//!
//! Limits: [`MAX_LINE`] bytes a line, [`MAX_MAILS`] mails and
//! [`MAX_RCPT`] recipients a mail kept (the rest counted),
//! [`MAX_PENDING`] commands awaiting a reply.

pub mod fields;
pub mod parser;

use std::collections::VecDeque;

use super::lines::{self, Greeting, Lines, Piece, Then};
use super::sasl::{Exchange, Login};
use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::Command;

/// Lines longer than this are cut: RFC 5321 4.5.3.1.6 allows 1000 octets
/// with the CRLF for a text line, 998 before it (commands and replies are
/// shorter).
pub const MAX_LINE: usize = 998;
/// Mails kept per flow for the dump dir (the rest are counted): a relay
/// reusing one connection for a whole queue must not grow it without bound.
pub const MAX_MAILS: usize = 256;
/// Recipients kept per mail: RFC 5321 4.5.3.1.8 makes servers take at least 100.
pub const MAX_RCPT: usize = 100;
/// Commands awaiting a reply: a pipelined group is one mail's envelope, so
/// [`MAX_RCPT`] recipients plus a few commands; beyond, the oldest are dropped.
pub const MAX_PENDING: usize = MAX_RCPT + 16;
/// Address and name columns are cut at this length (RFC 5321 4.5.3.1.3: a path is at most 256 octets).
const MAX_TEXT: usize = 256;

pub const PLUGIN: Plugin = Plugin { proto: Proto::Smtp, probe, new, fields: fields::ALL, dump_header: fields::DUMP_HEADER };

/// SMTP and submission (the port is only a hint).
const PORTS: [u16; 2] = [25, 587];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    let port = ctx.port_in(&PORTS);
    let sure = if port { Confidence::PayloadAndPort } else { Confidence::Payload };
    match lines::greeting(data) {
        Greeting::Smtp => sure,
        Greeting::Either if port => Confidence::PayloadAndPort,
        Greeting::Either | Greeting::Ftp => Confidence::No,
        Greeting::NotGreeting => match lines::first_text_line(data) {
            Some(l) if parser::is_smtp_opening(l) => sure,
            _ => Confidence::No,
        },
    }
}

fn new(_ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Smtp { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State::default() })
}

/// What a queued command awaits from the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Cmd,
    Data,
    /// The end of a mail (`.` after DATA, or BDAT LAST): the reply is the mail's verdict.
    End(Option<usize>),
    Bdat,
    Auth,
    StartTls,
}

#[derive(Clone, Debug, Default)]
struct Mail {
    ts_us: u64,
    helo: String,
    user: String,
    from: String,
    rcpt: Vec<String>,
    num_rcpt: u64,
    bytes: u64,
    code: u16,
}

#[derive(Default)]
struct State {
    helo: String,
    login: Login,
    mails: Vec<Mail>,
    count: u64,
    /// The mail being sent (index into `mails`); `None` between mails or past [`MAX_MAILS`].
    cur: Option<usize>,
    /// A transaction is open (even if not kept).
    open: bool,
    pending: VecDeque<Pending>,
    /// Inside a DATA body; true once a body line was seen.
    body: Option<bool>,
    sasl: Exchange,
    starttls: bool,
    tls: bool,
}

impl State {
    fn wait(&mut self, p: Pending) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(p);
    }

    fn open_mail(&mut self, ts_us: u64, from: String) {
        self.count += 1;
        self.open = true;
        self.cur = None;
        if self.mails.len() < MAX_MAILS {
            self.cur = Some(self.mails.len());
            self.mails.push(Mail { ts_us, helo: self.helo.clone(), user: self.login.name().to_string(), from, ..Mail::default() });
        }
    }

    fn mail(&mut self) -> Option<&mut Mail> {
        self.cur.and_then(|i| self.mails.get_mut(i))
    }

    /// Ends the open transaction; returns the mail's index for its verdict.
    fn close(&mut self) -> Option<usize> {
        self.open = false;
        self.cur.take()
    }

    fn client_line(&mut self, line: &[u8], ts_us: u64) -> Then {
        if let Some(seen) = self.body.as_mut() {
            if line == b"." {
                self.body = None;
                let m = self.close();
                self.wait(Pending::End(m));
            } else {
                *seen = true;
                if let Some(m) = self.mail() {
                    m.bytes += line.len() as u64 + 2;
                }
            }
            return Then::Line;
        }
        // After a 334 challenge the line is a SASL response.
        if let Some(user) = self.sasl.response(line) {
            if let Some(u) = user {
                self.login.sent(u);
            }
            return Then::Line;
        }
        match parser::command(line) {
            Command::Helo(h) => {
                if self.helo.is_empty() {
                    self.helo = lines::text(h, MAX_TEXT);
                }
                self.wait(Pending::Cmd);
            }
            Command::Mail(from) => {
                self.close();
                self.open_mail(ts_us, lines::text(from, MAX_TEXT));
                self.wait(Pending::Cmd);
            }
            Command::Rcpt(to) => {
                if !self.open {
                    // The MAIL FROM was before the capture (or the flow's lifetime split).
                    self.open_mail(ts_us, String::new());
                }
                if let Some(m) = self.mail() {
                    m.num_rcpt += 1;
                    if m.rcpt.len() < MAX_RCPT {
                        m.rcpt.push(lines::text(to, MAX_TEXT));
                    }
                }
                self.wait(Pending::Cmd);
            }
            Command::Data => {
                self.body = Some(false);
                self.wait(Pending::Data);
            }
            Command::Bdat(Some(size), last) => {
                if !self.open {
                    self.open_mail(ts_us, String::new());
                }
                if let Some(m) = self.mail() {
                    m.bytes += size;
                }
                if last {
                    let m = self.close();
                    self.wait(Pending::End(m));
                } else {
                    self.wait(Pending::Bdat);
                }
                return Then::Skip(size);
            }
            Command::Auth(mech, ir) => {
                self.login.begin();
                if let Some(u) = self.sasl.start(mech, ir) {
                    self.login.sent(u);
                }
                self.wait(Pending::Auth);
            }
            Command::StartTls => {
                self.starttls = true;
                self.wait(Pending::StartTls);
            }
            Command::Rset | Command::Quit => {
                self.close();
                self.wait(Pending::Cmd);
            }
            Command::Bdat(None, _) | Command::Other(_) => self.wait(Pending::Cmd),
        }
        Then::Line
    }

    fn server_line(&mut self, line: &[u8]) {
        let Some(r) = parser::reply(line) else { return };
        if !r.last {
            return;
        }
        if r.code == 334 && self.pending.front() == Some(&Pending::Auth) {
            self.sasl.challenge();
            return;
        }
        // Nothing awaited: the greeting, or a 421 shutdown.
        let Some(p) = self.pending.pop_front() else { return };
        match p {
            Pending::Data if r.code != 354 => {
                // DATA refused: the client sends no body (unless it pipelined one anyway).
                if self.body == Some(false) {
                    self.body = None;
                }
                if let Some(m) = self.mail() {
                    m.code = r.code;
                }
            }
            Pending::End(Some(i)) => {
                if let Some(m) = self.mails.get_mut(i) {
                    m.code = r.code;
                }
            }
            Pending::Auth => {
                // RFC 4954 6: 235 Authentication successful.
                if r.code == 235 {
                    self.login.accept();
                }
                self.sasl.end();
            }
            Pending::StartTls if r.code == 220 => self.tls = true,
            _ => {}
        }
    }
}

struct Smtp {
    lines: [Lines; 2],
    st: State,
}

impl Dissector for Smtp {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let st = &mut self.st;
        if st.starttls && dir == Dir::ToServer && lines::is_tls_handshake(data) {
            // A TLS handshake record: the server's 220 was not seen.
            st.tls = true;
        }
        if st.tls {
            return;
        }
        self.lines[dir as usize].feed(data, &mut |p| match p {
            _ if st.tls => Then::Skip(u64::MAX),
            Piece::Line(l) if dir == Dir::ToServer => st.client_line(l, ts_us),
            Piece::Line(l) => {
                st.server_line(l);
                Then::Line
            }
            Piece::Literal(_) => Then::Line,
        });
    }

    fn push_fields(&self, t: &mut FieldTable) {
        let m = self.st.mails.first();
        t.push(&fields::MAIL_FROM, m.map_or("", |m| m.from.as_str()));
        t.push(&fields::RCPT_TO, m.map_or(String::new(), |m| m.rcpt.join(",")));
        t.push(&fields::NUM_MAILS, self.st.count);
    }

    fn dump_lines(&self, ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        self.st
            .mails
            .iter()
            .map(|m| {
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {} {}",
                    m.ts_us / 1_000_000,
                    ctx.cli,
                    ctx.cport,
                    ctx.srv,
                    ctx.sport,
                    e(&m.helo),
                    e(&m.user),
                    e(&m.from),
                    e(&m.rcpt.join(",")),
                    m.num_rcpt,
                    m.bytes,
                    m.code
                )
            })
            .collect()
    }

    fn truncated(&self) -> u64 {
        self.lines.iter().map(|l| l.dropped).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn ctx(sport: u16) -> ProbeCtx {
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        ProbeCtx { l4: 6, cport: 50287, sport, cli: a, srv: a, dir: Dir::ToClient }
    }

    fn feed(d: &mut Smtp, dir: Dir, b: &[u8]) {
        d.on_data(dir, b, 1_544_773_457_000_000);
    }

    fn smtp() -> Smtp {
        Smtp { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State::default() }
    }

    /// `smtp/suricata_smtp-pipelining.pcap` frames 5, 7, 9, 11, 13: the
    /// envelope and the body in one client segment, four replies in one.
    #[test]
    fn pipelined_mail() {
        let mut d = smtp();
        feed(&mut d, Dir::ToClient, b"220 Air-de-catena.localdomain ESMTP Postfix\r\n");
        feed(&mut d, Dir::ToServer, b"EHLO ehlo.fr\r\n");
        feed(&mut d, Dir::ToClient, b"250-Air-de-catena.localdomain\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-VRFY\r\n250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n");
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<username@domain.com>\r\nRCPT TO:<john.doe@example.com>\r\nDATA\r\nThis is a test\r\n.\r\n");
        feed(&mut d, Dir::ToClient, b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as BCB022014FB060\r\n");
        let m = &d.st.mails[0];
        assert_eq!((m.from.as_str(), m.rcpt.join(",").as_str(), m.helo.as_str(), m.bytes, m.code), ("username@domain.com", "john.doe@example.com", "ehlo.fr", 16, 250));
        assert_eq!(d.st.count, 1);
        assert!(d.st.pending.is_empty());
    }

    /// `smtp/zeek_smtp-rfc3030-bdat-example1.pcap` frames 16, 18, 20, 22:
    /// the 86-byte chunk (mail headers) is skipped, not read as commands.
    #[test]
    fn bdat_chunk_is_skipped() {
        let mut d = smtp();
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<zeek@localhost>\r\nRCPT TO:<root@localhost>\r\n");
        feed(&mut d, Dir::ToServer, b"BDAT 86 LAST\r\n");
        // 86 bytes, cut across two chunks; the second ends with the next command.
        feed(&mut d, Dir::ToServer, b"To: Susan@random.com\r\nFrom: Sam@random.com\r\n");
        feed(&mut d, Dir::ToServer, b"Subject: This is a bodyless test message\r\nQUIT\r\n");
        feed(&mut d, Dir::ToClient, b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok: 86 bytes queued as 1E2891CA025\r\n221 2.0.0 Bye\r\n");
        let m = &d.st.mails[0];
        assert_eq!((m.from.as_str(), m.bytes, m.code), ("zeek@localhost", 86, 250));
        assert_eq!(d.st.count, 1);
        assert!(d.st.pending.is_empty(), "{:?}", d.st.pending);
    }

    /// `smtp/zeek_smtp.pcap` frames 10-15: AUTH LOGIN, user name, password.
    #[test]
    fn auth_login_user() {
        let mut d = smtp();
        feed(&mut d, Dir::ToServer, b"AUTH LOGIN\r\n");
        feed(&mut d, Dir::ToClient, b"334 VXNlcm5hbWU6\r\n");
        feed(&mut d, Dir::ToServer, b"Z3VycGFydGFwQHBhdHJpb3RzLmlu\r\n");
        feed(&mut d, Dir::ToClient, b"334 UGFzc3dvcmQ6\r\n");
        feed(&mut d, Dir::ToServer, b"cHVuamFiQDEyMw==\r\n");
        feed(&mut d, Dir::ToClient, b"235 Authentication succeeded\r\n");
        feed(&mut d, Dir::ToServer, b"MAIL FROM: <gurpartap@patriots.in>\r\n");
        assert_eq!((d.st.login.name(), d.st.login.accepted()), ("gurpartap@patriots.in", "gurpartap@patriots.in"));
        assert_eq!(d.st.mails[0].user, "gurpartap@patriots.in");
        // The SASL lines were not taken as commands.
        assert_eq!(d.st.pending, [Pending::Cmd]);
    }

    /// A body line that looks like a command stays in the body; a DATA
    /// refusal returns to commands.
    #[test]
    fn body_lines_are_not_commands() {
        let mut d = smtp();
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
        feed(&mut d, Dir::ToClient, b"250 ok\r\n250 ok\r\n354 go\r\n");
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<evil@x>\r\n..\r\n.\r\n");
        feed(&mut d, Dir::ToClient, b"250 queued\r\n");
        assert_eq!(d.st.count, 1);
        assert_eq!(d.st.mails[0].code, 250);
        let mut d = smtp();
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<a@b>\r\nDATA\r\n");
        feed(&mut d, Dir::ToClient, b"250 ok\r\n554 no valid recipients\r\n");
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<x@y>\r\n");
        assert_eq!(d.st.count, 2);
        assert_eq!(d.st.mails[0].code, 554);
    }

    /// STARTTLS then a 220: nothing after is parsed.
    #[test]
    fn starttls_stops_parsing() {
        let mut d = smtp();
        feed(&mut d, Dir::ToServer, b"EHLO x\r\nSTARTTLS\r\n");
        feed(&mut d, Dir::ToClient, b"250 ok\r\n220 2.0.0 Ready to start TLS\r\n");
        feed(&mut d, Dir::ToServer, b"\x16\x03\x01\x02\x00MAIL FROM:<a@b>\r\n");
        assert!(d.st.tls);
        assert_eq!(d.st.count, 0);
        // Without the server side, the client's TLS record stops it too.
        let mut d = smtp();
        feed(&mut d, Dir::ToServer, b"STARTTLS\r\n");
        feed(&mut d, Dir::ToServer, b"\x16\x03\x01\x02\x00MAIL FROM:<a@b>\r\n");
        assert_eq!(d.st.count, 0);
    }

    /// Banners decide with or without the port; garbage on port 25 does not.
    #[test]
    fn probe_by_payload() {
        assert_eq!(probe(&ctx(25), b"220 Air-de-catena.localdomain ESMTP Postfix\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(2525), b"220 Air-de-catena.localdomain ESMTP Postfix\r\n"), Confidence::Payload);
        assert_eq!(probe(&ctx(25), b"220 mail ready\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(2525), b"220 mail ready\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(25), b"220 (vsFTPd 3.0.3)\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(2525), b"EHLO ehlo.fr\r\n"), Confidence::Payload);
        assert_eq!(probe(&ctx(25), b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"), Confidence::No);
        assert_eq!(probe(&ctx(25), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(25), b"220 \xff\xfe\x00\r\n"), Confidence::No);
    }

    #[test]
    fn bounds_hold_on_a_flood() {
        let mut d = smtp();
        let rcpt = b"RCPT TO:<x@y>\r\n".repeat(10_000);
        feed(&mut d, Dir::ToServer, b"MAIL FROM:<a@b>\r\n");
        feed(&mut d, Dir::ToServer, &rcpt);
        assert_eq!(d.st.mails[0].num_rcpt, 10_000);
        assert_eq!(d.st.mails[0].rcpt.len(), MAX_RCPT);
        assert_eq!(d.st.pending.len(), MAX_PENDING);
        let mails = b"MAIL FROM:<a@b>\r\nRSET\r\n".repeat(1000);
        feed(&mut d, Dir::ToServer, &mails);
        assert_eq!(d.st.count, 1001);
        assert_eq!(d.st.mails.len(), MAX_MAILS);
        feed(&mut d, Dir::ToServer, &vec![b'A'; 1 << 20]);
        assert_eq!(d.truncated(), (1 << 20) - MAX_LINE as u64);
    }
}
