//! The app as `main.rs` mounts it: access first (sign-in, a share link's scope),
//! then the connection engine's live metrics in the shell, or the admin screens.

use leptos::prelude::*;
use pulse_protocol::access::{Role, Via};

use super::{theme, url, Account, Shell};
use crate::access::Phase;
use crate::components::{AccountMenu, RevokedPage, SignInPage};
use crate::hooks::{page_for, use_access, use_live_metrics, Access};

/// The whole app: the page the access phase calls for.
#[component]
pub fn App() -> impl IntoView {
    super::on_demand::preload_named();
    let access = use_access();
    // The theme for the pages before the dashboard (the shell keeps its own).
    theme::use_theme(url::read().theme);
    let phase = Memo::new(move |_| access.phase.get());
    move || match phase.get() {
        Phase::Checking => view! { <main class="gate" data-testid="checking"></main> }.into_any(),
        Phase::SignIn => view! { <SignInPage form=access.form submit=access.sign_in /> }.into_any(),
        Phase::Revoked => view! { <RevokedPage /> }.into_any(),
        Phase::Ready => view! { <Ready access=access /> }.into_any(),
    }
}

/// Signed in (or no sign-in needed): the dashboard, or the admin screens at
/// `?view=admin`, which a share link never reaches and a viewer is told are not theirs.
#[component]
fn Ready(access: Access) -> impl IntoView {
    let session = access.session.get_untracked();
    let located = access.config.get_untracked().unwrap_or_else(|| Err("the server is not known yet".to_owned()));
    let shared = session.as_ref().filter(|s| s.via == Via::Share).map(|s| s.host.clone().unwrap_or_default());
    let account = Account { session: access.session, sign_out: access.sign_out, admin_href: admin_href() };
    if let Some(shared) = &shared {
        super::url::name_shared(shared);
    }
    let wants_admin = crate::config::param("view").as_deref() == Some("admin") && shared.is_none();
    if !wants_admin {
        let live = use_live_metrics(located, shared, access.refused);
        return view! { <Shell live=live account=account /> }.into_any();
    }
    let is_admin = session.as_ref().is_some_and(|s| s.role == Role::Admin);
    let body = match located {
        Ok(config) if is_admin => super::on_demand::admin(config.server),
        _ => view! {
            <div class="banner error" data-testid="admin-refused" role="status">
                <strong>"Admins only"</strong>
                <span>"Managing users, tokens and share links needs an admin's sign-in."</span>
            </div>
        }
        .into_any(),
    };
    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand" aria-label="Pulse">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Pulse"
                </div>
                <a class="tool back" href=page_for(pulse_protocol::fleet::FLEET_HOST) data-testid="dashboard-link">"← Dashboard"</a>
                <div class="toolbar">
                    <AccountMenu session=account.session admin_href=String::new() sign_out=account.sign_out />
                </div>
            </header>
            <main>{body}</main>
        </div>
    }
    .into_any()
}

/// This page's address for the admin screens (keeping `?server=`).
fn admin_href() -> String {
    let page = page_for(pulse_protocol::fleet::FLEET_HOST);
    format!("{page}{}view=admin", if page.contains('?') { '&' } else { '?' })
}
