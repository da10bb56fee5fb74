//! FTP control plugin (RFC 959, EPRT/EPSV RFC 2428, AUTH TLS RFC 4217).
//! Every client command is a transaction, completed by the server's final
//! (non-1xx) reply; multi-line replies (`ddd-` ... `ddd `) count once. The
//! table carries the login and password, the LAST command and its reply
//! code, and the command count; the dump dir one line per command.
//!
//! Data channels: a PORT or EPRT the server accepts (2xx) announces that the
//! server will connect to the client's address and port; a 227 (PASV) or 229
//! (EPSV) reply announces that the client will connect to the server's.
//! Each is handed to the worker as an [`Expectation`], which labels the
//! matching later flow FTP_DATA. A 227 that names another address than the
//! control connection's server (a server behind NAT announcing its public
//! address, or the other way round) gives one expectation for each, since
//! clients differ on which one they use. After the 234 reply to AUTH TLS the
//! control flow is encrypted and not parsed.
//!
//! Limits: [`MAX_LINE`] bytes a line, [`MAX_COMMANDS`] commands kept for the
//! dump (the rest counted), [`MAX_PENDING`] commands awaiting a reply,
//! [`MAX_EXPECTATIONS`] announced data channels not yet taken.

pub mod fields;
pub mod parser;

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use super::lines::{self, Greeting, Lines, Piece, Then};
use super::{Confidence, Dissector, DumpCtx, Expectation, Plugin, ProbeCtx, Proto, L7};
use crate::flow::Dir;
use crate::table::FieldTable;

/// Lines longer than this are cut: RFC 959 sets no bound; 8192 holds a
/// PATH_MAX (4096) path argument with room to spare.
pub const MAX_LINE: usize = 8192;
/// Commands kept per flow for the dump dir (the rest are counted): the
/// session of `mixed/zeek_ftp-cwd-navigation.pcap` is 3445 commands in 10
/// minutes; 4096 keeps such a session whole even with a long lifetime
/// timeout (about 100 bytes a command: 400 KB at most per flow).
pub const MAX_COMMANDS: usize = 4096;
/// Commands awaiting a reply (clients may send several at once); beyond
/// this the oldest are dropped.
pub const MAX_PENDING: usize = 128;
/// Argument and login columns are cut at this length.
const MAX_TEXT: usize = 512;
/// Replies (or commands) skipped over when putting a reply on its command
/// after a loss: a lost segment rarely holds more than two of them, and a
/// longer reach would pair across a repeated cycle of commands.
pub const MAX_SKIP: usize = 2;
/// Announced data channels held until the worker takes them (it does after
/// every packet, so only a flood within one segment run comes near it).
pub const MAX_EXPECTATIONS: usize = 256;

pub const PLUGIN: Plugin = Plugin { proto: Proto::Ftp, probe, new, fields: fields::ALL, dump_header: fields::DUMP_HEADER };

const PORTS: [u16; 1] = [21];

fn probe(ctx: &ProbeCtx, data: &[u8]) -> Confidence {
    let port = ctx.port_in(&PORTS);
    let sure = if port { Confidence::PayloadAndPort } else { Confidence::Payload };
    match lines::greeting(data) {
        Greeting::Ftp => sure,
        Greeting::Either if port => Confidence::PayloadAndPort,
        Greeting::Either | Greeting::Smtp => Confidence::No,
        Greeting::NotGreeting => match lines::first_text_line(data).and_then(parser::opening) {
            Some(true) => sure,
            Some(false) if port => sure,
            _ => Confidence::No,
        },
    }
}

fn new(ctx: &ProbeCtx) -> Box<dyn Dissector> {
    Box::new(Ftp { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State { cli: ctx.cli, srv: ctx.srv, ..State::default() } })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Plain,
    User,
    Pass,
    /// PORT / EPRT with the address the server is to connect to.
    Port(IpAddr, u16),
    AuthTls,
}

struct Pending {
    verb: String,
    /// When the command was handed over (a run of commands held behind a
    /// lost segment shares one time).
    ts_us: u64,
    idx: Option<usize>,
    /// The command's number (1-based), to know the last command's reply.
    seq: u64,
    kind: Kind,
}

