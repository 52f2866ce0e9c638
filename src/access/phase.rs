//! Where the page is in getting access: the page the app shows for each.

/// What the app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Asking the hub who this page is.
    Checking,
    /// The hub wants a sign-in.
    SignIn,
    /// The share link this page was opened with no longer works.
    Revoked,
    /// Signed in, or no sign-in needed: the dashboard (or the admin screens).
    Ready,
}

/// The phase after the hub refused the page's credential (401): a page opened from
/// a share link cannot sign in as anyone, so it says the link stopped working.
pub fn after_refusal(holds_share: bool) -> Phase {
    if holds_share {
        Phase::Revoked
    } else {
        Phase::SignIn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_share_link_is_revoked_anything_else_signs_in() {
        assert_eq!(after_refusal(true), Phase::Revoked);
        assert_eq!(after_refusal(false), Phase::SignIn);
    }
}
