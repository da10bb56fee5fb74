//! GTPv1 message parser (3GPP TS 29.060): the header of §6 with its optional
//! sequence/N-PDU/next-extension fields and extension-header chain, and the
//! information elements of §7.7 that the plugin reports (Cause, IMSI, RAI,
//! TEID Data I, TEID C-plane, End User Address, APN, MSISDN, ULI, IMEI(SV)).
//! Zero-copy over the datagram; only the reported values are decoded.
//!
//! IEs come in two shapes: TV (type < 128), whose value length is fixed by
//! its type ([`tv_len`]), and TLV (type >= 128) with a 2-byte length. An
//! unknown TV type cannot be skipped (its length is not on the wire), so the
//! walk stops there, flagged; so it does at [`MAX_IES`] or at the end of the
//! bytes. Anomalies are flags, never errors: what was parsed before stays.
//!
//! Limits: GTPv1 version only, with the PT bit (GTP' and GTPv0/v2 are other
//! protocols); the inner packet of a G-PDU is not looked at.

use std::net::Ipv4Addr;

use crate::bytes::{be16, be32};

use super::tbcd;

/// The mandatory part of the header: flags, type, length, TEID.
pub const HEADER_LEN: usize = 8;
/// Sequence number, N-PDU number and next extension type, present as a
/// whole when any of the E, S or PN flags is set (TS 29.060 §6).
pub const OPT_LEN: usize = 4;
/// Extension headers followed per message: TS 29.060 §6.1 defines five
/// types; a longer chain is malformed, not a reason to keep walking.
pub const MAX_EXT_HEADERS: usize = 16;
/// Information elements walked per message: a Create PDP Context Request,
/// the largest common message, has about 30; 512 leaves room for repeated
/// private extensions and bounds the work on crafted input.
pub const MAX_IES: usize = 512;
/// Longest APN kept: TS 23.003 §9.1 limits an APN to 100 octets.
pub const MAX_APN_LEN: usize = 100;

/// Message type of a G-PDU (user data, GTP-U).
pub const G_PDU: u8 = 255;

/// What a message is in a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Expects a response of type + 1 with the same sequence number.
    Request,
    Response,
    /// A signalling message outside the request/response pattern
    /// (notifications, acknowledgements, Error Indication, End Marker).
    Unpaired,
    /// G-PDU.
    Data,
}

/// GTPv1 message types (TS 29.060 Table 1), without GTP' (240, 241, which
/// runs with PT = 0).
const MESSAGES: &[(u8, &str, Kind)] = {
    use Kind::*;
    &[
        (1, "Echo_Request", Request),
        (2, "Echo_Response", Response),
        (3, "Version_Not_Supported", Response),
        (4, "Node_Alive_Request", Request),
        (5, "Node_Alive_Response", Response),
        (6, "Redirection_Request", Request),
        (7, "Redirection_Response", Response),
        (16, "Create_PDP_Context_Request", Request),
        (17, "Create_PDP_Context_Response", Response),
        (18, "Update_PDP_Context_Request", Request),
        (19, "Update_PDP_Context_Response", Response),
        (20, "Delete_PDP_Context_Request", Request),
        (21, "Delete_PDP_Context_Response", Response),
        (22, "Initiate_PDP_Context_Activation_Request", Request),
        (23, "Initiate_PDP_Context_Activation_Response", Response),
        (26, "Error_Indication", Unpaired),
        (27, "PDU_Notification_Request", Request),
        (28, "PDU_Notification_Response", Response),
        (29, "PDU_Notification_Reject_Request", Request),
        (30, "PDU_Notification_Reject_Response", Response),
        (31, "Supported_Extension_Headers_Notification", Unpaired),
        (32, "Send_Routeing_Information_for_GPRS_Request", Request),
        (33, "Send_Routeing_Information_for_GPRS_Response", Response),
        (34, "Failure_Report_Request", Request),
        (35, "Failure_Report_Response", Response),
        (36, "Note_MS_GPRS_Present_Request", Request),
        (37, "Note_MS_GPRS_Present_Response", Response),
        (48, "Identification_Request", Request),
        (49, "Identification_Response", Response),
        (50, "SGSN_Context_Request", Request),
        (51, "SGSN_Context_Response", Response),
        (52, "SGSN_Context_Acknowledge", Unpaired),
        (53, "Forward_Relocation_Request", Request),
        (54, "Forward_Relocation_Response", Response),
        (55, "Forward_Relocation_Complete", Unpaired),
        (56, "Relocation_Cancel_Request", Request),
        (57, "Relocation_Cancel_Response", Response),
        (58, "Forward_SRNS_Context", Unpaired),
        (59, "Forward_Relocation_Complete_Acknowledge", Unpaired),
        (60, "Forward_SRNS_Context_Acknowledge", Unpaired),
        (61, "UE_Registration_Query_Request", Request),
        (62, "UE_Registration_Query_Response", Response),
        (70, "RAN_Information_Relay", Unpaired),
        (96, "MBMS_Notification_Request", Request),
        (97, "MBMS_Notification_Response", Response),
        (98, "MBMS_Notification_Reject_Request", Request),
        (99, "MBMS_Notification_Reject_Response", Response),
        (100, "Create_MBMS_Context_Request", Request),
        (101, "Create_MBMS_Context_Response", Response),
        (102, "Update_MBMS_Context_Request", Request),
        (103, "Update_MBMS_Context_Response", Response),
        (104, "Delete_MBMS_Context_Request", Request),
        (105, "Delete_MBMS_Context_Response", Response),
        (112, "MBMS_Registration_Request", Request),
        (113, "MBMS_Registration_Response", Response),
        (114, "MBMS_De-Registration_Request", Request),
        (115, "MBMS_De-Registration_Response", Response),
        (116, "MBMS_Session_Start_Request", Request),
        (117, "MBMS_Session_Start_Response", Response),
        (118, "MBMS_Session_Stop_Request", Request),
        (119, "MBMS_Session_Stop_Response", Response),
        (120, "MBMS_Session_Update_Request", Request),
        (121, "MBMS_Session_Update_Response", Response),
        (128, "MS_Info_Change_Notification_Request", Request),
        (129, "MS_Info_Change_Notification_Response", Response),
        (254, "End_Marker", Unpaired),
        (255, "G-PDU", Data),
    ]
};

