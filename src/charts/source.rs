//! Which store a chart draws: the page's rings, or its history picture while one
//! is active. Charts, legends and tooltips read through it, so a history range
//! reuses every line of the live chart code.

use leptos::prelude::*;

use crate::store::SeriesStore;

/// A chart's data: the rings, and optionally a picture that replaces them while
/// `active` says so.
#[derive(Clone, Copy)]
pub struct Source {
    live: Signal<SeriesStore>,
    picture: Option<(Signal<SeriesStore>, Signal<bool>)>,
}

impl Source {
    /// Only the rings.
    pub fn live(live: Signal<SeriesStore>) -> Self {
        Source { live, picture: None }
    }

    /// The rings, or `picture` while `active` is true.
    pub fn with_picture(live: Signal<SeriesStore>, picture: Signal<SeriesStore>, active: Signal<bool>) -> Self {
        Source { live, picture: Some((picture, active)) }
    }

    /// The store drawn now (tracked: a reactive scope re-runs when it changes).
    /// The signal is chosen first and `f` called in one place: called in each
    /// branch, every caller's closure (the whole chart drawing) shipped twice.
    pub fn with<R>(&self, f: impl FnOnce(&SeriesStore) -> R) -> R {
        let chosen = match self.picture {
            Some((picture, active)) if active.get() => picture,
            _ => self.live,
        };
        chosen.with(f)
    }

    /// The store drawn now, untracked.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&SeriesStore) -> R) -> R {
        let chosen = match self.picture {
            Some((picture, active)) if active.get_untracked() => picture,
            _ => self.live,
        };
        chosen.with_untracked(f)
    }

    /// Tracks what a repaint depends on: a picture always (it changes only when
    /// fetched or extended), the rings only while the window is not `frozen`.
    pub fn track(&self, frozen: bool) {
        match self.picture {
            Some((picture, active)) if active.get() => picture.track(),
            _ if !frozen => self.live.track(),
            _ => {}
        }
    }
}
