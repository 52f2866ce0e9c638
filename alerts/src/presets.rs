//! The same notification as the body a receiver that is not a Standard Webhooks
//! receiver expects: Slack and Discord incoming webhooks, ntfy topics, Gotify
//! applications and Microsoft Teams workflows (`preset = "slack"` on a
//! `[[webhook]]`). Each preset is one pure function from an [`Envelope`] to a
//! [`Body`]; the hub posts it over the same outbox and retries as any webhook.

mod discord;
mod gotify;
mod ntfy;
mod slack;
mod teams;
mod text;

use crate::webhook::Envelope;

/// A receiver's body format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Slack incoming webhook: `{"text", "blocks"}`.
    Slack,
    /// Discord webhook: `{"content", "embeds"}`.
    Discord,
    /// ntfy topic URL: the text as the body, the rest as headers.
    Ntfy,
    /// Gotify `/message?token=…`: `{"title", "message", "priority", "extras"}`.
    Gotify,
    /// Microsoft Teams workflow webhook: a message with an Adaptive Card.
    Teams,
}

/// What to post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// Headers the receiver reads besides the body.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: String,
}

impl Preset {
    /// Every preset, in the order of [`Preset::NAMES`].
    pub const ALL: [Preset; 5] = [Preset::Slack, Preset::Discord, Preset::Ntfy, Preset::Gotify, Preset::Teams];
    /// The names the rules file uses.
    pub const NAMES: [&'static str; 5] = ["slack", "discord", "ntfy", "gotify", "teams"];

    /// The preset called `name`.
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::NAMES.iter().position(|known| *known == name).map(|index| Preset::ALL[index])
    }

    /// Its name in the rules file.
    pub fn as_str(self) -> &'static str {
        Preset::NAMES[Preset::ALL.iter().position(|preset| *preset == self).unwrap_or_default()]
    }

    /// The body of `envelope` for this receiver.
    pub fn render(self, envelope: &Envelope) -> Body {
        match self {
            Preset::Slack => slack::render(envelope),
            Preset::Discord => discord::render(envelope),
            Preset::Ntfy => ntfy::render(envelope),
            Preset::Gotify => gotify::render(envelope),
            Preset::Teams => teams::render(envelope),
        }
    }
}

/// A JSON body.
fn json(value: &serde_json::Value) -> Body {
    Body { content_type: "application/json", headers: Vec::new(), body: value.to_string() }
}

#[cfg(test)]
mod tests;
