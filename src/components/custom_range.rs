//! The custom range picker: two `datetime-local` inputs and Apply. It opens
//! filled with the window on screen; Apply with a window the charts cannot show
//! (backwards, before 1970, over ten years: `Range::between`) says why instead of
//! applying.

use leptos::html;
use leptos::prelude::*;

use crate::charts::Window;
use crate::range::{local_time, Range};

/// The zone's offset at `ms`, in minutes east of UTC.
fn offset_at(ms: f64) -> f64 {
    -js_sys::Date::new(&ms.into()).get_timezone_offset()
}

/// A from/to form; `apply` gets the chosen window.
#[component]
pub fn CustomRange(
    /// The window on screen when the form opens (its initial values).
    start: Window,
    /// Called with the chosen window.
    apply: Callback<Window>,
    /// Closes the form without applying.
    cancel: Callback<()>,
) -> impl IntoView {
    let from_ref = NodeRef::<html::Input>::new();
    let to_ref = NodeRef::<html::Input>::new();
    let problem = RwSignal::new(String::new());
    let value = |ms: f64| local_time::format(ms, offset_at(ms));
    let read = |node: NodeRef<html::Input>| {
        let text = node.get_untracked().map(|input| input.value()).unwrap_or_default();
        // The offset at the moment named, found from the offset now (off by the
        // DST shift only within the hour a clock jumps).
        let guess = local_time::parse(&text, offset_at(js_sys::Date::now()))?;
        local_time::parse(&text, offset_at(guess))
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match (read(from_ref), read(to_ref)) {
            (Some(from), Some(to)) => match Range::between(from, to) {
                Ok(_) => {
                    problem.set(String::new());
                    apply.run(Window { from, to });
                }
                Err(why) => problem.set(why.to_string()),
            },
            _ => problem.set("Enter a date and time in both fields.".to_owned()),
        }
    };
    view! {
        <form class="custom-range" data-testid="custom-range" on:submit=on_submit>
            <label>
                "From"
                <input type="datetime-local" node_ref=from_ref data-testid="custom-from" value=value(start.from) />
            </label>
            <label>
                "To"
                <input type="datetime-local" node_ref=to_ref data-testid="custom-to" value=value(start.to) />
            </label>
            <button type="submit" class="tool primary" data-testid="custom-apply">"Apply"</button>
            <button type="button" class="tool" on:click=move |_| cancel.run(())>"Cancel"</button>
            <span class="custom-problem" role="status">{problem}</span>
        </form>
    }
}
