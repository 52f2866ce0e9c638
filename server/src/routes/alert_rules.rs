//! `/api/v1/alerts/rules` and `/api/v1/alerts/webhooks/{name}/test`: the rules in
//! force (readers), and the changes admins make: create, edit and delete a rule of
//! the UI, mute any rule for a while, send a webhook a test. Bodies are the rules
//! file's keys as JSON, checked by the file's own reader; every refusal is a 4xx
//! naming the field or the clash. Webhooks are listed by name: never a URL or secret.

mod mute_for;
mod view;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bytes::Bytes;
use pulse_alerts::ruleset::Refusal;
use pulse_protocol::alerts::{MuteRequest, MuteResponse, RulesResponse, TestQueued};
use serde_json::Value;

use super::body;
use crate::access::grant::Grant;
use crate::alerts::rules_store::{RulesStore, StoreError};
use crate::error::AppError;
use crate::hub::now_ms;
use crate::quote::shown;
use crate::state::AppState;

/// The shape of a rule body, for a 400 about unreadable JSON.
const RULE_SHAPE: &str = r#"a rule: {"name": "…", "series": "…", "above": 90, "for": "30s", …}"#;

/// `{"rules":[…],"webhooks":[…]}`; empty while alerts are off, and for a share
/// link (it shows one host, and rules name other hosts and the webhooks).
pub async fn list(State(state): State<AppState>, grant: Option<Extension<Grant>>) -> Json<RulesResponse> {
    let now = now_ms().max(0) as u64;
    let shared = grant.as_ref().is_some_and(|Extension(grant)| grant.only_host().is_some());
    Json(match state.alerts.store() {
        Some(store) if !shared => view::listing(&store.current(), now),
        _ => RulesResponse { rules: Vec::new(), webhooks: Vec::new(), set_aside: Vec::new() },
    })
}

/// Creates a rule: 201 with it as listed.
pub async fn create(State(state): State<AppState>, bytes: Bytes) -> Result<Response, AppError> {
    let store = store(&state)?;
    let body: Value = body::json(&bytes, RULE_SHAPE)?;
    let name = store.create(&body).await.map_err(refused)?;
    tracing::info!(rule = %shown(&name), "alert rule made in the UI");
    Ok((StatusCode::CREATED, Json(listed(store, &name)?)).into_response())
}

/// Replaces a rule of the UI: 200 with it as listed.
pub async fn edit(State(state): State<AppState>, Path(name): Path<String>, bytes: Bytes) -> Result<Response, AppError> {
    let store = store(&state)?;
    let body: Value = body::json(&bytes, RULE_SHAPE)?;
    store.edit(&name, &body).await.map_err(refused)?;
    tracing::info!(rule = %shown(&name), "alert rule edited in the UI");
    Ok(Json(listed(store, &name)?).into_response())
}

/// Deletes a rule of the UI: 204.
pub async fn remove(State(state): State<AppState>, Path(name): Path<String>) -> Result<StatusCode, AppError> {
    store(&state)?.delete(&name).await.map_err(refused)?;
    tracing::info!(rule = %shown(&name), "alert rule deleted in the UI");
    Ok(StatusCode::NO_CONTENT)
}

/// Mutes any rule for `{"for":"1h"}`, or unmutes it with `{"for":null}`.
pub async fn mute(
    State(state): State<AppState>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Result<Json<MuteResponse>, AppError> {
    let request: MuteRequest = body::json(&bytes, r#"{"for": "1h"} (or {"for": null} to unmute)"#)?;
    let until = match request.hold {
        None => None,
        Some(text) => Some(mute_for::until(&text, now_ms().max(0) as u64).map_err(AppError::BadRequest)?),
    };
    set_mute(&state, &name, until).await
}

/// Unmutes a rule.
pub async fn unmute(State(state): State<AppState>, Path(name): Path<String>) -> Result<Json<MuteResponse>, AppError> {
    set_mute(&state, &name, None).await
}

/// Queues a signed `alert.test` to a webhook: 202 with its message id.
pub async fn test(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, AppError> {
    let id = store(&state)?.test(&name).map_err(refused)?;
    tracing::info!(webhook = %shown(&name), id, "test notification queued");
    Ok((StatusCode::ACCEPTED, Json(TestQueued { id, webhook: name })).into_response())
}

async fn set_mute(state: &AppState, name: &str, until: Option<u64>) -> Result<Json<MuteResponse>, AppError> {
    store(state)?.mute(name, until).await.map_err(refused)?;
    match until {
        Some(until) => tracing::info!(rule = %shown(name), until, "alert rule muted"),
        None => tracing::info!(rule = %shown(name), "alert rule unmuted"),
    }
    Ok(Json(MuteResponse { rule: name.to_owned(), muted_until: until.map(|until| until.min(i64::MAX as u64) as i64) }))
}

/// The store, or a 409 while alerts are off.
fn store(state: &AppState) -> Result<&RulesStore, AppError> {
    state.alerts.store().map(|store| store.as_ref()).ok_or_else(|| {
        AppError::Conflict(
            "alerts are off: start the hub with --alerts FILE (a file of [[webhook]]s only, or none yet, will do)"
                .to_owned(),
        )
    })
}

/// Rule `name` as listed now.
fn listed(store: &RulesStore, name: &str) -> Result<pulse_protocol::alerts::RuleInfo, AppError> {
    let set = store.current();
    match set.rule(name) {
        Some(rule) => Ok(view::info(rule, &set, now_ms().max(0) as u64)),
        None => Err(AppError::Internal("the rule was kept but is not in force; the hub's log says why")),
    }
}

fn refused(error: StoreError) -> AppError {
    match error {
        StoreError::Invalid { .. } => AppError::BadRequest(error.to_string()),
        StoreError::Refused(Refusal::NotFound(_)) | StoreError::NoWebhook(_) => AppError::Missing(error.to_string()),
        StoreError::Refused(_) => AppError::Conflict(error.to_string()),
        StoreError::Redis(detail) => {
            tracing::warn!("alert rules not changed: {detail}");
            AppError::Unavailable {
                reason: "redis is unavailable: with --redis the fleet's alert rules and mutes are kept there, and nothing was changed",
                retry_after: 1,
            }
        }
        StoreError::Db(error) => {
            tracing::error!("{error}");
            AppError::Internal("the alerts file failed; the hub's log says why")
        }
    }
}
