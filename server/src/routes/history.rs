//! `GET /api/v1/history?series=a,b&from=MS[&to=MS]`: backfill as columns aligned
//! on `ts`, from memory and, older than memory holds, from the store; with
//! `width=`, a window drawn at a chart's resolution (`drawn`).

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::Json;
use pulse_protocol::fleet::{series_id, split_series_id};
use pulse_protocol::{Catalog, Frame, HistoryResponse, HistorySeries};

mod drawn;

use super::params::{bad, shown, Params};
use crate::error::AppError;
use crate::state::AppState;

/// The most values one answer holds (rows × series): a fleet summary of 10,000
/// hosts over its whole minute would be 4.8 million, tens of MB of JSON built for
/// one request. An answer for everything is cut to its newest rows instead.
const MAX_VALUES: usize = 1_000_000;

/// Answers a history request.
pub async fn handler(State(state): State<AppState>, params: Params) -> Result<Json<HistoryResponse>, AppError> {
    if params.get("width").is_some() {
        return drawn::handler(state, params).await;
    }
    let from = params.from_ms()?;
    let to = params.to_ms()?;
    if let (Some(from), Some(to)) = (from, to) {
        ordered(from, to)?;
    }
    let (id, hub) = state.fleet.host_and_hub(params.get("host"))?;
    let catalog = hub.catalog();
    let (mut memory, newest) = hub.frames_since_time(from);
    if let Some(to) = to {
        memory.retain(|f| f.frame.ts < to);
    }
    let named = params.get("series").filter(|s| !s.is_empty());
    let wanted = wanted_series(&catalog, named, &memory)?;
    let fit = MAX_VALUES / wanted.len().max(1);
    // Older than memory holds: from the store, in this epoch, joining memory's rows
    // without a hole (at most a million values: more is a 400 or cut, as below).
    let older = match from {
        Some(from) if hub.keeps() => {
            let end = memory.first().map_or(to.unwrap_or(i64::MAX), |f| f.frame.ts);
            let before_seq = memory.first().map(|f| f.frame.seq);
            let persist = state.persist.clone();
            let epoch = hub.epoch().clone();
            tokio::task::spawn_blocking(move || persist.frames(&id, &epoch, from, end, before_seq, fit + 1))
                .await
                .map_err(|_| AppError::Internal("the history query stopped"))?
        }
        _ => Vec::new(),
    };
    let mut rows: Vec<&Frame> = older.iter().chain(memory.iter().map(|f| &f.frame)).collect();
    if named.is_none() {
        // Asked for everything: the newest rows that fit (a large fleet's summary
        // would not fit whole), so a page's backfill always gets its recent past.
        rows.drain(..rows.len().saturating_sub(fit));
    }
    within_bounds(rows.len(), wanted.len())?;
    let mut series: BTreeMap<String, HistorySeries> = wanted
        .into_iter()
        .map(|id| {
            let host = catalog.get(&id).map_or_else(|| hub.host().to_owned(), |info| info.host.clone());
            (id, HistorySeries { host, values: Vec::with_capacity(rows.len()) })
        })
        .collect();
    for row in &rows {
        for (id, column) in series.iter_mut() {
            column.values.push(row.values.get(id).copied());
        }
    }
    let response = HistoryResponse {
        tier: None,
        step_ms: None,
        epoch: hub.epoch().clone(),
        first_seq: rows.first().map_or(newest + 1, |f| f.seq),
        last_seq: rows.last().map_or(newest, |f| f.seq),
        ts: rows.iter().map(|f| f.ts).collect(),
        series,
    };
    Ok(Json(response))
}

/// The series asked for (`series=`), each checked against the catalogue, or
/// every series of the catalogue; for the fleet summary, whose catalogue lists
/// patterns such as `*/cpu`, every series its newest frame carries.
pub(crate) fn wanted_series(
    catalog: &Catalog,
    named: Option<&str>,
    rows: &[std::sync::Arc<crate::history::SharedFrame>],
) -> Result<Vec<String>, AppError> {
    match named {
        None => {
            let mut ids: BTreeSet<&str> = catalog.series.iter().map(|s| s.id.as_str()).collect();
            if catalog.series.iter().any(|s| s.id.starts_with("*/")) {
                ids.extend(rows.last().into_iter().flat_map(|row| row.frame.values.keys().map(String::as_str)));
            }
            Ok(ids.into_iter().filter(|id| describes(catalog, id)).map(str::to_owned).collect())
        }
        Some(list) => list
            .split(',')
            .map(|id| {
                describes(catalog, id)
                    .then(|| id.to_owned())
                    .ok_or_else(|| bad(format!("unknown series {}; GET /api/v1/series lists them", shown(id))))
            })
            .collect(),
    }
}

/// Refuses a window whose end is not after its start.
fn ordered(from: i64, to: i64) -> Result<(), AppError> {
    if to <= from {
        return Err(bad(format!("to ({to}) must be after from ({from})")));
    }
    Ok(())
}

/// Refuses an answer of more than [`MAX_VALUES`] values, saying how to ask for less.
fn within_bounds(rows: usize, series: usize) -> Result<(), AppError> {
    let values = rows.saturating_mul(series);
    if values > MAX_VALUES {
        return Err(bad(format!(
            "the answer would hold {values} values (at most {MAX_VALUES}): name fewer series with series= or a later from="
        )));
    }
    Ok(())
}

/// Whether the catalogue describes series `id`: by name, or as a host's summary
/// series (`web-1/cpu` by the pattern `*/cpu`).
fn describes(catalog: &Catalog, id: &str) -> bool {
    catalog.get(id).is_some()
        || split_series_id(id).is_some_and(|(_, metric)| catalog.get(&series_id("*", metric)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_bounded_and_the_refusal_says_how_to_ask_for_less() {
        assert!(within_bounds(3_600, 40).is_ok(), "an hour of one host");
        assert!(within_bounds(60, 9 * 1_000).is_ok(), "a minute of a 1,000-host summary");
        let refused = within_bounds(60, 9 * 10_000).expect_err("a minute of 10,000 hosts, named one by one");
        assert!(refused.to_string().contains("series="), "{refused}");
    }

    #[test]
    fn summary_series_are_described_by_their_pattern() {
        let catalog = crate::fleet::summary::catalog();
        assert!(describes(&catalog, "web-1/cpu"));
        assert!(!describes(&catalog, "web-1/nope"));
        assert!(!describes(&catalog, "cpu.total"));
    }
}
