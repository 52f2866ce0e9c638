//! Sampler tests on this real host: the catalogue and values are sane.

use super::disks::parse_diskstats;
use super::rates::Rates;
use super::Sampler;

#[test]
fn a_counter_gives_a_rate_only_from_its_second_reading_and_never_backwards() {
    let mut rates = Rates::default();
    assert_eq!(rates.rate("a", 100, 10.0), None);
    assert_eq!(rates.rate("a", 300, 12.0), Some(100.0));
    assert_eq!(rates.rate("a", 50, 13.0), None, "a reset counter gives no rate");
    assert_eq!(rates.rate("a", 150, 14.0), Some(100.0));
}

#[test]
fn counters_not_read_in_a_sample_are_forgotten() {
    let mut rates = Rates::default();
    rates.begin();
    assert_eq!(rates.rate("gone", 100, 1.0), None);
    assert_eq!(rates.rate("kept", 100, 1.0), None);
    rates.sweep();
    rates.begin();
    assert_eq!(rates.rate("kept", 200, 2.0), Some(100.0));
    rates.sweep();
    rates.begin();
    assert_eq!(rates.rate("gone", 300, 3.0), None, "a returning counter starts over");
}

#[test]
fn diskstats_counts_whole_devices_only() {
    let text = "\
 8 0 sda 10 0 4 0 0 0 2 0 0 0 0
 8 1 sda1 10 0 4 0 0 0 2 0 0 0 0
 7 0 loop0 10 0 99 0 0 0 99 0 0 0 0
 259 0 nvme0n1 1 0 1 0 0 0 1 0 0 0 0
 259 1 nvme0n1p1 1 0 1 0 0 0 1 0 0 0 0
 253 0 vda 1 0 2 0 0 0 3 0 0 0 0";
    let io = parse_diskstats(text);
    assert_eq!(io.read_bytes, Some((4 + 1 + 2) * 512));
    assert_eq!(io.written_bytes, Some((2 + 1 + 3) * 512));
}

#[test]
fn a_real_sample_has_the_core_series_with_sane_values() {
    let mut sampler = Sampler::new("test-host".into());
    let _ = sampler.sample();
    let sample = sampler.sample();
    for id in ["cpu.total", "mem.used", "mem.total", "load.1", "proc.count", "uptime", "net.rx", "cpu.core:0"] {
        let info = sample.catalog.get(id).unwrap_or_else(|| panic!("{id} missing from the catalogue"));
        assert_eq!(info.host, "test-host");
        assert!(sample.values.contains_key(id), "{id} has no value");
    }
    for info in &sample.catalog.series {
        let Some(value) = sample.values.get(&info.id) else { continue };
        assert!(value.is_finite() && *value >= 0.0, "{} = {value}", info.id);
        if info.unit == pulse_protocol::Unit::Percent {
            assert!(*value <= 100.0, "{} = {value}", info.id);
        }
    }
    let groups: Vec<&str> = sample.catalog.series.iter().map(|s| s.group.as_str()).collect();
    for group in ["cpu", "cpu_cores", "memory", "load", "network", "network_if", "disk_io", "processes", "uptime"] {
        assert!(groups.contains(&group), "group {group} missing");
    }

    assert!(sample.values["mem.used"] <= sample.values["mem.total"]);
    assert!(sample.values["mem.total"] > 0.0);
    assert!(sample.values["proc.count"] >= 1.0);
    assert!(!sample.top.is_empty(), "top processes listed");
    assert!(sample.values.keys().all(|id| sample.catalog.get(id).is_some()), "every value is catalogued");
}
