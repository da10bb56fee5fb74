//! The block pcap reader against libpcap: on every capture under
//! `../shared/pcaps` (and on cut and corrupted copies of a real one) both
//! readers give the same frames, timestamps, wire lengths and link type,
//! and break at the same frame.

mod common;

use std::path::Path;

use common::{all_captures, pcap};
use engine::capture::{Next, PacketSource};
use engine::config::{FileReader, Source};

#[derive(Debug, PartialEq)]
struct Read {
    linktype: i32,
    frames: Vec<(u64, u32, Vec<u8>)>,
    broken: bool,
    in_blocks: bool,
}

fn read(path: &Path, reader: FileReader) -> Option<Read> {
    let mut src = PacketSource::open(&Source::File(path.to_owned()), None, reader).ok()?;
    let in_blocks = matches!(src, PacketSource::Blocks(_));
    let linktype = src.linktype();
    let mut frames = Vec::new();
    let broken = loop {
        match src.next_frame() {
            Next::Frame(f) => {
                assert_eq!(f.block.is_some(), in_blocks);
                frames.push((f.ts_us, f.wire_len, f.data.to_vec()));
            }
            Next::End => break false,
            Next::Broken(_) => break true,
            Next::Idle => unreachable!("files are never idle"),
        }
    };
    Some(Read { linktype, frames, broken, in_blocks })
}

#[test]
fn block_reader_equals_libpcap_on_every_capture() {
    let mut block_files = 0;
    for p in all_captures() {
        let lib = read(&p, FileReader::Libpcap).unwrap_or_else(|| panic!("libpcap cannot open {}", p.display()));
        let auto = read(&p, FileReader::Auto).unwrap();
        let is_pcapng = std::fs::read(&p).unwrap().starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]);
        assert_eq!(auto.in_blocks, !is_pcapng, "{}: only pcapng goes to libpcap", p.display());
        block_files += usize::from(auto.in_blocks);
        assert_eq!(Read { in_blocks: false, ..auto }, lib, "{}", p.display());
    }
    assert!(block_files >= 40, "only {block_files} classic pcap files read");
}

/// `mixed/ndpi_1kxun.pcap` cut at many places (inside record headers and
/// inside frames) and with a corrupt length: both readers keep the same
/// frames and both say the file broke.
#[test]
fn cut_and_corrupt_files_break_where_libpcap_does() {
    let src = std::fs::read(pcap("mixed/ndpi_1kxun.pcap")).unwrap();
    let dir = std::env::temp_dir().join(format!("flowhook-reader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("cut.pcap");
    for cut in [25, 24 + 10, 24 + 16 + 3, src.len() / 3, src.len() / 2 + 7, src.len() - 1] {
        std::fs::write(&f, &src[..cut]).unwrap();
        let lib = read(&f, FileReader::Libpcap).unwrap();
        let auto = read(&f, FileReader::Auto).unwrap();
        assert!(auto.in_blocks && lib.broken, "cut at {cut}");
        assert_eq!(Read { in_blocks: false, ..auto }, lib, "cut at {cut}");
    }
    // Frame 1's microseconds (bytes 28..32) at 1.5 s: out of spec, but
    // libpcap reads it as sec * 10^6 + usec, and so must we.
    let mut odd = src.clone();
    odd[28..32].copy_from_slice(&1_500_000u32.to_le_bytes());
    std::fs::write(&f, &odd).unwrap();
    let auto = read(&f, FileReader::Auto).unwrap();
    assert!(!auto.broken);
    assert_eq!(Read { in_blocks: false, ..auto }, read(&f, FileReader::Libpcap).unwrap());
    // Frame 1's caplen (bytes 32..36) set to 0x7fffffff: corrupt from the first record.
    let mut bad = src.clone();
    bad[32..36].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    std::fs::write(&f, &bad).unwrap();
    let auto = read(&f, FileReader::Auto).unwrap();
    assert!(auto.broken && auto.frames.is_empty());
    assert_eq!(read(&f, FileReader::Libpcap).map(|r| (r.broken, r.frames.len())), Some((true, 0)));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A capture of 20 blocks (1 MiB each): records cut by a block boundary
/// are moved whole to the next block.
/// Built from `http/zeek_http-get.pcap`'s frames repeated.
#[test]
fn frames_across_block_boundaries() {
    let src = std::fs::read(pcap("http/zeek_http-get.pcap")).unwrap();
    let mut big = src.clone();
    while big.len() < 20 << 20 {
        big.extend_from_slice(&src[24..]);
    }
    let dir = std::env::temp_dir().join(format!("flowhook-reader-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("big.pcap");
    std::fs::write(&f, &big).unwrap();
    let auto = read(&f, FileReader::Auto).unwrap();
    let lib = read(&f, FileReader::Libpcap).unwrap();
    assert!(auto.in_blocks && !auto.broken && auto.frames.len() > 10_000);
    assert_eq!(Read { in_blocks: false, ..auto }, lib);
    let _ = std::fs::remove_dir_all(&dir);
}
