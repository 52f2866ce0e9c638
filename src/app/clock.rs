//! A page clock that ticks once a second, for countdowns and ages.

use std::time::Duration;

use leptos::prelude::*;

/// `Date.now()` as a signal, updated every second while the component lives.
pub fn use_clock() -> ReadSignal<f64> {
    let (now, set_now) = signal(js_sys::Date::now());
    match set_interval_with_handle(move || set_now.set(js_sys::Date::now()), Duration::from_secs(1)) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(_) => leptos::logging::warn!("could not start the page clock"),
    }
    now
}