struct Cmd {
    ts_us: u64,
    /// Shared with the other commands of the same login.
    login: Arc<str>,
    verb: String,
    arg: String,
    code: u16,
}

struct State {
    cli: IpAddr,
    srv: IpAddr,
    /// First USER sent and its PASS; the login being tried; the login accepted.
    first: Option<(String, String)>,
    first_open: bool,
    attempt: (String, String),
    /// `attempt.0`, shared by the commands it sends.
    attempt_login: Arc<str>,
    ok: Option<(String, String)>,
    cmds: Vec<Cmd>,
    count: u64,
    last_verb: String,
    last_code: u16,
    pending: VecDeque<Pending>,
    /// Final replies that came with no command awaiting one: the command was
    /// lost, or is held back behind a lost client segment and will come late.
    orphans: VecDeque<u16>,
    /// A command came since the last final reply: orphans left unclaimed
    /// by that run of commands are stale at the next reply.
    cmd_since_reply: bool,
    /// When the last final reply was put on a command.
    last_reply_us: u64,
    /// Inside a multi-line reply with this code.
    multi: Option<u16>,
    exp: Vec<Expectation>,
    tls_asked: bool,
    tls: bool,
}

impl Default for State {
    fn default() -> State {
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        State {
            cli: any,
            srv: any,
            first: None,
            first_open: false,
            attempt: Default::default(),
            attempt_login: Arc::from(""),
            ok: None,
            cmds: Vec::new(),
            count: 0,
            last_verb: String::new(),
            last_code: 0,
            pending: VecDeque::new(),
            orphans: VecDeque::new(),
            cmd_since_reply: false,
            last_reply_us: 0,
            multi: None,
            exp: Vec::new(),
            tls_asked: false,
            tls: false,
        }
    }
}

impl State {
    fn login(&self) -> (&str, &str) {
        match self.ok.as_ref().or(self.first.as_ref()) {
            Some((u, p)) => (u, p),
            None => ("", ""),
        }
    }

    fn client_line(&mut self, line: &[u8], ts_us: u64) {
        if line.is_empty() {
            return;
        }
        let (verb, arg) = lines::verb(line);
        let arg_s = lines::text(arg, MAX_TEXT);
        let kind = match verb.as_str() {
            "USER" => {
                self.attempt = (arg_s.clone(), String::new());
                self.attempt_login = Arc::from(arg_s.as_str());
                self.first_open = self.first.is_none();
                if self.first_open {
                    self.first = Some(self.attempt.clone());
                }
                Kind::User
            }
            "PASS" => {
                self.attempt.1 = arg_s.clone();
                if self.first_open {
                    if let Some(f) = self.first.as_mut() {
                        f.1 = arg_s.clone();
                    }
                }
                Kind::Pass
            }
            "PORT" => parser::six(arg).map_or(Kind::Plain, |(a, p)| Kind::Port(IpAddr::V4(a), p)),
            "EPRT" => parser::eprt(arg).map_or(Kind::Plain, |(a, p)| Kind::Port(a, p)),
            "AUTH" if arg.eq_ignore_ascii_case(b"TLS") || arg.eq_ignore_ascii_case(b"SSL") || arg.eq_ignore_ascii_case(b"TLS-C") => {
                self.tls_asked = true;
                Kind::AuthTls
            }
            _ => Kind::Plain,
        };
        if verb != "USER" && verb != "PASS" {
            self.first_open = false;
        }
        self.count += 1;
        let verb = lines::text(verb.as_bytes(), 16);
        self.last_verb.clone_from(&verb);
        self.last_code = 0;
        let idx = (self.cmds.len() < MAX_COMMANDS).then(|| {
            self.cmds.push(Cmd { ts_us, login: Arc::clone(&self.attempt_login), verb: verb.clone(), arg: arg_s, code: 0 });
            self.cmds.len() - 1
        });
        let p = Pending { verb, ts_us, idx, seq: self.count, kind };
        self.cmd_since_reply = true;
        // FTP is lock-step (RFC 959 5.4): a client sends a command once the
        // one before is answered. Commands still awaiting a reply although
        // a reply came after the newest of them were answered unseen (both
        // directions lost data): dropping them keeps the later replies on
        // their own commands instead of shifted onto old ones.
        if self.pending.back().is_some_and(|b| self.last_reply_us > b.ts_us) {
            self.pending.clear();
        }
        // A command that comes after its reply (it was held behind a lost
        // segment): its reply is among the first orphans.
        if let Some(at) = self.orphans.iter().take(MAX_SKIP + 1).position(|&c| parser::fits(&p.verb, c)) {
            self.orphans.drain(..at);
            if let Some(code) = self.orphans.pop_front() {
                return self.complete(p, code);
            }
        }
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(p);
    }

