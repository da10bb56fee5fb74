//! Sandboxed WebAssembly hooks (wasmtime). The ABI is specified in
//! `wasm-guests/ABI.md`; this module is the host side.
//!
//! - Capabilities: none. The only import a guest may have is
//!   `flowhook.print(ptr, len)`; any other import fails the load, naming it.
//!   No WASI, no files, no network, no clock, no environment.
//! - Compiled once at start; one instance, reused across calls; never
//!   instantiated per flow. After a trap the instance (whose heap may be
//!   inconsistent) is rebuilt from its `InstancePre` in a fresh store.
//! - Budgets per call: an epoch deadline (wall clock), a memory cap with
//!   `StoreLimits`, a bounded stack, and a print budget. A trap or timeout is
//!   an error of that call: counted by reason, the flow kept. After
//!   `max_failures` consecutive failures the hook is disabled, once, loudly.

mod host;

pub use host::{factory, WasmHook, WasmOptions, DEFAULT_MAX_FAILURES, DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_MS};
