//! The classic pcap file format (draft-ietf-opsawg-pcap, "PCAP Capture File
//! Format"): the 24-byte file header and the 16-byte record headers, parsed
//! from bytes already in memory. Both byte orders, microsecond and
//! nanosecond timestamps (nanoseconds are cut to microseconds, as libpcap
//! does when a file is opened at its default precision).
//!
//! Limits: pcapng, the "modified" (Kuznetzov) and other rare magics are not
//! parsed here; `parse_file_header` returns `None` and the caller hands such
//! files to libpcap. A record longer than `MAX_CAPLEN` is corruption.

/// Size of the file header.
pub const FILE_HEADER_LEN: usize = 24;
/// Size of a record header.
pub const RECORD_HEADER_LEN: usize = 16;
/// Largest captured length accepted: libpcap's MAXIMUM_SNAPLEN. libpcap
/// refuses bigger records as corrupt ("invalid packet capture length"), and
/// so do we: a reader must bound what one header can make it skip.
pub const MAX_CAPLEN: u32 = 262_144;

const MAGIC_US: u32 = 0xa1b2_c3d4;
const MAGIC_NS: u32 = 0xa1b2_3c4d;

/// What the file header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileHeader {
    /// Written in the other byte order than this machine's reading order.
    pub big_endian: bool,
    pub nanos: bool,
    /// LINKTYPE_* (the low 16 bits; the upper bits carry FCS information).
    pub linktype: i32,
}

/// One record header, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    pub ts_us: u64,
    pub caplen: u32,
    pub wire_len: u32,
}

/// What the bytes at a record boundary hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    /// A whole record: header and `caplen` bytes of frame follow.
    Whole(RecordHeader),
    /// The bytes end inside this record (or its header).
    Partial,
    /// The header is impossible: the file is corrupt from here on.
    Bad(&'static str),
}

/// Parses the file header; `None` when `b` does not start with a classic
/// pcap header this module reads (pcapng, other magics, too short).
pub fn parse_file_header(b: &[u8]) -> Option<FileHeader> {
    let h: &[u8; FILE_HEADER_LEN] = b.get(..FILE_HEADER_LEN)?.try_into().ok()?;
    let le = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
    let be = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let (big_endian, nanos) = match (le, be) {
        (MAGIC_US, _) => (false, false),
        (MAGIC_NS, _) => (false, true),
        (_, MAGIC_US) => (true, false),
        (_, MAGIC_NS) => (true, true),
        _ => return None,
    };
    let hdr = FileHeader { big_endian, nanos, linktype: 0 };
    let major = hdr.u16_at(h, 4);
    if major != 2 {
        return None;
    }
    Some(FileHeader { linktype: (hdr.u32_at(h, 20) & 0xffff) as i32, ..hdr })
}

/// Parses the record starting at `b[0]`.
pub fn parse_record(h: &FileHeader, b: &[u8]) -> Record {
    let Some(r) = b.get(..RECORD_HEADER_LEN) else { return Record::Partial };
    let sec = h.u32_at(r, 0);
    let frac = h.u32_at(r, 4);
    let caplen = h.u32_at(r, 8);
    let wire_len = h.u32_at(r, 12);
    if caplen > MAX_CAPLEN {
        return Record::Bad("record longer than 262144 bytes (corrupt file)");
    }
    // A fraction of a second or more is out of spec, but libpcap takes it
    // as is (sec * 10^6 + usec) and writers exist that produce it.
    let usec = if h.nanos { frac / 1000 } else { frac };
    if b.len() - RECORD_HEADER_LEN < caplen as usize {
        return Record::Partial;
    }
    Record::Whole(RecordHeader { ts_us: u64::from(sec) * 1_000_000 + u64::from(usec), caplen, wire_len })
}

impl FileHeader {
    fn u16_at(&self, b: &[u8], at: usize) -> u16 {
        let v = [b[at], b[at + 1]];
        if self.big_endian { u16::from_be_bytes(v) } else { u16::from_le_bytes(v) }
    }

    fn u32_at(&self, b: &[u8], at: usize) -> u32 {
        let v = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if self.big_endian { u32::from_be_bytes(v) } else { u32::from_le_bytes(v) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first 40 bytes of `dns/zeek_dns53.pcap` (`xxd -l 40`): a
    /// little-endian microsecond Ethernet file and its first record header.
    const ZEEK_DNS53_HEAD: [u8; 40] = [
        0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0x01, 0, 0, 0, //
        0xfe, 0x03, 0x84, 0x39, 0x73, 0xbb, 0x04, 0x00, 0xdb, 0x01, 0, 0, 0xdb, 0x01, 0, 0,
    ];

    #[test]
    fn reads_a_real_header() {
        let h = parse_file_header(&ZEEK_DNS53_HEAD).unwrap();
        assert_eq!(h, FileHeader { big_endian: false, nanos: false, linktype: 1 });
        // Only the header is here: the 475-byte frame is missing.
        assert_eq!(parse_record(&h, &ZEEK_DNS53_HEAD[24..]), Record::Partial);
        let mut whole = ZEEK_DNS53_HEAD[24..].to_vec();
        whole.resize(16 + 475, 0);
        let Record::Whole(r) = parse_record(&h, &whole) else { panic!() };
        assert_eq!((r.caplen, r.wire_len), (475, 475));
        assert_eq!(r.ts_us, 0x3984_03fe * 1_000_000 + 0x0004_bb73);
    }

    #[test]
    fn big_endian_nanosecond_and_junk() {
        let mut b = vec![0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4];
        b.extend([0; 12]);
        b.extend([0, 0, 0, 101]);
        let h = parse_file_header(&b).unwrap();
        assert_eq!(h, FileHeader { big_endian: true, nanos: true, linktype: 101 });
        let rec = [0, 0, 0, 1, 0x3b, 0x9a, 0xc9, 0xff, 0, 0, 0, 0, 0, 0, 0, 0];
        let Record::Whole(r) = parse_record(&h, &rec) else { panic!() };
        assert_eq!(r.ts_us, 1_999_999);
        assert_eq!(parse_record(&h, &[0, 0, 0, 1, 0, 0, 0, 0, 0x7f, 0, 0, 0, 0, 0, 0, 0]), Record::Bad("record longer than 262144 bytes (corrupt file)"));
        assert_eq!(parse_file_header(b"\x0a\x0d\x0d\x0a pcapng section header!"), None);
        assert_eq!(parse_file_header(&b[..23]), None);
    }
}
