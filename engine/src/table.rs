//! The per-flow field table: an ordered, flat list of `(key, value)` pairs
//! with dotted string keys (`flow.sport`, `dns.query`), exactly what nProbe
//! pushes into its Lua globals. The engine builds it once per exported flow;
//! every hook backend and every output reads the same table.
//!
//! Values are integers or strings, never absent: a value that was not seen is
//! `0` or `""`, so `'v: '..v` never fails in a Lua script.

use std::fmt;

/// One value of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Str(String),
}

impl Value {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Str(_) => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::Int(_) => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => f.write_str(s),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(v as i64) }
        }
    )*};
}
int_value!(u8, u16, u32, i32, i64, u64, usize);

/// The type a key always carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Str,
}

/// A key of the table and its documentation. Each dissector declares its keys
/// in one `fields.rs` list; the README's key tables are checked against them.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    pub key: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

impl FieldDef {
    pub const fn int(key: &'static str, doc: &'static str) -> FieldDef {
        FieldDef { key, kind: Kind::Int, doc }
    }
    pub const fn str(key: &'static str, doc: &'static str) -> FieldDef {
        FieldDef { key, kind: Kind::Str, doc }
    }
    /// The "not seen" value of this key.
    pub fn empty(&self) -> Value {
        match self.kind {
            Kind::Int => Value::Int(0),
            Kind::Str => Value::Str(String::new()),
        }
    }
}

/// Ordered flat table of one flow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldTable {
    fields: Vec<(&'static str, Value)>,
}

impl FieldTable {
    pub fn with_capacity(n: usize) -> Self {
        FieldTable { fields: Vec::with_capacity(n) }
    }

    /// Appends a key. The key must come from a [`FieldDef`] list.
    pub fn push(&mut self, def: &FieldDef, v: impl Into<Value>) {
        let v = v.into();
        debug_assert!(
            matches!((&v, def.kind), (Value::Int(_), Kind::Int) | (Value::Str(_), Kind::Str)),
            "{} has the wrong type",
            def.key
        );
        self.fields.push((def.key, v));
    }

    /// Appends every key of `defs` with its empty value (a plugin that saw
    /// nothing still shows all its keys).
    pub fn push_empty(&mut self, defs: &[FieldDef]) {
        for d in defs {
            self.fields.push((d.key, d.empty()));
        }
    }

    /// Replaces the value of an existing key (used to fill a plugin's keys
    /// after pushing them empty). Returns false when the key is absent.
    pub fn set(&mut self, def: &FieldDef, v: impl Into<Value>) -> bool {
        let v = v.into();
        match self.fields.iter_mut().find(|(k, _)| *k == def.key) {
            Some(slot) => {
                slot.1 = v;
                true
            }
            None => false,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.fields.iter().map(|(k, v)| (*k, v))
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// An address as text, the way `Display` writes it. IPv4 (most flows) is
/// written by hand: through `fmt`, the two endpoint addresses were a third
/// of building a flow's table (`Ipv4Addr as Display` 4.7 % of a run).
pub fn ip_text(ip: std::net::IpAddr) -> String {
    let std::net::IpAddr::V4(v4) = ip else { return ip.to_string() };
    let mut s = String::with_capacity(15);
    for (i, o) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        if o >= 100 {
            s.push(char::from(b'0' + o / 100));
        }
        if o >= 10 {
            s.push(char::from(b'0' + o / 10 % 10));
        }
        s.push(char::from(b'0' + o % 10));
    }
    s
}

#[cfg(test)]
mod ip_text_tests {
    use super::ip_text;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    #[test]
    fn same_as_display() {
        for a in [[0, 0, 0, 0], [255, 255, 255, 255], [10, 0, 100, 9], [192, 168, 1, 250], [1, 20, 199, 200]] {
            let ip = IpAddr::V4(Ipv4Addr::from(a));
            assert_eq!(ip_text(ip), ip.to_string());
        }
        let v6 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
        assert_eq!(ip_text(v6), "2001:db8::1");
        for n in 0..=255u8 {
            let ip = IpAddr::V4(Ipv4Addr::new(n, n / 3, n / 7, 255 - n));
            assert_eq!(ip_text(ip), ip.to_string());
        }
    }
}
