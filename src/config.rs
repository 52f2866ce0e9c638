//! Which server to talk to and how: `?server=URL` wins, then `config.json` beside
//! `index.html` (`{"server": "https://…"}`, optional: no file means the page's own
//! server), else the directory the page was loaded from (its origin, plus the path
//! prefix when a reverse proxy serves Pulse under one, e.g. `/pulse/`); and
//! `?transport=ws|sse|longpoll|poll` forces one transport (no fallback); `?host=ID`
//! shows that host of a hub's fleet (every endpoint gets `host=`), and [`page`]
//! decides between a host and the fleet. Mistakes become a [`ConfigError`] the page
//! shows.

pub mod link;
pub mod page;

use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::json::{from_json, Decode, JsonError, Reader};
use pulse_protocol::{HostInfo, HostsResponse};
use serde::Deserialize;

use crate::connection::TransportKind;
use crate::transport::{fetch_json, fetch_static, ServerUrl, UrlError};
pub use page::Page;

/// What the page was told.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// The server's base URL.
    pub server: ServerUrl,
    /// A transport forced by the URL.
    pub forced: Option<TransportKind>,
    /// The page to show (the fleet streams `host=@fleet`).
    pub page: Page,
    /// The hub's hosts, when they were listed to choose the page.
    pub hosts: Vec<HostInfo>,
}

/// Why the page cannot know which server to use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// `?server=` named something that is not an http(s) URL.
    #[error("?server= is unusable: {0}")]
    BadServerParam(UrlError),
    /// `config.json` named something that is not an http(s) URL.
    #[error("config.json is unusable: {0}")]
    BadServerFile(UrlError),
    /// `config.json` exists but is not the JSON object it should be.
    #[error("config.json is not valid: {0} (expected {{\"server\": \"https://…\"}})")]
    BadFile(String),
    /// The page's own origin is not http(s) (e.g. opened as a file).
    #[error("this page's origin cannot serve the API ({0}); pass ?server=https://…")]
    BadOrigin(UrlError),
    /// `?transport=` named no transport.
    #[error("unknown transport {0:?}: use ws, sse, longpoll or poll")]
    BadTransport(String),
    /// `?host=` is not a host id.
    #[error("?host= must be a host id as /api/v1/hosts lists it (1 to 128 bytes of text, no `/`, not starting with @), got {0:?}")]
    BadHost(String),
}

/// The body of `config.json`. The page reads it with [`Decode`]; `Deserialize`
/// states the same shape for serde, and a test holds the two together.
#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct ConfigFile {
    /// The server's base URL.
    pub server: Option<String>,
}

impl Decode for ConfigFile {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut server = None;
        reader.begin_object()?;
        while let Some(key) = reader.next_key()? {
            match &*key {
                "server" => reader.field(&mut server, "server")?,
                _ => reader.skip()?,
            }
        }
        Ok(ConfigFile { server: server.flatten() })
    }
}

/// The page's URL parameters.
fn params() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// A URL parameter, if given and not empty.
pub fn param(name: &str) -> Option<String> {
    params().and_then(|p| p.get(name)).filter(|v| !v.is_empty())
}

/// Finds the server (`?server=`, `config.json`, the page's directory) and a forced
/// transport; the page is chosen later by [`choose_page`], once the page may ask
/// the hub (it may need to sign in first).
pub async fn locate() -> Result<ClientConfig, ConfigError> {
    let location = web_sys::window().map(|w| w.location());
    let origin = location.as_ref().and_then(|l| l.origin().ok()).unwrap_or_default();
    let pathname = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
    let server_param = param("server");
    let file = match server_param {
        Some(_) => None,
        // No file (any error status, or no answer) means the page's own server.
        None => match fetch_static("config.json").await {
            Ok(text) => read_file(&text)?,
            Err(_) => None,
        },
    };
    resolve(server_param.as_deref(), param("transport").as_deref(), file, &page_directory(&origin, &pathname))
}

