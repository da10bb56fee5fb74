//! The wasmtime host for one guest module.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use wasmtime::{Caller, Config, Engine, Extern, InstancePre, Linker, Memory, Module, Store, StoreLimits, StoreLimitsBuilder, Trap, TypedFunc};

use crate::dissect::Proto;
use crate::export::stdout;
use crate::hook::encode::ABI_VERSION;
use crate::hook::{CallTimer, FlowInput, Hook, HookReport, Verdict};

/// Default wall-clock budget per call.
pub const DEFAULT_TIMEOUT_MS: u64 = 100;
/// Default memory cap per instance: generous for a per-flow filter, small
/// next to the probe.
pub const DEFAULT_MAX_MEMORY: usize = 64 << 20;
/// Default consecutive failures before a hook is disabled.
pub const DEFAULT_MAX_FAILURES: u32 = 10;
/// Wasm stack per call: deep enough for real guests, so that runaway
/// recursion traps quickly instead of eating the host thread's stack.
pub const MAX_WASM_STACK: usize = 512 << 10;
/// Bytes one `print` call may write; longer prints are cut.
pub const MAX_PRINT_BYTES: usize = 64 << 10;
/// Bytes all `print`s of one call may write; beyond this the call traps
/// ("print flood"), so a guest cannot fill the disk through stdout.
pub const MAX_PRINT_PER_CALL: usize = 1 << 20;
/// Errors printed in full per hook; after that they are only counted.
pub const REPORTED_ERRORS: u64 = 5;
/// Epoch ticks per deadline: the deadline holds within (1 + 1/TICKS) of its setting.
const TICKS_PER_DEADLINE: u64 = 4;

/// Module and function names of the ABI.
pub const IMPORT_MODULE: &str = "flowhook";
pub const IMPORT_PRINT: &str = "print";
pub const EXPORT_VERSION: &str = "flowhook_abi_version";
pub const EXPORT_ALLOC: &str = "flowhook_alloc";
pub const EXPORT_END: &str = "flowhookEnd";

#[derive(Clone, Debug)]
pub struct WasmOptions {
    pub path: PathBuf,
    pub timeout: Duration,
    pub max_memory: usize,
    pub max_failures: u32,
    pub plugins: Vec<Proto>,
}

impl WasmOptions {
    pub fn new(path: PathBuf) -> WasmOptions {
        WasmOptions {
            path,
            timeout: Duration::from_millis(DEFAULT_TIMEOUT_MS),
            max_memory: DEFAULT_MAX_MEMORY,
            max_failures: DEFAULT_MAX_FAILURES,
            plugins: Proto::ALL.to_vec(),
        }
    }
}

/// Per-store state: limits and the print budget of the current call.
struct HostState {
    limits: StoreLimits,
    printed: usize,
    print_cut: u64,
}

/// Why a call failed (the exit summary counts these).
const REASONS: [&str; 8] = ["timeout", "memory", "stack_overflow", "unreachable", "out_of_bounds", "trap", "bad_verdict", "print_flood"];

/// A guest's `check<PROTO>Flow(ptr, len) -> verdict`.
type CheckFn = TypedFunc<(u32, u32), u32>;

struct Instance {
    store: Store<HostState>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    checks: Vec<(Proto, CheckFn)>,
    end: Option<TypedFunc<(), ()>>,
    /// Guest buffer for the table: (pointer, capacity).
    buf: (u32, u32),
}

pub struct WasmHook {
    name: String,
    engine: Engine,
    pre: InstancePre<HostState>,
    inst: Option<Instance>,
    opts: WasmOptions,
    deadline_ticks: u64,
    wants: Vec<Proto>,
    calls: u64,
    drops: u64,
    errors: [u64; REASONS.len()],
    timer: CallTimer,
    consecutive: u32,
    disabled: bool,
    reported: u64,
}

