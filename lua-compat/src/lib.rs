//! nProbe-compatible Lua hooks (mlua, Lua 5.4). Filled in by the Lua issue.

use std::path::PathBuf;

use engine::dissect::Proto;
use engine::hook::HookFactory;

/// A factory that loads `script` on the exporter thread.
pub fn factory(script: PathBuf, _plugins: Vec<Proto>) -> HookFactory {
    Box::new(move || Err(format!("Lua support is not built yet ({})", script.display())))
}
