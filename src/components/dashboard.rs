//! The dashboard: a host header and a grid of panels built from the catalogue.

use leptos::prelude::*;
use pulse_protocol::{Catalog, Unit};

use super::remove_host::{RemoveHostButton, RemoveHostError};
use super::text_cells::TextCells;
use super::{panels, ChartPanel, ChartView, HistoryView, Panel, TopProcesses};
use crate::charts::PlotRect;
use crate::format;
use crate::hooks::{use_history_picture, Picture, PictureInputs};
use crate::host_status::HostNote;
use crate::paint::text::{Align, CellLayout, Column, Row, Tone, Width};
use crate::store::SeriesStore;

/// Every panel the catalogue has series for (see [`panels`]), plus the host header
/// and the top-processes table.
#[component]
pub fn Dashboard(
    /// The series the server streams.
    #[prop(into)]
    catalog: Signal<Catalog>,
    /// Every host's samples.
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// Signals shared by every chart.
    view: ChartView,
    /// How the charts fetch history pictures.
    history: HistoryView,
    /// What the hub's list says of a host that is not up ("down · last seen …"),
    /// shown instead of its last sample's uptime, with the header dimmed.
    #[prop(optional, into)]
    note: Option<Signal<Option<HostNote>>>,
    /// The host's tags (`key=value`), beside its name.
    #[prop(optional, into)]
    tags: Option<Signal<Vec<String>>>,
) -> impl IntoView {
    let note = note.unwrap_or_default();
    let tags = tags.unwrap_or_default();
    let host = Memo::new(move |_| catalog.with(|c| c.series.first().map(|s| s.host.clone()).unwrap_or_default()));
    // Changes once a minute; drawn on a canvas all the same, so no update lays out.
    let uptime = Memo::new(move |_| {
        if let Some(note) = note.get() {
            return note.text();
        }
        store
            .with(|s| host.with(|h| s.host(h).and_then(|series| series.latest("uptime"))))
            .map(|secs| format!("up {}", format::value(Unit::Seconds, secs)))
            .unwrap_or_default()
    });
    let uptime_layout = CellLayout {
        columns: vec![Column { width: Width::Fill, align: Align::Left, tone: Tone::Muted }],
        gap: 0.0,
        padding: 0.0,
        row_height: 22.0,
        rules: false,
        wrap: None,
    };
    // Rebuilt only when the catalogue changes; each panel keeps its state otherwise.
    let panels = Memo::new(move |_| catalog.with(|c| host.with(|h| panels(c, h))));
    view! {
        <div
            class="host-header"
            class:faded=move || note.with(Option::is_some)
            data-testid="host-header"
            data-status=move || note.with(|n| n.as_ref().map_or("up", |n| n.status))
        >
            <h1 class="host-name">{move || host.get()}</h1>
            // The zero-width space gives the box the baseline of its text, which the
            // header aligns with the host name's; the canvas covers the box exactly.
            <span class="uptime">
                "\u{200b}"
                <TextCells
                    rows=Signal::derive(move || vec![Row::new(vec![uptime.get()])])
                    layout=uptime_layout
                    theme=view.theme
                    class="uptime-value"
                    label=uptime
                    test_id="uptime"
                />
            </span>
            <ul class="host-tags" data-testid="host-tags" aria-label="Tags">
                <For each=move || tags.get() key=|tag| tag.clone() let:tag>
                    <li title=tag.clone()>{tag.clone()}</li>
                </For>
            </ul>
            <RemoveHostButton
                id=Signal::derive(move || note.with(|n| n.as_ref().map(|n| n.id.clone()).unwrap_or_default()))
                down=Signal::derive(move || note.with(|n| n.as_ref().is_some_and(|n| n.status == "down")))
            />
        </div>
        <RemoveHostError />
        <div class="grid">
            <For each=move || panels.get() key=|panel| panel.identity() let:panel>
                {
                    let size = RwSignal::new((0.0, 0.0));
                    let picture = picture_for(&panel, store, host.into(), view, history, size);
                    view! {
                        <ChartPanel
                            title=panel.title
                            slug=panel.key
                            store=store
                            host=host
                            lines=panel.lines
                            spec=panel.spec
                            view=view
                            picture=picture
                            size=size
                        />
                    }
                }
            </For>
            <TopProcesses store=store host=host theme=view.theme />
        </div>
    }
}

/// The width of the plot inside a canvas of `size` (CSS pixels): a history
/// picture's columns.
pub fn plot_width(size: RwSignal<(f64, f64)>) -> Signal<f64> {
    Signal::derive(move || {
        let (width, height) = size.get();
        if width < 1.0 {
            0.0
        } else {
            PlotRect::for_size(width, height).width()
        }
    })
}

/// A panel's history picture: every series it draws, hidden ones too (showing a
/// series again needs no fetch), and its ceiling, at its plot's width.
fn picture_for(
    panel: &Panel,
    store: Signal<SeriesStore>,
    host: Signal<String>,
    view: ChartView,
    history: HistoryView,
    size: RwSignal<(f64, f64)>,
) -> Picture {
    let mut series: Vec<String> = panel.lines.iter().map(|l| l.id.clone()).collect();
    series.extend(panel.spec.ceiling.clone());
    use_history_picture(PictureInputs {
        client: history.client,
        live: store,
        host,
        series: Signal::stored(series),
        window: view.window,
        plot_width: plot_width(size),
        active: history.active,
        follows_now: history.follows_now,
        chart: panel.key.clone(),
        reshape: None,
    })
}
