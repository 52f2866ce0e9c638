//! The API's answer to what axum refuses before a handler runs (a path segment
//! that is not UTF-8, a body over [`super::body::MAX_BODY`], …): axum writes those
//! as `text/plain`, and every 4xx of the API is the JSON `{error, detail}` the
//! rest of it answers. One layer over the API, so no route can forget it; the
//! detail never quotes the request.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pulse_protocol::ApiError;

/// Turns a plain-text 4xx into the API's JSON error, keeping its status.
pub async fn as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/plain"));
    match replacement(response.status(), plain) {
        Some(body) => (response.status(), Json(body)).into_response(),
        None => response,
    }
}

/// The JSON body for an answer of `status`, when it is a plain-text 4xx.
fn replacement(status: StatusCode, plain: bool) -> Option<ApiError> {
    if !plain || !status.is_client_error() {
        return None;
    }
    let (error, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("too_large", format!("the body is larger than {} bytes", super::body::MAX_BODY))
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send the body as JSON".to_owned()),
        _ => ("bad_request", "the request's path, query or body cannot be read (is it UTF-8?)".to_owned()),
    };
    Some(ApiError { error: error.to_owned(), detail })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_text_client_errors_are_replaced() {
        let cases = [
            // status, plain text, the JSON error it becomes
            (StatusCode::BAD_REQUEST, true, Some("bad_request")),
            (StatusCode::PAYLOAD_TOO_LARGE, true, Some("too_large")),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, true, Some("unsupported_media_type")),
            (StatusCode::UNPROCESSABLE_ENTITY, true, Some("bad_request")),
            (StatusCode::BAD_REQUEST, false, None),
            (StatusCode::OK, true, None),
            (StatusCode::INTERNAL_SERVER_ERROR, true, None),
        ];
        for (status, plain, error) in cases {
            let got = replacement(status, plain);
            assert_eq!(got.as_ref().map(|body| body.error.as_str()), error, "{status} plain={plain}");
            assert!(got.is_none_or(|body| body.detail.len() < 100), "{status}: short");
        }
    }
}
