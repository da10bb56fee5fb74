//! SASL (RFC 4422) user names as they cross the wire in clear-text SMTP AUTH
//! (RFC 4954), POP3 AUTH (RFC 5034) and IMAP AUTHENTICATE (RFC 9051): the
//! client's responses are base64 (RFC 4648 section 4); the mechanisms that
//! carry the user name in the clear inside them are PLAIN (RFC 4616), LOGIN
//! (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195), DIGEST-MD5 (RFC 2831),
//! XOAUTH2 (Google) and OAUTHBEARER (RFC 7628). Others yield no name.
//!
//! [`Exchange`] follows an exchange (which client line is a response, not a
//! command); [`Login`] keeps the name a session reports.
//!
//! Limits: a user name is cut at [`MAX_USER`] bytes. Passwords are never
//! kept.

/// User names longer than this are cut: RFC 5321 bounds a mailbox's local
/// part at 64 and a domain at 255 octets; 256 keeps any real login.
pub const MAX_USER: usize = 256;

/// Decodes standard base64 (padding optional, no line breaks). `None` when a
/// byte is outside the alphabet (a cancelled exchange sends `*`).
pub fn b64decode(s: &[u8]) -> Option<Vec<u8>> {
    let s = s.strip_suffix(b"==").or_else(|| s.strip_suffix(b"=")).unwrap_or(s);
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single leftover sextet cannot end a valid encoding.
    (bits < 6).then_some(out)
}

/// A SASL mechanism, as named after AUTH / AUTHENTICATE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mech {
    Plain,
    Login,
    CramMd5,
    DigestMd5,
    XOauth2,
    OauthBearer,
    Other,
}

impl Mech {
    pub fn parse(name: &[u8]) -> Mech {
        match name.to_ascii_uppercase().as_slice() {
            b"PLAIN" => Mech::Plain,
            b"LOGIN" => Mech::Login,
            b"CRAM-MD5" => Mech::CramMd5,
            b"DIGEST-MD5" => Mech::DigestMd5,
            b"XOAUTH2" => Mech::XOauth2,
            b"OAUTHBEARER" => Mech::OauthBearer,
            _ => Mech::Other,
        }
    }
}

fn name(b: &[u8]) -> Option<String> {
    (!b.is_empty()).then(|| super::lines::text(b, MAX_USER))
}

/// The user name in the `step`-th client response (0 is the initial
/// response, or the first answer to a challenge), already decoded.
pub fn user_in(mech: Mech, step: u32, msg: &[u8]) -> Option<String> {
    if step != 0 {
        return None;
    }
    match mech {
        // authzid NUL authcid NUL passwd: the authentication identity, else the authorization one.
        Mech::Plain => {
            let mut parts = msg.split(|&b| b == 0);
            let (authz, authc) = (parts.next()?, parts.next()?);
            name(authc).or_else(|| name(authz))
        }
        Mech::Login => name(msg),
        // "user hexdigest".
        Mech::CramMd5 => name(msg.get(..msg.iter().rposition(|&b| b == b' ')?)?),
        // username="..." among the response's directives.
        Mech::DigestMd5 => {
            let at = msg.windows(10).position(|w| w.eq_ignore_ascii_case(b"username=\""))? + 10;
            let rest = msg.get(at..)?;
            name(rest.get(..rest.iter().position(|&b| b == b'"')?)?)
        }
        // "user=" USER ^A "auth=Bearer " TOKEN ^A ^A
        Mech::XOauth2 => {
            let rest = msg.strip_prefix(b"user=")?;
            name(rest.get(..rest.iter().position(|&b| b == 1).unwrap_or(rest.len()))?)
        }
        // GS2 header "n,a=USER," with ',' and '=' escaped as =2C / =3D.
        Mech::OauthBearer => {
            let header = msg.get(..msg.iter().position(|&b| b == 1).unwrap_or(msg.len()))?;
            let a = header.split(|&b| b == b',').find_map(|f| f.strip_prefix(b"a="))?;
            name(a).map(|s| s.replace("=2C", ",").replace("=3D", "="))
        }
        Mech::Other => None,
    }
}

/// [`user_in`] on a base64 line; `None` when it does not decode.
pub fn user_in_b64(mech: Mech, step: u32, line: &[u8]) -> Option<String> {
    if mech == Mech::Other || step != 0 {
        return None;
    }
    user_in(mech, step, &b64decode(line)?)
}

/// A SASL exchange as the client's side shows it (RFC 4422 3): the
/// mechanism, the responses sent so far, and whether the server's last word
/// was a challenge (SMTP `334`, POP3 and IMAP `+ `), which makes the
/// client's next line a response rather than a command.
#[derive(Clone, Copy, Debug, Default)]
pub struct Exchange {
    mech: Option<Mech>,
    step: u32,
    challenged: bool,
}

impl Exchange {
    /// AUTH / AUTHENTICATE with `mech` and maybe an initial response
    /// (RFC 4954, RFC 5034): the user name that response shows.
    pub fn start(&mut self, mech: Mech, initial: Option<&[u8]>) -> Option<String> {
        *self = Exchange { mech: Some(mech), step: 0, challenged: false };
        let ir = initial?;
        self.step = 1;
        user_in_b64(mech, 0, ir)
    }

    /// The server sent a challenge.
    pub fn challenge(&mut self) {
        self.challenged = self.mech.is_some();
    }

    /// A client line: `None` when no challenge is open (the line is a
    /// command); otherwise the response's user name, if it shows one.
    pub fn response(&mut self, line: &[u8]) -> Option<Option<String>> {
        let mech = self.mech.filter(|_| std::mem::take(&mut self.challenged))?;
        let step = self.step;
        self.step += 1;
        Some(user_in_b64(mech, step, line))
    }

