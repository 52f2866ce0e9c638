//! The client's series store: per host, fixed-size rings of samples.
//!
//! The store never talks to the network. The connection engine decides which frames
//! are new (no duplicates reach here); the store keeps them in time order, marks
//! gaps as breaks, and hands the charts borrowed slices to draw from. Memory is
//! bounded by `capacity` rows per host, so it stays flat however long the page runs.
//! Every series belongs to a host; one host is just the simplest case.

mod host;

use std::collections::BTreeMap;

use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{Frame, HistoryResponse};

pub use host::{HostSeries, SeriesStats};

/// Rows kept per host by default: one hour at 1 Hz plus room for gap markers.
pub const DEFAULT_CAPACITY: usize = 3_700;

/// Rows kept of the fleet summary (`@fleet`): five minutes at 1 Hz. It has a
/// column per host and metric (9,000 at 1,000 hosts), so an hour would be
/// hundreds of MiB; the overview's sparklines and the comparison need minutes.
pub const FLEET_CAPACITY: usize = 320;

/// Every host's series.
#[derive(Debug, Clone, Default)]
pub struct SeriesStore {
    hosts: BTreeMap<String, HostSeries>,
}

impl SeriesStore {
    /// Appends a frame to its host's ring.
    pub fn push_frame(&mut self, frame: &Frame) {
        let host = self.entry(&frame.host);
        match &frame.columns {
            // The fleet summary in columns: its values are in the array. Only
            // the summary's stream carries columns; any other host's are ignored.
            Some(columns) if frame.host == FLEET_HOST => host.push_columns(frame.ts as f64, columns),
            _ => host.push_frame(frame),
        }
    }

    /// Marks a break in `host`'s series (its stream had a hole); the other hosts'
    /// rings are left as they are. The fleet summary's rings are dropped instead:
    /// the summary is made anew by a restarted hub, while each host's own history
    /// has what the hole lost (agents replay it), so the sparklines and the compare
    /// view draw that from the hub's store until the rings fill again
    /// (`history::plan::rings_fall_short`) rather than a break across every host.
    pub fn push_gap_of(&mut self, host: &str) {
        if host == FLEET_HOST {
            self.hosts.remove(host);
        } else if let Some(series) = self.hosts.get_mut(host) {
            series.push_gap();
        }
    }

    /// Marks a break in every host's series (a hole in the hub's own host's
    /// stream before any frame named it).
    pub fn push_gap(&mut self) {
        self.hosts.values_mut().for_each(HostSeries::push_gap);
    }

    /// Replaces older rows with a history backfill, split by host. Live rows newer
    /// than the backfill stay (the stream starts while history is being fetched).
    pub fn load_history(&mut self, history: &HistoryResponse) {
        let mut loaded: Vec<&str> = Vec::new();
        for column in history.series.values() {
            let host = column.host.as_str();
            if !loaded.contains(&host) {
                loaded.push(host);
                self.entry(host).load_history(history, host);
            }
        }
    }

    /// A store of one history picture (`GET /api/v1/history?width=`) of `host`,
    /// with room for `extra` rows more, appended with [`Self::append_from`]: the
    /// history overlay a chart draws instead of the rings. Bounded like them.
    pub fn picture(history: &HistoryResponse, host: &str, extra: usize) -> Self {
        let mut series = HostSeries::with_capacity(history.ts.len() + extra);
        series.load_history(history, host);
        let mut hosts = BTreeMap::new();
        hosts.insert(host.to_owned(), series);
        SeriesStore { hosts }
    }

    /// Appends `source`'s rows of `host` at or after `after` that are newer than
    /// this store's newest (its own series only); says whether any came.
    pub fn append_from(&mut self, source: &SeriesStore, host: &str, after: f64) -> bool {
        match (self.hosts.get_mut(host), source.host(host)) {
            (Some(mine), Some(theirs)) => mine.append_from(theirs, after) > 0,
            _ => false,
        }
    }

    /// The ring of `host`, made when its first sample comes.
    fn entry(&mut self, host: &str) -> &mut HostSeries {
        let capacity = if host == FLEET_HOST { FLEET_CAPACITY } else { DEFAULT_CAPACITY };
        self.hosts.entry(host.to_owned()).or_insert_with(|| HostSeries::with_capacity(capacity))
    }

