//! Plain HTTP: JSON GETs that can be aborted, with errors that say what happened.

use gloo_net::http::{Request, Response};
use pulse_protocol::{ApiError, Catalog, HistoryResponse};
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

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
        /// `Retry-After`, in ms.
        retry_after_ms: Option<f64>,
    },
    /// A body that is not what the protocol says.
    #[error("unreadable answer: {0}")]
    Body(String),
}

/// GETs `url` and parses its JSON body.
pub async fn fetch_json<T: DeserializeOwned>(url: &str, signal: Option<&AbortSignal>) -> Result<T, HttpError> {
    let text = fetch_text(url, signal).await?;
    serde_json::from_str(&text).map_err(|e| HttpError::Body(e.to_string()))
}

/// GETs `url` and returns its body. Apart from [`fetch_json`] so that the request is
/// compiled once, not once per body type.
async fn fetch_text(url: &str, signal: Option<&AbortSignal>) -> Result<String, HttpError> {
    let response =
        Request::get(url).abort_signal(signal).send().await.map_err(|e| HttpError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(status_error(response).await);
    }
    response.text().await.map_err(|e| HttpError::Network(e.to_string()))
}

/// The history of every series since `from` (ms since the Unix epoch).
pub async fn fetch_history(server: &ServerUrl, from: f64) -> Result<HistoryResponse, HttpError> {
    fetch_json(&server.http(&format!("/api/v1/history?from={}", from as i64)), None).await
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

async fn status_error(response: Response) -> HttpError {
    let status = response.status();
    let retry_after_ms = response.headers().get("retry-after").as_deref().and_then(retry_after_ms);
    let detail = match response.json::<ApiError>().await {
        Ok(body) => body.detail,
        Err(_) => response.status_text(),
    };
    HttpError::Status { status, detail, retry_after_ms }
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
