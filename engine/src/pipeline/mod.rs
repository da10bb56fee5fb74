//! The run: capture -> N flow workers (sharded by a symmetric hash of the IP
//! endpoints, over bounded crossbeam channels; each worker owns its flows) ->
//! one exporter that runs the hooks and writes the outputs.
//!
//! Time is packet time. The capture thread broadcasts a tick to every worker
//! each time packet time crosses a second (and, live, when the link is quiet),
//! so idle flows expire by the capture's clock, identically whatever the
//! number of workers.

mod exporter;
mod worker;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{bounded, Sender};

use crate::capture::{Block, CaptureError, Next, PacketSource};
use crate::config::Config;
use crate::decode;
use crate::export::{Output, OutputReport};
use crate::hook::{HookFactory, HookReport};
use crate::stats::Stats;

pub use exporter::DumpReport;

/// Frames per batch sent to a worker. The capture thread outruns a worker,
/// so it mostly waits on a full queue and each batch the worker takes wakes
/// it (a futex call, 4 % of the worker's profile at 128 frames): fewer,
/// larger batches (512 frames, ~350 KB of a typical capture) cut the run by
/// 10 % at `--threads 1` (BENCHMARKS.md).
const BATCH_FRAMES: usize = 512;
/// Batches in flight per worker: bounds memory when workers fall behind
/// (the capture thread then waits, as a full ring would make the kernel
/// drop). 4 x 512 frames keeps as many frames in flight as 16 x 128 did, so
/// the file blocks they pin, and RSS, stay the same.
const WORKER_QUEUE: usize = 4;
/// Flow records a worker hands to the exporter at once (and at every tick).
/// Sent one by one, records arrived every few microseconds and the exporter
/// never got to sleep: it spun in the channel's back-off, 10 % of a run's
/// CPU, taken from the workers when both cores are busy.
pub(super) const EXPORT_BATCH: usize = 32;
/// Record batches in flight to the exporter: 1,024 records, enough to ride
/// out a slow hook call; each record holds a built table (~2.5 KB), and at
/// the end of a capture the workers fill the queue at once, so it is also a
/// peak-memory term.
const EXPORT_QUEUE: usize = 1024 / EXPORT_BATCH;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error("{0}")]
    Hook(String),
    #[error(transparent)]
    Geo(#[from] crate::geo::GeoError),
    #[error("cannot start thread: {0}")]
    Thread(std::io::Error),
}

/// What the run saw, for the exit summary.
#[derive(Debug, Default)]
pub struct RunSummary {
    pub stats: Stats,
    pub hooks: Vec<HookReport>,
    pub dumps: Vec<DumpReport>,
    pub output_errors: u64,
    /// Per network output / text dump counters (packets, flows, errors).
    pub outputs: Vec<OutputReport>,
    /// Where a file broke, if it did.
    pub broken: Option<String>,
    /// libpcap's received / dropped / interface-dropped counters (live).
    pub pcap_stats: Option<(u32, u32, u32)>,
    pub elapsed_secs: f64,
}

/// Frames for one worker: copied into `data`, or (file read in blocks) left
/// in place in `block`; `frames` locate them in whichever holds them.
pub(crate) struct Batch {
    linktype: i32,
    data: Vec<u8>,
    block: Option<Arc<Block>>,
    frames: Vec<FrameMeta>,
}

impl Batch {
    pub(crate) fn bytes(&self) -> &[u8] {
        self.block.as_deref().map_or(&self.data, |b| &b[..])
    }

    /// Empties the batch for reuse, keeping its buffers and releasing its block.
    pub(crate) fn clear(&mut self) {
        self.data.clear();
        self.block = None;
        self.frames.clear();
    }
}

#[derive(Clone, Copy)]
struct FrameMeta {
    ts_us: u64,
    frame_no: u64,
    start: u32,
    len: u32,
}

pub(crate) enum WorkMsg {
    Frames(Batch),
    /// Packet time has reached this instant (microseconds since the epoch).
    Tick(u64),
}

