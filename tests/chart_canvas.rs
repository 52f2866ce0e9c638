//! Browser tests of the chart canvas: it paints, repaints on new data, leaves gaps
//! unpainted and follows the theme.

mod common;

use common::*;
use leptos::prelude::*;
use pulse_protocol::Unit;
use pulse_web::charts::theme::Theme;
use pulse_web::charts::{ChartSpec, Line, LineChart, PlotRect, Source, Window};
use pulse_web::store::SeriesStore;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const T0: f64 = 1_700_000_000_000.0;

struct Mounted {
    root: web_sys::HtmlElement,
    store: RwSignal<SeriesStore>,
    theme: RwSignal<Theme>,
    size: RwSignal<(f64, f64)>,
    frozen: RwSignal<bool>,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

/// Mounts a 400 × 200 chart of one percent series over `T0 .. T0 + 100 s`.
fn mount_chart(fill: impl FnOnce(&mut SeriesStore)) -> Mounted {
    mount_chart_at(0, fill)
}

/// Like [`mount_chart`], `top` CSS pixels down the viewport.
fn mount_chart_at(top: u32, fill: impl FnOnce(&mut SeriesStore)) -> Mounted {
    let root = host_element_at(top, 400, 200);
    let mut initial = SeriesStore::default();
    fill(&mut initial);
    let store = RwSignal::new(initial);
    let theme = RwSignal::new(Theme::Light);
    let size = RwSignal::new((0.0, 0.0));
    let frozen = RwSignal::new(false);
    let lines = vec![Line { id: "cpu.total".into(), label: "total".into(), color: 0 }];
    let spec = ChartSpec { unit: Unit::Percent, warn_at: None, ceiling: None };
    let window = Window { from: T0, to: T0 + 100_000.0 };
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <LineChart
                store=Source::live(store.into())
                host="h".to_string()
                lines=lines.clone()
                spec=spec.clone()
                window=window
                theme=theme
                frozen=frozen
                size=size
                label="test chart".to_string()
                test_id="chart-test"
            />
        }
        .into_any()
    });
    Mounted { root, store, theme, size, frozen, _handle: handle }
}

fn steady(store: &mut SeriesStore, seconds: std::ops::Range<u64>, value: impl Fn(u64) -> f64) {
    for s in seconds {
        store.push_frame(&frame(s, T0 + s as f64 * 1000.0, &[("cpu.total", value(s))]));
    }
}

fn series_rgb(theme: Theme) -> (u8, u8, u8) {
    let c = theme.palette().series_color(0);
    (c.0, c.1, c.2)
}

async fn painted(m: &Mounted) -> Vec<u8> {
    let canvas = canvas_in(&m.root);
    let rgb = series_rgb(m.theme.get_untracked());
    let ok =
        wait_until(3_000, || canvas.width() == 400 && count_color(&canvas, &pixels(&canvas), (0, 400), rgb, 40) > 50)
            .await;
    assert!(ok, "the chart never painted its line");
    pixels(&canvas)
}

#[wasm_bindgen_test]
async fn the_canvas_gets_non_blank_pixels() {
    let m = mount_chart(|s| steady(s, 0..100, |i| 20.0 + (i % 10) as f64 * 5.0));
    let data = painted(&m).await;
    let canvas = canvas_in(&m.root);
    assert_eq!(canvas.get_attribute("data-testid").as_deref(), Some("chart-test"));
    assert_eq!(pixel_at(&canvas, &data, 1, 1), (255, 255, 255), "light background");
}

#[wasm_bindgen_test]
async fn pixels_change_after_more_data_arrives() {
    let m = mount_chart(|s| steady(s, 0..50, |_| 30.0));
    let before = painted(&m).await;
    m.store.update(|s| steady(s, 50..100, |_| 80.0));
    let canvas = canvas_in(&m.root);
    let changed = wait_until(3_000, || pixels(&canvas) != before).await;
    assert!(changed, "the canvas did not repaint after new data");
}

#[wasm_bindgen_test]
async fn a_gap_leaves_its_columns_unpainted() {
    let m = mount_chart(|s| {
        steady(s, 0..40, |_| 50.0);
        s.push_gap();
        steady(s, 60..100, |_| 50.0);
    });
    let data = painted(&m).await;
    let canvas = canvas_in(&m.root);
    let (w, h) = m.size.get_untracked();
    let rect = PlotRect::for_size(w, h);
    let window = Window { from: T0, to: T0 + 100_000.0 };
    let x = |s: f64| rect.x_of(T0 + s * 1000.0, &window) as u32;
    let rgb = series_rgb(Theme::Light);
    assert_eq!(count_color(&canvas, &data, (x(45.0), x(55.0)), rgb, 40), 0, "a line crosses the gap");
    assert!(count_color(&canvas, &data, (x(10.0), x(20.0)), rgb, 40) > 0, "no line before the gap");
    assert!(count_color(&canvas, &data, (x(70.0), x(80.0)), rgb, 40) > 0, "no line after the gap");
}

#[wasm_bindgen_test]
async fn the_dark_theme_changes_the_background() {
    let m = mount_chart(|s| steady(s, 0..100, |_| 40.0));
    painted(&m).await;
    m.theme.set(Theme::Dark);
    let canvas = canvas_in(&m.root);
    let bg = Theme::Dark.palette().background;
    let dark = wait_until(3_000, || pixel_at(&canvas, &pixels(&canvas), 1, 1) == (bg.0, bg.1, bg.2)).await;
    assert!(dark, "the background did not turn dark");
}

#[wasm_bindgen_test]
async fn a_frozen_chart_ignores_new_samples_until_it_thaws() {
    let m = mount_chart(|s| steady(s, 0..50, |_| 30.0));
    painted(&m).await;
    m.frozen.set(true);
    let canvas = canvas_in(&m.root);
    // Let the repaint that freezing itself may schedule happen first.
    animation_frames(3).await;
    let before = pixels(&canvas);
    m.store.update(|s| steady(s, 50..100, |_| 80.0));
    // The painter had frames to repaint in; a frozen chart must not have.
    animation_frames(5).await;
    assert!(pixels(&canvas) == before, "a paused chart repainted with new samples");
    m.frozen.set(false);
    let thawed = wait_until(3_000, || pixels(&canvas) != before).await;
    assert!(thawed, "the chart did not catch up after resuming");
}

#[wasm_bindgen_test]
async fn a_chart_off_screen_waits_until_it_scrolls_into_view() {
    let m = mount_chart_at(20_000, |s| steady(s, 0..100, |_| 40.0));
    let canvas = canvas_in(&m.root);
    animation_frames(5).await;
    assert!(canvas.width() != 400, "a chart off screen was painted");
    m.root.style().set_property("top", "0px").expect("move into view");
    painted(&m).await;
}
