//! The probe's one stdout buffer. `--json -` and hook `print`s both run on
//! the exporter thread and write here, so their lines come out in the order
//! they were produced, and stdout is written in large blocks.

use std::io::{self, Write};
use std::sync::Mutex;

static OUT: Mutex<Option<io::BufWriter<io::Stdout>>> = Mutex::new(None);

/// Appends bytes to stdout's buffer. A write error (closed pipe) is ignored
/// here; `flush` reports it.
pub fn write(b: &[u8]) {
    let mut g = OUT.lock().unwrap_or_else(|e| e.into_inner());
    let w = g.get_or_insert_with(|| io::BufWriter::with_capacity(64 * 1024, io::stdout()));
    let _ = w.write_all(b);
}

pub fn flush() -> io::Result<()> {
    let mut g = OUT.lock().unwrap_or_else(|e| e.into_inner());
    match g.as_mut() {
        Some(w) => w.flush(),
        None => Ok(()),
    }
}

/// A `Write` onto the shared buffer, for outputs.
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        write(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        flush()
    }
}
