//! The browser's address behind a trusted reverse proxy (`--trusted-proxy`), from
//! the headers the proxy adds: `Forwarded: for=` (RFC 7239), `X-Forwarded-For` or
//! `X-Real-IP`.
//!
//! Each proxy appends the address it saw, so the list is read from the right and
//! the first address that is not itself a trusted proxy is the client: entries
//! further left were written by the client and prove nothing.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpAddr>);

impl TrustedProxies {
    /// From `--trusted-proxy` addresses.
    pub fn new(addresses: &[IpAddr]) -> Self {
        TrustedProxies(addresses.iter().map(|a| canonical(*a)).collect())
    }

    /// Whether `address` is one of them.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&canonical(address))
    }

    /// The client a trusted proxy's request speaks for, if its headers name one.
    pub fn client(&self, headers: &HeaderMap) -> Option<IpAddr> {
        let from_right = |list: Vec<IpAddr>| list.into_iter().rev().find(|a| !self.contains(*a));
        let text = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
        let forwarded: Vec<IpAddr> =
            text("forwarded").iter().flat_map(|v| v.split(',')).filter_map(forwarded_for).collect();
        if let Some(client) = from_right(forwarded) {
            return Some(client);
        }
        let x_forwarded: Vec<IpAddr> =
            text("x-forwarded-for").iter().flat_map(|v| v.split(',')).filter_map(address).collect();
        if let Some(client) = from_right(x_forwarded) {
            return Some(client);
        }
        text("x-real-ip").first().and_then(|v| address(v))
    }
}

/// The `for=` of one `Forwarded` element (`for=192.0.2.1`, `for="[2001:db8::1]:80"`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| address(value.trim().trim_matches('"'))).flatten()
    })
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:4711`.
fn address(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).and_then(|t| t.parse().ok())
}

/// IPv4-mapped IPv6 as the IPv4 it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        IpAddr::V4(_) => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn client(trusted: &[&str], headers: &[(&str, &str)]) -> Option<String> {
        let trusted: Vec<IpAddr> = trusted.iter().map(|a| a.parse().unwrap()).collect();
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        TrustedProxies::new(&trusted).client(&map).map(|a| a.to_string())
    }

    #[test]
    fn the_rightmost_untrusted_address_is_the_client() {
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);
        let cases: &[Case] = &[
            (&[("x-forwarded-for", "198.51.100.7")], Some("198.51.100.7")),
            (&[("x-forwarded-for", "6.6.6.6, 198.51.100.7")], Some("198.51.100.7")),
            (&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.7, 10.0.0.1")], Some("198.51.100.7")),
            (&[("x-forwarded-for", "198.51.100.7:5555")], Some("198.51.100.7")),
            (&[("x-forwarded-for", "[2001:db8::1]:80")], Some("2001:db8::1")),
            (&[("x-forwarded-for", "garbage")], None),
            (&[("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")], Some("192.0.2.60")),
            (&[("forwarded", "for=\"[2001:db8:cafe::17]:4711\"")], Some("2001:db8:cafe::17")),
            (&[("forwarded", "for=unknown"), ("x-forwarded-for", "192.0.2.9")], Some("192.0.2.9")),
            (&[("x-real-ip", "192.0.2.3")], Some("192.0.2.3")),
            (&[], None),
        ];
        for (headers, expected) in cases {
            assert_eq!(client(&["10.0.0.1"], headers).as_deref(), *expected, "{headers:?}");
        }
    }

    #[test]
    fn only_trusted_proxies_are_skipped() {
        assert!(TrustedProxies::new(&["127.0.0.1".parse().unwrap()]).contains("::ffff:127.0.0.1".parse().unwrap()));
        assert_eq!(
            client(&["10.0.0.1", "10.0.0.2"], &[("x-forwarded-for", "192.0.2.1, 10.0.0.2, 10.0.0.1")]).as_deref(),
            Some("192.0.2.1")
        );
        assert_eq!(client(&["10.0.0.1"], &[("x-forwarded-for", "10.0.0.1")]), None);
    }
}
