//! `GET /api/v1/history?series=a,b&from=MS`: backfill as columns aligned on `ts`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use pulse_protocol::{HistoryResponse, HistorySeries};

use super::params::{bad, shown, Params};
use crate::error::AppError;
use crate::state::AppState;

/// Answers a history request.
pub async fn handler(State(state): State<AppState>, params: Params) -> Result<Json<HistoryResponse>, AppError> {
    let from = params.from_ms()?;
    let hub = state.hub_for(params.get("host"))?;
    let catalog = hub.catalog();
    let wanted: Vec<&pulse_protocol::SeriesInfo> = match params.get("series").filter(|s| !s.is_empty()) {
        None => catalog.series.iter().collect(),
        Some(list) => list
            .split(',')
            .map(|id| {
                catalog
                    .get(id)
                    .ok_or_else(|| bad(format!("unknown series {}; GET /api/v1/series lists them", shown(id))))
            })
            .collect::<Result<_, _>>()?,
    };
    let (rows, newest) = hub.frames_since_time(from);
    let mut series: BTreeMap<String, HistorySeries> = wanted
        .iter()
        .map(|info| {
            (info.id.clone(), HistorySeries { host: info.host.clone(), values: Vec::with_capacity(rows.len()) })
        })
        .collect();
    for row in &rows {
        for (id, column) in series.iter_mut() {
            column.values.push(row.frame.values.get(id).copied());
        }
    }
    let response = HistoryResponse {
        epoch: hub.epoch().clone(),
        first_seq: rows.first().map_or(newest + 1, |f| f.frame.seq),
        last_seq: rows.last().map_or(newest, |f| f.frame.seq),
        ts: rows.iter().map(|f| f.frame.ts).collect(),
        series,
    };
    Ok(Json(response))
}
