//! Which browser origins may use the API: the server's own (as the browser sees
//! it: the request's `Host`, or the `X-Forwarded-Host` / `Forwarded: host=` a
//! reverse proxy sets) and the configured ones. Also CORS headers.
//!
//! Trusting the forwarded headers is safe here: the check stops other sites'
//! pages, and a page can set neither `Host` nor these headers on a WebSocket or
//! `EventSource` request. Non-browser clients send no `Origin` and pass anyway.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The configured foreign origins.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    allowed: Vec<String>,
    any: bool,
}

impl Origins {
    /// From `--allow-origin` values (`*` allows every origin).
    pub fn new(allowed: &[String]) -> Self {
        let any = allowed.iter().any(|o| o.trim() == "*");
        let allowed = allowed.iter().map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()).collect();
        Origins { allowed, any }
    }

    /// Ok(None) for no `Origin` (not a browser) or the server's own origin,
    /// Ok(Some(origin)) for an allowed foreign one, Err for any other.
    pub fn check(&self, headers: &HeaderMap) -> Result<Option<HeaderValue>, AppError> {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(None);
        };
        let text = origin.to_str().unwrap_or("").trim_end_matches('/').to_ascii_lowercase();
        if seen_hosts(headers).any(|host| same_origin(&text, host)) {
            return Ok(None);
        }
        if self.any || self.allowed.iter().any(|a| a == &text) {
            return Ok(Some(origin.clone()));
        }
        Err(AppError::ForbiddenOrigin(if text.is_empty() { "(unreadable)".into() } else { text }))
    }
}

/// Every name the browser may have used for this server: `Host`, then what
/// proxies forwarded (`X-Forwarded-Host`, `Forwarded: host=`), each first hop only.
fn seen_hosts(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    let value = |name| headers.get(name).and_then(|h: &HeaderValue| h.to_str().ok());
    let forwarded_host = value(header::FORWARDED).and_then(|f| {
        let first = f.split(',').next()?;
        first.split(';').find_map(|pair| {
            let (key, host) = pair.trim().split_once('=')?;
            key.eq_ignore_ascii_case("host").then(|| host.trim_matches('"'))
        })
    });
    let x_forwarded_host =
        value(header::HeaderName::from_static("x-forwarded-host")).and_then(|v| v.split(',').next()).map(str::trim);
    [value(header::HOST), x_forwarded_host, forwarded_host].into_iter().flatten()
}

/// Whether `origin` (`scheme://host[:port]`) names the same host and port as `host`.
/// A `host` without a port matches any port of that name: browsers always send a
/// non-default port, so only a proxy that dropped it (nginx's `$host`) sends none.
fn same_origin(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let host = host.to_ascii_lowercase();
    let strip = |s: &str| s.strip_suffix(default_port).map(str::to_owned).unwrap_or_else(|| s.to_owned());
    if host.is_empty() {
        return false;
    }
    strip(authority) == strip(&host) || (!has_port(&host) && name_of(authority) == host)
}

/// Whether an authority (`name`, `name:port`, `[v6]`, `[v6]:port`) has a port.
fn has_port(authority: &str) -> bool {
    if authority.starts_with('[') {
        authority.contains("]:")
    } else {
        authority.contains(':')
    }
}

/// An authority without its port.
fn name_of(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((name, _)) if has_port(authority) => name,
        _ => authority,
    }
}

/// Refuses browser pages from other origins on every `/api/` route, adds CORS headers
/// for allowed foreign origins, and answers preflights. A refused page may read the
/// refusal (its 403 carries CORS headers for that origin, and nothing else does), so
/// it can tell its user which `--allow-origin` the server needs.
pub async fn cors(State(origins): State<Arc<Origins>>, request: Request, next: Next) -> Response {
    let allowed = match origins.check(request.headers()) {
        Ok(allowed) => allowed,
        Err(refusal) => {
            let origin = request.headers().get(header::ORIGIN).cloned();
            let mut response = refusal.into_response();
            if let Some(origin) = origin {
                add_cors(response.headers_mut(), origin);
            }
            return response;
        }
    };
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    // No route answers OPTIONS, so a route that exists says 405: that is a preflight
    // to grant. An unknown path keeps its 404.
    if preflight && response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response = StatusCode::NO_CONTENT.into_response();
    }
    if let Some(origin) = allowed {
        add_cors(response.headers_mut(), origin);
    }
    response
}

fn add_cors(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, DELETE, OPTIONS"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, last-event-id, content-type"),
    );
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("retry-after"));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    headers.append(header::VARY, HeaderValue::from_static("origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn origin_cases() {
        let origins = Origins::new(&["https://static.example/".into()]);
        let ok_none = |o, h| matches!(origins.check(&headers(o, h)), Ok(None));
        assert!(ok_none(None, "a:1"), "no Origin: not a browser");
        assert!(ok_none(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"));
        assert!(ok_none(Some("https://pulse.example"), "pulse.example:443"), "default port");
        assert!(
            ok_none(Some("http://Proxy.Example"), "proxy.example"),
            "behind a proxy, Host is what the browser used"
        );
        assert!(matches!(origins.check(&headers(Some("https://static.example"), "x")), Ok(Some(_))));
        assert!(origins.check(&headers(Some("http://evil.example"), "127.0.0.1:8080")).is_err());
        assert!(origins.check(&headers(Some("http://127.0.0.1:9999"), "127.0.0.1:8080")).is_err(), "port matters");
        assert!(origins.check(&headers(Some("null"), "127.0.0.1:8080")).is_err());
        let mut forwarded = headers(Some("https://pulse.example:8443"), "127.0.0.1:8080");
        assert!(origins.check(&forwarded).is_err(), "nginx's default Host is the upstream");
        forwarded.insert("x-forwarded-host", HeaderValue::from_static("pulse.example:8443, inner"));
        assert!(matches!(origins.check(&forwarded), Ok(None)), "X-Forwarded-Host names the browser's host");
        let mut standard = headers(Some("https://pulse.example"), "127.0.0.1:8080");
        standard.insert(header::FORWARDED, HeaderValue::from_static("for=1.2.3.4;Host=\"pulse.example\";proto=https"));
        assert!(matches!(origins.check(&standard), Ok(None)), "Forwarded: host=");
        assert!(ok_none(Some("http://pulse.example:8088"), "pulse.example"), "nginx's $host drops the port");
        assert!(origins.check(&headers(Some("http://other.example:8088"), "pulse.example")).is_err());
        assert!(ok_none(Some("http://[::1]:8080"), "[::1]:8080"));
        assert!(origins.check(&headers(Some("http://[::1]:9"), "[::1]:8080")).is_err());
        assert!(ok_none(Some("http://[::1]:9"), "[::1]"));
        let any = Origins::new(&["*".into()]);
        assert!(matches!(any.check(&headers(Some("http://evil.example"), "x")), Ok(Some(_))));
    }
}
