//! `-T` templates: parsing nProbe's `%NAME %NAME ...` syntax, the separate
//! IPv4 and IPv6 templates built from it, and writing one flow's record in a
//! template's layout (NetFlow v9, RFC 3954 §5; IPFIX, RFC 7011 §3.4 and §7
//! for variable-length fields).
//!
//! The IPv4 template leaves out the IPv6-only elements and the IPv6 template
//! the IPv4-only ones. A template that names addresses of one family only
//! (`%IPV4_SRC_ADDR %IPV4_DST_ADDR ...`) gets the other family's address
//! elements in the same place in the other template, so no flow is exported
//! without its addresses.

use std::borrow::Cow;
use std::net::IpAddr;

use super::elements::{self, Element, Family, Src, Ty};
use crate::export::FlowRecord;
use crate::table::Value;

/// The template used without `-T`: the core list, addresses of
/// both families (split into the two templates), both directions' counters.
pub const DEFAULT_TEMPLATE: &str = "%IPV4_SRC_ADDR %IPV4_DST_ADDR %IPV6_SRC_ADDR %IPV6_DST_ADDR %L4_SRC_PORT %L4_DST_PORT \
%PROTOCOL %IN_PKTS %IN_BYTES %OUT_PKTS %OUT_BYTES %FIRST_SWITCHED %LAST_SWITCHED %TCP_FLAGS %SRC_VLAN %L7_PROTO %L7_PROTO_NAME";

/// Template id of IPv4 flows: nProbe's `-U` default (257); ids below 256 are
/// reserved for sets (RFC 3954 §5.2, RFC 7011 §3.4.1).
pub const V4_TEMPLATE_ID: u16 = 257;
pub const V6_TEMPLATE_ID: u16 = 258;

/// One element of a template, with the table key it reads.
#[derive(Clone, Debug)]
pub struct Field {
    pub elem: &'static Element,
    pub key: Option<String>,
    /// Length on the wire: the element's, or less for a string shortened so
    /// that a record fits an export packet ([`fit`]).
    pub len: u16,
}

impl Field {
    /// Length in this format (IPFIX turns FIRST/LAST_SWITCHED into 8-byte times).
    pub fn wire_len(&self, ipfix: bool) -> u16 {
        if ipfix && self.elem.ty != Ty::Str {
            self.elem.ipfix_len()
        } else {
            self.len
        }
    }
}

/// Strings are never shortened below this many bytes to make a record fit.
pub const MIN_FIT_STRING: u16 = 16;

