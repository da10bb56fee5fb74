//! The information elements `-T` accepts: nProbe's names, their NetFlow v9
//! ids, IPFIX ids (IANA, or ntop's private enterprise 35632 with
//! id = v9 id - 57472), wire types and lengths, and where each value comes
//! from in a flow. Unknown names get "did you mean" suggestions.
//!
//! Sources (each row names one in its comment):
//! - `[N]` nProbe `doc/src/flow_information_elements.rst` (ntop/nProbe
//!   @61bd397): nProbe's names, ids and lengths of the standard elements
//!   (RFC 3954 / IANA IPFIX registry ids), `L7_PROTO` 57590 and
//!   `L7_PROTO_NAME` 57591.
//! - `[P]` nProbe `doc/src/plugins/{dns,http,dhcp}.rst` (@61bd397): the
//!   DNS, HTTP and DHCP elements with ids and lengths ("Len 256 varlen").
//! - `[M]` ntopng `src/ParserInterface.cpp` (2018), its `addMapping(name,
//!   v9 id)` table of every nProbe element ntopng collects: the ids of the
//!   SIP, SMTP, POP, IMAP, FTP, RADIUS and GTPV1 elements, which nProbe's
//!   plugin pages list without ids.
//! - `[W]` Wireshark `epan/dissectors/packet-netflow.c`,
//!   `v10_template_types_ntop` (the same ids, as PEN 35632 ids) and the field
//!   types tshark 4.0 decodes them with (`tshark -G fields`): used for the
//!   width of elements whose length nProbe does not document, so tshark
//!   decodes them cleanly.
//! - `[O]` open-source nProbe 6.9.5 `plugins/sipPlugin.c` (SIP strings 64
//!   bytes, variable; codecs 32; times, addresses and ports 4/4/2 bytes).
//! - `[F]` flowhook's own choice, said in the row.
//!
//! Plugin elements read the flow table generically: `%DNS_QUERY` reads
//! `dns.query`, `%GTPV1_END_USER_IMSI` reads `gtpv1.end_user_imsi` (the
//! plugin prefix and the rest, lower-cased); a key the flow lacks exports
//! zero or an empty string.

/// Element ids at or above this are ntop's, in NetFlow v9 (RFC 3954 leaves
/// ids above 32767 to vendors; nProbe numbers its own from here).
pub const NTOP_BASE_ID: u16 = 57472;
/// ntop's IANA private enterprise number, for its elements in IPFIX.
pub const NTOP_PEN: u32 = 35632;

/// How a value is written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// Unsigned integer, big endian, `len` bytes (values saturate).
    Uint,
    Ipv4,
    Ipv6,
    Mac,
    /// Text: v9 pads with NULs to `len`; IPFIX sends it with a length
    /// prefix when `varlen`, cut to `len` bytes either way.
    Str,
}

/// Which flows an element belongs to: the IPv4 template leaves out the
/// IPv6-only elements and the other way round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Any,
    V4,
    V6,
}

/// Where an element's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src {
    /// A key of the flow table.
    Key(&'static str),
    /// The plugin key derived from the element name (`DNS_QUERY` -> `dns.query`).
    Plugin,
    /// Initiator / responder address (the record's raw addresses).
    SrcAddr,
    DstAddr,
    /// Milliseconds of system uptime (v9). IPFIX has no uptime in its
    /// header, so there they become flowStart/EndMilliseconds (152/153).
    FirstSwitched,
    LastSwitched,
    StartSec,
    EndSec,
    StartMs,
    EndMs,
    DurationMs,
    IpVersion,
    /// ICMP type*256+code (`flow.dport` of an ICMP flow), 0 for other flows.
    IcmpType,
    /// nProbe templates carry it, flowhook has no data for it: exported as 0
    /// (interface indexes, AS numbers, masks, next hop, TOS, direction).
    Zero,
    /// A constant (BIFLOW_DIRECTION 1: the record is the initiator's view).
    Const(u64),
}

#[derive(Clone, Copy, Debug)]
pub struct Element {
    /// nProbe's name, without the `%`.
    pub name: &'static str,
    /// NetFlow v9 id (ntop's elements: 57472 and up).
    pub id: u16,
    pub len: u16,
    pub ty: Ty,
    /// Variable length in IPFIX (nProbe's "varlen").
    pub varlen: bool,
    pub family: Family,
    pub src: Src,
}

