//! `use_admin`: the admin screens' data (API tokens, share links, users, and the
//! hosts a link may share), and the calls that change it. Every change lists its
//! kind again; every error shows the hub's own explanation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::access::{Created, ShareInfo, SharesResponse, TokenInfo, TokensResponse, UserInfo, UsersResponse};
use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::from_json;
use pulse_protocol::json::object;
use pulse_protocol::{HostInfo, HostsResponse};

use crate::access::fragment;
use crate::transport::{fetch_text, send, HttpError, ServerUrl};

/// A secret just created, shown once.
#[derive(Debug, Clone, PartialEq)]
pub struct Revealed {
    /// What it is, e.g. "API token" or "Share link".
    pub what: &'static str,
    /// What to copy: the token, or the whole link.
    pub text: String,
}

/// A change an admin makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new API token.
    CreateToken {
        /// `viewer`, `admin` or `agent`.
        role: String,
        /// What to call it.
        label: String,
    },
    /// A new share link.
    CreateShare {
        /// A host id, or `@fleet`.
        host: String,
        /// How long it works.
        seconds: u64,
        /// What to call it.
        label: String,
    },
    /// A new user.
    AddUser {
        /// Their name.
        name: String,
        /// `viewer` or `admin`.
        role: String,
        /// Their password.
        password: String,
    },
    /// Removes what a path names (`/api/v1/tokens/ID`, `/api/v1/shares/ID`, `/api/v1/users/NAME`).
    Delete(String),
}

/// The admin screens' signals and actions.
#[derive(Clone, Copy)]
pub struct Admin {
    /// API tokens, newest first.
    pub tokens: Signal<Vec<TokenInfo>>,
    /// Live share links, newest first.
    pub shares: Signal<Vec<ShareInfo>>,
    /// Users, by name.
    pub users: Signal<Vec<UserInfo>>,
    /// The hub's hosts (what a share link may show).
    pub hosts: Signal<Vec<HostInfo>>,
    /// The last error, as the hub explained it.
    pub error: Signal<Option<String>>,
    /// The secret just created.
    pub revealed: Signal<Option<Revealed>>,
    /// Makes a change, then lists again.
    pub change: Callback<Change>,
    /// Deletes what a path names (a [`Change::Delete`]).
    pub delete: Callback<String>,
    /// Hides the revealed secret.
    pub dismiss: Callback<()>,
}

/// The lists the admin screens show, in the order `use_admin` reads them.
const LISTS: [&str; 4] = ["/api/v1/tokens", "/api/v1/shares", "/api/v1/users", "/api/v1/hosts"];

/// Makes `change`; a created secret comes back to be shown once.
async fn apply(server: &ServerUrl, change: Change) -> Result<Option<Revealed>, HttpError> {
    let (method, path, body) = request_for(&change);
    let text = send(method, &server.http_as_is(&path), body.as_deref()).await?;
    let body = |e: pulse_protocol::JsonError| HttpError::Body(e.to_string());
    Ok(match change {
        Change::CreateToken { .. } => {
            let created = from_json::<Created<TokenInfo>>(&text).map_err(body)?;
            Some(Revealed { what: "API token", text: created.secret })
        }
        Change::CreateShare { .. } => {
            let created = from_json::<Created<ShareInfo>>(&text).map_err(body)?;
            let link = fragment::share_link(&page_for(&created.info.host), &created.secret);
            Some(Revealed { what: "Share link", text: link })
        }
        Change::AddUser { .. } | Change::Delete(_) => None,
    })
}

/// The request that makes `change`: method, path and JSON body.
fn request_for(change: &Change) -> (&'static str, String, Option<String>) {
    match change {
        Change::CreateToken { role, label } => {
            ("POST", "/api/v1/tokens".to_owned(), Some(object(&[("role", role), ("label", label)])))
        }
        Change::CreateShare { host, seconds, label } => {
            let body = object(&[("host", host), ("label", label)]);
            // One number among the strings: spliced in before the closing brace.
            let body = format!("{},\"expires_in\":{seconds}}}", &body[..body.len() - 1]);
            ("POST", "/api/v1/shares".to_owned(), Some(body))
        }
        Change::AddUser { name, role, password } => (
            "POST",
            "/api/v1/users".to_owned(),
            Some(object(&[("name", name), ("role", role), ("password", password)])),
        ),
        Change::Delete(path) => ("DELETE", path.clone(), None),
    }
}

/// The hub's explanation of a failure (its `detail`), else the failure in words.
pub(super) fn explain(error: &HttpError) -> String {
    match error {
        HttpError::Status { detail, .. } => detail.clone(),
        other => other.to_string(),
    }
}

/// The address of the page that shows `host` (a host id, or `@fleet`): this page,
/// keeping `?server=` for a static copy on another origin.
pub fn page_for(host: &str) -> String {
    let Some(window) = web_sys::window() else { return String::new() };
    let location = window.location();
    let base = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
    let mut params: Vec<String> = Vec::new();
    if let Some(server) = crate::config::param("server") {
        params.push(format!("server={}", String::from(js_sys::encode_uri_component(&server))));
    }
    if host != FLEET_HOST {
        params.push(format!("host={}", crate::history::encode(host)));
    }
    if params.is_empty() {
        base
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

/// Loads every list from `server` and keeps them current as the admin changes them.
pub fn use_admin(server: ServerUrl) -> Admin {
    let tokens = RwSignal::new(Vec::<TokenInfo>::new());
    let shares = RwSignal::new(Vec::<ShareInfo>::new());
    let users = RwSignal::new(Vec::<UserInfo>::new());
    let hosts = RwSignal::new(Vec::<HostInfo>::new());
    let error = RwSignal::new(None::<String>);
    let revealed = RwSignal::new(None::<Revealed>);
    let server = StoredValue::new(server);

    let reload = move || {
        let server = server.get_value();
        spawn_local(async move {
            // One request at a time through one call site: each list's own fetch
            // future would compile the whole request again.
            for (i, path) in LISTS.iter().enumerate() {
                let read = fetch_text(&server.http_as_is(path), None).await;
                let stored = read.and_then(|text| {
                    let body = |e: pulse_protocol::JsonError| HttpError::Body(e.to_string());
                    match i {
                        0 => tokens.set(from_json::<TokensResponse>(&text).map_err(body)?.tokens),
                        1 => shares.set(from_json::<SharesResponse>(&text).map_err(body)?.shares),
                        2 => users.set(from_json::<UsersResponse>(&text).map_err(body)?.users),
                        _ => hosts.set(from_json::<HostsResponse>(&text).map_err(body)?.hosts),
                    }
                    Ok(())
                });
                // The host list only fills the share link's choice: its failure is not shown.
                match stored {
                    Err(e) if i < LISTS.len() - 1 => error.set(Some(explain(&e))),
                    _ => {}
                }
            }
        });
    };
    reload();

    let change = Callback::new(move |change: Change| {
        let server = server.get_value();
        spawn_local(async move {
            match apply(&server, change).await {
                Ok(secret) => {
                    error.set(None);
                    if secret.is_some() {
                        revealed.set(secret);
                    }
                    reload();
                }
                Err(e) => error.set(Some(explain(&e))),
            }
        });
    });

    Admin {
        tokens: tokens.into(),
        shares: shares.into(),
        users: users.into(),
        hosts: hosts.into(),
        error: error.into(),
        revealed: revealed.into(),
        change,
        delete: Callback::new(move |path| change.run(Change::Delete(path))),
        dismiss: Callback::new(move |()| revealed.set(None)),
    }
}
