//! `use_access`: who this page is to the hub, and the way in.
//!
//! At start it takes a share link's secret out of the address bar (`#share=…`,
//! kept in `sessionStorage`), finds the server, and asks `GET /api/v1/session`:
//! 200 is [`Phase::Ready`], 401 is the sign-in page (or, for a share link, the
//! revoked state). Signing in keeps the session's secret when the hub gives one
//! (a page on another origin) and sends it as the bearer on every request; any
//! later 401 (a transport, a fetch, a cut stream's check) comes back here.

pub mod api;
mod storage;

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::access::{Session, Via};

use crate::access::{after_refusal, words, Phase};
use crate::config::{self, ClientConfig};
use crate::transport::credential;

/// The page's access, as signals and callbacks.
#[derive(Clone, Copy)]
pub struct Access {
    /// What the app shows.
    pub phase: Signal<Phase>,
    /// Who the hub says this page is (none: not asked yet, or an older hub).
    pub session: Signal<Option<Session>>,
    /// The located server, or why the page cannot start (kept for the dashboard).
    pub config: Signal<Option<Result<ClientConfig, String>>>,
    /// The sign-in form's state.
    pub form: SignInForm,
    /// Signs in with a user name and password.
    pub sign_in: Callback<(String, String)>,
    /// Signs out (and drops any bearer held); on an open hub that has users
    /// (`--public-read-only`), opens the sign-in page instead.
    pub sign_out: Callback<()>,
    /// The hub refused the page's credential: to sign-in, or to the revoked state.
    pub refused: Callback<()>,
}

/// What the sign-in form shows.
#[derive(Clone, Copy)]
pub struct SignInForm {
    /// The last attempt's error, in words.
    pub error: Signal<Option<String>>,
    /// Whether a sign-in is in flight.
    pub busy: Signal<bool>,
    /// Why the page is asking (e.g. the session ended), shown above the form.
    pub notice: Signal<Option<String>>,
}

/// Starts the access check; see the module docs.
pub fn use_access() -> Access {
    let (phase, set_phase) = signal(Phase::Checking);
    let (session, set_session) = signal(None::<Session>);
    let (config, set_config) = signal(None::<Result<ClientConfig, String>>);
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let (notice, set_notice) = signal(None::<String>);

    // The share secret leaves the address bar at once; it and any kept session
    // secret are handed to a server only once it is known to be theirs.
    let landed = storage::take_share_from_address();
    let (holds_share, set_holds_share) = signal(false);
    let forget_secrets = move || {
        credential::set_bearer(None);
        if let Some(Ok(located)) = config.get_untracked() {
            storage::forget_session_secret(&located.server);
            if holds_share.get_untracked() {
                storage::forget_share(&located.server);
            }
        }
    };

    let refused = Callback::new(move |()| {
        if phase.get_untracked() != Phase::Ready {
            return;
        }
        forget_secrets();
        let share = holds_share.get_untracked();
        if !share {
            set_notice.set(Some("Your session ended. Sign in again to go on.".to_owned()));
        }
        set_phase.set(after_refusal(share));
    });
    let hook = Rc::new(move || refused.run(()));
    credential::on_unauthorized(Some(hook));
    on_cleanup(|| credential::on_unauthorized(None));

    spawn_local(async move {
        let located = config::locate().await.map_err(|e| e.to_string());
        let server = located.as_ref().ok().map(|c| c.server.clone());
        set_config.set(Some(located));
        let Some(server) = server else { return set_phase.set(Phase::Ready) };
        if let Some(secret) = &landed {
            storage::keep_share(&server, secret);
        }
        let share = landed.or_else(|| storage::share_for(&server));
        set_holds_share.set(share.is_some());
        credential::set_bearer(share.or_else(|| storage::session_for(&server)));
        match api::session(&server).await {
            Ok(who) => {
                set_session.set(Some(who));
                set_phase.set(Phase::Ready);
            }
            Err(error) if error.is_unauthorized() => {
                forget_secrets();
                set_phase.set(after_refusal(holds_share.get_untracked()));
            }
            // An older hub (no sign-in), or none reachable: the dashboard says which.
            Err(_) => set_phase.set(Phase::Ready),
        }
    });

    let sign_in = Callback::new(move |(user, password): (String, String)| {
        let Some(Ok(located)) = config.get_untracked() else { return };
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            let result = api::sign_in(&located.server, &user, &password).await;
            set_busy.set(false);
            match result {
                Ok(who) => {
                    // Only a page on another origin is given the secret: it has no cookie.
                    credential::set_bearer(who.token.clone());
                    storage::save_session_secret(&located.server, who.token.as_deref());
                    storage::forget_share(&located.server);
                    set_holds_share.set(false);
                    set_session.set(Some(who));
                    set_notice.set(None);
                    set_phase.set(Phase::Ready);
                }
                Err(error) => set_error.set(Some(words::sign_in_error(&error))),
            }
        });
    });

    let sign_out = Callback::new(move |()| {
        if session.with_untracked(|s| s.as_ref().is_some_and(|s| s.via == Via::Open)) {
            set_notice.set(None);
            return set_phase.set(Phase::SignIn);
        }
        let Some(Ok(located)) = config.get_untracked() else { return };
        spawn_local(async move {
            // Signed out here whatever the hub answers: the secret is dropped.
            let _ = api::sign_out(&located.server).await;
            credential::set_bearer(None);
            storage::forget_session_secret(&located.server);
            set_session.set(None);
            set_notice.set(Some("You signed out.".to_owned()));
            set_phase.set(Phase::SignIn);
        });
    });

    Access {
        phase: phase.into(),
        session: session.into(),
        config: config.into(),
        form: SignInForm { error: error.into(), busy: busy.into(), notice: notice.into() },
        sign_in,
        sign_out,
        refused,
    }
}
