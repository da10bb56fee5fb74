//! The flat table encoding handed to WebAssembly guests (ABI version 1,
//! specified in `wasm-guests/ABI.md`). Little-endian, 8-byte aligned:
//!
//! ```text
//! 0   u32 abi version (1)     4  u32 entry count N
//! 8   u32 protocol index      12 u32 total length in bytes
//! 16  N entries of 24 bytes:  u32 key_off, u32 key_len, u32 kind (0 int, 1 string),
//!                             u32 0, then 8 bytes: i64 value (int) or u32 str_off, u32 str_len
//! 16+24N  string bytes (keys and string values, UTF-8, no terminator)
//! ```
//! Offsets are from the start of the table, so a guest reads it in place.

use crate::dissect::Proto;
use crate::table::{FieldTable, Value};

pub const ABI_VERSION: u32 = 1;
pub const HEADER_LEN: usize = 16;
pub const ENTRY_LEN: usize = 24;

/// Index of a protocol in the ABI's fixed list (the order of [`Proto::ALL`]).
pub fn proto_index(p: Proto) -> u32 {
    Proto::ALL.iter().position(|q| *q == p).unwrap_or(0) as u32
}

/// Encodes `t` into `out` (cleared first). Encoded once per flow and shared
/// by every wasm hook.
pub fn encode(proto: Proto, t: &FieldTable, out: &mut Vec<u8>) {
    out.clear();
    let n = t.len();
    let strings_at = HEADER_LEN + ENTRY_LEN * n;
    out.resize(strings_at, 0);
    put32(out, 0, ABI_VERSION);
    put32(out, 4, n as u32);
    put32(out, 8, proto_index(proto));
    for (i, (k, v)) in t.iter().enumerate() {
        let e = HEADER_LEN + ENTRY_LEN * i;
        let key_off = out.len();
        out.extend_from_slice(k.as_bytes());
        put32(out, e, key_off as u32);
        put32(out, e + 4, k.len() as u32);
        match v {
            Value::Int(x) => {
                put32(out, e + 8, 0);
                out[e + 16..e + 24].copy_from_slice(&x.to_le_bytes());
            }
            Value::Str(s) => {
                let off = out.len();
                out.extend_from_slice(s.as_bytes());
                put32(out, e + 8, 1);
                put32(out, e + 16, off as u32);
                put32(out, e + 20, s.len() as u32);
            }
        }
    }
    let total = out.len() as u32;
    put32(out, 12, total);
}

fn put32(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::FieldDef;

    #[test]
    fn layout() {
        let mut t = FieldTable::default();
        t.push(&FieldDef::int("flow.sport", ""), 53u16);
        t.push(&FieldDef::str("dns.query", ""), "a.b");
        let mut b = Vec::new();
        encode(Proto::Dns, &t, &mut b);
        let r32 = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        assert_eq!((r32(0), r32(4), r32(8), r32(12) as usize), (1, 2, 1, b.len()));
        let (ko, kl) = (r32(16) as usize, r32(20) as usize);
        assert_eq!(&b[ko..ko + kl], b"flow.sport");
        assert_eq!(i64::from_le_bytes(b[32..40].try_into().unwrap()), 53);
        let e = 16 + 24;
        assert_eq!(r32(e + 8), 1);
        let (so, sl) = (r32(e + 16) as usize, r32(e + 20) as usize);
        assert_eq!(&b[so..so + sl], b"a.b");
    }
}
