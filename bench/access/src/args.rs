//! `--flag value` pairs, parsed by hand; a flag may repeat (`--target`).

use std::collections::HashMap;

/// The flags of one command line.
pub struct Args(HashMap<String, Vec<String>>);

/// One server to measure: `LABEL|HOST:PORT|PID|EXTRA` (EXTRA: a request header
/// line for `requests`, a bearer secret for `opens`; may be empty).
#[derive(Debug, Clone)]
pub struct Target {
    /// The name in the output.
    pub label: String,
    /// `host:port`.
    pub addr: String,
    /// The server process, to read its CPU time.
    pub pid: u32,
    /// See above.
    pub extra: String,
}

impl Args {
    /// Reads `--flag value` pairs.
    pub fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut flags: HashMap<String, Vec<String>> = HashMap::new();
        while let Some(flag) = argv.next() {
            if !flag.starts_with("--") {
                return Err(format!("expected a --flag, got {flag:?}"));
            }
            let value = argv.next().ok_or_else(|| format!("{flag} needs a value"))?;
            flags.entry(flag).or_default().push(value);
        }
        Ok(Args(flags))
    }

    /// The last value of `flag`.
    pub fn text(&self, flag: &str) -> Result<String, String> {
        self.0.get(flag).and_then(|v| v.last()).cloned().ok_or_else(|| format!("{flag} is required"))
    }

    /// A number, or `default` when the flag is absent or not a number.
    pub fn number<T: std::str::FromStr + Copy>(&self, flag: &str, default: T) -> T {
        self.0.get(flag).and_then(|v| v.last()).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    /// Every `--target`.
    pub fn targets(&self) -> Result<Vec<Target>, String> {
        let list = self.0.get("--target").ok_or("at least one --target LABEL|HOST:PORT|PID|EXTRA is required")?;
        list.iter().map(|text| target(text)).collect()
    }
}

fn target(text: &str) -> Result<Target, String> {
    let mut parts = text.splitn(4, '|');
    let mut next = || parts.next().unwrap_or_default().to_owned();
    let (label, addr, pid, extra) = (next(), next(), next(), next());
    let pid = pid.parse().map_err(|_| format!("the target {text:?} has no PID (LABEL|HOST:PORT|PID|EXTRA)"))?;
    if label.is_empty() || !addr.contains(':') {
        return Err(format!("the target {text:?} is not LABEL|HOST:PORT|PID|EXTRA"));
    }
    Ok(Target { label, addr, pid, extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_whole() {
        let t = target("bearer|127.0.0.1:80|42|Authorization: Bearer a|b").unwrap();
        assert_eq!((t.label.as_str(), t.addr.as_str(), t.pid), ("bearer", "127.0.0.1:80", 42));
        assert_eq!(t.extra, "Authorization: Bearer a|b");
        assert_eq!(target("anonymous|127.0.0.1:80|42").unwrap().extra, "");
        assert!(target("x|127.0.0.1:80|pid").is_err());
        assert!(target("|nohost|1").is_err());
    }
}
