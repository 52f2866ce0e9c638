//! Which panels the dashboard has and which catalogue series feed each of them.
//!
//! A definition either makes one panel of its groups' series, or one panel per
//! instance: the part of a series id after its `:` (`net.rx:eth0` → `eth0`), so a host
//! gets one network panel per interface and one disk-usage panel per mount point, as
//! Netdata users expect. Every line comes from the server's catalogue.

use pulse_protocol::{Catalog, SeriesInfo, Unit};

use crate::charts::{ChartSpec, Line};

/// How a definition becomes panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One panel with every series of its groups.
    Whole,
    /// One panel per instance (the id's part after `:`), in catalogue order.
    PerInstance {
        /// A line's label when the catalogue labels the series with the instance alone
        /// (a mount point's usage is labelled with the mount point).
        label: &'static str,
    },
}

/// One kind of dashboard panel, filled from catalogue groups.
#[derive(Debug)]
pub struct PanelDef {
    /// Short key: `data-testid="panel-{key}"`, or `panel-{key}-{instance}` when split.
    pub key: &'static str,
    /// The heading (followed by the instance when split).
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
    /// One panel, or one per instance.
    pub split: Split,
}

/// One panel on the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// `data-testid="panel-{key}"`, unique on the page.
    pub key: String,
    /// The heading.
    pub title: String,
    /// Its lines, coloured in order.
    pub lines: Vec<Line>,
    /// Scale and marks.
    pub spec: ChartSpec,
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
    panel("network", "Network, all interfaces", &["network"], Unit::BytesPerSecond, None),
    PanelDef {
        split: Split::PerInstance { label: "traffic" },
        ..panel("net", "Network", &["network_if"], Unit::BytesPerSecond, None)
    },
    panel("disk_io", "Disk I/O", &["disk_io"], Unit::BytesPerSecond, None),
    PanelDef {
        split: Split::PerInstance { label: "used" },
        ..panel("disk_usage", "Disk usage", &["disk_usage"], Unit::Percent, Some(90.0))
    },
    panel("processes", "Processes", &["processes"], Unit::Count, None),
];

const fn panel(
    key: &'static str,
    title: &'static str,
    groups: &'static [&'static str],
    unit: Unit,
    warn_at: Option<f64>,
) -> PanelDef {
    PanelDef { key, title, groups, unit, warn_at, ceiling: None, exclude: &[], split: Split::Whole }
}

/// Every panel the catalogue has series for on `host`, in reading order.
pub fn panels(catalog: &Catalog, host: &str) -> Vec<Panel> {
    PANELS.iter().flat_map(|def| def.panels(catalog, host)).collect()
}

impl PanelDef {
    /// This definition's panels for `host` (none without series).
    pub fn panels(&self, catalog: &Catalog, host: &str) -> Vec<Panel> {
        let series: Vec<&SeriesInfo> = catalog
            .series
            .iter()
            .filter(|s| s.host == host && self.groups.contains(&s.group.as_str()))
            .filter(|s| !self.exclude.contains(&s.id.as_str()))
            .collect();
        match self.split {
            Split::Whole if series.is_empty() => Vec::new(),
            Split::Whole => {
                let lines = lines(series.iter().map(|s| (s.id.as_str(), s.label.as_str())));
                vec![self.panel(self.key.to_owned(), self.title.to_owned(), lines)]
            }
            Split::PerInstance { label } => {
                let mut instances: Vec<&str> = Vec::new();
                for s in &series {
                    let instance = instance(&s.id);
                    if !instances.contains(&instance) {
                        instances.push(instance);
                    }
                }
                instances
                    .into_iter()
                    .map(|instance| {
                        let own = series.iter().filter(|s| self::instance(&s.id) == instance);
                        let lines = lines(own.map(|s| (s.id.as_str(), line_label(&s.label, instance, label))));
                        let key = format!("{}-{}", self.key, slug(instance));
                        self.panel(key, format!("{} {instance}", self.title), lines)
                    })
                    .collect()
            }
        }
    }

    fn panel(&self, key: String, title: String, lines: Vec<Line>) -> Panel {
        let spec = ChartSpec { unit: self.unit, warn_at: self.warn_at, ceiling: self.ceiling.map(str::to_owned) };
        Panel { key, title, lines, spec }
    }
}

impl Panel {
    /// What identifies it on the page: its key and its series (a panel whose series
    /// changed is built anew).
    pub fn identity(&self) -> String {
        let ids: Vec<&str> = self.lines.iter().map(|l| l.id.as_str()).collect();
        format!("{}|{}", self.key, ids.join(","))
    }
}

fn lines<'a>(series: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<Line> {
    series.enumerate().map(|(color, (id, label))| Line { id: id.to_owned(), label: label.to_owned(), color }).collect()
}

/// The instance a series id names after its first `:` (the whole id if none).
fn instance(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, instance)| instance)
}

/// A series' label inside its instance's panel: `eth0 receive` → `receive`; a label
/// that is the instance alone becomes `fallback`.
fn line_label<'a>(label: &'a str, instance: &str, fallback: &'a str) -> &'a str {
    let rest = label.strip_prefix(instance).map_or(label, str::trim_start);
    if rest.is_empty() {
        fallback
    } else {
        rest
    }
}

/// An instance as a `data-testid` part: `/` → `root`, `/var/lib` → `var_lib`.
fn slug(instance: &str) -> String {
    let slug: String =
        instance.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
    let slug = slug.trim_matches('_');
    if slug.is_empty() {
        "root".to_owned()
    } else {
        slug.to_owned()
    }
}

#[cfg(test)]
mod tests;