/// Shortens the longest string fields until the template's largest record
/// is at most `room` bytes. Returns the shortened fields (name, old, new),
/// or an error when even shortest strings do not fit.
pub fn fit(t: &mut Template, room: usize, ipfix: bool) -> Result<Vec<(&'static str, u16, u16)>, String> {
    let mut changed: Vec<(&'static str, u16, u16)> = Vec::new();
    while max_record_len(t, ipfix) > room {
        let excess = max_record_len(t, ipfix) - room;
        let Some(f) = t.fields.iter_mut().filter(|f| f.elem.ty == Ty::Str && f.len > MIN_FIT_STRING).max_by_key(|f| f.len) else {
            return Err(format!("the template's records ({} bytes) cannot fit {room} bytes even with {MIN_FIT_STRING}-byte strings", max_record_len(t, ipfix)));
        };
        let new = f.len.saturating_sub(excess.min(usize::from(u16::MAX)) as u16).max(MIN_FIT_STRING);
        match changed.iter_mut().find(|c| c.0 == f.elem.name) {
            Some(c) => c.2 = new,
            None => changed.push((f.elem.name, f.len, new)),
        }
        f.len = new;
    }
    Ok(changed)
}

#[derive(Clone, Debug)]
pub struct Template {
    pub id: u16,
    pub fields: Vec<Field>,
}

/// The parsed `-T`: the elements as given (for the text dump's columns)
/// and the two wire templates.
#[derive(Clone, Debug)]
pub struct Templates {
    pub given: Vec<Field>,
    pub v4: Template,
    pub v6: Template,
}

impl Templates {
    pub fn for_addr(&self, a: IpAddr) -> &Template {
        if a.is_ipv4() {
            &self.v4
        } else {
            &self.v6
        }
    }
}

fn field(e: &'static Element) -> Field {
    Field { elem: e, key: e.key(), len: e.len }
}

/// Parses a `-T` string. Names start with `%` and are separated by spaces
/// (a `%` alone also separates). An unknown name is an error that lists the
/// closest known names.
pub fn parse(spec: &str) -> Result<Templates, String> {
    let mut given: Vec<&'static Element> = Vec::new();
    for tok in spec.split(|c: char| c == '%' || c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        if tok.starts_with('@') {
            return Err(format!("template shortcut '{tok}' is not supported: list the elements with %NAME"));
        }
        let Some(e) = elements::lookup(tok) else {
            let close = elements::suggest(tok);
            return Err(if close.is_empty() {
                format!("unknown template element %{tok} (flowhook --list-elements shows them all)")
            } else {
                format!(
                    "unknown template element %{tok}; did you mean {}?",
                    close.iter().map(|n| format!("%{n}")).collect::<Vec<_>>().join(", ")
                )
            });
        };
        if !given.iter().any(|g| g.name == e.name) {
            given.push(e);
        }
    }
    if given.is_empty() {
        return Err("empty template: give at least one %ELEMENT".into());
    }
    Ok(Templates {
        v4: Template { id: V4_TEMPLATE_ID, fields: family(&given, Family::V4) },
        v6: Template { id: V6_TEMPLATE_ID, fields: family(&given, Family::V6) },
        given: given.into_iter().map(field).collect(),
    })
}

/// The template for one family: other-family elements dropped, or swapped
/// for this family's counterpart when the template has none of its own.
fn family(given: &[&'static Element], fam: Family) -> Vec<Field> {
    let has = |src: Src| given.iter().any(|e| e.family == fam && e.src == src);
    let counterpart = |src: Src| {
        elements::ELEMENTS.iter().find(|e| e.family == fam && e.src == src && matches!(e.ty, Ty::Ipv4 | Ty::Ipv6))
    };
    let mut out = Vec::new();
    for e in given {
        if e.family == Family::Any || e.family == fam {
            out.push(field(e));
        } else if matches!(e.src, Src::SrcAddr | Src::DstAddr) && !has(e.src) {
            if let Some(c) = counterpart(e.src) {
                out.push(field(c));
            }
        }
    }
    out
}

/// A value ready to write.
#[derive(Debug, PartialEq, Eq)]
pub enum Val<'a> {
    U(u64),
    Ip(IpAddr),
    Mac([u8; 6]),
    S(Cow<'a, str>),
}

/// The value of one field for a flow.
pub fn value<'a>(f: &Field, rec: &'a FlowRecord) -> Val<'a> {
    let ms = |us: u64| us / 1000;
    match f.elem.src {
        Src::SrcAddr => Val::Ip(rec.src),
        Src::DstAddr => Val::Ip(rec.dst),
        Src::FirstSwitched | Src::StartMs => Val::U(ms(rec.first_us)),
        Src::LastSwitched | Src::EndMs => Val::U(ms(rec.last_us)),
        Src::StartSec => Val::U(rec.first_us / 1_000_000),
        Src::EndSec => Val::U(rec.last_us / 1_000_000),
        Src::DurationMs => Val::U(ms(rec.last_us.saturating_sub(rec.first_us))),
        Src::IpVersion => Val::U(if rec.src.is_ipv4() { 4 } else { 6 }),
        Src::IcmpType => {
            let proto = rec.table.get("flow.protocol").and_then(Value::as_int).unwrap_or(0);
            if proto == 1 || proto == 58 {
                Val::U(int_of(rec.table.get("flow.dport")))
            } else {
                Val::U(0)
            }
        }
        Src::Zero => match f.elem.ty {
            Ty::Str => Val::S(Cow::Borrowed("")),
            _ => Val::U(0),
        },
        Src::Const(c) => Val::U(c),
        Src::Key(_) | Src::Plugin => {
            let v = f.key.as_deref().and_then(|k| rec.table.get(k));
            match f.elem.ty {
                Ty::Str => match v {
                    Some(Value::Str(s)) => Val::S(Cow::Borrowed(s.as_str())),
                    Some(Value::Int(i)) => Val::S(Cow::Owned(i.to_string())),
                    None => Val::S(Cow::Borrowed("")),
                },
                Ty::Uint => Val::U(int_of(v)),
                Ty::Ipv4 | Ty::Ipv6 => match v.and_then(Value::as_str).and_then(|s| s.parse::<IpAddr>().ok()) {
                    Some(a) => Val::Ip(a),
                    None => Val::U(0),
                },
                Ty::Mac => Val::Mac(v.and_then(Value::as_str).and_then(parse_mac).unwrap_or([0; 6])),
            }
        }
    }
}

