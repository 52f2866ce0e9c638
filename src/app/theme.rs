//! The colour scheme: follows `prefers-color-scheme` until the user picks one.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::charts::theme::Theme;

/// The theme in use and whether the user chose it.
#[derive(Clone, Copy)]
pub struct ThemeState {
    /// The theme in use; the toolbar toggles it.
    pub theme: RwSignal<Theme>,
    /// The theme the user picked (URL or toggle), `None` while following the system.
    pub chosen: Signal<Option<Theme>>,
}

/// Starts from `chosen` or the system preference, keeps `<html data-theme>` in step,
/// and follows system changes until the user toggles.
pub fn use_theme(chosen: Option<Theme>) -> ThemeState {
    let theme = RwSignal::new(chosen.unwrap_or_else(system_theme));
    let from_url = chosen.is_some();
    let chosen = Signal::derive(move || {
        let current = theme.get();
        (from_url || current != system_theme()).then_some(current)
    });
    Effect::new(move |_| {
        let name = theme.get().as_str();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", name);
        }
    });
    if let Some(query) = dark_query() {
        let on_change = Closure::<dyn FnMut()>::new(move || {
            // Follow the system only if the page was showing the system's old theme.
            let system = system_theme();
            if !from_url && theme.get_untracked() == system.toggled() {
                theme.set(system);
            }
        });
        query.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
    }
    ThemeState { theme, chosen }
}

fn dark_query() -> Option<web_sys::MediaQueryList> {
    window().match_media("(prefers-color-scheme: dark)").ok().flatten()
}

fn system_theme() -> Theme {
    if dark_query().is_some_and(|q| q.matches()) {
        Theme::Dark
    } else {
        Theme::Light
    }
}
