//! Who may send a notification of the fleet's outbox, and what a new owner takes
//! over: pure, from Redis's answer to the fencing check (`deliveries`) and the
//! hub's role. The check is one script: the fencing number this hub holds against
//! [`keys::ALERTS_EPOCH`](crate::redis::keys::ALERTS_EPOCH), and the message
//! against the settled ones.

/// What Redis said when asked, just before an attempt, about one notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// This hub's fencing number is the current one, and nobody settled it.
    Current,
    /// Another hub took the lease since (or this one never held it).
    Stale,
    /// It was settled already (delivered, failed or disabled), by any hub.
    Settled,
    /// No answer.
    Unreachable,
}

/// What the sender does with the notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Attempt it now.
    Send,
    /// Leave it to the lease's holder: hand it over to the fleet's outbox, and look
    /// again later.
    Hold,
    /// Mark it done here without an attempt: the fleet settled it.
    Done,
}

/// The verdict for `check`, when this hub `judges_now` (it is the owner whose lease
/// surely holds, or alone): without an answer it sends only if it judges, so a
/// lone hub still notifies (at least once, under the same id).
pub fn verdict(check: Check, judges_now: bool) -> Verdict {
    match check {
        Check::Current => Verdict::Send,
        Check::Settled => Verdict::Done,
        Check::Stale => Verdict::Hold,
        Check::Unreachable if judges_now => Verdict::Send,
        Check::Unreachable => Verdict::Hold,
    }
}

/// When a notification taken from the fleet's outbox is due here: at once on a
/// takeover (as on a restart: the dead owner's schedule was its own), else when
/// its schedule says (one handed over by another hub while this one held the lease).
pub fn due(next_attempt: i64, now_ms: i64, takeover: bool) -> i64 {
    if takeover {
        now_ms
    } else {
        next_attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_current_holder_sends_and_a_settled_one_is_never_sent_again() {
        let cases = [
            (Check::Current, false, Verdict::Send),
            (Check::Current, true, Verdict::Send),
            (Check::Stale, true, Verdict::Hold),
            (Check::Stale, false, Verdict::Hold),
            (Check::Settled, true, Verdict::Done),
            (Check::Settled, false, Verdict::Done),
            (Check::Unreachable, true, Verdict::Send),
            (Check::Unreachable, false, Verdict::Hold),
        ];
        for (check, judges, expected) in cases {
            assert_eq!(verdict(check, judges), expected, "{check:?}, judges now: {judges}");
        }
    }

    #[test]
    fn a_takeover_makes_the_backlog_due_at_once() {
        let cases = [(90_000, 10_000, true, 10_000), (90_000, 10_000, false, 90_000), (5_000, 10_000, false, 5_000)];
        for (next, now, takeover, expected) in cases {
            assert_eq!(due(next, now, takeover), expected, "{next} {now} {takeover}");
        }
    }
}
