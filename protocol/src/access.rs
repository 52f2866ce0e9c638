//! Who may see what: the bodies of the sign-in, token, share-link and user
//! endpoints, and how a client carries a credential on every transport.
//!
//! - `POST /api/v1/session` with [`SignIn`] signs in: 200 with [`Session`] and the
//!   cookie [`SESSION_COOKIE`] (`HttpOnly`, `SameSite=Strict`; under TLS it is
//!   [`SECURE_SESSION_COOKIE`], also `Secure`); 401 otherwise; 429 with `Retry-After` when the address or the user
//!   tried too often. A page on another (allowed) origin, and a client that sends
//!   no `Origin`, get the session's secret in [`Session::token`] instead of relying
//!   on a cookie, and send it as a bearer. `GET` says who the caller is (401 when
//!   no one); `DELETE` signs out (204) and cuts the streams the session opened.
//! - A bearer travels as `Authorization: Bearer SECRET` on HTTP requests, and as
//!   the WebSocket subprotocol [`BEARER_PROTOCOL_PREFIX`]`SECRET` offered beside
//!   [`WS_PROTOCOL`] (a browser cannot set headers on a WebSocket; the hub answers
//!   [`WS_PROTOCOL`]). Never in a URL.
//! - `GET/POST /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`; `GET/POST
//!   /api/v1/shares`, `DELETE /api/v1/shares/{id}`; `GET/POST /api/v1/users`,
//!   `DELETE /api/v1/users/{name}`: admins only. A secret is shown once, in the
//!   answer that created it; lists never carry one.

use serde::{Deserialize, Serialize};

use crate::names::wire_names;

/// The session cookie's name over plain HTTP (loopback, or a proxy's inside).
pub const SESSION_COOKIE: &str = "pulse_session";
/// The session cookie's name when it is `Secure` (TLS, or a proxy saying
/// `https`): the `__Host-` prefix makes browsers refuse the same name set by a
/// sibling subdomain or without `Secure`, so no other site can plant a session.
pub const SECURE_SESSION_COOKIE: &str = "__Host-pulse_session";
/// The WebSocket subprotocol the hub answers with when a client offered it.
pub const WS_PROTOCOL: &str = "pulse";
/// A WebSocket subprotocol starting with this carries a bearer secret.
pub const BEARER_PROTOCOL_PREFIX: &str = "pulse.bearer.";
/// In a share link, the fragment key of its secret: `…?host=ID#share=SECRET`
/// (a fragment never reaches a server, a proxy's log or a `Referer`).
pub const SHARE_FRAGMENT: &str = "share";

wire_names! {
    /// What a credential may do. An admin may do everything a viewer may.
    pub enum Role {
        /// Manages users, tokens, share links and hosts; reads everything.
        Admin = "admin",
        /// Reads every host.
        Viewer = "viewer",
        /// Pushes a host's samples (`pulse-server agent`) and nothing else.
        Agent = "agent",
    }
}

wire_names! {
    /// How the caller was recognised.
    pub enum Via {
        /// A session cookie or a session's secret as a bearer.
        Session = "session",
        /// An API token.
        Token = "token",
        /// A read-only share link.
        Share = "share",
        /// No credential: a loopback hub without users (everyone is an admin), or
        /// one started with `--public-read-only` (everyone is a viewer).
        Open = "open",
    }
}

/// `POST /api/v1/session`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    /// The user's name.
    pub user: String,
    /// Their password.
    pub password: String,
}

/// Who the caller is (`GET /api/v1/session`, and the answer to a sign-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The signed-in user (none for tokens, share links and open hubs).
    pub user: Option<String>,
    /// What the caller may do.
    pub role: Role,
    /// How the caller was recognised.
    pub via: Via,
    /// When the credential stops working, ms since the epoch (none: never).
    pub expires: Option<u64>,
    /// For a share link: the one host it shows (`@fleet` for the fleet overview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Whether the hub has users (an open hub shows no sign-in button without).
    pub users: bool,
    /// Only in a sign-in's answer to another origin or to a client without
    /// `Origin`: the session's secret, to send as a bearer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// An API token as listed (`GET /api/v1/tokens`); never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Its id, for revoking.
    pub id: String,
    /// What it may do.
    pub role: Role,
    /// What the admin called it.
    pub label: String,
    /// When it was made, ms since the epoch.
    pub created: u64,
    /// When it was last used, ms since the epoch (to the minute).
    pub last_used: Option<u64>,
}

/// `{"tokens":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensResponse {
    /// Every API token, newest first.
    pub tokens: Vec<TokenInfo>,
}

/// `POST /api/v1/tokens`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    /// What it may do.
    pub role: Role,
    /// A name for it (default: empty).
    #[serde(default)]
    pub label: String,
}

/// A new token or share link, with its secret (shown this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created<T> {
    /// What was made.
    #[serde(flatten)]
    pub info: T,
    /// The secret: a bearer, or a share link's fragment value.
    pub secret: String,
}

/// A share link as listed (`GET /api/v1/shares`); never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareInfo {
    /// Its id, for revoking.
    pub id: String,
    /// The one host it shows, or `@fleet` for the fleet overview.
    pub host: String,
    /// What the admin called it.
    pub label: String,
    /// When it was made, ms since the epoch.
    pub created: u64,
    /// When it stops working, ms since the epoch.
    pub expires: u64,
}

/// `{"shares":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesResponse {
    /// Every live share link, newest first.
    pub shares: Vec<ShareInfo>,
}

/// `POST /api/v1/shares`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShare {
    /// The host to show, or `@fleet` for the fleet overview.
    pub host: String,
    /// How long it works, in seconds (default 7 days; at most 365 days).
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// A name for it (default: empty).
    #[serde(default)]
    pub label: String,
}

/// A user as listed (`GET /api/v1/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// Their name.
    pub name: String,
    /// `admin` or `viewer`.
    pub role: Role,
    /// When they were added, ms since the epoch.
    pub created: u64,
}

/// `{"users":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersResponse {
    /// Every user, by name.
    pub users: Vec<UserInfo>,
}

/// `POST /api/v1/users`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Their name (1 to 64 of `A-Z a-z 0-9 . _ - @`).
    pub name: String,
    /// `admin` or `viewer`.
    pub role: Role,
    /// Their password (at least 8 characters).
    pub password: String,
}
