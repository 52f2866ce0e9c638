//! Share links: a read-only link to one host's page or the fleet overview, that
//! expires and can be revoked at once.

use leptos::html::{Input, Select};
use leptos::prelude::*;
use pulse_protocol::fleet::FLEET_HOST;

use super::value_of;
use crate::access::words;
use crate::hooks::Admin;

/// How long a new link works: (label, seconds).
const EXPIRIES: [(&str, u64); 4] = [("1 hour", 3_600), ("1 day", 86_400), ("7 days", 604_800), ("30 days", 2_592_000)];

/// The share links section.
#[component]
pub fn SharesSection(
    /// The lists and the calls that change them.
    admin: Admin,
) -> impl IntoView {
    let host: NodeRef<Select> = NodeRef::new();
    let expiry: NodeRef<Select> = NodeRef::new();
    let label: NodeRef<Input> = NodeRef::new();
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let seconds = value_of(|| expiry.get_untracked()).parse().unwrap_or(EXPIRIES[2].1);
        admin.create_share.run((value_of(|| host.get_untracked()), seconds, value_of(|| label.get_untracked())));
    };
    let host_options = move || {
        admin.hosts.get().into_iter().map(|h| view! { <option value=h.id.clone()>{h.name.clone()}</option> }).collect_view()
    };
    let name_of = move |id: &str| {
        if id == FLEET_HOST {
            return "All hosts (fleet overview)".to_owned();
        }
        admin.hosts.with(|hosts| hosts.iter().find(|h| h.id == id).map_or_else(|| id.to_owned(), |h| h.name.clone()))
    };
    let rows = move || {
        admin.shares.get().into_iter().map(|share| {
            let path = format!("/api/v1/shares/{}", share.id);
            view! {
                <tr data-testid="share-row">
                    <td>{if share.label.is_empty() { "(no label)".to_owned() } else { share.label.clone() }}</td>
                    <td>{name_of(&share.host)}</td>
                    <td class="muted">{words::when(share.created, offset)}</td>
                    <td class="muted">{words::when(share.expires, offset)}</td>
                    <td class="actions">
                        <button class="tool danger" on:click=move |_| admin.delete.run(path.clone()) data-testid="share-revoke">"Revoke"</button>
                    </td>
                </tr>
            }
        }).collect_view()
    };
    view! {
        <section class="admin-section" data-testid="shares">
            <h2>"Share links"</h2>
            <p class="muted">"A read-only view of one host or the fleet, for anyone with the link, until it expires or is revoked."</p>
            <form class="admin-form" on:submit=submit>
                <select node_ref=host aria-label="What to share" data-testid="share-host">
                    <option value=FLEET_HOST>"All hosts (fleet overview)"</option>
                    {host_options}
                </select>
                <select node_ref=expiry aria-label="Expires after" data-testid="share-expiry">
                    {EXPIRIES.iter().map(|(name, s)| view! { <option value=s.to_string() selected=*s == EXPIRIES[2].1>{*name}</option> }).collect_view()}
                </select>
                <input node_ref=label placeholder="Label, e.g. status screen" aria-label="Label" data-testid="share-label" />
                <button class="tool primary" type="submit" data-testid="share-create">"Create link"</button>
            </form>
            <table class="admin-table">
                <thead><tr><th>"Label"</th><th>"Shows"</th><th>"Created"</th><th>"Expires"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
