//! The exporter thread: builds the hooks, then for each ended flow calls the
//! hooks that want its protocol (in load order: Lua, then wasm; a drop from
//! any drops the flow) and writes kept flows to every output and dump dir.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::dissect::{plugin, Proto};
use crate::export::dump::DumpDir;
use crate::export::{FlowRecord, Output, OutputReport};
use crate::hook::{FlowInput, Hook, HookFactory, HookReport, Verdict};

#[derive(Debug, Default, Clone)]
pub struct DumpReport {
    pub proto: &'static str,
    pub errors: u64,
}

#[derive(Default)]
pub(super) struct ExporterResult {
    pub exported: u64,
    pub dropped: u64,
    pub hooks: Vec<HookReport>,
    pub dumps: Vec<DumpReport>,
    pub output_errors: u64,
    pub outputs: Vec<OutputReport>,
}

/// With no flow for this long, outputs get a `tick` (a partly filled export
/// packet goes out, a dump file rotates) so a quiet link does not hold data.
const TICK: Duration = Duration::from_secs(1);

pub(super) fn run(
    rx: Receiver<Vec<FlowRecord>>,
    factories: Vec<HookFactory>,
    mut outputs: Vec<Box<dyn Output>>,
    dump_dirs: Vec<(Proto, PathBuf)>,
    ready: Sender<Result<(), String>>,
) -> ExporterResult {
    let mut hooks: Vec<Box<dyn Hook>> = Vec::new();
    for f in factories {
        match f() {
            Ok(h) => hooks.push(h),
            Err(msg) => {
                let _ = ready.send(Err(msg));
                return ExporterResult::default();
            }
        }
    }
    let _ = ready.send(Ok(()));
    let mut dumps: Vec<(Proto, DumpDir)> = dump_dirs
        .into_iter()
        .map(|(p, dir)| {
            let header = plugin(p).map_or("#", |pl| pl.dump_header);
            (p, DumpDir::new(dir, p, header))
        })
        .collect();
    let mut res = ExporterResult::default();
    let mut output_reported = false;
    let mut scratch = Vec::with_capacity(4096);
    let mut last_tick = Instant::now();
    loop {
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            for o in outputs.iter_mut() {
                o.tick();
            }
        }
        let batch = match rx.recv_timeout(TICK) {
            Ok(b) => b,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        for rec in batch {
            let mut verdict = Verdict::Keep;
            if let Some(p) = rec.proto {
                let mut input = FlowInput::new(p, &rec.table, &mut scratch);
                for h in hooks.iter_mut() {
                    if h.wants(p) && h.call(&mut input) == Verdict::Drop {
                        verdict = Verdict::Drop;
                    }
                }
            }
            if verdict == Verdict::Drop {
                res.dropped += 1;
                continue;
            }
            res.exported += 1;
            for o in outputs.iter_mut() {
                if let Err(e) = o.write(&rec) {
                    res.output_errors += 1;
                    if !output_reported {
                        output_reported = true;
                        eprintln!("[EXPORT] output error: {e} (counting further errors silently)");
                    }
                }
            }
            if let Some(p) = rec.proto {
                if let Some((_, d)) = dumps.iter_mut().find(|(dp, _)| *dp == p) {
                    d.write_lines(rec.end_secs, &rec.dump);
                }
            }
        }
    }
    for h in hooks.iter_mut() {
        h.finish();
    }
    for o in outputs.iter_mut() {
        if o.flush().is_err() {
            res.output_errors += 1;
        }
    }
    for (p, d) in dumps.iter_mut() {
        d.flush();
        res.dumps.push(DumpReport { proto: p.name(), errors: d.errors });
    }
    res.hooks = hooks.iter().map(|h| h.report()).collect();
    res.outputs = outputs.iter().flat_map(|o| o.reports()).collect();
    res
}
