//! The agent tokens a hub accepts from its flags (`--agent-token`; those made with
//! `pulse-server token create --role agent` are in the access file), kept only as
//! SHA-256 digests:
//! checking needs nothing more, and a memory dump then shows no token.

use super::secret::{digest as hash, Digest};

/// The accepted tokens' digests.
#[derive(Default)]
pub struct AgentTokens(Vec<Digest>);

impl AgentTokens {
    /// From the configured tokens (empty ones are ignored).
    pub fn new(tokens: &[String]) -> Self {
        AgentTokens(tokens.iter().filter(|t| !t.is_empty()).map(|t| hash(t)).collect())
    }

    /// Whether any token is configured (without one, agents are refused).
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// Whether `token` is one of them.
    pub fn accepts(&self, token: &str) -> bool {
        let offered = hash(token);
        // Comparing digests reveals nothing about the token through timing.
        self.0.iter().fold(false, |found, known| found | (*known == offered))
    }
}

impl std::fmt::Debug for AgentTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AgentTokens({} configured)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_tokens_pass_and_none_leak_through_debug() {
        let tokens = AgentTokens::new(&["s3cret".into(), "other".into(), String::new()]);
        assert!(tokens.any());
        assert!(tokens.accepts("s3cret") && tokens.accepts("other"));
        assert!(!tokens.accepts("") && !tokens.accepts("s3cre") && !tokens.accepts("s3cret "));
        assert!(!format!("{tokens:?}").contains("s3cret"));
        assert!(!AgentTokens::new(&[]).any());
    }
}
