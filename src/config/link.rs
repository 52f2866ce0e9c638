//! Which links the page follows itself, keeping its one connection: a link to this
//! page with another query (a host, the fleet, the alerts) is client-side
//! navigation (`history.pushState`, then the connection changes its stream). A link
//! that changes the server or the forced transport, or opens the admin screens
//! (another app), loads the page anew.

/// Whether a link from the page at `current` (its query, `?a=b…` or empty) to the
/// same page with query `target` stays in the page.
pub fn in_page(current: &str, target: &str) -> bool {
    param(target, "view") != Some("admin")
        && ["server", "transport"].iter().all(|key| param(current, key) == param(target, key))
}

/// The raw value of `key` in `query` (not decoded: both sides are compared as written).
fn param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::in_page;

    #[test]
    fn links_between_the_fleet_a_host_and_the_alerts_stay_in_the_page() {
        let cases = [
            // current query, link's query, followed in the page?
            ("?view=fleet", "?host=web-1", true),
            ("?host=web-1&theme=dark", "?theme=dark&view=fleet", true),
            ("", "?view=alerts", true),
            ("?view=compare&metric=mem", "?host=a", true),
            ("?server=http%3A%2F%2Fh%3A1&view=fleet", "?server=http%3A%2F%2Fh%3A1&host=a", true),
            ("?view=fleet", "?view=admin", false),
            ("?view=fleet", "?view=fleet&server=http%3A%2F%2Fother", false),
            ("?transport=sse&view=fleet", "?host=a", false),
            ("?transport=sse&view=fleet", "?transport=sse&host=a", true),
            ("?viewer=1", "?view=fleet", true),
        ];
        for (current, target, want) in cases {
            assert_eq!(in_page(current, target), want, "{current} → {target}");
        }
    }
}
