//! Which host names the server answers to: the defence against DNS rebinding, where
//! a page on `evil.example` has its name re-pointed at 127.0.0.1 and then reads this
//! server as its own origin (so the `Origin` check in `crate::origin` sees nothing
//! wrong). Such a request always names the attacker's domain, so every request must
//! name a host this server knows:
//!
//! - an IP literal equal to `--listen`'s address, any loopback address, or, when
//!   listening on an unspecified address (`0.0.0.0`, `::`), any IP literal: DNS
//!   rebinding needs a DNS name;
//! - `localhost` or a name under `.localhost` (browsers resolve them to loopback
//!   themselves);
//! - a name from `--allow-host` (`*.example.com` allows the names under it) or the
//!   host of `--public-url`.
//!
//! Every name the request carries must pass, the forwarded ones included (see
//! `carried`): a page may set `X-Forwarded-Host` on its own `fetch`, so a forwarded
//! name never grants access by itself. A request naming no host at all passes only
//! over HTTP/1.0, which has no `Host`: no browser sends one (they always name the
//! host), and old health checkers do; over HTTP/1.1 and later it is a 400.

mod carried;
pub mod flags;

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Version;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use flags::PublicUrl;

/// The host names this server answers to, besides IP literals and `localhost`.
#[derive(Debug, Clone)]
pub struct Hosts {
    /// The address `--listen` gave.
    listen: IpAddr,
    /// Names allowed exactly, lower case, without port.
    names: Vec<String>,
    /// `.example.com` for `*.example.com`: the names under it.
    suffixes: Vec<String>,
    /// `--allow-host` values that are IP literals.
    addresses: Vec<IpAddr>,
}

impl Hosts {
    /// For a server listening on `listen`, with the `--allow-host` values and `--public-url`.
    pub fn new(listen: IpAddr, allowed: &[String], public_url: Option<&PublicUrl>) -> Self {
        let mut hosts =
            Hosts { listen: listen.to_canonical(), names: Vec::new(), suffixes: Vec::new(), addresses: Vec::new() };
        for allowed in allowed.iter().map(String::as_str).chain(public_url.map(|url| url.host.as_str())) {
            match allowed.trim().strip_prefix("*.") {
                Some(parent) => hosts.suffixes.push(format!(".{}", name_of(parent))),
                None => match name_of(allowed).parse::<IpAddr>() {
                    Ok(address) => hosts.addresses.push(address.to_canonical()),
                    Err(_) => hosts.names.push(name_of(allowed)),
                },
            }
        }
        hosts
    }

    /// Whether the host in `authority` (`name`, `name:port`, `[v6]:port`; the port
    /// is ignored) is one this server answers to.
    pub fn allows(&self, authority: &str) -> bool {
        let name = name_of(authority);
        if let Ok(address) = name.parse::<IpAddr>() {
            let address = address.to_canonical();
            return address == self.listen
                || address.is_loopback()
                || self.listen.is_unspecified()
                || self.addresses.contains(&address);
        }
        name == "localhost"
            || name.ends_with(".localhost")
            || self.names.contains(&name)
            || self.suffixes.iter().any(|suffix| name.len() > suffix.len() && name.ends_with(suffix.as_str()))
    }

    /// Ok when every host name `request` carries is allowed; else the refusal for the
    /// first that is not.
    pub fn check(&self, request: &Request) -> Result<(), AppError> {
        let names = carried::names(request);
        if names.is_empty() && request.version() > Version::HTTP_10 {
            return Err(AppError::BadRequest(
                "the request names no host: send a Host header (HTTP/1.1 requires one)".into(),
            ));
        }
        match names.into_iter().find(|name| !self.allows(name)) {
            Some(refused) => Err(AppError::UnknownHost { sent: refused.to_owned(), name: name_of(refused) }),
            None => Ok(()),
        }
    }
}

/// Refuses every request that names a host this server does not answer to, with a
/// 421 saying which flag to add. Layered over every route, so none can opt out.
pub async fn allow(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    match hosts.check(&request) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::debug!(%refusal, "refused a request for another host");
            refusal.into_response()
        }
    }
}

/// The host name in an authority (`name`, `name:port`, `[v6]`, `[v6]:port`): without
/// port or brackets, lower case, and without the trailing dot of a fully qualified
/// name (`localhost.` is `localhost`).
pub fn name_of(authority: &str) -> String {
    let authority = authority.trim();
    let name = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']').map_or(authority, |(inside, _)| inside),
        // One colon separates a port; more are a bare IPv6 address (which no browser
        // sends, but which is still an IP literal).
        None if authority.matches(':').count() == 1 => authority.split_once(':').map_or(authority, |(name, _)| name),
        None => authority,
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests;
