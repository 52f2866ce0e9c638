//! Views whose code is fetched when they are first shown. In the release build
//! (`--cfg pulse_split`, set by `web_release_env` in `scripts/lib.sh`) a body marked
//! with `#[cfg_attr(pulse_split, leptos::wasm_split::wasm_split(NAME, ...))]` is
//! compiled into a wasm file of its own, which `scripts/split-wasm.sh` cuts out of
//! the app's; calling it fetches that file first. Elsewhere (`trunk serve`, the
//! browser tests) it is an ordinary call. [`show`] renders such a body once it is
//! here, and [`load`] calls it either way.
//!
//! A body that cannot be fetched (the network went away between the page's load
//! and the click) is a readable error with a way to retry, never a dead page.

use std::future::Future;

use leptos::prelude::*;

/// The view `load` makes once it resolves; its error state retries on a click.
pub fn show<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, Unloaded>> + Send + 'static,
{
    let attempt = RwSignal::new(0_u32);
    (move || {
        attempt.track();
        let body = load();
        Suspend::new(async move { body.await.unwrap_or_else(|e| unloaded(&e, attempt)) })
    })
    .into_any()
}

/// A split body is `async` (its file is fetched first); the same body unsplit is not.
macro_rules! load_body {
    ($call:expr) => {{
        #[cfg(pulse_split)]
        let body = $call.await;
        #[cfg(not(pulse_split))]
        let body = $call;
        body
    }};
}
pub(crate) use load_body as load;

/// Runs a split body's preload (the `preload(NAME)` option of `wasm_split`) in the
/// background; a failure is the view's own to show, when it is asked for.
#[cfg(pulse_split)]
pub fn spawn_preload(load: impl Future<Output = Result<(), leptos::wasm_split::SplitLoaderError>> + 'static) {
    leptos::task::spawn_local(async move {
        let _ = load.await;
    });
}

/// Why a view's code is not here.
#[derive(Debug, thiserror::Error)]
#[error("the fetch failed")]
pub struct Unloaded;

impl From<leptos::wasm_split::SplitLoaderError> for Unloaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unloaded
    }
}

/// The error state of a view whose code could not be fetched.
fn unloaded(error: &Unloaded, attempt: RwSignal<u32>) -> AnyView {
    view! {
        <div class="banner error" data-testid="view-unloaded" role="alert">
            <strong>"This view could not be loaded"</strong>
            <span>"Its code is fetched when the view is first shown, and "{error.to_string()}
                ": the network may be down, or Pulse was updated since this page was opened (then reload it)."</span>
            <button class="tool" on:click=move |_| attempt.update(|n| *n += 1)>"Try again"</button>
            <button class="tool" data-testid="view-reload" on:click=|_| reload()>"Reload the page"</button>
        </div>
    }
    .into_any()
}

/// Loads the page anew (a newer release's files, when the old ones are gone).
fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
