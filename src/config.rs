//! Which server to talk to and how: `?server=URL`, else `config.json` beside
//! `index.html` (`{"server": "https://…"}`), else the page's own origin; and
//! `?transport=ws|sse|longpoll|poll` to force one transport.

use serde::Deserialize;

use crate::connection::TransportKind;
use crate::transport::{fetch_json, ServerUrl};

/// What the page was told.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// The server's base URL.
    pub server: ServerUrl,
    /// A transport forced by the URL.
    pub forced: Option<TransportKind>,
}

/// Why the page cannot know which server to use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// `?server=` or `config.json` named something that is not an http(s) URL.
    #[error("{0}")]
    BadServer(String),
    /// `?transport=` named no transport.
    #[error("unknown transport {0:?}: use ws, sse, longpoll or poll")]
    BadTransport(String),
}

#[derive(Deserialize)]
struct ConfigFile {
    server: Option<String>,
}

/// Reads the configuration from the page's URL and `config.json`.
pub async fn load() -> Result<ClientConfig, ConfigError> {
    let location = web_sys::window().map(|w| w.location());
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let param = |name: &str| params.as_ref().and_then(|p| p.get(name)).filter(|v| !v.is_empty());

    let forced = match param("transport") {
        Some(name) => Some(TransportKind::parse(&name).ok_or(ConfigError::BadTransport(name))?),
        None => None,
    };
    let server = match param("server") {
        Some(url) => url,
        None => match fetch_json::<ConfigFile>("config.json", None).await {
            Ok(ConfigFile { server: Some(url) }) => url,
            // No file, no entry, or a static host answering every path with
            // index.html: the server is this page's own origin.
            Ok(ConfigFile { server: None }) | Err(_) => origin(&location),
        },
    };
    let server = ServerUrl::parse(&server).map_err(ConfigError::BadServer)?;
    Ok(ClientConfig { server, forced })
}

fn origin(location: &Option<web_sys::Location>) -> String {
    location.as_ref().and_then(|l| l.origin().ok()).unwrap_or_default()
}