/// One epoch ticker per process, at the smallest period any hook asked for.
fn start_ticker(engine: &Engine, period: Duration) {
    static STARTED: OnceLock<()> = OnceLock::new();
    static STOP: AtomicBool = AtomicBool::new(false);
    let e = engine.clone();
    STARTED.get_or_init(|| {
        let _ = std::thread::Builder::new().name("wasm-epoch".into()).spawn(move || {
            while !STOP.load(Ordering::Relaxed) {
                std::thread::sleep(period);
                e.increment_epoch();
            }
        });
    });
}

/// One wasmtime engine per process and per interruption mode (epoch
/// interruption is an engine setting; `--hook-timeout-ms 0` asks for none,
/// which only benchmarks should want).
fn shared_engine(epoch: bool) -> Result<Engine, String> {
    type Slot = OnceLock<Result<Engine, String>>;
    static ENGINES: [Slot; 2] = [OnceLock::new(), OnceLock::new()];
    ENGINES[usize::from(epoch)]
        .get_or_init(|| {
            let mut c = Config::new();
            c.epoch_interruption(epoch);
            c.max_wasm_stack(MAX_WASM_STACK);
            Engine::new(&c).map_err(|e| e.to_string())
        })
        .clone()
}

fn classify(e: &wasmtime::Error) -> usize {
    match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => 0,
        Some(Trap::StackOverflow) => 2,
        Some(Trap::UnreachableCodeReached) => 3,
        Some(Trap::MemoryOutOfBounds | Trap::TableOutOfBounds) => 4,
        Some(_) => 5,
        None => {
            let s = format!("{e:#}");
            if s.contains("print budget") {
                7
            } else if s.contains("memory") || s.contains("grow") {
                1
            } else {
                5
            }
        }
    }
}