/// [`MESSAGES`] indexed by type: [`kind`] runs on every G-PDU.
const KINDS: [Option<Kind>; 256] = {
    let mut k = [None; 256];
    let mut i = 0;
    while i < MESSAGES.len() {
        k[MESSAGES[i].0 as usize] = Some(MESSAGES[i].2);
        i += 1;
    }
    k
};

/// Kind of a known message type, `None` for types TS 29.060 does not define.
pub fn kind(t: u8) -> Option<Kind> {
    KINDS[usize::from(t)]
}

/// Name of a message type for the dump (`Create_PDP_Context_Request`).
pub fn name(t: u8) -> &'static str {
    MESSAGES.iter().find(|m| m.0 == t).map_or("Unknown", |m| m.1)
}

/// Path management (TS 29.060 §7.2): keep-alives and version handling
/// between GSNs, not about a subscriber.
pub fn is_path_management(t: u8) -> bool {
    matches!(t, 1..=7 | 31)
}

/// Value length of a TV information element (TS 29.060 §7.7, Table 37),
/// `None` for TV types the spec does not define. RAB Context is 9 since
/// Release 6 (2-octet PDCP sequence numbers; R99 had 7), as Wireshark reads it.
pub fn tv_len(t: u8) -> Option<usize> {
    Some(match t {
        1 => 1,   // Cause
        2 => 8,   // IMSI
        3 => 6,   // Routeing Area Identity
        4 => 4,   // TLLI
        5 => 4,   // P-TMSI
        8 => 1,   // Reordering Required
        9 => 28,  // Authentication Triplet
        11 => 1,  // MAP Cause
        12 => 3,  // P-TMSI Signature
        13 => 1,  // MS Validated
        14 => 1,  // Recovery
        15 => 1,  // Selection Mode
        16 => 4,  // TEID Data I
        17 => 4,  // TEID Control Plane
        18 => 5,  // TEID Data II
        19 => 1,  // Teardown Ind
        20 => 1,  // NSAPI
        21 => 1,  // RANAP Cause
        22 => 9,  // RAB Context
        23 => 1,  // Radio Priority SMS
        24 => 1,  // Radio Priority
        25 => 2,  // Packet Flow Id
        26 => 2,  // Charging Characteristics
        27 => 2,  // Trace Reference
        28 => 2,  // Trace Type
        29 => 1,  // MS Not Reachable Reason
        127 => 4, // Charging ID
        _ => return None,
    })
}

