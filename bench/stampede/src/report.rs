//! Turns what a run recorded into figures, and the figures into Markdown tables.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::record::Outcome;
use crate::run::Recorded;

/// Width of the windows the server's connection rate is counted in.
const WINDOW_MS: f64 = 100.0;

/// Width of the rows of the timeline.
const TIMELINE_MS: f64 = 250.0;

/// Rows of the timeline at most.
const TIMELINE_ROWS: usize = 40;

/// The figures of one run; times in ms.
#[derive(Debug)]
pub struct Stats {
    /// Policy and stop.
    pub label: String,
    /// Clients in the run.
    pub clients: usize,
    /// Old server signalled → its process gone.
    pub dying_ms: f64,
    /// Old server signalled → new server listening.
    pub down_ms: f64,
    /// New server listening → 50 %, 95 %, 100 % of clients live again.
    pub back: [Option<f64>; 3],
    /// New server listening → the first client live again.
    pub first_back: Option<f64>,
    /// First to last client live again.
    pub spread: Option<f64>,
    /// Clients never live again.
    pub missing: usize,
    /// Attempts after the signal.
    pub attempts: usize,
    /// Of which: refused, accepted, other failures (including unfinished).
    pub refused: usize,
    /// Handshakes that succeeded.
    pub accepted: usize,
    /// Resets, timeouts, handshakes refused, attempts aborted by the engine.
    pub failed: usize,
    /// Attempts per client: mean and max.
    pub per_client: (f64, usize),
    /// Most attempts in one 100 ms window, and when it began (ms from listening).
    pub peak_window: (usize, f64),
    /// Most attempts in one 100 ms window once the new server listened.
    pub peak_window_listening: usize,
    /// How open links ended after the signal.
    pub ends: BTreeMap<&'static str, u64>,
    /// Most attempts in any 1 s (ten consecutive windows).
    pub peak_second: usize,
    /// Most accepted handshakes in one 100 ms window.
    pub peak_accepted_window: usize,
    /// Attempts per 250 ms after the signal.
    pub timeline: Vec<usize>,
    /// Engine log lines (digits masked) and how often they came.
    pub notes: BTreeMap<String, u64>,
}

/// Computes the figures of one run.
pub fn stats(run: &Recorded) -> Stats {
    let record = &run.record;
    let clients = run.spec.clients;
    let mut back: Vec<f64> = record
        .became_live
        .iter()
        .filter_map(|times| times.iter().copied().find(|t| *t >= run.signalled_at))
        .map(|t| t - run.listening_at)
        .collect();
    back.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        let rank = ((p * clients as f64).ceil() as usize).clamp(1, clients);
        back.get(rank - 1).copied()
    };
    let after: Vec<_> =
        record.attempts.iter().filter(|a| a.at >= run.signalled_at && a.at <= run.ended_at).copied().collect();
    let count = |o: Outcome| after.iter().filter(|a| a.outcome == o).count();
    let mut per_client = vec![0usize; clients];
    for attempt in &after {
        if let Some(n) = per_client.get_mut(attempt.client) {
            *n += 1;
        }
    }
    let span = (run.ended_at - run.signalled_at).max(0.0);
    let windows = (span / WINDOW_MS).ceil() as usize + 1;
    let mut all = vec![0usize; windows];
    let mut accepted = vec![0usize; windows];
    let mut timeline = vec![0usize; (span / TIMELINE_MS).ceil() as usize + 1];
    for attempt in &after {
        let offset = attempt.at - run.signalled_at;
        let window = (offset / WINDOW_MS) as usize;
        if let Some(n) = all.get_mut(window) {
            *n += 1;
        }
        if attempt.outcome == Outcome::Accepted {
            if let Some(n) = accepted.get_mut(window) {
                *n += 1;
            }
        }
        if let Some(n) = timeline.get_mut((offset / TIMELINE_MS) as usize) {
            *n += 1;
        }
    }
    let (peak_index, peak) =
        all.iter().copied().enumerate().max_by_key(|(i, n)| (*n, usize::MAX - i)).unwrap_or((0, 0));
    let listening_window = ((run.listening_at - run.signalled_at).max(0.0) / WINDOW_MS) as usize;
    let peak_window_listening = all.iter().skip(listening_window).copied().max().unwrap_or(0);
    let peak_second = all.windows(10.min(all.len()).max(1)).map(|w| w.iter().sum()).max().unwrap_or(0);
    Stats {
        label: run.spec.to_string(),
        clients,
        dying_ms: run.died_at - run.signalled_at,
        down_ms: run.listening_at - run.signalled_at,
        back: [percentile(0.5), percentile(0.95), percentile(1.0)],
        first_back: back.first().copied(),
        spread: (back.len() == clients && clients > 0).then(|| back[clients - 1] - back[0]),
        missing: clients - back.len(),
        attempts: after.len(),
        refused: count(Outcome::Refused),
        accepted: count(Outcome::Accepted),
        failed: count(Outcome::Failed) + count(Outcome::Pending),
        per_client: (after.len() as f64 / clients.max(1) as f64, per_client.iter().copied().max().unwrap_or(0)),
        peak_window: (peak, peak_index as f64 * WINDOW_MS + run.signalled_at - run.listening_at),
        peak_window_listening,
        ends: record.ends.clone(),
        peak_second,
        peak_accepted_window: accepted.iter().copied().max().unwrap_or(0),
        timeline,
        notes: record.notes.clone(),
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.0} ms"))
}

