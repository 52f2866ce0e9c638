//! Turns monotonically increasing counters into per-second rates.

use std::collections::HashMap;

/// The previous reading of every counter, and which sample last read it.
#[derive(Debug, Default)]
pub struct Rates {
    previous: HashMap<String, Reading>,
    /// The sample being taken now, counted from 0.
    generation: u64,
}

#[derive(Debug, Clone, Copy)]
struct Reading {
    counter: u64,
    seconds: f64,
    generation: u64,
}

impl Rates {
    /// Starts a new sample (see [`Rates::sweep`]).
    pub fn begin(&mut self) {
        self.generation += 1;
    }

    /// The rate of `counter` since its last reading, per second. The first reading
    /// of a counter, and a counter that went backwards (a reset), give no rate.
    pub fn rate(&mut self, id: &str, counter: u64, seconds: f64) -> Option<f64> {
        let reading = Reading { counter, seconds, generation: self.generation };
        let last = self.previous.insert(id.to_owned(), reading)?;
        let elapsed = seconds - last.seconds;
        if counter < last.counter || elapsed <= 0.0 {
            return None;
        }
        Some((counter - last.counter) as f64 / elapsed)
    }

    /// Forgets counters the current sample did not read (an interface that went
    /// away), so a long-running server does not collect them.
    pub fn sweep(&mut self) {
        let generation = self.generation;
        self.previous.retain(|_, reading| reading.generation == generation);
    }
}