/// IE types read (TS 29.060 §7.7).
mod ie {
    pub const CAUSE: u8 = 1;
    pub const IMSI: u8 = 2;
    pub const RAI: u8 = 3;
    pub const TEID_DATA_I: u8 = 16;
    pub const TEID_CTRL: u8 = 17;
    pub const END_USER_ADDRESS: u8 = 128;
    pub const APN: u8 = 131;
    pub const MSISDN: u8 = 134;
    pub const ULI: u8 = 152;
    pub const IMEI_SV: u8 = 154;
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub msg_type: u8,
    /// Bytes after the mandatory 8-byte header.
    pub length: u16,
    pub teid: u32,
    pub e: bool,
    pub s: bool,
    pub pn: bool,
    /// Optional fields, 0 when absent (as Zeek reports them).
    pub seq: u16,
    pub n_pdu: u8,
    pub next_type: u8,
    /// Offset of the body (IEs or T-PDU), after the extension headers.
    pub body: usize,
}

/// Parses a GTPv1 header (version 1, PT = 1). `None` when the bytes are
/// not one or end inside it or its extension headers.
pub fn parse_header(b: &[u8]) -> Option<Header> {
    let h = b.get(..HEADER_LEN)?;
    let flags = h[0];
    if flags >> 5 != 1 || flags & 0x10 == 0 {
        return None;
    }
    let mut hd = Header {
        msg_type: h[1],
        length: u16::from_be_bytes([h[2], h[3]]),
        teid: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
        e: flags & 0x04 != 0,
        s: flags & 0x02 != 0,
        pn: flags & 0x01 != 0,
        body: HEADER_LEN,
        ..Header::default()
    };
    if !(hd.e || hd.s || hd.pn) {
        return Some(hd);
    }
    let o = b.get(HEADER_LEN..HEADER_LEN + OPT_LEN)?;
    hd.seq = u16::from_be_bytes([o[0], o[1]]);
    hd.n_pdu = o[2];
    hd.next_type = o[3];
    hd.body = HEADER_LEN + OPT_LEN;
    if !hd.e {
        return Some(hd);
    }
    // Each extension header: length in 4-octet units (including the length
    // and next-type octets), contents, next type as its last octet.
    let mut next = hd.next_type;
    let mut n = 0;
    while next != 0 {
        n += 1;
        let units = usize::from(*b.get(hd.body)?);
        if units == 0 || n > MAX_EXT_HEADERS {
            return None;
        }
        hd.body += 4 * units;
        next = *b.get(hd.body - 1)?;
    }
    Some(hd)
}

/// How a payload fits the GTPv1 shape (used by the detection probe).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    No,
    /// A known message whose length field matches the datagram exactly.
    Exact,
    /// A known message whose length field says more bytes than there are:
    /// a capture cut by its snap length.
    Cut,
}

/// Version 1 with the PT bit, a message type TS 29.060 defines, and a
/// length field consistent with the bytes. A cut message must also look
/// right as far as it goes (a G-PDU's inner packet starts as IPv4 or IPv6,
/// IEs walk without an unknown TV type), since its length proves nothing.
pub fn shape(b: &[u8]) -> Shape {
    let Some(h) = parse_header(b) else { return Shape::No };
    let end = HEADER_LEN + usize::from(h.length);
    if kind(h.msg_type).is_none() || h.body > end {
        return Shape::No;
    }
    match end.cmp(&b.len()) {
        std::cmp::Ordering::Equal => Shape::Exact,
        std::cmp::Ordering::Less => Shape::No,
        std::cmp::Ordering::Greater => {
            let plausible = if h.msg_type == G_PDU {
                b.get(h.body).is_none_or(|v| matches!(v >> 4, 4 | 6))
            } else {
                parse(b).is_some_and(|m| !m.flags.unknown_tv && !m.flags.bad_ie)
            };
            if plausible {
                Shape::Cut
            } else {
                Shape::No
            }
        }
    }
}

/// A location from a RAI or ULI IE (TS 24.008 §10.5.5.15, TS 29.060 §7.7.51).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub mcc: String,
    pub mnc: String,
    pub lac: u16,
    /// RAI, or ULI of type RAI.
    pub rac: Option<u8>,
    /// ULI of type CGI.
    pub ci: Option<u16>,
    /// ULI of type SAI.
    pub sac: Option<u16>,
}