impl WasmHook {
    /// Loads and checks a guest: a clear one-line error for a file that is not
    /// wasm, an import that is not granted, or a missing ABI export.
    pub fn load(opts: &WasmOptions) -> Result<WasmHook, String> {
        let path = opts.path.display().to_string();
        let bytes = std::fs::read(&opts.path).map_err(|e| format!("[WASM] cannot read {path}: {e}"))?;
        let epoch = !opts.timeout.is_zero();
        let engine = shared_engine(epoch).map_err(|e| format!("[WASM] cannot start wasmtime: {e}"))?;
        let module = Module::new(&engine, &bytes).map_err(|e| format!("[WASM] {path} is not a valid WebAssembly module: {}", first_line(&e)))?;
        for imp in module.imports() {
            let is_print = imp.module() == IMPORT_MODULE && imp.name() == IMPORT_PRINT;
            if !is_print {
                return Err(format!(
                    "[WASM] {path} imports {}.{}, which is not granted (the only import allowed is {IMPORT_MODULE}.{IMPORT_PRINT})",
                    imp.module(),
                    imp.name()
                ));
            }
        }
        let mut linker: Linker<HostState> = Linker::new(&engine);
        linker
            .func_wrap(IMPORT_MODULE, IMPORT_PRINT, |mut caller: Caller<'_, HostState>, ptr: u32, len: u32| -> wasmtime::Result<()> {
                let Some(Extern::Memory(mem)) = caller.get_export("memory") else { return Ok(()) };
                let want = (len as usize).min(MAX_PRINT_BYTES);
                let st = caller.data();
                if st.printed + want > MAX_PRINT_PER_CALL {
                    return Err(wasmtime::Error::msg("print budget of the call exceeded"));
                }
                let mut buf = vec![0u8; want];
                // An out-of-range pointer is the guest's error: print nothing.
                if mem.read(&caller, ptr as usize, &mut buf).is_err() {
                    return Ok(());
                }
                let st = caller.data_mut();
                st.printed += want;
                if want < len as usize {
                    st.print_cut += 1;
                }
                stdout::write(&buf);
                Ok(())
            })
            .map_err(|e| format!("[WASM] {e}"))?;
        let pre = linker.instantiate_pre(&module).map_err(|e| format!("[WASM] {path}: {}", first_line(&e)))?;
        let period = (opts.timeout / TICKS_PER_DEADLINE as u32).max(Duration::from_millis(1));
        let deadline_ticks = if epoch {
            start_ticker(&engine, period);
            (opts.timeout.as_nanos() / period.as_nanos().max(1)) as u64 + 1
        } else {
            0
        };
        let mut h = WasmHook {
            name: format!("wasm:{path}"),
            engine,
            pre,
            inst: None,
            opts: opts.clone(),
            deadline_ticks,
            wants: Vec::new(),
            calls: 0,
            drops: 0,
            errors: [0; REASONS.len()],
            timer: CallTimer::default(),
            consecutive: 0,
            disabled: false,
            reported: 0,
        };
        let inst = h.instantiate().map_err(|e| format!("[WASM] {path}: {e}"))?;
        let provided: Vec<Proto> = inst.checks.iter().map(|(p, _)| *p).collect();
        for p in &provided {
            if !opts.plugins.contains(p) {
                eprintln!("[WASM] WARNING: {path} exports {}() but the {} plugin is disabled (--plugins): it will never be called", p.check_fn(), p.name());
            }
        }
        h.wants = provided.into_iter().filter(|p| opts.plugins.contains(p)).collect();
        eprintln!(
            "[WASM] Loaded {path}: hooks {}",
            if h.wants.is_empty() { "(none)".to_string() } else { h.wants.iter().map(|p| p.check_fn()).collect::<Vec<_>>().join(", ") }
        );
        h.inst = Some(inst);
        Ok(h)
    }

    fn instantiate(&self) -> Result<Instance, String> {
        let limits = StoreLimitsBuilder::new().memory_size(self.opts.max_memory).instances(1).memories(1).tables(4).trap_on_grow_failure(true).build();
        let mut store = Store::new(&self.engine, HostState { limits, printed: 0, print_cut: 0 });
        // `--wasm-max-memory 0`: no cap (benchmarks only).
        if self.opts.max_memory > 0 {
            store.limiter(|s| &mut s.limits);
        }
        self.arm(&mut store);
        let instance = self.pre.instantiate(&mut store).map_err(|e| first_line(&e))?;
        let memory = instance.get_memory(&mut store, "memory").ok_or("the module exports no memory named \"memory\"")?;
        let version = instance
            .get_typed_func::<(), u32>(&mut store, EXPORT_VERSION)
            .map_err(|_| format!("the module does not export {EXPORT_VERSION}() -> i32"))?;
        self.arm(&mut store);
        let v = version.call(&mut store, ()).map_err(|e| first_line(&e))?;
        if v != ABI_VERSION {
            return Err(format!("the module speaks ABI version {v}, this probe speaks {ABI_VERSION}"));
        }
        let alloc = instance
            .get_typed_func::<u32, u32>(&mut store, EXPORT_ALLOC)
            .map_err(|_| format!("the module does not export {EXPORT_ALLOC}(i32) -> i32"))?;
        let mut checks = Vec::new();
        for p in Proto::ALL {
            if instance.get_export(&mut store, p.check_fn()).is_none() {
                continue;
            }
            let f = instance
                .get_typed_func::<(u32, u32), u32>(&mut store, p.check_fn())
                .map_err(|_| format!("{}() must have the type (i32, i32) -> i32", p.check_fn()))?;
            checks.push((p, f));
        }
        let end = instance.get_typed_func::<(), ()>(&mut store, EXPORT_END).ok();
        Ok(Instance { store, memory, alloc, checks, end, buf: (0, 0) })
    }

    fn arm(&self, store: &mut Store<HostState>) {
        if self.deadline_ticks > 0 {
            store.set_epoch_deadline(self.deadline_ticks);
        }
    }

    fn run(&mut self, input: &mut FlowInput<'_>) -> wasmtime::Result<Verdict> {
        if self.inst.is_none() {
            self.inst = Some(self.instantiate().map_err(wasmtime::Error::msg)?);
        }
        let Some(inst) = self.inst.as_mut() else { return Err(wasmtime::Error::msg("no instance")) };
        // Index, not clone: cloning a TypedFunc clones its registered type
        // (a fifth of a call's cost in the profile).
        let Some(fi) = inst.checks.iter().position(|(p, _)| *p == input.proto) else { return Ok(Verdict::Keep) };
        let bytes = input.encoded();
        let len = bytes.len() as u32;
        if self.deadline_ticks > 0 {
            inst.store.set_epoch_deadline(self.deadline_ticks);
        }
        inst.store.data_mut().printed = 0;
        if inst.buf.1 < len {
            // Ask for room to spare so that growth is rare.
            let cap = len.max(4096).next_power_of_two();
            let ptr = inst.alloc.call(&mut inst.store, cap)?;
            inst.buf = (ptr, cap);
        }
        inst.memory.write(&mut inst.store, inst.buf.0 as usize, bytes)?;
        let v = inst.checks[fi].1.call(&mut inst.store, (inst.buf.0, len))?;
        match v {
            0 => Ok(Verdict::Keep),
            1 => Ok(Verdict::Drop),
            other => Err(wasmtime::Error::msg(format!("bad verdict {other} (0 keep, 1 drop)"))),
        }
    }

    fn fail(&mut self, e: &wasmtime::Error) {
        let why = if format!("{e}").starts_with("bad verdict") { 6 } else { classify(e) };
        self.errors[why] += 1;
        self.consecutive += 1;
        self.reported += 1;
        if self.reported <= REPORTED_ERRORS {
            let msg = match e.downcast_ref::<Trap>() {
                Some(t) => t.to_string(),
                None => e.root_cause().to_string(),
            };
            eprintln!("[WASM] {} call failed ({}): {msg}", self.name, REASONS[why]);
        }
        // The heap of a trapped instance may be inconsistent: start afresh.
        if why != 6 {
            self.inst = None;
        }
        if self.consecutive >= self.opts.max_failures {
            self.disabled = true;
            eprintln!("[WASM] {} failed {} calls in a row: hook disabled for the rest of the run", self.name, self.consecutive);
        }
    }
}


