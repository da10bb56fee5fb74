//! The ten plugins' names as nProbe spells them in its Lua contract.

/// A protocol plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proto {
    Dhcp,
    Dns,
    Ftp,
    Gtpv1,
    Http,
    Imap,
    Pop,
    Radius,
    Sip,
    Smtp,
}

impl Proto {
    pub const ALL: [Proto; 10] =
        [Proto::Dhcp, Proto::Dns, Proto::Ftp, Proto::Gtpv1, Proto::Http, Proto::Imap, Proto::Pop, Proto::Radius, Proto::Sip, Proto::Smtp];

    /// The Lua global table name and key prefix: `dns`, `gtpv1`, ...
    pub fn name(self) -> &'static str {
        match self {
            Proto::Dhcp => "dhcp",
            Proto::Dns => "dns",
            Proto::Ftp => "ftp",
            Proto::Gtpv1 => "gtpv1",
            Proto::Http => "http",
            Proto::Imap => "imap",
            Proto::Pop => "pop",
            Proto::Radius => "radius",
            Proto::Sip => "sip",
            Proto::Smtp => "smtp",
        }
    }

    /// The hook function nProbe looks for: `checkDNSFlow`, ...
    pub fn check_fn(self) -> &'static str {
        match self {
            Proto::Dhcp => "checkDHCPFlow",
            Proto::Dns => "checkDNSFlow",
            Proto::Ftp => "checkFTPFlow",
            Proto::Gtpv1 => "checkGTPV1Flow",
            Proto::Http => "checkHTTPFlow",
            Proto::Imap => "checkIMAPFlow",
            Proto::Pop => "checkPOPFlow",
            Proto::Radius => "checkRADIUSFlow",
            Proto::Sip => "checkSIPFlow",
            Proto::Smtp => "checkSMTPFlow",
        }
    }

    /// Parses a plugin name as given to `--plugins` (case-insensitive; `pop3` accepted).
    pub fn parse(s: &str) -> Option<Proto> {
        let s = s.to_ascii_lowercase();
        Proto::ALL.into_iter().find(|p| p.name() == s || (s == "pop3" && *p == Proto::Pop))
    }
}
