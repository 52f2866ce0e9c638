//! Reading a JSON request body into a wire type, with a 400 naming the problem.

use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The most a request body may hold (sign-in, a token, a user: a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;

/// `bytes` as `T`, or a 400 saying what is wrong (never quoting the body: it may
/// hold a password).
pub fn json<T: DeserializeOwned>(bytes: &[u8], shape: &str) -> Result<T, AppError> {
    if bytes.len() > MAX_BODY {
        return Err(AppError::BadRequest(format!("the body is larger than {MAX_BODY} bytes")));
    }
    serde_json::from_slice(bytes).map_err(|error| {
        let at = format!("line {} column {}", error.line(), error.column());
        let what = match error.classify() {
            serde_json::error::Category::Data => "a field is missing or has the wrong type",
            serde_json::error::Category::Eof => "the JSON ends early",
            _ => "it is not JSON",
        };
        AppError::BadRequest(format!("the body must be {shape}: {what} ({at})"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulse_protocol::access::SignIn;

    #[test]
    fn bad_bodies_are_named_without_being_quoted() {
        let shape = r#"{"user","password"}"#;
        assert!(json::<SignIn>(br#"{"user":"a","password":"b"}"#, shape).is_ok());
        for bad in [&b""[..], b"{", b"[]", br#"{"user":"a"}"#, br#"{"user":1,"password":"hunter22"}"#] {
            let error = json::<SignIn>(bad, shape).unwrap_err().to_string();
            assert!(error.starts_with("the body must be"), "{error}");
            assert!(!error.contains("hunter22"), "{error}");
        }
    }
}
