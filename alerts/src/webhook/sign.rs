//! The signature: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), the
//! key being the bytes after `whsec_`. [`verify`] is the receiver's check, for
//! tests and for the hub's "send a test" self-check.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::hmac;

use crate::rules::Secret;

/// The message id header.
pub const HEADER_ID: &str = "webhook-id";
/// The attempt's Unix time in seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// The signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// One signature, `v1,BASE64`.
pub fn sign(secret: &Secret, msg_id: &str, timestamp_s: u64, body: &[u8]) -> String {
    let tag = hmac::sign(&key(secret), &signed_content(msg_id, timestamp_s, body));
    format!("v1,{}", STANDARD.encode(tag.as_ref()))
}

/// The `webhook-signature` value: one signature per secret, space-separated.
pub fn signature_header(secrets: &[Secret], msg_id: &str, timestamp_s: u64, body: &[u8]) -> String {
    secrets.iter().map(|secret| sign(secret, msg_id, timestamp_s, body)).collect::<Vec<_>>().join(" ")
}

/// The three headers of one attempt.
pub fn headers(secrets: &[Secret], msg_id: &str, timestamp_s: u64, body: &[u8]) -> [(&'static str, String); 3] {
    [
        (HEADER_ID, msg_id.to_owned()),
        (HEADER_TIMESTAMP, timestamp_s.to_string()),
        (HEADER_SIGNATURE, signature_header(secrets, msg_id, timestamp_s, body)),
    ]
}

/// Whether any `v1` signature in `header` was made with `secret` (compared in
/// constant time). Timestamps are the caller's to judge.
pub fn verify(secret: &Secret, msg_id: &str, timestamp_s: u64, body: &[u8], header: &str) -> bool {
    let key = key(secret);
    let content = signed_content(msg_id, timestamp_s, body);
    header
        .split(' ')
        .filter_map(|part| part.strip_prefix("v1,"))
        .any(|encoded| STANDARD.decode(encoded).is_ok_and(|tag| hmac::verify(&key, &content, &tag).is_ok()))
}

fn key(secret: &Secret) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret.key())
}

fn signed_content(msg_id: &str, timestamp_s: u64, body: &[u8]) -> Vec<u8> {
    let mut content = format!("{msg_id}.{timestamp_s}.").into_bytes();
    content.extend_from_slice(body);
    content
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: u64 = 1_614_265_330;
    const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    /// A secret, id, timestamp, body, header, and whether they verify.
    type Case<'a> = (&'a Secret, &'a str, u64, &'a [u8], &'a str, bool);

    fn secret(text: &str) -> Secret {
        Secret::parse(text).expect("valid secret")
    }

    #[test]
    fn the_specifications_test_vector() {
        assert_eq!(sign(&secret(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), SPEC_SIGNATURE);
    }

    #[test]
    fn every_secret_signs_during_a_rotation() {
        let old = secret(SPEC_SECRET);
        let new = secret("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");
        let header = signature_header(&[new.clone(), old.clone()], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], SPEC_SIGNATURE);
        assert!(verify(&old, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, &header));
        assert!(verify(&new, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, &header));
    }

    #[test]
    fn verification_refuses_any_change() {
        let key = secret(SPEC_SECRET);
        let other = secret("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");
        let cases: &[Case<'_>] = &[
            (&key, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE, true),
            (
                &key,
                SPEC_ID,
                SPEC_TIMESTAMP,
                SPEC_BODY,
                "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                true,
            ),
            (&key, "msg_other", SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE, false),
            (&key, SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY, SPEC_SIGNATURE, false),
            (&key, SPEC_ID, SPEC_TIMESTAMP, br#"{"test": 2432232315}"#, SPEC_SIGNATURE, false),
            (&other, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE, false),
            (&key, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", false),
            (&key, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, "", false),
        ];
        for (secret, id, timestamp, body, header, expected) in cases {
            assert_eq!(verify(secret, id, *timestamp, body, header), *expected, "{id} {timestamp} {header}");
        }
    }

    #[test]
    fn headers_of_one_attempt() {
        let [id, timestamp, signature] = headers(&[secret(SPEC_SECRET)], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assert_eq!(id, (HEADER_ID, SPEC_ID.to_owned()));
        assert_eq!(timestamp, (HEADER_TIMESTAMP, "1614265330".to_owned()));
        assert_eq!(signature, (HEADER_SIGNATURE, SPEC_SIGNATURE.to_owned()));
    }
}
