//! Whether a request comes from this machine, as far as the hub can tell: the only
//! requests an open hub (loopback, no users) serves as its admin. A request that
//! names a host other than a loopback address or `localhost`, or that says a proxy
//! forwarded it (`Forwarded`, `X-Forwarded-For`, `X-Forwarded-Host`, `X-Real-IP`),
//! reached the hub from beyond it (the usual nginx in front of a loopback hub), so
//! it is not. A local process could forge those headers only to lose its rights.
//! Pure.

use std::net::IpAddr;

use axum::http::{header, HeaderMap};

/// The forwarding headers a reverse proxy adds.
const FORWARDED: [&str; 4] = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"];

/// Whether `headers` look like a request made on this machine.
pub fn from_this_machine(headers: &HeaderMap) -> bool {
    if FORWARDED.iter().any(|name| headers.contains_key(*name)) {
        return false;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.0 without Host: a local health checker.
        return true;
    };
    let name = host_name(host).to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The name in an authority (`name`, `name:port`, `[v6]`, `[v6]:port`).
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority.rsplit_once(':').map_or(authority, |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn only_loopback_names_without_forwarding_are_local() {
        let cases: &[(&[(&'static str, &'static str)], bool)] = &[
            (&[("host", "127.0.0.1:8080")], true),
            (&[("host", "127.9.9.9")], true),
            (&[("host", "localhost:8080")], true),
            (&[("host", "pulse.localhost")], true),
            (&[("host", "[::1]:8080")], true),
            (&[], true),
            (&[("host", "pulse.example.com")], false),
            (&[("host", "10.0.0.5:8080")], false),
            (&[("host", "[2001:db8::1]:8080")], false),
            (&[("host", "127.0.0.1:8080"), ("x-forwarded-for", "203.0.113.9")], false),
            (&[("host", "127.0.0.1:8080"), ("forwarded", "for=203.0.113.9")], false),
            (&[("host", "127.0.0.1:8080"), ("x-real-ip", "203.0.113.9")], false),
            (&[("host", "127.0.0.1:8080"), ("x-forwarded-host", "pulse.example.com")], false),
        ];
        for (i, (pairs, want)) in cases.iter().enumerate() {
            assert_eq!(from_this_machine(&headers(pairs)), *want, "case {i}: {pairs:?}");
        }
    }
}