/// Oddities seen while parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// The length field says more bytes than the datagram has.
    pub truncated: bool,
    /// Bytes after the message's length.
    pub trailing: bool,
    /// The IE walk stopped at a TV type of unknown length.
    pub unknown_tv: bool,
    /// The IE walk stopped at [`MAX_IES`].
    pub too_many_ies: bool,
    /// An IE's value does not have its type's shape (kept out).
    pub bad_ie: bool,
}

/// The reported IEs of one message (the first of each type).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ies {
    pub cause: Option<u8>,
    pub imsi: String,
    pub rai: Option<Location>,
    pub teid_data: Option<u32>,
    pub teid_ctrl: Option<u32>,
    pub end_user_ipv4: Option<Ipv4Addr>,
    pub apn: String,
    pub msisdn: String,
    pub imei: String,
    pub uli: Option<Location>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub ies: Ies,
    pub flags: Flags,
    /// Bytes of the message the IE walk did not get to.
    pub unparsed: usize,
}

fn location(v: &[u8]) -> Option<Location> {
    let p = v.get(..3)?;
    let (mcc, mnc) = tbcd::plmn([p[0], p[1], p[2]]);
    Some(Location { mcc, mnc, lac: be16(v, 3)?, ..Location::default() })
}

/// APN (TS 23.003 §9.1): length-prefixed labels, shown dotted. Printable
/// ASCII as is, other bytes (and `.` inside a label) escaped `\ddd` as DNS
/// names are. `None` when a label runs past the value or the value is longer
/// than [`MAX_APN_LEN`].
fn apn(v: &[u8]) -> Option<String> {
    if v.len() > MAX_APN_LEN {
        return None;
    }
    let mut s = String::new();
    let mut p = 0;
    while let Some(&len) = v.get(p) {
        let label = v.get(p + 1..p + 1 + usize::from(len))?;
        if !s.is_empty() {
            s.push('.');
        }
        for &c in label {
            if (0x21..0x7f).contains(&c) && c != b'.' && c != b'\\' {
                s.push(char::from(c));
            } else {
                s.push_str(&format!("\\{c:03}"));
            }
        }
        p += 1 + usize::from(len);
    }
    Some(s)
}

/// Decodes one IE value into `ies` (first occurrence of each type wins).
fn read_ie(t: u8, v: &[u8], ies: &mut Ies, flags: &mut Flags) {
    let mut bad = false;
    match t {
        ie::CAUSE => ies.cause = ies.cause.or(v.first().copied()),
        ie::IMSI if ies.imsi.is_empty() => ies.imsi = tbcd::decode(v),
        ie::RAI if ies.rai.is_none() => {
            ies.rai = location(v).map(|l| Location { rac: v.get(5).copied(), ..l });
        }
        ie::TEID_DATA_I => ies.teid_data = ies.teid_data.or(be32(v, 0)),
        ie::TEID_CTRL => ies.teid_ctrl = ies.teid_ctrl.or(be32(v, 0)),
        ie::END_USER_ADDRESS if ies.end_user_ipv4.is_none() => {
            // PDP type organisation IETF (1); number 0x21 IPv4, or 0x8D
            // IPv4v6 with the IPv4 address first (6 or 22 octets with both).
            let ietf = v.first().is_some_and(|o| o & 0x0f == 1);
            let v4 = match v.get(1) {
                Some(0x21) => v.len() == 6,
                Some(0x8d) => v.len() == 6 || v.len() == 22,
                _ => false,
            };
            if ietf && v4 {
                ies.end_user_ipv4 = v.get(2..6).map(|a| Ipv4Addr::new(a[0], a[1], a[2], a[3]));
            }
        }
        ie::APN if ies.apn.is_empty() => match apn(v) {
            Some(a) => ies.apn = a,
            None => bad = true,
        },
        ie::MSISDN if ies.msisdn.is_empty() => ies.msisdn = v.get(1..).map(tbcd::decode).unwrap_or_default(),
        ie::ULI if ies.uli.is_none() => {
            let loc = v.get(1..).and_then(location);
            ies.uli = match (v.first(), loc) {
                (Some(0), Some(l)) => Some(Location { ci: be16(v, 6), ..l }),
                (Some(1), Some(l)) => Some(Location { sac: be16(v, 6), ..l }),
                (Some(2), Some(l)) => Some(Location { rac: v.get(6).copied(), ..l }),
                _ => {
                    bad = true;
                    None
                }
            };
        }
        ie::IMEI_SV if ies.imei.is_empty() => ies.imei = tbcd::decode(v),
        _ => {}
    }
    flags.bad_ie |= bad;
}

