//! The access state under concurrent changes: what the hub itself changes and what
//! a reload of the file (another hub's change arriving through the fleet's copy)
//! must never undo one another in memory.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use pulse_protocol::access::{Role, TokenInfo};

use super::db::{Row, RowKind};
use super::ledger::{hex, Body, Record};
use super::{now, Access, Settings};

fn access(name: &str) -> Arc<Access> {
    let dir = std::env::temp_dir().join(format!("pulse-access-race-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let settings = Settings {
        dir: Some(dir),
        loopback: true,
        public_read_only: false,
        session_ttl: std::time::Duration::from_secs(600),
        agent_tokens: Vec::new(),
        fleet: true,
    };
    Access::open(settings).unwrap()
}

/// Another hub's token, as the fleet's copy brings it (the `n`th).
fn remote_token(n: u64) -> (String, Record) {
    let mut digest = [0u8; 32];
    digest[..8].copy_from_slice(&n.to_le_bytes());
    let body = Body::Token { digest: hex(&digest), role: Role::Viewer, label: String::new(), created: n + 1 };
    (format!("token:remote{n}"), Record { at: n + 1, gone: false, until: None, body: Some(body) })
}

/// A change of this hub's (a new token) whose book edit is under way while the
/// fleet revokes another token (a write to the file and a reload of the book, on
/// another thread): the edit must not start from the book as it was before the
/// reload and put it back (the revocation undone in memory, until the next reload).
#[test]
fn a_reload_cannot_land_inside_a_change_and_be_undone_by_it() {
    let access = access("edit");
    let (key, remote) = remote_token(1);
    access.apply_from_fleet(&[(key.clone(), remote.clone())]).unwrap();
    let remote_secret_digest = match &remote.body {
        Some(Body::Token { digest, .. }) => digest.clone(),
        _ => unreachable!(),
    };
    assert!(access.book().entries_digest_hex().contains(&remote_secret_digest), "the fleet's token is live here");
    let tomb = Record { at: remote.at + 10, gone: true, until: None, body: None };

    let token =
        TokenInfo { id: "local".into(), role: Role::Viewer, label: String::new(), created: now(), last_used: None };
    let digest = [9u8; 32];
    let row = Row { id: token.id.clone(), digest, what: RowKind::Token { role: Role::Viewer }, expires: None };
    let (done, finished) = mpsc::channel();
    let mut fleet = None;
    access
        .change(
            |db| db.put_token(&token, &digest),
            |book, ()| {
                // The fleet's revocation arrives now, on its own thread; wait (a
                // bounded time) for it to finish, as it would if nothing held it back.
                let (other, tomb, key, done) = (Arc::clone(&access), tomb.clone(), key.clone(), done.clone());
                fleet = Some(std::thread::spawn(move || {
                    other.apply_from_fleet(&[(key, tomb)]).unwrap();
                    let _ = done.send(());
                }));
                let _ = finished.recv_timeout(Duration::from_millis(300));
                Some(book.with(row))
            },
        )
        .unwrap();
    fleet.expect("the fleet's thread ran").join().unwrap();
    let held = access.book().entries_digest_hex();
    assert!(!held.contains(&remote_secret_digest), "the fleet's revocation holds in memory");
    assert!(held.contains(&hex(&digest)), "this hub's new token is in memory");
}
