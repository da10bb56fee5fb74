//! The Lua hook: loads the script once, finds its check functions, and calls
//! them per flow on budgets.


use engine::dissect::Proto;
use engine::export::stdout;
use engine::hook::{CallTimer, FlowInput, Hook, HookReport, Verdict};
use engine::table::FieldTable;
use mlua::{Function, Lua, StdLib, Value as LuaValue, Variadic};

use crate::limits::{Budget, INSTRUCTION_LIMIT_MSG};
use crate::table::{Filler, Interner};
use crate::{LuaOptions, REPORTED_ERRORS};

/// Name of the optional end-of-run callback a script may define.
pub const END_CALLBACK: &str = "flowhookEnd";

struct Check {
    proto: Proto,
    func: Function,
    /// Name of the protocol's global table (`dns`), NUL-terminated for the C API.
    global: std::ffi::CString,
    filler: Filler,
    calls: u64,
    drops: u64,
    errors: [u64; 3],
    timer: CallTimer,
}

const REASONS: [&str; 3] = ["runtime", "instructions", "memory"];

pub struct LuaHook {
    lua: Lua,
    name: String,
    checks: Vec<Check>,
    interner: Interner,
    budget: Budget,
    end: Option<Function>,
}

impl LuaHook {
    /// Loads and runs the script's top level. Errors (unreadable file, syntax
    /// error with file and line, top-level runtime error) are returned as one line.
    pub fn load(opts: &LuaOptions) -> Result<LuaHook, String> {
        let path = opts.script.display().to_string();
        let src = std::fs::read(&opts.script).map_err(|e| format!("[LUA] cannot read {path}: {e}"))?;
        let libs = if opts.sandbox {
            StdLib::STRING | StdLib::TABLE | StdLib::MATH | StdLib::UTF8 | StdLib::COROUTINE
        } else {
            StdLib::ALL_SAFE
        };
        let lua = Lua::new_with(libs, mlua::LuaOptions::default()).map_err(|e| format!("[LUA] cannot create a Lua state: {e}"))?;
        let init = || -> mlua::Result<()> {
            let g = lua.globals();
            g.set("print", lua.create_function(lua_print)?)?;
            if opts.sandbox {
                for name in ["load", "loadfile", "dofile", "require", "collectgarbage"] {
                    g.set(name, mlua::Nil)?;
                }
            }
            Ok(())
        };
        init().map_err(|e| format!("[LUA] cannot prepare the Lua state: {e}"))?;
        let chunk = lua.load(&src[..]).set_name(format!("@{path}")).set_mode(mlua::chunk::ChunkMode::Text);
        chunk.exec().map_err(|e| format!("[LUA] {}", first_line(&e)))?;

        let budget = Budget::install(&lua, opts.max_instructions).map_err(|e| format!("[LUA] {e}"))?;
        if opts.max_memory > 0 {
            lua.set_memory_limit(opts.max_memory).map_err(|e| format!("[LUA] cannot set the memory limit: {e}"))?;
        }
        let mut checks = Vec::new();
        for p in Proto::ALL {
            let Ok(func) = lua.globals().get::<Function>(p.check_fn()) else { continue };
            if !opts.plugins.contains(&p) {
                eprintln!(
                    "[LUA] WARNING: {path} defines {}() but the {} plugin is disabled (--plugins): it will never be called",
                    p.check_fn(),
                    p.name()
                );
                continue;
            }
            let global = std::ffi::CString::new(p.name()).map_err(|e| e.to_string())?;
            let filler = Filler::new(&lua).map_err(|e| e.to_string())?;
            checks.push(Check { proto: p, func, global, filler, calls: 0, drops: 0, errors: [0; 3], timer: CallTimer::default() });
        }
        let end = lua.globals().get::<Function>(END_CALLBACK).ok();
        eprintln!("[LUA] Successfully interpreted {path}");
        eprintln!("{} plugin(s) enabled", checks.len());
        let interner = Interner::new(&lua).map_err(|e| e.to_string())?;
        Ok(LuaHook { lua, name: format!("lua:{path}"), checks, interner, budget, end })
    }

