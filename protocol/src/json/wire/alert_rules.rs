//! [`Decode`] for the admin screen's alerts bodies (`crate::alerts`): the rules
//! listing, a queued test, and the delivery log. A rule's `for` and a delivery's
//! `type` are keywords in Rust, so those two are read field for field here.

use super::{Decode, JsonError, Reader};
use crate::alerts::{
    DeliveriesResponse, Delivery, RuleHosts, RuleInfo, RulesResponse, SetAsideInfo, TestQueued, WebhookInfo,
};

decode_struct!(RulesResponse { required: [rules, webhooks], optional: [set_aside] });
decode_struct!(WebhookInfo { required: [name, source], optional: [preset] });
decode_struct!(SetAsideInfo { required: [name, source, why] });
decode_struct!(TestQueued { required: [id, webhook] });
decode_struct!(DeliveriesResponse { required: [deliveries] });

impl Decode for RuleHosts {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        if reader.peek() == Some(b'[') {
            Vec::decode(reader).map(RuleHosts::Named)
        } else {
            String::decode(reader).map(RuleHosts::Pattern)
        }
    }
}

impl Decode for RuleInfo {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut rule = RuleInfo::default();
        let (mut name, mut source, mut hosts, mut hold, mut notify) = (None, None, None, None, None);
        reader.begin_object()?;
        while let Some(key) = reader.next_key()? {
            // Each optional key is read at most once, as serde's derive requires.
            let once = |slot: &mut Option<f64>, reader: &mut Reader<'_>, name| {
                let mut read = slot.take().map(Some);
                reader.field(&mut read, name)?;
                *slot = read.flatten();
                Ok::<(), JsonError>(())
            };
            match &*key {
                "name" => reader.field(&mut name, "name")?,
                "source" => reader.field(&mut source, "source")?,
                "hosts" => reader.field(&mut hosts, "hosts")?,
                "for" => reader.field(&mut hold, "for")?,
                "notify" => reader.field(&mut notify, "notify")?,
                "series" => rule.series = Option::decode(reader)?,
                "condition" => rule.condition = Option::decode(reader)?,
                "severity" => rule.severity = Option::decode(reader)?,
                "repeat" => rule.repeat = Option::decode(reader)?,
                "muted_until" => rule.muted_until = Option::decode(reader)?,
                "above" => once(&mut rule.above, reader, "above")?,
                "below" => once(&mut rule.below, reader, "below")?,
                "recover_below" => once(&mut rule.recover_below, reader, "recover_below")?,
                "recover_above" => once(&mut rule.recover_above, reader, "recover_above")?,
                "warning_above" => once(&mut rule.warning_above, reader, "warning_above")?,
                "warning_below" => once(&mut rule.warning_below, reader, "warning_below")?,
                "warning_recover_below" => once(&mut rule.warning_recover_below, reader, "warning_recover_below")?,
                "warning_recover_above" => once(&mut rule.warning_recover_above, reader, "warning_recover_above")?,
                "critical_above" => once(&mut rule.critical_above, reader, "critical_above")?,
                "critical_below" => once(&mut rule.critical_below, reader, "critical_below")?,
                "critical_recover_below" => once(&mut rule.critical_recover_below, reader, "critical_recover_below")?,
                "critical_recover_above" => once(&mut rule.critical_recover_above, reader, "critical_recover_above")?,
                _ => reader.skip()?,
            }
        }
        rule.name = reader.require(name, "name")?;
        rule.source = reader.require(source, "source")?;
        rule.hosts = reader.require(hosts, "hosts")?;
        rule.hold = reader.require(hold, "for")?;
        rule.notify = reader.require(notify, "notify")?;
        Ok(rule)
    }
}

impl Decode for Delivery {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let (mut id, mut webhook, mut rule, mut host, mut kind, mut status) = (None, None, None, None, None, None);
        let (mut attempts, mut last_error, mut next_attempt, mut created) = (None, None, None, None);
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