/// An integer value: an Int, or a Str holding a number; anything else is 0
/// (negative values too: the wire types are unsigned).
fn int_of(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Int(i)) => u64::try_from(*i).unwrap_or(0),
        Some(Value::Str(s)) => s.trim().parse::<u64>().unwrap_or(0),
        None => 0,
    }
}

/// `aa:bb:cc:dd:ee:ff` (or with `-`).
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut parts = s.split([':', '-']);
    for b in out.iter_mut() {
        *b = u8::from_str_radix(parts.next()?, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// How times are written.
#[derive(Clone, Copy, Debug)]
pub enum TimeBase {
    /// NetFlow v9: FIRST/LAST_SWITCHED are milliseconds since this boot time (ms since the epoch).
    Uptime(u64),
    /// IPFIX: they are absolute milliseconds (flowStart/EndMilliseconds).
    Absolute,
}

/// Appends the flow's record in the template's layout. `ipfix` selects
/// IPFIX's variable-length strings and ids.
pub fn write_record(out: &mut Vec<u8>, t: &Template, rec: &FlowRecord, time: TimeBase, ipfix: bool) {
    for f in &t.fields {
        let e = f.elem;
        let v = value(f, rec);
        let len = usize::from(f.wire_len(ipfix));
        if let (Src::FirstSwitched | Src::LastSwitched, TimeBase::Uptime(boot)) = (e.src, time) {
            let Val::U(ms) = v else { continue };
            put_uint(out, ms.saturating_sub(boot), len);
            continue;
        }
        match v {
            Val::U(n) => match e.ty {
                Ty::Str => put_str(out, "", len, ipfix && e.varlen),
                _ => put_uint(out, n, len),
            },
            Val::Ip(a) => match (e.ty, a) {
                (Ty::Ipv4, IpAddr::V4(a)) => put_bytes(out, &a.octets(), len),
                (Ty::Ipv6, IpAddr::V6(a)) => put_bytes(out, &a.octets(), len),
                (Ty::Ipv6, IpAddr::V4(a)) => put_bytes(out, &a.to_ipv6_mapped().octets(), len),
                _ => put_bytes(out, &[], len),
            },
            Val::Mac(m) => put_bytes(out, &m, len),
            Val::S(s) => put_str(out, &s, len, ipfix && e.varlen),
        }
    }
}

/// Largest record a template can produce (varlen strings at their bound).
pub fn max_record_len(t: &Template, ipfix: bool) -> usize {
    t.fields
        .iter()
        .map(|f| {
            let len = f.wire_len(ipfix);
            if ipfix && f.elem.varlen {
                usize::from(len) + if len < 255 { 1 } else { 3 }
            } else {
                usize::from(len)
            }
        })
        .sum()
}

/// Big endian, `len` bytes; a value too large for them saturates.
fn put_uint(out: &mut Vec<u8>, n: u64, len: usize) {
    let n = if len >= 8 { n } else { n.min((1u64 << (8 * len)) - 1) };
    let b = n.to_be_bytes();
    if len <= 8 {
        out.extend_from_slice(&b[8 - len..]);
    } else {
        out.resize(out.len() + len - 8, 0);
        out.extend_from_slice(&b);
    }
}

/// Exactly `len` bytes: `b` cut or zero-padded.
fn put_bytes(out: &mut Vec<u8>, b: &[u8], len: usize) {
    let n = b.len().min(len);
    out.extend_from_slice(&b[..n]);
    out.resize(out.len() + (len - n), 0);
}

/// A string cut to `len` bytes at a character boundary: NUL-padded to `len`
/// (v9 and fixed IPFIX fields), or with its length before it (IPFIX
/// variable length: one byte below 255, else 255 and two bytes).
fn put_str(out: &mut Vec<u8>, s: &str, len: usize, varlen: bool) {
    let mut n = s.len().min(len);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    let b = &s.as_bytes()[..n];
    if varlen {
        if n < 255 {
            out.push(n as u8);
        } else {
            out.push(255);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        out.extend_from_slice(b);
    } else {
        put_bytes(out, b, len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::netflow::tests::rec;

    #[test]
    fn families_split_and_swap() {
        let t = parse(DEFAULT_TEMPLATE).unwrap();
        let names = |t: &Template| t.fields.iter().map(|f| f.elem.name).collect::<Vec<_>>();
        assert_eq!(names(&t.v4)[..3], ["IPV4_SRC_ADDR", "IPV4_DST_ADDR", "L4_SRC_PORT"]);
        assert_eq!(names(&t.v6)[..3], ["IPV6_SRC_ADDR", "IPV6_DST_ADDR", "L4_SRC_PORT"]);
        let t = parse("%IPV4_SRC_ADDR %IPV4_DST_ADDR %PROTOCOL").unwrap();
        assert_eq!(names(&t.v6), ["IPV6_SRC_ADDR", "IPV6_DST_ADDR", "PROTOCOL"]);
    }

    #[test]
    fn unknown_names_are_clear_errors() {
        let e = parse("%IPV4_SRC_ADDR %DNS_QUERRY").unwrap_err();
        assert!(e.contains("%DNS_QUERRY") && e.contains("did you mean %DNS_QUERY"), "{e}");
        assert!(parse("").is_err());
        assert!(parse("@NTOPNG@").is_err());
    }

    #[test]
    fn records_v9_fixed_and_ipfix_varlen() {
        let t = parse("%IPV4_SRC_ADDR %L4_DST_PORT %IN_BYTES %FIRST_SWITCHED %L7_PROTO_NAME %DNS_QUERY").unwrap();
        let r = rec("10.0.0.1", "10.0.0.2");
        let mut v9 = Vec::new();
        write_record(&mut v9, &t.v4, &r, TimeBase::Uptime(1_000_000 - 10), false);
        assert_eq!(v9.len(), 4 + 2 + 8 + 4 + 16 + 256);
        assert_eq!(&v9[..6], &[10, 0, 0, 1, 0, 53]);
        assert_eq!(&v9[14..18], &10u32.to_be_bytes());
        assert_eq!(&v9[18..22], b"DNS\0");
        let mut ipfix = Vec::new();
        write_record(&mut ipfix, &t.v4, &r, TimeBase::Absolute, true);
        assert_eq!(ipfix.len(), 4 + 2 + 8 + 8 + 1 + 3 + 1);
        assert_eq!(&ipfix[14..22], &1_000_000u64.to_be_bytes());
        assert_eq!(&ipfix[22..26], b"\x03DNS");
        assert_eq!(ipfix[26], 0, "missing dns.query: empty string");
        assert_eq!(max_record_len(&t.v4, true), 4 + 2 + 8 + 8 + 17 + 259);
    }

    #[test]
    fn strings_cut_at_char_boundaries_and_ints_saturate() {
        let mut o = Vec::new();
        put_str(&mut o, "aé", 2, false);
        assert_eq!(o, b"a\0");
        o.clear();
        put_uint(&mut o, 70_000, 2);
        assert_eq!(o, [0xff, 0xff]);
        o.clear();
        put_str(&mut o, &"x".repeat(300), 300, true);
        assert_eq!(&o[..3], &[255, 1, 44]);
        assert_eq!(parse_mac("00:25:90:d4:cc:f9"), Some([0, 0x25, 0x90, 0xd4, 0xcc, 0xf9]));
        assert_eq!(parse_mac("00:25"), None);
    }
}