/// Runs the probe until the source ends or `stop` is set.
pub fn run(cfg: &Config, hooks: Vec<HookFactory>, outputs: Vec<Box<dyn Output>>, stop: Arc<AtomicBool>) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let geo = if cfg.as_db.is_some() || cfg.city_db.is_some() {
        Some(Arc::new(crate::geo::Geo::open(cfg.as_db.as_deref(), cfg.city_db.as_deref())?))
    } else {
        None
    };
    let mut src = PacketSource::open(&cfg.source, cfg.bpf.as_deref(), cfg.file_reader)?;
    let linktype = src.linktype();
    let n = cfg.threads.max(1);

    // Exporter first: hooks are built on its thread and must load before capture starts.
    let (exp_tx, exp_rx) = bounded(EXPORT_QUEUE);
    let (ready_tx, ready_rx) = bounded::<Result<(), String>>(1);
    let dump_dirs = cfg.dump_dirs.clone();
    let exporter = std::thread::Builder::new()
        .name("exporter".into())
        .spawn(move || exporter::run(exp_rx, hooks, outputs, dump_dirs, ready_tx))
        .map_err(RunError::Thread)?;
    match ready_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(msg)) => {
            drop(exp_tx);
            let _ = exporter.join();
            return Err(RunError::Hook(msg));
        }
        Err(_) => return Err(RunError::Hook("hook loader stopped".into())),
    }

    // Emptied batches come back for reuse: the capture thread allocating
    // and the workers freeing 32 KiB buffers made glibc's arena lock the
    // hottest lock of the run.
    let (free_tx, free_rx) = bounded::<Batch>(n * (WORKER_QUEUE + 2));
    let mut worker_tx: Vec<Sender<WorkMsg>> = Vec::with_capacity(n);
    let mut workers = Vec::with_capacity(n);
    for i in 0..n {
        let (tx, rx) = bounded(WORKER_QUEUE);
        worker_tx.push(tx);
        let w = worker::Worker::new(cfg, exp_tx.clone(), n, geo.clone());
        let free = free_tx.clone();
        workers.push(std::thread::Builder::new().name(format!("flows-{i}")).spawn(move || w.run(rx, free)).map_err(RunError::Thread)?);
    }
    drop(exp_tx);

    let mut cap_stats = Stats::default();
    drop(free_tx);
    let copies = !matches!(src, PacketSource::Blocks(_));
    let fresh = || free_rx.try_recv().unwrap_or_else(|_| new_batch(linktype, copies));
    let mut batches: Vec<Batch> = (0..n).map(|_| fresh()).collect();
    let mut frame_no: u64 = 0;
    let mut last_tick_sec: u64 = 0;
    let mut broken = None;
    let progress = cfg.progress && std::io::stderr().is_terminal() && !src.is_live();
    let mut last_progress = Instant::now();
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let frame = match src.next_frame() {
            Next::Frame(f) => f,
            Next::Idle => {
                // Quiet live link: tick with the wall clock, which is packet time live.
                let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0);
                if now / 1_000_000 > last_tick_sec {
                    last_tick_sec = now / 1_000_000;
                    flush_all(&mut batches, &worker_tx, &fresh);
                    broadcast(&worker_tx, now);
                }
                continue;
            }
            Next::End => break,
            Next::Broken(msg) => {
                broken = Some(format!("after frame {frame_no}: {msg}"));
                break;
            }
        };
        frame_no += 1;
        cap_stats.packets += 1;
        cap_stats.bytes += u64::from(frame.wire_len);
        let ts = frame.ts_us;
        // One worker: no shard to choose, and the worker's own decode counts
        // what does not decode, so the capture thread only reads frames.
        let shard = if n == 1 {
            0
        } else {
            match decode::locate_ip(linktype, frame.data) {
                Ok(l) => decode::shard_hash(&l).map_or(0, |h| (h % n as u64) as usize),
                Err(m) => {
                    cap_stats.malformed(m);
                    continue;
                }
            }
        };
        let b = &mut batches[shard];
        let len = frame.data.len() as u32;
        match frame.block {
            Some((block, start)) => {
                // A batch points into one block: a frame from the next one starts a new batch.
                if !b.block.as_ref().is_some_and(|m| Arc::ptr_eq(m, block)) {
                    hand_off(b, &worker_tx[shard], &fresh);
                    b.block = Some(Arc::clone(block));
                }
                b.frames.push(FrameMeta { ts_us: ts, frame_no, start, len });
            }
            None => {
                b.frames.push(FrameMeta { ts_us: ts, frame_no, start: b.data.len() as u32, len });
                b.data.extend_from_slice(frame.data);
            }
        }
        if b.frames.len() >= BATCH_FRAMES {
            hand_off(b, &worker_tx[shard], &fresh);
        }
        if ts / 1_000_000 > last_tick_sec {
            last_tick_sec = ts / 1_000_000;
            flush_all(&mut batches, &worker_tx, &fresh);
            broadcast(&worker_tx, ts);
        }
        if progress && frame_no.is_multiple_of(4096) && last_progress.elapsed().as_millis() >= 500 {
            last_progress = Instant::now();
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{frame_no} packets, {:.0} packets/s   ", frame_no as f64 / secs);
        }
    }
    if progress {
        eprintln!();
    }
    flush_all(&mut batches, &worker_tx, &fresh);
    let pcap_stats = src.live_stats();
    drop(worker_tx);
    let mut stats = cap_stats;
    for w in workers {
        if let Ok(s) = w.join() {
            stats.merge(&s);
        }
    }
    let ex = exporter.join().unwrap_or_default();
    stats.flows_exported = ex.exported;
    stats.flows_dropped = ex.dropped;
    Ok(RunSummary {
        stats,
        hooks: ex.hooks,
        dumps: ex.dumps,
        output_errors: ex.output_errors,
        outputs: ex.outputs,
        broken,
        pcap_stats,
        elapsed_secs: started.elapsed().as_secs_f64(),
    })
}

fn new_batch(linktype: i32, copies: bool) -> Batch {
    let data = if copies { Vec::with_capacity(BATCH_FRAMES * 256) } else { Vec::new() };
    Batch { linktype, data, block: None, frames: Vec::with_capacity(BATCH_FRAMES) }
}

/// Sends `b` to its worker if it holds frames, leaving a fresh batch in its place.
fn hand_off(b: &mut Batch, tx: &Sender<WorkMsg>, fresh: &dyn Fn() -> Batch) {
    if !b.frames.is_empty() {
        let full = std::mem::replace(b, fresh());
        let _ = tx.send(WorkMsg::Frames(full));
    }
}

fn flush_all(batches: &mut [Batch], tx: &[Sender<WorkMsg>], fresh: &dyn Fn() -> Batch) {
    for (b, t) in batches.iter_mut().zip(tx) {
        hand_off(b, t, fresh);
    }
}

fn broadcast(tx: &[Sender<WorkMsg>], ts_us: u64) {
    for t in tx {
        let _ = t.send(WorkMsg::Tick(ts_us));
    }
}
