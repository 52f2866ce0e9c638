//! Percentiles of a run's measurements.

use serde::Serialize;

/// p50, p95, max (and how many) of some milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Spread {
    /// How many.
    pub count: usize,
    /// Median.
    pub p50: f64,
    /// 95th percentile (nearest rank).
    pub p95: f64,
    /// The largest.
    pub max: f64,
    /// The smallest.
    pub min: f64,
}

/// The spread of `values` (nothing: all zero).
pub fn spread(values: &[f64]) -> Spread {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let Some(&max) = sorted.last() else { return Spread::default() };
    let rank = |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    Spread { count: sorted.len(), p50: rank(0.5), p95: rank(0.95), max, min: sorted[0] }
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = spread(&values);
        assert_eq!((s.count, s.p50, s.p95, s.max, s.min), (100, 50.0, 95.0, 100.0, 1.0));
        assert_eq!(spread(&[]).count, 0);
        assert_eq!(spread(&[3.0]).p95, 3.0);
    }
}
