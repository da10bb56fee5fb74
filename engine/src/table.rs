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
