//! Outputs for exported flows: JSON lines and the per-plugin dump dirs.

pub mod dump;
pub mod json;
pub mod stdout;

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
}

/// A destination for kept flows.
pub trait Output: Send {
    fn write(&mut self, rec: &FlowRecord) -> std::io::Result<()>;
    fn flush(&mut self) -> std::io::Result<()>;
}
