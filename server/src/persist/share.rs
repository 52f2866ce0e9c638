//! Seals done once per fleet (`--redis`): every hub holds every host's samples,
//! but only the hub that holds a host's claim (its agent is linked there, or it is
//! that hub's own host) encodes its hours and rolls them up, then hands what it
//! wrote to the others ([`SealShare`], `redis/seals`). Another hub writes those
//! bytes in place of its own rows when they hold every one of them
//! (`pulse_store::Store::adopt`); when none come (the owner died, Redis is away,
//! nobody holds the claim) it waits a bounded time and seals by itself, so
//! nothing is lost. Which of these a host's due hour gets is [`decide`], pure.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use pulse_store::SealedHour;

/// How long after a block's edge its seal waits with `--redis`: more than an
/// agent host's flush ([`super::FLUSH_EVERY`]), so that the owner and the others
/// seal the same rows (a row flushed after its hour's seal is sealed with the
/// next hour, and the hour after would not be adopted).
pub const GRACE_MS: i64 = 10_000;

/// The edge a host sealed to `sealed_to` is sealed to next, with `--redis`: one
/// block at a time (so that every hub's seal of a host's block has the same key,
/// however late it is), or up to `before` when it was never sealed.
pub fn next_edge(sealed_to: i64, before: i64, block_ms: i64) -> i64 {
    if sealed_to == i64::MIN {
        return before;
    }
    let next = sealed_to.div_euclid(block_ms).saturating_add(1).saturating_mul(block_ms);
    next.min(before)
}

/// How often a hub looks again for a host's hour it waits for.
pub const LOOK_AGAIN_MS: i64 = 2_000;

/// What a hub's seals share with the other hubs (implemented by `redis/seals`).
pub trait SealShare: Send + Sync {
    /// Whether this hub owns host `id`'s seals now: it holds the host's claim.
    fn owns(&self, id: &str) -> bool;
    /// The hours other hubs published of the `wanted` hosts, each sealed to the
    /// edge given with it, as far as the last lookup found them; starts the next
    /// lookup and never waits for it (nothing when Redis does not answer).
    fn published(&self, wanted: &[(String, i64)]) -> HashMap<String, SealedHour>;
    /// Hands what this hub sealed of host `id` to the others (without waiting),
    /// adding one to `stored` once Redis has it.
    fn publish(&self, id: &str, sealed: SealedHour, stored: Arc<AtomicU64>);
}

/// What a hub found of a host's hour another hub published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Nothing (yet).
    Nothing,
    /// A seal holding rows that may still arrive here (past this hub's newest
    /// stored seq): adopted now, they would be sealed again when they come.
    Early,
    /// A seal whose rows this hub lacks can no longer arrive here
    /// (`pulse_store::share::settled`).
    Settled,
}

/// What a host's due hour gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// This hub owns it: seal, and publish what was written.
    SealAndPublish,
    /// Another hub's seal is there: write it, if it holds every row held here
    /// (else seal here at once: waiting would not make it hold more).
    Adopt,
    /// Nothing yet, or a seal early for this hub: look again later.
    Wait,
    /// Nothing adoptable came in time: seal here, as a hub alone does.
    Seal,
}

/// The step for a host's hour that ended at `before`, at `now` (ms): an owner
/// seals and publishes; another hub adopts what was `found` once it is settled,
/// or waits until `before + GRACE_MS + wait_ms` for it and then seals by itself.
pub fn decide(owner: bool, found: Found, now: i64, before: i64, wait_ms: i64) -> Step {
    if owner {
        Step::SealAndPublish
    } else if found == Found::Settled {
        Step::Adopt
    } else if now < before.saturating_add(GRACE_MS).saturating_add(wait_ms) {
        Step::Wait
    } else {
        Step::Seal
    }
}

