//! The access check, a layer on every route of `routes::table` with the route's
//! [`Need`]: a route cannot be added without saying what it needs, and the check
//! runs before its handler. Refusals are 401 (no usable credential) or 403 (a
//! credential that may not do this), and 503 on a loopback `--redis` hub without
//! users that has not yet read the fleet's (`access::open`). A state-changing request that relies on the
//! session cookie must carry an `Origin` (which `crate::origin` has already checked):
//! a cookie rides along by itself, a bearer does not, so cross-site request forgery
//! needs the former and is stopped here. A cookie counts only on the hub's own
//! pages: from a page on another origin (even an allowed one, which is given a
//! token to send as a bearer) it is ignored, since the browser adds it by itself
//! to a same-site page's requests (another port, a sibling name).
//!
//! A share link's scope is checked against the request's one `host=`: a query that
//! repeats it is refused, so the check and the handler can never read different
//! values.
//!
//! The check runs once per request (a stream's opening included), never per
//! message: a stream opened with a credential is kept under it (`Access::hold`) and
//! cut when the credential ends.

pub mod agent_refusal;

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::access::grant::{allows_asked, Asked, Need, Refusal};
use crate::access::{Access, Unrecognised};
use crate::error::AppError;
use crate::listen::conn::Peer;
use crate::origin::Origins;

/// What one route's check needs.
#[derive(Clone)]
pub struct Gate {
    /// The hub's access state.
    pub access: Arc<Access>,
    /// What the route needs.
    pub need: Need,
    /// Whether the route is a stream (kept under its credential, to be cut).
    pub stream: bool,
    /// The origins the hub knows, to tell its own pages from others.
    pub origins: Arc<Origins>,
}

/// The check; see the module's documentation.
pub async fn check(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let mut grant = match gate.access.recognise_in_fleet(request.headers()).await {
        Ok(grant) => grant,
        Err(Unrecognised) if gate.need == Need::Public => None,
        Err(Unrecognised) => return refused(&gate, &request, unknown_credential(&gate)),
    };
    let has_origin = request.headers().contains_key(header::ORIGIN);
    if grant.as_ref().is_some_and(|g| g.cookie)
        && has_origin
        && !matches!(gate.origins.check(request.headers()), Ok(None))
    {
        // A page on another origin: the browser added the cookie by itself.
        grant = gate.access.open_grant_for(request.headers());
    }
    let (host, series) = match (once_param(request.uri().query(), "host"), once_param(request.uri().query(), "series"))
    {
        (Ok(host), Ok(series)) => (host, series),
        (Err(repeated), _) | (_, Err(repeated)) => return repeated.into_response(),
    };
    let asked = Asked { host: host.as_deref(), series: series.as_deref() };
    if let Err(refusal) = allows_asked(grant.as_ref(), gate.need, asked) {
        let error = match refusal {
            Refusal::SignIn => no_credential(&gate),
            Refusal::Forbidden(why) => AppError::Forbidden(why),
        };
        return refused(&gate, &request, error);
    }
    let cookie = grant.as_ref().is_some_and(|g| g.cookie);
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && cookie && !has_origin {
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

/// The answer to a request refused with `error`; an agent's refusal is logged
/// with its address (`agent_refusal`), so the hub's side says why too.
fn refused(gate: &Gate, request: &Request, error: AppError) -> Response {
    if gate.need == Need::Agent {
        let peer = request.extensions().get::<ConnectInfo<Peer>>().map(|ConnectInfo(peer)| peer.remote);
        return agent_refusal::logged(peer, error).into_response();
    }
    error.into_response()
}

/// The one `name=` of a query (`host=`, `series=`); a 400 when it is repeated
/// (the handlers read the query as a map whose last value wins, this check would
/// read another: a share link for `@fleet` asking `host=@fleet&host=web-1` read web-1).
fn once_param(query: Option<&str>, name: &str) -> Result<Option<String>, AppError> {
    let Some(query) = query else { return Ok(None) };
    let mut values = form_urlencoded::parse(query.as_bytes()).filter(|(key, _)| key == name);
    let first = values.next().map(|(_, value)| value.into_owned());
    if values.next().is_some() {
        // Worded as every route's own check words it (`routes::params`).
        return Err(AppError::BadRequest(format!("the parameter {} may be given once", crate::quote::shown(name))));
    }
    Ok(first)
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
    if gate.access.waits_for_fleet() {
        return AppError::Unavailable {
            reason:
                "sign-in waits for redis: this hub has no users of its own and does not yet know the fleet's \
                     (redis not read in the last 5 s, or a new fleet's copy without users, trusted once it stands 10 s)",
            retry_after: 2,
        };
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
    fn the_host_parameter_is_read_decoded_and_once() {
        assert_eq!(once_param(Some("series=a&host=web%2D1"), "host").unwrap(), Some("web-1".into()));
        assert!(once_param(Some("host=@fleet&host=web-1"), "host").is_err(), "a repeated host= is refused");
        assert!(once_param(Some("host=web-1&host=web-1"), "host").is_err());
        assert!(once_param(Some("host=%40fleet&ho%73t=web-1"), "host").is_err(), "however it is spelled");
        assert_eq!(once_param(Some("hostx=a"), "host").unwrap(), None);
        assert_eq!(once_param(None, "host").unwrap(), None);
    }
}
