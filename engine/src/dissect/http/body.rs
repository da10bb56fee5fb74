//! Message bodies (RFC 9112 §6): how a message's body is delimited (§6.3)
//! and a streaming decoder for the chunked transfer coding (§7.1). Bodies
//! are skipped and counted, never buffered: a body of any size costs nothing
//! but the count.
//!
//! Limits: a chunk-size line longer than [`MAX_CHUNK_LINE`] is an error (the
//! stream is then out of step and the caller resynchronises).

use super::parser::Fields;

/// A chunk-size line (hex size, optional extensions) longer than this means
/// the decoder is out of step with the stream: real lines carry a few hex
/// digits, and nginx/Node refuse extensions past a few KiB.
pub const MAX_CHUNK_LINE: usize = 4096;

/// Hex digits of a chunk size: 16 fill a u64; more is an overflow.
const MAX_SIZE_DIGITS: u8 = 16;

/// How a message body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body: the next message starts right after the head.
    None,
    /// Exactly this many bytes (Content-Length).
    Length(u64),
    /// Chunked transfer coding.
    Chunked,
    /// Everything until the connection closes (a response without length).
    UntilClose,
}

/// Framing of a request body (RFC 9112 §6.3 rules 4-6 and 7): chunked wins
/// over Content-Length; a request without either has no body. A request
/// whose Transfer-Encoding does not end in chunked, or with an unusable
/// Content-Length, cannot be delimited: it is read as bodiless and the bytes
/// that follow are skipped until a request line shows up.
pub fn request_framing(f: &Fields<'_>) -> Framing {
    if f.transfer_encoding {
        return if f.chunked { Framing::Chunked } else { Framing::None };
    }
    match f.content_length {
        Some(0) | None => Framing::None,
        Some(n) => Framing::Length(n),
    }
}

/// Framing of a response body (RFC 9112 §6.3 rules 1-7): none for a HEAD
/// request and for 1xx, 204 and 304; then chunked, Content-Length, and
/// otherwise until the connection closes.
pub fn response_framing(f: &Fields<'_>, code: u16, to_head: bool) -> Framing {
    if to_head || (100..200).contains(&code) || code == 204 || code == 304 {
        return Framing::None;
    }
    if f.transfer_encoding {
        return if f.chunked { Framing::Chunked } else { Framing::UntilClose };
    }
    match f.content_length {
        Some(0) => Framing::None,
        Some(n) => Framing::Length(n),
        None => Framing::UntilClose,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// In a chunk-size line: the size so far, its digit count, and whether
    /// the size has ended (extensions or whitespace follow).
    Size { size: u64, digits: u8, ended: bool, line: usize },
    /// Chunk data still to come.
    Data(u64),
    /// The CRLF after chunk data.
    DataEnd,
    /// Trailer section after the last chunk: whether the current line is empty so far.
    Trailer { empty: bool },
}

/// What [`Chunked::feed`] reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The body goes on past these bytes.
    More,
    /// The body ended within these bytes (after the consumed count).
    Done,
    /// The bytes are not chunked coding; nothing past the consumed count was read.
    Error,
}

/// Streaming chunked-coding decoder; counts data bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunked {
    state: State,
}

impl Default for Chunked {
    fn default() -> Self {
        Chunked { state: State::Size { size: 0, digits: 0, ended: false, line: 0 } }
    }
}

fn hex_val(c: u8) -> Option<u64> {
    (c as char).to_digit(16).map(u64::from)
}

