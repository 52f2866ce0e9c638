//! Reading a frame over the frame before it without serde, for the one layout
//! every writer of the hub's protocol produces (`{"type":"frame","seq":…,"ts":…,
//! "host":…,"values":{…},"top":[…]}`, no spaces, no escapes) and the same series
//! in the same order as that frame: each number is written into its place in the
//! frame before, each process name copied into its string. A hub reads a frame
//! of every host every second, and serde's reader spends most of its time on
//! what this layout makes certain (which field comes, whether a key is a known
//! one). Anything else, a byte out of that layout included, is left to serde
//! ([`read_frame_over`] says `false`): the result is then what serde reads, and what this
//! reads is always what serde would have read (the tests hold both to it).

use crate::{Frame, ProcessInfo};

/// Reads `text` over `frame` (a frame of the same host read before, no longer
/// needed) when it is a frame of that layout naming the same series in the same
/// order; `true` when it did, `frame` then being what serde reads from `text`.
/// On `false` `frame` may be partly written over, and is still a frame whose
/// buffers serde's reader can take (`Reusing`).
pub fn read_frame_over(text: &str, frame: &mut Frame) -> bool {
    let mut cursor = Cursor { text: text.as_bytes(), at: 0 };
    read_frame(&mut cursor, frame).is_some() && cursor.at == cursor.text.len()
}

/// The layout, field by field; `None` at the first byte out of it.
fn read_frame(c: &mut Cursor, frame: &mut Frame) -> Option<()> {
    c.expect(br#"{"type":"frame","seq":"#)?;
    let seq = c.unsigned()?;
    c.expect(br#","ts":"#)?;
    let ts = c.signed()?;
    c.expect(br#","host":"#)?;
    let host = c.string()?;
    c.expect(br#","values":{"#)?;
    let mut first = true;
    for (id, value) in frame.values.iter_mut() {
        if !first {
            c.expect(b",")?;
        }
        first = false;
        if c.bytes()? != id.as_bytes() {
            return None;
        }
        c.expect(b":")?;
        *value = c.number()?;
    }
    c.expect(b"}")?;
    let rows = if c.peek() == Some(b',') {
        c.expect(br#","top":["#)?;
        read_top(c, &mut frame.top)?
    } else {
        0
    };
    c.expect(b"}")?;
    frame.top.truncate(rows);
    frame.seq = seq;
    frame.ts = ts;
    host.clone_into(&mut frame.host);
    frame.columns = None;
    Some(())
}

/// The process table after its `[`, through its `]`, over `top`'s rows (new ones
/// pushed); how many rows it had.
fn read_top(c: &mut Cursor, top: &mut Vec<ProcessInfo>) -> Option<usize> {
    if c.peek() == Some(b']') {
        c.at += 1;
        return Some(0);
    }
    let mut rows = 0;
    loop {
        c.expect(br#"{"pid":"#)?;
        let pid = u32::try_from(c.unsigned()?).ok()?;
        c.expect(br#","name":"#)?;
        let name = c.string()?;
        c.expect(br#","cpu":"#)?;
        let cpu = c.number()?;
        c.expect(br#","mem":"#)?;
        let mem = c.unsigned()?;
        c.expect(b"}")?;
        match top.get_mut(rows) {
            Some(row) => {
                row.pid = pid;
                name.clone_into(&mut row.name);
                row.cpu = cpu;
                row.mem = mem;
            }
            None => top.push(ProcessInfo { pid, name: name.to_owned(), cpu, mem }),
        }
        rows += 1;
        match c.next()? {
            b',' => {}
            b']' => return Some(rows),
            _ => return None,
        }
    }
}

/// A place in the text.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// Steps over `bytes`, which must come next.
    fn expect(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.at + bytes.len();
        if self.text.get(self.at..end)? != bytes {
            return None;
        }
        self.at = end;
        Some(())
    }

    /// A string with no escape and no control character (serde refuses those
    /// unescaped, and an escape is left to serde), quotes included.
    fn string(&mut self) -> Option<&'a str> {
        // The text is a `str` and the string lies between two quotes: whole characters.
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// [`Cursor::string`]'s bytes.
    fn bytes(&mut self) -> Option<&'a [u8]> {
        self.expect(b"\"")?;
        let rest = self.text.get(self.at..)?;
        let len = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        self.at += len + 1;
        Some(&rest[..len])
    }

    /// Digits with no leading zero (a lone `0` aside), at most 19 of them (no
    /// overflow of a u64): what serde reads as that integer.
    fn digits(&mut self) -> Option<u64> {
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            if self.at - start == 19 {
                return None;
            }
            value = value * 10 + u64::from(digit - b'0');
            self.at += 1;
        }
        let len = self.at - start;
        (len == 1 || (len > 1 && self.text[start] != b'0')).then_some(value)
    }

    fn unsigned(&mut self) -> Option<u64> {
        self.digits()
    }

    fn signed(&mut self) -> Option<i64> {
        if self.peek() == Some(b'-') {
            self.at += 1;
            // `-0` is a float to serde_json, which an integer field refuses.
            return i64::try_from(self.digits()?).ok().filter(|v| *v != 0).map(|v| -v);
        }
        i64::try_from(self.digits()?).ok()
    }

    /// A number read as serde_json reads it into an `f64`: an integer as the
    /// integer converted, `I.F` as the digits of both as one integer divided by
    /// the power of ten of `F`'s length (what serde_json computes, and exactly
    /// the nearest `f64`, for at most 15 digits and no exponent). Longer numbers
    /// and exponents (a hub's sampler rounds every value) are left to serde.
    fn number(&mut self) -> Option<f64> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let start = self.at;
        let mut significand = self.digits()?;
        let mut decimals = 0;
        if self.peek() == Some(b'.') {
            self.at += 1;
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                significand = significand.checked_mul(10)?.checked_add(u64::from(digit - b'0'))?;
                decimals += 1;
                self.at += 1;
            }
            // At least one decimal, and at most 15 digits with the point.
            if decimals == 0 || self.at - start > 16 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            return None;
        }
        let value = if decimals == 0 { significand as f64 } else { significand as f64 / POW10[decimals] };
        Some(if negative { -value } else { value })
    }
}

/// Powers of ten an `f64` holds exactly, as many as 15 decimals need.
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

#[cfg(test)]
mod tests;
