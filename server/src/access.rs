//! Who may see what: users (argon2id), sessions, API tokens, share links and the
//! agents' tokens, checked against the access file in the hub's data directory.
//!
//! The decisions are pure ([`grant::allows`], [`limiter`], [`credential`]); this
//! file holds the state between them: the [`book::Book`] in memory, kept in step
//! with the file (the `pulse-server user`/`token` commands write it while the hub
//! runs; a thread notices within [`TICK`]), the sign-in rate limits, and the
//! streams each credential holds, cut when it ends. `crate::gate` asks it about
//! every request.
//!
//! With `--redis`, the fleet's hubs share these records through Redis
//! ([`ledger`], [`mirror`], `crate::redis::access`): a change made here is pushed at
//! once, and a secret this hub does not know is looked up there before it is refused.
//!
//! A hub listening on loopback with no users is open (everyone is an admin, as
//! before there were users); with `--redis`, only once it has read the fleet's
//! copy and found no users there either ([`open`]). One started with
//! `--public-read-only` lets everyone read. Nothing else is served without a
//! credential.

pub mod agent_tokens;
pub mod book;
pub mod credential;
pub mod db;
pub mod grant;
mod hasher;
pub mod ledger;
pub mod limiter;
pub mod local;
pub mod mirror;
pub mod open;
pub mod password;
pub mod secret;
mod sign_in;
mod streams;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock, Weak};
use std::time::Duration;

use axum::http::HeaderMap;
use pulse_protocol::access::{Created, Role, ShareInfo, TokenInfo, UserInfo, Via};

use crate::listen::conn::Link;
use agent_tokens::AgentTokens;
use book::Book;
use db::{Db, Row, RowKind};
use grant::Grant;
use ledger::{Record, Records};
use limiter::{Limiter, Rule};
use mirror::Mirror;
pub use sign_in::SignInError;
use streams::Streams;

/// How often the hub looks for changes to the access file and expired credentials.
pub const TICK: Duration = Duration::from_millis(250);
/// Sign-in attempts from one address: 10 at once, then one every 6 s.
pub const PER_ADDRESS: Rule = Rule { burst: 10, refill_ms: 6_000 };
/// Sign-in attempts for one user name, from anywhere: 5 at once, then one every
/// 30 s (a success gives its attempt back).
pub const PER_USER: Rule = Rule { burst: 5, refill_ms: 30_000 };
/// How long a sign-in waits for its session to reach the fleet's copy, and a
/// secret this hub does not know for the copy to be read, before going on without.
pub const FLEET_WAIT: Duration = Duration::from_millis(1_000);
/// Most keys each limiter remembers.
const LIMITER_KEYS: usize = 100_000;

/// What can go wrong with the access file or a request to change it.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The file cannot be read or written.
    #[error("the access file {path} cannot be used: {reason}")]
    File {
        /// Which file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file is not Pulse's.
    #[error("{0} is not a Pulse access file; move it away (Pulse never changes a file it did not make)")]
    Foreign(PathBuf),
    /// A newer Pulse wrote it.
    #[error("{path} was written by a newer Pulse (schema {found}, this one knows {known}); upgrade pulse-server")]
    Newer {
        /// Which file.
        path: PathBuf,
        /// Its schema.
        found: i64,
        /// This build's.
        known: i64,
    },
    /// The system's random generator failed.
    #[error("the system's random generator failed")]
    Random,
    /// Hashing a password failed.
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// A request that cannot be done as asked; the text says why.
    #[error("{0}")]
    Invalid(String),
    /// No such user, token or link.
    #[error("{0}")]
    NotFound(String),
    /// Would leave the hub without an admin.
    #[error("{0}")]
    Conflict(String),
    /// The hub has no data directory, so nothing can be stored.
    #[error("this hub keeps no data directory (--no-store without --data), so it cannot keep users or tokens")]
    NoFile,
}

impl AccessError {
    fn file(path: &Path, error: std::io::Error) -> Self {
        AccessError::File { path: path.to_owned(), reason: error.to_string() }
    }

    fn sql(path: &Path, error: rusqlite::Error) -> Self {
        AccessError::File { path: path.to_owned(), reason: error.to_string() }
    }
}

