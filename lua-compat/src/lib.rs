//! nProbe-compatible Lua hooks over mlua (Lua 5.4, vendored).
//!
//! A script defines any of `checkDHCPFlow checkDNSFlow ... checkSMTPFlow`.
//! Before calling one, the hook sets the global table of that protocol
//! (`dns`, `http`, ...) to the flow's field table: flat, dotted string keys,
//! integers as Lua integers, strings as strings, nothing nil. The check
//! function's result is the verdict: `false` drops the flow; `nil`, `true`
//! or nothing keeps it.
//!
//! One Lua state sees every flow in export order (it lives on the exporter
//! thread), so script globals accumulate across calls whatever `--threads` is.
//! Each call runs on budgets: an instruction limit and a memory limit for the
//! state; a script error, or a budget hit, is counted per function, reported
//! (rate-limited) with file and line, and never loses the flow.
//!
//! The glue never names a protocol field: it copies whatever table the engine built.

mod limits;
mod runtime;
mod table;

use std::path::PathBuf;

use engine::dissect::Proto;
use engine::hook::HookFactory;

pub use runtime::LuaHook;

/// Default instruction budget per call: generous (about 50 ms of plain Lua
/// on the development machine), still stops an infinite loop quickly.
pub const DEFAULT_MAX_INSTRUCTIONS: u64 = 100_000_000;
/// Default memory limit of the Lua state: far above what per-flow scripts
/// need, low enough that a runaway script cannot take the probe down.
pub const DEFAULT_MAX_MEMORY: usize = 256 << 20;
/// Errors reported in full per check function; after that they are counted
/// and one line says so.
pub const REPORTED_ERRORS: u64 = 5;

/// How to load a script.
#[derive(Clone, Debug)]
pub struct LuaOptions {
    pub script: PathBuf,
    /// Plugins that dissect: a check function for another one never fires (warned at start).
    pub plugins: Vec<Proto>,
    /// Instruction budget per call (0: none).
    pub max_instructions: u64,
    /// Memory limit of the state in bytes (0: none).
    pub max_memory: usize,
    /// Untrusted script: no `io`, `os`, `debug`, `package`/`require`,
    /// `load`/`loadfile`/`dofile`, and no bytecode.
    pub sandbox: bool,
}

impl LuaOptions {
    pub fn new(script: PathBuf) -> LuaOptions {
        LuaOptions {
            script,
            plugins: Proto::ALL.to_vec(),
            max_instructions: DEFAULT_MAX_INSTRUCTIONS,
            max_memory: DEFAULT_MAX_MEMORY,
            sandbox: false,
        }
    }
}

/// A factory that loads the script on the exporter thread.
pub fn factory(opts: LuaOptions) -> HookFactory {
    Box::new(move || LuaHook::load(&opts).map(|h| Box::new(h) as Box<dyn engine::hook::Hook>))
}
