//! The overview's arrangement of rows: filter by name or tag, sort by any column,
//! group by a tag key. The result is a flat list of [`Item`]s, which the table
//! draws a screenful at a time.

use std::cmp::Ordering;

use pulse_protocol::fleet::Metric;
use pulse_protocol::HostStatus;

use super::order::sort_indices;
use super::HostRow;

/// What the rows are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// The host's name.
    Name,
    /// Down first, then stale, then up.
    Status,
    /// A summary number; hosts without one last.
    Metric(Metric),
}

impl SortKey {
    /// Its name in the URL (`sort=cpu`).
    pub fn key(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Status => "status",
            SortKey::Metric(metric) => metric.key(),
        }
    }

    /// The key named `text` in the URL.
    pub fn parse(text: &str) -> Option<SortKey> {
        match text {
            "name" => Some(SortKey::Name),
            "status" => Some(SortKey::Status),
            other => Metric::from_key(other).filter(|m| super::COLUMNS.contains(m)).map(SortKey::Metric),
        }
    }
}

/// A sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// By what.
    pub key: SortKey,
    /// Largest (or last) first.
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { key: SortKey::Name, descending: false }
    }
}

/// One line of the arranged table.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A group heading: the tag value (`None`: hosts without the tag), its hosts,
    /// and how many of them are up.
    Group { value: Option<String>, hosts: usize, up: usize },
    /// The row at this index of the input.
    Host(usize),
}

/// The rows that pass `filter` (every term of it, apart by spaces or commas), grouped by the tag `group_by` (if any) and sorted
/// by `sort` within each group.
pub fn arrange(rows: &[HostRow], filter: &str, sort: Sort, group_by: Option<&str>) -> Vec<Item> {
    // Terms apart by spaces or commas (`env=prod,role=db` as a tag list is written).
    let terms: Vec<String> = filter
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut kept: Vec<usize> = (0..rows.len()).filter(|&i| terms.iter().all(|term| matches(&rows[i], term))).collect();
    // Lower-cased once, not at every comparison.
    let names: Vec<String> = rows.iter().map(|row| row.name.to_lowercase()).collect();
    sort_indices(&mut kept, &|a, b| compare((&rows[a], &names[a]), (&rows[b], &names[b]), sort));
    let Some(tag) = group_by else {
        return kept.into_iter().map(Item::Host).collect();
    };
    // Groups in the order of their values, hosts without the tag last; the sort
    // is stable, so each group keeps the order above.
    let group = |i: usize| rows[i].tags.get(tag);
    sort_indices(&mut kept, &|a, b| match (group(a), group(b)) {
        (Some(x), Some(y)) => x.cmp(y),
        (a, b) => a.is_none().cmp(&b.is_none()),
    });
    let mut items = Vec::with_capacity(kept.len() + 8);
    let mut start = 0;
    while start < kept.len() {
        let value = group(kept[start]);
        let end = kept[start..].iter().position(|&i| group(i) != value).map_or(kept.len(), |n| start + n);
        let members = &kept[start..end];
        let up = members.iter().filter(|&&i| rows[i].status == HostStatus::Up).count();
        items.push(Item::Group { value: value.cloned(), hosts: members.len(), up });
        items.extend(members.iter().map(|&i| Item::Host(i)));
        start = end;
    }
    items
}

/// Whether a row passes one lower-case filter term: `key=value` matches a tag
/// (the value as a prefix), anything else a part of the name, the id or a tag value.
fn matches(row: &HostRow, term: &str) -> bool {
    if let Some((key, value)) = term.split_once('=') {
        return row.tags.iter().any(|(k, v)| k.to_lowercase() == key && v.to_lowercase().starts_with(value));
    }
    row.name.to_lowercase().contains(term)
        || row.id.to_lowercase().contains(term)
        || row.tags.values().any(|v| v.to_lowercase().contains(term))
}

