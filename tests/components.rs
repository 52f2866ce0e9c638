//! Browser tests of the presentational components, one behaviour each, found by
//! `data-testid` and roles rather than by markup.

mod common;

use common::*;
use leptos::prelude::*;
use leptos::task::tick;
use pulse_protocol::{ProcessInfo, Unit};
use pulse_web::charts::theme::Theme;
use pulse_web::charts::{ChartSpec, Line, Window};
use pulse_web::components::{ChartPanel, ChartView, ConnectionBadge, TextCells, TopProcesses};
use pulse_web::connection::{ConnectionStatus, LinkState, TransportKind};
use pulse_web::paint::text::{Align, CellLayout, Column, Row, Tone, Width};
use pulse_web::store::SeriesStore;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn click(root: &HtmlElement, selector: &str) {
    let element = root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no {selector}"));
    element.unchecked_into::<HtmlElement>().click();
}

fn attr(root: &HtmlElement, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector).ok().flatten()?.get_attribute(name)
}

#[wasm_bindgen_test]
async fn the_badge_shows_transport_state_countdown_and_retries_on_click() {
    let root = host_element(600, 60);
    let now = 1_000_000.0;
    let status = ConnectionStatus {
        state: LinkState::Reconnecting,
        transport: Some(TransportKind::Sse),
        attempt: 3,
        next_retry_at: Some(now + 4_200.0),
        last_data_at: Some(now - 12_000.0),
        last_error: Some("stream closed".into()),
    };
    let retries = RwSignal::new(0);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        let retry = Callback::new(move |_| retries.update(|n| *n += 1));
        view! { <ConnectionBadge status=status.clone() now=now retry_now=retry /> }
    });
    tick().await;
    let badge = "[data-testid=connection-badge]";
    assert_eq!(attr(&root, badge, "data-transport").as_deref(), Some("sse"));
    assert_eq!(attr(&root, badge, "data-state").as_deref(), Some("reconnecting"));
    let text = root.text_content().unwrap_or_default();
    for part in ["Reconnecting", "SSE", "attempt 3", "retry in 5 s", "data 12 s ago"] {
        assert!(text.contains(part), "badge text {text:?} lacks {part:?}");
    }
    click(&root, "button.retry");
    assert_eq!(retries.get_untracked(), 1);
}

#[wasm_bindgen_test]
async fn clicking_a_legend_entry_hides_its_series() {
    let root = host_element(500, 320);
    let mut store = SeriesStore::default();
    for s in 0..30u64 {
        let ts = 1_700_000_000_000.0 + s as f64 * 1000.0;
        store.push_frame(&frame(s, ts, &[("net.rx", 1000.0), ("net.tx", 500.0)]));
    }
    let hidden = RwSignal::new(Vec::<String>::new());
    let view_signals = ChartView {
        window: Signal::stored(Window { from: 1_700_000_000_000.0, to: 1_700_000_030_000.0 }),
        theme: Signal::stored(Theme::Light),
        hover: RwSignal::new(None),
        hidden,
        zoom: RwSignal::new(None),
        stale: Signal::stored(false),
        frozen: Signal::stored(false),
        alerts: Signal::stored(Vec::new()),
    };
    let lines = vec![
        Line { id: "net.rx".into(), label: "receive".into(), color: 0 },
        Line { id: "net.tx".into(), label: "transmit".into(), color: 1 },
    ];
    let spec = ChartSpec { unit: Unit::BytesPerSecond, warn_at: None, ceiling: None };
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ChartPanel
                title="Network"
                slug="network"
                store=store.clone()
                host="h".to_string()
                lines=lines.clone()
                spec=spec.clone()
                view=view_signals
            />
        }
    });
    tick().await;
    assert!(root.query_selector("[data-testid=panel-network]").ok().flatten().is_some());
    assert!(root.query_selector("[data-testid=chart-network]").ok().flatten().is_some());
    let numbers = attr(&root, ".legend-values", "aria-label").unwrap_or_default();
    assert!(
        numbers.starts_with("receive: now 1000 B/s, min 1000 B/s"),
        "legend numbers for screen readers: {numbers:?}"
    );
    assert!(numbers.contains("; transmit: now 500 B/s"), "every series is read out: {numbers:?}");
    assert_eq!(attr(&root, ".legend-values", "role").as_deref(), Some("img"));
    let drawn = root.query_selector(".legend-values").ok().flatten().expect("legend numbers").unchecked_into();
    assert!(wait_until(3_000, || painted_pixels(&drawn) > 20).await, "the legend numbers were never drawn");
    assert!(!root.text_content().unwrap_or_default().contains("B/s"), "no number is laid-out DOM text");
    let first = ".legend-entry button";
    assert_eq!(attr(&root, first, "aria-pressed").as_deref(), Some("true"));
    click(&root, first);
    tick().await;
    assert_eq!(hidden.get_untracked(), vec!["net.rx".to_string()]);
    assert_eq!(attr(&root, first, "aria-pressed").as_deref(), Some("false"));
    let label = attr(&root, "canvas", "aria-label").unwrap_or_default();
    assert!(label.starts_with("Network: receive"), "screen-reader text: {label:?}");
}

