//! What went wrong while reading JSON, and where.

/// A JSON text that is not the value it should be, with the byte offset where
/// reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {at}")]
pub struct JsonError {
    /// What was wrong.
    pub kind: JsonErrorKind,
    /// Byte offset into the text.
    pub at: usize,
}

/// The ways a text can fail to be the expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonErrorKind {
    /// The text ended inside a value.
    #[error("unexpected end of input")]
    Eof,
    /// Something else stood where a value or a punctuation mark should be.
    #[error("expected {0}")]
    Expected(&'static str),
    /// A string holds a raw control character (U+0000 to U+001F).
    #[error("control character in a string")]
    ControlCharacter,
    /// A backslash escape that JSON does not have, or a malformed `\u` escape.
    #[error("invalid escape")]
    InvalidEscape,
    /// A `\u` escape of half a surrogate pair.
    #[error("lone surrogate in a \\u escape")]
    LoneSurrogate,
    /// A number that breaks JSON's grammar (`01`, `1.`, `2e`).
    #[error("invalid number")]
    InvalidNumber,
    /// A number that does not fit the field's type.
    #[error("number out of range")]
    OutOfRange,
    /// Arrays and objects nested deeper than the reader follows.
    #[error("nested too deeply")]
    TooDeep,
    /// Something follows the value.
    #[error("trailing characters")]
    Trailing,
    /// A required field is absent.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A field appears twice in one object.
    #[error("duplicate field `{0}`")]
    DuplicateField(&'static str),
    /// A name that is none of the allowed ones.
    #[error("unknown variant `{found}`, expected {expected}")]
    UnknownVariant {
        /// The name found.
        found: String,
        /// The names allowed, in words.
        expected: &'static str,
    },
}
