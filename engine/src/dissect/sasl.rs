//! SASL (RFC 4422) user names as they cross the wire in clear-text SMTP AUTH
//! (RFC 4954), POP3 AUTH (RFC 5034) and IMAP AUTHENTICATE (RFC 9051): the
//! client's responses are base64 (RFC 4648 section 4); the mechanisms that
//! carry the user name in the clear inside them are PLAIN (RFC 4616), LOGIN
//! (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195), DIGEST-MD5 (RFC 2831),
//! XOAUTH2 (Google) and OAUTHBEARER (RFC 7628). Others yield no name.
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

    #[test]
    fn long_names_are_cut() {
        let long = vec![b'a'; 10_000];
        assert_eq!(user_in(Mech::Login, 0, &long).map(|s| s.len()), Some(MAX_USER));
    }
}
