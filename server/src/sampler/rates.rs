//! Turns monotonically increasing counters into per-second rates.

use std::collections::HashMap;

/// The previous reading of every counter.
#[derive(Debug, Default)]
pub struct Rates {
    previous: HashMap<String, (u64, f64)>,
}

impl Rates {
    /// The rate of `counter` since its last reading, per second. The first reading
    /// of a counter, and a counter that went backwards (a reset), give no rate.
    pub fn rate(&mut self, id: &str, counter: u64, seconds: f64) -> Option<f64> {
        let previous = self.previous.insert(id.to_owned(), (counter, seconds));
        let (last, last_seconds) = previous?;
        let elapsed = seconds - last_seconds;
        if counter < last || elapsed <= 0.0 {
            return None;
        }
        Some((counter - last) as f64 / elapsed)
    }
}
