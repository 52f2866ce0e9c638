//! Every failure becomes a status code and a JSON [`ApiError`] body naming the problem.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pulse_protocol::agent::{HEADER_MIN_PROTOCOL, HEADER_PROTOCOL};
use pulse_protocol::{ApiError, MIN_AGENT_PROTOCOL, PROTOCOL_VERSION};

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
    /// What the request names (a rule, a webhook) does not exist; the text says what.
    #[error("{0}")]
    Missing(String),
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
    /// No usable credential (an agent's token, a session, an API token).
    #[error("{0}")]
    Unauthorized(String),
    /// A credential that may not do this; the text says why.
    #[error("{0}")]
    Forbidden(String),
    /// Too many sign-in attempts: come back after the given seconds.
    #[error("too many sign-in attempts; try again in {0} s")]
    TooManyAttempts(u64),
    /// A client asked for something too often; the text names the limit.
    #[error("{0}")]
    RateLimited(String),
    /// A change that clashes with what exists; the text says what.
    #[error("{0}")]
    Conflict(String),
    /// An agent that speaks a newer protocol than this hub.
    #[error("the agent speaks protocol {agent}, this hub protocol {hub}: upgrade the hub first")]
    ProtocolTooNew {
        /// The agent's version.
        agent: u32,
        /// The hub's.
        hub: u32,
    },
    /// An agent older than the oldest this hub reads.
    #[error(
        "the agent speaks protocol {agent}, this hub reads agents of protocol {min_agent} to {hub}: upgrade the agent"
    )]
    ProtocolTooOld {
        /// The agent's version.
        agent: u32,
        /// The hub's.
        hub: u32,
        /// The oldest agent version the hub reads.
        min_agent: u32,
    },
}

/// How long an agent refused for its protocol version is asked to wait: versions
/// change only when someone upgrades, so trying sooner only adds load.
pub const VERSION_RETRY_AFTER: u64 = 300;

impl From<crate::access::AccessError> for AppError {
    fn from(error: crate::access::AccessError) -> Self {
        use crate::access::AccessError as E;
        match error {
            E::Invalid(why) => AppError::BadRequest(why),
            E::NotFound(what) => AppError::NotFound(what),
            E::Conflict(why) => AppError::Conflict(why),
            E::NoFile => AppError::Conflict(error.to_string()),
            other => {
                tracing::error!(error = %other, "the access file failed");
                AppError::Internal("the access file failed; the hub's log says why")
            }
        }
    }
}

impl From<crate::access::SignInError> for AppError {
    fn from(error: crate::access::SignInError) -> Self {
        use crate::access::SignInError as E;
        match error {
            E::Limited(seconds) => AppError::TooManyAttempts(seconds),
            E::Wrong => AppError::Unauthorized(error.to_string()),
            E::Busy => AppError::Unavailable { reason: "the hub is busy checking passwords", retry_after: 1 },
            E::Access(error) => error.into(),
        }
    }
}

impl AppError {
    /// The status and the `error` code of the JSON body.
    pub(crate) fn code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::NotFound(_) | AppError::Missing(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::ForbiddenOrigin(_) => (StatusCode::FORBIDDEN, "forbidden_origin"),
            AppError::UnknownHost { .. } => (StatusCode::MISDIRECTED_REQUEST, "unknown_host"),
            AppError::TimedOut(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            AppError::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            AppError::Fleet(
                crate::fleet::FleetError::Connected(_)
                | crate::fleet::FleetError::AgentConnected(_)
                | crate::fleet::FleetError::HeldElsewhere(_),
            ) => (StatusCode::CONFLICT, "host_connected"),
            AppError::Fleet(crate::fleet::FleetError::OwnHost(_) | crate::fleet::FleetError::HubsOwnId(_)) => {
                (StatusCode::CONFLICT, "own_host")
            }
            AppError::Fleet(crate::fleet::FleetError::NoSuchHost(_)) => (StatusCode::NOT_FOUND, "no_such_host"),
            AppError::Fleet(crate::fleet::FleetError::HostNeeded | crate::fleet::FleetError::NoHostYet) => {
                (StatusCode::BAD_REQUEST, "bad_request")
            }
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::ProtocolTooNew { .. } => (StatusCode::UPGRADE_REQUIRED, "protocol_too_new"),
            AppError::ProtocolTooOld { .. } => (StatusCode::UPGRADE_REQUIRED, "protocol_too_old"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, error) = self.code();
        let body = ApiError { error: error.to_owned(), detail: self.to_string() };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::Unavailable { retry_after, .. } | AppError::TooManyAttempts(retry_after) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            AppError::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"pulse\""));
            }
            AppError::ProtocolTooNew { .. } | AppError::ProtocolTooOld { .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(VERSION_RETRY_AFTER));
                headers.insert(HEADER_PROTOCOL, HeaderValue::from(PROTOCOL_VERSION));
                headers.insert(HEADER_MIN_PROTOCOL, HeaderValue::from(MIN_AGENT_PROTOCOL));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_refusal_names_the_hubs_versions_and_asks_for_a_long_wait() {
        let refusals = [
            AppError::ProtocolTooNew { agent: PROTOCOL_VERSION + 1, hub: PROTOCOL_VERSION },
            AppError::ProtocolTooOld { agent: 0, hub: PROTOCOL_VERSION, min_agent: MIN_AGENT_PROTOCOL },
        ];
        for refusal in refusals {
            let response = refusal.into_response();
            assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            assert_eq!(header(HEADER_PROTOCOL), Some(PROTOCOL_VERSION.to_string()));
            assert_eq!(header(HEADER_MIN_PROTOCOL), Some(MIN_AGENT_PROTOCOL.to_string()));
            assert_eq!(header("retry-after"), Some(VERSION_RETRY_AFTER.to_string()));
        }
        let other = AppError::BadRequest("x".into()).into_response();
        assert!(other.headers().get(HEADER_PROTOCOL).is_none() && other.headers().get("retry-after").is_none());
    }
}
