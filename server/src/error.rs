//! Every failure becomes a status code and a JSON [`ApiError`] body naming the problem.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pulse_protocol::ApiError;

use crate::quote::{prefix, shown};

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A malformed parameter or header; the text names it.
    #[error("{0}")]
    BadRequest(String),
    /// No such endpoint or file (the path as the client sent it).
    #[error("no such path: {}", shown(.0))]
    NotFound(String),
    /// The endpoint exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A browser page from an origin this server does not allow.
    #[error(
        "origin {} is not allowed; start the server with --allow-origin {}, or, behind a \
         reverse proxy, forward the browser's Host (nginx: proxy_set_header Host $http_host)",
        shown(.0),
        prefix(.0)
    )]
    ForbiddenOrigin(String),
    /// A request naming a host this server does not answer to (`Host`,
    /// `X-Forwarded-Host` or `Forwarded: host=`): what a DNS rebinding attack sends.
    #[error(
        "host {} is not one this server answers to; start the server with --allow-host {} \
         (or --public-url with the address browsers use), or use its IP address or localhost",
        shown(.sent),
        prefix(.name)
    )]
    UnknownHost {
        /// The authority as the request carried it.
        sent: String,
        /// Its host name (no port, lower case), as `--allow-host` takes it.
        name: String,
    },
    /// A plain request took longer than the server allows.
    #[error("the request took longer than {0} s")]
    TimedOut(u64),
    /// Too many connections, or shutting down: come back after the given seconds.
    #[error("{reason}; retry in {retry_after} s")]
    Unavailable {
        /// Why.
        reason: &'static str,
        /// Seconds, for `Retry-After`.
        retry_after: u64,
    },
    /// The server itself is set up wrong; the text says how.
    #[error("{0}")]
    Internal(&'static str),
    /// A host the request names, or must name, is not there; or an agent's host is
    /// held by another agent.
    #[error(transparent)]
    Fleet(#[from] crate::fleet::FleetError),
    /// An agent without an accepted token.
    #[error("{0}")]
    Unauthorized(String),
    /// An agent that speaks a newer protocol than this hub.
    #[error("the agent speaks protocol {agent}, this hub protocol {hub}: upgrade the hub first")]
    ProtocolTooNew {
        /// The agent's version.
        agent: u32,
        /// The hub's.
        hub: u32,
    },
}

impl AppError {
    fn code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::ForbiddenOrigin(_) => (StatusCode::FORBIDDEN, "forbidden_origin"),
            AppError::UnknownHost { .. } => (StatusCode::MISDIRECTED_REQUEST, "unknown_host"),
            AppError::TimedOut(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            AppError::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            AppError::Fleet(crate::fleet::FleetError::Connected(_)) => (StatusCode::CONFLICT, "host_connected"),
            AppError::Fleet(crate::fleet::FleetError::NoSuchHost(_)) => (StatusCode::NOT_FOUND, "no_such_host"),
            AppError::Fleet(crate::fleet::FleetError::HostNeeded) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::ProtocolTooNew { .. } => (StatusCode::UPGRADE_REQUIRED, "protocol_too_new"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, error) = self.code();
        let body = ApiError { error: error.to_owned(), detail: self.to_string() };
        let mut response = (status, Json(body)).into_response();
        if let AppError::Unavailable { retry_after, .. } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
