//! The notice under the top bar while the host page's host sends nothing
//! (`crate::host_quiet` decides when and its words). It changes only when the host
//! goes quiet or speaks again, so it is DOM text.

use leptos::prelude::*;

use crate::host_quiet::Quiet;

/// The notice, or nothing while the host's samples arrive.
#[component]
pub fn HostQuiet(
    /// The words, while the host is quiet.
    #[prop(into)]
    quiet: Signal<Option<Quiet>>,
) -> impl IntoView {
    view! {
        {move || {
            quiet
                .get()
                .map(|words| {
                    view! {
                        <div class="hub-notice host-quiet" role="status" data-testid="host-quiet">
                            <span class="hub-notice-icon" aria-hidden="true"></span>
                            <strong>{words.title}</strong>
                            <span class="hub-notice-detail">{words.detail}</span>
                        </div>
                    }
                })
        }}
    }
}
