use pulse_protocol::{SeriesInfo, SeriesKind};

use super::*;

fn series(id: &str, group: &str, label: &str) -> SeriesInfo {
    let (host, unit, kind) = ("h".into(), Unit::Bytes, SeriesKind::Gauge);
    SeriesInfo { id: id.into(), host, group: group.into(), label: label.into(), unit, kind }
}

fn catalog(series: Vec<SeriesInfo>) -> Catalog {
    Catalog { series }
}

/// A panel as the test compares it: key, title, and each line's id, label and colour.
type ShownPanel = (String, String, Vec<(String, String, usize)>);

#[test]
fn panels_take_their_groups_and_skip_excluded_series() {
    let catalog = catalog(vec![
        series("mem.used", "memory", "used"),
        series("mem.total", "memory", "total"),
        series("swap.used", "memory", "swap used"),
        series("cpu.total", "cpu", "total"),
    ]);
    let memory = PANELS.iter().find(|p| p.key == "memory").expect("memory panel");
    let panels = memory.panels(&catalog, "h");
    let ids: Vec<_> = panels[0].lines.iter().map(|l| (l.id.as_str(), l.color)).collect();
    assert_eq!(ids, vec![("mem.used", 0), ("swap.used", 1)]);
    assert!(memory.panels(&catalog, "other").is_empty());
}

#[test]
fn network_interfaces_and_mount_points_get_a_panel_each() {
    let catalog = catalog(vec![
        series("cpu.total", "cpu", "total"),
        series("net.rx", "network", "receive"),
        series("net.tx", "network", "transmit"),
        series("net.rx:eth0", "network_if", "eth0 receive"),
        series("net.tx:eth0", "network_if", "eth0 transmit"),
        series("net.rx:lo", "network_if", "lo receive"),
        series("net.tx:lo", "network_if", "lo transmit"),
        series("disk.usage:/", "disk_usage", "/"),
        series("disk.usage:/var/lib", "disk_usage", "/var/lib"),
    ]);
    let shown: Vec<ShownPanel> = panels(&catalog, "h")
        .into_iter()
        .map(|p| (p.key, p.title, p.lines.into_iter().map(|l| (l.id, l.label, l.color)).collect()))
        .collect();
    let line = |id: &str, label: &str, color| (id.to_owned(), label.to_owned(), color);
    let want = vec![
        ("cpu".into(), "CPU".into(), vec![line("cpu.total", "total", 0)]),
        (
            "network".into(),
            "Network, all interfaces".into(),
            vec![line("net.rx", "receive", 0), line("net.tx", "transmit", 1)],
        ),
        (
            "net-eth0".into(),
            "Network eth0".into(),
            vec![line("net.rx:eth0", "receive", 0), line("net.tx:eth0", "transmit", 1)],
        ),
        ("net-lo".into(), "Network lo".into(), vec![line("net.rx:lo", "receive", 0), line("net.tx:lo", "transmit", 1)]),
        ("disk_usage-root".into(), "Disk usage /".into(), vec![line("disk.usage:/", "used", 0)]),
        ("disk_usage-var_lib".into(), "Disk usage /var/lib".into(), vec![line("disk.usage:/var/lib", "used", 0)]),
    ];
    assert_eq!(shown, want);
}

#[test]
fn instances_become_readable_test_ids() {
    for (instance, want) in [("/", "root"), ("/var/lib", "var_lib"), ("eth0", "eth0"), ("br-1.5", "br-1.5")] {
        assert_eq!(slug(instance), want);
    }
}
