//! Which panels the dashboard has and which catalogue groups feed each of them.

use pulse_protocol::{Catalog, Unit};

use crate::charts::{ChartSpec, Line};

/// One dashboard panel, filled from catalogue groups.
#[derive(Debug)]
pub struct PanelDef {
    /// Short key: `data-testid="panel-{key}"` and element ids.
    pub key: &'static str,
    /// The heading.
    pub title: &'static str,
    /// Catalogue groups whose series it draws.
    pub groups: &'static [&'static str],
    /// The unit of its series.
    pub unit: Unit,
    /// A warning threshold line.
    pub warn_at: Option<f64>,
    /// A series drawn as a dashed ceiling instead of a line (e.g. `mem.total`).
    pub ceiling: Option<&'static str>,
    /// Series of those groups not drawn as lines.
    pub exclude: &'static [&'static str],
}

/// The dashboard, in reading order.
pub static PANELS: [PanelDef; 9] = [
    panel("cpu", "CPU", &["cpu"], Unit::Percent, Some(90.0)),
    panel("cpu_cores", "CPU per core", &["cpu_cores"], Unit::Percent, None),
    PanelDef {
        ceiling: Some("mem.total"),
        exclude: &["mem.total", "swap.total"],
        ..panel("memory", "Memory & swap", &["memory"], Unit::Bytes, None)
    },
    panel("load", "Load average", &["load"], Unit::Load, None),
    panel("network", "Network", &["network"], Unit::BytesPerSecond, None),
    panel("network_if", "Network per interface", &["network_if"], Unit::BytesPerSecond, None),
    panel("disk_io", "Disk I/O", &["disk_io"], Unit::BytesPerSecond, None),
    panel("disk_usage", "Disk usage", &["disk_usage"], Unit::Percent, Some(90.0)),
    panel("processes", "Processes", &["processes"], Unit::Count, None),
];

const fn panel(
    key: &'static str,
    title: &'static str,
    groups: &'static [&'static str],
    unit: Unit,
    warn_at: Option<f64>,
) -> PanelDef {
    PanelDef { key, title, groups, unit, warn_at, ceiling: None, exclude: &[] }
}

impl PanelDef {
    /// This panel's lines for `host`, coloured in catalogue order.
    pub fn lines(&self, catalog: &Catalog, host: &str) -> Vec<Line> {
        catalog
            .series
            .iter()
            .filter(|s| s.host == host && self.groups.contains(&s.group.as_str()))
            .filter(|s| !self.exclude.contains(&s.id.as_str()))
            .enumerate()
            .map(|(color, s)| Line { id: s.id.clone(), label: s.label.clone(), color })
            .collect()
    }

    /// How its chart scales and what it marks.
    pub fn spec(&self) -> ChartSpec {
        ChartSpec { unit: self.unit, warn_at: self.warn_at, ceiling: self.ceiling.map(str::to_owned) }
    }
}

#[cfg(test)]
mod tests {
    use pulse_protocol::{SeriesInfo, SeriesKind};

    use super::*;

    fn series(id: &str, group: &str) -> SeriesInfo {
        let (host, label, unit, kind) = ("h".into(), id.into(), Unit::Bytes, SeriesKind::Gauge);
        SeriesInfo { id: id.into(), host, group: group.into(), label, unit, kind }
    }

    #[test]
    fn panels_take_their_groups_and_skip_excluded_series() {
        let catalog = Catalog {
            series: vec![
                series("mem.used", "memory"),
                series("mem.total", "memory"),
                series("swap.used", "memory"),
                series("cpu.total", "cpu"),
            ],
        };
        let memory = PANELS.iter().find(|p| p.key == "memory").expect("memory panel");
        let ids: Vec<_> = memory.lines(&catalog, "h").into_iter().map(|l| (l.id, l.color)).collect();
        assert_eq!(ids, vec![("mem.used".to_owned(), 0), ("swap.used".to_owned(), 1)]);
        assert!(memory.lines(&catalog, "other").is_empty());
    }
}
