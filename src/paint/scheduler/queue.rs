//! The scheduler's bookkeeping, free of the browser: which jobs are dirty and since
//! when, what each costs, what the browser adds per frame, and how much of a frame's
//! budget is left.

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

/// What the browser adds to a frame after our paints (rasterising the canvases,
/// painting the page), learned from measured frames as a line: a fixed part per
/// frame plus a part proportional to the paints' script time. Splitting the two
/// matters: charging the fixed part to each paint would make a frame that paints
/// fewer canvases look dearer per canvas, and spread the paints over ever more frames.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AfterModel {
    weight: f64,
    mean_x: f64,
    mean_y: f64,
    mean_xx: f64,
    mean_xy: f64,
}

impl AfterModel {
    /// Weight of a new frame once the model has seen a few (it adapts within ~20 frames).
    const WEIGHT: f64 = 0.05;

    /// Adds a frame whose paints ran `script_ms` and after which the browser spent `added_ms`.
    pub fn add(&mut self, script_ms: f64, added_ms: f64) {
        self.weight += 1.0;
        let w = (1.0 / self.weight).max(Self::WEIGHT);
        let (x, y) = (script_ms, added_ms);
        self.mean_x += (x - self.mean_x) * w;
        self.mean_y += (y - self.mean_y) * w;
        self.mean_xx += (x * x - self.mean_xx) * w;
        self.mean_xy += (x * y - self.mean_xy) * w;
    }

    /// `(fixed ms per frame, added ms per ms of script)`; all proportional while the
    /// frames seen so far ran too alike to tell the two apart.
    pub fn line(&self) -> (f64, f64) {
        if self.weight == 0.0 || self.mean_x <= 0.0 {
            return (0.0, 0.0);
        }
        let variance = self.mean_xx - self.mean_x * self.mean_x;
        let proportional = (0.0, (self.mean_y / self.mean_x).clamp(0.0, 20.0));
        if variance < 0.01 {
            return proportional;
        }
        let slope = ((self.mean_xy - self.mean_x * self.mean_y) / variance).clamp(0.0, 20.0);
        let fixed = self.mean_y - slope * self.mean_x;
        if fixed < 0.0 {
            proportional
        } else {
            (fixed, slope)
        }
    }

    /// The whole main-thread cost of a frame whose paints run `script_ms`.
    pub fn frame_ms(&self, script_ms: f64) -> f64 {
        let (fixed, slope) = self.line();
        fixed + script_ms * (1.0 + slope)
    }
}

/// How much of one frame's time has been spent.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameBudget {
    limit_ms: f64,
    model: AfterModel,
    script_ms: f64,
    painted: usize,
}

impl FrameBudget {
    /// A fresh frame that may cost `limit_ms` in all, as `model` predicts it.
    pub fn new(limit_ms: f64, model: AfterModel) -> Self {
        FrameBudget { limit_ms, model, script_ms: 0.0, painted: 0 }
    }

    /// Whether one more paint whose script is estimated at `ms` fits: the first paint
    /// of a frame always does, so a canvas dearer than the whole budget is still
    /// painted, alone.
    pub fn admits(&self, ms: f64) -> bool {
        self.painted == 0 || self.model.frame_ms(self.script_ms + ms) <= self.limit_ms
    }

    /// Counts a paint whose script ran `ms`.
    pub fn charge(&mut self, ms: f64) {
        self.script_ms += ms;
        self.painted += 1;
    }

    /// Paints counted so far.
    pub fn painted(&self) -> usize {
        self.painted
    }

    /// Script ms of the paints so far.
    pub fn script_ms(&self) -> f64 {
        self.script_ms
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

    /// The job dirty the longest, if its estimated script cost fits in `budget`; it
    /// is marked clean and returned.
    pub fn next_within(&mut self, budget: &FrameBudget) -> Option<u64> {
        let (&id, entry) = self.entries.iter_mut().filter(|(_, e)| e.dirty.is_some()).min_by_key(|(_, e)| e.dirty)?;
        if !budget.admits(entry.cost.value()) {
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