/// Orders two rows, each with its lower-cased name.
fn compare((a, a_name): (&HostRow, &String), (b, b_name): (&HostRow, &String), sort: Sort) -> Ordering {
    let by_name = || a_name.cmp(b_name).then_with(|| a.id.cmp(&b.id));
    let ordered = match sort.key {
        SortKey::Name => by_name(),
        SortKey::Status => rank(a.status).cmp(&rank(b.status)),
        SortKey::Metric(metric) => match (a.value(metric), b.value(metric)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            // Hosts without a number stay last whichever the direction.
            (Some(_), None) => return Ordering::Less,
            (None, Some(_)) => return Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    };
    let ordered = if sort.descending { ordered.reverse() } else { ordered };
    ordered.then_with(by_name)
}

/// Down hosts need attention first.
fn rank(status: HostStatus) -> u8 {
    match status {
        HostStatus::Down => 0,
        HostStatus::Stale => 1,
        HostStatus::Up => 2,
    }
}

/// What marks a group's heading among the small multiples' host ids: a host id
/// never starts with `@` (`pulse_protocol::fleet::is_host_id`), so headings share
/// the hosts' list (and its signal type) without being taken for one.
pub const MULTIPLES_HEADING: &str = "@group:";

/// The compare view's small multiples of `items` in order: the first `max` hosts'
/// ids, each group that has one of them headed by [`MULTIPLES_HEADING`], its tag
/// value and how many of its hosts are up (`@group:web · 2 of 3 up`).
pub fn multiples(items: &[Item], rows: &[HostRow], max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut heading = None;
    let mut hosts = 0;
    for item in items {
        match item {
            Item::Group { value, hosts: count, up } => {
                let value = value.as_deref().unwrap_or("(untagged)");
                heading = Some(format!("{MULTIPLES_HEADING}{value} · {up} of {count} up"));
            }
            Item::Host(i) if hosts < max => {
                out.extend(heading.take());
                out.push(rows[*i].id.clone());
                hosts += 1;
            }
            Item::Host(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::COLUMNS;

    fn row(name: &str, status: HostStatus, cpu: Option<f64>, tags: &[(&str, &str)]) -> HostRow {
        let mut values = [None; COLUMNS.len()];
        values[0] = cpu;
        HostRow {
            id: name.to_lowercase(),
            name: name.into(),
            tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            status,
            last_seen: 0.0,
            values,
        }
    }

    fn fleet() -> Vec<HostRow> {
        vec![
            row("web-2", HostStatus::Up, Some(50.0), &[("env", "prod"), ("role", "web")]),
            row("db-1", HostStatus::Down, None, &[("env", "prod"), ("role", "db")]),
            row("Web-1", HostStatus::Up, Some(90.0), &[("env", "staging")]),
            row("cache", HostStatus::Stale, None, &[]),
        ]
    }

    fn names(rows: &[HostRow], items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Item::Host(i) => rows[*i].name.clone(),
                Item::Group { value, hosts, up } => format!("[{}: {up}/{hosts}]", value.as_deref().unwrap_or("-")),
            })
            .collect()
    }

    #[test]
    fn sorting_table() {
        let rows = fleet();
        let sort = |key, descending| names(&rows, &arrange(&rows, "", Sort { key, descending }, None));
        assert_eq!(sort(SortKey::Name, false), ["cache", "db-1", "Web-1", "web-2"]);
        assert_eq!(sort(SortKey::Name, true), ["web-2", "Web-1", "db-1", "cache"]);
        assert_eq!(sort(SortKey::Status, false), ["db-1", "cache", "Web-1", "web-2"]);
        let cpu = SortKey::Metric(Metric::Cpu);
        assert_eq!(sort(cpu, true), ["Web-1", "web-2", "cache", "db-1"], "no number: last, by name");
        assert_eq!(sort(cpu, false), ["web-2", "Web-1", "cache", "db-1"]);
    }

    #[test]
    fn filtering_table() {
        let rows = fleet();
        let filter = |text| names(&rows, &arrange(&rows, text, Sort::default(), None));
        let cases: [(&str, &[&str]); 9] = [
            ("", &["cache", "db-1", "Web-1", "web-2"]),
            ("env=prod,web", &["web-2"]),
            (" , ", &["cache", "db-1", "Web-1", "web-2"]),
            ("web", &["Web-1", "web-2"]),
            ("WEB-1", &["Web-1"]),
            ("env=prod", &["db-1", "web-2"]),
            ("env=prod web", &["web-2"]),
            ("role=d", &["db-1"]),
            ("staging", &["Web-1"]),
        ];
        for (text, want) in cases {
            assert_eq!(filter(text), want, "filter {text:?}");
        }
    }

    #[test]
    fn the_compare_views_multiples_head_each_group_they_show() {
        let rows = fleet();
        let cases: [(Option<&str>, usize, &[&str]); 4] = [
            (None, 24, &["cache", "db-1", "web-1", "web-2"]),
            (
                Some("env"),
                24,
                &[
                    "@group:prod · 1 of 2 up",
                    "db-1",
                    "web-2",
                    "@group:staging · 1 of 1 up",
                    "web-1",
                    "@group:(untagged) · 0 of 1 up",
                    "cache",
                ],
            ),
            (Some("env"), 2, &["@group:prod · 1 of 2 up", "db-1", "web-2"]),
            (Some("env"), 3, &["@group:prod · 1 of 2 up", "db-1", "web-2", "@group:staging · 1 of 1 up", "web-1"]),
        ];
        for (group, max, want) in cases {
            let items = arrange(&rows, "", Sort::default(), group);
            let got = multiples(&items, &rows, max);
            assert_eq!(got, want, "{group:?} {max}");
            assert!(got.iter().all(|id| id.starts_with(MULTIPLES_HEADING) || pulse_protocol::fleet::is_host_id(id)));
        }
    }

    #[test]
    fn grouping_by_a_tag_puts_hosts_without_it_last() {
        let rows = fleet();
        let items = arrange(&rows, "", Sort::default(), Some("env"));
        assert_eq!(
            names(&rows, &items),
            ["[prod: 1/2]", "db-1", "web-2", "[staging: 1/1]", "Web-1", "[-: 0/1]", "cache"]
        );
    }

    #[test]
    fn sort_keys_round_trip_through_the_url() {
        for key in [SortKey::Name, SortKey::Status, SortKey::Metric(Metric::Cpu), SortKey::Metric(Metric::Uptime)] {
            assert_eq!(SortKey::parse(key.key()), Some(key));
        }
        assert_eq!(SortKey::parse("seen"), None, "not a column");
        assert_eq!(SortKey::parse("bogus"), None);
    }
}
