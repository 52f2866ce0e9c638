//! The connection log as a drawer: closed by default, newest entry first.

use leptos::prelude::*;

use crate::format;
use crate::live::LogEntry;

/// A `<details>` drawer listing what the connection engine did and when.
#[component]
pub fn LogDrawer(
    /// The log, oldest first.
    #[prop(into)]
    log: Signal<Vec<LogEntry>>,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let entries = move || {
        log.get()
            .into_iter()
            .rev()
            .map(|entry| {
                view! {
                    <li>
                        <time>{format::clock(entry.at, offset, true)}</time>
                        <span>{entry.text}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <details class="log-drawer" data-testid="connection-log">
            <summary>"Connection log " <span class="muted">{Signal::derive(move || format!("({})", log.with(Vec::len)))}</span></summary>
            <ol class="log">{entries}</ol>
        </details>
    }
}
