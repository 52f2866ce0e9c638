//! The claims a hub holds, as the renewer sees them: each one's key, token and
//! `held` watch, the claims released since the last round, and what each renewal
//! answer changes. No I/O: the renewer (`super::renew`) asks Redis and tells the
//! book.

use std::collections::BTreeMap;

use tokio::sync::watch;

/// Every claim this hub holds, and those released but not yet deleted in Redis.
#[derive(Default)]
pub struct Book {
    /// The next claim's number (never reused, so a late answer for a released
    /// claim finds nothing).
    next: u64,
    /// The held claims by number.
    held: BTreeMap<u64, Entry>,
    /// Released claims (key, token) to delete at the renewer's next turn.
    released: Vec<(String, String)>,
}

/// One held claim.
struct Entry {
    key: String,
    token: String,
    /// What its link is told: whether the last answered renewal found it ours.
    held: watch::Sender<bool>,
}

/// A claim to renew: its number, key and token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub slot: u64,
    pub key: String,
    pub token: String,
}

/// What one renewal answer changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing (still ours, still another's, or released meanwhile).
    None,
    /// Another hub holds it now.
    Lost,
    /// Ours again after another hub held it.
    Regained,
}

impl Book {
    /// Adds a claim just taken (held): its number, and the watch its link reads.
    pub fn add(&mut self, key: String, token: String) -> (u64, watch::Receiver<bool>) {
        let slot = self.next;
        self.next += 1;
        let (held, watched) = watch::channel(true);
        self.held.insert(slot, Entry { key, token, held });
        (slot, watched)
    }

    /// Releases claim `slot`: it is renewed no more and deleted at the next turn.
    pub fn release(&mut self, slot: u64) {
        if let Some(entry) = self.held.remove(&slot) {
            self.released.push((entry.key, entry.token));
        }
    }

    /// The released claims to delete, taken out of the book.
    pub fn take_released(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.released)
    }

    /// Every held claim, for one renewal round.
    pub fn due(&self) -> Vec<Due> {
        self.held
            .iter()
            .map(|(slot, entry)| Due { slot: *slot, key: entry.key.clone(), token: entry.token.clone() })
            .collect()
    }

    /// How many claims are held.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether no claim is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Redis answered claim `slot`'s renewal: `ours` when it is this link's (renewed,
    /// or taken again because nobody held it). Its link is told only of a change.
    pub fn answer(&mut self, slot: u64, ours: bool) -> Change {
        let Some(entry) = self.held.get(&slot) else { return Change::None };
        let was = entry.held.send_replace(ours);
        match (was, ours) {
            (true, false) => Change::Lost,
            (false, true) => Change::Regained,
            _ => Change::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers in order (true: ours), and the change each makes and what the
    /// link's watch reads after it.
    type Case = (&'static [bool], &'static [Change], bool);

    #[test]
    fn answers_turn_held_false_when_taken_and_true_when_regained() {
        use Change::{Lost, None, Regained};
        let cases: &[Case] = &[
            (&[true, true], &[None, None], true),
            (&[false], &[Lost], false),
            (&[false, false], &[Lost, None], false),
            (&[false, true], &[Lost, Regained], true),
            (&[true, false, true, false], &[None, Lost, Regained, Lost], false),
        ];
        for (answers, changes, last) in cases {
            let mut book = Book::default();
            let (slot, watched) = book.add("k".into(), "t".into());
            let got: Vec<Change> = answers.iter().map(|ours| book.answer(slot, *ours)).collect();
            assert_eq!(&got, changes, "{answers:?}");
            assert_eq!(*watched.borrow(), *last, "{answers:?}");
        }
    }

    #[test]
    fn a_released_claim_is_renewed_no_more_deleted_once_and_deaf_to_late_answers() {
        let mut book = Book::default();
        let (first, _a) = book.add("k1".into(), "t1".into());
        let (second, _b) = book.add("k2".into(), "t2".into());
        assert_ne!(first, second);
        let round = book.due();
        book.release(first);
        book.release(first);
        assert_eq!(book.answer(round[0].slot, false), Change::None);
        assert_eq!(book.due(), vec![Due { slot: second, key: "k2".into(), token: "t2".into() }]);
        assert_eq!(book.take_released(), vec![("k1".to_owned(), "t1".to_owned())]);
        assert!(book.take_released().is_empty());
        book.release(second);
        assert!(book.is_empty());
        // A number is never given twice, so a late answer cannot reach a new claim.
        let (third, _c) = book.add("k1".into(), "t3".into());
        assert!(third > second);
    }
}
