//! [`Decode`] for the admin screen's alerts bodies (`crate::alerts`): the rules
//! listing and a queued test (the delivery log's reader is with the other alerts
//! bodies, in `alerts`). A rule's `for` is a keyword in Rust, so a rule is read
//! field by field here.

use super::{Decode, JsonError, Reader};
use crate::alerts::{RuleHosts, RuleInfo, RulesResponse, SetAsideInfo, TestQueued, WebhookInfo};

decode_struct!(RulesResponse { required: [rules, webhooks], optional: [set_aside] });
decode_struct!(WebhookInfo { required: [name, source], optional: [preset] });
decode_struct!(SetAsideInfo { required: [name, source, why] });
decode_struct!(TestQueued { required: [id, webhook] });

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

#[cfg(test)]
mod tests;
