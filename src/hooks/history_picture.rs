//! `use_history_picture`: one chart's history overlay, a picture of its window
//! fetched at its width (`GET /api/v1/history?…&width=`), kept apart from the
//! page's rings and bounded like them.
//!
//! Which window needs a fetch is `crate::history::plan`'s pure rule; this hook only
//! times it: a change waits [`DEBOUNCE_MS`] (a drag, a resize or clicks through
//! the ranges make one request, not ten), every request gets a fresh generation,
//! and an answer for an older generation is dropped (the chart shows another
//! window by then). While the window follows the live edge, the page's own
//! samples newer than the picture are appended to it, so the right edge stays live
//! between fetches. A chart that draws a host's series under other ids (the
//! compare view, which draws them as the fleet summary's column) gives a
//! [`Reshape`] that turns each answer into its own rows.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::charts::Window;
use crate::history::plan::{should_fetch, MAX_SLIDE_MS};
use crate::history::{tier, Query};
use crate::store::SeriesStore;
use crate::transport::{fetch_picture, ServerUrl};
use pulse_protocol::HistoryResponse;

/// How long a wanted window must stay put before it is fetched, in ms.
pub const DEBOUNCE_MS: u32 = 250;

/// Live rows a picture has room for beyond its own: the most that arrive (at
/// 1 Hz) before a sliding picture is fetched again, twice over.
const TAIL_ROWS: usize = 2 * (MAX_SLIDE_MS / 1_000) as usize;

/// Records kept in `window.__pulse.history`.
const PROBE_RECORDS: u32 = 200;

/// The server history pictures come from, known once the page's configuration is
/// loaded (built by [`crate::hooks::use_live_metrics`]).
#[derive(Clone, Copy)]
pub struct HistoryClient {
    server: Signal<Option<ServerUrl>>,
}

impl HistoryClient {
    /// Pictures from `server`, once it is known.
    pub fn new(server: Signal<Option<ServerUrl>>) -> Self {
        HistoryClient { server }
    }

    /// The server, once known (the alerts page's history asks it too).
    pub fn server(&self) -> Signal<Option<ServerUrl>> {
        self.server
    }

    /// No server: pictures are never fetched (browser tests of the page).
    pub fn none() -> Self {
        HistoryClient { server: Signal::stored(None) }
    }
}

/// What a chart's history picture is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum PictureState {
    /// The chart draws the page's rings.
    Off,
    /// A picture is on its way (any earlier one is still drawn).
    Loading,
    /// A picture is drawn; its resolution in words (see `history::tier`).
    Shown(&'static str),
    /// The last fetch failed: why, in words.
    Failed(String),
}

/// How a chart draws a fetched picture under its own series ids.
#[derive(Clone)]
pub struct Reshape {
    /// The host whose rows the reshaped picture holds (and whose live rows join it).
    pub host: String,
    /// Turns an answer into those rows.
    pub apply: Callback<HistoryResponse, HistoryResponse>,
}

/// What one chart's picture depends on.
pub struct PictureInputs {
    /// Where pictures come from.
    pub client: HistoryClient,
    /// The page's rings, whose newer samples join a live picture's right edge.
    pub live: Signal<SeriesStore>,
    /// The host drawn.
    pub host: Signal<String>,
    /// The series drawn (hidden ones left out).
    pub series: Signal<Vec<String>>,
    /// The window on screen.
    pub window: Signal<Window>,
    /// The plot's width in CSS pixels: the picture's columns.
    pub plot_width: Signal<f64>,
    /// Whether the chart draws a picture at all (see `history::plan::uses_history`).
    pub active: Signal<bool>,
    /// Whether the window follows the live edge (it slides with time).
    pub follows_now: Signal<bool>,
    /// The chart's name in `window.__pulse.history`.
    pub chart: String,
    /// Draws the answers under other ids (`None`: as they come).
    pub reshape: Option<Reshape>,
}

/// A chart's picture as signals.
#[derive(Clone, Copy)]
pub struct Picture {
    /// The overlay store: the picture, as one host's rows.
    pub store: Signal<SeriesStore>,
    /// What it is doing.
    pub state: Signal<PictureState>,
    /// Whether the chart draws it instead of the rings.
    pub active: Signal<bool>,
    /// Fetches the wanted window again (after a failure).
    pub retry: Callback<()>,
}

