//! Who is signed in, in the top bar (with sign-out and, for admins, the admin
//! screens), and the banner of a shared read-only view.

use leptos::prelude::*;
use pulse_protocol::access::{Role, Session, Via};

use crate::access::words;

/// The user and role, as a small menu in the top bar: who, until when, a link to
/// the admin screens for an admin, and sign-out. Nothing on an open hub without
/// users, and nothing for a share link (its banner says what it is).
#[component]
pub fn AccountMenu(
    /// Who the hub says this page is.
    #[prop(into)]
    session: Signal<Option<Session>>,
    /// The admin screens' address (`?view=admin`; empty: on them already).
    admin_href: String,
    /// The admin screens with a share link of the page on view chosen
    /// (`?view=admin&share=ID`), when there is a page to share.
    #[prop(optional, into)]
    share_href: Signal<Option<String>>,
    /// Signs out (on an open hub with users: goes to the sign-in page).
    sign_out: Callback<()>,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let shown =
        move || session.with(|s| s.as_ref().filter(|s| words::shows_account(s) && s.via != Via::Share).cloned());
    view! {
        {move || {
            shown()
                .map(|s| {
                    let role = words::role_label(s.role);
                    let admin = (s.role == Role::Admin && !admin_href.is_empty())
                        .then(|| {
                            view! {
                                <a class="menu-item" href=admin_href.clone() data-testid="admin-link">"Users, tokens & share links"</a>
                            }
                        });
                    let share = (s.role == Role::Admin)
                        .then(|| {
                            view! {
                                <a class="menu-item" href=share_href data-testid="share-this">"Share this view…"</a>
                            }
                        });
                    let until = s.expires.map(|ms| format!("Signed in until {}", words::when(ms, offset)));
                    // An open hub with users (`--public-read-only`) still lets an admin sign in.
                    let (action, testid) =
                        if s.via == Via::Open { ("Sign in", "sign-in-link") } else { ("Sign out", "sign-out") };
                    view! {
                        <details class="account" data-testid="account">
                            <summary class="tool account-button" aria-label="Account">
                                <span class="account-user" data-testid="account-user">{words::who(&s)}</span>
                                <span class="role-chip" data-role=role data-testid="account-role">{role}</span>
                            </summary>
                            <div class="account-menu" role="menu">
                                <p class="muted">{until}</p>
                                {share}
                                {admin}
                                <button class="menu-item" on:click=move |_| sign_out.run(()) data-testid=testid>
                                    {action}
                                </button>
                            </div>
                        </details>
                    }
                })
        }}
    }
}

/// "Shared read-only view, expires …" for a page opened from a share link.
#[component]
pub fn ShareBanner(
    /// Who the hub says this page is.
    #[prop(into)]
    session: Signal<Option<Session>>,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let text = move || {
        session.with(|s| {
            let s = s.as_ref().filter(|s| s.via == Via::Share)?;
            let expires = s.expires.map(|ms| format!(", expires {}", words::when(ms, offset))).unwrap_or_default();
            Some(format!("Shared read-only view{expires}"))
        })
    };
    view! {
        {move || {
            text()
                .map(|text| {
                    view! {
                        <div class="share-banner" role="note" data-testid="share-banner">
                            <span class="share-icon" aria-hidden="true"></span>
                            {text}
                        </div>
                    }
                })
        }}
    }
}
