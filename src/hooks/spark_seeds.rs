//! The fleet table's sparklines before the page has watched a minute. The hub
//! keeps a minute of the fleet summary, and none while no page watches it, so a
//! page opened on a quiet hub would draw each sparkline from nothing. While the
//! summary's ring is shorter than a sparkline, this asks the hub's history (its
//! memory window or store) for the last minute of CPU of each host on screen, once
//! per host, and [`spark_points`] puts those points before the ring's own.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::fleet::Metric;
use pulse_protocol::HistoryResponse;
use wasm_bindgen::JsValue;

use super::HistoryClient;
use crate::charts::Window;
use crate::history::Query;
use crate::transport::fetch_picture;

/// Each seeded host's CPU points, (ms since the Unix epoch, %), oldest first, by
/// host id: a `Vec` sorted by id and searched by binary search, not a `HashMap`
/// (std's map ships its hasher and its own copy of the table code; nothing else in
/// the app uses it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seeds(Vec<(String, Vec<(f64, f64)>)>);

impl Seeds {
    /// The points seeded for host `id`, if any.
    pub fn get(&self, id: &str) -> Option<&[(f64, f64)]> {
        let at = self.0.binary_search_by(|(key, _)| key.as_str().cmp(id)).ok()?;
        self.0.get(at).map(|(_, points)| points.as_slice())
    }

    /// Sets host `id`'s points.
    pub fn insert(&mut self, id: String, points: Vec<(f64, f64)>) {
        match self.0.binary_search_by(|(key, _)| key.as_str().cmp(&id)) {
            Ok(at) => self.0[at].1 = points,
            Err(at) => self.0.insert(at, (id, points)),
        }
    }
}

/// The host's own series the sparkline draws (the summary's `cpu` is made of it).
const CPU: &str = Metric::Cpu.sources()[0];
/// Records kept in `window.__pulse.sparkSeeds` for end-to-end tests.
const PROBE_RECORDS: u32 = 64;

/// Seeds for the hosts `wanted` names, each asked once while `wanted` is not
/// empty (again once it has been): `points` columns over the `span_ms` before
/// the page clock's `now`.
pub fn use_spark_seeds(
    client: HistoryClient,
    wanted: Signal<Vec<String>>,
    now: Signal<f64>,
    span_ms: f64,
    points: usize,
) -> ReadSignal<Seeds> {
    let seeds = RwSignal::new(Seeds::default());
    // The ids asked for, sorted (a set without std's hasher, as `Seeds`).
    let asked: StoredValue<Vec<String>> = StoredValue::new(Vec::new());
    Effect::new(move |_| {
        let ids = wanted.get();
        if ids.is_empty() {
            // The rings cover the sparklines (or nothing is on screen): when they
            // fall short again (a restarted hub's new summary), ask again.
            asked.set_value(Vec::new());
            return;
        }
        let Some(server) = client.server().get() else { return };
        let to = now.get_untracked();
        for id in ids {
            let first = asked.try_update_value(|asked| match asked.binary_search(&id) {
                Ok(_) => false,
                Err(at) => {
                    asked.insert(at, id.clone());
                    true
                }
            });
            if !first.unwrap_or(false) {
                continue;
            }
            let window = Window { from: to - span_ms, to };
            let Some(query) = Query::new(&id, vec![CPU.to_owned()], window, points as f64, true) else { continue };
            let server = server.clone();
            spawn_local(async move {
                // A failed request leaves the sparkline to the summary, as before.
                let Ok(answer) = fetch_picture(&server, &query.path()).await else { return };
                let found = cpu_points(&answer);
                crate::probe::push_record(
                    "sparkSeeds",
                    &[("host", JsValue::from_str(&id)), ("points", JsValue::from_f64(found.len() as f64))],
                    PROBE_RECORDS,
                );
                seeds.try_update(|seeds| seeds.insert(id, found));
            });
        }
    });
    // A `ReadSignal`, not a `Signal`: the narrowest handle, and no copy of
    // `Signal`'s code for this value type in the download.
    seeds.read_only()
}

/// The rows of `answer` that have a CPU value, as (ts, value).
pub fn cpu_points(answer: &HistoryResponse) -> Vec<(f64, f64)> {
    let Some(column) = answer.series.get(CPU) else { return Vec::new() };
    answer
        .ts
        .iter()
        .zip(&column.values)
        .filter_map(|(ts, value)| value.filter(|v| v.is_finite()).map(|v| (*ts as f64, v)))
        .collect()
}

/// A sparkline's last `count` points: the seed's points older than the ring's
/// oldest sample (`ring_oldest`; all of them while the ring is empty), then the
/// ring's own values.
pub fn spark_points(seed: &[(f64, f64)], ring_oldest: Option<f64>, ring: &[f64], count: usize) -> Vec<f64> {
    let before = seed.iter().filter(|(ts, _)| ring_oldest.is_none_or(|oldest| *ts < oldest)).map(|(_, v)| *v);
    let all: Vec<f64> = before.chain(ring.iter().copied()).collect();
    let skip = all.len().saturating_sub(count);
    all[skip..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded point, (ms, %).
    type Point = (f64, f64);

    /// A case: the seed, the ring's oldest time, the ring's values, how many
    /// points, the sparkline's points.
    type Case<'a> = (&'a [(f64, f64)], Option<f64>, &'a [f64], usize, Vec<f64>);

    #[test]
    fn seeds_are_found_by_id_and_a_second_answer_replaces_the_first() {
        let mut seeds = Seeds::default();
        for (id, points) in [("web-2", vec![(1.0, 2.0)]), ("api-1", vec![]), ("web-1", vec![(3.0, 4.0)])] {
            seeds.insert(id.to_owned(), points);
        }
        seeds.insert("web-2".to_owned(), vec![(5.0, 6.0)]);
        let cases: [(&str, Option<&[Point]>); 5] = [
            ("api-1", Some(&[])),
            ("web-1", Some(&[(3.0, 4.0)])),
            ("web-2", Some(&[(5.0, 6.0)])),
            ("db-1", None),
            ("", None),
        ];
        for (id, want) in cases {
            assert_eq!(seeds.get(id), want, "{id}");
        }
    }

    #[test]
    fn seeds_fill_in_front_of_the_ring_and_the_newest_points_are_kept() {
        let seed = [(1_000.0, 1.0), (2_000.0, 2.0), (3_000.0, 3.0)];
        let cases: [Case<'_>; 6] = [
            (&seed, None, &[], 60, vec![1.0, 2.0, 3.0]),
            (&seed, Some(3_000.0), &[30.0, 40.0], 60, vec![1.0, 2.0, 30.0, 40.0]),
            (&seed, Some(500.0), &[30.0], 60, vec![30.0]),
            (&seed, Some(2_500.0), &[30.0, 40.0], 3, vec![2.0, 30.0, 40.0]),
            (&[], Some(2_500.0), &[30.0, 40.0], 60, vec![30.0, 40.0]),
            (&seed, None, &[], 2, vec![2.0, 3.0]),
        ];
        for (i, (seed, oldest, ring, count, want)) in cases.into_iter().enumerate() {
            assert_eq!(spark_points(seed, oldest, ring, count), want, "case {i}");
        }
    }
}