fn first_line(e: &dyn std::fmt::Display) -> String {
    let s = format!("{e:#}");
    s.lines().next().unwrap_or("").to_string()
}

impl Hook for WasmHook {
    fn wants(&self, proto: Proto) -> bool {
        !self.disabled && self.wants.contains(&proto)
    }

    fn call(&mut self, input: &mut FlowInput<'_>) -> Verdict {
        let t0 = self.timer.start(self.calls);
        let r = self.run(input);
        self.timer.stop(t0);
        self.calls += 1;
        match r {
            Ok(v) => {
                self.consecutive = 0;
                if v == Verdict::Drop {
                    self.drops += 1;
                }
                v
            }
            Err(e) => {
                self.fail(&e);
                Verdict::Keep
            }
        }
    }

    fn finish(&mut self) {
        if self.disabled {
            return;
        }
        if let Some(inst) = self.inst.as_mut() {
            if let Some(end) = inst.end.clone() {
                if self.deadline_ticks > 0 {
                    inst.store.set_epoch_deadline(self.deadline_ticks);
                }
                inst.store.data_mut().printed = 0;
                if let Err(e) = end.call(&mut inst.store, ()) {
                    eprintln!("[WASM] {} {EXPORT_END}() failed: {}", self.name, first_line(&e));
                }
            }
        }
        let _ = stdout::flush();
    }

    fn report(&self) -> HookReport {
        HookReport {
            name: self.name.clone(),
            calls: self.calls,
            drops: self.drops,
            errors: REASONS.iter().zip(self.errors.iter()).filter(|(_, n)| **n > 0).map(|(r, n)| (r.to_string(), *n)).collect(),
            total_ns: self.timer.total_ns(self.calls),
            disabled: self.disabled,
        }
    }
}

/// A factory that loads the guest on the exporter thread.
pub fn factory(opts: WasmOptions) -> crate::hook::HookFactory {
    Box::new(move || WasmHook::load(&opts).map(|h| Box::new(h) as Box<dyn Hook>))
}