impl Element {
    /// ntop's own element (PEN 35632 in IPFIX).
    pub fn is_ntop(&self) -> bool {
        self.id >= NTOP_BASE_ID
    }
    /// IPFIX (enterprise, id): IANA's id, or ntop's with the PEN.
    pub fn ipfix_id(&self) -> (Option<u32>, u16) {
        if self.is_ntop() {
            (Some(NTOP_PEN), self.id - NTOP_BASE_ID)
        } else {
            match self.src {
                Src::FirstSwitched => (None, 152),
                Src::LastSwitched => (None, 153),
                _ => (None, self.id),
            }
        }
    }
    /// Length on the wire in IPFIX (FIRST/LAST_SWITCHED become 8-byte
    /// millisecond timestamps there).
    pub fn ipfix_len(&self) -> u16 {
        match self.src {
            Src::FirstSwitched | Src::LastSwitched => 8,
            _ => self.len,
        }
    }
    /// The flow-table key this element reads, if any.
    pub fn key(&self) -> Option<String> {
        match self.src {
            Src::Key(k) => Some(k.to_string()),
            Src::Plugin => Some(plugin_key(self.name)),
            _ => None,
        }
    }
}

/// `DNS_QUERY` -> `dns.query`: the plugin prefix lower-cased, a dot, the
/// rest lower-cased (the house key naming).
pub fn plugin_key(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.split_once('_') {
        Some((p, rest)) => format!("{p}.{rest}"),
        None => lower,
    }
}

const fn e(name: &'static str, id: u16, len: u16, ty: Ty, src: Src) -> Element {
    Element { name, id, len, ty, varlen: false, family: Family::Any, src }
}
const fn v4(name: &'static str, id: u16, len: u16, ty: Ty, src: Src) -> Element {
    Element { name, id, len, ty, varlen: false, family: Family::V4, src }
}
const fn v6(name: &'static str, id: u16, len: u16, ty: Ty, src: Src) -> Element {
    Element { name, id, len, ty, varlen: false, family: Family::V6, src }
}
/// A plugin number.
const fn pn(name: &'static str, id: u16, len: u16) -> Element {
    Element { name, id, len, ty: Ty::Uint, varlen: false, family: Family::Any, src: Src::Plugin }
}
/// A plugin string, variable length in IPFIX.
const fn ps(name: &'static str, id: u16, len: u16) -> Element {
    Element { name, id, len, ty: Ty::Str, varlen: true, family: Family::Any, src: Src::Plugin }
}
/// A plugin string of fixed length.
const fn pf(name: &'static str, id: u16, len: u16) -> Element {
    Element { name, id, len, ty: Ty::Str, varlen: false, family: Family::Any, src: Src::Plugin }
}
const fn pa(name: &'static str, id: u16, ty: Ty, len: u16) -> Element {
    Element { name, id, len, ty, varlen: false, family: Family::Any, src: Src::Plugin }
}

use Src::*;
use Ty::*;