/// Parses a GTPv1 message. `None` when the header is not GTPv1's.
pub fn parse(b: &[u8]) -> Option<Message> {
    let header = parse_header(b)?;
    let mut m = Message { header, ..Message::default() };
    let declared = HEADER_LEN + usize::from(header.length);
    m.flags.truncated = declared > b.len();
    m.flags.trailing = declared < b.len();
    let end = declared.min(b.len());
    if header.msg_type == G_PDU {
        return Some(m);
    }
    let mut pos = header.body;
    let mut n = 0;
    while pos < end {
        n += 1;
        if n > MAX_IES {
            m.flags.too_many_ies = true;
            break;
        }
        let Some(&t) = b.get(pos) else { break };
        let (val_at, len) = if t >= 128 {
            let Some(len) = be16(b, pos + 1).filter(|_| pos + 3 <= end) else {
                m.flags.truncated = true;
                break;
            };
            (pos + 3, usize::from(len))
        } else {
            let Some(len) = tv_len(t) else {
                m.flags.unknown_tv = true;
                break;
            };
            (pos + 1, len)
        };
        let Some(v) = b.get(val_at..val_at + len).filter(|_| val_at + len <= end) else {
            m.flags.truncated = true;
            break;
        };
        read_ie(t, v, &mut m.ies, &mut m.flags);
        pos = val_at + len;
    }
    m.unparsed = end.saturating_sub(pos);
    Some(m)
}

/// Real messages from the shared captures, for the tests of this plugin.
#[cfg(test)]
pub(crate) mod samples {
    /// `gtpv1/zeek_gtp_create_pdp_ctx.pcap` frame 2 (UDP payload, 34273 -> 2123):
    /// Create PDP Context Request.
    pub const CREATE_REQ: &str = "3210008900000000130b00000264004001000001f10364f060fffeff0eb00ffd1032f02bf91132f02bf91405800002f1218300070665657465737484001a8080211601010016030600000000810600000000830600000000850004c0a96401850004c0a9640186000891685122010001f187000c021b421f738c4040744b4040970001029900022320ff00052aab020103";
    /// Same capture, frame 3 (2123 -> 34273): Create PDP Context Response.
    pub const CREATE_RSP: &str = "3211006532f02bf9130b0000018008fe0e181010000085111000008014057f0623a7c9800006f121c0a8fc82840021808021100401001081060000000083060000000080210a0301000a0306c0a8fc828500040a64c8228500040a64c83187000c021b421f738c4040744b4040";
    /// `gtpv1/ndpi_ipv6_in_gtp.pcap` frame 1 (UDP payload, 2152 -> 2152):
    /// a G-PDU carrying IPv6/UDP.
    pub const GPDU_V6: &str = "30ff005c12808fb86008b852003411402607fc204052039e490aea4d17fee09cfd00976abc67193e0000000000000007bfe0643a00343748806e1597c35ac22f32b5ab35f3f8171e4e61ee025025e03ece7388f973f214ffdbb74b976c6da896cf2e4ac4";
    /// `gtpv1/zeek_gtp_ext_header.pcap`, the reassembled datagram of frames
    /// 1-2 (9000 -> 2152), its first 40 of 1516 bytes: a G-PDU with the E
    /// and S flags and a PDCP PDU number extension header (type 0xc0).
    pub const GPDU_EXT_HEAD: &str = "36ff05e400100657000500c001090400450005dcdcfa40003f06d2e70a9bb6ca0a9bba39a2271775";
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// tshark: e212.imsi 460004100000101, gtp.apn eetest, e164.msisdn
    /// 8615221000101, gtp.teid_cp = gtp.teid_data = 0x32f02bf9; Zeek's
    /// pdp_ctx_messages baseline: rai mcc=460 mnc=6 lac=65534 rac=255.
    #[test]
    fn create_pdp_context_request() {
        let b = hex(CREATE_REQ);
        assert_eq!(shape(&b), Shape::Exact);
        let m = parse(&b).unwrap();
        let h = m.header;
        assert_eq!((h.msg_type, h.length, h.teid, h.s, h.seq, h.body), (16, 137, 0, true, 4875, 12));
        assert_eq!(m.flags, Flags::default());
        assert_eq!(m.unparsed, 0);
        let i = &m.ies;
        assert_eq!((i.imsi.as_str(), i.apn.as_str(), i.msisdn.as_str()), ("460004100000101", "eetest", "8615221000101"));
        assert_eq!((i.teid_data, i.teid_ctrl, i.cause, i.end_user_ipv4), (Some(0x32f02bf9), Some(0x32f02bf9), None, None));
        assert_eq!(i.rai, Some(Location { mcc: "460".into(), mnc: "06".into(), lac: 65534, rac: Some(255), ..Location::default() }));
        assert_eq!((i.imei.as_str(), i.uli.as_ref()), ("", None));
        assert_eq!(kind(h.msg_type), Some(Kind::Request));
    }

