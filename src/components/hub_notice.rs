//! The notice under the top bar while the hub's shared log (Redis) is out of reach
//! (`crate::hub_notice` decides its words). It changes only when the hub's link
//! does, so it is DOM text.

use leptos::prelude::*;

use crate::hub_notice::notice;

/// The notice, or nothing while the hub's shared log answers (or it has none).
#[component]
pub fn HubNotice(
    /// Since when the hub's link to Redis is down (ms since the Unix epoch), as the
    /// stream last said.
    #[prop(into)]
    down_since: Signal<Option<i64>>,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let words = Memo::new(move |_| notice(down_since.get(), js_sys::Date::now(), offset));
    view! {
        {move || {
            words
                .get()
                .map(|words| strip("hub-notice", words.title, words.detail))
        }}
    }
}

/// A strip under the top bar: a headline and what it means (`testid` names it for
/// tests). The host page's quiet-host notice is drawn the same way.
pub fn strip(testid: &'static str, title: String, detail: &'static str) -> impl IntoView {
    view! {
        <div class="hub-notice" role="status" data-testid=testid>
            <span class="hub-notice-icon" aria-hidden="true"></span>
            <strong>{title}</strong>
            <span class="hub-notice-detail">{detail}</span>
        </div>
    }
}
