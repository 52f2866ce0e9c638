//! A fixed-bucket latency histogram: 100 µs buckets up to 10 s, one overflow bucket.
//!
//! Recording is one array increment, so it stays cheap at tens of thousands of
//! samples a second; quantiles are read by walking the buckets once.

/// Width of one bucket in microseconds.
const BUCKET_US: u64 = 100;
/// Number of regular buckets (10 s of range).
const BUCKETS: usize = 100_000;

/// Counts of latencies in 100 µs buckets.
pub struct Histogram {
    counts: Vec<u32>,
    overflow: u64,
    total: u64,
    max_us: u64,
    sum_us: u128,
}

impl Default for Histogram {
    fn default() -> Self {
        Self { counts: vec![0; BUCKETS], overflow: 0, total: 0, max_us: 0, sum_us: 0 }
    }
}

impl Histogram {
    /// Adds one latency, in microseconds (negative values count as zero).
    pub fn record(&mut self, latency_us: i64) {
        let us = latency_us.max(0) as u64;
        let index = (us / BUCKET_US) as usize;
        match self.counts.get_mut(index) {
            Some(count) => *count = count.saturating_add(1),
            None => self.overflow += 1,
        }
        self.total += 1;
        self.sum_us += u128::from(us);
        self.max_us = self.max_us.max(us);
    }

    /// How many latencies were recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The largest latency seen, in milliseconds.
    pub fn max_ms(&self) -> f64 {
        self.max_us as f64 / 1000.0
    }

    /// The mean latency, in milliseconds (0 when empty).
    pub fn mean_ms(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        self.sum_us as f64 / self.total as f64 / 1000.0
    }

    /// The upper edge of the bucket holding quantile `q` (0..=1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (index, count) in self.counts.iter().enumerate() {
            seen += u64::from(*count);
            if seen >= rank {
                let edge_us = (index as u64 + 1) * BUCKET_US;
                return edge_us.min(self.max_us.max(BUCKET_US)) as f64 / 1000.0;
            }
        }
        self.max_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_uniform_spread() {
        let mut h = Histogram::default();
        for ms in 1..=100 {
            h.record(ms * 1000 - 50);
        }
        assert_eq!(h.total(), 100);
        assert_eq!(h.quantile_ms(0.5), 50.0);
        assert_eq!(h.quantile_ms(0.99), 99.0);
        assert!((h.max_ms() - 99.95).abs() < 1e-9);
    }

    #[test]
    fn overflow_and_negative_values_are_kept() {
        let mut h = Histogram::default();
        h.record(-5);
        h.record(20_000_000);
        assert_eq!(h.total(), 2);
        assert_eq!(h.quantile_ms(0.5), 0.1);
        assert_eq!(h.quantile_ms(1.0), 20_000.0);
    }
}
