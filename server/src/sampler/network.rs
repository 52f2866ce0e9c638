//! Network throughput: per interface, and the total over every interface but `lo`.

use std::collections::BTreeMap;

use sysinfo::Networks;

use super::rates::Rates;
use super::series::CatalogBuilder;

/// Adds `net.rx`/`net.tx` (group `network`) and `net.rx:IF`/`net.tx:IF` (group
/// `network_if`) in bytes per second. The totals are sums of the interfaces' rates,
/// not rates of summed counters, so an interface that comes or goes causes no spike.
pub fn sample(
    networks: &Networks,
    rates: &mut Rates,
    seconds: f64,
    catalog: &mut CatalogBuilder<'_>,
    values: &mut BTreeMap<String, f64>,
) {
    catalog.rate("network", "net.rx", "receive");
    catalog.rate("network", "net.tx", "transmit");
    let mut interfaces: Vec<_> = networks.iter().collect();
    interfaces.sort_by(|a, b| a.0.cmp(b.0));
    // Zero, not nothing, on a host with only `lo`, once rates exist at all.
    let mut totals: [Option<f64>; 2] = [None, None];
    for (name, data) in interfaces {
        let counters = [("rx", "receive", data.total_received()), ("tx", "transmit", data.total_transmitted())];
        for (total, (dir, label, counter)) in totals.iter_mut().zip(counters) {
            let id = format!("net.{dir}:{name}");
            catalog.rate("network_if", &id, &format!("{name} {label}"));
            let Some(rate) = rates.rate(&id, counter, seconds) else { continue };
            let own = if name == "lo" { 0.0 } else { rate };
            *total = Some(total.unwrap_or(0.0) + own);
            values.insert(id, rate.round());
        }
    }
    for (id, total) in ["net.rx", "net.tx"].into_iter().zip(totals) {
        if let Some(total) = total {
            values.insert(id.to_owned(), total.round());
        }
    }
}
