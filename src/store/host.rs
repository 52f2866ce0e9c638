//! One host's samples: a fixed-size ring of rows, one column per series.

use std::cmp::Ordering;
use std::collections::{BTreeMap, VecDeque};

use pulse_protocol::{Frame, HistoryResponse, ProcessInfo};

use super::DEFAULT_CAPACITY;
use columns::Layout;

mod columns;

/// Steps of silence after which the next sample starts a new line.
pub const BREAK_AFTER: f64 = 3.0;

/// Samples of every series of one host, aligned on shared timestamps.
#[derive(Debug, Clone)]
pub struct HostSeries {
    capacity: usize,
    /// Row timestamps in ms since the Unix epoch, ascending.
    ts: VecDeque<f64>,
    /// One value per row for each series; `NaN` where it had no value or at a gap.
    columns: BTreeMap<String, VecDeque<f64>>,
    /// The busiest processes in the newest frame.
    top: Vec<ProcessInfo>,
    /// Where a fleet summary in columns puts its values (`columns.rs`), while
    /// no ring has come or gone since it was made.
    layout: Option<Layout>,
}

/// Min, max, average and newest value of a series over a time window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesStats {
    /// The newest value in the window.
    pub last: f64,
    /// The smallest value in the window.
    pub min: f64,
    /// The largest value in the window.
    pub max: f64,
    /// The mean of the values in the window.
    pub avg: f64,
}

impl Default for HostSeries {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl HostSeries {
    /// An empty store that keeps at most `capacity` rows.
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(2);
        HostSeries {
            capacity,
            ts: VecDeque::with_capacity(capacity),
            columns: BTreeMap::new(),
            top: Vec::new(),
            layout: None,
        }
    }

    /// Appends one frame as a row. Frames older than the newest row are ignored, so a
    /// replay can never draw a line backwards in time. A frame after a silence of
    /// more than [`BREAK_AFTER`] steps (the host or the hub was down, and the
    /// stream resumed with no seq missing) comes after a break.
    pub fn push_frame(&mut self, frame: &Frame) {
        let Some(full) = self.begin_row(frame.ts as f64) else { return };
        // The columns and the frame's values are both ordered by id: one pass over
        // both, one comparison per id (a lookup per column would cost a search
        // each, 9,000 of them for a fleet summary of 1,000 hosts), dropping each
        // column's oldest row in the same pass and noting the ids no column has yet.
        let mut incoming = frame.values.iter().peekable();
        let mut new: Vec<(&String, f64)> = Vec::new();
        for (id, column) in self.columns.iter_mut() {
            let mut value = f64::NAN;
            while let Some(&(key, &v)) = incoming.peek() {
                let order = key.as_str().cmp(id.as_str());
                if order == Ordering::Greater {
                    break;
                }
                incoming.next();
                if order == Ordering::Equal {
                    value = v;
                    break;
                }
                new.push((key, v));
            }
            if full {
                column.pop_front();
            }
            column.push_back(value);
        }
        new.extend(incoming.map(|(key, &value)| (key, value)));
        if !new.is_empty() {
            self.layout = None;
        }
        for (id, value) in new {
            let mut column = ring(self.capacity, self.ts.iter().map(|_| f64::NAN));
            if let Some(last) = column.back_mut() {
                *last = value;
            }
            self.columns.insert(id.clone(), column);
        }
        if !frame.top.is_empty() {
            self.top = frame.top.clone();
        }
    }

    /// Starts a row at `ts` in the time ring, for the caller to fill each column:
    /// none when `ts` is older than the newest row (ignored), else after a silence
    /// a break first, and whether the rings were full (then the time ring dropped
    /// its oldest row, and each column must drop its own).
    fn begin_row(&mut self, ts: f64) -> Option<bool> {
        if self.is_before_newest(ts) {
            return None;
        }
        if self.silence_before(ts) {
            self.push_gap();
        }
        let full = self.ts.len() == self.capacity;
        if full {
            self.ts.pop_front();
        }
        self.ts.push_back(ts);
        Some(full)
    }

    /// Whether `ts` is older than the newest row.
    fn is_before_newest(&self, ts: f64) -> bool {
        self.ts.back().is_some_and(|&last| ts < last)
    }

