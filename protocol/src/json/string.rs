//! JSON strings: borrowed from the text when they hold no escape, decoded otherwise.

use std::borrow::Cow;

use super::{JsonError, JsonErrorKind, Reader};

impl<'a> Reader<'a> {
    /// Reads a string.
    pub fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        self.at += 1;
        let mut decoded: Option<String> = None;
        let mut run = self.at;
        loop {
            let Some(byte) = self.byte() else {
                return Err(self.error(JsonErrorKind::Eof));
            };
            match byte {
                b'"' => {
                    // Both ends of a run sit next to ASCII bytes: always char boundaries.
                    let tail = &self.text[run..self.at];
                    self.at += 1;
                    return Ok(match decoded {
                        None => Cow::Borrowed(tail),
                        Some(mut text) => {
                            text.push_str(tail);
                            Cow::Owned(text)
                        }
                    });
                }
                b'\\' => {
                    let text = decoded.get_or_insert_with(String::new);
                    text.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    let c = self.escape()?;
                    text.push(c);
                    run = self.at;
                }
                0..=0x1f => return Err(self.error(JsonErrorKind::ControlCharacter)),
                _ => self.at += 1,
            }
        }
    }

    /// The character of the escape after a backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let c = match self.byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                return self.unicode_escape();
            }
            None => return Err(self.error(JsonErrorKind::Eof)),
            Some(_) => return Err(self.error(JsonErrorKind::InvalidEscape)),
        };
        self.at += 1;
        Ok(c)
    }

    /// The character of `XXXX` after `\u`, or of a surrogate pair `XXXX\uYYYY`.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.text.as_bytes()[self.at..].starts_with(b"\\u") {
                return Err(self.error(JsonErrorKind::LoneSurrogate));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error(JsonErrorKind::LoneSurrogate));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        // Only a lone trailing surrogate (U+DC00..U+DFFF) is not a char here.
        char::from_u32(code).ok_or_else(|| self.error(JsonErrorKind::LoneSurrogate))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.byte().and_then(|b| char::from(b).to_digit(16));
            let digit = digit.ok_or_else(|| self.error(JsonErrorKind::InvalidEscape))?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }
}
