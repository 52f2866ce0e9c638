//! The access screens' words for what happened: sign-in errors, roles, expiry.

use pulse_protocol::access::{Role, Session, Via};

use crate::transport::HttpError;

/// What the sign-in form says when a sign-in failed.
pub fn sign_in_error(error: &HttpError) -> String {
    match error {
        HttpError::Status { status: 429, retry_after_ms, .. } => match retry_after_ms {
            Some(ms) => format!("Too many attempts, try again in {} s.", (ms / 1000.0).ceil().max(1.0) as u64),
            None => "Too many attempts, try again in a moment.".to_owned(),
        },
        HttpError::Status { status: 401, detail, .. } => {
            if detail.is_empty() {
                "Wrong user name or password.".to_owned()
            } else {
                capitalised(detail)
            }
        }
        HttpError::Status { detail, .. } => capitalised(detail),
        HttpError::Network(_) => "The server did not answer. Check that it is running and reachable.".to_owned(),
        HttpError::Body(why) => format!("The server's answer was unreadable ({why})."),
    }
}

/// The role's name for people.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Viewer => "viewer",
        Role::Agent => "agent",
    }
}

/// Whether the header shows who is signed in (nothing on an open hub without users).
pub fn shows_account(session: &Session) -> bool {
    session.via != Via::Open || session.users
}

/// What the header calls the caller: the user, or how they came in.
pub fn who(session: &Session) -> String {
    match (&session.user, session.via) {
        (Some(user), _) => user.clone(),
        (None, Via::Token) => "API token".to_owned(),
        (None, Via::Share) => "shared link".to_owned(),
        (None, _) => "anyone".to_owned(),
    }
}

/// A moment as people read it: `5 Dec 14:05`, in the zone `offset_minutes` east of UTC.
pub fn when(ms: u64, offset_minutes: f64) -> String {
    let ms = ms as f64;
    format!("{} {}", crate::format::calendar::day(ms, offset_minutes), crate::format::clock(ms, offset_minutes, false))
}

/// `detail` with a capital first letter and a full stop, as a sentence on screen.
fn capitalised(detail: &str) -> String {
    let mut chars = detail.chars();
    let Some(first) = chars.next() else { return String::new() };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, detail: &str, retry_after_ms: Option<f64>) -> HttpError {
        HttpError::Status { status, detail: detail.to_owned(), code: String::new(), retry_after_ms }
    }

    #[test]
    fn sign_in_errors_say_what_to_do() {
        let cases = [
            (status(429, "slow down", Some(30_000.0)), "Too many attempts, try again in 30 s."),
            (status(429, "slow down", Some(500.0)), "Too many attempts, try again in 1 s."),
            (status(429, "", None), "Too many attempts, try again in a moment."),
            (status(401, "wrong user name or password", None), "Wrong user name or password."),
            (status(401, "", None), "Wrong user name or password."),
            (status(403, "origin http://x is not allowed", None), "Origin http://x is not allowed."),
            (
                HttpError::Network("TypeError".into()),
                "The server did not answer. Check that it is running and reachable.",
            ),
        ];
        for (error, want) in cases {
            assert_eq!(sign_in_error(&error), want, "{error:?}");
        }
    }

    #[test]
    fn moments_read_as_day_and_time() {
        assert_eq!(when(1_765_000_000_000, 0.0), "6 Dec 05:46");
        assert_eq!(when(1_765_000_000_000, 60.0), "6 Dec 06:46");
    }

    #[test]
    fn the_header_names_who_is_signed_in_except_on_an_open_hub() {
        let session = |user: Option<&str>, via, users| Session {
            user: user.map(str::to_owned),
            role: Role::Viewer,
            via,
            expires: None,
            host: None,
            users,
            token: None,
        };
        assert!(!shows_account(&session(None, Via::Open, false)));
        assert!(shows_account(&session(None, Via::Open, true)), "a public read-only hub can still sign in");
        assert_eq!(who(&session(Some("ada"), Via::Session, true)), "ada");
        assert_eq!(who(&session(None, Via::Token, true)), "API token");
        assert_eq!(who(&session(None, Via::Share, true)), "shared link");
    }
}