    /// Forgets every sample.
    pub fn clear(&mut self) {
        self.hosts.clear();
    }

    /// One host's series, if any sample of it arrived.
    pub fn host(&self, host: &str) -> Option<&HostSeries> {
        self.hosts.get(host)
    }

    /// Every host, by name.
    pub fn hosts(&self) -> impl Iterator<Item = (&str, &HostSeries)> {
        self.hosts.iter().map(|(name, series)| (name.as_str(), series))
    }

    /// The newest timestamp of any host.
    pub fn newest_ts(&self) -> Option<f64> {
        self.hosts.values().filter_map(HostSeries::newest_ts).reduce(f64::max)
    }
}

#[cfg(test)]
mod tests {
    use pulse_protocol::{Epoch, HistorySeries};

    use super::*;

    #[test]
    fn history_arriving_after_live_frames_keeps_them() {
        let mut store = SeriesStore::default();
        let live = |seq: u64| Frame {
            seq,
            ts: seq as i64 * 1_000,
            host: "h".into(),
            values: [("cpu".to_owned(), seq as f64)].into(),
            top: vec![],
            columns: None,
        };
        store.push_frame(&live(10));
        store.push_frame(&live(11));
        let history = HistoryResponse {
            tier: None,
            step_ms: None,
            epoch: Epoch("e".into()),
            first_seq: 8,
            last_seq: 10,
            ts: vec![8_000, 9_000, 10_000],
            series: [("cpu".to_owned(), HistorySeries { host: "h".into(), values: vec![Some(8.0), Some(9.0), None] })]
                .into(),
        };
        store.load_history(&history);
        let host = store.host("h").expect("host");
        let (a, b) = host.timestamps();
        assert_eq!([a, b].concat(), vec![8_000.0, 9_000.0, 10_000.0, 11_000.0]);
        assert_eq!(host.latest("cpu"), Some(11.0));
    }

    #[test]
    fn history_is_split_by_host() {
        let column = |host: &str, value: f64| HistorySeries { host: host.into(), values: vec![Some(value)] };
        let history = HistoryResponse {
            tier: None,
            step_ms: None,
            epoch: Epoch("e".into()),
            first_seq: 1,
            last_seq: 1,
            ts: vec![1_000],
            series: [
                ("cpu@a".to_owned(), column("a", 1.0)),
                ("cpu@b".to_owned(), column("b", 2.0)),
                ("mem@a".to_owned(), column("a", 3.0)),
            ]
            .into(),
        };
        let mut store = SeriesStore::default();
        store.load_history(&history);
        let ids = |host: &str| store.host(host).map(|h| h.series_ids().map(str::to_owned).collect::<Vec<_>>());
        assert_eq!(ids("a"), Some(vec!["cpu@a".to_owned(), "mem@a".to_owned()]));
        assert_eq!(ids("b"), Some(vec!["cpu@b".to_owned()]));
        assert_eq!(store.host("b").and_then(|h| h.latest("cpu@b")), Some(2.0));
    }

    #[test]
    fn a_gap_breaks_only_its_hosts_rings() {
        let frame = |host: &str, seq: u64| Frame {
            seq,
            ts: seq as i64 * 1_000,
            host: host.into(),
            values: [("cpu".to_owned(), 1.0)].into(),
            top: vec![],
            columns: None,
        };
        let mut store = SeriesStore::default();
        for host in ["a", "b", "@fleet"] {
            store.push_frame(&frame(host, 1));
        }
        store.push_gap_of("b");
        store.push_gap_of("no-such-host");
        let rows =
            |store: &SeriesStore| ["a", "b", "@fleet", "no-such-host"].map(|h| store.host(h).map(HostSeries::len));
        assert_eq!(rows(&store), [Some(1), Some(2), Some(1), None], "a break row in b only, no rings made");
        store.push_gap();
        assert_eq!(rows(&store), [Some(2), Some(2), Some(2), None], "b's break is not doubled");
        // The fleet summary's hole: its rings go, to be drawn from the store.
        store.push_gap_of("@fleet");
        assert_eq!(rows(&store), [Some(2), Some(2), None, None], "the summary's rings dropped, the hosts' kept");
    }
}