    /// The server's final reply ended the exchange.
    pub fn end(&mut self) {
        *self = Exchange::default();
    }
}

/// The user name a session shows: the first one the server accepted, else
/// the first one the client sent (a refused attempt still names someone).
#[derive(Clone, Debug, Default)]
pub struct Login {
    first: String,
    accepted: String,
    attempt: String,
}

impl Login {
    /// A new login attempt starts (USER, APOP, LOGIN, AUTH ...).
    pub fn begin(&mut self) {
        self.attempt.clear();
    }

    /// The client sent `name` in the attempt in progress.
    pub fn sent(&mut self, name: String) {
        if self.first.is_empty() {
            self.first.clone_from(&name);
        }
        self.attempt = name;
    }

    /// The server accepted the attempt in progress.
    pub fn accept(&mut self) {
        if self.accepted.is_empty() {
            self.accepted.clone_from(&self.attempt);
        }
    }

    pub fn accepted(&self) -> &str {
        &self.accepted
    }

    /// The name to report.
    pub fn name(&self) -> &str {
        if self.accepted.is_empty() {
            &self.first
        } else {
            &self.accepted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        for (enc, dec) in [("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg==", "foob"), ("Zm9vYmE=", "fooba"), ("Zm9vYmFy", "foobar"), ("Zm9vYg", "foob")] {
            assert_eq!(b64decode(enc.as_bytes()).as_deref(), Some(dec.as_bytes()), "{enc}");
        }
        assert_eq!(b64decode(b"*"), None);
        assert_eq!(b64decode(b"Zm9v\r"), None);
        assert_eq!(b64decode(b"Z"), None);
        assert_eq!(b64decode(&[0xff, b'A']), None);
    }

    /// `smtp/zeek_smtp.pcap` frame 12: the AUTH LOGIN user name line.
    #[test]
    fn login_from_zeek_smtp() {
        assert_eq!(user_in_b64(Mech::Login, 0, b"Z3VycGFydGFwQHBhdHJpb3RzLmlu").as_deref(), Some("gurpartap@patriots.in"));
        // Frame 14 is the password: never a user name.
        assert_eq!(user_in_b64(Mech::Login, 1, b"cHVuamFiQDEyMw=="), None);
    }

    /// `pop3/ndpi_pop3.pcap` frame 104: AUTH PLAIN response.
    #[test]
    fn plain_from_ndpi_pop3() {
        let line = b"AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcjEyMw==";
        assert_eq!(user_in_b64(Mech::Plain, 0, line).as_deref(), Some("digitalinvestigator@networksims.com"));
        assert_eq!(user_in(Mech::Plain, 0, b"admin\0\0pw").as_deref(), Some("admin"));
        assert_eq!(user_in(Mech::Plain, 0, b"no-nul"), None);
    }

    /// `pop3/suricata_pop3-auth-01.pcap` frame 12: XOAUTH2 response.
    #[test]
    fn xoauth2_from_suricata_pop3() {
        let line = b"dXNlcj1qb2Uuc3BlZWRib2F0AWF1dGg9QmVhcmVyIEFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUEBAQ==";
        assert_eq!(user_in_b64(Mech::XOauth2, 0, line).as_deref(), Some("joe.speedboat"));
    }

    /// RFC 7628 section 4.1, RFC 2195 section 2 and RFC 2831 section 4 examples.
    #[test]
    fn rfc_examples() {
        assert_eq!(
            user_in(Mech::OauthBearer, 0, b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01").as_deref(),
            Some("user@example.com")
        );
        assert_eq!(user_in_b64(Mech::CramMd5, 0, b"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw").as_deref(), Some("tim"));
        assert_eq!(
            user_in(Mech::DigestMd5, 0, b"charset=utf-8,username=\"chris\",realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\"").as_deref(),
            Some("chris")
        );
        assert_eq!(user_in(Mech::Other, 0, b"x"), None);
    }

    /// `smtp/zeek_smtp.pcap` frames 10-15: AUTH LOGIN, two challenges, the
    /// name then the password; a line without a challenge is a command.
    #[test]
    fn exchange_and_login() {
        let (mut x, mut l) = (Exchange::default(), Login::default());
        assert_eq!(x.response(b"EHLO GP"), None);
        l.begin();
        assert_eq!(x.start(Mech::Login, None), None);
        assert_eq!(x.response(b"Z3VycGFydGFwQHBhdHJpb3RzLmlu"), None, "no challenge yet");
        x.challenge();
        let u = x.response(b"Z3VycGFydGFwQHBhdHJpb3RzLmlu").unwrap().unwrap();
        l.sent(u);
        x.challenge();
        assert_eq!(x.response(b"cHVuamFiQDEyMw=="), Some(None));
        assert_eq!(l.name(), "gurpartap@patriots.in");
        assert_eq!(l.accepted(), "");
        l.accept();
        x.end();
        x.challenge();
        assert_eq!(x.response(b"QUIT"), None, "no exchange, no challenge");
        // A later refused attempt changes nothing.
        l.begin();
        l.sent("other".into());
        assert_eq!((l.name(), l.accepted()), ("gurpartap@patriots.in", "gurpartap@patriots.in"));
        // `pop3/ndpi_pop3.pcap` frame 104's response, as an initial response.
        assert_eq!(x.start(Mech::Plain, Some(b"AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcjEyMw==")).as_deref(), Some("digitalinvestigator@networksims.com"));
    }

    #[test]
    fn long_names_are_cut() {
        let long = vec![b'a'; 10_000];
        assert_eq!(user_in(Mech::Login, 0, &long).map(|s| s.len()), Some(MAX_USER));
    }
}