    /// Whether a row at `ts` would follow the newest after more than
    /// [`BREAK_AFTER`] times the step between the two newest rows.
    fn silence_before(&self, ts: f64) -> bool {
        let n = self.ts.len();
        if n < 2 {
            return false;
        }
        let step = self.ts[n - 1] - self.ts[n - 2];
        step > 0.0 && ts - self.ts[n - 1] > BREAK_AFTER * step
    }

    /// Marks a break: the charts draw no line across it.
    pub fn push_gap(&mut self) {
        if let Some(&last) = self.ts.back() {
            if !self.columns.values().all(|c| c.back().is_some_and(|v| v.is_nan())) {
                self.push_row(last, |_| None);
            }
        }
    }

    /// Replaces older rows with a history backfill of `host`'s series (the others
    /// are left out); rows newer than the backfill's last sample (live frames that
    /// arrived while it was being fetched) are kept.
    pub fn load_history(&mut self, history: &HistoryResponse, host: &str) {
        let newest_backfilled = history.ts.last().map(|&t| t as f64).unwrap_or(f64::NEG_INFINITY);
        let keep_from = self.ts.iter().position(|&t| t > newest_backfilled).unwrap_or(self.ts.len());
        let newer = self.clone_rows_from(keep_from);
        self.ts = ring(self.capacity, history.ts.iter().map(|&t| t as f64));
        // Inserted one by one: collecting into a BTreeMap sorts first, and the sort
        // would be compiled into the wasm for this one type.
        self.columns.clear();
        self.layout = None;
        for (id, column) in history.series.iter().filter(|(_, column)| column.host == host) {
            self.columns.insert(id.clone(), ring(self.capacity, column.values.iter().map(|v| v.unwrap_or(f64::NAN))));
        }
        for (ts, values) in newer {
            self.push_row(ts, |id| values.get(id).copied().filter(|v| !v.is_nan()));
        }
        while self.ts.len() > self.capacity {
            self.ts.pop_front();
            self.columns.values_mut().for_each(|c| {
                c.pop_front();
            });
        }
    }

    /// Appends `other`'s rows at or after `after` and newer than this one's newest,
    /// for the series this one holds (a history picture taking live samples at its
    /// right edge); returns how many. A gap marker `other` holds at this one's
    /// newest time is taken too, so a break shows however the rows were split.
    pub fn append_from(&mut self, other: &HostSeries, after: f64) -> usize {
        let newest = self.newest_ts().unwrap_or(f64::NEG_INFINITY);
        let start = other.ts.partition_point(|&t| t < after || t < newest);
        let mut count = 0;
        for row in start..other.ts.len() {
            let value = |id: &str| other.columns.get(id).map(|c| c[row]).filter(|v| !v.is_nan());
            // A row at the newest time is already here, unless it is a break
            // this one lacks.
            let is_break = self.columns.keys().all(|id| value(id).is_none());
            let ends_in_break = self.columns.values().all(|c| c.back().is_none_or(|v| v.is_nan()));
            if other.ts[row] <= newest && (!is_break || ends_in_break) {
                continue;
            }
            self.push_row(other.ts[row], value);
            count += 1;
        }
        count
    }

    fn clone_rows_from(&self, start: usize) -> Vec<(f64, BTreeMap<String, f64>)> {
        (start..self.ts.len())
            .map(|row| {
                let mut values = BTreeMap::new();
                for (id, column) in &self.columns {
                    values.insert(id.clone(), column[row]);
                }
                (self.ts[row], values)
            })
            .collect()
    }

    /// Forgets every row (the top-processes table is kept).
    pub fn clear(&mut self) {
        self.ts.clear();
        self.columns.clear();
        self.layout = None;
    }

    /// Number of rows held (including gap markers).
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Row timestamps, ascending, as two slices (the ring may wrap).
    pub fn timestamps(&self) -> (&[f64], &[f64]) {
        self.ts.as_slices()
    }

    /// A series' values aligned with [`Self::timestamps`], or `None` if unknown.
    pub fn values(&self, id: &str) -> Option<(&[f64], &[f64])> {
        self.columns.get(id).map(VecDeque::as_slices)
    }

    /// Ids of every series held.
    pub fn series_ids(&self) -> impl Iterator<Item = &str> {
        self.columns.keys().map(String::as_str)
    }

    /// The oldest timestamp, if any.
    pub fn oldest_ts(&self) -> Option<f64> {
        self.ts.front().copied()
    }

    /// The newest timestamp, if any.
    pub fn newest_ts(&self) -> Option<f64> {
        self.ts.back().copied()
    }

