//! `/api/v1/users` (admins): list, add, remove (their sessions end; never the last
//! admin).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use pulse_protocol::access::{NewUser, UsersResponse};

use super::body;
use crate::error::AppError;
use crate::state::AppState;

/// `{"users":[…]}`.
pub async fn list(State(state): State<AppState>) -> Result<Json<UsersResponse>, AppError> {
    Ok(Json(UsersResponse { users: state.access.users()? }))
}

/// Adds a user: 201 with them; 409 if the name is taken.
pub async fn add(State(state): State<AppState>, bytes: Bytes) -> Result<Response, AppError> {
    let NewUser { name, role, password } =
        body::json(&bytes, r#"{"name": "…", "role": "admin"|"viewer", "password": "…"}"#)?;
    let user = state.access.add_user(&name, role, &password).await?;
    // With `--redis`, answered once every hub can read the user (a sign-in on
    // another hub reads the fleet's copy first).
    state.access.reach_fleet().await;
    tracing::info!(user = %crate::quote::shown(&name), "user added");
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// Removes a user: 204; 404 if unknown; 409 for the last admin.
pub async fn remove(State(state): State<AppState>, Path(name): Path<String>) -> Result<StatusCode, AppError> {
    state.access.remove_user(&name)?;
    state.access.reach_fleet().await;
    tracing::info!(user = %crate::quote::shown(&name), "user removed");
    Ok(StatusCode::NO_CONTENT)
}
