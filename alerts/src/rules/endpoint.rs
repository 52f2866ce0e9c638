//! One `[[webhook]]` table: `name`, `url`, `secret` (or `secrets = [..]` during a
//! rotation, the newest first), and an optional `preset`. A webhook without a preset
//! is a Standard Webhooks receiver and must have a secret: Pulse sends nothing
//! unsigned to it. A preset's receiver (Slack, …) checks no signature, so there the
//! secret is optional.

use super::problem::ProblemKind;
use super::read::{Problems, Span, TableAt};
use super::secret::Secret;
use super::Webhook;
use crate::presets::Preset;

const KEYS: &[&str] = &["name", "url", "secret", "secrets", "preset"];

/// Reads one webhook table; `None` if it has no usable name.
pub(crate) fn read(table: &TableAt<'_, '_>, problems: &mut Problems) -> Option<(Webhook, Span)> {
    let fields = table.fields(KEYS, problems);
    let name = fields.required_string("name", problems);
    let url = fields.required_string("url", problems);
    if let Some((url, span)) = &url {
        if let Err(why) = check_url(url) {
            problems.push((span.clone(), ProblemKind::Invalid { key: "url".into(), why }));
        }
    }
    let preset = fields.string("preset", problems).and_then(|(text, span)| match Preset::from_name(&text) {
        Some(preset) => Some(preset),
        None => {
            let why = format!("unknown preset \"{text}\" (one of: {})", Preset::NAMES.join(", "));
            problems.push((span, ProblemKind::Invalid { key: "preset".into(), why }));
            None
        }
    });
    let mut written = Vec::new();
    match (fields.get("secret"), fields.get("secrets")) {
        (Some(_), Some((_, span))) => problems.push((span, ProblemKind::Conflict("secret".into(), "secrets".into()))),
        (Some(_), None) => written.extend(fields.string("secret", problems)),
        (None, Some((_, span))) => {
            written.extend(fields.strings("secrets", problems).unwrap_or_default());
            if written.is_empty() {
                let why = "must list at least one secret".to_owned();
                problems.push((span, ProblemKind::Invalid { key: "secrets".into(), why }));
            }
        }
        (None, None) if fields.get("preset").is_none() => fields.missing("secret", problems),
        (None, None) => {}
    }
    let mut secrets = Vec::with_capacity(written.len());
    for (text, span) in written {
        match Secret::parse(&text) {
            Ok(secret) => secrets.push(secret),
            Err(error) => problems.push((span, ProblemKind::Secret(error))),
        }
    }
    let (name, name_span) = name?;
    let url = url.map(|(url, _)| url).unwrap_or_default();
    Some((Webhook { name, url, secrets, preset }, name_span))
}

/// Whether `url` is an absolute http(s) URL with a host. Where it points (loopback,
/// private addresses) is the hub's to check, when it resolves the name.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("\"{url}\" must start with https:// or http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("\"{url}\" has no host"));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!("\"{url}\" contains white space"));
    }
    Ok(())
}
