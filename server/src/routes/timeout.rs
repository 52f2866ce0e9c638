//! A time limit on plain requests, answered with a JSON 503 like every other error.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The longest a plain (non-streaming) request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Runs the request, or answers 503 once [`REQUEST_TIMEOUT`] has passed.
pub async fn limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::TimedOut(REQUEST_TIMEOUT.as_secs()).into_response(),
    }
}
