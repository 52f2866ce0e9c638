//! The dashboard: a host header and a grid of panels built from the catalogue.

use leptos::prelude::*;
use pulse_protocol::{Catalog, Unit};

use super::text_cells::TextCells;
use super::{ChartPanel, ChartView, TopProcesses, PANELS};
use crate::format;
use crate::paint::text::{Align, CellLayout, Column, Row, Tone, Width};
use crate::store::SeriesStore;

/// Every panel the catalogue has series for, plus the host header and the
/// top-processes table. Panels without series are left out.
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
) -> impl IntoView {
    let host = Memo::new(move |_| catalog.with(|c| c.series.first().map(|s| s.host.clone()).unwrap_or_default()));
    // Changes once a minute; drawn on a canvas all the same, so no update lays out.
    let uptime = Memo::new(move |_| {
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
    let panels = PANELS
        .iter()
        .map(|def| {
            let lines = Memo::new(move |_| catalog.with(|c| host.with(|h| def.lines(c, h))));
            view! {
                <Show when=move || lines.with(|l| !l.is_empty())>
                    <ChartPanel
                        title=def.title
                        slug=def.key
                        store=store
                        host=host
                        lines=lines
                        spec=def.spec()
                        view=view
                    />
                </Show>
            }
        })
        .collect_view();
    view! {
        <div class="host-header" data-testid="host-header">
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
        </div>
        <div class="grid">
            {panels}
            <TopProcesses store=store host=host theme=view.theme />
        </div>
    }
}