/// Every element `-T` knows, in nProbe's documentation order.
pub const ELEMENTS: &[Element] = &[
    // --- Standard elements: ids and names [N]; counters 8 bytes [F] (nProbe
    // uses 4; 8 cannot wrap on a busy link and every collector takes either).
    e("IN_BYTES", 1, 8, Uint, Key("flow.in_bytes")),
    e("IN_PKTS", 2, 8, Uint, Key("flow.in_pkts")),
    e("PROTOCOL", 4, 1, Uint, Key("flow.protocol")),
    e("SRC_TOS", 5, 1, Uint, Zero),
    e("TCP_FLAGS", 6, 1, Uint, Key("flow.tcp_flags")),
    e("L4_SRC_PORT", 7, 2, Uint, Key("flow.sport")),
    v4("IPV4_SRC_ADDR", 8, 4, Ipv4, SrcAddr),
    v4("IPV4_SRC_MASK", 9, 1, Uint, Zero),
    e("INPUT_SNMP", 10, 4, Uint, Zero),
    e("L4_DST_PORT", 11, 2, Uint, Key("flow.dport")),
    v4("IPV4_DST_ADDR", 12, 4, Ipv4, DstAddr),
    v4("IPV4_DST_MASK", 13, 1, Uint, Zero),
    e("OUTPUT_SNMP", 14, 4, Uint, Zero),
    v4("IPV4_NEXT_HOP", 15, 4, Ipv4, Zero),
    e("SRC_AS", 16, 4, Uint, Key("flow.src_as")),
    e("DST_AS", 17, 4, Uint, Key("flow.dst_as")),
    e("LAST_SWITCHED", 21, 4, Uint, LastSwitched),
    e("FIRST_SWITCHED", 22, 4, Uint, FirstSwitched),
    e("OUT_BYTES", 23, 8, Uint, Key("flow.out_bytes")),
    e("OUT_PKTS", 24, 8, Uint, Key("flow.out_pkts")),
    v6("IPV6_SRC_ADDR", 27, 16, Ipv6, SrcAddr),
    v6("IPV6_DST_ADDR", 28, 16, Ipv6, DstAddr),
    v6("IPV6_SRC_MASK", 29, 1, Uint, Zero),
    v6("IPV6_DST_MASK", 30, 1, Uint, Zero),
    e("ICMP_TYPE", 32, 2, Uint, IcmpType),
    e("SRC_VLAN", 58, 2, Uint, Key("flow.vlan")),
    e("DST_VLAN", 59, 2, Uint, Key("flow.vlan")),
    e("IP_PROTOCOL_VERSION", 60, 1, Uint, IpVersion),
    e("DIRECTION", 61, 1, Uint, Zero),
    v6("IPV6_NEXT_HOP", 62, 16, Ipv6, Zero),
    e("FLOW_ID", 148, 4, Uint, Key("flow.id")),
    e("FLOW_START_SEC", 150, 4, Uint, StartSec),
    e("FLOW_END_SEC", 151, 4, Uint, EndSec),
    e("FLOW_START_MILLISECONDS", 152, 8, Uint, StartMs),
    e("FLOW_END_MILLISECONDS", 153, 8, Uint, EndMs),
    e("FLOW_DURATION_MILLISECONDS", 161, 4, Uint, DurationMs),
    e("BIFLOW_DIRECTION", 239, 1, Uint, Const(1)),
    // --- ntop core elements [N]
    e("L7_PROTO", 57590, 2, Uint, Key("flow.l7_proto")),
    Element { name: "L7_PROTO_NAME", id: 57591, len: 16, ty: Str, varlen: true, family: Family::Any, src: Key("flow.l7_proto_name") },
    // --- DNS [P] dns.rst
    ps("DNS_QUERY", 57677, 256),
    pn("DNS_QUERY_ID", 57678, 2),
    pn("DNS_QUERY_TYPE", 57679, 1),
    pn("DNS_RET_CODE", 57680, 1),
    pn("DNS_NUM_ANSWERS", 57681, 1),
    pn("DNS_TTL_ANSWER", 57824, 4),
    ps("DNS_RESPONSE", 57870, 256),
    // --- HTTP [P] http.rst (HTTP_USER_AGENT was HTTP_UA before nProbe 10.0; both accepted)
    ps("HTTP_URL", 57652, 128),
    ps("HTTP_METHOD", 57832, 4),
    pn("HTTP_RET_CODE", 57653, 2),
    ps("HTTP_REFERER", 57654, 128),
    ps("HTTP_USER_AGENT", 57655, 256),
    ps("HTTP_MIME", 57656, 256),
    ps("HTTP_HOST", 57659, 64),
    ps("HTTP_SITE", 57833, 64),
    ps("HTTP_X_FORWARDED_FOR", 57932, 256),
    ps("HTTP_VIA", 57933, 256),
    // --- DHCP [P] dhcp.rst
    pa("DHCP_CLIENT_MAC", 57825, Mac, 6),
    pa("DHCP_CLIENT_IP", 57826, Ipv4, 4),
    ps("DHCP_CLIENT_NAME", 57827, 64),
    ps("DHCP_REMOTE_ID", 57895, 32),
    ps("DHCP_SUBSCRIBER_ID", 57896, 48),
    pn("DHCP_MESSAGE_TYPE", 57901, 1),
    // --- SIP: ids [M] (= [W] 130..148, 362, 363); lengths [O]
    ps("SIP_CALL_ID", 57602, 64),
    ps("SIP_CALLING_PARTY", 57603, 64),
    ps("SIP_CALLED_PARTY", 57604, 64),
    pf("SIP_RTP_CODECS", 57605, 32),
    pn("SIP_INVITE_TIME", 57606, 4),
    pn("SIP_TRYING_TIME", 57607, 4),
    pn("SIP_RINGING_TIME", 57608, 4),
    pn("SIP_INVITE_OK_TIME", 57609, 4),
    pn("SIP_INVITE_FAILURE_TIME", 57610, 4),
    pn("SIP_BYE_TIME", 57611, 4),
    pn("SIP_BYE_OK_TIME", 57612, 4),
    pn("SIP_CANCEL_TIME", 57613, 4),
    pn("SIP_CANCEL_OK_TIME", 57614, 4),
    pa("SIP_RTP_IPV4_SRC_ADDR", 57615, Ipv4, 4),
    pn("SIP_RTP_L4_SRC_PORT", 57616, 2),
    pa("SIP_RTP_IPV4_DST_ADDR", 57617, Ipv4, 4),
    pn("SIP_RTP_L4_DST_PORT", 57618, 2),
    pn("SIP_RESPONSE_CODE", 57619, 4),
    pn("SIP_REASON_CAUSE", 57620, 4),
    // SIP_UAC/SIP_UAS ids: the reference notes (nProbe plugin IE list); 64 bytes [F]
    ps("SIP_UAC", 57788, 64),
    ps("SIP_UAS", 57789, 64),
    ps("SIP_C_IP", 57834, 64),  // length [F]
    ps("SIP_CALL_STATE", 57835, 32), // length [F]
    // --- SMTP: ids [M]; 64 bytes [F] (nProbe 6.9.5 smtpPlugin.c used 32)
    ps("SMTP_MAIL_FROM", 57657, 64),
    ps("SMTP_RCPT_TO", 57658, 64),
    // --- POP3, IMAP: ids [M]; 64 bytes [F]
    ps("POP_USER", 57682, 64),
    ps("IMAP_LOGIN", 57732, 64),
    // --- FTP: ids [M]; strings 64 bytes [F]; return code 2 bytes ([W] uint16)
    ps("FTP_LOGIN", 57828, 64),
    ps("FTP_PASSWORD", 57829, 64),
    ps("FTP_COMMAND", 57830, 64),
    pn("FTP_COMMAND_RET_CODE", 57831, 2),
    // --- RADIUS: ids [M]; widths [W]; strings 64 bytes [F]
    pn("RADIUS_REQ_MSG_TYPE", 57712, 1),
    pn("RADIUS_RSP_MSG_TYPE", 57713, 1),
    ps("RADIUS_USER_NAME", 57714, 64),
    ps("RADIUS_CALLING_STATION_ID", 57715, 64),
    ps("RADIUS_CALLED_STATION_ID", 57716, 64),
    pa("RADIUS_NAS_IP_ADDR", 57717, Ipv4, 4),
    ps("RADIUS_NAS_IDENTIFIER", 57718, 64),
    ps("RADIUS_USER_IMSI", 57719, 16),
    ps("RADIUS_USER_IMEI", 57720, 16),
    pa("RADIUS_FRAMED_IP_ADDR", 57721, Ipv4, 4),
    ps("RADIUS_ACCT_SESSION_ID", 57722, 64),
    pn("RADIUS_ACCT_STATUS_TYPE", 57723, 1),
    pn("RADIUS_ACCT_IN_OCTETS", 57724, 4),
    pn("RADIUS_ACCT_OUT_OCTETS", 57725, 4),
    pn("RADIUS_ACCT_IN_PKTS", 57726, 4),
    pn("RADIUS_ACCT_OUT_PKTS", 57727, 4),
    // --- GTPV1 (GTP-C): ids [M]; widths [W]; IMSI/MSISDN/IMEI 16 bytes (15 digits), APN 64 [F]
    pn("GTPV1_REQ_MSG_TYPE", 57692, 1),
    pn("GTPV1_RSP_MSG_TYPE", 57693, 1),
    pn("GTPV1_C2S_TEID_DATA", 57694, 4),
    pn("GTPV1_C2S_TEID_CTRL", 57695, 4),
    pn("GTPV1_S2C_TEID_DATA", 57696, 4),
    pn("GTPV1_S2C_TEID_CTRL", 57697, 4),
    pa("GTPV1_END_USER_IPV4", 57698, Ipv4, 4),
    ps("GTPV1_END_USER_IMSI", 57699, 16),
    ps("GTPV1_END_USER_MSISDN", 57700, 16),
    ps("GTPV1_END_USER_IMEI", 57701, 16),
    ps("GTPV1_APN_NAME", 57702, 64),
    pn("GTPV1_RAI_MCC", 57703, 2),
    pn("GTPV1_RAI_MNC", 57704, 2),
    pn("GTPV1_ULI_CELL_LAC", 57705, 2),
    pn("GTPV1_ULI_CELL_CI", 57706, 2),
    pn("GTPV1_ULI_SAC", 57707, 2),
    pn("GTPV1_RAT_TYPE", 57708, 1),
    pn("GTPV1_RESPONSE_CAUSE", 57804, 1),
    pn("GTPV1_RAI_LAC", 57814, 2),
    pn("GTPV1_RAI_RAC", 57815, 1),
    pn("GTPV1_ULI_MCC", 57816, 2),
    pn("GTPV1_ULI_MNC", 57817, 2),
];

