//! The cursor over a JSON text: whitespace, punctuation, objects, arrays, literals
//! and skipping values nobody asked for. Strings and numbers are in their own files.

use super::{Decode, JsonError, JsonErrorKind};

/// How deep arrays and objects may nest (as deep as `serde_json` follows).
const MAX_DEPTH: u32 = 128;

/// Reads one JSON text front to back. Objects and arrays are read with
/// [`Reader::begin_object`] / [`Reader::next_key`] and [`Reader::begin_array`] /
/// [`Reader::next_item`]; each value of a key or item must be read (or skipped)
/// before asking for the next one.
#[derive(Debug)]
pub struct Reader<'a> {
    pub(super) text: &'a str,
    pub(super) at: usize,
    depth: u32,
    /// An object or array was just opened: no comma before its first member.
    fresh: bool,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader { text, at: 0, depth: 0, fresh: false }
    }

    /// The byte offset reached.
    pub fn position(&self) -> usize {
        self.at
    }

    /// Goes back to an offset returned by [`Reader::position`] at the same depth.
    pub(super) fn rewind(&mut self, to: usize) {
        self.at = to;
    }

    /// An error at the current offset.
    pub fn error(&self, kind: JsonErrorKind) -> JsonError {
        JsonError { kind, at: self.at }
    }

    /// `what` was expected here (or the text ended).
    pub(super) fn unexpected(&self, what: &'static str) -> JsonError {
        let kind = if self.at >= self.text.len() { JsonErrorKind::Eof } else { JsonErrorKind::Expected(what) };
        self.error(kind)
    }

    pub(super) fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The next byte that is not whitespace, without taking it.
    pub(super) fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.byte() {
            self.at += 1;
        }
        self.byte()
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn open(&mut self, byte: u8, what: &'static str) -> Result<(), JsonError> {
        self.expect(byte, what)?;
        if self.depth == MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.depth += 1;
        self.fresh = true;
        Ok(())
    }

    /// Whether the container just opened or the member just read is followed by
    /// another member (`true`, comma taken) or by `close` (`false`, taken).
    fn another(&mut self, close: u8, what: &'static str) -> Result<bool, JsonError> {
        let fresh = std::mem::take(&mut self.fresh);
        match self.peek() {
            Some(b) if b == close => {
                self.at += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !fresh => {
                self.at += 1;
                Ok(true)
            }
            _ if fresh => Ok(true),
            _ => Err(self.unexpected(what)),
        }
    }

    /// Takes the `{` of an object.
    pub fn begin_object(&mut self) -> Result<(), JsonError> {
        self.open(b'{', "an object")
    }

    /// The next key of the object and its `:`, or `None` after its `}`.
    pub fn next_key(&mut self) -> Result<Option<std::borrow::Cow<'a, str>>, JsonError> {
        if !self.another(b'}', "`,` or `}`")? {
            return Ok(None);
        }
        let key = self.string()?;
        self.expect(b':', "`:`")?;
        Ok(Some(key))
    }

    /// Takes the `[` of an array.
    pub fn begin_array(&mut self) -> Result<(), JsonError> {
        self.open(b'[', "an array")
    }

    /// Whether another item follows (read it next), or the array ended.
    pub fn next_item(&mut self) -> Result<bool, JsonError> {
        self.another(b']', "`,` or `]`")
    }

    /// Takes `null` if it is next.
    pub fn null(&mut self) -> Result<bool, JsonError> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.literal("null")?;
        Ok(true)
    }

    /// Reads `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| true),
            Some(b'f') => self.literal("false").map(|()| false),
            _ => Err(self.unexpected("`true` or `false`")),
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<(), JsonError> {
        if self.text.as_bytes()[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.unexpected("a value"))
        }
    }

    /// Reads any value and drops it (it must still be valid JSON).
    pub fn skip(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'{') => {
                self.begin_object()?;
                while self.next_key()?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.begin_array()?;
                while self.next_item()? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'"') => self.string().map(drop),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Reads the value of field `name` into its slot, which must still be empty.
    pub fn field<T: Decode>(&mut self, slot: &mut Option<T>, name: &'static str) -> Result<(), JsonError> {
        if slot.is_some() {
            return Err(self.error(JsonErrorKind::DuplicateField(name)));
        }
        *slot = Some(T::decode(self)?);
        Ok(())
    }

    /// The value of a required field, once its object is read.
    pub fn require<T>(&self, slot: Option<T>, name: &'static str) -> Result<T, JsonError> {
        slot.ok_or_else(|| self.error(JsonErrorKind::MissingField(name)))
    }

    /// Checks that only whitespace is left.
    pub fn finish(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(JsonErrorKind::Trailing)),
        }
    }
}
