//! Browser tests of the whole page shell with a fake source of live metrics:
//! panels come from the catalogue, the URL keeps foreign parameters, the theme
//! toggles, and a lost connection shows a banner and dims the charts.

mod common;

use common::*;
use leptos::prelude::*;
use leptos::task::tick;
use pulse_protocol::{Catalog, SeriesInfo, SeriesKind, Unit};
use pulse_web::app::Shell;
use pulse_web::config::Page;
use pulse_web::connection::{ConnectionStatus, LinkState, TransportKind};
use pulse_web::hooks::HistoryClient;
use pulse_web::live::LiveMetrics;
use pulse_web::store::SeriesStore;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn info(id: &str, group: &str, unit: Unit) -> SeriesInfo {
    let kind = SeriesKind::Gauge;
    SeriesInfo { id: id.into(), host: "h".into(), group: group.into(), label: id.into(), unit, kind }
}

struct Fake {
    live: LiveMetrics,
    status: RwSignal<ConnectionStatus>,
    backfills: RwSignal<Vec<f64>>,
}

fn fake_live() -> Fake {
    let catalog = Catalog {
        series: vec![
            info("cpu.total", "cpu", Unit::Percent),
            info("mem.used", "memory", Unit::Bytes),
            info("mem.total", "memory", Unit::Bytes),
        ],
    };
    let mut store = SeriesStore::default();
    let now = js_sys::Date::now();
    for s in 0..60u64 {
        let values = [("cpu.total", 40.0), ("mem.used", 2e9), ("mem.total", 8e9)];
        store.push_frame(&frame(s, now - (60 - s) as f64 * 1000.0, &values));
    }
    let status = RwSignal::new(ConnectionStatus {
        state: LinkState::Live,
        transport: Some(TransportKind::WebSocket),
        last_data_at: Some(now),
        ..ConnectionStatus::default()
    });
    let backfills = RwSignal::new(Vec::new());
    let live = LiveMetrics {
        status: status.into(),
        catalog: Signal::stored(catalog),
        store: Signal::stored(store),
        page: Signal::stored(Some(Page::Host)),
        location: Signal::stored(String::new()),
        hosts: Signal::stored(Vec::new()),
        log: Signal::stored(Vec::new()),
        alerts: Signal::stored(None),
        redis_down_since: Signal::stored(None),
        retry_now: Callback::new(|_| {}),
        backfill: Callback::new(move |ms| backfills.update(|b| b.push(ms))),
        history: HistoryClient::none(),
    };
    Fake { live, status, backfills }
}

fn find(root: &HtmlElement, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector).ok().flatten().map(|e| e.unchecked_into())
}

fn set_query(query: &str) {
    let history = web_sys::window().and_then(|w| w.history().ok()).expect("history");
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query)).expect("replaceState");
}

fn search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn panels_follow_the_catalogue_and_the_url_keeps_foreign_parameters() {
    set_query("?server=abc&transport=sse");
    let root = host_element(1000, 800);
    let fake = fake_live();
    let live = fake.live;
    let _handle = leptos::mount::mount_to(root.clone(), move || view! { <Shell live=live /> });
    tick().await;
    assert!(find(&root, "[data-testid=panel-cpu]").is_some());
    assert!(find(&root, "[data-testid=panel-memory]").is_some());
    assert!(find(&root, "[data-testid=panel-load]").is_none(), "no load series, no load panel");
    let badge = find(&root, "[data-testid=connection-badge]").expect("badge");
    assert_eq!(badge.get_attribute("data-state").as_deref(), Some("live"));
    assert_eq!(badge.get_attribute("data-transport").as_deref(), Some("ws"));

    find(&root, "[data-testid=range-15m]").expect("15m button").click();
    tick().await;
    let query = search();
    for part in ["server=abc", "transport=sse", "range=15m"] {
        assert!(query.contains(part), "query {query:?} lacks {part}");
    }
    assert_eq!(fake.backfills.get_untracked().last().copied(), Some(900_000.0));
    set_query("?");
}

#[wasm_bindgen_test]
async fn the_theme_toggle_sets_the_page_theme() {
    set_query("?");
    let root = host_element(1000, 800);
    let live = fake_live().live;
    let _handle = leptos::mount::mount_to(root.clone(), move || view! { <Shell live=live /> });
    tick().await;
    let html = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()).expect("html");
    let before = html.get_attribute("data-theme").unwrap_or_default();
    find(&root, "[data-testid=theme-toggle]").expect("toggle").click();
    tick().await;
    let after = html.get_attribute("data-theme").unwrap_or_default();
    assert_ne!(before, after);
    assert!(search().contains(&format!("theme={after}")), "the chosen theme is in the URL");
    set_query("?");
}

#[wasm_bindgen_test]
async fn a_lost_connection_shows_what_to_do_and_dims_the_charts() {
    set_query("?");
    let root = host_element(1000, 800);
    let fake = fake_live();
    let live = fake.live;
    let _handle = leptos::mount::mount_to(root.clone(), move || view! { <Shell live=live /> });
    tick().await;
    assert!(find(&root, "[data-testid=status-banner]").is_none(), "no banner while live");
    fake.status.update(|s| {
        s.state = LinkState::Reconnecting;
        s.attempt = 2;
        s.last_error = Some("connection refused".into());
    });
    tick().await;
    let banner = find(&root, "[data-testid=status-banner]").expect("banner");
    assert_eq!(banner.get_attribute("data-kind").as_deref(), Some("error"));
    assert!(banner.text_content().unwrap_or_default().contains("Server unreachable"));
    let panel = find(&root, "[data-testid=panel-cpu]").expect("cpu panel");
    assert!(panel.class_list().contains("stale"), "charts are dimmed while disconnected");
}