impl Chunked {
    /// Reads from `data`: returns the bytes consumed, the chunk-data bytes
    /// among them, and where the body stands.
    pub fn feed(&mut self, data: &[u8]) -> (usize, u64, Step) {
        let mut i = 0;
        let mut payload = 0u64;
        while i < data.len() {
            match &mut self.state {
                State::Data(left) => {
                    let avail = (data.len() - i) as u64;
                    let k = avail.min(*left);
                    *left -= k;
                    payload += k;
                    i += k as usize;
                    if *left == 0 {
                        self.state = State::DataEnd;
                    }
                    continue;
                }
                State::DataEnd => match data[i] {
                    b'\r' => {}
                    b'\n' => self.state = State::Size { size: 0, digits: 0, ended: false, line: 0 },
                    _ => return (i, payload, Step::Error),
                },
                State::Size { size, digits, ended, line } => {
                    let c = data[i];
                    *line += 1;
                    if *line > MAX_CHUNK_LINE {
                        return (i, payload, Step::Error);
                    }
                    match c {
                        b'\n' => {
                            if *digits == 0 {
                                return (i, payload, Step::Error);
                            }
                            self.state = if *size == 0 { State::Trailer { empty: true } } else { State::Data(*size) };
                        }
                        b'\r' => {}
                        _ if *ended => {}
                        b';' | b' ' | b'\t' => *ended = *digits > 0 || c == b';',
                        _ => {
                            let Some(v) = hex_val(c) else { return (i, payload, Step::Error) };
                            if *digits >= MAX_SIZE_DIGITS {
                                return (i, payload, Step::Error);
                            }
                            *size = (*size << 4) | v;
                            *digits += 1;
                        }
                    }
                }
                State::Trailer { empty } => match data[i] {
                    b'\n' if *empty => return (i + 1, payload, Step::Done),
                    b'\n' => *empty = true,
                    b'\r' => {}
                    _ => *empty = false,
                },
            }
            i += 1;
        }
        (i, payload, Step::More)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// Feeds `data` split into `step`-byte pieces; returns (consumed, payload, last step).
    fn run(data: &[u8], step: usize) -> (usize, u64, Step) {
        let mut c = Chunked::default();
        let (mut used, mut pay) = (0, 0);
        for piece in data.chunks(step) {
            let (n, p, s) = c.feed(piece);
            used += n;
            pay += p;
            if s != Step::More {
                return (used, pay, s);
            }
        }
        (used, pay, Step::More)
    }

    #[test]
    fn chunks_in_any_split() {
        let body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        for step in [1, 2, 3, 7, body.len()] {
            assert_eq!(run(body, step), (body.len() - 4, 23, Step::Done), "step {step}");
        }
    }

    /// The end of `http/suricata_pppoe-session-http.pcap`'s chunked response
    /// (frame 21's last bytes: `...</html>` CRLF, then the last chunk `0` CRLF CRLF),
    /// preceded by the chunk header of frame 6 (`39cc`).
    #[test]
    fn real_last_chunk() {
        let mut c = Chunked::default();
        assert_eq!(c.feed(b"39cc\r\n"), (6, 0, Step::More));
        assert_eq!(c.state, State::Data(0x39cc));
        c.state = State::Data(7);
        let tail = hex("3c2f68746d6c3e0d0a300d0a0d0a");
        assert_eq!(c.feed(&tail), (tail.len(), 7, Step::Done));
    }

    #[test]
    fn out_of_step_input_is_an_error() {
        assert_eq!(run(b"zz\r\n", 1).2, Step::Error);
        assert_eq!(run(b"\r\n", 1).2, Step::Error);
        assert_eq!(run(b"11111111111111111\r\n", 4).2, Step::Error);
        assert_eq!(run(b"2\r\nabX", 1), (5, 2, Step::Error));
        let long = [b"1;".as_slice(), &[b'x'; MAX_CHUNK_LINE]].concat();
        assert_eq!(run(&long, 100).2, Step::Error);
    }

    #[test]
    fn framing_rules() {
        let mut f = Fields { content_length: Some(10), ..Fields::default() };
        assert_eq!(request_framing(&f), Framing::Length(10));
        assert_eq!(response_framing(&f, 200, false), Framing::Length(10));
        assert_eq!(response_framing(&f, 200, true), Framing::None);
        assert_eq!(response_framing(&f, 304, false), Framing::None);
        assert_eq!(response_framing(&f, 204, false), Framing::None);
        assert_eq!(response_framing(&f, 100, false), Framing::None);
        f.transfer_encoding = true;
        f.chunked = true;
        assert_eq!(request_framing(&f), Framing::Chunked);
        f.chunked = false;
        assert_eq!(response_framing(&f, 200, false), Framing::UntilClose);
        assert_eq!(request_framing(&Fields::default()), Framing::None);
        assert_eq!(response_framing(&Fields::default(), 200, false), Framing::UntilClose);
    }
}
