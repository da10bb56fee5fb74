//! IMAP plugin (RFC 9051 / RFC 3501, with LITERAL+ RFC 7888, STARTTLS,
//! AUTHENTICATE with SASL, COMPRESS RFC 4978). Every tagged client command
//! is a transaction, completed by the server's tagged OK/NO/BAD; the login
//! comes from LOGIN (atom, quoted string or literal) or from an
//! AUTHENTICATE exchange that shows it. The table carries the login and the
//! command count, the dump dir one line per command.
//!
//! Literals are followed in both directions: a line ending in `{n}` is
//! followed by n raw bytes (a message in a FETCH response, a mail in an
//! APPEND) that are skipped unseen, and the line after them continues the
//! same command or response; a LOGIN name sent as a literal is read. After
//! the tagged OK to STARTTLS or COMPRESS the flow is opaque and not parsed.
//!
//! Limits: [`MAX_LINE`] bytes a line, [`MAX_COMMANDS`] commands kept for
//! the dump (the rest counted), [`MAX_PENDING`] commands awaiting their
//! completion.

pub mod fields;
pub mod parser;

use std::collections::VecDeque;

use super::lines::{self, Lines, Piece, Then};
use super::sasl::{self, Exchange, Login, Mech};
use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{Response, Status};

/// Lines longer than this are cut: RFC 7162 section 4 asks clients to keep
/// command lines within 8192 octets and servers to accept at least that.
pub const MAX_LINE: usize = 8192;
/// Commands kept per flow for the dump dir (the rest are counted): a long
/// client session (NOOP polling every few seconds) stays under it.
pub const MAX_COMMANDS: usize = 2048;
/// Commands awaiting their tagged completion; IMAP allows several in
/// flight, beyond this the oldest are dropped.
pub const MAX_PENDING: usize = 128;
/// Login, tag and command columns are cut at this length.
const MAX_TEXT: usize = 256;

pub const PLUGIN: Plugin = Plugin { proto: Proto::Imap, probe, new, fields: fields::ALL, dump_header: fields::DUMP_HEADER };

const PORTS: [u16; 1] = [143];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    let Some(line) = lines::first_text_line(data) else { return Confidence::No };
    if !parser::is_greeting(line) && !parser::is_opening(line) {
        return Confidence::No;
    }
    if ctx.port_in(&PORTS) {
        Confidence::PayloadAndPort
    } else {
        Confidence::Payload
    }
}

fn new(_ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Imap { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State::default() })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Plain,
    Login,
    Auth,
    /// STARTTLS or COMPRESS: after OK the stream is opaque.
    Opaque,
}

struct Open {
    tag: Vec<u8>,
    idx: Option<usize>,
    kind: Kind,
}

struct Cmd {
    ts_us: u64,
    login: String,
    tag: String,
    cmd: String,
    status: Option<Status>,
}

#[derive(Default)]
struct State {
    login: Login,
    cmds: Vec<Cmd>,
    count: u64,
    open: VecDeque<Open>,
    /// The next client line continues the command before a literal.
    cli_cont: bool,
    /// The client literal to come is a LOGIN name.
    login_literal: bool,
    /// The next server line continues the response before a literal.
    srv_cont: bool,
    sasl: Exchange,
    /// STARTTLS or COMPRESS was sent: a TLS record from the client ends parsing.
    opaque_asked: bool,
    opaque: bool,
}

impl State {
    /// After a client line: skip or take the literal it announces.
    fn client_literal(&mut self, line: &[u8]) -> Then {
        let Some(n) = parser::literal(line) else {
            self.login_literal = false;
            return Then::Line;
        };
        self.cli_cont = true;
        if self.login_literal {
            Then::Take(usize::try_from(n).unwrap_or(usize::MAX))
        } else {
            Then::Skip(n)
        }
    }

    fn client_line(&mut self, line: &[u8], ts_us: u64) -> Then {
        if self.cli_cont {
            // Only the first literal after LOGIN is the name.
            self.cli_cont = false;
            self.login_literal = false;
            return self.client_literal(line);
        }
        // After a "+ " challenge the line is a SASL response.
        if let Some(user) = self.sasl.response(line) {
            if let Some(u) = user {
                self.login.sent(u);
            }
            return Then::Line;
        }
        // Not a tagged command: IDLE's DONE, or noise.
        let Some(req) = parser::request(line) else { return Then::Line };
        let kind = match req.cmd.as_str() {
            "LOGIN" => {
                self.login.begin();
                match parser::astring(req.args) {
                    Some((u, _)) => self.login.sent(lines::text(&u, sasl::MAX_USER)),
                    None => self.login_literal = req.args.starts_with(b"{"),
                }
                Kind::Login
            }
            "AUTHENTICATE" => {
                self.login.begin();
                let mut w = req.args.split(|&b| b == b' ').filter(|w| !w.is_empty());
                let mech = Mech::parse(w.next().unwrap_or_default());
                if let Some(u) = self.sasl.start(mech, w.next()) {
                    self.login.sent(u);
                }
                Kind::Auth
            }
            "STARTTLS" | "COMPRESS" => {
                self.opaque_asked = true;
                Kind::Opaque
            }
            _ => Kind::Plain,
        };
        self.count += 1;
        let idx = (self.cmds.len() < MAX_COMMANDS).then(|| {
            self.cmds.push(Cmd { ts_us, login: self.login.name().to_string(), tag: lines::text(req.tag, MAX_TEXT), cmd: lines::text(req.cmd.as_bytes(), MAX_TEXT), status: None });
            self.cmds.len() - 1
        });
        if self.open.len() >= MAX_PENDING {
            self.open.pop_front();
        }
        self.open.push_back(Open { tag: req.tag.to_vec(), idx, kind });
        self.client_literal(line)
    }

