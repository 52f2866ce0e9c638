//! Plain HTTP: JSON GETs that can be aborted, with errors that say what happened.

use js_sys::Promise;
use pulse_protocol::json::Decode;
use pulse_protocol::{from_json, ApiError, Catalog, HistoryResponse};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use super::ServerUrl;

/// Why a request gave nothing usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    /// No answer at all (refused, offline, aborted, CORS).
    #[error("no answer from the server ({0})")]
    Network(String),
    /// An error status, with the server's explanation and its `Retry-After` in ms.
    #[error("the server answered {status}: {detail}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The `ApiError` detail, or the status text.
        detail: String,
        /// The `ApiError` code (`no_such_host`, …); empty when the body was not
        /// the hub's (a proxy's own error page).
        code: String,
        /// `Retry-After`, in ms.
        retry_after_ms: Option<f64>,
    },
    /// A body that is not what the protocol says.
    #[error("unreadable answer: {0}")]
    Body(String),
}

/// GETs `url` and parses its JSON body.
pub async fn fetch_json<T: Decode>(url: &str, signal: Option<&AbortSignal>) -> Result<T, HttpError> {
    let text = fetch_text(url, signal).await?;
    from_json(&text).map_err(|e| HttpError::Body(e.to_string()))
}

/// GETs `url` from the server and returns its body, with the bearer held. Apart
/// from [`fetch_json`] so that the request is compiled once, not once per body type.
/// A 401 is also told to the access hook (`credential::on_unauthorized`).
pub async fn fetch_text(url: &str, signal: Option<&AbortSignal>) -> Result<String, HttpError> {
    let result = request("GET", url, None, signal, true).await;
    if matches!(result, Err(HttpError::Status { status: 401, .. })) {
        super::credential::unauthorized();
    }
    result
}

/// GETs a file beside the page (`config.json`): no bearer, which is for the server.
pub async fn fetch_static(url: &str) -> Result<String, HttpError> {
    request("GET", url, None, None, false).await
}

/// Sends `method` (`POST`, `DELETE`) to the server with a JSON `body`, and the
/// bearer held; returns the answer's body (empty for a 204). A 401 here is the
/// caller's to explain (a wrong password), so it is only returned.
pub async fn send(method: &str, url: &str, body: Option<&str>) -> Result<String, HttpError> {
    request(method, url, body, None, true).await
}

/// One request: `authorize` adds the bearer held, if any.
async fn request(
    method: &str,
    url: &str,
    body: Option<&str>,
    signal: Option<&AbortSignal>,
    authorize: bool,
) -> Result<String, HttpError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_signal(signal);
    let headers = Headers::new().map_err(network)?;
    if let Some(secret) = super::credential::bearer().filter(|_| authorize) {
        headers.set("authorization", &super::credential::authorization(&secret)).map_err(network)?;
    }
    if let Some(body) = body {
        headers.set("content-type", "application/json").map_err(network)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| HttpError::Network("no window".to_owned()))?;
    let response: Response = settle(window.fetch_with_str_and_init(url, &init)).await?.unchecked_into();
    if !response.ok() {
        return Err(status_error(response).await);
    }
    text(&response).await
}

impl HttpError {
    /// Whether the server refused this page (403: its origin is not allowed), which
    /// no retry fixes until the server is configured to allow it.
    pub fn is_refusal(&self) -> bool {
        matches!(self, HttpError::Status { status: 403, .. })
    }

    /// The hub's words when it does not have the host a request named (404
    /// `no_such_host`; any other 404, such as a proxy's under a wrong path, is a
    /// failure like another).
    pub fn missing(&self) -> Option<&str> {
        match self {
            HttpError::Status { status: 404, detail, code, .. } if code == "no_such_host" => Some(detail),
            _ => None,
        }
    }

    /// Whether the server wants a credential this page does not have (401).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, HttpError::Status { status: 401, .. })
    }
}

/// The body of `response` as text.
async fn text(response: &Response) -> Result<String, HttpError> {
    let body = response.text().map_err(network)?;
    Ok(settle(body).await?.as_string().unwrap_or_default())
}

/// Awaits a promise; a rejection is a network error.
pub(super) async fn settle(promise: Promise) -> Result<JsValue, HttpError> {
    JsFuture::from(promise).await.map_err(network)
}

/// A rejected fetch or body read in words: the error's `toString()`, e.g.
/// `TypeError: Failed to fetch` or `AbortError: signal is aborted without reason`.
pub(super) fn network(error: JsValue) -> HttpError {
    let text = match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.to_string().into(),
        None => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    };
    HttpError::Network(text)
}

/// The history of every series since `from` (ms since the Unix epoch).
pub async fn fetch_history(server: &ServerUrl, from: f64) -> Result<HistoryResponse, HttpError> {
    history_at(server.http(&format!("/api/v1/history?from={}", from as i64))).await
}

/// A chart's history picture: `query` is a `/api/v1/history?…&width=` path and
/// query naming its host itself (see `crate::history::Query::path`).
pub async fn fetch_picture(server: &ServerUrl, query: &str) -> Result<HistoryResponse, HttpError> {
    history_at(server.http_as_is(query)).await
}

/// Both history requests through one future (each `fetch_json` call site
/// compiled its own copy of the request and the parse, 6 KB of wasm).
async fn history_at(url: String) -> Result<HistoryResponse, HttpError> {
    fetch_json(&url, None).await
}

/// The catalogue of every series (`GET /api/v1/series`).
pub async fn fetch_series(server: &ServerUrl) -> Result<Catalog, HttpError> {
    fetch_json(&server.http("/api/v1/series"), None).await
}

/// `Retry-After` in ms: delay-seconds only (an HTTP date is ignored, as no clock
/// library is shipped for it; the engine's own backoff applies then).
pub fn retry_after_ms(header: &str) -> Option<f64> {
    header.trim().parse::<u32>().ok().map(|seconds| f64::from(seconds) * 1000.0)
}

/// The error for a response that is not ok: its `ApiError` detail and `Retry-After`.
pub(super) async fn status_error(response: Response) -> HttpError {
    let status = response.status();
    let retry_after_ms = response.headers().get("retry-after").ok().flatten().as_deref().and_then(retry_after_ms);
    let body = text(&response).await.ok();
    let (detail, code) = match body.as_deref().map(from_json::<ApiError>) {
        Some(Ok(body)) => (body.detail, body.error),
        _ => (response.status_text(), String::new()),
    };
    HttpError::Status { status, detail, code, retry_after_ms }
}

#[cfg(test)]
mod tests {
    use super::retry_after_ms;

    #[test]
    fn retry_after_is_read_in_seconds() {
        let cases = [("5", Some(5_000.0)), (" 0 ", Some(0.0)), ("120", Some(120_000.0)), ("-1", None), ("1.5", None)];
        for (header, want) in cases {
            assert_eq!(retry_after_ms(header), want, "{header:?}");
        }
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