/// Chooses the page (`?host=`, `?view=`, or by the number of hosts the hub lists)
/// for a located server. A share link shows only what it names (`shared`: a host
/// id, or `@fleet`), whatever the URL says.
pub async fn choose_page(config: ClientConfig, shared: Option<&str>) -> Result<ClientConfig, ConfigError> {
    let (host, view) = match shared {
        Some(FLEET_HOST) => (None, Some("fleet".to_owned())),
        Some(id) => (Some(id.to_owned()), None),
        None => (param("host"), param("view")),
    };
    let config = choose_host(config, host.as_deref())?;
    let hosts = if page::needs_host_count(host.as_deref(), view.as_deref()) {
        // An older server has no list: it is one host.
        let url = config.server.http("/api/v1/hosts");
        fetch_json::<HostsResponse>(&url, None).await.map(|list| list.hosts).ok()
    } else {
        None
    };
    let page = page::decide(host.as_deref(), view.as_deref(), hosts.as_ref().map(Vec::len));
    let server = match page {
        Page::Fleet | Page::Alerts => config.server.with_host(FLEET_HOST),
        Page::Host => config.server,
    };
    Ok(ClientConfig { server, page, hosts: hosts.unwrap_or_default(), ..config })
}

/// Reads the body of `config.json`. An empty body, or HTML (a static host that answers
/// every path with `index.html`), is no file; anything else must be the JSON object.
pub fn read_file(text: &str) -> Result<Option<ConfigFile>, ConfigError> {
    let text = text.trim_start();
    if text.is_empty() || text.starts_with('<') {
        return Ok(None);
    }
    from_json(text).map(Some).map_err(|e| ConfigError::BadFile(e.to_string()))
}

/// The URL of the directory the page was loaded from: `http://h/pulse/` for
/// `http://h/pulse/` and `http://h/pulse/index.html`, `http://h/` at the root.
pub fn page_directory(origin: &str, pathname: &str) -> String {
    let directory = pathname.rfind('/').map_or("/", |slash| &pathname[..=slash]);
    let directory = if directory.starts_with('/') { directory } else { "/" };
    format!("{origin}{directory}")
}

/// Picks the server and transport: the URL's parameters, then the file, then the
/// page's own directory (`page`, see [`page_directory`]).
pub fn resolve(
    server_param: Option<&str>,
    transport_param: Option<&str>,
    file: Option<ConfigFile>,
    page: &str,
) -> Result<ClientConfig, ConfigError> {
    let forced = match transport_param {
        Some(name) => Some(TransportKind::parse(name).ok_or_else(|| ConfigError::BadTransport(name.to_owned()))?),
        None => None,
    };
    let server = match (server_param, file.and_then(|f| f.server)) {
        (Some(url), _) => ServerUrl::parse(url).map_err(ConfigError::BadServerParam)?,
        (None, Some(url)) => ServerUrl::parse(&url).map_err(ConfigError::BadServerFile)?,
        (None, None) => ServerUrl::parse(page).map_err(ConfigError::BadOrigin)?,
    };
    Ok(ClientConfig { server, forced, page: Page::Host, hosts: Vec::new() })
}