    fn server_line(&mut self, line: &[u8], ts_us: u64) {
        if let Some(code) = self.multi {
            // RFC 959 4.2: the reply ends with a line "ddd " (or a bare "ddd") of the same code.
            if lines::reply(line).is_some_and(|r| r.last && r.code == code) {
                self.multi = None;
                self.reply(code, ts_us);
            }
            return;
        }
        let Some(r) = lines::reply(line) else { return };
        // 227/229 data is on the reply's first line (its only one, as a rule).
        self.announce(r.code, line);
        if r.last {
            self.reply(r.code, ts_us);
        } else {
            self.multi = Some(r.code);
        }
    }

    /// Data-channel announcements in a 227 / 229 reply line.
    fn announce(&mut self, code: u16, line: &[u8]) {
        let text = line.get(4..).unwrap_or_default();
        match code {
            227 => {
                if let Some((a, port)) = parser::pasv(text) {
                    let a = IpAddr::V4(a);
                    if !a.is_unspecified() {
                        self.expect(Some(self.cli), a, port);
                    }
                    if a != self.srv {
                        self.expect(Some(self.cli), self.srv, port);
                    }
                }
            }
            229 => {
                if let Some(port) = parser::epsv(text) {
                    self.expect(Some(self.cli), self.srv, port);
                }
            }
            _ => {}
        }
    }

    fn expect(&mut self, from: Option<IpAddr>, to: IpAddr, port: u16) {
        if self.exp.len() >= MAX_EXPECTATIONS {
            self.exp.remove(0);
        }
        self.exp.push(Expectation { from, to, port, l7: L7::FTP_DATA });
    }

    fn reply(&mut self, code: u16, ts_us: u64) {
        // 1xx is a preliminary reply: the command's completion follows.
        if code < 200 {
            return;
        }
        // Orphans no command of the last run claimed are stale.
        if std::mem::take(&mut self.cmd_since_reply) {
            self.orphans.clear();
        }
        // Replies come in order: the first awaiting command the code fits;
        // those skipped lost their reply.
        if let Some(at) = self.pending.iter().take(MAX_SKIP + 1).position(|p| parser::fits(&p.verb, code)) {
            self.pending.drain(..at);
            if let Some(p) = self.pending.pop_front() {
                self.last_reply_us = ts_us;
                self.complete(p, code);
            }
            return;
        }
        // Before any command: the greeting (or the reply to a command of
        // the flow's previous lifetime part). After: an orphan (a reply to
        // none of the next commands), kept for a command still to come.
        if self.count > 0 {
            if self.orphans.len() >= MAX_PENDING {
                self.orphans.pop_front();
            }
            self.orphans.push_back(code);
        }
    }

    fn complete(&mut self, p: Pending, code: u16) {
        if let Some(c) = p.idx.and_then(|i| self.cmds.get_mut(i)) {
            c.code = code;
        }
        if p.seq == self.count {
            self.last_code = code;
        }
        match p.kind {
            // 230 logged in (after USER alone or after PASS), 202 superfluous PASS.
            Kind::User | Kind::Pass if (code == 230 || code == 202) && self.ok.is_none() => self.ok = Some(self.attempt.clone()),
            Kind::Port(a, port) if (200..300).contains(&code) => self.expect(Some(self.srv), a, port),
            Kind::AuthTls if code == 234 => self.tls = true,
            _ => {}
        }
    }
}

struct Ftp {
    lines: [Lines; 2],
    st: State,
}

