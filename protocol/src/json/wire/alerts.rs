//! [`Decode`] for the alerts bodies (`crate::alerts`): `GET /api/v1/alerts`, the
//! delivery log, and the live alerts message.

use super::{Decode, JsonError, Reader};
use crate::alerts::{Alert, AlertsResponse, DeliveriesResponse, Delivery, LiveAlert, LiveAlerts};

// `Option` fields are optional, as serde's derive reads a missing `Option` as `None`.
decode_struct!(AlertsResponse { required: [alerts] });
decode_struct!(Alert { required: [rule, host, state, since], optional: [severity, value, until] });
decode_struct!(LiveAlerts { required: [rev, alerts] });
decode_struct!(LiveAlert { required: [rule, host, state, since], optional: [severity, value, series, threshold] });
decode_struct!(DeliveriesResponse { required: [deliveries] });

/// `type` is the field's name on the wire (serde's `rename`).
impl Decode for Delivery {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let (mut id, mut webhook, mut rule, mut host, mut kind, mut status, mut attempts) =
            (None, None, None, None, None, None, None);
        let (mut last_error, mut next_attempt, mut created) = (None, None, None);
        reader.begin_object()?;
        while let Some(key) = reader.next_key()? {
            match &*key {
                "id" => reader.field(&mut id, "id")?,
                "webhook" => reader.field(&mut webhook, "webhook")?,
                "rule" => reader.field(&mut rule, "rule")?,
                "host" => reader.field(&mut host, "host")?,
                "type" => reader.field(&mut kind, "type")?,
                "status" => reader.field(&mut status, "status")?,
                "attempts" => reader.field(&mut attempts, "attempts")?,
                "last_error" => reader.field(&mut last_error, "last_error")?,
                "next_attempt" => reader.field(&mut next_attempt, "next_attempt")?,
                "created" => reader.field(&mut created, "created")?,
                _ => reader.skip()?,
            }
        }
        Ok(Delivery {
            id: reader.require(id, "id")?,
            webhook: reader.require(webhook, "webhook")?,
            rule: reader.require(rule, "rule")?,
            host: reader.require(host, "host")?,
            kind: reader.require(kind, "type")?,
            status: reader.require(status, "status")?,
            attempts: reader.require(attempts, "attempts")?,
            last_error: last_error.unwrap_or_default(),
            next_attempt: next_attempt.unwrap_or_default(),
            created: reader.require(created, "created")?,
        })
    }
}

#[cfg(test)]
mod tests;
