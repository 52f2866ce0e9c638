//! Standard Webhooks 1.0, the sending side: the JSON envelope ([`Envelope`]), the
//! message id that stays the same on every retry and across restarts
//! ([`message_id`]), the `webhook-signature` header ([`signature_header`]), and the
//! `alert.test` an admin sends from the UI ([`test_envelope`]).
//!
//! A delivery is a POST of [`Envelope::body`] with three headers: `webhook-id` (the
//! message id), `webhook-timestamp` (seconds, at this attempt) and
//! `webhook-signature` (`v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`,
//! one per secret, space-separated, so a receiver mid-rotation accepts either).

mod envelope;
mod id;
mod sign;
mod test;

pub use envelope::{id_of, rfc3339, type_name, AlertData, Envelope, Subject};
pub use id::message_id;
pub use sign::{headers, sign, signature_header, verify, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
pub use test::{test_envelope, TEST_TYPE};
