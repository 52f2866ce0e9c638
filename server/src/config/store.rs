//! The history store's flags: where it lives and what each tier keeps
//! (`--retention raw=14d,1m=365d,1h=5y`, `--cap raw=64GiB,1m=16GiB,1h=4GiB`).

use std::path::PathBuf;
use std::time::Duration;

use pulse_store::Tiers;

/// The data directory when `--data` is not given: `$XDG_DATA_HOME/pulse`, else
/// `~/.local/share/pulse`, else `./pulse-data`.
pub fn default_dir() -> PathBuf {
    let xdg = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()).map(PathBuf::from);
    let home = std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| PathBuf::from(h).join(".local/share"));
    xdg.or(home).map_or_else(|| PathBuf::from("pulse-data"), |base| base.join("pulse"))
}

/// `TIER=DURATION`: how long a tier keeps its chunks.
pub fn retention(text: &str) -> Result<(String, Duration), String> {
    let (tier, value) = setting(text)?;
    let keep = humantime::parse_duration(value).map_err(|e| format!("{value:?}: {e}; write e.g. raw=14d or 1h=5y"))?;
    Ok((tier, keep))
}

/// `TIER=SIZE`: how many bytes a tier may hold (`KiB`, `MiB`, `GiB`, `TiB`, or bytes).
pub fn cap(text: &str) -> Result<(String, u64), String> {
    let (tier, value) = setting(text)?;
    let split = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("{value:?} is not a size; write e.g. raw=64GiB"))?;
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "TiB" => 1 << 40,
        other => return Err(format!("unknown size unit {other:?}; use KiB, MiB, GiB or TiB")),
    };
    number.checked_mul(scale).map(|bytes| (tier, bytes)).ok_or_else(|| format!("{value:?} is too large"))
}

/// The default tiers with `retention` and `caps` applied.
pub fn tiers(retention: &[(String, Duration)], caps: &[(String, u64)]) -> Tiers {
    let mut tiers = Tiers::default();
    for (name, keep) in retention {
        if let Some(index) = tiers.named(name) {
            tiers.0[index].retention_ms = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
        }
    }
    for (name, bytes) in caps {
        if let Some(index) = tiers.named(name) {
            tiers.0[index].cap_bytes = *bytes;
        }
    }
    tiers
}

fn setting(text: &str) -> Result<(String, &str), String> {
    let (tier, value) = text.trim().split_once('=').ok_or_else(|| format!("{text:?}: write TIER=VALUE"))?;
    if Tiers::default().named(tier).is_none() {
        return Err(format!("unknown tier {tier:?}: the tiers are raw, 1m and 1h"));
    }
    Ok((tier.to_owned(), value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_settings_parse_and_name_their_mistakes() {
        assert_eq!(retention("raw=14d"), Ok(("raw".into(), Duration::from_secs(14 * 86_400))));
        assert_eq!(cap("1m=16GiB"), Ok(("1m".into(), 16 << 30)));
        assert_eq!(cap("1h=1000"), Ok(("1h".into(), 1000)));
        assert!(retention("5m=1d").unwrap_err().contains("unknown tier"));
        assert!(retention("raw").unwrap_err().contains("TIER=VALUE"));
        assert!(cap("raw=12GB").unwrap_err().contains("unit"));
        assert!(cap("raw=99999999999TiB").unwrap_err().contains("too large"));
        let tiers = tiers(&[retention("raw=1d").unwrap()], &[cap("1h=1MiB").unwrap()]);
        assert_eq!(tiers.0[0].retention_ms, 86_400_000);
        assert_eq!(tiers.0[2].cap_bytes, 1 << 20);
    }
}
