//! `use_admin`: the admin screens' data (API tokens, share links, users, and the
//! hosts a link may share), and the calls that change it. Every change lists its
//! kind again; every error shows the hub's own explanation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::access::{ShareInfo, TokenInfo, UserInfo};
use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{HostInfo, HostsResponse};

use super::access::api;
use crate::access::fragment;
use crate::transport::{fetch_json, HttpError, ServerUrl};

/// A secret just created, shown once.
#[derive(Debug, Clone, PartialEq)]
pub struct Revealed {
    /// What it is, e.g. "API token" or "Share link".
    pub what: &'static str,
    /// What to copy: the token, or the whole link.
    pub text: String,
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
    /// Creates an API token: (role, label).
    pub create_token: Callback<(String, String)>,
    /// Creates a share link: (host id or `@fleet`, seconds, label).
    pub create_share: Callback<(String, u64, String)>,
    /// Adds a user: (name, role, password).
    pub add_user: Callback<(String, String, String)>,
    /// Deletes an item by its path, e.g. `/api/v1/tokens/ID`.
    pub delete: Callback<String>,
    /// Hides the revealed secret.
    pub dismiss: Callback<()>,
}

/// The hub's explanation of a failure (its `detail`), else the failure in words.
fn explain(error: &HttpError) -> String {
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
        params.push(format!("host={host}"));
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
            let (t, s, u) = (api::tokens(&server).await, api::shares(&server).await, api::users(&server).await);
            match (t, s, u) {
                (Ok(t), Ok(s), Ok(u)) => {
                    tokens.set(t);
                    shares.set(s);
                    users.set(u.users);
                }
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => error.set(Some(explain(&e))),
            }
            if let Ok(list) = fetch_json::<HostsResponse>(&server.http_as_is("/api/v1/hosts"), None).await {
                hosts.set(list.hosts);
            }
        });
    };
    reload();

    let create_token = Callback::new(move |(role, label): (String, String)| {
        let server = server.get_value();
        spawn_local(async move {
            match api::create_token(&server, &role, &label).await {
                Ok(created) => {
                    error.set(None);
                    revealed.set(Some(Revealed { what: "API token", text: created.secret }));
                    reload();
                }
                Err(e) => error.set(Some(explain(&e))),
            }
        });
    });
    let create_share = Callback::new(move |(host, seconds, label): (String, u64, String)| {
        let server = server.get_value();
        spawn_local(async move {
            match api::create_share(&server, &host, seconds, &label).await {
                Ok(created) => {
                    error.set(None);
                    let link = fragment::share_link(&page_for(&created.info.host), &created.secret);
                    revealed.set(Some(Revealed { what: "Share link", text: link }));
                    reload();
                }
                Err(e) => error.set(Some(explain(&e))),
            }
        });
    });
    let add_user = Callback::new(move |(name, role, password): (String, String, String)| {
        let server = server.get_value();
        spawn_local(async move {
            match api::add_user(&server, &name, &role, &password).await {
                Ok(()) => {
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(explain(&e))),
            }
        });
    });
    let delete = Callback::new(move |path: String| {
        let server = server.get_value();
        spawn_local(async move {
            match api::delete(&server, &path).await {
                Ok(()) => {
                    error.set(None);
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
        create_token,
        create_share,
        add_user,
        delete,
        dismiss: Callback::new(move |()| revealed.set(None)),
    }
}
