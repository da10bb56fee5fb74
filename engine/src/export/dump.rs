//! Per-plugin dump dirs (`--dns-dump-dir DIR`, ...), as nProbe writes them:
//! text files under `DIR/YYYY/MM/DD/` (the date of the flow's packets, UTC),
//! at most [`MAX_LINES_PER_FILE`] lines each, one line per transaction, each
//! file starting with a `#` header naming the columns. Write errors are
//! reported once and counted; capture goes on.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::dissect::Proto;

/// nProbe's documented bound: each dump file is "at most 1000-lines long".
pub const MAX_LINES_PER_FILE: usize = 1000;

/// (year, month, day).
type Day = (i64, u32, u32);

pub struct DumpDir {
    root: PathBuf,
    proto: Proto,
    header: &'static str,
    /// The open file, its line count and its day.
    file: Option<(BufWriter<File>, usize, Day)>,
    files: u64,
    pub errors: u64,
    reported: bool,
}

impl DumpDir {
    pub fn new(root: PathBuf, proto: Proto, header: &'static str) -> DumpDir {
        DumpDir { root, proto, header, file: None, files: 0, errors: 0, reported: false }
    }

    pub fn write_lines(&mut self, when_secs: u64, lines: &[String]) {
        for l in lines {
            if let Err(e) = self.write_line(when_secs, l) {
                self.errors += 1;
                if !self.reported {
                    self.reported = true;
                    eprintln!("[DUMP] cannot write {} dump under {}: {e} (counting further errors silently)", self.proto.name(), self.root.display());
                }
            }
        }
    }

    fn write_line(&mut self, when_secs: u64, line: &str) -> std::io::Result<()> {
        let date = civil_from_days((when_secs / 86_400) as i64);
        let rotate = match &self.file {
            Some((_, n, d)) => *n >= MAX_LINES_PER_FILE || *d != date,
            None => true,
        };
        if rotate {
            if let Some((mut w, _, _)) = self.file.take() {
                w.flush()?;
            }
            let dir = self.root.join(format!("{:04}/{:02}/{:02}", date.0, date.1, date.2));
            fs::create_dir_all(&dir)?;
            self.files += 1;
            let path = dir.join(format!("{}-{}-{:04}.txt", self.proto.name(), when_secs, self.files));
            let mut w = BufWriter::new(File::create(path)?);
            writeln!(w, "{}", self.header)?;
            self.file = Some((w, 0, date));
        }
        if let Some((w, n, _)) = self.file.as_mut() {
            writeln!(w, "{line}")?;
            *n += 1;
        }
        Ok(())
    }

    pub fn flush(&mut self) {
        if let Some((w, _, _)) = self.file.as_mut() {
            if w.flush().is_err() {
                self.errors += 1;
            }
        }
    }
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        // 1466425499 is the epoch in nProbe's documented dnsSearch output: 2016-06-20.
        assert_eq!(super::civil_from_days(1_466_425_499 / 86_400), (2016, 6, 20));
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
    }
}
