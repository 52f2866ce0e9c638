//! A Standard Webhooks signing secret: `whsec_` and the base64 of the key bytes. The
//! key never shows in `Debug` output, so a logged `Rules` does not leak it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use thiserror::Error;

/// The prefix every secret carries.
pub const PREFIX: &str = "whsec_";

/// The fewest key bytes accepted (the specification asks for 24 to 64).
pub const MIN_KEY_BYTES: usize = 24;
/// The most key bytes accepted.
pub const MAX_KEY_BYTES: usize = 64;

/// Why a secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretError {
    /// It does not start with `whsec_`.
    #[error("a secret starts with `whsec_` followed by base64")]
    NoPrefix,
    /// What follows `whsec_` is not base64.
    #[error("the part after `whsec_` is not base64")]
    NotBase64,
    /// The key is too short or too long.
    #[error("the key is {0} bytes; Standard Webhooks keys are 24 to 64 bytes")]
    BadLength(usize),
}

/// A signing secret, as written and as key bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    text: String,
    key: Vec<u8>,
}

impl Secret {
    /// Reads `whsec_` + base64.
    pub fn parse(text: &str) -> Result<Secret, SecretError> {
        let encoded = text.strip_prefix(PREFIX).ok_or(SecretError::NoPrefix)?;
        let key = STANDARD.decode(encoded).map_err(|_| SecretError::NotBase64)?;
        if !(MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&key.len()) {
            return Err(SecretError::BadLength(key.len()));
        }
        Ok(Secret { text: text.to_owned(), key })
    }

    /// The HMAC key: the decoded bytes after `whsec_`.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The secret as written (`whsec_…`), for the one place that shows it.
    pub fn expose(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(whsec_…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets() {
        let cases: &[(&str, Result<usize, SecretError>)] = &[
            ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Ok(24)),
            ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Err(SecretError::NoPrefix)),
            ("whsec_not base64!", Err(SecretError::NotBase64)),
            ("whsec_c2hvcnQ=", Err(SecretError::BadLength(5))),
            ("whsec_", Err(SecretError::BadLength(0))),
        ];
        for (text, expected) in cases {
            assert_eq!(&Secret::parse(text).map(|secret| secret.key().len()), expected, "{text}");
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid");
        assert_eq!(format!("{secret:?}"), "Secret(whsec_…)");
    }
}