/// How an access check is set up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data directory (`--data`); none: no users can exist.
    pub dir: Option<PathBuf>,
    /// Whether the hub listens on loopback only.
    pub loopback: bool,
    /// `--public-read-only`: everyone may read without signing in.
    pub public_read_only: bool,
    /// How long a session lasts.
    pub session_ttl: Duration,
    /// `--agent-token`s.
    pub agent_tokens: Vec<String>,
    /// `--redis`: the users may come from the fleet's copy (until they do, a
    /// non-loopback hub without users serves nothing without a credential, and a
    /// loopback one is not open before it has read the copy).
    pub fleet: bool,
}

/// The hub's access state.
pub struct Access {
    settings: Settings,
    db: Mutex<Option<(Db, i64)>>,
    book: RwLock<Arc<Book>>,
    agent_flags: AgentTokens,
    limits: Mutex<(Limiter<IpAddr>, Limiter<String>)>,
    hasher: hasher::Hasher,
    streams: Streams,
    used: Mutex<Vec<(String, u64)>>,
    /// The fleet's copy, with `--redis`.
    mirror: OnceLock<Arc<Mirror>>,
    /// Raised by every change to the access file (this hub's, or another process's
    /// seen by [`Access::refresh`]), so the fleet's copy is compared only then.
    changes: AtomicU64,
}

/// A presented credential the hub does not know (or no longer: revoked, expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unrecognised;

impl Access {
    /// Opens the access file. A missing file is made when the first user or token
    /// is; one that exists but cannot be read is an error (a hub that had users
    /// must never start open).
    pub fn open(settings: Settings) -> Result<Arc<Access>, AccessError> {
        let exists = |dir: &Path| {
            let path = dir.join(db::FILE);
            path.try_exists().map_err(|e| AccessError::file(&path, e))
        };
        let db = match &settings.dir {
            Some(dir) if exists(dir)? => Some(Db::open(dir)?),
            Some(dir) => match Db::open(dir) {
                Ok(db) => Some(db),
                Err(error) => {
                    tracing::warn!(%error, "cannot make the access file: this hub can have no users or tokens");
                    None
                }
            },
            None => None,
        };
        let book = match &db {
            Some(db) => Book::load(db)?,
            None => Book::default(),
        };
        let db = match db {
            Some(db) => {
                let version = db.version()?;
                Some((db, version))
            }
            None => None,
        };
        let access = Arc::new(Access {
            agent_flags: AgentTokens::new(&settings.agent_tokens),
            settings,
            db: Mutex::new(db),
            book: RwLock::new(Arc::new(book)),
            limits: Mutex::new((Limiter::new(PER_ADDRESS, LIMITER_KEYS), Limiter::new(PER_USER, LIMITER_KEYS))),
            hasher: hasher::Hasher::spawn(),
            streams: Streams::default(),
            used: Mutex::new(Vec::new()),
            mirror: OnceLock::new(),
            changes: AtomicU64::new(0),
        });
        spawn_ticks(Arc::downgrade(&access));
        Ok(access)
    }

    /// Refuses to serve a non-loopback address with no user, unless told it is
    /// public and read-only.
    pub fn check_start(&self, listen: std::net::SocketAddr) -> Result<(), String> {
        if self.settings.loopback || self.settings.public_read_only || self.book().has_users() {
            return Ok(());
        }
        if self.settings.fleet {
            tracing::info!(
                "no users here yet: they come from the fleet's copy in redis; nothing is served without one"
            );
            return Ok(());
        }
        let data = self.settings.dir.as_ref().map_or_else(|| "DIR".to_owned(), |d| d.display().to_string());
        Err(format!(
            "refusing to serve {listen} without sign-in: anyone who reaches it would read every host. Add an admin \
             first: `pulse-server user add NAME --role admin --data {data}` (it reads the password from standard \
             input); or pass --public-read-only to let everyone read without signing in; or listen on 127.0.0.1"
        ))
    }

