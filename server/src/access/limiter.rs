//! The sign-in rate limit: token buckets per key (a client address, or a user's
//! name), pure and table-tested. Each attempt takes a token; an empty bucket says
//! how long until the next one. The map is bounded: when it is full, buckets that
//! have refilled are forgotten (they hold nothing), and if none has, new keys are
//! refused, so a flood of addresses cannot grow memory or slip past the limit.

use std::collections::HashMap;
use std::hash::Hash;

/// How a bucket fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Attempts allowed at once.
    pub burst: u32,
    /// Milliseconds per attempt regained.
    pub refill_ms: u64,
}

/// Buckets by key.
#[derive(Debug)]
pub struct Limiter<K> {
    rule: Rule,
    cap: usize,
    buckets: HashMap<K, Bucket>,
}

/// A key's state as its theoretical arrival time (GCRA): the moment its bucket
/// would be full again. Integer arithmetic, nothing lost to rounding.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    full_at_ms: u64,
}

impl<K: Eq + Hash + Clone> Limiter<K> {
    /// At most `cap` keys remembered at once.
    pub fn new(rule: Rule, cap: usize) -> Self {
        Limiter { rule, cap, buckets: HashMap::new() }
    }

    /// Takes an attempt for `key` at `now_ms`; `Err(ms)` when there is none,
    /// with how long until there is.
    pub fn take(&mut self, key: &K, now_ms: u64) -> Result<(), u64> {
        if !self.buckets.contains_key(key) && self.buckets.len() >= self.cap {
            self.buckets.retain(|_, bucket| bucket.full_at_ms > now_ms);
            if self.buckets.len() >= self.cap {
                return Err(self.rule.refill_ms);
            }
        }
        let rule = self.rule;
        let slack = u64::from(rule.burst.saturating_sub(1)) * rule.refill_ms;
        let bucket = self.buckets.entry(key.clone()).or_insert(Bucket { full_at_ms: now_ms });
        let full_at = bucket.full_at_ms.max(now_ms);
        if full_at - now_ms > slack {
            return Err(full_at - now_ms - slack);
        }
        bucket.full_at_ms = full_at + rule.refill_ms;
        Ok(())
    }

    /// Gives back an attempt taken for `key` (a sign-in that succeeded).
    pub fn give_back(&mut self, key: &K) {
        let refill = self.rule.refill_ms;
        if let Some(bucket) = self.buckets.get_mut(key) {
            bucket.full_at_ms = bucket.full_at_ms.saturating_sub(refill);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_waits_for_refills() {
        let mut l = Limiter::new(Rule { burst: 3, refill_ms: 10_000 }, 100);
        // (key, now, expected)
        let cases: &[(&str, u64, Result<(), u64>)] = &[
            ("a", 0, Ok(())),
            ("a", 0, Ok(())),
            ("a", 1, Ok(())),
            ("a", 2, Err(9_998)),
            ("b", 2, Ok(())),
            ("a", 5_000, Err(5_000)),
            ("a", 10_001, Ok(())),
            ("a", 10_002, Err(9_998)),
            ("a", 1_000_000, Ok(())),
            ("a", 1_000_000, Ok(())),
            ("a", 1_000_000, Ok(())),
            ("a", 1_000_000, Err(10_000)),
        ];
        for (i, (key, now, want)) in cases.iter().enumerate() {
            assert_eq!(l.take(&key.to_string(), *now), *want, "case {i}");
        }
    }

    #[test]
    fn a_success_gives_its_attempt_back() {
        let mut l = Limiter::new(Rule { burst: 1, refill_ms: 60_000 }, 10);
        assert_eq!(l.take(&1, 0), Ok(()));
        l.give_back(&1);
        assert_eq!(l.take(&1, 0), Ok(()));
        assert!(l.take(&1, 0).is_err());
    }

    #[test]
    fn a_full_map_forgets_refilled_buckets_and_refuses_the_rest() {
        let mut l = Limiter::new(Rule { burst: 2, refill_ms: 1_000 }, 2);
        assert_eq!(l.take(&1, 0), Ok(()));
        assert_eq!(l.take(&2, 0), Ok(()));
        assert_eq!(l.take(&3, 0), Err(1_000), "full, and nobody has refilled");
        assert_eq!(l.take(&3, 1_000), Ok(()), "1 and 2 refilled and were forgotten");
        assert_eq!(l.buckets.len(), 1);
    }
}