    /// tshark: gtp.teid 0x32f02bf9, gtp.teid_cp 0x10000080, gtp.teid_data
    /// 0x10000085, gtp.user_ipv4 192.168.252.130; Cause 128 (Request accepted).
    #[test]
    fn create_pdp_context_response() {
        let b = hex(CREATE_RSP);
        assert_eq!(shape(&b), Shape::Exact);
        let m = parse(&b).unwrap();
        assert_eq!((m.header.msg_type, m.header.teid, m.header.seq), (17, 0x32f02bf9, 4875));
        assert_eq!(m.flags, Flags::default());
        let i = &m.ies;
        assert_eq!((i.cause, i.teid_data, i.teid_ctrl), (Some(128), Some(0x10000085), Some(0x10000080)));
        assert_eq!(i.end_user_ipv4, Some(Ipv4Addr::new(192, 168, 252, 130)));
        assert_eq!((i.imsi.as_str(), i.apn.as_str()), ("", ""));
    }

    /// tshark: gtp.message 0xff, gtp.teid 0x12808fb8; length 92 = 100 - 8.
    #[test]
    fn g_pdu() {
        let b = hex(GPDU_V6);
        assert_eq!(shape(&b), Shape::Exact);
        let m = parse(&b).unwrap();
        assert_eq!((m.header.msg_type, m.header.length, m.header.teid, m.header.body), (255, 92, 0x12808fb8, 8));
        assert_eq!((m.ies.clone(), m.flags), (Ies::default(), Flags::default()));
        assert_eq!(kind(255), Some(Kind::Data));
    }

    /// Zeek's `zeek_gtp_ext_header.pcap.zeek-events.out`: version=1,
    /// pt_flag=T, e_flag=T, s_flag=T, pn_flag=F, msg_type=255, length=1508,
    /// teid=1050199, seq=5, n_pdu=0, next_type=192. The inner IPv4 header
    /// (0x45) starts after the 4-byte extension header.
    #[test]
    fn extension_header_chain() {
        let b = hex(GPDU_EXT_HEAD);
        let h = parse_header(&b).unwrap();
        assert_eq!((h.e, h.s, h.pn), (true, true, false));
        assert_eq!((h.msg_type, h.length, h.teid, h.seq, h.n_pdu, h.next_type), (255, 1508, 1050199, 5, 0, 192));
        assert_eq!(h.body, 16);
        assert_eq!(b[h.body], 0x45);
        // 40 of 1516 bytes: a cut capture, not a mismatch.
        assert_eq!(shape(&b), Shape::Cut);
        assert!(parse(&b).unwrap().flags.truncated);
    }

    #[test]
    fn broken_extension_chains_are_refused() {
        let mut b = hex(GPDU_EXT_HEAD);
        b[12] = 0; // extension length 0
        assert_eq!(parse_header(&b), None);
        // A chain that never ends: every header says "another follows".
        let mut c = hex(GPDU_EXT_HEAD)[..12].to_vec();
        for _ in 0..40 {
            c.extend_from_slice(&[1, 0, 0, 0xc0]);
        }
        assert_eq!(parse_header(&c), None);
    }

