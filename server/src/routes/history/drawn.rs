//! `GET /api/v1/history?…&from=MS&to=MS&width=PIXELS`: the window drawn at the
//! chart's resolution, a minimum and maximum per pixel column and series, from
//! the finest store tier that holds it (see `HistoryResponse` for the rows).

use std::collections::BTreeMap;

use axum::Json;
use pulse_protocol::{HistoryResponse, HistorySeries};

use super::{ordered, wanted_series};
use crate::error::AppError;
use crate::hub::now_ms;
use crate::persist::picture::Window;
use crate::routes::params::{bad, shown, Params};
use crate::state::AppState;

/// The widest chart drawn (more columns than any screen has).
const MAX_WIDTH: usize = 8_192;
/// The longest window drawn (ten years, the protocol's: the page holds to it too).
const MAX_WINDOW_MS: i64 = pulse_protocol::MAX_DRAWN_WINDOW_MS;
/// How far back memory is read for frames the store may not have yet.
const UNWRITTEN_MS: i64 = 10_000;

/// Answers a `width=` history request.
pub async fn handler(state: AppState, params: Params) -> Result<Json<HistoryResponse>, AppError> {
    let width = parse_width(params.get("width").unwrap_or_default())?;
    let from =
        params.from_ms()?.ok_or_else(|| bad("width= needs from=: the window's start, ms since the Unix epoch"))?;
    let now = now_ms();
    let to = params.to_ms()?.unwrap_or(now);
    ordered(from, to)?;
    within_reach(from, to)?;
    let host_id = params.get("host");
    let (id, hub) = state.fleet.host_and_hub(host_id)?;
    let catalog = hub.catalog();
    let (memory, _) = hub.frames_since_time(Some(from.max(now - UNWRITTEN_MS)));
    let series = wanted_series(&catalog, params.get("series").filter(|s| !s.is_empty()), &memory)?;
    let memory: Vec<_> = memory.into_iter().filter(|f| f.frame.ts < to).collect();
    let interval_ms = hub.timing().interval.as_millis() as i64;
    let persist = state.persist.clone();
    let stored = hub.keeps();
    let answer = tokio::task::spawn_blocking(move || {
        let window = Window { host: &id, series: &series, from, to, width, interval_ms, now };
        persist.picture(&window, &memory, stored).map(|answer| (answer, series))
    })
    .await
    .map_err(|_| AppError::Internal("the history query stopped"))?;
    let (answer, series) = answer.map_err(|error| {
        tracing::error!("history store: a query failed: {error}");
        AppError::Internal("the history store could not be read")
    })?;
    let columns: BTreeMap<String, HistorySeries> = series
        .into_iter()
        .zip(answer.drawn.values)
        .map(|(id, values)| {
            let host = catalog.get(&id).map_or_else(|| hub.host().to_owned(), |info| info.host.clone());
            (id, HistorySeries { host, values })
        })
        .collect();
    Ok(Json(HistoryResponse {
        epoch: hub.epoch().clone(),
        first_seq: 0,
        last_seq: 0,
        ts: answer.drawn.ts,
        series: columns,
        tier: Some(answer.tier.to_owned()),
        step_ms: Some(answer.step_ms),
    }))
}

/// A 400 naming `from=` when the window is longer than [`MAX_WINDOW_MS`].
fn within_reach(from: i64, to: i64) -> Result<(), AppError> {
    if to - from > MAX_WINDOW_MS {
        return Err(bad(format!(
            "from ({from}) is more than ten years before to ({to}): a drawn window spans at most {MAX_WINDOW_MS} ms"
        )));
    }
    Ok(())
}

fn parse_width(text: &str) -> Result<usize, AppError> {
    text.parse::<usize>()
        .ok()
        .filter(|w| (1..=MAX_WIDTH).contains(w))
        .ok_or_else(|| bad(format!("width must be a number of pixels from 1 to {MAX_WIDTH}, got {}", shown(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_pixel_counts_within_reason() {
        assert_eq!(parse_width("1000").ok(), Some(1_000));
        for bad in ["0", "-1", "8193", "wide", ""] {
            let error = parse_width(bad).unwrap_err();
            assert!(error.to_string().contains("width must be"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_window_spans_at_most_ten_years() {
        let now = 1_796_600_000_000;
        assert!(within_reach(now - 5 * 365 * 86_400_000, now).is_ok(), "five years: the coarsest tier's");
        assert!(within_reach(now - MAX_WINDOW_MS, now).is_ok());
        let error = within_reach(now - MAX_WINDOW_MS - 1, now).expect_err("too long").to_string();
        assert!(error.starts_with("from ("), "names from=: {error}");
        assert!(within_reach(0, crate::routes::params::MAX_MS).is_err());
    }
}
