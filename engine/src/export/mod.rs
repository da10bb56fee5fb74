//! Outputs for exported flows: JSON lines, the per-plugin dump dirs, NetFlow
//! v5/v9 and IPFIX export to collectors, and the `-P` text dump.

pub mod dump;
pub mod json;
pub mod netflow;
pub mod stdout;
pub mod textdump;

use std::net::IpAddr;

use crate::dissect::Proto;
use crate::table::FieldTable;

/// One flow, ready for hooks and outputs.
#[derive(Debug)]
pub struct FlowRecord {
    /// The plugin that dissected the flow, if any.
    pub proto: Option<Proto>,
    pub table: FieldTable,
    /// Dump-dir lines (one per transaction) for the plugin's dump dir.
    pub dump: Vec<String>,
    /// Epoch second of the flow's last packet (dump dir date).
    pub end_secs: u64,
    /// Initiator and responder addresses (`flow.from`, `flow.to`), raw, for
    /// the binary exporters.
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Packet time of the first and last packet, microseconds since the epoch
    /// (NetFlow's FIRST_SWITCHED/LAST_SWITCHED need milliseconds).
    pub first_us: u64,
    pub last_us: u64,
}

/// What one network output did, for the exit summary.
#[derive(Clone, Debug, Default)]
pub struct OutputReport {
    /// `udp://127.0.0.1:2055 (NetFlow v9)`, `dump /tmp/flows`, ...
    pub name: String,
    /// Export packets (or files) written.
    pub packets: u64,
    /// Flows sent.
    pub flows: u64,
    /// Records sent (NetFlow v5 sends one per direction).
    pub records: u64,
    pub bytes: u64,
    /// Send or write errors (counted, never fatal).
    pub errors: u64,
    /// Flows this output cannot carry (IPv6 in NetFlow v5).
    pub skipped: u64,
}

/// A destination for kept flows.
pub trait Output: Send {
    fn write(&mut self, rec: &FlowRecord) -> std::io::Result<()>;
    fn flush(&mut self) -> std::io::Result<()>;
    /// Called about once a second when no flow arrives, so that an output can
    /// send a partly filled packet or rotate a file on a quiet link.
    fn tick(&mut self) {}
    /// Counters for the exit summary (empty for outputs that have none).
    fn reports(&self) -> Vec<OutputReport> {
        Vec::new()
    }
}
