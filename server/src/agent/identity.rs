//! Who the agent says it is: the host's stable id, its display name and tags, and
//! the headers that carry them to the hub (see `pulse_protocol::agent`).

use std::collections::BTreeMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Longest host id, in bytes.
pub const MAX_ID: usize = 64;
/// Longest display name, in bytes (before percent-encoding).
pub const MAX_NAME: usize = 128;

/// Everything but the URL's unreserved characters is percent-encoded.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The host as the hub will list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Stable id, `[A-Za-z0-9._-]`, 1 to 64 bytes.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

impl Identity {
    /// `--name` when given (it is then the id too, sanitised), else this machine's
    /// id and hostname.
    pub fn new(name: Option<&str>, tags: BTreeMap<String, String>) -> Self {
        let hostname = sysinfo::System::host_name().unwrap_or_else(|| "localhost".to_owned());
        let (id, name) = match name {
            Some(name) => (sanitise_id(name), name.to_owned()),
            None => {
                let machine = std::fs::read_to_string("/etc/machine-id").unwrap_or_default();
                let id = if machine.trim().is_empty() { sanitise_id(&hostname) } else { sanitise_id(machine.trim()) };
                (id, hostname)
            }
        };
        Identity { id, name: truncate(&name, MAX_NAME).to_owned(), tags }
    }

    /// The name as the `pulse-host-name` header carries it.
    pub fn name_header(&self) -> String {
        encode(&self.name)
    }

    /// The tags as the `pulse-host-tags` header carries them: `k=v,k=v`, each part
    /// percent-encoded.
    pub fn tags_header(&self) -> String {
        let pairs = self.tags.iter().map(|(key, value)| format!("{}={}", encode(key), encode(value)));
        pairs.collect::<Vec<_>>().join(",")
    }
}

/// `text` reduced to an id: every character outside `[A-Za-z0-9._-]` becomes `-`,
/// at most 64 bytes; `host` if nothing is left.
pub fn sanitise_id(text: &str) -> String {
    let id: String = text
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' })
        .take(MAX_ID)
        .collect();
    if id.is_empty() {
        "host".to_owned()
    } else {
        id
    }
}

/// Percent-encodes everything but `[A-Za-z0-9._~-]`.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character.
fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sanitised() {
        let long = "a".repeat(70);
        let cases = [
            ("web-1", "web-1"),
            ("web 1.example_com", "web-1.example_com"),
            (" db/primary ", "db-primary"),
            ("café", "caf-"),
            ("日本", "--"),
            ("", "host"),
            ("   ", "host"),
            (long.as_str(), &long[..64]),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitise_id(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_given_name_is_the_id_and_the_name() {
        let identity = Identity::new(Some("web 1"), BTreeMap::new());
        assert_eq!((identity.id.as_str(), identity.name.as_str()), ("web-1", "web 1"));
        let identity = Identity::new(None, BTreeMap::new());
        assert!(!identity.id.is_empty() && identity.id.len() <= MAX_ID, "{identity:?}");
        assert!(!identity.name.is_empty());
    }

    #[test]
    fn headers_are_percent_encoded() {
        let tags = [("env", "prod"), ("zone", "eu west,1"), ("k=x", "ü")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let identity = Identity { id: "x".into(), name: "Café 1".into(), tags };
        assert_eq!(identity.name_header(), "Caf%C3%A9%201");
        assert_eq!(identity.tags_header(), "env=prod,k%3Dx=%C3%BC,zone=eu%20west%2C1");
        assert_eq!(Identity { tags: BTreeMap::new(), ..identity }.tags_header(), "");
    }

    #[test]
    fn names_are_cut_on_a_character() {
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("abc", 128), "abc");
    }
}