#[wasm_bindgen_test]
async fn top_processes_sort_by_the_clicked_column() {
    let root = host_element(500, 300);
    let mut store = SeriesStore::default();
    let mut f = frame(1, 1_700_000_000_000.0, &[("cpu.total", 10.0)]);
    f.top = vec![
        ProcessInfo { pid: 7, name: "zsh".into(), cpu: 1.0, mem: 5 },
        ProcessInfo { pid: 3, name: "Xorg".into(), cpu: 30.0, mem: 50 },
        ProcessInfo { pid: 9, name: "cargo".into(), cpu: 80.0, mem: 20 },
    ];
    store.push_frame(&f);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <TopProcesses store=store.clone() host="h".to_string() theme=Theme::Light /> }
    });
    tick().await;
    // The rows are drawn on a canvas; its fallback table is what screen readers read.
    let rows: web_sys::HtmlCanvasElement =
        root.query_selector("[data-testid=process-rows]").ok().flatten().expect("process rows").unchecked_into();
    let first_name = |root: &HtmlElement| attr_text(root, "[data-testid=process-rows] tbody tr:first-child td.name");
    assert_eq!(first_name(&root), "cargo", "busiest first by default");
    assert!(wait_until(3_000, || painted_pixels(&rows) > 100).await, "the rows were never drawn");
    click(&root, "[data-testid=sort-name]");
    tick().await;
    assert_eq!(first_name(&root), "cargo", "names sort case-insensitively");
    let by_name = pixels(&rows);
    click(&root, "[data-testid=sort-memory]");
    tick().await;
    assert_eq!(first_name(&root), "Xorg", "largest memory first");
    assert_eq!(attr(&root, "[data-testid=sort-memory]", "aria-pressed").as_deref(), Some("true"));
    assert!(wait_until(3_000, || pixels(&rows) != by_name).await, "the canvas did not redraw in the new order");
    click(&root, "[data-testid=sort-pid]");
    tick().await;
    assert_eq!(first_name(&root), "Xorg", "lowest pid first");
    let sorted = attr(&root, "[data-testid=process-rows] th:first-child", "aria-sort");
    assert_eq!(sorted.as_deref(), Some("ascending"));
}

#[wasm_bindgen_test]
async fn text_cells_draw_their_text_and_redraw_when_it_changes() {
    let root = host_element(300, 100);
    let rows = RwSignal::new(vec![Row::new(vec!["12.5 %".to_string(), "idle".to_string()])]);
    let layout = CellLayout {
        columns: vec![
            Column { width: Width::Px(80.0), align: Align::Right, tone: Tone::Strong },
            Column { width: Width::Fill, align: Align::Left, tone: Tone::Muted },
        ],
        gap: 8.0,
        padding: 0.0,
        row_height: 24.0,
        rules: false,
        wrap: None,
    };
    let label = Signal::derive(move || rows.with(|r| r[0].cells.join(" ")));
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <TextCells rows=rows layout=layout.clone() theme=Theme::Light class="cells-test" label=label /> }
    });
    tick().await;
    let canvas = canvas_in(&root);
    assert_eq!(canvas.get_attribute("aria-label").as_deref(), Some("12.5 % idle"));
    assert!(wait_until(3_000, || painted_pixels(&canvas) > 20).await, "the text was never drawn");
    let ink = Theme::Light.palette().ink;
    let data = pixels(&canvas);
    assert!(count_color(&canvas, &data, (0, 80), (ink.0, ink.1, ink.2), 30) > 10, "bold value in the body colour");
    let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0);
    assert_eq!(canvas.width() as f64, (200.0 * dpr).round(), "backing store at the screen's pixel ratio");
    let lower_half = |data: &[u8]| data[data.len() / 2..].iter().any(|&v| v != 0);
    assert!(!lower_half(&data), "the second row is empty");
    rows.update(|rows| rows.push(Row::new(vec!["7 %".to_string(), String::new()])));
    assert!(wait_until(3_000, || lower_half(&pixels(&canvas))).await, "the new row was not drawn");
}

fn attr_text(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}