    fn client_piece(&mut self, p: Piece<'_>, ts_us: u64) -> Then {
        match p {
            Piece::Line(l) => self.client_line(l, ts_us),
            Piece::Literal(name) => {
                if std::mem::take(&mut self.login_literal) {
                    self.login.sent(lines::text(name, sasl::MAX_USER));
                }
                Then::Line
            }
        }
    }

    fn server_line(&mut self, line: &[u8]) -> Then {
        if std::mem::take(&mut self.srv_cont) {
            return self.server_literal(line);
        }
        match parser::response(line) {
            Some(Response::Continuation) => self.sasl.challenge(),
            Some(Response::Tagged(tag, st)) => {
                if let Some(pos) = self.open.iter().position(|o| o.tag == tag) {
                    if let Some(o) = self.open.remove(pos) {
                        self.complete(o, st);
                    }
                }
            }
            _ => {}
        }
        self.server_literal(line)
    }

    fn server_literal(&mut self, line: &[u8]) -> Then {
        match parser::literal(line) {
            Some(n) => {
                self.srv_cont = true;
                Then::Skip(n)
            }
            None => Then::Line,
        }
    }

    fn complete(&mut self, o: Open, st: Status) {
        if let Some(c) = o.idx.and_then(|i| self.cmds.get_mut(i)) {
            c.status = Some(st);
        }
        let ok = st == Status::Ok;
        match o.kind {
            Kind::Login | Kind::Auth if ok => self.login.accept(),
            Kind::Opaque if ok => self.opaque = true,
            _ => {}
        }
        if o.kind == Kind::Auth {
            self.sasl.end();
        }
    }
}

struct Imap {
    lines: [Lines; 2],
    st: State,
}