/// The hours a round works on, of `steps` (each candidate with its step): every
/// wait (it costs a look again, nothing more), and up to `budget` of the others,
/// the owner's seals first (other hubs wait for them), then adoptions, then
/// seals alone. Hosts that only wait never crowd out the hosts a hub owns.
pub fn schedule<T>(mut steps: Vec<(T, Step)>, budget: usize) -> Vec<(T, Step)> {
    let rank = |step: &Step| match step {
        Step::SealAndPublish => 0,
        Step::Adopt => 1,
        Step::Seal => 2,
        Step::Wait => 3,
    };
    steps.sort_by_key(|(_, step)| rank(step));
    let mut work = 0;
    steps
        .into_iter()
        .filter(|(_, step)| {
            *step == Step::Wait || {
                work += 1;
                work <= budget
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_seals_and_another_hub_adopts_or_waits_a_bounded_time() {
        const EDGE: i64 = 3_600_000;
        const WAIT_MS: i64 = 600_000;
        let due = EDGE + GRACE_MS;
        let cases = [
            // what, owner, found, now, step
            ("the owner", true, Found::Nothing, due, Step::SealAndPublish),
            ("the owner, whatever Redis holds", true, Found::Settled, due, Step::SealAndPublish),
            ("another hub, the owner's seal there", false, Found::Settled, due, Step::Adopt),
            ("another hub, late, the seal there", false, Found::Settled, due + 2 * WAIT_MS, Step::Adopt),
            ("another hub, nothing yet", false, Found::Nothing, due, Step::Wait),
            ("another hub, nothing, just before the wait ends", false, Found::Nothing, due + WAIT_MS - 1, Step::Wait),
            ("another hub, nothing when the wait ends", false, Found::Nothing, due + WAIT_MS, Step::Seal),
            ("another hub, a seal with rows still on their way", false, Found::Early, due, Step::Wait),
            ("another hub, still early when the wait ends", false, Found::Early, due + WAIT_MS, Step::Seal),
        ];
        for (what, owner, found, now, step) in cases {
            assert_eq!(decide(owner, found, now, EDGE, WAIT_MS), step, "{what}");
        }
    }

    #[test]
    fn a_host_is_sealed_one_block_at_a_time() {
        const H: i64 = 3_600_000;
        let cases = [
            // what, sealed to, due edge, next edge
            ("never sealed: all that is due", i64::MIN, 5 * H, 5 * H),
            ("one block behind", 4 * H, 5 * H, 5 * H),
            ("three blocks behind", 2 * H, 5 * H, 3 * H),
            ("sealed to within a block", 2 * H + 5, 5 * H, 3 * H),
            ("before 1970", -H, 5 * H, 0),
        ];
        for (what, sealed_to, before, next) in cases {
            assert_eq!(next_edge(sealed_to, before, H), next, "{what}");
        }
    }

    #[test]
    fn waiting_hosts_never_use_up_a_round_and_owned_hosts_go_first() {
        use Step::*;
        let cases = [
            // what, (owned, adoptable, alone, waiting), budget, worked on (owned, adopted, alone, waits)
            ("a quiet round", (3, 2, 1, 4), 50, (3, 2, 1, 4)),
            ("the review's fleet: 1,000 hosts, most waiting", (500, 0, 0, 500), 50, (50, 0, 0, 500)),
            ("waits ahead of every owned host", (60, 0, 0, 940), 50, (50, 0, 0, 940)),
            ("owned before adoptions before seals alone", (30, 30, 30, 0), 50, (30, 20, 0, 0)),
            ("only waits", (0, 0, 0, 1_000), 50, (0, 0, 0, 1_000)),
            ("no budget", (5, 5, 5, 5), 0, (0, 0, 0, 5)),
        ];
        for (what, (owned, adoptable, alone, waiting), budget, want) in cases {
            // Waits first, as a HashMap may hand them out.
            let steps: Vec<(usize, Step)> =
                [(Wait, waiting), (Seal, alone), (Adopt, adoptable), (SealAndPublish, owned)]
                    .into_iter()
                    .flat_map(|(step, n)| std::iter::repeat_n(step, n))
                    .enumerate()
                    .collect();
            let picked = schedule(steps, budget);
            let count = |s: Step| picked.iter().filter(|(_, step)| *step == s).count();
            assert_eq!((count(SealAndPublish), count(Adopt), count(Seal), count(Wait)), want, "{what}");
        }
    }

    #[test]
    fn a_thousand_hosts_are_all_done_in_a_bounded_number_of_rounds() {
        // The review's model: 1,000 hosts, half owned here, the other half waiting
        // on their owner every round; 50 a round seal all owned in 10 rounds.
        let mut owned = 500;
        let mut rounds = 0;
        while owned > 0 && rounds < 100 {
            let steps: Vec<(u32, Step)> =
                (0..owned).map(|_| (0, Step::SealAndPublish)).chain((0..500).map(|_| (0, Step::Wait))).rev().collect();
            owned -= schedule(steps, 50).iter().filter(|(_, s)| *s == Step::SealAndPublish).count();
            rounds += 1;
        }
        assert_eq!((owned, rounds), (0, 10));
    }
}
