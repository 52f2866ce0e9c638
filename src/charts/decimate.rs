//! M4 decimation: per pixel column keep the first, last, smallest and largest point.
//!
//! Drawing those four points per column gives the same picture as drawing every
//! point (spikes are kept, unlike averaging), and bounds the work by the chart's
//! width instead of the data's length. A `NaN` value is a break: it ends the current
//! column and is passed through as one `NaN` point, so lines never bridge a gap.

/// One column's four candidates, as `(index, t, v)`.
#[derive(Clone, Copy)]
struct Bucket {
    column: i64,
    first: (usize, f64, f64),
    last: (usize, f64, f64),
    min: (usize, f64, f64),
    max: (usize, f64, f64),
}

impl Bucket {
    fn new(column: i64, point: (usize, f64, f64)) -> Self {
        Bucket { column, first: point, last: point, min: point, max: point }
    }

    fn add(&mut self, point: (usize, f64, f64)) {
        self.last = point;
        if point.2 < self.min.2 {
            self.min = point;
        }
        if point.2 > self.max.2 {
            self.max = point;
        }
    }

    /// Emits the distinct candidates in time order.
    fn flush(&self, out: &mut Vec<(f64, f64)>) {
        let mut picks = [self.first, self.min, self.max, self.last];
        picks.sort_by_key(|p| p.0);
        let mut previous = None;
        for (index, t, v) in picks {
            if previous != Some(index) {
                out.push((t, v));
                previous = Some(index);
            }
        }
    }
}

/// Reduces `(t, v)` points inside `from..=to` to at most four per column of a plot
/// `columns` wide. Points outside the window are dropped; `NaN` values become one
/// `(t, NaN)` break each (consecutive breaks collapse into one).
pub fn m4(points: impl IntoIterator<Item = (f64, f64)>, from: f64, to: f64, columns: usize) -> Vec<(f64, f64)> {
    let columns = columns.max(1);
    let span = (to - from).max(f64::MIN_POSITIVE);
    let scale = columns as f64 / span;
    let mut out = Vec::with_capacity(columns * 4);
    let mut bucket: Option<Bucket> = None;
    for (index, (t, v)) in points.into_iter().enumerate() {
        if t < from || t > to {
            continue;
        }
        if v.is_nan() {
            if let Some(b) = bucket.take() {
                b.flush(&mut out);
            }
            if out.last().is_some_and(|p| !p.1.is_nan()) {
                out.push((t, f64::NAN));
            }
            continue;
        }
        let column = (((t - from) * scale) as i64).min(columns as i64 - 1);
        match bucket.as_mut() {
            Some(b) if b.column == column => b.add((index, t, v)),
            _ => {
                if let Some(b) = bucket.replace(Bucket::new(column, (index, t, v))) {
                    b.flush(&mut out);
                }
            }
        }
    }
    if let Some(b) = bucket {
        b.flush(&mut out);
    }
    out
}

/// Splits decimated points at `NaN` breaks into runs to draw as separate lines.
pub fn segments(points: &[(f64, f64)]) -> impl Iterator<Item = &[(f64, f64)]> {
    points.split(|p| p.1.is_nan()).filter(|run| !run.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(n: usize) -> Vec<(f64, f64)> {
        (0..n).map(|i| (i as f64, ((i * 7919) % 1000) as f64)).collect()
    }

    #[test]
    fn output_is_bounded_by_four_points_per_column() {
        let points = wave(100_000);
        for width in [1, 10, 300, 1_999] {
            let out = m4(points.iter().copied(), 0.0, 99_999.0, width);
            assert!(out.len() <= 4 * width, "width {width}: {} points", out.len());
        }
    }

    #[test]
    fn extremes_and_ends_are_preserved() {
        let mut points = wave(10_000);
        points[4_321].1 = 5_000.0;
        points[777].1 = -5_000.0;
        let out = m4(points.iter().copied(), 0.0, 9_999.0, 50);
        assert!(out.contains(&(4_321.0, 5_000.0)));
        assert!(out.contains(&(777.0, -5_000.0)));
        assert_eq!(out.first(), points.first());
        assert_eq!(out.last(), points.last());
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0), "time order kept");
    }

    #[test]
    fn small_inputs_pass_through_unchanged() {
        let points = vec![(0.0, 1.0), (1.0, 3.0), (2.0, 2.0)];
        assert_eq!(m4(points.clone(), 0.0, 2.0, 100), points);
    }

    #[test]
    fn breaks_are_kept_and_collapsed() {
        let points = vec![(0.0, 1.0), (1.0, 2.0), (2.0, f64::NAN), (3.0, f64::NAN), (4.0, 5.0), (5.0, 6.0)];
        let out = m4(points, 0.0, 5.0, 1);
        assert_eq!(out.len(), 5);
        assert!(out[2].1.is_nan());
        let runs: Vec<_> = segments(&out).collect();
        assert_eq!(runs, vec![&[(0.0, 1.0), (1.0, 2.0)][..], &[(4.0, 5.0), (5.0, 6.0)][..]]);
    }

    #[test]
    fn points_outside_the_window_are_dropped() {
        let out = m4(wave(100), 10.0, 19.0, 100);
        assert_eq!(out.len(), 10);
        assert!(out.iter().all(|p| (10.0..=19.0).contains(&p.0)));
    }
}