impl Dissector for Imap {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let st = &mut self.st;
        if st.opaque_asked && dir == Dir::ToServer && lines::is_tls_handshake(data) {
            st.opaque = true;
        }
        if st.opaque {
            return;
        }
        self.lines[dir as usize].feed(data, &mut |p| match (dir, p) {
            _ if st.opaque => Then::Skip(u64::MAX),
            (Dir::ToServer, p) => st.client_piece(p, ts_us),
            (Dir::ToClient, Piece::Line(l)) => st.server_line(l),
            (Dir::ToClient, Piece::Literal(_)) => Then::Line,
        });
    }

    fn push_fields(&self, t: &mut FieldTable) {
        t.push(&fields::LOGIN, self.st.login.name());
        t.push(&fields::NUM_COMMANDS, self.st.count);
    }

    fn dump_lines(&self, ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        self.st
            .cmds
            .iter()
            .map(|c| format!("{} {} {} {} {} {} {} {} {}", c.ts_us / 1_000_000, ctx.cli, ctx.cport, ctx.srv, ctx.sport, e(&c.login), e(&c.tag), e(&c.cmd), c.status.map_or("<empty>", Status::as_str)))
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

    fn imap() -> Imap {
        Imap { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State::default() }
    }

    fn feed(d: &mut Imap, dir: Dir, b: &[u8]) {
        d.on_data(dir, b, 942_357_327_000_000);
    }

    /// `imap/ndpi_imap.pcap` frames 4-12: greeting, CAPABILITY, LOGIN with atoms.
    #[test]
    fn login_with_atoms() {
        let mut d = imap();
        feed(&mut d, Dir::ToClient, b"* OK IMAP4Rev1 Server Version 4.9.04.012\r\n");
        feed(&mut d, Dir::ToServer, b"C00000 CAPABILITY\r\n");
        feed(&mut d, Dir::ToClient, b"* CAPABILITY IMAP4 IMAP4REV1 NAMESPACE IDLE MAILBOX-REFERRALS SCAN SORT THREAD=REFERENCES THREAD=ORDEREDSUBJECT MULTIAPPEND LOGIN-REFERRALS AUTH=LOGIN\r\n");
        feed(&mut d, Dir::ToClient, b"C00000 OK CAPABILITY completed\r\n");
        feed(&mut d, Dir::ToServer, b"C00001 LOGIN samir pfres\r\n");
        feed(&mut d, Dir::ToClient, b"C00001 OK LOGIN completed\r\n");
        assert_eq!((d.st.login.name(), d.st.login.accepted(), d.st.count), ("samir", "samir", 2));
        assert!(d.st.open.is_empty());
    }

    /// `imap/suricata_imap-detection.pcap` frames 8, 36-43: a quoted LOGIN
    /// name, then a FETCH whose 3339-byte literal (announced across two
    /// segments) holds lines that look like tagged responses.
    #[test]
    fn quoted_login_and_fetch_literal() {
        let mut d = imap();
        feed(&mut d, Dir::ToServer, b"a0001 LOGIN \"neulingern\" \"XXXXXX\"\r\n");
        feed(&mut d, Dir::ToClient, b"a0001 OK LOGIN completed.\r\n");
        feed(&mut d, Dir::ToServer, b"a0007 FETCH 12 RFC822\r\n");
        feed(&mut d, Dir::ToClient, b"* 12 FETCH (RFC822 ");
        let mut body = b"{3339}\r\n".to_vec();
        let mut msg = b"a0007 NO fake\r\n".repeat(222);
        msg.resize(3339, b'x');
        body.extend_from_slice(&msg);
        feed(&mut d, Dir::ToClient, &body);
        assert_eq!(d.st.open.len(), 1, "a line inside the literal completed the FETCH");
        feed(&mut d, Dir::ToClient, b")\r\na0007 OK FETCH completed.\r\n");
        assert_eq!(d.st.login.name(), "neulingern");
        assert_eq!(d.st.cmds[1].status, Some(Status::Ok));
        assert!(d.st.open.is_empty());
    }

    /// RFC 9051 6.2.3-style LOGIN with literals, and LITERAL+.
    #[test]
    fn login_literal() {
        let mut d = imap();
        feed(&mut d, Dir::ToServer, b"A001 LOGIN {11}\r\n");
        feed(&mut d, Dir::ToClient, b"+ Ready for additional command text\r\n");
        feed(&mut d, Dir::ToServer, b"FRED FOOBAR {7}\r\n");
        feed(&mut d, Dir::ToClient, b"+ Ready for additional command text\r\n");
        feed(&mut d, Dir::ToServer, b"fat man\r\n");
        feed(&mut d, Dir::ToClient, b"A001 OK LOGIN completed\r\n");
        feed(&mut d, Dir::ToServer, b"A002 APPEND box {5+}\r\nA003 \r\nA004 NOOP\r\n");
        assert_eq!(d.st.login.accepted(), "FRED FOOBAR");
        assert_eq!(d.st.cmds.iter().map(|c| c.cmd.as_str()).collect::<Vec<_>>(), ["LOGIN", "APPEND", "NOOP"]);
    }

    #[test]
    fn authenticate_plain_and_starttls() {
        let mut d = imap();
        feed(&mut d, Dir::ToServer, b"a1 AUTHENTICATE PLAIN\r\n");
        feed(&mut d, Dir::ToClient, b"+ \r\n");
        // `pop3/ndpi_pop3.pcap` frame 104's response, sent over IMAP.
        feed(&mut d, Dir::ToServer, b"AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcjEyMw==\r\n");
        feed(&mut d, Dir::ToClient, b"a1 OK done\r\n");
        assert_eq!(d.st.login.accepted(), "digitalinvestigator@networksims.com");
        feed(&mut d, Dir::ToServer, b"a2 IDLE\r\n");
        feed(&mut d, Dir::ToClient, b"+ idling\r\n");
        feed(&mut d, Dir::ToServer, b"DONE\r\n");
        feed(&mut d, Dir::ToServer, b"a3 STARTTLS\r\n");
        feed(&mut d, Dir::ToClient, b"a2 OK IDLE done\r\na3 OK Begin TLS\r\n");
        feed(&mut d, Dir::ToServer, b"\x16\x03\x01a4 LOGIN x y\r\n");
        assert_eq!(d.st.count, 3);
        assert!(d.st.opaque);
    }

    #[test]
    fn probe_by_payload() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let ctx = |sport| ProbeCtx { l4: 6, cport: 4167, sport, cli: a, srv: a, dir: Dir::ToClient };
        assert_eq!(probe(&ctx(143), b"* OK IMAP4Rev1 Server Version 4.9.04.012\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(1143), b"a0000 CAPABILITY\r\n"), Confidence::Payload);
        assert_eq!(probe(&ctx(143), b"\x16\x03\x01\x00\xa5\x01\x00"), Confidence::No);
        assert_eq!(probe(&ctx(143), b"+OK POP3 ready\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(143), b"hello world\r\n"), Confidence::No);
    }

    #[test]
    fn huge_literal_and_flood_are_bounded() {
        let mut d = imap();
        feed(&mut d, Dir::ToServer, b"a LOGIN {99999999999}\r\n");
        feed(&mut d, Dir::ToServer, &vec![b'z'; 1 << 20]);
        assert_eq!(d.st.login.name(), "");
        assert_eq!(d.truncated(), 99_999_999_999);
        let mut d = imap();
        feed(&mut d, Dir::ToServer, &b"a NOOP\r\n".repeat(5000));
        assert_eq!((d.st.count, d.st.cmds.len(), d.st.open.len()), (5000, MAX_COMMANDS, MAX_PENDING));
    }
}
