//! `-P <dir>`: flows also written to text files, one line per flow in the
//! template's columns separated by `|`, like nProbe's dump path. Files are
//! nested `DIR/YYYY/MM/DD/HH/MM.flows` (UTC; `MM-SS.flows` when `-F` is not
//! a whole number of minutes) and a new one starts every `-F` seconds of
//! packet time (the latest flow end seen). A file is written as `.temp` and
//! renamed when complete, so a reader never picks up a half-written one.
//! Write errors are reported once and counted; capture goes on.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::net::IpAddr;
use std::path::PathBuf;

use super::dump::civil_from_days;
use super::netflow::elements::{Src, Ty};
use super::netflow::template::{self, Field, Val};
use super::{FlowRecord, Output, OutputReport};

/// nProbe's `-F` default: a new dump file every 60 s.
pub const DEFAULT_ROTATE_SECS: u64 = 60;
/// Column separator (nProbe's text dump uses `|`); it is replaced by a
/// space inside values, as are line breaks.
const SEP: char = '|';

pub struct TextDump {
    root: PathBuf,
    fields: Vec<Field>,
    rotate_secs: u64,
    /// Open file: (writer, temp path, final path, window start).
    file: Option<(BufWriter<File>, PathBuf, PathBuf, u64)>,
    clock_secs: u64,
    line: String,
    files: u64,
    flows: u64,
    errors: u64,
    reported: bool,
}

impl TextDump {
    pub fn new(root: PathBuf, fields: Vec<Field>, rotate_secs: u64) -> TextDump {
        TextDump {
            root,
            fields,
            rotate_secs: rotate_secs.max(1),
            file: None,
            clock_secs: 0,
            line: String::with_capacity(512),
            files: 0,
            flows: 0,
            errors: 0,
            reported: false,
        }
    }

    fn path_for(&self, window: u64) -> PathBuf {
        let (y, m, d) = civil_from_days((window / 86_400) as i64);
        let sod = window % 86_400;
        let (hh, mm, ss) = (sod / 3600, sod % 3600 / 60, sod % 60);
        let name = if (self.rotate_secs / 60) * 60 == self.rotate_secs { format!("{mm:02}.flows") } else { format!("{mm:02}-{ss:02}.flows") };
        self.root.join(format!("{y:04}/{m:02}/{d:02}/{hh:02}")).join(name)
    }

    fn close(&mut self) -> io::Result<()> {
        if let Some((mut w, tmp, fin, _)) = self.file.take() {
            w.flush()?;
            drop(w);
            fs::rename(tmp, fin)?;
        }
        Ok(())
    }

    fn write_line(&mut self, rec: &FlowRecord) -> io::Result<()> {
        self.clock_secs = self.clock_secs.max(rec.end_secs);
        let window = self.clock_secs - self.clock_secs % self.rotate_secs;
        if self.file.as_ref().is_some_and(|f| f.3 != window) {
            self.close()?;
        }
        if self.file.is_none() {
            let fin = self.path_for(window);
            if let Some(dir) = fin.parent() {
                fs::create_dir_all(dir)?;
            }
            let mut tmp = fin.clone().into_os_string();
            tmp.push(".temp");
            let tmp = PathBuf::from(tmp);
            let mut w = BufWriter::new(File::create(&tmp)?);
            let names: Vec<&str> = self.fields.iter().map(|f| f.elem.name).collect();
            writeln!(w, "#{}", names.join(&SEP.to_string()))?;
            self.files += 1;
            self.file = Some((w, tmp, fin, window));
        }
        self.line.clear();
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                self.line.push(SEP);
            }
            push_value(&mut self.line, f, rec);
        }
        self.line.push('\n');
        if let Some((w, ..)) = self.file.as_mut() {
            w.write_all(self.line.as_bytes())?;
        }
        Ok(())
    }

    fn count_error(&mut self, e: &io::Error) {
        self.errors += 1;
        if !self.reported {
            self.reported = true;
            eprintln!("[DUMP] cannot write flows under {}: {e} (counting further errors silently)", self.root.display());
        }
    }
}

/// One column: addresses as text (empty for the other family's column),
/// FIRST/LAST_SWITCHED as epoch seconds (a file has no uptime), strings with
/// the separator and line breaks replaced.
fn push_value(s: &mut String, f: &Field, rec: &FlowRecord) {
    use std::fmt::Write;
    let v = template::value(f, rec);
    match (f.elem.src, v) {
        (Src::FirstSwitched | Src::LastSwitched, Val::U(ms)) => {
            let _ = write!(s, "{}", ms / 1000);
        }
        (_, Val::Ip(a)) => {
            let fits = matches!((f.elem.ty, a), (Ty::Ipv4, IpAddr::V4(_)) | (Ty::Ipv6, IpAddr::V6(_)));
            if fits {
                let _ = write!(s, "{a}");
            }
        }
        (_, Val::U(n)) => {
            if !matches!(f.elem.ty, Ty::Ipv4 | Ty::Ipv6) {
                let _ = write!(s, "{n}");
            }
        }
        (_, Val::Mac(m)) => {
            let _ = write!(s, "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
        }
        (_, Val::S(x)) => s.extend(x.chars().map(|c| if c == SEP || c == '\n' || c == '\r' { ' ' } else { c })),
    }
}

impl Output for TextDump {
    fn write(&mut self, rec: &FlowRecord) -> io::Result<()> {
        match self.write_line(rec) {
            Ok(()) => self.flows += 1,
            Err(e) => self.count_error(&e),
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Err(e) = self.close() {
            self.count_error(&e);
        }
        Ok(())
    }

    fn tick(&mut self) {
        if let Some((w, ..)) = self.file.as_mut() {
            if let Err(e) = w.flush() {
                self.count_error(&e);
            }
        }
    }

    fn reports(&self) -> Vec<OutputReport> {
        vec![OutputReport {
            name: format!("dump {}", self.root.display()),
            packets: self.files,
            flows: self.flows,
            records: self.flows,
            bytes: 0,
            errors: self.errors,
            skipped: 0,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::netflow::template::parse;
    use crate::export::netflow::tests::rec;

    #[test]
    fn files_rotate_by_packet_time_in_template_columns() {
        let dir = std::env::temp_dir().join(format!("flowhook-textdump-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let t = parse("%IPV4_SRC_ADDR %IPV6_SRC_ADDR %L4_DST_PORT %FIRST_SWITCHED %L7_PROTO_NAME %DNS_QUERY").unwrap();
        let mut d = TextDump::new(dir.clone(), t.given, 60);
        let mut r = rec("10.0.0.1", "10.0.0.2");
        r.end_secs = 1_466_425_499; // 2016-06-20 12:24:59 UTC
        r.first_us = 1_466_425_499_000_000;
        d.write(&r).unwrap();
        let mut r2 = rec("2001:db8::1", "2001:db8::2");
        r2.end_secs = 1_466_425_500; // next minute
        d.write(&r2).unwrap();
        d.flush().unwrap();
        let a = fs::read_to_string(dir.join("2016/06/20/12/24.flows")).unwrap();
        assert_eq!(a, "#IPV4_SRC_ADDR|IPV6_SRC_ADDR|L4_DST_PORT|FIRST_SWITCHED|L7_PROTO_NAME|DNS_QUERY\n10.0.0.1||53|1466425499|DNS|\n");
        let b = fs::read_to_string(dir.join("2016/06/20/12/25.flows")).unwrap();
        assert!(b.ends_with("\n|2001:db8::1|53|1000|DNS|\n"), "{b}");
        assert_eq!(d.reports()[0].packets, 2);
        let _ = fs::remove_dir_all(&dir);
    }
}
