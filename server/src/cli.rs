//! `pulse-server user …` and `pulse-server token …`: managing who may sign in and
//! which tokens work, straight in the access file (`--data`), also while a hub
//! runs (it notices within a quarter of a second).

mod stdin;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use pulse_protocol::access::Role;
use pulse_protocol::WireName;

use crate::access::db::Db;
use crate::access::{check_user, now, password, secret, AccessError};
use crate::config::store::default_dir;

/// Manage the hub's users.
#[derive(Debug, Parser)]
#[command(name = "pulse-server user")]
pub struct UserCommand {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Add a user (or set an existing user's role and password); the password is
    /// read from standard input.
    Add {
        /// Their name (1 to 64 of A-Z a-z 0-9 . _ - @).
        name: String,
        /// `admin` (manages users, tokens, share links) or `viewer` (reads).
        #[arg(long, value_parser = role)]
        role: Role,
        #[command(flatten)]
        data: DataDir,
    },
    /// List the users.
    List {
        #[command(flatten)]
        data: DataDir,
    },
    /// Remove a user; their sessions end.
    Remove {
        /// Their name.
        name: String,
        #[command(flatten)]
        data: DataDir,
    },
}

/// Manage API tokens (for scripts and agents).
#[derive(Debug, Parser)]
#[command(name = "pulse-server token")]
pub struct TokenCommand {
    #[command(subcommand)]
    action: TokenAction,
}

#[derive(Debug, Subcommand)]
enum TokenAction {
    /// Make a token; its secret is printed alone on the last line (and never again).
    Create {
        /// `viewer` (reads), `admin`, or `agent` (pushes a host's samples, nothing else).
        #[arg(long, value_parser = role)]
        role: Role,
        /// A name to tell it by.
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        data: DataDir,
    },
    /// List the tokens (never their secrets).
    List {
        #[command(flatten)]
        data: DataDir,
    },
    /// Revoke a token by its id; streams using it are cut.
    Revoke {
        /// Its id, as `list` shows it.
        id: String,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Debug, clap::Args)]
struct DataDir {
    /// The hub's data directory (as its --data). Default: $XDG_DATA_HOME/pulse,
    /// else ~/.local/share/pulse.
    #[arg(long, env = "PULSE_DATA")]
    data: Option<PathBuf>,
}

impl DataDir {
    fn open(&self) -> Result<Db, AccessError> {
        Db::open(&self.data.clone().unwrap_or_else(default_dir))
    }
}

impl UserCommand {
    /// Does it; what to print.
    pub fn run(self) -> Result<String, AccessError> {
        match self.action {
            UserAction::Add { name, role, data } => {
                check_user(&name, role)?;
                let password = stdin::password(&format!("password for {name}: "))?;
                let phc = password::hash(&password)?;
                data.open()?.put_user(&name, role, &phc, now())?;
                Ok(format!("user {name} ({}) saved", role.as_str()))
            }
            UserAction::List { data } => {
                let users = data.open()?.users()?;
                Ok(users.iter().map(|(u, _)| format!("{}\t{}", u.name, u.role.as_str())).collect::<Vec<_>>().join("\n"))
            }
            UserAction::Remove { name, data } => {
                if !data.open()?.remove_user(&name)? {
                    return Err(AccessError::NotFound(format!("no user {name}")));
                }
                Ok(format!("user {name} removed"))
            }
        }
    }
}

impl TokenCommand {
    /// Does it; what to print.
    pub fn run(self) -> Result<String, AccessError> {
        match self.action {
            TokenAction::Create { role, label, data } => {
                let db = data.open()?;
                let secret = secret::new(secret::Kind::Token)?;
                let info = pulse_protocol::access::TokenInfo {
                    id: secret::new_id()?,
                    role,
                    label: label.trim().to_owned(),
                    created: now(),
                    last_used: None,
                };
                db.put_token(&info, &secret::digest(&secret))?;
                Ok(format!("token {} ({}) made; keep it now, it is not shown again:\n{secret}", info.id, role.as_str()))
            }
            TokenAction::List { data } => {
                let tokens = data.open()?.tokens()?;
                let line =
                    |t: &pulse_protocol::access::TokenInfo| format!("{}\t{}\t{}", t.id, t.role.as_str(), t.label);
                Ok(tokens.iter().map(line).collect::<Vec<_>>().join("\n"))
            }
            TokenAction::Revoke { id, data } => {
                if !data.open()?.remove_token(&id)? {
                    return Err(AccessError::NotFound(format!("no token {id}")));
                }
                Ok(format!("token {id} revoked"))
            }
        }
    }
}

fn role(text: &str) -> Result<Role, String> {
    Role::from_name(text).ok_or_else(|| format!("{text:?} is not a role: {}", Role::EXPECTED))
}
