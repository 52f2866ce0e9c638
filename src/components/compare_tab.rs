//! The fleet page's Compare tab, loaded when first opened (`crate::split`): one
//! metric across hosts draws with the dashboard's charts, which the hosts table
//! does not need, so the fleet overview opens without them.

use leptos::prelude::*;
use pulse_protocol::fleet::Metric;

use super::compare::{Compare, CompareMode};
use super::{ChartView, HistoryView};
use crate::fleet::{HostRow, Item};
use crate::split::{load, show, Unloaded};
use crate::store::SeriesStore;

/// What the Compare tab takes (its props, as one value to hand across).
#[derive(Clone, Copy)]
pub struct CompareParts {
    /// The compared metric.
    pub metric: RwSignal<Metric>,
    /// Small multiples or the top N.
    pub mode: RwSignal<CompareMode>,
    /// Every host's row.
    pub rows: Memo<Vec<HostRow>>,
    /// The rows filtered, grouped and sorted.
    pub items: Memo<Vec<Item>>,
    /// The samples (the `@fleet` summary).
    pub store: Signal<SeriesStore>,
    /// Signals shared by every chart.
    pub view: ChartView,
    /// History pictures.
    pub history: HistoryView,
}

/// Starts fetching the Compare tab's code (an address that opens on it).
pub fn fetch_compare_early() {
    #[cfg(pulse_split)]
    crate::split::spawn_preload(preload_compare());
}

/// The Compare tab, once its code is here.
pub fn compare_tab(parts: CompareParts) -> AnyView {
    show(move || async move { load!(compare_body(parts)) })
}

#[cfg_attr(
    pulse_split,
    leptos::wasm_split::wasm_split(compare, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_compare))
)]
fn compare_body(parts: CompareParts) -> Result<AnyView, Unloaded> {
    let CompareParts { metric, mode, rows, items, store, view, history } = parts;
    Ok(view! {
        <Compare metric=metric mode=mode rows=rows items=items store=store view=view history=history />
    }
    .into_any())
}
