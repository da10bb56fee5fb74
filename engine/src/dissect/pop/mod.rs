//! POP3 plugin (RFC 1939, with CAPA/PIPELINING RFC 2449, AUTH RFC 5034,
//! STLS RFC 2595). Every client command is a transaction (its status comes
//! from the server's `+OK`/`-ERR`); the user name comes from USER, APOP or a
//! SASL exchange that shows it (PLAIN, LOGIN, XOAUTH2, ...). The table
//! carries the user and the command count, the dump dir one line per command.
//!
//! Replies are matched to commands through a queue (PIPELINING). The body
//! of a multi-line reply (RETR, TOP, LIST, UIDL, CAPA) is skipped up to its
//! lone `.`: a message line starting with `+OK` is not a status. After the
//! `+OK` to STLS the flow is encrypted and not parsed.
//!
//! Limits: [`MAX_LINE`] bytes a line, [`MAX_COMMANDS`] commands kept for
//! the dump (the rest counted), [`MAX_PENDING`] commands awaiting a reply.

pub mod fields;
pub mod parser;

use std::collections::VecDeque;

use super::lines::{self, Lines, Piece, Then};
use super::sasl::{Exchange, Login};
use super::{Confidence, Dissector, DumpCtx, Plugin, ProbeCtx, Proto};
use crate::flow::Dir;
use crate::table::FieldTable;
use parser::{Command, Status};

/// Lines longer than this are cut: the lines of a retrieved message are at
/// most 998 octets before the CRLF (RFC 5322 2.1.1); commands (255 octets,
/// RFC 2449) and status lines (512) are shorter.
pub const MAX_LINE: usize = 998;
/// Commands kept per flow for the dump dir (the rest are counted): a mail
/// client's session is a few dozen commands; 2048 keeps a long one whole.
pub const MAX_COMMANDS: usize = 2048;
/// Commands awaiting a reply: RFC 2449 pipelining sends a window of
/// commands at once; beyond this the oldest are dropped.
pub const MAX_PENDING: usize = 128;
/// Argument and user columns are cut at this length.
const MAX_TEXT: usize = 256;

pub const PLUGIN: Plugin = Plugin { proto: Proto::Pop, probe, new, fields: fields::ALL, dump_header: fields::DUMP_HEADER };

const PORTS: [u16; 1] = [110];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    let port = ctx.port_in(&PORTS);
    let Some(line) = lines::first_text_line(data) else { return Confidence::No };
    let sure = if port { Confidence::PayloadAndPort } else { Confidence::Payload };
    match (parser::status(line), parser::opening(line)) {
        // A greeting (or a reply, mid-stream).
        (Some(Status::Ok), _) => sure,
        (Some(Status::Err), _) if port => sure,
        (_, Some(true)) => sure,
        (_, Some(false)) if port => sure,
        _ => Confidence::No,
    }
}

fn new(_ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Pop { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State::default() })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Plain,
    Pass,
    Apop,
    Auth,
    Stls,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pending {
    /// Index into the kept commands.
    idx: Option<usize>,
    kind: Kind,
    multi: bool,
}

struct Cmd {
    ts_us: u64,
    user: String,
    verb: String,
    arg: String,
    status: Option<bool>,
}

#[derive(Default)]
struct State {
    login: Login,
    cmds: Vec<Cmd>,
    count: u64,
    pending: VecDeque<Pending>,
    /// Inside the body of a multi-line reply.
    in_body: bool,
    sasl: Exchange,
    stls: bool,
    tls: bool,
}

impl State {
    fn client_line(&mut self, line: &[u8], ts_us: u64) {
        // After a "+ " challenge the line is a SASL response.
        if let Some(user) = self.sasl.response(line) {
            if let Some(u) = user {
                self.login.sent(u);
            }
            return;
        }
        if line.is_empty() {
            return;
        }
        let (kind, multi, verb, arg) = match parser::command(line) {
            Command::User(u) => {
                self.login.begin();
                self.login.sent(lines::text(u, MAX_TEXT));
                (Kind::Plain, false, "USER".to_string(), lines::text(u, MAX_TEXT))
            }
            Command::Pass => (Kind::Pass, false, "PASS".into(), "*".into()),
            Command::Apop(u) => {
                self.login.begin();
                self.login.sent(lines::text(u, MAX_TEXT));
                (Kind::Apop, false, "APOP".into(), lines::text(u, MAX_TEXT))
            }
            Command::Auth(None, _) => (Kind::Plain, false, "AUTH".into(), String::new()),
            Command::Auth(Some(mech), ir) => {
                self.login.begin();
                if let Some(u) = self.sasl.start(mech, ir) {
                    self.login.sent(u);
                }
                let name = lines::verb(line).1.split(|&b| b == b' ').next().unwrap_or_default();
                (Kind::Auth, false, "AUTH".into(), lines::text(name, MAX_TEXT))
            }
            Command::Stls => {
                self.stls = true;
                (Kind::Stls, false, "STLS".into(), String::new())
            }
            Command::Other(verb, arg, multi) => (Kind::Plain, multi, verb, lines::text(arg, MAX_TEXT)),
        };
        self.count += 1;
        let idx = (self.cmds.len() < MAX_COMMANDS).then(|| {
            self.cmds.push(Cmd { ts_us, user: self.login.name().to_string(), verb: lines::text(verb.as_bytes(), 16), arg, status: None });
            self.cmds.len() - 1
        });
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(Pending { idx, kind, multi });
    }

