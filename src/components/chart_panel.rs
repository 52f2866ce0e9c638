//! A dashboard panel: heading, live chart, and a legend with live statistics.

use leptos::prelude::*;

use super::chart_surface::ChartSurface;
use super::{ChartView, Legend};
use crate::charts::{ChartSpec, Line};
use crate::format;
use crate::store::{SeriesStats, SeriesStore};

/// One chart with its title and legend. Clicking a legend entry hides its series.
#[component]
pub fn ChartPanel(
    /// The heading.
    #[prop(into)]
    title: String,
    /// Short key: the panel gets `data-testid="panel-{slug}"`, its canvas `chart-{slug}`.
    #[prop(into)]
    slug: String,
    /// Every host's samples.
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// The host to show.
    #[prop(into)]
    host: Signal<String>,
    /// Every line of the panel, hidden or not.
    #[prop(into)]
    lines: Signal<Vec<Line>>,
    /// Scale and marks.
    spec: ChartSpec,
    /// Signals shared by every chart.
    view: ChartView,
) -> impl IntoView {
    let unit = spec.unit;
    let visible = Memo::new(move |_| {
        view.hidden.with(|hidden| lines.get().into_iter().filter(|l| !hidden.contains(&l.id)).collect::<Vec<_>>())
    });
    let stats = Memo::new(move |_| {
        let window = view.window.get();
        let ids: Vec<String> = lines.with(|lines| lines.iter().map(|l| l.id.clone()).collect());
        store.with(|store| {
            host.with(|host| {
                let series = store.host(host);
                ids.iter().map(|id| series.and_then(|s| s.stats(id, window.from, window.to))).collect::<Vec<_>>()
            })
        })
    });
    let description = {
        let title = title.clone();
        move || lines.with(|lines| stats.with(|stats| describe(&title, lines, stats, unit)))
    };
    let heading_id = format!("panel-{slug}-title");
    view! {
        <section
            class="panel"
            class:stale=view.stale
            data-testid=format!("panel-{slug}")
            aria-labelledby=heading_id.clone()
        >
            <h2 id=heading_id.clone()>{title}</h2>
            <ChartSurface
                store=store
                host=host
                lines=visible
                spec=spec
                view=view
                label=Signal::derive(description)
                test_id=format!("chart-{slug}")
            />
            <Legend lines=lines stats=stats unit=unit view=view />
        </section>
    }
}

/// What a screen reader hears for a chart: each series' newest value.
fn describe(title: &str, lines: &[Line], stats: &[Option<SeriesStats>], unit: pulse_protocol::Unit) -> String {
    let values: Vec<String> = lines
        .iter()
        .zip(stats)
        .map(|(line, s)| match s {
            Some(s) => format!("{} {}", line.label, format::value(unit, s.last)),
            None => format!("{} no data", line.label),
        })
        .collect();
    if values.is_empty() {
        format!("{title}: no series")
    } else {
        format!("{title}: {}", values.join(", "))
    }
}
