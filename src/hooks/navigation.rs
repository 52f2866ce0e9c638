//! Client-side navigation: a click on a link the page can follow itself
//! ([`crate::config::link::in_page`]) becomes `history.pushState`, and Back and
//! Forward (`popstate`) come back the same way; either calls `changed`, after the
//! address bar already shows the new query. The page is not reloaded, so its one
//! connection stays and changes its stream. Anything else (another tab, a modifier
//! key, another page) is left to the browser.

use wasm_bindgen::prelude::*;
use web_sys::{Element, Event as DomEvent, EventTarget, MouseEvent, Url};

use super::lifecycle::Listeners;
use crate::config::link::in_page;

/// The page's query now (`?…`, or empty).
pub fn query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Follows in-page links and history moves, calling `changed` after each, for as
/// long as `listeners` are kept.
pub fn listen(listeners: &mut Listeners, changed: impl Fn() + Clone + 'static) {
    let Some(window) = web_sys::window() else { return };
    let on_pop = changed.clone();
    listeners.add(&window.clone().into(), "popstate", move |_| on_pop());
    let Some(document) = window.document() else { return };
    let target: EventTarget = document.into();
    listeners.add(&target, "click", move |event| {
        if follow(&event) {
            changed();
        }
    });
}

/// Pushes the link `event` clicked, when the page follows it itself; whether it did.
fn follow(event: &DomEvent) -> bool {
    let Some(mouse) = event.dyn_ref::<MouseEvent>() else { return false };
    if event.default_prevented()
        || mouse.button() != 0
        || mouse.ctrl_key()
        || mouse.meta_key()
        || mouse.shift_key()
        || mouse.alt_key()
    {
        return false;
    }
    let anchor =
        event.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|e| e.closest("a[href]").ok().flatten());
    let Some(anchor) = anchor.filter(|a| !a.has_attribute("target") && !a.has_attribute("download")) else {
        return false;
    };
    let Some(window) = web_sys::window() else { return false };
    let Ok(here) = window.location().href() else { return false };
    let (Ok(here), Some(Ok(there))) =
        (Url::new(&here), anchor.get_attribute("href").map(|href| Url::new_with_base(&href, &here)))
    else {
        return false;
    };
    let same_page = there.origin() == here.origin() && there.pathname() == here.pathname() && there.hash().is_empty();
    if !same_page || !in_page(&here.search(), &there.search()) {
        return false;
    }
    event.prevent_default();
    if there.search() == here.search() {
        return false;
    }
    let address = format!("{}{}", there.pathname(), there.search());
    window.history().is_ok_and(|h| h.push_state_with_url(&JsValue::NULL, "", Some(&address)).is_ok())
}
