//! A history window drawn at the resolution a chart can show: `[from, to)` cut
//! into `width` pixel columns, keeping each series' minimum and maximum per column
//! (the M4 rule the page uses, without first and last: a column is one pixel).
//! Pure and table-tested; the store feeds it samples or rollups.

/// Per series and column, the smallest and largest value seen.
#[derive(Debug, Clone)]
pub struct Picture {
    from: i64,
    width: usize,
    step: f64,
    /// A run of empty columns at least this long is a break in the data.
    gap_ms: f64,
    /// `series × width` of `(min, max)`, `NaN` where the column has no value.
    cells: Vec<(f64, f64)>,
    series: usize,
}

/// The picture as rows: per column with data, a row at its start with each
/// series' minimum and a row at its middle with each maximum; per run of empty
/// columns at least `gap_ms` long, one row of `None` (a break).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawn {
    /// Row times, ms since the Unix epoch.
    pub ts: Vec<i64>,
    /// Per series, one value per row.
    pub values: Vec<Vec<Option<f64>>>,
}

impl Picture {
    /// An empty picture of `series` series over `[from, to)` in `width` columns
    /// (at least one, and `to` after `from`).
    pub fn new(from: i64, to: i64, width: usize, series: usize, gap_ms: f64) -> Self {
        let width = width.max(1);
        let step = (to.saturating_sub(from)).max(1) as f64 / width as f64;
        Picture { from, width, step, gap_ms, cells: vec![(f64::NAN, f64::NAN); series * width], series }
    }

    /// Each column's span in ms.
    pub fn step_ms(&self) -> f64 {
        self.step
    }

    /// Counts a value (or a bucket's `min..max`) of series `series` at `ts`;
    /// outside the window or not finite, it is ignored.
    pub fn add(&mut self, series: usize, ts: i64, min: f64, max: f64) {
        let column = ((ts - self.from) as f64 / self.step).floor();
        if series >= self.series || column < 0.0 || column >= self.width as f64 || !min.is_finite() || !max.is_finite()
        {
            return;
        }
        let cell = &mut self.cells[series * self.width + column as usize];
        cell.0 = if cell.0.is_nan() { min } else { cell.0.min(min) };
        cell.1 = if cell.1.is_nan() { max } else { cell.1.max(max) };
    }

    /// The rows to send.
    pub fn finish(self) -> Drawn {
        let mut drawn = Drawn { ts: Vec::new(), values: vec![Vec::new(); self.series] };
        let mut empty_since: Option<usize> = None;
        let mut break_at: Option<usize> = None;
        for column in 0..self.width {
            let has = (0..self.series).any(|s| self.cells[s * self.width + column].0.is_finite());
            if !has {
                empty_since.get_or_insert(column);
                if let Some(first) = empty_since.filter(|&f| (column + 1 - f) as f64 * self.step >= self.gap_ms) {
                    if break_at != Some(first) {
                        break_at = Some(first);
                        self.push(&mut drawn, first, None);
                    }
                }
                continue;
            }
            empty_since = None;
            self.push(&mut drawn, column, Some(false));
            self.push(&mut drawn, column, Some(true));
        }
        drawn
    }

    /// A row for `column`: its minima (`Some(false)`), its maxima at its middle
    /// (`Some(true)`), or a break (`None`).
    fn push(&self, drawn: &mut Drawn, column: usize, which: Option<bool>) {
        let start = self.from as f64 + column as f64 * self.step;
        let at = if which == Some(true) { start + self.step / 2.0 } else { start };
        drawn.ts.push(at.round() as i64);
        for (s, values) in drawn.values.iter_mut().enumerate() {
            let cell = self.cells[s * self.width + column];
            let value = match which {
                None => None,
                Some(false) => Some(cell.0),
                Some(true) => Some(cell.1),
            };
            values.push(value.filter(|v| v.is_finite()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_keeps_its_extremes_in_two_rows() {
        let mut p = Picture::new(0, 4_000, 2, 1, 2_000.0);
        for (ts, v) in [(0, 5.0), (500, -1.0), (1_999, 9.0), (2_000, 3.0)] {
            p.add(0, ts, v, v);
        }
        let drawn = p.finish();
        assert_eq!(drawn.ts, vec![0, 1_000, 2_000, 3_000]);
        assert_eq!(drawn.values, vec![vec![Some(-1.0), Some(9.0), Some(3.0), Some(3.0)]]);
    }

    #[test]
    fn a_long_empty_run_is_one_break_and_a_short_one_none() {
        // 10 columns of 1 s; data in 0, 2 (a one-column hole: shorter than 2 s), 9.
        let mut p = Picture::new(0, 10_000, 10, 1, 2_000.0);
        for ts in [0, 2_000, 9_000] {
            p.add(0, ts, 1.0, 1.0);
        }
        let drawn = p.finish();
        let breaks: Vec<i64> =
            drawn.ts.iter().zip(&drawn.values[0]).filter(|(_, v)| v.is_none()).map(|(&t, _)| t).collect();
        assert_eq!(breaks, vec![3_000], "one break where the 6-column hole starts");
        assert_eq!(drawn.ts.len(), 3 * 2 + 1);
    }

    #[test]
    fn series_without_a_value_in_a_column_are_null_there() {
        let mut p = Picture::new(0, 2_000, 2, 2, 5_000.0);
        p.add(0, 0, 1.0, 1.0);
        p.add(1, 1_000, 2.0, 4.0);
        let drawn = p.finish();
        assert_eq!(drawn.values[0], vec![Some(1.0), Some(1.0), None, None]);
        assert_eq!(drawn.values[1], vec![None, None, Some(2.0), Some(4.0)]);
    }

    #[test]
    fn values_outside_the_window_or_not_finite_are_ignored() {
        let mut p = Picture::new(1_000, 2_000, 1, 1, 10_000.0);
        p.add(0, 999, 1.0, 1.0);
        p.add(0, 2_000, 1.0, 1.0);
        p.add(0, 1_500, f64::NAN, f64::NAN);
        p.add(3, 1_500, 1.0, 1.0);
        assert_eq!(p.finish(), Drawn { ts: vec![], values: vec![vec![]] });
    }
}
