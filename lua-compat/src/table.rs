//! Copies an engine field table into a reused Lua table, with the key strings
//! interned once. Key sequences repeat from flow to flow of a protocol, so the
//! cached sequence is checked by pointer and only a changed position pays a
//! map lookup.

use std::collections::HashMap;

use engine::table::{FieldTable, Value};
use mlua::{Lua, LuaString, Table};

pub struct Filler {
    /// The reused Lua table of one protocol.
    pub table: Table,
    /// Keys set by the previous fill, in order (pointer of the engine's
    /// static key, interned Lua string).
    last: Vec<(*const u8, LuaString)>,
}

/// Interned key strings shared by all protocols' fillers.
#[derive(Default)]
pub struct Interner {
    keys: HashMap<&'static str, LuaString>,
}

impl Interner {
    fn get(&mut self, lua: &Lua, k: &'static str) -> mlua::Result<LuaString> {
        if let Some(s) = self.keys.get(k) {
            return Ok(s.clone());
        }
        let s = lua.create_string(k)?;
        self.keys.insert(k, s.clone());
        Ok(s)
    }
}

impl Filler {
    pub fn new(lua: &Lua) -> mlua::Result<Filler> {
        Ok(Filler { table: lua.create_table_with_capacity(0, 48)?, last: Vec::new() })
    }

    /// Makes the Lua table hold exactly the keys and values of `t`.
    pub fn fill(&mut self, lua: &Lua, names: &mut Interner, t: &FieldTable) -> mlua::Result<()> {
        let mut i = 0;
        for (k, v) in t.iter() {
            let same = self.last.get(i).is_some_and(|(p, _)| *p == k.as_ptr());
            if !same {
                let s = names.get(lua, k)?;
                if i < self.last.len() {
                    // The sequence changed here: drop the rest of the old one.
                    for (_, old) in self.last.drain(i..) {
                        self.table.raw_set(&old, mlua::Nil)?;
                    }
                }
                self.last.push((k.as_ptr(), s));
            }
            let key = &self.last[i].1;
            match v {
                Value::Int(n) => self.table.raw_set(key, *n)?,
                Value::Str(s) => self.table.raw_set(key, s.as_str())?,
            }
            i += 1;
        }
        // Keys of the previous flow that this one does not have (flow.vlan).
        for (_, old) in self.last.drain(i..) {
            self.table.raw_set(&old, mlua::Nil)?;
        }
        Ok(())
    }
}
