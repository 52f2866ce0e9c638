//! Secrets (session ids, API tokens, share links): 32 random bytes from the
//! system's generator, written as base64url after a prefix naming their kind, and
//! kept only as SHA-256 digests. A secret this long needs no slow hash: nobody can
//! guess one, so a digest only has to be one-way.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::digest::{digest as sha256, SHA256};
use ring::rand::{SecureRandom, SystemRandom};

use super::AccessError;

/// A secret's digest, the only form the hub keeps.
pub type Digest = [u8; 32];

/// What a secret opens, written as its prefix (so a leaked one can be recognised,
/// e.g. by secret scanners).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A signed-in session.
    Session,
    /// An API token.
    Token,
    /// A read-only share link.
    Share,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Session => "pulse_s_",
            Kind::Token => "pulse_t_",
            Kind::Share => "pulse_l_",
        }
    }
}

/// A new secret of `kind`.
pub fn new(kind: Kind) -> Result<String, AccessError> {
    Ok(format!("{}{}", kind.prefix(), URL_SAFE_NO_PAD.encode(random::<32>()?)))
}

/// A new id to name a credential by (never derived from its secret).
pub fn new_id() -> Result<String, AccessError> {
    Ok(random::<8>()?.iter().map(|b| format!("{b:02x}")).collect())
}

/// `N` bytes from the system's random generator.
pub fn random<const N: usize>() -> Result<[u8; N], AccessError> {
    let mut bytes = [0u8; N];
    SystemRandom::new().fill(&mut bytes).map_err(|_| AccessError::Random)?;
    Ok(bytes)
}

/// The digest of a secret as presented.
pub fn digest(secret: &str) -> Digest {
    let mut out = [0u8; 32];
    out.copy_from_slice(sha256(&SHA256, secret.as_bytes()).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_distinct_and_say_their_kind() {
        let a = new(Kind::Token).unwrap();
        let b = new(Kind::Token).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("pulse_t_") && a.len() == 8 + 43, "{a}");
        assert!(new(Kind::Share).unwrap().starts_with("pulse_l_"));
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'), "header- and URL-safe");
        assert_eq!(new_id().unwrap().len(), 16);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
    }
}
