//! Which followed streams one round reads, and in how many commands. Pure.
//!
//! Redis's work for an `XREAD` grows with the keys it names, whether they hold
//! anything new or not, so a round names only the streams that can have news (their
//! host appeared in `pulse:news`, or the last read left entries behind), and a
//! *sweep* (on connecting, then every few seconds) names every followed stream once,
//! in slices, to catch whatever the news missed.

use std::collections::{BTreeMap, BTreeSet};

/// The most streams one `XREAD` names.
pub const SLICE: usize = 256;

/// The ids of the hosts to read this round, in commands of at most [`SLICE`]: on a
/// `sweep` every known host that is not `ours`, otherwise the `wanted` ones that are
/// known and not ours, each once.
pub fn reads<T>(
    known: &BTreeMap<String, T>,
    ours: impl Fn(&T) -> bool,
    wanted: &BTreeSet<String>,
    sweep: bool,
) -> Vec<Vec<String>> {
    let ids: Vec<&String> = if sweep {
        known.iter().filter(|(_, host)| !ours(host)).map(|(id, _)| id).collect()
    } else {
        wanted.iter().filter(|id| known.get(*id).is_some_and(|host| !ours(host))).collect()
    };
    ids.chunks(SLICE).map(|slice| slice.iter().map(|id| (*id).clone()).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(known: &[(&str, bool)], wanted: &[&str], sweep: bool, expected: &[&[&str]]) {
        let known: BTreeMap<String, bool> = known.iter().map(|(id, ours)| (id.to_string(), *ours)).collect();
        let wanted: BTreeSet<String> = wanted.iter().map(|id| id.to_string()).collect();
        let expected: Vec<Vec<String>> =
            expected.iter().map(|slice| slice.iter().map(|id| id.to_string()).collect()).collect();
        assert_eq!(reads(&known, |ours| *ours, &wanted, sweep), expected, "{known:?} {wanted:?} sweep {sweep}");
    }

    #[test]
    fn a_round_names_only_what_can_have_news() {
        let known = [("a", false), ("b", true), ("c", false), ("d", false)];
        check(&known, &["c", "a"], false, &[&["a", "c"]]);
        check(&known, &["b"], false, &[]);
        check(&known, &["gone"], false, &[]);
        check(&known, &[], false, &[]);
        check(&known, &[], true, &[&["a", "c", "d"]]);
        check(&known, &["gone"], true, &[&["a", "c", "d"]]);
        check(&[], &["a"], true, &[]);
    }

    #[test]
    fn reads_are_sliced() {
        let ids: Vec<String> = (0..SLICE * 2 + 1).map(|n| format!("h{n:05}")).collect();
        let known: BTreeMap<String, bool> = ids.iter().map(|id| (id.clone(), false)).collect();
        let swept = reads(&known, |ours| *ours, &BTreeSet::new(), true);
        assert_eq!(swept.iter().map(Vec::len).collect::<Vec<_>>(), vec![SLICE, SLICE, 1]);
        assert_eq!(swept.concat(), ids, "every stream once, in order");
        let wanted: BTreeSet<String> = ids.iter().skip(SLICE).cloned().collect();
        assert_eq!(
            reads(&known, |ours| *ours, &wanted, false).iter().map(Vec::len).collect::<Vec<_>>(),
            vec![SLICE, 1]
        );
    }
}
