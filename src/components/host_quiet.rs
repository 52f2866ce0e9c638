//! The notice under the top bar while the host page's host sends nothing
//! (`crate::host_quiet` decides when and its words). It changes only when the host
//! goes quiet or speaks again, so it is DOM text.

use leptos::prelude::*;

use super::hub_notice::strip;
use crate::host_quiet::Quiet;

/// The notice, or nothing while the host's samples arrive.
#[component]
pub fn HostQuiet(
    /// The words, while the host is quiet.
    #[prop(into)]
    quiet: Signal<Option<Quiet>>,
) -> impl IntoView {
    move || quiet.get().map(|words| strip("host-quiet", words.title, words.detail))
}