/// Keeps one chart's history picture current; see the module's documentation.
pub fn use_history_picture(inputs: PictureInputs) -> Picture {
    let PictureInputs { client, live, host, series, window, plot_width, active, follows_now, chart, reshape } = inputs;
    let store = RwSignal::new(SeriesStore::default());
    let state = RwSignal::new(PictureState::Off);
    let retries = RwSignal::new(0u32);
    // The query asked for last (shown or on its way), and its generation.
    let asked: StoredValue<Option<Query>> = StoredValue::new(None);
    let generation = StoredValue::new(0u64);
    let pending: StoredValue<Option<Timeout>, LocalStorage> = StoredValue::new_local(None);
    let shown_host = reshape.as_ref().map(|r| r.host.clone());

    let want = Memo::new(move |_| {
        if !active.get() || client.server.with(Option::is_none) {
            return None;
        }
        let follows = follows_now.get();
        let query = host.with(|h| Query::new(h, series.get(), window.get(), plot_width.get(), follows))?;
        Some((query, follows))
    });

    Effect::new(move |_| {
        retries.track();
        let Some((query, follows)) = want.get() else {
            // Off: forget the picture (its memory) and any answer on its way.
            generation.update_value(|g| *g += 1);
            pending.set_value(None);
            asked.set_value(None);
            store.set(SeriesStore::default());
            state.set(PictureState::Off);
            return;
        };
        if !should_fetch(asked.get_value().as_ref(), &query, follows) {
            return;
        }
        asked.set_value(Some(query.clone()));
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if !matches!(state.get_untracked(), PictureState::Shown(_)) {
            state.set(PictureState::Loading);
        }
        let chart = chart.clone();
        let reshape = reshape.clone();
        // Replacing the timeout drops (cancels) the one before: only the window the
        // user settled on is fetched.
        pending.set_value(Some(Timeout::new(DEBOUNCE_MS, move || {
            let Some(server) = client.server.get_untracked() else { return };
            spawn_local(async move {
                let result = fetch_picture(&server, &query.path()).await;
                let current = generation.try_get_value() == Some(mine);
                record(&chart, &query, &result, current);
                if !current {
                    return;
                }
                match result {
                    Ok(history) => {
                        let (shown, history) = match reshape {
                            Some(Reshape { host, apply }) => (host, apply.run(history)),
                            None => (query.host.clone(), history),
                        };
                        let mut picture = SeriesStore::picture(&history, &shown, TAIL_ROWS);
                        if follows {
                            live.with_untracked(|l| picture.append_from(l, &shown, query.to as f64));
                        }
                        store.try_set(picture);
                        state.try_set(PictureState::Shown(tier::label(history.tier.as_deref())));
                    }
                    Err(error) => {
                        state.try_set(PictureState::Failed(error.to_string()));
                    }
                }
            });
        })));
    });

    // New live samples join a picture whose window follows the live edge.
    Effect::new(move |_| {
        live.track();
        if !follows_now.get_untracked() || !matches!(state.get_untracked(), PictureState::Shown(_)) {
            return;
        }
        let Some(query) = asked.get_value() else { return };
        let shown = shown_host.as_deref().unwrap_or(&query.host);
        live.with_untracked(|l| store.maybe_update(|s| s.append_from(l, shown, query.to as f64)));
    });

    on_cleanup(move || {
        generation.update_value(|g| *g += 1);
        pending.set_value(None);
    });

    let retry = Callback::new(move |()| {
        asked.set_value(None);
        retries.update(|r| *r += 1);
    });
    Picture { store: store.into(), state: state.into(), active, retry }
}

/// Notes a picture in `window.__pulse.history` for end-to-end tests.
fn record(chart: &str, query: &Query, result: &Result<HistoryResponse, crate::transport::HttpError>, current: bool) {
    let mut fields = vec![
        ("chart", JsValue::from_str(chart)),
        ("from", JsValue::from_f64(query.from as f64)),
        ("to", JsValue::from_f64(query.to as f64)),
        ("width", JsValue::from_f64(f64::from(query.width))),
        ("step", JsValue::from_f64(query.step as f64)),
    ];
    let outcome = match (result, current) {
        (_, false) => "dropped",
        (Ok(history), true) => {
            fields.push(("tier", history.tier.as_deref().map_or(JsValue::NULL, JsValue::from_str)));
            fields.push(("stepMs", history.step_ms.map_or(JsValue::NULL, JsValue::from_f64)));
            fields.push(("rows", JsValue::from_f64(history.ts.len() as f64)));
            "shown"
        }
        (Err(error), true) => {
            fields.push(("error", JsValue::from_str(&error.to_string())));
            "failed"
        }
    };
    fields.push(("outcome", JsValue::from_str(outcome)));
    crate::probe::push_record("history", &fields, PROBE_RECORDS);
}
