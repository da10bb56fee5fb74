//! `--json`: one JSON object per flow, the table's keys and values in table order.

use std::io::{self, Write};

use super::{FlowRecord, Output};
use crate::table::{FieldTable, Value};

pub struct JsonOutput {
    out: Box<dyn Write + Send>,
    line: String,
}

impl JsonOutput {
    pub fn new(out: Box<dyn Write + Send>) -> JsonOutput {
        JsonOutput { out, line: String::with_capacity(1024) }
    }
}

impl Output for JsonOutput {
    fn write(&mut self, rec: &FlowRecord) -> io::Result<()> {
        self.line.clear();
        to_json(&rec.table, &mut self.line);
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Appends the table as one JSON object.
pub fn to_json(t: &FieldTable, s: &mut String) {
    s.push('{');
    for (i, (k, v)) in t.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_str(s, k);
        s.push(':');
        match v {
            Value::Int(n) => {
                use std::fmt::Write;
                let _ = write!(s, "{n}");
            }
            Value::Str(x) => push_str(s, x),
        }
    }
    s.push('}');
}

/// A JSON string literal (RFC 8259 escaping).
fn push_str(s: &mut String, x: &str) {
    s.push('"');
    for c in x.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write;
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
}
