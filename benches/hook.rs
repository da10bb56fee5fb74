//! Hook call cost with a full DNS table, backends side by side:
//! `cargo bench --bench hook` (or `cargo bench -- hook`).
//! - native: a Rust hook that reads every key (the floor)
//! - lua: `benches/hooks/readAll.lua` (every key) and `readOne.lua`, with
//!   and without budgets
//! - wasm: `benches/hooks/read_all.wat` and `read_one.wat`, with and
//!   without epoch deadline and memory cap
//!
//! Each iteration is one call as the exporter makes it: the Lua table is
//! refilled, the wasm encoding made and copied, for one flow.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use engine::dissect::Proto;
use engine::hook::wasm::{WasmHook, WasmOptions};
use engine::hook::{FlowInput, Hook, HookReport, Verdict};
use engine::table::Value;
use lua_compat::{LuaHook, LuaOptions};

/// The floor: a native hook reading every key and value.
struct Native(u64);

impl Hook for Native {
    fn wants(&self, _: Proto) -> bool {
        true
    }
    fn call(&mut self, input: &mut FlowInput<'_>) -> Verdict {
        for (k, v) in input.table.iter() {
            self.0 += k.len() as u64;
            self.0 += match v {
                Value::Int(i) => *i as u64,
                Value::Str(s) => s.len() as u64,
            };
        }
        Verdict::Keep
    }
    fn report(&self) -> HookReport {
        HookReport::default()
    }
}

fn lua(script: &str, instructions: bool, memory: bool) -> LuaHook {
    let mut o = LuaOptions::new(common::repo(script));
    if !instructions {
        o.max_instructions = 0;
    }
    if !memory {
        o.max_memory = 0;
    }
    LuaHook::load(&o).expect("load lua")
}

fn wasm(module: &str, epoch: bool, memcap: bool) -> WasmHook {
    let mut o = WasmOptions::new(common::repo(module));
    if !epoch {
        o.timeout = Duration::ZERO;
    }
    if !memcap {
        o.max_memory = 0;
    }
    WasmHook::load(&o).expect("load wasm")
}

fn bench(c: &mut Criterion) {
    let table = common::dns_table();
    eprintln!("DNS table: {} entries", table.len());
    let mut buf = Vec::with_capacity(4096);
    let mut g = c.benchmark_group("hook");
    let mut run = |name: &str, h: &mut dyn Hook| {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut input = FlowInput::new(Proto::Dns, &table, &mut buf);
                h.call(&mut input)
            })
        });
    };
    run("native", &mut Native(0));
    const LUA_ALL: &str = "benches/hooks/readAll.lua";
    const LUA_ONE: &str = "benches/hooks/readOne.lua";
    const WASM_ALL: &str = "benches/hooks/read_all.wat";
    const WASM_ONE: &str = "benches/hooks/read_one.wat";
    run("lua_read_all_budgets", &mut lua(LUA_ALL, true, true));
    run("lua_read_all_instructions_only", &mut lua(LUA_ALL, true, false));
    run("lua_read_all_memory_only", &mut lua(LUA_ALL, false, true));
    run("lua_read_all_no_budgets", &mut lua(LUA_ALL, false, false));
    run("lua_read_one_budgets", &mut lua(LUA_ONE, true, true));
    run("lua_read_one_no_budgets", &mut lua(LUA_ONE, false, false));
    run("wasm_read_all_epoch_memcap", &mut wasm(WASM_ALL, true, true));
    run("wasm_read_all_no_epoch_no_memcap", &mut wasm(WASM_ALL, false, false));
    run("wasm_read_one_epoch_memcap", &mut wasm(WASM_ONE, true, true));
    run("wasm_read_one_no_epoch_no_memcap", &mut wasm(WASM_ONE, false, false));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
