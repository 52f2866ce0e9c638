//! Builds the series catalogue while a sample is read, in display order.

use pulse_protocol::{Catalog, SeriesInfo, SeriesKind, Unit};

/// Collects [`SeriesInfo`]s for one host.
pub struct CatalogBuilder<'a> {
    host: &'a str,
    series: Vec<SeriesInfo>,
}

impl<'a> CatalogBuilder<'a> {
    /// An empty catalogue for `host`.
    pub fn new(host: &'a str) -> Self {
        CatalogBuilder { host, series: Vec::new() }
    }

    /// A percentage gauge.
    pub fn percent(&mut self, group: &str, id: &str, label: &str) {
        self.add(group, id, label, Unit::Percent, SeriesKind::Gauge);
    }

    /// A byte-count gauge.
    pub fn bytes(&mut self, group: &str, id: &str, label: &str) {
        self.add(group, id, label, Unit::Bytes, SeriesKind::Gauge);
    }

    /// A load-average gauge.
    pub fn load(&mut self, group: &str, id: &str, label: &str) {
        self.add(group, id, label, Unit::Load, SeriesKind::Gauge);
    }

    /// Bytes per second, computed from a counter.
    pub fn rate(&mut self, group: &str, id: &str, label: &str) {
        self.add(group, id, label, Unit::BytesPerSecond, SeriesKind::Rate);
    }

    /// A plain count.
    pub fn count(&mut self, group: &str, id: &str, label: &str) {
        self.add(group, id, label, Unit::Count, SeriesKind::Gauge);
    }

    /// A duration in seconds.
    pub fn seconds(&mut self, group: &str, id: &str, label: &str) {
        self.add(group, id, label, Unit::Seconds, SeriesKind::Gauge);
    }

    /// The catalogue.
    pub fn build(self) -> Catalog {
        Catalog { series: self.series }
    }

    fn add(&mut self, group: &str, id: &str, label: &str, unit: Unit, kind: SeriesKind) {
        self.series.push(SeriesInfo {
            id: id.to_owned(),
            host: self.host.to_owned(),
            group: group.to_owned(),
            label: label.to_owned(),
            unit,
            kind,
        });
    }
}
