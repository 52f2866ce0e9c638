//! Keeps the catalogue current: a frame carrying a series id the catalogue does not
//! know (a new disk, a new interface) triggers a refetch of `/api/v1/series`, at
//! most once per [`REFETCH_EVERY_MS`].

use std::collections::BTreeSet;

use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{Catalog, Frame};

/// The shortest time between two refetches.
pub const REFETCH_EVERY_MS: f64 = 30_000.0;

/// The ids the catalogue knows and when it was last refetched.
#[derive(Debug, Default)]
pub struct CatalogWatch {
    known: BTreeSet<String>,
    last_fetch_at: Option<f64>,
}

impl CatalogWatch {
    /// A new catalogue arrived (from hello or a refetch).
    pub fn learn(&mut self, catalog: &Catalog) {
        // Inserted one by one: collecting into a BTreeSet would ship a sort.
        self.known.clear();
        for series in &catalog.series {
            self.known.insert(series.id.clone());
        }
    }

    /// Whether `frames` name an unknown series and a refetch is allowed at `now`;
    /// when it is, the refetch counts as started.
    pub fn should_refetch(&mut self, frames: &[Frame], now: f64) -> bool {
        let allowed = self.last_fetch_at.is_none_or(|at| now - at >= REFETCH_EVERY_MS);
        // The fleet summary's ids name hosts, not series: its catalogue lists patterns.
        let unknown = || {
            frames
                .iter()
                .filter(|f| f.host != FLEET_HOST)
                .flat_map(|f| f.values.keys())
                .any(|id| !self.known.contains(id))
        };
        let refetch = allowed && unknown();
        if refetch {
            self.last_fetch_at = Some(now);
        }
        refetch
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_protocol::{SeriesInfo, SeriesKind, Unit};

    use super::*;

    fn frame(ids: &[&str]) -> Frame {
        let values: BTreeMap<String, f64> = ids.iter().map(|id| (id.to_string(), 1.0)).collect();
        Frame { seq: 1, ts: 0, host: "h".into(), values, top: vec![], columns: None }
    }

    fn catalog(ids: &[&str]) -> Catalog {
        let info = |id: &&str| SeriesInfo {
            id: id.to_string(),
            host: "h".into(),
            group: "cpu".into(),
            label: id.to_string(),
            unit: Unit::Percent,
            kind: SeriesKind::Gauge,
        };
        Catalog { series: ids.iter().map(info).collect() }
    }

    #[test]
    fn unknown_ids_refetch_at_most_once_per_interval() {
        let mut watch = CatalogWatch::default();
        watch.learn(&catalog(&["cpu", "mem"]));
        // (ids in the frame, now) → refetch?
        let cases = [
            (vec!["cpu", "mem"], 0.0, false),
            (vec!["cpu", "disk.sdb"], 1_000.0, true),
            (vec!["disk.sdb"], 2_000.0, false),
            (vec!["disk.sdb"], 31_000.0, true),
        ];
        for (ids, now, want) in cases {
            assert_eq!(watch.should_refetch(&[frame(&ids)], now), want, "{ids:?} at {now}");
        }
        watch.learn(&catalog(&["cpu", "mem", "disk.sdb"]));
        assert!(!watch.should_refetch(&[frame(&["disk.sdb"])], 90_000.0));
    }
}
