//! TCP stream reassembly per direction (RFC 9293 sequence arithmetic):
//! in-order delivery, retransmissions and overlaps trimmed, out-of-order
//! segments buffered within a bound. When the bound is hit the missing bytes
//! are given up: the gap is counted and delivery resumes after it, so a lost
//! segment never stalls a dissector for the rest of the flow.

/// Out-of-order bytes buffered per direction: 256 KiB covers a full default
/// receive window with room to spare; more means loss, not reordering.
pub const MAX_OOO_BYTES: usize = 256 * 1024;
/// Out-of-order segments buffered per direction (the scan for the next one is linear).
pub const MAX_OOO_SEGMENTS: usize = 64;

#[derive(Default, Debug)]
pub struct TcpStream {
    next: Option<u32>,
    ooo: Vec<(u32, Vec<u8>)>,
    ooo_bytes: usize,
    /// Gaps skipped (bytes never seen).
    pub gaps: u32,
    /// Segments or parts of segments that were already delivered.
    pub retransmitted: u32,
}

/// Signed distance from `b` to `a` in sequence space.
fn seq_diff(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

impl TcpStream {
    /// Feeds one segment; calls `deliver` with each in-order chunk.
    pub fn segment(&mut self, seq: u32, syn: bool, data: &[u8], deliver: &mut dyn FnMut(&[u8])) {
        if syn {
            // SYN consumes one sequence number; a retransmitted SYN resets nothing.
            if self.next.is_none() {
                self.next = Some(seq.wrapping_add(1));
            }
            if data.is_empty() {
                return;
            }
            return self.segment(seq.wrapping_add(1), false, data, deliver);
        }
        if data.is_empty() {
            return;
        }
        let next = *self.next.get_or_insert(seq);
        let off = seq_diff(seq, next);
        if off > 0 {
            self.buffer(seq, data);
            if self.ooo_bytes > MAX_OOO_BYTES || self.ooo.len() > MAX_OOO_SEGMENTS {
                // Give up on the hole: resume at the earliest buffered segment.
                self.gaps += 1;
                if let Some(first) = self.ooo.iter().map(|(s, _)| *s).min_by_key(|s| seq_diff(*s, next)) {
                    self.next = Some(first);
                }
                self.drain(deliver);
            }
            return;
        }
        let skip = off.unsigned_abs() as usize;
        if skip >= data.len() {
            self.retransmitted += 1;
            return;
        }
        if skip > 0 {
            self.retransmitted += 1;
        }
        let fresh = &data[skip..];
        deliver(fresh);
        self.next = Some(next.wrapping_add(fresh.len() as u32));
        self.drain(deliver);
    }

    fn buffer(&mut self, seq: u32, data: &[u8]) {
        if self.ooo.iter().any(|(s, d)| *s == seq && d.len() >= data.len()) {
            self.retransmitted += 1;
            return;
        }
        self.ooo_bytes += data.len();
        self.ooo.push((seq, data.to_vec()));
    }

    /// Delivers buffered segments that have become in-order.
    fn drain(&mut self, deliver: &mut dyn FnMut(&[u8])) {
        while let Some(next) = self.next {
            let Some(i) = self.ooo.iter().position(|(s, _)| seq_diff(*s, next) <= 0) else { break };
            let (seq, data) = self.ooo.swap_remove(i);
            self.ooo_bytes -= data.len();
            let skip = seq_diff(next, seq) as usize;
            if skip < data.len() {
                deliver(&data[skip..]);
                self.next = Some(next.wrapping_add((data.len() - skip) as u32));
            }
        }
    }

    /// End of flow: delivers whatever is buffered, skipping holes.
    pub fn flush(&mut self, deliver: &mut dyn FnMut(&[u8])) {
        while !self.ooo.is_empty() {
            let Some(next) = self.next else { break };
            if let Some(first) = self.ooo.iter().map(|(s, _)| *s).min_by_key(|s| seq_diff(*s, next)) {
                if seq_diff(first, next) > 0 {
                    self.gaps += 1;
                    self.next = Some(first);
                }
            }
            self.drain(deliver);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(s: &mut TcpStream, seq: u32, data: &[u8], out: &mut Vec<u8>) {
        s.segment(seq, false, data, &mut |d| out.extend_from_slice(d));
    }

    #[test]
    fn reorders_trims_and_wraps() {
        let mut s = TcpStream::default();
        let mut out = Vec::new();
        let isn = u32::MAX - 2;
        s.segment(isn, true, b"", &mut |_| {});
        feed(&mut s, isn.wrapping_add(6), b"world", &mut out); // early
        feed(&mut s, isn.wrapping_add(1), b"hell", &mut out);
        feed(&mut s, isn.wrapping_add(1), b"hello", &mut out); // overlap, 1 new byte
        assert_eq!(out, b"helloworld");
        feed(&mut s, isn.wrapping_add(1), b"hello", &mut out); // pure retransmission
        assert_eq!(out, b"helloworld");
    }

    #[test]
    fn hole_is_skipped_at_the_bound() {
        let mut s = TcpStream::default();
        let mut out = Vec::new();
        feed(&mut s, 1000, b"a", &mut out);
        for i in 0..=MAX_OOO_SEGMENTS as u32 {
            feed(&mut s, 2000 + i, b"b", &mut out);
        }
        assert_eq!(s.gaps, 1);
        assert_eq!(out.len(), 1 + MAX_OOO_SEGMENTS + 1);
    }
}
