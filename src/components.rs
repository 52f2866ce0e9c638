//! Presentational components: they take signals and callbacks, never transports.
//!
//! [`ChartView`] bundles the signals every chart shares (time window, theme, synced
//! crosshair, hidden series, zoom), so a panel gets one prop instead of seven.
//!
//! Dynamic text and attributes are signals (`Signal::derive(..)`, or the signal
//! itself), not bare closures: each closure type compiles its own rendering code
//! into the wasm, while every `Signal<String>` shares one (about 160 B of gzipped
//! download per closure).

mod account;
mod admin;
mod alerts_count;
mod alerts_page;
mod chart_panel;
mod chart_surface;
mod compare;
mod compare_tab;
pub use compare_tab::fetch_compare_early;
mod connection_badge;
mod custom_range;
mod dashboard;
mod fleet_table;
mod fleet_view;
mod host_quiet;
mod hub_notice;
mod legend;
mod log_drawer;
mod panels;
mod remove_host;
mod segmented;
mod sign_in;
mod states;
mod text_cells;
mod toolbar;
mod top_processes;

pub use account::{AccountMenu, ShareBanner};
pub use admin::AdminPage;
pub use alerts_count::AlertsCount;
pub use alerts_page::AlertsPage;
pub use chart_panel::ChartPanel;
pub use compare::CompareMode;
pub use connection_badge::ConnectionBadge;
pub use dashboard::Dashboard;
pub use fleet_view::{FleetState, FleetTab, FleetView};
pub use host_quiet::HostQuiet;
pub use hub_notice::HubNotice;
pub use legend::Legend;
pub use log_drawer::LogDrawer;
pub use panels::{panels, Panel, PanelDef, Split, PANELS};
pub use remove_host::{RemoveHostButton, RemoveHostError};
pub use sign_in::{RevokedPage, SignInPage};
pub use states::StatusBanner;
pub use text_cells::TextCells;
pub use toolbar::{RangePicker, Toolbar};
pub use top_processes::TopProcesses;

use leptos::prelude::*;

use crate::charts::theme::Theme;
use crate::charts::Window;

/// Signals shared by every chart on the page.
#[derive(Clone, Copy)]
pub struct ChartView {
    /// The time span on screen (follows the newest sample unless paused or zoomed).
    pub window: Signal<Window>,
    /// Colours.
    pub theme: Signal<Theme>,
    /// The time under the pointer in any chart: every chart draws its crosshair there.
    pub hover: RwSignal<Option<f64>>,
    /// Ids of the series the user hid from the legends.
    pub hidden: RwSignal<Vec<String>>,
    /// A window chosen by dragging across a chart; `None` follows the live edge.
    pub zoom: RwSignal<Option<Window>>,
    /// True while the data is not live (disconnected): charts are dimmed.
    pub stale: Signal<bool>,
    /// True while the window is fixed (paused or zoomed): new samples do not repaint.
    pub frozen: Signal<bool>,
    /// The alerts the charts mark (a threshold line, the firing time shaded): the
    /// shown host's on its page, none elsewhere.
    pub alerts: Signal<Vec<pulse_protocol::alerts::LiveAlert>>,
}

/// What the dashboard's charts need to draw history pictures (see
/// `crate::hooks::use_history_picture`).
#[derive(Clone, Copy)]
pub struct HistoryView {
    /// Where pictures come from.
    pub client: crate::hooks::HistoryClient,
    /// Whether charts draw pictures instead of the rings (`history::plan::uses_history`).
    pub active: Signal<bool>,
    /// Whether the window follows the live edge.
    pub follows_now: Signal<bool>,
}

impl ChartView {
    /// Shows or hides a series everywhere.
    pub fn toggle_series(&self, id: &str) {
        self.hidden.update(|hidden| {
            if let Some(at) = hidden.iter().position(|h| h == id) {
                hidden.remove(at);
            } else {
                hidden.push(id.to_owned());
            }
        });
    }
}
