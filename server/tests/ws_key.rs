//! The WebSocket handshake checks `Sec-WebSocket-Key`: the base64 of exactly 16 bytes
//! (RFC 6455 §4.1), or a 400 naming the header.

#[path = "support/server.rs"]
mod support;

#[path = "support/raw.rs"]
mod raw;

use pulse_protocol::ApiError;
use support::*;

#[tokio::test]
async fn a_key_that_is_not_16_bytes_of_base64_is_refused() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let host = server.addr.to_string();
    for key in ["", "abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSE=", "not base64 at all!!!!!!!"] {
        let response = raw::send(server.addr, &raw::upgrade(&host, key, "")).await;
        assert_eq!(response.status, 400, "{key:?}: {response:?}");
        let body: ApiError = serde_json::from_str(&response.body).expect("a JSON body");
        assert_eq!(body.error, "bad_request");
        assert!(body.detail.contains("Sec-WebSocket-Key"), "{key:?}: {}", body.detail);
    }
    let good = raw::send(server.addr, &raw::upgrade(&host, "dGhlIHNhbXBsZSBub25jZQ==", "")).await;
    assert_eq!(good.status, 101, "{good:?}");
    assert_eq!(
        good.header("sec-websocket-accept"),
        Some("s3pplmbitxaq9kygzzhzrbk+xoo="),
        "the RFC's example, lower-cased"
    );
}