    /// Runs one check; returns its verdict or the error.
    fn run(&mut self, idx: usize, table: &FieldTable) -> mlua::Result<Verdict> {
        let lua = &self.lua;
        let c = &mut self.checks[idx];
        // One protected raw-API call fills the table and sets the global; with
        // the memory limit on, an allocation failure there is a memory error
        // of this call like any other.
        c.filler.fill(lua, &mut self.interner, table, &c.global)?;
        self.budget.reset();
        let r: LuaValue = c.func.call(())?;
        Ok(if matches!(r, LuaValue::Boolean(false)) { Verdict::Drop } else { Verdict::Keep })
    }
}

fn first_line(e: &mlua::Error) -> String {
    let s = e.to_string();
    s.lines().next().unwrap_or("").to_string()
}

fn reason(e: &mlua::Error) -> usize {
    match e {
        mlua::Error::MemoryError(_) => 2,
        mlua::Error::CallbackError { cause, .. } => reason(cause),
        e if e.to_string().contains(INSTRUCTION_LIMIT_MSG) => 1,
        _ => 0,
    }
}

/// `print` writes to the probe's stdout, in order with its other stdout output.
fn lua_print(_: &Lua, args: Variadic<LuaValue>) -> mlua::Result<()> {
    let mut line = Vec::with_capacity(64);
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(b'\t');
        }
        match a {
            LuaValue::String(s) => line.extend_from_slice(&s.as_bytes()),
            other => line.extend_from_slice(other.to_string()?.as_bytes()),
        }
    }
    line.push(b'\n');
    stdout::write(&line);
    Ok(())
}

impl Hook for LuaHook {
    fn wants(&self, proto: Proto) -> bool {
        self.checks.iter().any(|c| c.proto == proto)
    }

    fn call(&mut self, input: &mut FlowInput<'_>) -> Verdict {
        let Some(idx) = self.checks.iter().position(|c| c.proto == input.proto) else { return Verdict::Keep };
        let t0 = self.checks[idx].timer.start(self.checks[idx].calls);
        let r = self.run(idx, input.table);
        let c = &mut self.checks[idx];
        c.timer.stop(t0);
        c.calls += 1;
        match r {
            Ok(v) => {
                if v == Verdict::Drop {
                    c.drops += 1;
                }
                v
            }
            Err(e) => {
                let why = reason(&e);
                c.errors[why] += 1;
                let n: u64 = c.errors.iter().sum();
                if n <= REPORTED_ERRORS {
                    eprintln!("[LUA] {}() error ({}): {}", c.proto.check_fn(), REASONS[why], first_line(&e));
                }
                if n == REPORTED_ERRORS {
                    eprintln!("[LUA] {}(): further errors are counted, not printed", c.proto.check_fn());
                }
                // A failed call leaves the stack and the GC as Lua left them; the flow is kept.
                Verdict::Keep
            }
        }
    }

    fn finish(&mut self) {
        if let Some(f) = self.end.take() {
            self.budget.reset();
            if let Err(e) = f.call::<()>(()) {
                eprintln!("[LUA] {END_CALLBACK}() error: {}", first_line(&e));
            }
        }
        let _ = stdout::flush();
    }

    fn report(&self) -> HookReport {
        let mut errors = Vec::new();
        for c in &self.checks {
            for (i, n) in c.errors.iter().enumerate() {
                if *n > 0 {
                    errors.push((format!("{} {}", c.proto.check_fn(), REASONS[i]), *n));
                }
            }
        }
        HookReport {
            name: self.name.clone(),
            calls: self.checks.iter().map(|c| c.calls).sum(),
            drops: self.checks.iter().map(|c| c.drops).sum(),
            errors,
            total_ns: self.checks.iter().map(|c| c.timer.total_ns(c.calls)).sum(),
            disabled: false,
        }
    }
}
