//! `GET /healthz`: liveness for scripts and load balancers.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::state::AppState;

/// `{"status":"ok","epoch":…,"seq":…,"connections":…,"catalog_revision":…}`, and
/// with `--redis`, `"redis":{"status":"ok"}` or `{"status":"down","error":…}`, and
/// with `--alerts` too, `"alerts"` in it: `"owner"` when this hub holds the alerts
/// lease, else `"follower"` (or `"alone"` while Redis is silent); and `"seals"`:
/// the hours this hub `sealed`, `adopted` from the hub that holds their host's
/// claim, and `published` for the others; and `"access"`: the shared sign-in's
/// `rounds`, `applied` (rounds that wrote what other hubs changed into the access file),
/// `malformed` (records of the fleet's copy skipped), `users` and `admins`
/// (whether the fleet has them, as last read; `admins` false with users: nobody
/// can manage users any more).
pub async fn handler(State(state): State<AppState>) -> Json<Value> {
    let mut health = json!({
        "status": "ok",
        "epoch": state.hub.epoch(),
        "seq": state.hub.newest_seq(),
        "connections": state.connections.load(Ordering::Relaxed),
        "catalog_revision": state.hub.catalog_revision(),
    });
    if let (Some(redis), Some(fields)) = (&state.redis, health.as_object_mut()) {
        let mut shared = redis.health();
        if let Some(shared) = shared.as_object_mut() {
            shared.insert("seals".into(), state.persist.seal_counts());
            if let Some(mirror) = state.access.mirror() {
                shared.insert("access".into(), mirror.health());
            }
        }
        fields.insert("redis".into(), shared);
    }
    Json(health)
}
