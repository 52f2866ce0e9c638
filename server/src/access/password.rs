//! Passwords, stored as argon2id PHC strings (salt and parameters inside).
//!
//! Parameters: 19 MiB of memory, 2 passes, 1 lane (OWASP's first argon2id
//! choice); a check takes tens of milliseconds of one core (BENCHMARKS.md). A
//! sign-in for a user that does not exist checks against a dummy hash, so the
//! answer's timing does not tell which names exist.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{secret, AccessError};

/// Memory per check, in KiB.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 2;
/// Lanes.
pub const LANES: u32 = 1;

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;
/// The longest (hashing cost grows with it; nobody types more).
pub const MAX_LEN: usize = 1024;

/// The PHC string of `password` with a fresh salt.
pub fn hash(password: &str) -> Result<String, AccessError> {
    check_len(password)?;
    let salt = SaltString::encode_b64(&secret::random::<16>()?).map_err(|_| AccessError::Random)?;
    let hashed = hasher().hash_password(password.as_bytes(), &salt).map_err(|e| AccessError::Hash(e.to_string()))?;
    Ok(hashed.to_string())
}

/// Whether `password` matches `phc` (a stored hash; `None`: an unknown user, checked
/// against a dummy so that it costs the same).
pub fn verify(password: &str, phc: Option<&str>) -> bool {
    let dummy = dummy();
    let (phc, real) = match phc {
        Some(phc) => (phc, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let matches = password.len() <= MAX_LEN && hasher().verify_password(password.as_bytes(), &parsed).is_ok();
    matches && real
}

/// Refuses a password too short or too long, naming the bound.
pub fn check_len(password: &str) -> Result<(), AccessError> {
    if password.chars().count() < MIN_LEN {
        return Err(AccessError::Invalid(format!("a password needs at least {MIN_LEN} characters")));
    }
    if password.len() > MAX_LEN {
        return Err(AccessError::Invalid(format!("a password may have at most {MAX_LEN} bytes")));
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn dummy() -> &'static String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("not anyone's password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password_and_say_argon2id() {
        let phc = hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse", Some(&phc)));
        assert!(!verify("correct horsf", Some(&phc)));
        assert!(!verify("correct horse", None), "an unknown user never signs in");
        assert!(!verify("correct horse", Some("not a phc string")));
        assert_ne!(hash("correct horse").unwrap(), phc, "a fresh salt each time");
        assert!(hash("short").is_err());
        assert!(hash(&"x".repeat(MAX_LEN + 1)).is_err());
    }
}