    fn server_line(&mut self, line: &[u8]) {
        if self.in_body {
            // RFC 1939 3: the body ends with a lone "."; ".." is a stuffed dot.
            if line == b"." {
                self.in_body = false;
            }
            return;
        }
        let Some(s) = parser::status(line) else { return };
        if s == Status::Cont {
            if self.pending.front().is_some_and(|p| p.kind == Kind::Auth) {
                self.sasl.challenge();
            }
            return;
        }
        // Nothing awaited: the greeting.
        let Some(p) = self.pending.pop_front() else { return };
        let ok = s == Status::Ok;
        if let Some(c) = p.idx.and_then(|i| self.cmds.get_mut(i)) {
            c.status = Some(ok);
        }
        match p.kind {
            Kind::Pass | Kind::Apop | Kind::Auth if ok => self.login.accept(),
            Kind::Stls if ok => self.tls = true,
            _ => {}
        }
        if p.kind == Kind::Auth {
            self.sasl.end();
        }
        self.in_body = ok && p.multi;
    }
}

struct Pop {
    lines: [Lines; 2],
    st: State,
}

impl Dissector for Pop {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let st = &mut self.st;
        if st.stls && dir == Dir::ToServer && lines::is_tls_handshake(data) {
            st.tls = true;
        }
        if st.tls {
            return;
        }
        self.lines[dir as usize].feed(data, &mut |p| {
            if st.tls {
                return Then::Skip(u64::MAX);
            }
            if let Piece::Line(l) = p {
                match dir {
                    Dir::ToServer => st.client_line(l, ts_us),
                    Dir::ToClient => st.server_line(l),
                }
            }
            Then::Line
        });
    }

    fn push_fields(&self, t: &mut FieldTable) {
        t.push(&fields::USER, self.st.login.name());
        t.push(&fields::NUM_COMMANDS, self.st.count);
    }

    fn dump_lines(&self, ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        self.st
            .cmds
            .iter()
            .map(|c| {
                let status = match c.status {
                    Some(true) => "+OK",
                    Some(false) => "-ERR",
                    None => "<empty>",
                };
                format!("{} {} {} {} {} {} {} {} {}", c.ts_us / 1_000_000, ctx.cli, ctx.cport, ctx.srv, ctx.sport, e(&c.user), e(&c.verb), e(&c.arg), status)
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

    fn pop() -> Pop {
        Pop { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State::default() }
    }

    fn feed(d: &mut Pop, dir: Dir, b: &[u8]) {
        d.on_data(dir, b, 1_349_776_772_000_000);
    }

    /// `pop3/ndpi_pop3.pcap` frames 4-20: USER/PASS, then a message whose
    /// body holds a line that looks like a status.
    #[test]
    fn user_pass_and_retr_body() {
        let mut d = pop();
        feed(&mut d, Dir::ToClient, b"+OK POP server ready H migmxus005\r\n");
        feed(&mut d, Dir::ToServer, b"user cicciopernacchio@mail.com\r\n");
        feed(&mut d, Dir::ToClient, b"+OK password required for user \"cicciopernacchio@mail.com\"\r\n");
        feed(&mut d, Dir::ToServer, b"pass pippozzo\r\n");
        feed(&mut d, Dir::ToClient, b"+OK mailbox \"cicciopernacchio@mail.com\" has 2 messages (17672 octets) H migmxus005\r\n");
        feed(&mut d, Dir::ToServer, b"list\r\n");
        feed(&mut d, Dir::ToClient, b"+OK\r\n1 16196\r\n2 1476\r\n.\r\n");
        feed(&mut d, Dir::ToServer, b"retr 2\r\n");
        feed(&mut d, Dir::ToClient, b"+OK 1476 octets\r\nSubject: x\r\n\r\n-ERR not a status\r\n");
        feed(&mut d, Dir::ToClient, b"+OK nor this\r\n..\r\n.\r\n");
        feed(&mut d, Dir::ToServer, b"quit\r\n");
        feed(&mut d, Dir::ToClient, b"+OK bye\r\n");
        assert_eq!(d.st.login.name(), "cicciopernacchio@mail.com");
        assert_eq!(d.st.count, 5);
        let st: Vec<_> = d.st.cmds.iter().map(|c| (c.verb.as_str(), c.status)).collect();
        assert_eq!(st, [("USER", Some(true)), ("PASS", Some(true)), ("LIST", Some(true)), ("RETR", Some(true)), ("QUIT", Some(true))]);
        assert_eq!(d.st.cmds[1].arg, "*");
    }

    /// `pop3/suricata_pop3-auth-01.pcap` frames 4-14: no greeting, CAPA,
    /// then AUTH XOAUTH2 with the token after a `+ ` continuation.
    #[test]
    fn xoauth2_user() {
        let mut d = pop();
        feed(&mut d, Dir::ToServer, b"CAPA\r\n");
        feed(&mut d, Dir::ToClient, b"+OK Capability list follows\r\nUSER\r\nRESP-CODES\r\nEXPIRE 0\r\nLOGIN-DELAY 300\r\nTOP\r\nUIDL\r\nX-GOOGLE-RICO\r\nSASL PLAIN XOAUTH2 OAUTHBEARER\r\n.\r\n");
        feed(&mut d, Dir::ToServer, b"AUTH XOAUTH2\r\n");
        feed(&mut d, Dir::ToClient, b"+ \r\n");
        feed(&mut d, Dir::ToServer, b"dXNlcj1qb2Uuc3BlZWRib2F0AWF1dGg9QmVhcmVyIEFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUEBAQ==\r\n");
        feed(&mut d, Dir::ToClient, b"+OK Welcome.\r\n");
        assert_eq!((d.st.login.name(), d.st.login.accepted()), ("joe.speedboat", "joe.speedboat"));
        assert_eq!(d.st.count, 2);
        assert!(d.st.pending.is_empty());
    }

    /// `pop3/zeek_pop3.pcap` frames 30-38: a refused AUTH PLAIN still shows
    /// the name tried.
    #[test]
    fn refused_plain_keeps_the_name_tried() {
        let mut d = pop();
        feed(&mut d, Dir::ToServer, b"AUTH\r\n");
        feed(&mut d, Dir::ToClient, b"-ERR 1 argument required\r\n");
        feed(&mut d, Dir::ToServer, b"AUTH PLAIN\r\n");
        feed(&mut d, Dir::ToClient, b"+ \r\n");
        feed(&mut d, Dir::ToServer, b"AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcg==\r\n");
        feed(&mut d, Dir::ToClient, b"-ERR authentication failed\r\n");
        assert_eq!(d.st.login.name(), "digitalinvestigator@networksims.com");
        assert_eq!(d.st.login.accepted(), "");
        assert_eq!(d.st.cmds.iter().map(|c| c.status).collect::<Vec<_>>(), [Some(false), Some(false)]);
    }

    #[test]
    fn apop_and_stls() {
        let mut d = pop();
        feed(&mut d, Dir::ToServer, b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
        feed(&mut d, Dir::ToClient, b"+OK maildrop has 1 message (369 octets)\r\n");
        assert_eq!(d.st.login.accepted(), "mrose");
        feed(&mut d, Dir::ToServer, b"STLS\r\n");
        feed(&mut d, Dir::ToClient, b"+OK Begin TLS negotiation\r\n");
        feed(&mut d, Dir::ToServer, b"\x16\x03\x01\x00\x10USER x\r\n");
        assert!(d.st.tls);
        assert_eq!(d.st.count, 2);
    }

    #[test]
    fn probe_by_payload() {
        let a: IpAddr = "1.1.1.1".parse().unwrap();
        let ctx = |sport| ProbeCtx { l4: 6, cport: 5555, sport, cli: a, srv: a, dir: Dir::ToServer };
        assert_eq!(probe(&ctx(110), b"CAPA\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(1110), b"+OK POP server ready H migmxus005\r\n"), Confidence::Payload);
        assert_eq!(probe(&ctx(1110), b"USER x\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(110), b"USER x\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(110), b"\x00\x01garbage\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(110), b"* OK IMAP4 ready\r\n"), Confidence::No);
    }

    #[test]
    fn flood_is_bounded() {
        let mut d = pop();
        feed(&mut d, Dir::ToServer, &b"NOOP\r\n".repeat(5000));
        assert_eq!(d.st.count, 5000);
        assert_eq!(d.st.cmds.len(), MAX_COMMANDS);
        assert_eq!(d.st.pending.len(), MAX_PENDING);
        feed(&mut d, Dir::ToClient, &vec![b'+'; 100_000]);
        assert_eq!(d.truncated(), 100_000 - MAX_LINE as u64);
    }
}
