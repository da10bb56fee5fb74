//! Layer-7 protocol ids, nDPI's numbering (`ndpi_protocol_ids.h`), as nProbe
//! exports them in `L7_PROTO` / `L7_PROTO_NAME`.

use super::Proto;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L7 {
    pub id: u16,
    pub name: &'static str,
}

impl Default for L7 {
    fn default() -> Self {
        L7::UNKNOWN
    }
}

impl L7 {
    pub const UNKNOWN: L7 = L7 { id: 0, name: "Unknown" };
    pub const FTP_CONTROL: L7 = L7 { id: 1, name: "FTP_CONTROL" };
    pub const POP3: L7 = L7 { id: 2, name: "POP3" };
    pub const SMTP: L7 = L7 { id: 3, name: "SMTP" };
    pub const IMAP: L7 = L7 { id: 4, name: "IMAP" };
    pub const DNS: L7 = L7 { id: 5, name: "DNS" };
    pub const HTTP: L7 = L7 { id: 7, name: "HTTP" };
    pub const MDNS: L7 = L7 { id: 8, name: "MDNS" };
    pub const DHCP: L7 = L7 { id: 18, name: "DHCP" };
    pub const SIP: L7 = L7 { id: 100, name: "SIP" };
    pub const RADIUS: L7 = L7 { id: 146, name: "Radius" };
    pub const GTP: L7 = L7 { id: 152, name: "GTP" };
    pub const LLMNR: L7 = L7 { id: 154, name: "LLMNR" };
    pub const FTP_DATA: L7 = L7 { id: 175, name: "FTP_DATA" };
    pub const GTP_U: L7 = L7 { id: 271, name: "GTP_U" };
    pub const GTP_C: L7 = L7 { id: 272, name: "GTP_C" };

    /// The id a plugin's protocol is detected as by default.
    pub fn of(p: Proto) -> L7 {
        match p {
            Proto::Dhcp => L7::DHCP,
            Proto::Dns => L7::DNS,
            Proto::Ftp => L7::FTP_CONTROL,
            Proto::Gtpv1 => L7::GTP,
            Proto::Http => L7::HTTP,
            Proto::Imap => L7::IMAP,
            Proto::Pop => L7::POP3,
            Proto::Radius => L7::RADIUS,
            Proto::Sip => L7::SIP,
            Proto::Smtp => L7::SMTP,
        }
    }
}
