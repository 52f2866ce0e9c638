//! The resume cursor: one `(epoch, seq)` position that every transport understands.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A random id the server picks at start-up. A different epoch means a different
/// server run, whose sequence numbers have nothing to do with the old ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Epoch(pub String);

impl fmt::Display for Epoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The position of the last frame a client has: resume after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The server run the sequence number belongs to.
    pub epoch: Epoch,
    /// The last sequence number received.
    pub seq: u64,
}

/// Why a resume token could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// The token has no `:` between epoch and seq.
    #[error("resume token must look like EPOCH:SEQ")]
    MissingSeparator,
    /// The epoch part is empty or not made of `[0-9a-z]`.
    #[error("resume token epoch must be 1 to 32 characters of [0-9a-z]")]
    BadEpoch,
    /// The seq part is not an unsigned integer.
    #[error("resume token seq must be an unsigned integer")]
    BadSeq,
}

impl Epoch {
    /// Checks that an epoch is 1 to 32 characters of `[0-9a-z]`.
    pub fn parse(text: &str) -> Result<Self, CursorError> {
        let ok =
            !text.is_empty() && text.len() <= 32 && text.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
        if ok {
            Ok(Epoch(text.to_owned()))
        } else {
            Err(CursorError::BadEpoch)
        }
    }
}

impl Cursor {
    /// The token form used as the SSE event id: `EPOCH:SEQ`.
    pub fn to_token(&self) -> String {
        format!("{}:{}", self.epoch, self.seq)
    }
}

impl FromStr for Cursor {
    type Err = CursorError;

    fn from_str(token: &str) -> Result<Self, Self::Err> {
        let (epoch, seq) = token.split_once(':').ok_or(CursorError::MissingSeparator)?;
        let epoch = Epoch::parse(epoch)?;
        let seq = seq.parse::<u64>().map_err(|_| CursorError::BadSeq)?;
        Ok(Cursor { epoch, seq })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips() {
        let cursor = Cursor { epoch: Epoch("k3x9".into()), seq: 42 };
        assert_eq!(cursor.to_token(), "k3x9:42");
        assert_eq!("k3x9:42".parse::<Cursor>(), Ok(cursor));
    }

    #[test]
    fn bad_tokens_name_their_problem() {
        let cases = [
            ("", CursorError::MissingSeparator),
            ("abc", CursorError::MissingSeparator),
            (":5", CursorError::BadEpoch),
            ("AB:5", CursorError::BadEpoch),
            ("ab:", CursorError::BadSeq),
            ("ab:-1", CursorError::BadSeq),
            ("ab:x", CursorError::BadSeq),
        ];
        for (token, want) in cases {
            assert_eq!(token.parse::<Cursor>(), Err(want), "token {token:?}");
        }
    }
}