/// The main table: one column per run.
pub fn table(all: &[Stats]) -> String {
    let mut out = String::new();
    let _ = write!(out, "| |");
    for s in all {
        let _ = write!(out, " {} |", s.label);
    }
    let _ = write!(out, "\n|---|");
    for _ in all {
        let _ = write!(out, "---:|");
    }
    out.push('\n');
    let mut row = |name: &str, cell: &dyn Fn(&Stats) -> String| {
        let _ = write!(out, "| {name} |");
        for s in all {
            let _ = write!(out, " {} |", cell(s));
        }
        out.push('\n');
    };
    row("clients", &|s| s.clients.to_string());
    row("signal → old server gone", &|s| ms(Some(s.dying_ms)));
    row("signal → new server listening", &|s| ms(Some(s.down_ms)));
    row("listening → first client live", &|s| ms(s.first_back));
    row("listening → 50 % live again", &|s| ms(s.back[0]));
    row("listening → 95 % live again", &|s| ms(s.back[1]));
    row("listening → 100 % live again", &|s| ms(s.back[2]));
    row("spread, first → last live again", &|s| ms(s.spread));
    row("old links ended by bye / close 1012 / reset / other", &|s| {
        let n = |k: &str| s.ends.get(k).copied().unwrap_or(0);
        format!("{} / {} / {} / {}", n("bye"), n("close 1012"), n("reset"), n("other"))
    });
    row("clients not live again", &|s| s.missing.to_string());
    row("attempts after the signal", &|s| s.attempts.to_string());
    row("attempts per client, mean / max", &|s| format!("{:.2} / {}", s.per_client.0, s.per_client.1));
    row("attempts: refused / accepted / other", &|s| format!("{} / {} / {}", s.refused, s.accepted, s.failed));
    row("peak attempts in 100 ms (at, from listening)", &|s| {
        format!("**{}** ({:+.0} ms)", s.peak_window.0, s.peak_window.1)
    });
    row("peak attempts in 100 ms once the new server listens", &|s| s.peak_window_listening.to_string());
    row("peak attempts in any 1 s", &|s| s.peak_second.to_string());
    row("peak accepted handshakes in 100 ms", &|s| s.peak_accepted_window.to_string());
    out
}

/// Attempts per 250 ms after the signal, one column per run.
pub fn timeline(all: &[Stats]) -> String {
    let rows = all.iter().map(|s| s.timeline.len()).max().unwrap_or(0).min(TIMELINE_ROWS);
    let last = (0..rows).rev().find(|&i| all.iter().any(|s| s.timeline.get(i).copied().unwrap_or(0) > 0));
    let mut out = String::from("| ms after the signal |");
    for s in all {
        let _ = write!(out, " {} |", s.label);
    }
    out.push_str("\n|---|");
    for _ in all {
        out.push_str("---:|");
    }
    out.push('\n');
    for i in 0..=last.unwrap_or(0) {
        let from = i as f64 * TIMELINE_MS;
        let _ = write!(out, "| {from:.0}–{:.0} |", from + TIMELINE_MS);
        for s in all {
            let _ = write!(out, " {} |", s.timeline.get(i).copied().unwrap_or(0));
        }
        out.push('\n');
    }
    out
}

/// What the engines logged across the engine runs, most frequent first.
pub fn engine_log(all: &[&Stats]) -> String {
    let mut merged: BTreeMap<&str, u64> = BTreeMap::new();
    for s in all {
        for (line, n) in &s.notes {
            *merged.entry(line.as_str()).or_insert(0) += n;
        }
    }
    let mut lines: Vec<_> = merged.into_iter().collect();
    lines.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (line, n) in lines.into_iter().take(20) {
        let _ = writeln!(out, "{n:>7}  {line}");
    }
    out
}

/// A remark when graceful restarts mostly did not reach clients as `bye`.
pub fn remarks(all: &[Stats]) -> String {
    let mut out = String::new();
    for s in all.iter().filter(|s| s.label.ends_with("graceful")) {
        let n = |k: &str| s.ends.get(k).copied().unwrap_or(0);
        let total: u64 = s.ends.values().sum();
        if n("reset") > n("bye") + n("close 1012") {
            let _ = writeln!(
                out,
                "- *{}*: {} of {} open links ended with a TCP reset, not `bye`/1012: the old server exited \
                 before most of its WebSocket tasks had said goodbye, so those clients retried without the \
                 server's hint.",
                s.label,
                n("reset"),
                total
            );
        }
    }
    out
}
