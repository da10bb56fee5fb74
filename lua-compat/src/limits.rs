//! The per-call instruction budget: a count hook every [`HOOK_EVERY`]
//! instructions, reset before each call (Suricata's scheme: a budget per call,
//! never cumulative across calls).

use std::cell::Cell;
use std::rc::Rc;

use mlua::{HookTriggers, Lua, VmState};

/// Instructions between two budget checks: frequent enough to stop a loop
/// within about 50 us, rare enough that a typical check function pays for at
/// most one hook callback (each costs ~200 ns; at every 1000 instructions the
/// budget added 0.7 us to a 3 us call, see BENCHMARKS.md).
pub const HOOK_EVERY: u32 = 10_000;

/// Marker in the error raised when the budget is spent.
pub const INSTRUCTION_LIMIT_MSG: &str = "instruction limit reached";

#[derive(Clone)]
pub struct Budget {
    used: Rc<Cell<u64>>,
}

impl Budget {
    /// Installs the hook on `lua`; `max` is the instruction budget per call.
    pub fn install(lua: &Lua, max: u64) -> mlua::Result<Budget> {
        let used = Rc::new(Cell::new(0u64));
        if max > 0 {
            let u = used.clone();
            lua.set_hook(HookTriggers::new().every_nth_instruction(HOOK_EVERY), move |_, _| {
                let n = u.get() + u64::from(HOOK_EVERY);
                u.set(n);
                if n > max {
                    Err(mlua::Error::runtime(INSTRUCTION_LIMIT_MSG))
                } else {
                    Ok(VmState::Continue)
                }
            })?;
        }
        Ok(Budget { used })
    }

    pub fn reset(&self) {
        self.used.set(0);
    }
}
