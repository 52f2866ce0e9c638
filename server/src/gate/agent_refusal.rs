//! One log line for every agent the hub turns away (a wrong or missing token, a
//! host already connected or the hub's own, a protocol it does not read, bad
//! headers): the hub's side of "a clear error on both sides". The line holds the
//! peer's address and the refusal the agent was sent, never a header's value
//! beyond what that refusal quotes (`quote::shown`), so never the token.
//!
//! The lines are rate-limited ([`RULE`]: a burst, then one a second), so a client
//! that reconnects with a bad token as fast as it can does not fill the disk: the
//! next line logged says how many refusals before it were not.

use std::net::SocketAddr;
use std::sync::{LazyLock, Mutex};

use crate::access::limiter::{Limiter, Rule};
use crate::access::now;
use crate::error::AppError;

/// Logs `error` as the refusal of an agent from `peer` (warn for a token, info
/// for the rest), within the log's budget, and hands it back to be sent.
pub fn logged(peer: Option<SocketAddr>, error: AppError) -> AppError {
    let admitted = admit(&mut BUDGET.lock().unwrap_or_else(|poisoned| poisoned.into_inner()), now());
    let Some(unlogged) = admitted else { return error };
    let peer = peer.map_or_else(|| "an unknown address".to_owned(), |peer| peer.to_string());
    let (status, code) = error.code();
    let status = status.as_u16();
    if status == 401 || status == 403 {
        tracing::warn!(%peer, status, code, unlogged, "an agent was refused: {error}");
    } else {
        tracing::info!(%peer, status, code, unlogged, "an agent was refused: {error}");
    }
    error
}

/// Refusals logged at once, then one a second.
const RULE: Rule = Rule { burst: 20, refill_ms: 1_000 };

/// The log's budget and the refusals it left out since the last line.
struct Budget {
    limiter: Limiter<()>,
    unlogged: u64,
}

static BUDGET: LazyLock<Mutex<Budget>> = LazyLock::new(|| Mutex::new(Budget::new()));

impl Budget {
    fn new() -> Self {
        Budget { limiter: Limiter::new(RULE, 1), unlogged: 0 }
    }
}

/// Whether a refusal at `now_ms` is logged: `Some(n)` with the `n` refusals left
/// out since the last line, or `None` (counted) when the budget is spent.
fn admit(budget: &mut Budget, now_ms: u64) -> Option<u64> {
    match budget.limiter.take(&(), now_ms) {
        Ok(()) => Some(std::mem::take(&mut budget.unlogged)),
        Err(_) => {
            budget.unlogged += 1;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_logged_then_one_a_second_saying_how_many_were_not() {
        let mut budget = Budget::new();
        let burst: Vec<Option<u64>> = (0..RULE.burst).map(|_| admit(&mut budget, 1_000)).collect();
        assert!(burst.iter().all(|admitted| *admitted == Some(0)), "{burst:?}");
        // (ms, what is logged)
        let cases: [(u64, Option<u64>); 6] =
            [(1_000, None), (1_500, None), (1_999, None), (2_000, Some(3)), (2_001, None), (60_000, Some(1))];
        for (now, want) in cases {
            assert_eq!(admit(&mut budget, now), want, "at {now}");
        }
    }
}
