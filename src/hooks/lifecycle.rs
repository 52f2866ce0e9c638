//! Page-lifecycle events for the engine: online/offline, the tab becoming visible,
//! and pages restored from the back-forward cache.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Event as DomEvent, PageTransitionEvent};

use super::runner::Runner;
use crate::connection::Event;

/// Listens for the page's lifecycle for as long as the page lives.
pub fn listen(runner: &Rc<Runner>) {
    let Some(window) = web_sys::window() else { return };
    let on = |target: &web_sys::EventTarget, name: &str, event: Event| {
        let weak = Rc::downgrade(runner);
        let callback = Closure::<dyn FnMut(DomEvent)>::new(move |_: DomEvent| {
            if let Some(runner) = weak.upgrade() {
                runner.event(event.clone());
            }
        });
        let _ = target.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref());
        callback.forget();
    };
    on(&window, "online", Event::Online);
    on(&window, "offline", Event::Offline);

    let weak = Rc::downgrade(runner);
    let visibility = Closure::<dyn FnMut(DomEvent)>::new(move |_: DomEvent| {
        let visible = web_sys::window().and_then(|w| w.document()).is_some_and(|d| !d.hidden());
        if let (true, Some(runner)) = (visible, weak.upgrade()) {
            runner.event(Event::Visible);
        }
    });
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", visibility.as_ref().unchecked_ref());
    }
    visibility.forget();

    let weak = Rc::downgrade(runner);
    let page_show = Closure::<dyn FnMut(PageTransitionEvent)>::new(move |event: PageTransitionEvent| {
        if let (true, Some(runner)) = (event.persisted(), weak.upgrade()) {
            runner.event(Event::PageShow);
        }
    });
    let _ = window.add_event_listener_with_callback("pageshow", page_show.as_ref().unchecked_ref());
    page_show.forget();
}
