//! Signing in: the rate limits first (per address, and per user name whatever the
//! address), then, with `--redis`, a round of the fleet's copy (so a user made or a
//! password reset on another hub a moment ago counts here), then the password check
//! on the low-priority password thread (`hasher`), then a new session in the access
//! file (and, with `--redis`, in the fleet's copy before its secret is handed out).

use std::net::IpAddr;

use pulse_protocol::access::Via;

use super::db::{Row, RowKind};
use super::grant::Grant;
use super::{now as now_ms, password, secret, Access, AccessError};

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many attempts: come back after this many seconds.
    #[error("too many sign-in attempts; try again in {0} s")]
    Limited(u64),
    /// The password thread's queue is full: try again in a second.
    #[error("the hub is busy checking passwords; try again in a moment")]
    Busy,
    /// Unknown user or wrong password (never saying which).
    #[error("wrong user name or password")]
    Wrong,
    /// The access file failed.
    #[error(transparent)]
    Access(#[from] AccessError),
}

impl Access {
    /// Checks `user`'s `password` for a client at `address`; a new session's secret
    /// and grant.
    pub async fn sign_in(&self, user: &str, password: &str, address: IpAddr) -> Result<(String, Grant), SignInError> {
        let name = user.trim().to_owned();
        let limit_key = name.to_lowercase().chars().take(64).collect::<String>();
        {
            let now = now_ms();
            let mut limits = self.limits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let (by_address, by_user) = &mut *limits;
            let address_wait = by_address.take(&address, now).err();
            let user_wait = if address_wait.is_none() { by_user.take(&limit_key, now).err() } else { None };
            if let Some(wait) = address_wait.into_iter().chain(user_wait).max() {
                return Err(SignInError::Limited(wait.div_ceil(1000).max(1)));
            }
        }
        // With `--redis`, a round first: a user made (or a password reset) on
        // another hub a moment ago is known here too. Every sign-in waits for it,
        // known user or not, so its time says nothing of which names exist.
        self.reach_fleet().await;
        let phc = self.book().user(&name).map(|(_, phc)| phc.clone());
        let offered = password.to_owned();
        let checked = phc.clone();
        let matches = self
            .hasher
            .run(move || password::verify(&offered, checked.as_deref()))
            .await
            .map_err(|_| SignInError::Busy)?;
        if !matches {
            return Err(SignInError::Wrong);
        }
        self.limits.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).1.give_back(&limit_key);
        let Some((role, _)) = self.book().user(&name).cloned() else {
            return Err(SignInError::Wrong);
        };
        let secret = secret::new(secret::Kind::Session)?;
        let digest = secret::digest(&secret);
        let id = secret::new_id()?;
        let now = now_ms();
        let expires = now.saturating_add(u64::try_from(self.settings.session_ttl.as_millis()).unwrap_or(u64::MAX));
        let row = Row { id: id.clone(), digest, what: RowKind::Session { user: name.clone() }, expires: Some(expires) };
        let Some(phc) = phc else { return Err(SignInError::Wrong) };
        // Recorded only if the password checked is still the user's: a reset that
        // landed during the check (here, or from the fleet) is not undone by it.
        let made = self.change(
            |db| db.put_session(&id, &digest, (&name, &phc), now, expires),
            |book, made| made.then(|| book.with(row)),
        )?;
        if !made {
            return Err(SignInError::Wrong);
        }
        self.changed();
        // The page may be moved to another hub at once: the session goes to the
        // fleet's copy first (or, without Redis, stays here and goes when it returns).
        self.reach_fleet().await;
        let grant = Grant {
            role,
            via: Via::Session,
            user: Some(name),
            id: Some(id),
            host: None,
            expires: Some(expires),
            cookie: false,
        };
        Ok((secret, grant))
    }
}
