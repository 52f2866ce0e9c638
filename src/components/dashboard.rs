//! The dashboard: a host header and a grid of panels built from the catalogue.

use leptos::prelude::*;
use pulse_protocol::{Catalog, Unit};

use super::{ChartPanel, ChartView, TopProcesses, PANELS};
use crate::format;
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
    let uptime = move || {
        store
            .with(|s| host.with(|h| s.host(h).and_then(|series| series.latest("uptime"))))
            .map(|secs| format!("up {}", format::value(Unit::Seconds, secs)))
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
            <h1 class="host-name">{host}</h1>
            <span class="uptime" data-testid="uptime">{Signal::derive(move || uptime().unwrap_or_default())}</span>
        </div>
        <div class="grid">
            {panels}
            <TopProcesses store=store host=host />
        </div>
    }
}
