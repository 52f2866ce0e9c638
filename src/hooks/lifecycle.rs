//! Page-lifecycle events for the engine: online/offline, the tab becoming visible,
//! and pages restored from the back-forward cache. The listeners are removed when
//! the returned [`Listeners`] is dropped.

use wasm_bindgen::prelude::*;
use web_sys::{Event as DomEvent, EventTarget, PageTransitionEvent};

use crate::connection::Event;

/// Registered listeners; dropping this removes them.
#[derive(Default)]
pub struct Listeners(Vec<Listener>);

struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: Closure<dyn FnMut(DomEvent)>,
}

impl Listeners {
    /// Calls `handler` on each `name` event of `target` until these are dropped.
    pub fn add(&mut self, target: &EventTarget, name: &'static str, handler: impl FnMut(DomEvent) + 'static) {
        let callback = Closure::<dyn FnMut(DomEvent)>::new(handler);
        if target.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref()).is_ok() {
            self.0.push(Listener { target: target.clone(), name, callback });
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.name, self.callback.as_ref().unchecked_ref());
    }
}

/// Whether the browser believes it is online (true when it cannot tell).
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Feeds the page's lifecycle to `send` (the runner's events) until the result is
/// dropped.
pub fn listen(send: impl Fn(Event) + Clone + 'static) -> Listeners {
    let mut listeners = Listeners::default();
    let Some(window) = web_sys::window() else { return listeners };
    let document: Option<EventTarget> = window.document().map(Into::into);
    let window: EventTarget = window.into();
    // Each DOM event maps to at most one engine event.
    let mut on = |target: &EventTarget, name: &'static str, map: fn(&DomEvent) -> Option<Event>| {
        let send = send.clone();
        listeners.add(target, name, move |dom: DomEvent| {
            if let Some(event) = map(&dom) {
                send(event);
            }
        });
    };
    on(&window, "online", |_| Some(Event::Online));
    on(&window, "offline", |_| Some(Event::Offline));
    on(&window, "pageshow", |dom| {
        dom.dyn_ref::<PageTransitionEvent>().is_some_and(PageTransitionEvent::persisted).then_some(Event::PageShow)
    });
    if let Some(document) = &document {
        on(document, "visibilitychange", |_| {
            let visible = web_sys::window().and_then(|w| w.document()).is_some_and(|d| !d.hidden());
            visible.then_some(Event::Visible)
        });
    }
    listeners
}