/// Shows fleet host `host_param` (`?host=ID`) rather than the hub's own host.
pub fn choose_host(config: ClientConfig, host_param: Option<&str>) -> Result<ClientConfig, ConfigError> {
    let Some(id) = host_param.filter(|id| !id.is_empty()) else {
        return Ok(config);
    };
    if !pulse_protocol::fleet::is_host_id(id) {
        return Err(ConfigError::BadHost(id.chars().take(64).collect()));
    }
    Ok(ClientConfig { server: config.server.with_host(id), ..config })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_picks_a_fleet_host_or_is_refused() {
        let base = || resolve(None, None, None, "http://hub:1").expect("valid");
        let chosen = choose_host(base(), Some("web-1")).expect("an id");
        assert_eq!(chosen.server.http("/api/v1/series"), "http://hub:1/api/v1/series?host=web-1");
        assert_eq!(choose_host(base(), None).expect("none").server, base().server);
        assert_eq!(choose_host(base(), Some("")).expect("empty is none").server, base().server);
        // Any id the hub can list, its own `--name` included, is encoded on the way.
        let spaced = choose_host(base(), Some("Büro Server 1")).expect("a hub's own name");
        assert_eq!(spaced.server.http("/api/v1/series"), "http://hub:1/api/v1/series?host=B%C3%BCro%20Server%201");
        let odd = choose_host(base(), Some("x&since=1#y")).expect("any text");
        assert_eq!(odd.server.http("/api/v1/poll?wait=0"), "http://hub:1/api/v1/poll?wait=0&host=x%26since%3D1%23y");
        for bad in ["a/b", "@fleet", "tab\there", &"n".repeat(129)] {
            assert!(matches!(choose_host(base(), Some(bad)), Err(ConfigError::BadHost(_))), "{bad}");
        }
    }

    fn file(server: &str) -> Option<ConfigFile> {
        Some(ConfigFile { server: Some(server.to_owned()) })
    }

    #[test]
    fn the_url_wins_then_the_file_then_the_origin() {
        let origin = "http://page:8080";
        // (?server=, config.json, ?transport=) → (server, forced)
        let cases = [
            (Some("https://a.example"), file("https://b.example"), None, "https://a.example", None),
            (None, file("https://b.example/"), None, "https://b.example", None),
            (None, Some(ConfigFile::default()), None, "http://page:8080", None),
            (None, None, Some("sse"), "http://page:8080", Some(TransportKind::Sse)),
            (None, None, Some("longpoll"), "http://page:8080", Some(TransportKind::LongPoll)),
        ];
        for (param, file, transport, server, forced) in cases {
            let config = resolve(param, transport, file, origin).expect("valid");
            assert_eq!((config.server.as_str(), config.forced), (server, forced));
        }
    }

    #[test]
    fn config_json_is_read_or_refused_with_the_reason() {
        let server = |text| read_file(text).expect("readable").and_then(|f| f.server);
        assert_eq!(server(r#"{"server": "https://b.example"}"#).as_deref(), Some("https://b.example"));
        assert_eq!(server("{}"), None);
        assert!(read_file("").expect("empty is no file").is_none());
        assert!(read_file("\n<!doctype html><html>").expect("a SPA fallback is no file").is_none());
        for broken in [r#"{"server": "https://b.example""#, r#"["https://b.example"]"#, r#"{"server": 42}"#] {
            let error = read_file(broken).expect_err(broken).to_string();
            assert!(error.starts_with("config.json is not valid: "), "{error}");
        }
    }

    #[test]
    fn the_page_s_own_server_keeps_a_proxy_s_path_prefix() {
        let cases = [
            ("http://h:8080", "/", "http://h:8080"),
            ("http://h:8080", "/index.html", "http://h:8080"),
            ("https://h", "/pulse/", "https://h/pulse"),
            ("https://h", "/pulse/index.html", "https://h/pulse"),
            ("https://h", "/a/b/", "https://h/a/b"),
            ("https://h", "", "https://h"),
        ];
        for (origin, pathname, server) in cases {
            let config = resolve(None, None, None, &page_directory(origin, pathname)).expect("valid");
            assert_eq!(config.server.as_str(), server, "{origin} {pathname}");
        }
    }

    #[test]
    fn config_json_reads_as_serde_reads_it() {
        let cases = [
            (r#"{"server":"https://b.example"}"#, file("https://b.example")),
            (r#"{"server":null,"note":[1]}"#, Some(ConfigFile::default())),
            ("{}", Some(ConfigFile::default())),
            (r#"{"server":7}"#, None),
            (r#"{"server":"a","server":"b"}"#, None),
            ("<!doctype html>", None),
        ];
        for (json, want) in cases {
            assert_eq!(pulse_protocol::from_json::<ConfigFile>(json).ok(), want, "{json}");
            assert_eq!(serde_json::from_str::<ConfigFile>(json).ok(), want, "serde: {json}");
        }
    }

    #[test]
    fn mistakes_are_errors_a_person_can_act_on() {
        let cases = [
            (resolve(Some("pulse.example"), None, None, "http://p"), "?server= is unusable"),
            (resolve(None, None, file("ftp://x"), "http://p"), "config.json is unusable"),
            (resolve(None, None, None, "null"), "pass ?server="),
            (resolve(None, Some("carrier-pigeon"), None, "http://p"), "unknown transport \"carrier-pigeon\""),
        ];
        for (result, want) in cases {
            let error = result.expect_err(want).to_string();
            assert!(error.contains(want), "{error}");
        }
    }
}