    /// The value of a series in the newest row (`None` if it had none there).
    pub fn newest(&self, id: &str) -> Option<f64> {
        self.columns.get(id)?.back().copied().filter(|v| !v.is_nan())
    }

    /// Every series whose id starts with `prefix`: the rest of its id and its value
    /// in the newest row (one search, however many series there are).
    pub fn newest_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, Option<f64>)> + 'a {
        use std::ops::Bound;
        self.columns
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(id, _)| id.starts_with(prefix))
            .map(move |(id, column)| (&id[prefix.len()..], column.back().copied().filter(|v| !v.is_nan())))
    }

    /// The newest non-gap value of a series.
    pub fn latest(&self, id: &str) -> Option<f64> {
        self.columns.get(id)?.iter().rev().find(|v| !v.is_nan()).copied()
    }

    /// Stats of a series over rows with `from <= ts <= to` (found by binary search, so
    /// a five-minute window costs the same however full the ring is).
    pub fn stats(&self, id: &str, from: f64, to: f64) -> Option<SeriesStats> {
        let column = self.columns.get(id)?;
        let mut stats: Option<SeriesStats> = None;
        let mut sum = 0.0;
        let mut count = 0usize;
        for &v in column.range(self.rows_between(from, to)) {
            if v.is_nan() {
                continue;
            }
            sum += v;
            count += 1;
            let s = stats.get_or_insert(SeriesStats { last: v, min: v, max: v, avg: v });
            s.last = v;
            s.min = s.min.min(v);
            s.max = s.max.max(v);
        }
        stats.map(|mut s| {
            s.avg = sum / count as f64;
            s
        })
    }

    /// The value of a series at the row nearest to `ts`, for crosshair tooltips.
    pub fn value_near(&self, id: &str, ts: f64) -> Option<(f64, f64)> {
        let column = self.columns.get(id)?;
        let index = match self.ts.binary_search_by(|t| t.total_cmp(&ts)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) if i >= self.ts.len() => self.ts.len().checked_sub(1)?,
            Err(i) => {
                if ts - self.ts[i - 1] <= self.ts[i] - ts {
                    i - 1
                } else {
                    i
                }
            }
        };
        let value = *column.get(index)?;
        (!value.is_nan()).then(|| (self.ts[index], value))
    }

    /// The rows with `from <= ts <= to`, as an index range into the columns
    /// (found by binary search, so drawing a window never scans the whole ring).
    pub fn rows_between(&self, from: f64, to: f64) -> std::ops::Range<usize> {
        let start = self.ts.partition_point(|&t| t < from);
        let end = self.ts.partition_point(|&t| t <= to).max(start);
        start..end
    }

    /// A series' `(ts, value)` pairs in `rows`, oldest first (`NaN` at gaps).
    pub fn points(&self, id: &str, rows: std::ops::Range<usize>) -> impl Iterator<Item = (f64, f64)> + '_ {
        let column = self.columns.get(id);
        let len = rows.len();
        self.ts
            .range(rows.clone())
            .zip(column.into_iter().flat_map(move |c| c.range(rows.clone())))
            .map(|(&t, &v)| (t, v))
            .take(len)
    }

    /// The busiest processes in the newest frame.
    pub fn top(&self) -> &[ProcessInfo] {
        &self.top
    }

    /// Drops the oldest row when the ring is full.
    fn make_room(&mut self) {
        if self.ts.len() == self.capacity {
            self.ts.pop_front();
            for column in self.columns.values_mut() {
                column.pop_front();
            }
        }
    }

    fn push_row(&mut self, ts: f64, value_of: impl Fn(&str) -> Option<f64>) {
        self.make_room();
        self.ts.push_back(ts);
        for (id, column) in self.columns.iter_mut() {
            column.push_back(value_of(id).unwrap_or(f64::NAN));
        }
    }
}

/// A ring buffer holding `values`, with room for `capacity` rows allocated up front:
/// the store's memory is taken once, when a series first appears, and then stays
/// flat however long the page runs (wasm memory never shrinks, so growing by
/// doubling would show up as creep over the first hour).
fn ring(capacity: usize, values: impl Iterator<Item = f64>) -> VecDeque<f64> {
    let mut ring = VecDeque::with_capacity(capacity);
    ring.extend(values);
    ring
}

#[cfg(test)]
mod tests;
