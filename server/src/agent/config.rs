//! The agent's command line: `pulse-server agent --hub URL --token TOKEN …`, and the
//! environment variables that stand in for each flag.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use super::hub_url::HubUrl;
use crate::config::duration;

/// Pushes this host's live samples to a Pulse hub.
#[derive(Debug, Clone, Parser)]
#[command(name = "pulse-server agent", version, about)]
pub struct AgentConfig {
    /// The hub's base URL as a browser opens it, e.g. `https://hub.example.com` or
    /// `http://127.0.0.1:8080/pulse/` (repeatable: the first that answers is used,
    /// the next when it fails).
    #[arg(long = "hub", env = "PULSE_HUB", value_delimiter = ',', required = true, value_parser = HubUrl::parse)]
    pub hubs: Vec<HubUrl>,

    /// One of the hub's `--agent-token`s. Prefer the environment variable: a flag
    /// shows in the process list.
    #[arg(long, env = "PULSE_AGENT_TOKEN", hide_env_values = true, value_parser = Token::parse)]
    pub token: Token,

    /// This host's name on the hub (default: the hostname); also its id, reduced to
    /// `[A-Za-z0-9._-]` (default id: /etc/machine-id).
    #[arg(long, env = "PULSE_NAME", value_parser = name)]
    pub name: Option<String>,

    /// A tag for this host, `KEY=VALUE` (repeatable).
    #[arg(long = "tag", env = "PULSE_TAGS", value_delimiter = ',', value_parser = tag)]
    pub tags: Vec<(String, String)>,

    /// How often to sample the host, e.g. `1s`, `200ms` (a bare number is
    /// milliseconds); at most a day, as the hub takes.
    #[arg(long, env = "PULSE_INTERVAL", default_value = "1s", value_parser = interval)]
    pub interval: Duration,

    /// How many recent samples are kept for a hub that was out of reach, e.g. `15m`.
    #[arg(long, env = "PULSE_BUFFER", default_value = "15m", value_parser = duration)]
    pub buffer: Duration,

    /// PEM certificates to trust for an `https` hub (a private CA) instead of the
    /// system's roots.
    #[arg(long, env = "PULSE_CA")]
    pub ca: Option<PathBuf>,
}

/// `--interval`: a [`duration`] of at most a day (a hub closes the link of an
/// agent that says more, so it would redial forever).
fn interval(text: &str) -> Result<Duration, String> {
    let interval = duration(text)?;
    if interval > Duration::from_secs(24 * 60 * 60) {
        return Err(format!("{text} is more than a day"));
    }
    Ok(interval)
}

impl AgentConfig {
    /// The tags as a map (a key given twice keeps its last value).
    pub fn tag_map(&self) -> BTreeMap<String, String> {
        self.tags.iter().cloned().collect()
    }
}

/// The agent token: kept out of `Debug` output and therefore out of every log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token as given: not empty, printable ASCII without spaces (it travels in an
    /// HTTP header).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("the token is empty".into());
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the token must be printable ASCII without spaces".into());
        }
        Ok(Token(text.to_owned()))
    }

    /// The secret itself, for the `Authorization` header only.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// A display name: 1 to 128 bytes, no control characters.
pub fn name(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 128 {
        return Err("the name must be 1 to 128 bytes".into());
    }
    if text.chars().any(char::is_control) {
        return Err("the name must not hold control characters".into());
    }
    Ok(text.to_owned())
}

/// `KEY=VALUE`: the key is not empty; the value may be (`KEY=`).
pub fn tag(text: &str) -> Result<(String, String), String> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("{text:?} is not a tag: write KEY=VALUE, e.g. env=prod"));
    };
    let (key, value) = (key.trim(), value.trim());
    if key.is_empty() {
        return Err(format!("{text:?} has an empty key: write KEY=VALUE, e.g. env=prod"));
    }
    if key.len() > 64 || value.len() > 256 || [key, value].iter().any(|part| part.chars().any(char::is_control)) {
        return Err(format!("{text:?}: keys are at most 64 bytes, values 256, without control characters"));
    }
    Ok((key.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<AgentConfig, clap::Error> {
        AgentConfig::try_parse_from([&["pulse-server agent"][..], args].concat())
    }

    #[test]
    fn flags_and_defaults() {
        let config = parse(&[
            "--hub",
            "http://127.0.0.1:8080",
            "--hub",
            "https://hub.example.com/pulse/",
            "--token",
            "s3cret",
            "--name",
            "web-1",
            "--tag",
            "env=prod",
            "--tag",
            "role=web",
            "--interval",
            "200ms",
        ])
        .expect("parses");
        assert_eq!(config.hubs.len(), 2);
        assert_eq!(config.token.secret(), "s3cret");
        assert_eq!(config.name.as_deref(), Some("web-1"));
        assert_eq!(config.tags, [("env".into(), "prod".into()), ("role".into(), "web".into())]);
        assert_eq!(config.interval, Duration::from_millis(200));
        assert_eq!(config.buffer, Duration::from_secs(15 * 60));
        assert!(config.ca.is_none());
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let config = parse(&["--hub", "http://127.0.0.1:1", "--token", "s3cret"]).expect("parses");
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn an_interval_is_at_most_a_day() {
        let with = |interval: &str| parse(&["--hub", "http://127.0.0.1:1", "--token", "t", "--interval", interval]);
        assert_eq!(with("24h").expect("a day").interval, Duration::from_secs(86_400));
        let refused = with("25h").expect_err("over a day").to_string();
        assert!(refused.contains("more than a day"), "{refused}");
    }

    #[test]
    fn hub_and_token_are_required() {
        assert!(parse(&["--token", "t"]).is_err());
        assert!(parse(&["--hub", "http://127.0.0.1:1"]).is_err());
    }

    /// A tag as given, and the pair it reads as or a part of the refusal.
    type TagCase = (&'static str, Result<(&'static str, &'static str), &'static str>);

    #[test]
    fn tags() {
        let cases: &[TagCase] = &[
            ("env=prod", Ok(("env", "prod"))),
            ("note=a=b", Ok(("note", "a=b"))),
            (" zone = eu west ", Ok(("zone", "eu west"))),
            ("empty=", Ok(("empty", ""))),
            ("env", Err("is not a tag")),
            ("=prod", Err("empty key")),
            ("k=\u{7}", Err("control")),
        ];
        for (input, expected) in cases {
            match (tag(input), expected) {
                (Ok(got), Ok((k, v))) => assert_eq!(got, ((*k).to_owned(), (*v).to_owned()), "{input}"),
                (Err(got), Err(part)) => assert!(got.contains(part), "{input}: {got}"),
                (got, _) => panic!("{input}: {got:?}"),
            }
        }
    }

    #[test]
    fn tokens_and_names() {
        assert!(Token::parse("abc-123_XYZ").is_ok());
        for bad in ["", "a b", "tab\there", "é"] {
            assert!(Token::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(name(" web 1 ").as_deref(), Ok("web 1"));
        assert!(name("").is_err());
        assert!(name(&"x".repeat(129)).is_err());
        assert!(name("a\nb").is_err());
    }
}
