//! The access check, a layer on every route of `routes::table` with the route's
//! [`Need`]: a route cannot be added without saying what it needs, and the check
//! runs before its handler. Refusals are 401 (no usable credential) or 403 (a
//! credential that may not do this). A state-changing request that relies on the
//! session cookie must carry an `Origin` (which `crate::origin` has already checked):
//! a cookie rides along by itself, a bearer does not, so cross-site request forgery
//! needs the former and is stopped here.
//!
//! The check runs once per request (a stream's opening included), never per
//! message: a stream opened with a credential is kept under it (`Access::hold`) and
//! cut when the credential ends.

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::access::grant::{allows, Need, Refusal};
use crate::access::{Access, Unrecognised};
use crate::error::AppError;
use crate::listen::conn::Peer;

/// What one route's check needs.
#[derive(Clone)]
pub struct Gate {
    /// The hub's access state.
    pub access: Arc<Access>,
    /// What the route needs.
    pub need: Need,
    /// Whether the route is a stream (kept under its credential, to be cut).
    pub stream: bool,
}

/// The check; see the module's documentation.
pub async fn check(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let grant = match gate.access.recognise(request.headers()) {
        Ok(grant) => grant,
        Err(Unrecognised) if gate.need == Need::Public => None,
        Err(Unrecognised) => return unknown_credential(&gate).into_response(),
    };
    let host = host_param(request.uri().query());
    if let Err(refusal) = allows(grant.as_ref(), gate.need, host.as_deref()) {
        return match refusal {
            Refusal::SignIn => no_credential(&gate).into_response(),
            Refusal::Forbidden(why) => AppError::Forbidden(why).into_response(),
        };
    }
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && grant.as_ref().is_some_and(|g| g.cookie) && !request.headers().contains_key(header::ORIGIN) {
        return AppError::Forbidden(
            "a request that changes something with the session cookie must carry the page's Origin \
             (scripts: send Authorization: Bearer TOKEN instead)"
                .into(),
        )
        .into_response();
    }
    if let Some(grant) = grant {
        if gate.stream {
            if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<Peer>>() {
                gate.access.hold(&grant, &peer.link);
            }
        }
        request.extensions_mut().insert(grant);
    }
    next.run(request).await
}

/// The first `host=` of a query.
fn host_param(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes()).find(|(key, _)| key == "host").map(|(_, value)| value.into_owned())
}

fn no_credential(gate: &Gate) -> AppError {
    if gate.need == crate::access::grant::Need::Agent {
        if !gate.access.takes_agents() {
            return AppError::Unauthorized(
                "this hub takes no agents: start it with --agent-token TOKEN (or PULSE_AGENT_TOKENS), or make one \
                 with `pulse-server token create --role agent`"
                    .into(),
            );
        }
        return AppError::Unauthorized(
            "no token: send `Authorization: Bearer TOKEN` with one of this hub's --agent-token or agent tokens".into(),
        );
    }
    AppError::Unauthorized(
        "sign in first (POST /api/v1/session), or send Authorization: Bearer TOKEN with an API token".into(),
    )
}

fn unknown_credential(gate: &Gate) -> AppError {
    if gate.need == Need::Agent {
        if !gate.access.takes_agents() {
            return no_credential(gate);
        }
        return AppError::Unauthorized(
            "the agent's token is not one of this hub's --agent-token or agent tokens".into(),
        );
    }
    AppError::Unauthorized(
        "the session, token or share link is not valid (expired, revoked or mistyped): sign in again".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_parameter_is_read_decoded_and_first() {
        assert_eq!(host_param(Some("series=a&host=web%2D1&host=db")), Some("web-1".into()));
        assert_eq!(host_param(Some("hostx=a")), None);
        assert_eq!(host_param(None), None);
    }
}
