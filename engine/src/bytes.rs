//! Checked big-endian reads at an offset, shared by the decoders and the
//! dissectors: `None` when the bytes end first, never a panic.

/// The big-endian `u16` at `at`, if `b` holds it.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// The big-endian `u32` at `at`, if `b` holds it.
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn bounds() {
        let b = [0x12, 0x34, 0x56, 0x78];
        assert_eq!(super::be16(&b, 2), Some(0x5678));
        assert_eq!(super::be16(&b, 3), None);
        assert_eq!(super::be32(&b, 0), Some(0x1234_5678));
        assert_eq!(super::be32(&b, usize::MAX), None);
    }
}
