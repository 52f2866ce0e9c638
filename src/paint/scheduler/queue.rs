//! The scheduler's bookkeeping, free of the browser: which jobs are dirty and since
//! when, what each costs, and how much of a frame's budget is left.

use std::collections::BTreeMap;

/// A running estimate (exponentially weighted mean) of a cost in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Estimate {
    value: f64,
    samples: u32,
}

impl Estimate {
    /// Weight of a new sample once the estimate has a few.
    const WEIGHT: f64 = 0.25;

    /// An estimate starting at `guess` ms, replaced by the first sample.
    pub fn guess(guess: f64) -> Self {
        Estimate { value: guess, samples: 0 }
    }

    /// Adds a measured sample.
    pub fn add(&mut self, ms: f64) {
        self.samples = self.samples.saturating_add(1);
        // The plain mean of the first few samples, then a moving average.
        let weight = (1.0 / f64::from(self.samples)).max(Self::WEIGHT);
        self.value += (ms - self.value) * weight;
    }

    /// The estimate in ms.
    pub fn value(&self) -> f64 {
        self.value
    }
}

/// How much of one frame's time has been spent.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameBudget {
    limit_ms: f64,
    spent_ms: f64,
    painted: usize,
}

impl FrameBudget {
    /// A fresh frame that may spend `limit_ms`.
    pub fn new(limit_ms: f64) -> Self {
        FrameBudget { limit_ms, spent_ms: 0.0, painted: 0 }
    }

    /// Whether a paint estimated at `ms` fits: the first paint of a frame always does,
    /// so a canvas dearer than the whole budget is still painted, alone.
    pub fn admits(&self, ms: f64) -> bool {
        self.painted == 0 || self.spent_ms + ms <= self.limit_ms
    }

    /// Counts a paint that cost `ms`.
    pub fn charge(&mut self, ms: f64) {
        self.spent_ms += ms;
        self.painted += 1;
    }

    /// Paints counted so far.
    pub fn painted(&self) -> usize {
        self.painted
    }
}

#[derive(Debug)]
struct Entry {
    /// The order in which it became dirty (smaller is older), or `None` when clean.
    dirty: Option<u64>,
    /// Script ms of one paint.
    cost: Estimate,
}

/// Registered jobs, their dirt and their costs.
#[derive(Debug, Default)]
pub struct Queue {
    entries: BTreeMap<u64, Entry>,
    marks: u64,
}

impl Queue {
    /// Adds a clean job whose paints are guessed to cost `guess_ms`.
    pub fn add(&mut self, id: u64, guess_ms: f64) {
        self.entries.insert(id, Entry { dirty: None, cost: Estimate::guess(guess_ms) });
    }

    /// Forgets a job.
    pub fn remove(&mut self, id: u64) {
        self.entries.remove(&id);
    }

    /// Marks a job dirty; one already dirty keeps its place in line.
    pub fn mark_dirty(&mut self, id: u64) {
        if let Some(entry) = self.entries.get_mut(&id) {
            if entry.dirty.is_none() {
                self.marks += 1;
                entry.dirty = Some(self.marks);
            }
        }
    }

    /// Whether any job waits for a paint.
    pub fn any_dirty(&self) -> bool {
        self.entries.values().any(|e| e.dirty.is_some())
    }

    /// The job dirty the longest, if its estimated cost (plus `after_ms`, what the
    /// browser adds per paint) fits in `budget`; it is marked clean and returned.
    pub fn next_within(&mut self, budget: &FrameBudget, after_ms: f64) -> Option<u64> {
        let (&id, entry) = self.entries.iter_mut().filter(|(_, e)| e.dirty.is_some()).min_by_key(|(_, e)| e.dirty)?;
        if !budget.admits(entry.cost.value() + after_ms) {
            return None;
        }
        entry.dirty = None;
        Some(id)
    }

    /// Records what one paint of `id` cost.
    pub fn record_cost(&mut self, id: u64, ms: f64) {
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.cost.add(ms);
        }
    }
}

#[cfg(test)]
mod tests;
