//! Where a request carries its credential: `Authorization: Bearer`, else a
//! WebSocket subprotocol `pulse.bearer.SECRET` (browsers cannot set headers on a
//! WebSocket), else the session cookie. Never the URL. Pure.

use axum::http::{header, HeaderMap};
use pulse_protocol::access::{BEARER_PROTOCOL_PREFIX, SECURE_SESSION_COOKIE, SESSION_COOKIE};

/// A presented secret and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented<'a> {
    /// The secret as sent.
    pub secret: &'a str,
    /// Whether it came in the cookie.
    pub cookie: bool,
}

/// The credential a request presents, if any.
pub fn presented(headers: &HeaderMap) -> Option<Presented<'_>> {
    bearer(headers)
        .or_else(|| subprotocol(headers))
        .map(|secret| Presented { secret, cookie: false })
        .or_else(|| cookie(headers).map(|secret| Presented { secret, cookie: true }))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, secret) = value.split_once(' ')?;
    let secret = secret.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !secret.is_empty()).then_some(secret)
}

fn subprotocol(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|protocol| protocol.trim().strip_prefix(BEARER_PROTOCOL_PREFIX))
        .filter(|secret| !secret.is_empty())
}

/// The session cookie: the `__Host-` one when the browser sent it (nobody else can
/// have set it), else the plain one.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    named(headers, SECURE_SESSION_COOKIE).or_else(|| named(headers, SESSION_COOKIE))
}

fn named<'a>(headers: &'a HeaderMap, wanted: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == wanted).then(|| value.trim().trim_matches('"'))
        })
        .filter(|secret| !secret.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn where_credentials_are_found() {
        let secret =
            |pairs: &[(&'static str, &'static str)]| presented(&with(pairs)).map(|p| (p.secret.to_owned(), p.cookie));
        let found = |s: &str, cookie| Some((s.to_owned(), cookie));
        assert_eq!(secret(&[]), None);
        assert_eq!(secret(&[("authorization", "Bearer abc")]), found("abc", false));
        assert_eq!(secret(&[("authorization", "bearer  abc ")]), found("abc", false));
        assert_eq!(secret(&[("authorization", "Basic dTpw")]), None);
        assert_eq!(secret(&[("authorization", "Bearer ")]), None);
        assert_eq!(secret(&[("sec-websocket-protocol", "pulse, pulse.bearer.xyz")]), found("xyz", false));
        assert_eq!(
            secret(&[("sec-websocket-protocol", "pulse"), ("sec-websocket-protocol", "pulse.bearer.q")]),
            found("q", false)
        );
        assert_eq!(secret(&[("sec-websocket-protocol", "pulse.bearer.")]), None);
        assert_eq!(secret(&[("cookie", "a=b; pulse_session=s1; c=d")]), found("s1", true));
        assert_eq!(secret(&[("cookie", "xpulse_session=s1")]), None);
        assert_eq!(
            secret(&[("cookie", "pulse_session=planted; __Host-pulse_session=mine")]),
            found("mine", true),
            "the __Host- cookie wins: no other site can have set it"
        );
        assert_eq!(
            secret(&[("cookie", "pulse_session=s1"), ("authorization", "Bearer t")]),
            found("t", false),
            "a bearer wins over the cookie"
        );
    }
}
