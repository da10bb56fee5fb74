//! Guest SDK for flowhook WebAssembly hooks (ABI version 1, see `../ABI.md`).
//!
//! - [`Table`]: a zero-copy view of the flow's table as the host wrote it in
//!   guest memory: `get(key)`, iteration in table order, typed values.
//! - [`print!`]/[`println!`]: write to the probe's stdout through the one
//!   import the host grants, `flowhook.print`.
//! - [`export_hooks!`]: exports check functions with the names the probe
//!   looks for (`checkDNSFlow`, ...), plus the ABI's `flowhook_abi_version`
//!   and `flowhook_alloc`.
//!
//! A check function returns a [`Verdict`]: `Keep` or `Drop`.

use std::fmt;

/// The ABI version this SDK speaks.
pub const ABI_VERSION: u32 = 1;
const HEADER_LEN: usize = 16;
const ENTRY_LEN: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Verdict {
    Keep = 0,
    Drop = 1,
}

/// A typed value of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Int(i64),
    Str(&'a str),
}

impl Value<'_> {
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

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => f.write_str(s),
        }
    }
}

/// The flow's table, read in place.
#[derive(Clone, Copy)]
pub struct Table<'a> {
    b: &'a [u8],
    n: usize,
    proto: u32,
}

fn r32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The ten protocols, in the ABI's index order.
pub const PROTOCOLS: [&str; 10] = ["dhcp", "dns", "ftp", "gtpv1", "http", "imap", "pop", "radius", "sip", "smtp"];

impl<'a> Table<'a> {
    /// Checks the header once; every later read is bounds-checked anyway.
    pub fn from_bytes(b: &'a [u8]) -> Option<Table<'a>> {
        if r32(b, 0)? != ABI_VERSION {
            return None;
        }
        let n = r32(b, 4)? as usize;
        let proto = r32(b, 8)?;
        if HEADER_LEN.checked_add(n.checked_mul(ENTRY_LEN)?)? > b.len() {
            return None;
        }
        Some(Table { b, n, proto })
    }

    /// # Safety
    /// `ptr..ptr+len` must be guest memory the host just wrote the table to
    /// (the arguments of a check function).
    pub unsafe fn from_raw(ptr: u32, len: u32) -> Option<Table<'static>> {
        // SAFETY: the caller guarantees the range is valid, initialised memory
        // that is not written to while the check function runs.
        let b = unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
        Table::from_bytes(b)
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The table's protocol name (`dns`, `http`, ...), the Lua global's name.
    pub fn protocol(&self) -> &'static str {
        PROTOCOLS.get(self.proto as usize).copied().unwrap_or("")
    }

    fn str_at(&self, off: u32, len: u32) -> Option<&'a str> {
        let s = self.b.get(off as usize..(off as usize).checked_add(len as usize)?)?;
        std::str::from_utf8(s).ok()
    }

    /// Entry `i`: key and value.
    pub fn entry(&self, i: usize) -> Option<(&'a str, Value<'a>)> {
        if i >= self.n {
            return None;
        }
        let e = HEADER_LEN + ENTRY_LEN * i;
        let key = self.str_at(r32(self.b, e)?, r32(self.b, e + 4)?)?;
        let v = match r32(self.b, e + 8)? {
            0 => Value::Int(i64::from_le_bytes(self.b.get(e + 16..e + 24)?.try_into().ok()?)),
            _ => Value::Str(self.str_at(r32(self.b, e + 16)?, r32(self.b, e + 20)?)?),
        };
        Some((key, v))
    }

    /// Entries in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Value<'a>)> + '_ {
        (0..self.n).filter_map(move |i| self.entry(i))
    }

    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The string value of `key`, `""` when absent or not a string.
    pub fn str(&self, key: &str) -> &'a str {
        match self.get(key) {
            Some(Value::Str(s)) => s,
            _ => "",
        }
    }

    /// The integer value of `key`, 0 when absent or not an integer.
    pub fn int(&self, key: &str) -> i64 {
        self.get(key).and_then(|v| v.as_int()).unwrap_or(0)
    }
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "flowhook")]
extern "C" {
    #[link_name = "print"]
    fn host_print(ptr: u32, len: u32);
}

