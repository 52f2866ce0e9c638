//! How much of the hub one agent link may cost in series: every new series is a
//! column the store writes and a name every hub keeps, so a link may bring at most
//! [`MAX_SERIES`] distinct series (in its frames and in its catalogue), and its
//! catalogue may change at most [`CATALOG_CHANGES`] times in any
//! [`CATALOG_WINDOW_MS`] after its first `hello`. A real agent sends 25 to 60
//! (more with many disks and interfaces) and changes its catalogue when a mount or
//! an interface comes or goes: a few containers started together each bring an
//! interface, so changes come in bursts, which the window allows. Pure: the
//! caller gives the hub's clock, and closes the link with 1008 on a refusal.

mod ids;

use std::collections::VecDeque;

use pulse_protocol::{Catalog, Frame};

use ids::Ids;

/// The most distinct series one agent link may bring: ten times a busy real host.
pub const MAX_SERIES: usize = 512;

/// The longest series id a link may bring, in bytes: a real id is a metric and a
/// device or container name (tens of bytes); every new id is kept and compared
/// for the link's life, so one of 250 KiB in each of 512 frames cost gigabytes
/// of copying.
pub const MAX_ID_BYTES: usize = 512;

/// How many times a link's catalogue may change within [`CATALOG_WINDOW_MS`].
pub const CATALOG_CHANGES: usize = 10;

/// The window [`CATALOG_CHANGES`] is counted in, in ms.
pub const CATALOG_WINDOW_MS: i64 = 60_000;

/// What one link has brought so far.
#[derive(Debug, Default)]
pub struct SeriesBudget {
    /// Every series id the link's frames and catalogues carried, sorted: a frame's ids come
    /// sorted too (its values are a `BTreeMap`), so one walk along both finds
    /// the new ones, where a hash set hashed each id of every frame twice.
    seen: Ids,
    /// The link's current catalogue (none before `hello`).
    catalog: Option<Catalog>,
    /// When it changed, within the last [`CATALOG_WINDOW_MS`], oldest first.
    changes: VecDeque<i64>,
}

impl SeriesBudget {
    /// `Err` with what is wrong (short enough for a close reason) when `frame`
    /// carries more series than a link may bring; otherwise counts them.
    pub fn frame(&mut self, frame: &Frame) -> Result<(), String> {
        if frame.values.len() > MAX_SERIES {
            return Err(format!("frame {}: {} series, at most {MAX_SERIES}", frame.seq, frame.values.len()));
        }
        let new = unseen(&self.seen, frame.values.keys());
        too_long(&new).map_err(|reason| format!("frame {}: {reason}", frame.seq))?;
        if self.seen.len() + new.len() > MAX_SERIES {
            return Err(format!(
                "frame {}: {} distinct series on this link, at most {MAX_SERIES}",
                frame.seq,
                self.seen.len() + new.len()
            ));
        }
        if !new.is_empty() {
            self.seen.add(new.into_iter().map(String::as_str));
        }
        Ok(())
    }

    /// `Err` with what is wrong when a `hello` carrying `catalog` at `now_ms` would
    /// bring too many series or change the catalogue too often; otherwise keeps it.
    pub fn hello(&mut self, catalog: &Catalog, now_ms: i64) -> Result<(), String> {
        if catalog.series.len() > MAX_SERIES {
            return Err(format!("a catalogue of {} series, at most {MAX_SERIES}", catalog.series.len()));
        }
        let mut ids: Vec<&String> = catalog.series.iter().map(|series| &series.id).collect();
        ids.sort_unstable();
        ids.dedup();
        let new = unseen(&self.seen, ids.into_iter());
        too_long(&new).map_err(|reason| format!("a catalogue with {reason}"))?;
        if self.seen.len() + new.len() > MAX_SERIES {
            return Err(format!(
                "a catalogue bringing {} distinct series on this link, at most {MAX_SERIES}",
                self.seen.len() + new.len()
            ));
        }
        match &self.catalog {
            Some(held) if held == catalog => return Ok(()),
            Some(_) => {
                while self.changes.front().is_some_and(|at| now_ms.saturating_sub(*at) >= CATALOG_WINDOW_MS) {
                    self.changes.pop_front();
                }
                if self.changes.len() >= CATALOG_CHANGES {
                    return Err(format!(
                        "the catalogue changed more than {CATALOG_CHANGES} times within {} s",
                        CATALOG_WINDOW_MS / 1000
                    ));
                }
                self.changes.push_back(now_ms);
            }
            None => {}
        }
        if !new.is_empty() {
            self.seen.add(new.into_iter().map(String::as_str));
        }
        self.catalog = Some(catalog.clone());
        Ok(())
    }
}

