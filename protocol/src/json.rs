//! A small JSON reader for exactly the wire types, so the web app ships neither
//! `serde_json` nor serde's generic deserialising machinery.
//!
//! The server writes every message with serde (`Serialize` on each wire type); the
//! web app reads them with [`from_json`]. The reader is strict JSON (no trailing
//! commas, no comments, no lone surrogates) and reads like serde's derive: fields
//! in any order, unknown fields skipped (but still checked to be JSON), missing
//! and duplicate fields reported by name. Every error says what was expected and
//! at which byte. `protocol/tests/reading.rs` checks it against serde on the same
//! text, so both sides keep one wire format.
//!
//! Numbers are read the way `serde_json` reads them by default: up to 19
//! significant digits scaled by a power of ten, within one unit in the last place
//! of the exact value, without the tables a correctly rounded parser carries.

mod decode;
mod error;
mod message;
mod number;
mod reader;
mod string;
mod wire;
mod write;

pub use decode::Decode;
pub use error::{JsonError, JsonErrorKind};
pub use reader::Reader;
pub use write::{object, quote};

/// Reads one `T` from `text`, which must hold that value and nothing else.
pub fn from_json<T: Decode>(text: &str) -> Result<T, JsonError> {
    let mut reader = Reader::new(text);
    let value = T::decode(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

#[cfg(test)]
mod tests;