/// Other names nProbe accepts for the same element: older nProbe names
/// (HTTP_UA before 10.0), ntopng's name for the GTP end-user address, and
/// RFC 3954's names for the masks.
const ALIASES: &[(&str, &str)] = &[
    ("HTTP_UA", "HTTP_USER_AGENT"),
    ("GTPV1_END_USER_IP", "GTPV1_END_USER_IPV4"),
    ("SRC_MASK", "IPV4_SRC_MASK"),
    ("DST_MASK", "IPV4_DST_MASK"),
];

/// The element named `name` (without `%`, any case).
pub fn lookup(name: &str) -> Option<&'static Element> {
    let up = name.to_ascii_uppercase();
    let canonical = ALIASES.iter().find(|(a, _)| *a == up).map_or(up.as_str(), |(_, c)| *c);
    ELEMENTS.iter().find(|e| e.name == canonical)
}

/// Suggestions for an unknown name: the closest known names (edit distance,
/// or one containing the other), best first.
pub fn suggest(name: &str) -> Vec<&'static str> {
    /// At most this many names are suggested: enough to spot the right one.
    const MAX_SUGGESTIONS: usize = 5;
    let up = name.to_ascii_uppercase();
    let mut scored: Vec<(usize, &'static str)> = ELEMENTS
        .iter()
        .map(|e| e.name)
        .chain(ALIASES.iter().map(|(a, _)| *a))
        .filter_map(|n| {
            let d = edit_distance(&up, n);
            let close = d <= (up.len() / 3).max(2);
            let contains = up.len() >= 3 && (n.contains(up.as_str()) || up.contains(n));
            (close || contains).then_some((if close { d } else { d + 100 }, n))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, n)| n).collect()
}

