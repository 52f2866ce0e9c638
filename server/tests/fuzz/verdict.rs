//! Whether an answer is one the server may give to any request: never a 5xx but
//! `503` (`unavailable`, `timeout`); every error a JSON `{"error","detail"}`
//! (bodyless refusals below the router only as [`BODYLESS_BELOW_THE_ROUTER`]
//! allows, which is none today); a `101` a working WebSocket whose accept key fits
//! the request's key and whose first message is `hello`.

use pulse_protocol::{from_json, ApiError, ServerMessage};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::exchange::Answer;

/// Errors answered below the router with no body and no `Content-Type`, allowed
/// for now. Every other error must be JSON. Until the server's front door gave
/// hyper's own refusals JSON bodies (ca6723f), this held 400 (a request line or
/// header hyper cannot parse), 414 (a target longer than it takes) and 431 (a head
/// over its limits); 1,248,000 cases of the long run since met none, so it is empty
/// and the pass holds the server to that. Add an entry only with the reason.
pub const BODYLESS_BELOW_THE_ROUTER: &[(u16, &str)] = &[];

/// How an answer is filed in the tally, or why it is wrong.
pub fn judge(request: &[u8], is_head: bool, answer: &Answer) -> Result<String, String> {
    let Some(status) = answer.status else {
        return Ok("closed without an answer".into());
    };
    if status == 101 {
        return websocket(request, answer).map(|()| "101 WebSocket, hello first".into());
    }
    if status < 400 {
        return Ok(status.to_string());
    }
    let content_type = answer.header("content-type");
    let empty = answer.body.is_empty() && answer.header("content-length").is_none_or(|length| length == "0");
    if content_type.is_none() && (empty || is_head) {
        return match BODYLESS_BELOW_THE_ROUTER.iter().find(|(known, _)| *known == status) {
            Some((_, why)) => Ok(format!("{status} without a body (known: {why})")),
            None => Err(format!("a {status} with no body and no content-type")),
        };
    }
    if status >= 500 && status != 503 {
        return Err(format!("a {status}: the server failed (only 503 is a 5xx it may answer)"));
    }
    if content_type != Some("application/json") {
        return Err(format!("a {status} with content-type {content_type:?}, not application/json"));
    }
    if is_head {
        return Ok(format!("{status} JSON (HEAD: no body)"));
    }
    if let Some(encoding) = answer.header("content-encoding") {
        return Ok(format!("{status} JSON ({encoding})"));
    }
    let error = api_error(&answer.body).map_err(|why| format!("a {status} whose body is not an API error: {why}"))?;
    if status == 503 && error.error != "unavailable" && error.error != "timeout" {
        return Err(format!("a 503 that is neither unavailable nor timeout: {error:?}"));
    }
    match answer.body.len() {
        len if len > LARGE_ERROR => Ok(format!("{status} {}, a body over {} KiB", error.error, LARGE_ERROR / 1024)),
        _ => Ok(format!("{status} {}", error.error)),
    }
}

/// An error body larger than this is filed apart in the tally: it quotes a
/// client's value at length (allowed, but worth seeing).
const LARGE_ERROR: usize = 4 * 1024;

/// The body as `{"error": string, "detail": string}` and nothing else, read both by
/// serde and by the web app's reader.
fn api_error(body: &[u8]) -> Result<ApiError, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("{e}: {:?}", body.escape_ascii().to_string()))?;
    let fields = value.as_object().ok_or("not an object")?;
    let only_two_strings =
        fields.len() == 2 && ["error", "detail"].iter().all(|k| fields.get(*k).is_some_and(|v| v.is_string()));
    if !only_two_strings {
        return Err(format!("not exactly two string fields error and detail: {value}"));
    }
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    from_json::<ApiError>(text).map_err(|e| format!("the web app's reader refuses it: {e}"))
}

/// A `101`: the accept key is the request's key hashed (RFC 6455), and the first
/// frame is a text frame holding `hello`.
fn websocket(request: &[u8], answer: &Answer) -> Result<(), String> {
    let key = request_header(request, "sec-websocket-key").ok_or("a 101 to a request without Sec-WebSocket-Key")?;
    let want = derive_accept_key(&key);
    if answer.header("sec-websocket-accept") != Some(want.as_str()) {
        return Err(format!("Sec-WebSocket-Accept {:?}, want {want:?}", answer.header("sec-websocket-accept")));
    }
    let (opcode, payload) = answer.first_frame.as_ref().ok_or("a 101 and then no frame")?;
    if *opcode != 1 {
        return Err(format!("the first frame has opcode {opcode}, not text"));
    }
    let text = std::str::from_utf8(payload).map_err(|e| e.to_string())?;
    match from_json::<ServerMessage>(text) {
        Ok(ServerMessage::Hello(_)) => Ok(()),
        other => Err(format!("the first message is not hello: {other:?}")),
    }
}

/// The first value of header `name` (lowercase) in a request's head, trimmed as
/// HTTP trims it.
fn request_header(request: &[u8], name: &str) -> Option<Vec<u8>> {
    let end = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(request.len());
    request[..end].split(|&b| b == b'\n').skip(1).find_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = line.iter().position(|&b| b == b':')?;
        let value = trim_ows(&line[colon + 1..]);
        line[..colon].eq_ignore_ascii_case(name.as_bytes()).then(|| value.to_vec())
    })
}

/// `bytes` without the spaces and tabs around it.
fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}
