//! Share links: a read-only link to one host's page or the fleet overview, that
//! expires and can be revoked at once.

use leptos::prelude::*;
use pulse_protocol::fleet::FLEET_HOST;

use super::section::{Cell, Field, Row, Section, SectionText};
use crate::access::words;
use crate::hooks::{Admin, Change};

/// How long a new link works: (label, seconds), the default first.
const EXPIRIES: [(&str, u64); 4] = [("7 days", 604_800), ("1 hour", 3_600), ("1 day", 86_400), ("30 days", 2_592_000)];

/// What the fleet overview is called in the host choice and the list.
const FLEET_NAME: &str = "All hosts (fleet overview)";

/// The share links section.
#[component]
pub fn SharesSection(
    /// The lists and the calls that change them.
    admin: Admin,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let name_of = move |id: &str| {
        if id == FLEET_HOST {
            return FLEET_NAME.to_owned();
        }
        admin.hosts.with(|hosts| hosts.iter().find(|h| h.id == id).map_or_else(|| id.to_owned(), |h| h.name.clone()))
    };
    let rows = Signal::derive(move || {
        admin.shares.with(|shares| {
            shares
                .iter()
                .map(|s| Row {
                    cells: vec![
                        Cell::text(super::label_or_none(&s.label)),
                        Cell::text(name_of(&s.host)),
                        Cell::muted(words::when(s.created, offset)),
                        Cell::muted(words::when(s.expires, offset)),
                    ],
                    delete: format!("/api/v1/shares/{}", s.id),
                })
                .collect()
        })
    });
    // `?share=ID` (from "Share this view…") is offered first, so it is chosen.
    let asked = crate::config::param("share");
    let hosts = Signal::derive(move || {
        let mut choices = vec![(FLEET_HOST.to_owned(), FLEET_NAME.to_owned())];
        admin.hosts.with(|hosts| choices.extend(hosts.iter().map(|h| (h.id.clone(), h.name.clone()))));
        if let Some(at) = choices.iter().position(|(id, _)| Some(id) == asked.as_ref()) {
            let chosen = choices.remove(at);
            choices.insert(0, chosen);
        }
        choices
    });
    let expiries = Signal::stored(EXPIRIES.iter().map(|(name, s)| (s.to_string(), (*name).to_owned())).collect());
    let create = Callback::new(move |values: Vec<String>| {
        let [host, seconds, label] = super::take::<3>(values);
        let seconds = seconds.parse().unwrap_or(EXPIRIES[0].1);
        admin.change.run(Change::CreateShare { host, seconds, label });
    });
    let text = SectionText {
        id: "share",
        title: "Share links",
        blurb: "A read-only view of one host or the fleet, for anyone with the link, until it expires or is revoked.",
        submit: "Create link",
        remove: "Revoke",
        columns: &["Label", "Shows", "Created", "Expires"],
    };
    let fields = vec![
        Field::Choice("share-host", hosts),
        Field::Choice("share-expiry", expiries),
        Field::Text("share-label", "Label, e.g. status screen"),
    ];
    view! { <Section text=text fields=fields rows=rows create=create delete=admin.delete /> }
}
