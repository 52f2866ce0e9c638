//! `GET /api/v1/alerts`: the current alerts (`?history=1`: and past ones;
//! `?host=ID`: that host's only, a 404 for a host the hub does not know), for
//! readers (a share link for one host sees that host's only); and
//! `GET /api/v1/alerts/deliveries` (admins): the webhook delivery log. Neither
//! carries a URL or a secret.

use axum::extract::State;
use axum::{Extension, Json};
use pulse_protocol::alerts::{AlertsResponse, DeliveriesResponse};
use pulse_protocol::fleet::FLEET_HOST;

use super::params::{shown, Params};
use crate::access::grant::Grant;
use crate::error::AppError;
use crate::state::AppState;

/// `{"alerts":[{"rule","host","state","severity","since","value"},…]}`.
pub async fn list(
    State(state): State<AppState>,
    grant: Option<Extension<Grant>>,
    params: Params,
) -> Result<Json<AlertsResponse>, AppError> {
    let history = match params.get("history") {
        None | Some("0" | "false") => false,
        Some("1" | "true") => true,
        Some(other) => return Err(AppError::BadRequest(format!("history must be 1 or 0, got {}", shown(other)))),
    };
    let shared = grant.as_ref().and_then(|Extension(grant)| grant.only_host());
    let mut alerts = state.alerts.list(history);
    // `@fleet` (the summary's stream, whose page shows every host's alerts) and an
    // empty `host=` filter nothing.
    if let Some(host) = params.get("host").filter(|host| !host.is_empty() && *host != FLEET_HOST) {
        // A host's share link learns nothing of other hosts, not even whether
        // they exist: a 403 before the lookup.
        if let Some(shared) = shared.filter(|shared| *shared != host) {
            return Err(AppError::Forbidden(format!("this share link shows host {shared} only")));
        }
        // A 404 naming a host the hub does not know, as every route taking host= does.
        let (id, _) = state.fleet.host_and_hub(Some(host))?;
        alerts.retain(|alert| alert.host == id);
    }
    if let Some(shared) = shared {
        alerts.retain(|alert| alert.host == shared);
    }
    Ok(Json(AlertsResponse { alerts }))
}

/// `{"deliveries":[{"id","webhook","rule","host","type","status","attempts","last_error","next_attempt","created"},…]}`.
pub async fn deliveries(State(state): State<AppState>) -> Result<Json<DeliveriesResponse>, AppError> {
    match state.alerts.deliveries() {
        Ok(deliveries) => Ok(Json(DeliveriesResponse { deliveries })),
        Err(error) => {
            tracing::error!("{error}");
            Err(AppError::Internal("the alerts file failed; the hub's log says why"))
        }
    }
}