/// Writes `s` to the probe's stdout (no newline added).
pub fn print_str(s: &str) {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: the host reads `len` bytes at `ptr` from this module's memory.
    unsafe {
        host_print(s.as_ptr() as usize as u32, s.len() as u32)
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::io::Write;
        let _ = std::io::stdout().write_all(s.as_bytes());
    }
}

#[macro_export]
macro_rules! print {
    ($($t:tt)*) => { $crate::print_str(&::std::format!($($t)*)) };
}

#[macro_export]
macro_rules! println {
    ($($t:tt)*) => { $crate::print_str(&{ let mut s = ::std::format!($($t)*); s.push('\n'); s }) };
}

/// Buffer the host writes tables into (see `flowhook_alloc` in ABI.md).
#[doc(hidden)]
pub mod buffer {
    use std::cell::RefCell;
    thread_local! {
        static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    /// Returns a pointer to at least `size` bytes, valid until the next call.
    pub fn alloc(size: u32) -> u32 {
        BUF.with(|b| {
            let mut b = b.borrow_mut();
            if b.len() < size as usize {
                *b = vec![0u8; size as usize];
            }
            b.as_mut_ptr() as usize as u32
        })
    }
}

/// Exports check functions and the ABI's own exports.
///
/// ```ignore
/// fn dns(t: &Table) -> Verdict { println!("{}", t.str("dns.query")); Verdict::Keep }
/// flowhook_guest::export_hooks!(checkDNSFlow => dns);
/// ```
#[macro_export]
macro_rules! export_hooks {
    ($($name:ident => $f:path),* $(,)?) => {
        #[no_mangle]
        pub extern "C" fn flowhook_abi_version() -> u32 {
            $crate::ABI_VERSION
        }
        #[no_mangle]
        pub extern "C" fn flowhook_alloc(size: u32) -> u32 {
            $crate::buffer::alloc(size)
        }
        $(
            #[no_mangle]
            #[allow(non_snake_case)]
            pub extern "C" fn $name(ptr: u32, len: u32) -> u32 {
                // SAFETY: the host passes the range it just wrote the table to.
                match unsafe { $crate::Table::from_raw(ptr, len) } {
                    Some(t) => $f(&t) as u32,
                    None => $crate::Verdict::Keep as u32,
                }
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table laid out as the host's `engine::hook::encode` writes it.
    #[test]
    fn reads_entries() {
        let mut b = vec![0u8; 16 + 48];
        b[0..4].copy_from_slice(&1u32.to_le_bytes());
        b[4..8].copy_from_slice(&2u32.to_le_bytes());
        b[8..12].copy_from_slice(&1u32.to_le_bytes());
        let k1 = b.len() as u32;
        b.extend_from_slice(b"flow.sport");
        b[16..20].copy_from_slice(&k1.to_le_bytes());
        b[20..24].copy_from_slice(&10u32.to_le_bytes());
        b[32..40].copy_from_slice(&53i64.to_le_bytes());
        let k2 = b.len() as u32;
        b.extend_from_slice(b"dns.query");
        let v2 = b.len() as u32;
        b.extend_from_slice(b"x.org");
        b[40..44].copy_from_slice(&k2.to_le_bytes());
        b[44..48].copy_from_slice(&9u32.to_le_bytes());
        b[48..52].copy_from_slice(&1u32.to_le_bytes());
        b[56..60].copy_from_slice(&v2.to_le_bytes());
        b[60..64].copy_from_slice(&5u32.to_le_bytes());
        let t = Table::from_bytes(&b).unwrap();
        assert_eq!(t.protocol(), "dns");
        assert_eq!(t.int("flow.sport"), 53);
        assert_eq!(t.str("dns.query"), "x.org");
        assert_eq!(t.iter().count(), 2);
        assert!(Table::from_bytes(&b[..20]).is_none());
    }
}