/// `Err` naming the length of the first id of `new` over [`MAX_ID_BYTES`].
fn too_long(new: &[&String]) -> Result<(), String> {
    match new.iter().find(|id| id.len() > MAX_ID_BYTES) {
        Some(id) => Err(format!("a series id of {} bytes, at most {MAX_ID_BYTES}", id.len())),
        None => Ok(()),
    }
}

/// The ids of `ids` (sorted, each once) that `seen` (sorted) lacks, found in one
/// walk along both; none (and no allocation) for a frame of known series.
fn unseen<'a>(seen: &Ids, ids: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut new = Vec::new();
    let mut known = seen.iter().peekable();
    for id in ids {
        while known.next_if(|known| *known < id.as_str()).is_some() {}
        if known.next_if(|known| *known == id.as_str()).is_none() {
            new.push(id);
        }
    }
    new
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_protocol::{SeriesInfo, SeriesKind, Unit};

    use super::*;

    /// A case: what, the inputs in turn, what the last one's refusal mentions.
    type Case<'a, T> = (&'static str, &'a [T], Option<&'static str>);

    fn frame(seq: u64, (first, end): (usize, usize)) -> Frame {
        let values: BTreeMap<String, f64> = (first..end).map(|i| (format!("s{i}"), 1.0)).collect();
        Frame { seq, ts: 1, host: "web-1".into(), values, top: Vec::new(), columns: None }
    }

    fn catalog(count: usize) -> Catalog {
        let series = (0..count)
            .map(|i| SeriesInfo {
                id: format!("s{i}"),
                host: "web-1".into(),
                group: "disk".into(),
                label: format!("disk {i}"),
                unit: Unit::Percent,
                kind: SeriesKind::Gauge,
            })
            .collect();
        Catalog { series }
    }

    #[test]
    fn a_link_brings_at_most_max_series_distinct_series() {
        let cases: [Case<'_, (usize, usize)>; 6] = [
            // what, the frames' series in turn, the last one's refusal mentions
            ("a real host's 60, again and again", &[(0, 60), (0, 60), (0, 60)], None),
            ("exactly the cap", &[(0, MAX_SERIES)], None),
            ("the cap reached over frames", &[(0, 300), (200, MAX_SERIES)], None),
            ("one frame over the cap", &[(0, MAX_SERIES + 1)], Some("513 series, at most 512")),
            ("a flood's frame of 3,000", &[(0, 3000)], Some("3000 series")),
            ("new series frame after frame", &[(0, 300), (300, 600)], Some("600 distinct series")),
        ];
        for (what, frames, refusal) in cases {
            let mut budget = SeriesBudget::default();
            let (last, before) = frames.split_last().expect("a frame");
            for (seq, ids) in before.iter().enumerate() {
                assert_eq!(budget.frame(&frame(seq as u64 + 1, *ids)), Ok(()), "{what}");
            }
            let checked = budget.frame(&frame(99, *last));
            match refusal {
                None => assert_eq!(checked, Ok(()), "{what}"),
                Some(words) => {
                    let reason = checked.expect_err(what);
                    assert!(reason.contains(words) && reason.len() <= 123, "{what}: {reason}");
                }
            }
        }
    }

    #[test]
    fn a_series_id_past_the_length_cap_is_refused_in_a_frame_and_in_a_catalogue() {
        for (length, refused) in [(40, false), (MAX_ID_BYTES, false), (MAX_ID_BYTES + 1, true), (250_000, true)] {
            let id = "x".repeat(length);
            let mut frame = frame(1, (0, 2));
            frame.values.insert(id.clone(), 1.0);
            let mut catalogue = catalog(2);
            catalogue.series[0].id = id;
            let checked = [SeriesBudget::default().frame(&frame), SeriesBudget::default().hello(&catalogue, 0)];
            for checked in checked {
                match refused {
                    false => assert_eq!(checked, Ok(()), "{length}"),
                    true => assert!(checked.expect_err("refused").contains(&format!("{length} bytes")), "{length}"),
                }
            }
        }
    }

    #[test]
    fn the_unseen_ids_are_found_in_one_walk() {
        /// What, the ids seen, a frame's ids, the unseen ones.
        type Walk = (&'static str, &'static [&'static str], &'static [&'static str], &'static [&'static str]);
        let cases: [Walk; 7] = [
            ("nothing seen yet", &[], &["a", "b"], &["a", "b"]),
            ("the same ids", &["a", "b", "c"], &["a", "b", "c"], &[]),
            ("fewer ids", &["a", "b", "c"], &["b"], &[]),
            ("one new in the middle", &["a", "c"], &["a", "b", "c"], &["b"]),
            ("new ones before and after", &["b"], &["a", "b", "c"], &["a", "c"]),
            ("all new, between the seen", &["a", "c", "e"], &["b", "d"], &["b", "d"]),
            ("a prefix of a seen id", &["disk.sda"], &["disk.sd", "disk.sda"], &["disk.sd"]),
        ];
        for (what, seen, ids, want) in cases {
            let mut held = Ids::default();
            held.add(seen.iter().copied());
            let seen = held;
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            let got: Vec<&str> = unseen(&seen, ids.iter()).into_iter().map(String::as_str).collect();
            assert_eq!(got, want, "{what}");
        }
    }

    #[test]
    fn a_links_catalogues_and_frames_count_towards_one_budget() {
        let renamed = |count: usize, prefix: &str| {
            let mut named = catalog(count);
            for (i, series) in named.series.iter_mut().enumerate() {
                series.id = format!("{prefix}{i}");
            }
            named
        };
        let mut budget = SeriesBudget::default();
        assert_eq!(budget.hello(&catalog(300), 0), Ok(()));
        assert_eq!(budget.frame(&frame(1, (0, 300))), Ok(()), "the catalogue's own series again");
        let refused = budget.frame(&frame(2, (300, 600))).expect_err("300 more than the catalogue's");
        assert!(refused.contains("600 distinct series"), "{refused}");

        // Catalogues of new names, each under the cap and under the change limit.
        let mut budget = SeriesBudget::default();
        assert_eq!(budget.hello(&renamed(300, "a"), 0), Ok(()));
        let refused = budget.hello(&renamed(300, "b"), 1).expect_err("600 distinct names");
        assert!(refused.contains("600 distinct series"), "{refused}");
    }

    #[test]
    fn a_catalogue_is_bounded_in_size_and_in_how_often_it_changes() {
        const W: i64 = CATALOG_WINDOW_MS;
        // A first catalogue of 60 series, then ten changes a second apart, then `next`.
        let changes = |next: Option<(usize, i64)>| -> Vec<(usize, i64)> {
            (0..=10).map(|i| (60 + i, i as i64)).chain(next).collect()
        };
        let (ten_changes, eleven_within, eleven_after) =
            (changes(None), changes(Some((71, 11))), changes(Some((71, W + 1))));
        let cases: [Case<'_, (usize, i64)>; 8] = [
            // what, the hellos' catalogue sizes and times in turn, the last one's refusal mentions
            ("the first hello", &[(60, 0)], None),
            ("the same catalogue again at once", &[(60, 0), (60, 1)], None),
            ("a change a minute later", &[(60, 0), (61, W)], None),
            ("ten containers started at once, one change each", &ten_changes, None),
            ("an eleventh change within the window", &eleven_within, Some("more than 10 times within 60 s")),
            ("an eleventh once the first change left the window", &eleven_after, None),
            ("a catalogue at the cap", &[(MAX_SERIES, 0)], None),
            ("a catalogue over the cap", &[(MAX_SERIES + 1, 0)], Some("513 series")),
        ];
        for (what, hellos, refusal) in cases {
            let mut budget = SeriesBudget::default();
            let ((size, at), before) = hellos.split_last().expect("a hello");
            for (size, at) in before {
                assert_eq!(budget.hello(&catalog(*size), *at), Ok(()), "{what}");
            }
            let checked = budget.hello(&catalog(*size), *at);
            match refusal {
                None => assert_eq!(checked, Ok(()), "{what}"),
                Some(words) => assert!(checked.expect_err(what).contains(words), "{what}"),
            }
        }
    }
}
