//! The WebSocket opening handshake (RFC 6455 §4.2.1), done here rather than by
//! axum's `WebSocketUpgrade` because the connection's task needs the socket itself
//! (see `crate::fanout`). Every refusal names the header that is wrong.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hyper::upgrade::OnUpgrade;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use pulse_protocol::access::WS_PROTOCOL;

use crate::error::AppError;

/// Checks that `request` opens a WebSocket and takes its upgrade: the `101`
/// response to send, and the future that yields the connection once it is sent.
pub fn accept(request: &mut Request) -> Result<(Response, OnUpgrade), AppError> {
    let refuse = |why: &str| AppError::BadRequest(format!("this endpoint speaks WebSocket only: {why}"));
    if request.method() != Method::GET || request.version() != Version::HTTP_11 {
        return Err(refuse("open it with an HTTP/1.1 GET and Upgrade: websocket"));
    }
    let headers = request.headers();
    if !has_token(headers, header::CONNECTION, "upgrade") {
        return Err(refuse("the Connection header must include \"upgrade\""));
    }
    if !is(headers, header::UPGRADE, "websocket") {
        return Err(refuse("the Upgrade header must be \"websocket\""));
    }
    if !is(headers, header::SEC_WEBSOCKET_VERSION, "13") {
        return Err(refuse("Sec-WebSocket-Version must be 13"));
    }
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY) else {
        return Err(refuse("the Sec-WebSocket-Key header is missing"));
    };
    if !is_key(key) {
        return Err(refuse("Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters)"));
    }
    let offers_pulse = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim() == WS_PROTOCOL);
    let accept = HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
        .map_err(|_| refuse("the Sec-WebSocket-Key header is unusable"))?;
    let Some(upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
        return Err(refuse("this connection cannot be upgraded"));
    };
    let mut response = (
        StatusCode::SWITCHING_PROTOCOLS,
        [
            (header::CONNECTION, HeaderValue::from_static("upgrade")),
            (header::UPGRADE, HeaderValue::from_static("websocket")),
            (header::SEC_WEBSOCKET_ACCEPT, accept),
        ],
    )
        .into_response();
    // A browser offers `pulse` beside `pulse.bearer.SECRET` (its credential, read by
    // `crate::gate`); the answer names `pulse`, never the secret.
    if offers_pulse {
        response.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(WS_PROTOCOL));
    }
    Ok((response, upgrade))
}

/// Whether a `Sec-WebSocket-Key` is what RFC 6455 §4.1 asks for: the base64 of
/// exactly 16 bytes.
fn is_key(key: &HeaderValue) -> bool {
    STANDARD.decode(key.as_bytes()).is_ok_and(|bytes| bytes.len() == 16)
}

/// Whether the comma-separated header `name` lists `token` (in any case).
fn has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| item.trim().eq_ignore_ascii_case(token))
}

/// Whether header `name` is `value` (in any case).
fn is(headers: &HeaderMap, name: HeaderName, value: &str) -> bool {
    headers.get(name).is_some_and(|got| got.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri("/api/v1/ws");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).expect("a valid request")
    }

    const GOOD: [(&str, &str); 4] = [
        ("connection", "keep-alive, Upgrade"),
        ("upgrade", "WebSocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn each_missing_header_is_named() {
        for (i, (name, _)) in GOOD.iter().enumerate() {
            let mut headers = GOOD.to_vec();
            headers.remove(i);
            let error = accept(&mut request(&headers)).expect_err("refused").to_string();
            assert!(error.to_lowercase().contains(name), "{name}: {error}");
        }
    }

    #[test]
    fn a_complete_request_without_a_connection_to_upgrade_is_refused_politely() {
        // Built by hand, so hyper has put no upgrade handle in it.
        let error = accept(&mut request(&GOOD)).expect_err("nothing to upgrade").to_string();
        assert!(error.contains("cannot be upgraded"), "{error}");
    }

    #[test]
    fn the_accept_key_is_the_rfc_example() {
        // RFC 6455 §1.3: this key gives this accept value.
        assert_eq!(derive_accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn keys_must_be_16_bytes_of_base64() {
        let cases = [
            ("dGhlIHNhbXBsZSBub25jZQ==", true),
            ("AAAAAAAAAAAAAAAAAAAAAA==", true),
            ("", false),
            ("abc", false),
            ("dGhlIHNhbXBsZSBub25jZQ", false),
            ("dGhlIHNhbXBsZSBub25jZQ==x", false),
            ("dGhlIHNhbXBsZSBub25j", false),
            ("dGhlIHNhbXBsZSBub25jZSE=", false),
            ("dGhlIHNhbXBsZSBub25jZ!==", false),
        ];
        for (key, ok) in cases {
            assert_eq!(is_key(&HeaderValue::from_static(key)), ok, "{key:?}");
        }
        let error = accept(&mut request(&[GOOD[0], GOOD[1], GOOD[2], ("sec-websocket-key", "abc")]))
            .expect_err("refused")
            .to_string();
        assert!(error.contains("Sec-WebSocket-Key"), "{error}");
    }

    #[test]
    fn tokens_are_matched_whole_and_in_any_case() {
        let headers = request(&[("connection", "keep-alive, UPGRADE")]).headers().clone();
        assert!(has_token(&headers, header::CONNECTION, "upgrade"));
        let headers = request(&[("connection", "upgrades")]).headers().clone();
        assert!(!has_token(&headers, header::CONNECTION, "upgrade"));
    }
}
