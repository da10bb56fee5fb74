//! The uniform hook interface. The exporter calls every loaded hook right
//! before a flow is exported, with the flow's protocol and the field table
//! the engine built once; backends (Lua in `lua-compat`, WebAssembly) never
//! name a protocol field. A hook returns a verdict: keep, or drop (the flow
//! reaches no output and is counted). Errors are the backend's to count and
//! report; they never stop the probe and never lose the flow.

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

/// A loaded hook. Built and used on the exporter thread only.
pub trait Hook {
    /// True when the hook has a check function for `proto`.
    fn wants(&self, proto: Proto) -> bool;
    /// Runs the check function for `proto` on `table`.
    fn call(&mut self, proto: Proto, table: &FieldTable) -> Verdict;
    /// End of input (an end-of-run callback, if the backend has one).
    fn finish(&mut self) {}
    fn report(&self) -> HookReport;
}

/// Builds a hook on the exporter thread (Lua states are not `Send`).
pub type HookFactory = Box<dyn FnOnce() -> Result<Box<dyn Hook>, String> + Send>;