/// Levenshtein distance (names are short ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<u8> = b.bytes().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.bytes().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_the_issue_and_nprobe_docs() {
        let id = |n: &str| lookup(n).unwrap().id;
        assert_eq!(id("DNS_QUERY"), 57677);
        assert_eq!(id("HTTP_URL"), 57652);
        assert_eq!(id("SIP_CALL_ID"), 57602);
        assert_eq!(id("L7_PROTO"), 57590);
        assert_eq!(id("IPV4_SRC_ADDR"), 8);
        assert_eq!(id("http_ua"), 57655);
        // IPFIX: ntop PEN and v9 id - 57472 (nProbe docs: DNS_QUERY is 35632.205).
        assert_eq!(lookup("DNS_QUERY").unwrap().ipfix_id(), (Some(35632), 205));
        assert_eq!(lookup("HTTP_URL").unwrap().ipfix_id(), (Some(35632), 180));
        assert_eq!(lookup("FIRST_SWITCHED").unwrap().ipfix_id(), (None, 152));
    }

    #[test]
    fn names_are_unique_and_keys_generic() {
        for (i, a) in ELEMENTS.iter().enumerate() {
            assert!(ELEMENTS[i + 1..].iter().all(|b| b.name != a.name && b.id != a.id), "{} duplicated", a.name);
        }
        assert_eq!(lookup("GTPV1_END_USER_IMSI").unwrap().key().unwrap(), "gtpv1.end_user_imsi");
        assert_eq!(lookup("HTTP_USER_AGENT").unwrap().key().unwrap(), "http.user_agent");
        assert_eq!(lookup("HTTP_UA").unwrap().key().unwrap(), "http.user_agent");
        assert_eq!(lookup("DNS_QUERY").unwrap().key().unwrap(), "dns.query");
    }

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(suggest("DNS_QUERRY").first(), Some(&"DNS_QUERY"));
        assert!(suggest("IPV4_SRC_ADR").contains(&"IPV4_SRC_ADDR"));
        assert!(suggest("USER_AGENT").contains(&"HTTP_USER_AGENT"));
        assert!(suggest("ZZZZZZZZZZZZZZZZ").is_empty());
    }
}