impl Dissector for Ftp {
    fn on_data(&mut self, dir: Dir, data: &[u8], ts_us: u64) {
        let st = &mut self.st;
        if st.tls_asked && dir == Dir::ToServer && lines::is_tls_handshake(data) {
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
                    Dir::ToClient => st.server_line(l, ts_us),
                }
            }
            Then::Line
        });
    }

    fn push_fields(&self, t: &mut FieldTable) {
        let (user, pass) = self.st.login();
        t.push(&fields::LOGIN, user);
        t.push(&fields::PASSWORD, pass);
        t.push(&fields::COMMAND, self.st.last_verb.as_str());
        t.push(&fields::COMMAND_RET_CODE, self.st.last_code);
        t.push(&fields::NUM_COMMANDS, self.st.count);
    }

    fn dump_lines(&self, ctx: &DumpCtx) -> Vec<String> {
        let e = super::dump_col;
        self.st
            .cmds
            .iter()
            .map(|c| format!("{} {} {} {} {} {} {} {} {}", c.ts_us / 1_000_000, ctx.cli, ctx.cport, ctx.srv, ctx.sport, e(&c.login), e(&c.verb), e(&c.arg), c.code))
            .collect()
    }

    fn take_expectations(&mut self) -> Vec<Expectation> {
        std::mem::take(&mut self.st.exp)
    }

    fn truncated(&self) -> u64 {
        self.lines.iter().map(|l| l.dropped).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftp(cli: &str, srv: &str) -> Ftp {
        let ctx = ProbeCtx { l4: 6, cport: 50003, sport: 21, cli: cli.parse().unwrap(), srv: srv.parse().unwrap(), dir: Dir::ToServer };
        Ftp { lines: [Lines::new(MAX_LINE), Lines::new(MAX_LINE)], st: State { cli: ctx.cli, srv: ctx.srv, ..State::default() } }
    }

    fn feed(d: &mut Ftp, dir: Dir, b: &[u8]) {
        d.on_data(dir, b, 1_254_722_768_000_000);
    }

    /// `ftp/zeek_ftp-ipv4.pcap` frames 4-20 and 57-58: login through a
    /// multi-line 230, PASV, PORT.
    #[test]
    fn zeek_ipv4_session() {
        let mut d = ftp("141.142.220.235", "199.233.217.249");
        feed(&mut d, Dir::ToClient, b"220 ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.\r\n");
        feed(&mut d, Dir::ToServer, b"USER anonymous\r\n");
        feed(&mut d, Dir::ToClient, b"331 Guest login ok, type your name as password.\r\n");
        feed(&mut d, Dir::ToServer, b"PASS test\r\n");
        feed(&mut d, Dir::ToClient, b"230-\r\n    The NetBSD Project FTP Server located in Redwood City, CA, USA\r\n");
        feed(&mut d, Dir::ToClient, b"    1 Gbps connectivity courtesy of\r\n331 not the end\r\n230-\r\n    EXPORT NOTICE\r\n230 Guest login ok, access restrictions apply.\r\n");
        feed(&mut d, Dir::ToServer, b"PASV\r\n");
        feed(&mut d, Dir::ToClient, b"227 Entering Passive Mode (199,233,217,249,221,90)\r\n");
        let e = d.take_expectations();
        assert_eq!(e, [Expectation { from: Some("141.142.220.235".parse().unwrap()), to: "199.233.217.249".parse().unwrap(), port: 56666, l7: L7::FTP_DATA }]);
        feed(&mut d, Dir::ToServer, b"PORT 141,142,220,235,131,46\r\n");
        assert!(d.take_expectations().is_empty(), "PORT announces on the server's 200, not before");
        feed(&mut d, Dir::ToClient, b"200 PORT command successful.\r\n");
        let e = d.take_expectations();
        assert_eq!(e, [Expectation { from: Some("199.233.217.249".parse().unwrap()), to: "141.142.220.235".parse().unwrap(), port: 33582, l7: L7::FTP_DATA }]);
        assert_eq!(d.st.login(), ("anonymous", "test"));
        assert_eq!((d.st.last_verb.as_str(), d.st.last_code, d.st.count), ("PORT", 200, 4));
        assert_eq!(d.st.cmds.iter().map(|c| c.code).collect::<Vec<_>>(), [331, 230, 227, 200]);
    }

    /// `ftp/zeek_ftp-ipv6.pcap` frames 27-28 and 90-91; a RETR with its 150
    /// and 226 replies.
    #[test]
    fn ipv6_epsv_eprt_and_preliminary_replies() {
        let (c, s) = ("2001:470:1f11:81f:c999:d94:aa7c:2e3e", "2001:470:4867:99::21");
        let mut d = ftp(c, s);
        feed(&mut d, Dir::ToServer, b"EPSV\r\n");
        feed(&mut d, Dir::ToClient, b"229 Entering Extended Passive Mode (|||57086|)\r\n");
        feed(&mut d, Dir::ToServer, b"EPRT |2|2001:470:1f11:81f:c999:d94:aa7c:2e3e|49189|\r\n");
        feed(&mut d, Dir::ToClient, b"200 EPRT command successful.\r\n");
        feed(&mut d, Dir::ToServer, b"RETR robots.txt\r\n");
        feed(&mut d, Dir::ToClient, b"150 Opening BINARY mode data connection for 'robots.txt' (77 bytes).\r\n");
        assert_eq!(d.st.last_code, 0);
        feed(&mut d, Dir::ToClient, b"226 Transfer complete.\r\n");
        let e = d.take_expectations();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].from, e[0].to, e[0].port), (Some(c.parse().unwrap()), s.parse().unwrap(), 57086));
        assert_eq!((e[1].from, e[1].to, e[1].port), (Some(s.parse().unwrap()), c.parse().unwrap(), 49189));
        assert_eq!((d.st.last_verb.as_str(), d.st.last_code), ("RETR", 226));
    }

    /// `mixed/zeek_ftp-cwd-navigation.pcap`: the 227 names the server's
    /// public address (205.167.25.101) while the control flow goes to
    /// 10.167.25.101: both are expected.
    #[test]
    fn pasv_behind_nat() {
        let mut d = ftp("10.3.22.91", "10.167.25.101");
        feed(&mut d, Dir::ToServer, b"PASV\r\n");
        feed(&mut d, Dir::ToClient, b"227 Entering Passive Mode (205,167,25,101,243,251).\r\n");
        let e: Vec<_> = d.take_expectations().iter().map(|e| (e.to.to_string(), e.port)).collect();
        assert_eq!(e, [("205.167.25.101".to_string(), 62459), ("10.167.25.101".to_string(), 62459)]);
    }

    fn feed_at(d: &mut Ftp, dir: Dir, b: &[u8], ts_us: u64) {
        d.on_data(dir, b, ts_us);
    }

    fn codes(d: &Ftp) -> Vec<(&str, u16)> {
        d.st.cmds.iter().map(|c| (c.verb.as_str(), c.code)).collect()
    }

    /// `mixed/zeek_ftp-cwd-navigation.pcap` frames 713-726: the client's
    /// RETR segment (27 bytes at relative seq 3387) is missing from the
    /// capture, so the client's next commands are handed over late, in one
    /// run, after the server's replies to them: each takes its own reply
    /// (the lost RETR's 226 is skipped), and the session goes on in step.
    #[test]
    fn replies_before_their_commands_after_a_loss() {
        let mut d = ftp("10.3.22.91", "10.167.25.101");
        feed_at(&mut d, Dir::ToServer, b"PASV\r\n", 1);
        feed_at(&mut d, Dir::ToClient, b"227 Entering Passive Mode (205,167,25,101,241,103).\r\n", 2);
        for r in ["150 Opening BINARY mode data connection for 720974-99999-2016.gz (24898 bytes)", "226 Transfer complete", "250 CWD command successful", "250 CWD command successful", "200 Type set to I", "227 Entering Passive Mode (205,167,25,101,246,107)."] {
            feed_at(&mut d, Dir::ToClient, format!("{r}\r\n").as_bytes(), 3);
        }
        feed_at(&mut d, Dir::ToServer, b"CWD ../\r\nCWD 2013\r\nTYPE I\r\nPASV\r\n", 4);
        feed_at(&mut d, Dir::ToServer, b"RETR 720976-00345-2013.gz\r\n", 5);
        feed_at(&mut d, Dir::ToClient, b"150 Opening BINARY mode data connection\r\n226 Transfer complete\r\n", 6);
        assert_eq!(codes(&d), [("PASV", 227), ("CWD", 250), ("CWD", 250), ("TYPE", 200), ("PASV", 227), ("RETR", 226)]);
        assert!(d.st.pending.is_empty() && d.st.orphans.is_empty());
    }

    /// A reply lost in a run of commands that all take the same reply: the
    /// commands left waiting although a later reply came are dropped, so
    /// the replies after do not stay shifted onto older commands.
    #[test]
    fn a_lost_reply_does_not_shift_the_rest() {
        let mut d = ftp("1.1.1.1", "2.2.2.2");
        feed_at(&mut d, Dir::ToServer, b"CWD a\r\n", 1);
        // Its 250 is lost; the client went on.
        feed_at(&mut d, Dir::ToServer, b"CWD b\r\n", 3);
        feed_at(&mut d, Dir::ToClient, b"250 ok\r\n", 4);
        for (i, c) in [b"CWD c\r\n", b"CWD d\r\n", b"CWD e\r\n"].iter().enumerate() {
            let t = 5 + 2 * i as u64;
            feed_at(&mut d, Dir::ToServer, *c, t);
            feed_at(&mut d, Dir::ToClient, b"250 ok\r\n", t + 1);
        }
        assert_eq!(codes(&d), [("CWD", 250), ("CWD", 0), ("CWD", 250), ("CWD", 250), ("CWD", 250)]);
        assert!(d.st.pending.is_empty());
    }

    #[test]
    fn failed_then_good_login_and_auth_tls() {
        let mut d = ftp("1.1.1.1", "2.2.2.2");
        feed(&mut d, Dir::ToServer, b"USER bob\r\nPASS wrong\r\n");
        feed(&mut d, Dir::ToClient, b"331 pw\r\n530 Login incorrect.\r\n");
        feed(&mut d, Dir::ToServer, b"USER alice\r\nPASS right\r\n");
        feed(&mut d, Dir::ToClient, b"331 pw\r\n230 ok\r\n");
        assert_eq!(d.st.login(), ("alice", "right"));
        assert_eq!(d.st.first, Some(("bob".into(), "wrong".into())));
        feed(&mut d, Dir::ToServer, b"AUTH TLS\r\n");
        feed(&mut d, Dir::ToClient, b"234 Proceed with negotiation.\r\n");
        feed(&mut d, Dir::ToServer, b"\x16\x03\x01\x00\x05QUIT\r\n");
        assert_eq!((d.st.count, d.st.last_verb.as_str(), d.st.last_code), (5, "AUTH", 234));
    }

    #[test]
    fn probe_by_payload() {
        let a: IpAddr = "1.1.1.1".parse().unwrap();
        let ctx = |sport| ProbeCtx { l4: 6, cport: 40000, sport, cli: a, srv: a, dir: Dir::ToClient };
        assert_eq!(probe(&ctx(21), b"220 (vsFTPd 3.0.3)\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(2121), b"220 FTP Sandbox Ready.\r\n"), Confidence::Payload);
        assert_eq!(probe(&ctx(21), b"220 host ready\r\n"), Confidence::PayloadAndPort);
        assert_eq!(probe(&ctx(2121), b"220 host ready\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(21), b"220 mx ESMTP Postfix\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(2121), b"USER x\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(2121), b"331 Password required\r\n"), Confidence::Payload);
        assert_eq!(probe(&ctx(21), b"\x00\x00\x01garbage\r\n"), Confidence::No);
        assert_eq!(probe(&ctx(21), b"SSH-2.0-OpenSSH_9.6\r\n"), Confidence::No);
    }

    #[test]
    fn flood_is_bounded() {
        let mut d = ftp("1.1.1.1", "2.2.2.2");
        feed(&mut d, Dir::ToServer, &b"PASV\r\n".repeat(5000));
        feed(&mut d, Dir::ToClient, &b"227 Entering Passive Mode (2,2,2,2,4,1)\r\n".repeat(5000));
        assert_eq!((d.st.count, d.st.cmds.len()), (5000, MAX_COMMANDS));
        assert!(d.st.pending.is_empty());
        assert_eq!(d.take_expectations().len(), MAX_EXPECTATIONS);
        feed(&mut d, Dir::ToClient, b"230-start\r\n");
        feed(&mut d, Dir::ToClient, &vec![b' '; 1 << 20]);
        assert_eq!(d.truncated(), (1 << 20) - MAX_LINE as u64);
    }
}
