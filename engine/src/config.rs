//! Run configuration, filled by the binary's command line.

use std::path::PathBuf;
use std::time::Duration;

use crate::dissect::Proto;

/// Default idle timeout: nProbe 10.0 moved it to 60 s "as TCP keep-alive is 45 sec".
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default lifetime timeout: nProbe's `-t` default.
pub const DEFAULT_LIFETIME_TIMEOUT: Duration = Duration::from_secs(120);
/// Default bound of the flow table: nProbe's order of magnitude, well beyond
/// a typical link's concurrent flows. At the measured ~1.5 KB per live flow
/// (BENCHMARKS.md) a full table is about 1.5 GB: lower it on small machines.
pub const DEFAULT_MAX_FLOWS: usize = 1 << 20;

/// How a capture file is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileReader {
    /// Classic pcap files without a BPF filter read in blocks, the rest libpcap.
    #[default]
    Auto,
    /// Always libpcap (for comparison).
    Libpcap,
}

/// Where packets come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A pcap or pcapng file.
    File(PathBuf),
    /// A live interface name.
    Interface(String),
}

#[derive(Clone, Debug)]
pub struct Config {
    pub source: Source,
    pub bpf: Option<String>,
    pub file_reader: FileReader,
    pub idle_timeout: Duration,
    pub lifetime_timeout: Duration,
    pub max_flows: usize,
    pub threads: usize,
    /// Plugins that dissect (default: all ten).
    pub plugins: Vec<Proto>,
    /// Per-plugin dump directories.
    pub dump_dirs: Vec<(Proto, PathBuf)>,
    /// MaxMind ASN database (`--as-list`).
    pub as_db: Option<PathBuf>,
    /// MaxMind City database (`--city-list`).
    pub city_db: Option<PathBuf>,
    /// Show a progress line on stderr (set by the binary when stderr is a tty).
    pub progress: bool,
}

impl Config {
    pub fn new(source: Source) -> Config {
        Config {
            source,
            bpf: None,
            file_reader: FileReader::Auto,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            lifetime_timeout: DEFAULT_LIFETIME_TIMEOUT,
            max_flows: DEFAULT_MAX_FLOWS,
            threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            plugins: Proto::ALL.to_vec(),
            dump_dirs: Vec::new(),
            as_db: None,
            city_db: None,
            progress: false,
        }
    }
}
