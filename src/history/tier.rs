//! What a picture's resolution is called on the chart: the store tier that
//! answered, in words.

/// The label for an answer's `tier` (`None`: a server that predates tiers sent
/// every sample it holds).
pub fn label(tier: Option<&str>) -> &'static str {
    match tier {
        Some("raw") | None => "every sample",
        Some("live") => "every sample (recent)",
        Some("1m") => "1-min rollups",
        Some("1h") => "1-hour rollups",
        Some(_) => "rollups",
    }
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn tiers_are_named() {
        let cases = [
            (None, "every sample"),
            (Some("raw"), "every sample"),
            (Some("live"), "every sample (recent)"),
            (Some("1m"), "1-min rollups"),
            (Some("1h"), "1-hour rollups"),
            (Some("10m"), "rollups"),
        ];
        for (tier, want) in cases {
            assert_eq!(label(tier), want, "{tier:?}");
        }
    }
}
