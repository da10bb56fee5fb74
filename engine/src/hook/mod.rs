//! The uniform hook interface. The exporter calls every loaded hook right
//! before a flow is exported, with the flow's protocol and the field table
//! the engine built once; backends (Lua in `lua-compat`, WebAssembly) never
//! name a protocol field. A hook returns a verdict: keep, or drop (the flow
//! reaches no output and is counted). Errors are the backend's to count and
//! report; they never stop the probe and never lose the flow.

#[cfg(feature = "wasm")]
pub mod wasm;
pub mod encode;

use crate::dissect::Proto;
use crate::table::FieldTable;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    Drop,
}

/// Per-hook figures for the exit summary.
#[derive(Clone, Debug, Default)]
pub struct HookReport {
    pub name: String,
    pub calls: u64,
    pub drops: u64,
    /// Errors by reason ("runtime", "timeout", "memory", ...).
    pub errors: Vec<(String, u64)>,
    pub total_ns: u64,
    pub disabled: bool,
}

/// What a hook receives for one flow: its protocol, the engine's table, and
/// the table's flat encoding for wasm guests, made on first use and shared by
/// every hook of the flow.
pub struct FlowInput<'a> {
    pub proto: Proto,
    pub table: &'a FieldTable,
    buf: &'a mut Vec<u8>,
    encoded: bool,
}

impl<'a> FlowInput<'a> {
    /// `buf` is a scratch buffer reused from flow to flow.
    pub fn new(proto: Proto, table: &'a FieldTable, buf: &'a mut Vec<u8>) -> FlowInput<'a> {
        FlowInput { proto, table, buf, encoded: false }
    }

    /// The table in the ABI's flat encoding ([`encode`]).
    pub fn encoded(&mut self) -> &[u8] {
        if !self.encoded {
            encode::encode(self.proto, self.table, self.buf);
            self.encoded = true;
        }
        self.buf
    }
}

/// A loaded hook. Built and used on the exporter thread only.
pub trait Hook {
    /// True when the hook has a check function for `proto`.
    fn wants(&self, proto: Proto) -> bool;
    /// Runs the check function for the flow's protocol.
    fn call(&mut self, input: &mut FlowInput<'_>) -> Verdict;
    /// End of input (an end-of-run callback, if the backend has one).
    fn finish(&mut self) {}
    fn report(&self) -> HookReport;
}

/// Hook calls are timed one in [`TIMING_SAMPLE`]: two clock reads cost
/// about 40 ns, a fifth of a wasm call. The summary's total and mean time
/// per call are extrapolated from the sample.
pub const TIMING_SAMPLE: u64 = 16;

/// Per-call timing, sampled (see [`TIMING_SAMPLE`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct CallTimer {
    sampled_ns: u64,
    samples: u64,
}

impl CallTimer {
    /// Starts timing call number `call` (0-based) if it is in the sample.
    pub fn start(&self, call: u64) -> Option<std::time::Instant> {
        call.is_multiple_of(TIMING_SAMPLE).then(std::time::Instant::now)
    }

    pub fn stop(&mut self, t0: Option<std::time::Instant>) {
        if let Some(t0) = t0 {
            self.sampled_ns += t0.elapsed().as_nanos() as u64;
            self.samples += 1;
        }
    }

    /// Estimated total over `calls` calls.
    pub fn total_ns(&self, calls: u64) -> u64 {
        match self.samples {
            0 => 0,
            n => self.sampled_ns / n * calls,
        }
    }
}

/// Builds a hook on the exporter thread (Lua states are not `Send`).
pub type HookFactory = Box<dyn FnOnce() -> Result<Box<dyn Hook>, String> + Send>;
