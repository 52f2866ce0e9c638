//! A segmented control: a row of buttons of which one is chosen. The time ranges,
//! the fleet's tabs, the compared metric and its layout are all this one component
//! (each hand-written row of buttons compiled its own copy into the download).

use leptos::prelude::*;

/// One button: its label and `data-testid`.
pub type Choice = (&'static str, String);

/// Buttons for `choices`; `chosen` is the index shown as chosen, `pick` gets the
/// index clicked.
#[component]
pub fn Segmented(
    /// The buttons, in order.
    choices: Vec<Choice>,
    /// The chosen button's index.
    #[prop(into)]
    chosen: Signal<usize>,
    /// Called with a clicked button's index.
    pick: Callback<usize>,
    /// What the group is, for screen readers.
    label: &'static str,
    /// `tab` for view switches (a `tablist`), else `radio` (a `radiogroup`).
    #[prop(optional)]
    tabs: bool,
) -> impl IntoView {
    let (role, group) = if tabs { ("tab", "tablist") } else { ("radio", "radiogroup") };
    let buttons = choices
        .into_iter()
        .enumerate()
        .map(|(index, (text, test_id))| {
            let active = Signal::derive(move || chosen.get() == index);
            view! {
                <button
                    type="button"
                    role=role
                    aria-checked=Signal::derive(move || (!tabs).then(|| active.get().to_string()))
                    aria-selected=Signal::derive(move || tabs.then(|| active.get().to_string()))
                    class:active=active
                    data-testid=test_id
                    on:click=move |_| pick.run(index)
                >
                    {text}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="segmented" class:tabs=tabs role=group aria-label=label>
            {buttons}
        </div>
    }
}
