//! A dashboard panel: heading, live chart, and a legend with live statistics.
//!
//! Given a history [`Picture`], the chart, legend and tooltip read it instead of
//! the rings while it is active; the heading then names its resolution, and a
//! failed fetch covers the chart with the reason and a retry button.

use leptos::prelude::*;

use super::chart_surface::ChartSurface;
use super::{ChartView, Legend};
use crate::charts::{ChartSpec, Line, Source};
use crate::format;
use crate::hooks::{Picture, PictureState};
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
    /// A history picture drawn instead of `store` while active.
    #[prop(optional)]
    picture: Option<Picture>,
    /// The canvas's CSS size (the panel makes one when not given).
    #[prop(optional)]
    size: Option<RwSignal<(f64, f64)>>,
    /// A word on the heading that the data is not live (a down host's "down · last
    /// seen 14:05:30"); the panel is dimmed while there is one.
    #[prop(optional, into)]
    note: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let unit = spec.unit;
    let source = match picture {
        Some(p) => Source::with_picture(store, p.store, p.active),
        None => Source::live(store),
    };
    let size = size.unwrap_or_else(|| RwSignal::new((0.0, 0.0)));
    let visible = Memo::new(move |_| {
        view.hidden.with(|hidden| lines.get().into_iter().filter(|l| !hidden.contains(&l.id)).collect::<Vec<_>>())
    });
    let stats = Memo::new(move |_| {
        let window = view.window.get();
        let ids: Vec<String> = lines.with(|lines| lines.iter().map(|l| l.id.clone()).collect());
        source.with(|store| {
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
            class:stale=move || view.stale.get() || note.is_some_and(|n| n.with(Option::is_some))
            data-testid=format!("panel-{slug}")
            aria-labelledby=heading_id.clone()
        >
            <h2 id=heading_id.clone()>
                {title}
                {picture.map(|p| resolution(p, &slug))}
                {note.map(|n| move || n.get().map(|text| view! { <span class="tier panel-note">{text}</span> }))}
            </h2>
            <div class="chart-frame">
            <ChartSurface
                store=source
                host=host
                lines=visible
                spec=spec
                view=view
                label=Signal::derive(description)
                test_id=format!("chart-{slug}")
                size=size
            />
            {picture.map(|p| failure(p, &slug))}
            </div>
            <Legend lines=lines stats=stats unit=unit view=view />
        </section>
    }
}

/// The picture's resolution, small and muted beside the heading ("1-min rollups").
fn resolution(picture: Picture, slug: &str) -> impl IntoView {
    let text = Signal::derive(move || match picture.state.get() {
        PictureState::Shown(tier) => tier.to_owned(),
        PictureState::Loading => "loading…".to_owned(),
        PictureState::Off | PictureState::Failed(_) => String::new(),
    });
    view! { <span class="tier" data-testid=format!("tier-{slug}")>{text}</span> }
}

/// Over the chart when its picture could not be fetched: the reason and a retry.
fn failure(picture: Picture, slug: &str) -> impl IntoView {
    let test_id = format!("chart-error-{slug}");
    move || match picture.state.get() {
        PictureState::Failed(reason) => Some(view! {
            <div class="chart-error" role="alert" data-testid=test_id.clone()>
                <p>"History could not be loaded: " {reason}</p>
                <button type="button" class="tool" on:click=move |_| picture.retry.run(())>"Retry"</button>
            </div>
        }),
        _ => None,
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