    /// Who presents `headers`: `Ok(None)` for nobody (and the hub is not open),
    /// `Err` for a credential the hub does not know.
    pub fn recognise(&self, headers: &HeaderMap) -> Result<Option<Grant>, Unrecognised> {
        let now = now();
        let Some(presented) = credential::presented(headers) else {
            return Ok(self.open_grant_for(headers));
        };
        let digest = secret::digest(presented.secret);
        if let Some(grant) = self.book().grant(&digest, now, presented.cookie) {
            self.note_use(&grant, now);
            return Ok(Some(grant));
        }
        // Perhaps made a moment ago by `pulse-server token create`.
        self.refresh();
        if let Some(grant) = self.book().grant(&digest, now, presented.cookie) {
            return Ok(Some(grant));
        }
        if !presented.cookie && self.agent_flags.accepts(presented.secret) {
            let grant = Grant {
                role: Role::Agent,
                via: Via::Token,
                user: None,
                id: None,
                host: None,
                expires: None,
                cookie: false,
            };
            return Ok(Some(grant));
        }
        if presented.cookie {
            // A stale cookie is not a claim: the browser sends it by itself.
            return Ok(self.open_grant_for(headers));
        }
        Err(Unrecognised)
    }

    /// [`Access::recognise`], after reading the fleet's copy at once (bounded by
    /// [`FLEET_WAIT`]) when the request presents a secret this hub does not know:
    /// one made on another hub a moment ago.
    pub async fn recognise_in_fleet(&self, headers: &HeaderMap) -> Result<Option<Grant>, Unrecognised> {
        if let (Some(mirror), Some(presented)) = (self.mirror.get(), credential::presented(headers)) {
            let digest = secret::digest(presented.secret);
            let agent = !presented.cookie && self.agent_flags.accepts(presented.secret);
            if !agent && self.book().grant(&digest, now(), presented.cookie).is_none() {
                mirror.sync(FLEET_WAIT).await;
            }
        }
        self.recognise(headers)
    }

    /// With `--redis`, waits (at most [`FLEET_WAIT`], and only while Redis answers)
    /// until a change just made is in the fleet's copy: a new token's or share
    /// link's secret is handed out once every hub can check it.
    pub async fn reach_fleet(&self) {
        if let Some(mirror) = self.mirror.get() {
            mirror.sync(FLEET_WAIT).await;
        }
    }

    /// The link to the fleet's copy, with `--redis` (for `/healthz`).
    pub fn mirror(&self) -> Option<&Arc<Mirror>> {
        self.mirror.get()
    }

    /// Shares the access records with the fleet: the task that keeps the copy
    /// (`crate::redis::access`) calls this once and drives the link it returns.
    pub fn share_with_fleet(&self) -> Arc<Mirror> {
        Arc::clone(self.mirror.get_or_init(|| Arc::new(Mirror::default())))
    }

