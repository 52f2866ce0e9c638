//! The few primitives a chunk is written with: LEB128 varints, zigzag integers,
//! length-prefixed byte strings, and a reader that names what ran short.

use super::CodecError;

/// Appends primitives to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    /// What has been written so far.
    pub bytes: Vec<u8>,
}

impl Writer {
    /// An unsigned LEB128 varint.
    pub fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    /// A signed integer, zigzag-encoded (small magnitudes take one byte).
    pub fn signed(&mut self, value: i64) {
        self.varint(((value << 1) ^ (value >> 63)) as u64);
    }

    /// One byte.
    pub fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// A length, then the bytes.
    pub fn blob(&mut self, blob: &[u8]) {
        self.varint(blob.len() as u64);
        self.bytes.extend_from_slice(blob);
    }

    /// A UTF-8 string, as a blob.
    pub fn text(&mut self, text: &str) {
        self.blob(text.as_bytes());
    }
}

/// Reads primitives back, refusing to run past the end.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// An unsigned LEB128 varint.
    pub fn varint(&mut self) -> Result<u64, CodecError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(CodecError::Malformed("a varint longer than 64 bits"))
    }

    /// A zigzag-encoded signed integer.
    pub fn signed(&mut self) -> Result<i64, CodecError> {
        let raw = self.varint()?;
        Ok((raw >> 1) as i64 ^ -((raw & 1) as i64))
    }

    /// One byte.
    pub fn byte(&mut self) -> Result<u8, CodecError> {
        let byte = *self.bytes.get(self.at).ok_or(CodecError::Truncated)?;
        self.at += 1;
        Ok(byte)
    }

    /// A length-prefixed blob, borrowed.
    pub fn blob(&mut self) -> Result<&'a [u8], CodecError> {
        let len = usize::try_from(self.varint()?).map_err(|_| CodecError::Truncated)?;
        let end = self.at.checked_add(len).filter(|&end| end <= self.bytes.len()).ok_or(CodecError::Truncated)?;
        let blob = &self.bytes[self.at..end];
        self.at = end;
        Ok(blob)
    }

    /// A UTF-8 string.
    pub fn text(&mut self) -> Result<String, CodecError> {
        let blob = self.blob()?;
        String::from_utf8(blob.to_vec()).map_err(|_| CodecError::Malformed("a name that is not UTF-8"))
    }

    /// A count that cannot exceed `limit` (so a corrupt length cannot ask for
    /// gigabytes).
    pub fn count(&mut self, limit: usize) -> Result<usize, CodecError> {
        let count = self.varint()?;
        usize::try_from(count).ok().filter(|&c| c <= limit).ok_or(CodecError::Malformed("a count beyond the limit"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_round_trip_at_their_extremes() {
        let mut w = Writer::default();
        let unsigned = [0, 1, 127, 128, 300, u64::MAX];
        let signed = [0, -1, 1, i64::MIN, i64::MAX, -64, 63];
        unsigned.iter().for_each(|&v| w.varint(v));
        signed.iter().for_each(|&v| w.signed(v));
        w.text("cpu.total");
        let mut r = Reader::new(&w.bytes);
        for want in unsigned {
            assert_eq!(r.varint().unwrap(), want);
        }
        for want in signed {
            assert_eq!(r.signed().unwrap(), want);
        }
        assert_eq!(r.text().unwrap(), "cpu.total");
        assert_eq!(r.byte(), Err(CodecError::Truncated));
    }

    #[test]
    fn short_and_corrupt_input_is_refused() {
        assert_eq!(Reader::new(&[0x80]).varint(), Err(CodecError::Truncated));
        assert_eq!(Reader::new(&[5, 1, 2]).blob(), Err(CodecError::Truncated));
        assert!(Reader::new(&[0xff; 11]).varint().is_err());
        assert!(Reader::new(&[0xff, 0xff, 0x7f]).count(1000).is_err());
    }
}