    #[test]
    fn not_gtpv1() {
        // GTPv2-C echo request (version 2), GTP' (PT = 0), an unknown type.
        assert_eq!(shape(&hex("4001000400000100")), Shape::No);
        assert_eq!(shape(&hex("2e01000400000100")), Shape::No);
        assert_eq!(shape(&hex("3209000400000000000000")), Shape::No);
        // A known type with a length shorter than the datagram.
        assert_eq!(shape(&hex("30010000000000000000ff")), Shape::No);
        // The S flag set but the length too short for the optional fields.
        assert_eq!(shape(&hex("320100000000000000000000")), Shape::No);
        assert_eq!(shape(b"GET / HTTP/1.1\r\n"), Shape::No);
        assert_eq!(shape(&[]), Shape::No);
    }

    /// An unknown TV type stops the walk; what came before is kept.
    #[test]
    fn unknown_tv_type_stops_the_walk() {
        let mut b = hex(CREATE_RSP);
        b[14] = 0x0a; // the Reordering Required IE becomes type 10 (spare)
        let m = parse(&b).unwrap();
        assert!(m.flags.unknown_tv);
        assert_eq!(m.ies.cause, Some(128));
        assert_eq!(m.ies.teid_data, None);
        assert_eq!(m.unparsed, b.len() - 14);
    }

    /// A TLV length past the message end is flagged, not read.
    #[test]
    fn tlv_past_the_end() {
        let mut b = hex(CREATE_REQ);
        b[45] = 0xff; // End User Address length 0xff02
        let m = parse(&b).unwrap();
        assert!(m.flags.truncated);
        assert_eq!(m.ies.teid_ctrl, Some(0x32f02bf9));
        assert_eq!(m.ies.apn, "");
    }

    #[test]
    fn ie_walk_is_bounded() {
        // A Create PDP Context Request with 10000 Recovery IEs.
        let mut b = hex("3210000000000000130b0000");
        for _ in 0..10_000 {
            b.extend_from_slice(&[14, 0]);
        }
        let len = (b.len() - HEADER_LEN) as u16;
        b[2..4].copy_from_slice(&len.to_be_bytes());
        let m = parse(&b).unwrap();
        assert!(m.flags.too_many_ies);
        assert_eq!(m.unparsed, b.len() - 12 - 2 * MAX_IES);
    }

    /// Each request's response is the next type (TS 29.060 Table 1).
    #[test]
    fn message_table_pairs() {
        for &(t, n, k) in MESSAGES {
            assert_eq!((kind(t), name(t)), (Some(k), n));
            if k == Kind::Request {
                assert_eq!(kind(t + 1), Some(Kind::Response), "{n}");
            }
        }
        assert_eq!((kind(0), kind(200), name(200)), (None, None, "Unknown"));
    }

    #[test]
    fn tv_lengths_of_the_reported_ies() {
        assert_eq!([1, 2, 3, 16, 17].map(tv_len), [Some(1), Some(8), Some(6), Some(4), Some(4)]);
        assert_eq!([0, 6, 7, 10, 30, 126].map(tv_len), [None; 6]);
    }

    #[test]
    fn apn_labels() {
        assert_eq!(apn(b"\x08internet\x03mnc\x03001").as_deref(), Some("internet.mnc.001"));
        assert_eq!(apn(b"\x03a b").as_deref(), Some("a\\032b"));
        assert_eq!(apn(b"\x09short"), None);
        assert_eq!(apn(b"\x03a.b").as_deref(), Some("a\\046b"));
        assert_eq!(apn(&[b'a'; MAX_APN_LEN + 1]), None);
    }

    /// ULI of type CGI and SAI (TS 29.060 §7.7.51): 262-01, LAC 0x1234,
    /// CI/SAC 0xabcd.
    #[test]
    fn uli_cgi_and_sai() {
        let mut ies = Ies::default();
        let mut f = Flags::default();
        read_ie(ie::ULI, &[0, 0x62, 0xf2, 0x10, 0x12, 0x34, 0xab, 0xcd], &mut ies, &mut f);
        let l = ies.uli.clone().unwrap();
        assert_eq!((l.mcc.as_str(), l.mnc.as_str(), l.lac, l.ci, l.sac), ("262", "01", 0x1234, Some(0xabcd), None));
        let mut ies = Ies::default();
        read_ie(ie::ULI, &[1, 0x62, 0xf2, 0x10, 0x12, 0x34, 0xab, 0xcd], &mut ies, &mut f);
        assert_eq!(ies.uli.unwrap().sac, Some(0xabcd));
        let mut ies = Ies::default();
        read_ie(ie::ULI, &[7, 0x62], &mut ies, &mut f);
        assert!(f.bad_ie && ies.uli.is_none());
    }
}