    /// How many changes the access file has seen (compare two readings).
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }

    /// Every record of the access file, as the fleet shares them.
    pub fn ledger(&self) -> Result<Records, AccessError> {
        self.refresh();
        self.with_db(|db| db.ledger())
    }

    /// Writes what other hubs changed (what still wins against the file as it is
    /// now: `db::Db::apply`), then cuts the streams of whatever it ended. Whether
    /// it wrote anything.
    pub fn apply_from_fleet(&self, records: &[(String, Record)]) -> Result<bool, AccessError> {
        let written = self.with_db(|db| db.apply(records))?;
        if written.is_empty() {
            return Ok(false);
        }
        self.changed();
        self.reload();
        self.cut_dead();
        Ok(true)
    }

    /// Whether this hub keeps an access file (else it only reads the fleet's copy,
    /// to know whether the fleet has users).
    pub fn keeps_file(&self) -> bool {
        self.lock_db().is_some()
    }

    /// What this hub knows of the fleet's users.
    fn fleet(&self) -> open::Fleet {
        if !self.settings.fleet {
            return open::Fleet::Alone;
        }
        match self.mirror.get().and_then(|mirror| mirror.fleet()) {
            Some(reading) => open::Fleet::Read { users: reading.users, age: reading.at.elapsed() },
            None => open::Fleet::Unread,
        }
    }

    /// Whether a request without a credential is refused only because this hub
    /// has not yet read the fleet's copy (then the refusal says so).
    pub fn waits_for_fleet(&self) -> bool {
        !self.settings.public_read_only
            && open::opening(self.settings.loopback, self.has_users(), self.fleet()) == open::Opening::Waiting
    }

    /// Notes a change this hub made and asks the fleet's copy to take it.
    fn changed(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        if let Some(mirror) = self.mirror.get() {
            mirror.nudge();
        }
    }

    /// What a request without a credential may do: admin on a loopback hub without
    /// users when the request comes from this machine (`local`: not through a
    /// proxy, not by a public name), read with `--public-read-only`, else nothing.
    pub fn open_grant_for(&self, headers: &HeaderMap) -> Option<Grant> {
        let grant = self.open_grant()?;
        if grant.role == Role::Admin && !local::from_this_machine(headers) {
            return self.settings.public_read_only.then_some(Grant { role: Role::Viewer, ..grant });
        }
        Some(grant)
    }

    /// What anyone may do without a credential: admin on a loopback hub without
    /// users (with `--redis`, in the whole fleet: [`open`]), read with
    /// `--public-read-only`, else nothing.
    pub fn open_grant(&self) -> Option<Grant> {
        let opening = open::opening(self.settings.loopback, self.book().has_users(), self.fleet());
        let role = if opening == open::Opening::Open {
            Role::Admin
        } else if self.settings.public_read_only {
            Role::Viewer
        } else {
            return None;
        };
        Some(Grant { role, via: Via::Open, user: None, id: None, host: None, expires: None, cookie: false })
    }

    /// Whether the hub has users.
    pub fn has_users(&self) -> bool {
        self.book().has_users()
    }

    /// Whether any agent could push here (an `--agent-token`, or an agent token made
    /// with `pulse-server token create --role agent`).
    pub fn takes_agents(&self) -> bool {
        self.agent_flags.any()
            || self.with_db(|db| Ok(db.tokens()?.iter().any(|t| t.role == Role::Agent))).unwrap_or(false)
    }

    /// Keeps a stream opened with `grant`, to cut it when the grant ends.
    pub fn hold(&self, grant: &Grant, link: &Arc<Link>) {
        match (&grant.id, grant.via) {
            (Some(id), _) => self.streams.hold(id, link),
            (None, Via::Open) => self.streams.hold(streams::OPEN, link),
            (None, _) => {}
        }
    }

    /// Ends a session (signing out), cutting its streams.
    pub fn end_session(&self, grant: &Grant) -> Result<(), AccessError> {
        let Some(id) = grant.id.as_deref().filter(|_| grant.via == Via::Session) else {
            return Ok(());
        };
        self.change(|db| db.remove_session(id), |book, ()| Some(book.without(id)))?;
        self.streams.cut(id);
        self.changed();
        Ok(())
    }

    /// Makes an API token.
    pub fn create_token(&self, role: Role, label: &str) -> Result<Created<TokenInfo>, AccessError> {
        let label = checked_label(label)?;
        let secret = secret::new(secret::Kind::Token)?;
        let info = TokenInfo { id: secret::new_id()?, role, label, created: now(), last_used: None };
        let digest = secret::digest(&secret);
        let row = Row { id: info.id.clone(), digest, what: RowKind::Token { role }, expires: None };
        self.change(|db| db.put_token(&info, &digest), |book, ()| Some(book.with(row)))?;
        self.changed();
        Ok(Created { info, secret })
    }

    /// Every API token.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, AccessError> {
        self.with_db(|db| db.tokens())
    }

    /// Revokes a token, cutting its streams.
    pub fn revoke_token(&self, id: &str) -> Result<(), AccessError> {
        if !self.change(|db| db.remove_token(id), |book, removed| removed.then(|| book.without(id)))? {
            return Err(AccessError::NotFound(format!("no token {}", crate::quote::shown(id))));
        }
        self.streams.cut(id);
        self.changed();
        Ok(())
    }

    /// Makes a share link for `host` (`@fleet`: the fleet overview).
    pub fn create_share(
        &self,
        host: &str,
        expires_in: Duration,
        label: &str,
    ) -> Result<Created<ShareInfo>, AccessError> {
        let label = checked_label(label)?;
        let secret = secret::new(secret::Kind::Share)?;
        let created = now();
        let expires = created.saturating_add(u64::try_from(expires_in.as_millis()).unwrap_or(u64::MAX));
        let info = ShareInfo { id: secret::new_id()?, host: host.to_owned(), label, created, expires };
        let digest = secret::digest(&secret);
        let row =
            Row { id: info.id.clone(), digest, what: RowKind::Share { host: host.to_owned() }, expires: Some(expires) };
        self.change(|db| db.put_share(&info, &digest), |book, ()| Some(book.with(row)))?;
        self.changed();
        Ok(Created { info, secret })
    }

    /// Every live share link.
    pub fn shares(&self) -> Result<Vec<ShareInfo>, AccessError> {
        self.with_db(|db| db.shares(now()))
    }

    /// Revokes a share link, cutting every page that uses it.
    pub fn revoke_share(&self, id: &str) -> Result<(), AccessError> {
        if !self.change(|db| db.remove_share(id), |book, removed| removed.then(|| book.without(id)))? {
            return Err(AccessError::NotFound(format!("no share link {}", crate::quote::shown(id))));
        }
        self.streams.cut(id);
        self.changed();
        Ok(())
    }

    /// Every user.
    pub fn users(&self) -> Result<Vec<UserInfo>, AccessError> {
        Ok(self.with_db(|db| db.users())?.into_iter().map(|(info, _)| info).collect())
    }

    /// Adds a user (hashing on a blocking thread); the first one closes an open hub.
    pub async fn add_user(&self, name: &str, role: Role, password: &str) -> Result<UserInfo, AccessError> {
        check_user(name, role)?;
        password::check_len(password)?;
        if self.book().user(name).is_some() {
            return Err(AccessError::Conflict(format!("user {name} exists; remove them first to change them")));
        }
        let owned = password.to_owned();
        let phc =
            self.hasher.run(move || password::hash(&owned)).await.map_err(|_| {
                AccessError::Conflict("the hub is busy checking passwords; try again in a moment".into())
            })??;
        let info = UserInfo { name: name.to_owned(), role, created: now() };
        self.with_db(|db| db.put_user(name, role, &phc, info.created))?;
        self.reload();
        self.changed();
        Ok(info)
    }

    /// Removes a user and ends their sessions; never the last admin.
    pub fn remove_user(&self, name: &str) -> Result<(), AccessError> {
        let book = self.book();
        let Some((role, _)) = book.user(name) else {
            return Err(AccessError::NotFound(format!("no user {}", crate::quote::shown(name))));
        };
        if *role == Role::Admin && book.admins() == 1 {
            return Err(AccessError::Conflict("that is the last admin; add another admin first".into()));
        }
        self.with_db(|db| db.remove_user(name))?;
        self.reload();
        self.cut_dead();
        self.changed();
        Ok(())
    }

    fn book(&self) -> Arc<Book> {
        Arc::clone(&self.book.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn set_book(&self, book: Book) {
        *self.book.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(book);
    }

    /// Writes the access file and edits the book (`edit`: the book after the write,
    /// or none to keep it) under the file's lock, which every reload holds from
    /// reading the file to replacing the book: a reload that read the file before
    /// this write can never replace the book after it (a revocation undone in
    /// memory, a new session forgotten).
    fn change<T>(
        &self,
        write: impl FnOnce(&Db) -> Result<T, AccessError>,
        edit: impl FnOnce(&Book, &T) -> Option<Book>,
    ) -> Result<T, AccessError> {
        let guard = self.lock_db();
        let Some((db, _)) = guard.as_ref() else { return Err(AccessError::NoFile) };
        let written = write(db)?;
        let mut book = self.book.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(next) = edit(&book, &written) {
            *book = Arc::new(next);
        }
        Ok(written)
    }

    fn lock_db(&self) -> MutexGuard<'_, Option<(Db, i64)>> {
        self.db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn with_db<T>(&self, f: impl FnOnce(&Db) -> Result<T, AccessError>) -> Result<T, AccessError> {
        match self.lock_db().as_ref() {
            Some((db, _)) => f(db),
            None => Err(AccessError::NoFile),
        }
    }

    /// Reloads the book if another process changed the file.
    fn refresh(&self) {
        let mut guard = self.lock_db();
        let Some((db, seen)) = guard.as_mut() else { return };
        match db.version() {
            Ok(version) if version != *seen => {
                *seen = version;
                self.changes.fetch_add(1, Ordering::SeqCst);
                if let Some(mirror) = self.mirror.get() {
                    mirror.nudge();
                }
                match Book::load(db) {
                    Ok(book) => self.set_book(book),
                    Err(error) => tracing::warn!(%error, "cannot reread the access file; keeping what was read"),
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot check the access file"),
        }
    }

    /// Reloads the book after this hub changed the file itself.
    fn reload(&self) {
        let guard = self.lock_db();
        if let Some((db, _)) = guard.as_ref() {
            match Book::load(db) {
                Ok(book) => self.set_book(book),
                Err(error) => tracing::warn!(%error, "cannot reread the access file"),
            }
        }
    }

    /// Cuts the streams of credentials that ended (revoked elsewhere, expired, their
    /// user removed) and anonymous ones once the hub is no longer open.
    fn cut_dead(&self) {
        let book = self.book();
        let now = now();
        let open = self.open_grant().is_some();
        let ids = self.streams.ids();
        if ids.is_empty() {
            return;
        }
        let live_ids = book.live_ids(now);
        for id in ids {
            let live = if id == streams::OPEN { open } else { live_ids.contains(id.as_str()) };
            if !live {
                let cut = self.streams.cut(&id);
                tracing::info!(streams = cut, "cut the streams of a credential that ended");
            }
        }
    }

    fn note_use(&self, grant: &Grant, now: u64) {
        if let (Via::Token, Some(id)) = (grant.via, &grant.id) {
            let mut used = self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let minute = now - now % 60_000;
            if !used.iter().any(|(seen, at)| seen == id && *at == minute) {
                used.retain(|(seen, _)| seen != id);
                used.push((id.clone(), minute));
            }
        }
    }

    /// One tick: the file's changes, ended credentials, and now and then pruning.
    fn tick(&self, round: u64) {
        self.refresh();
        self.cut_dead();
        if round.is_multiple_of(240) {
            let used = std::mem::take(&mut *self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
            let result = self.with_db(|db| {
                db.touch_tokens(&used)?;
                db.prune(now())
            });
            match result {
                Ok(()) | Err(AccessError::NoFile) => {}
                Err(error) => tracing::warn!(%error, "cannot tidy the access file"),
            }
        }
    }
}

fn spawn_ticks(access: Weak<Access>) {
    let spawned = std::thread::Builder::new().name("pulse-access".into()).spawn(move || {
        let mut round = 0u64;
        loop {
            std::thread::sleep(TICK);
            let Some(access) = access.upgrade() else { return };
            access.tick(round);
            round += 1;
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start the access thread: revocations from the command line wait for a request");
    }
}

/// Now, in ms since the epoch.
pub fn now() -> u64 {
    u64::try_from(crate::hub::now_ms()).unwrap_or(0)
}

/// A user name: 1 to 64 of `A-Z a-z 0-9 . _ - @`; and a user's role is admin or viewer.
pub fn check_user(name: &str, role: Role) -> Result<(), AccessError> {
    let ok =
        !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if !ok {
        return Err(AccessError::Invalid(format!(
            "a user name is 1 to 64 of A-Z a-z 0-9 . _ - @, got {}",
            crate::quote::shown(name)
        )));
    }
    if role == Role::Agent {
        return Err(AccessError::Invalid("a user is an admin or a viewer; agents use tokens".into()));
    }
    Ok(())
}

fn checked_label(label: &str) -> Result<String, AccessError> {
    let label = label.trim();
    if label.chars().count() > 100 || label.chars().any(char::is_control) {
        return Err(AccessError::Invalid("a label is at most 100 characters, without control characters".into()));
    }
    Ok(label.to_owned())
}

#[cfg(test)]
mod tests;
