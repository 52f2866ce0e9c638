//! Numbers as people read them: `12.3 %`, `1.5 GiB`, `340 KiB/s`, `3 d 4 h`.
//!
//! Pure functions, no browser: every rule is a native, table-driven test.

use pulse_protocol::Unit;

pub mod calendar;

const BINARY_PREFIXES: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/// A value with its unit, for legends, tooltips and tables.
pub fn value(unit: Unit, value: f64) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    match unit {
        Unit::Percent => format!("{} %", fixed(value, 1)),
        Unit::Bytes => bytes(value),
        Unit::BytesPerSecond => format!("{}/s", bytes(value)),
        Unit::Load => fixed(value, 2),
        Unit::Count => count(value),
        Unit::Seconds => duration(value),
    }
}

/// A tick label on a value axis: as short as the tick step allows.
pub fn axis(unit: Unit, value: f64, step: f64) -> String {
    match unit {
        Unit::Percent => format!("{} %", trimmed(value, decimals_for(step))),
        Unit::Bytes | Unit::BytesPerSecond => {
            let scale = binary_scale(value.abs().max(step));
            let divisor = 1024f64.powi(scale as i32);
            let text = trimmed(value / divisor, decimals_for(step / divisor));
            let suffix = if unit == Unit::BytesPerSecond { "/s" } else { "" };
            format!("{text} {}{suffix}", BINARY_PREFIXES[scale])
        }
        Unit::Load => trimmed(value, decimals_for(step)),
        Unit::Count => count(value),
        Unit::Seconds => duration(value),
    }
}

/// Bytes with a binary prefix and three significant digits: `1.5 GiB`, `340 KiB`.
pub fn bytes(value: f64) -> String {
    let scale = binary_scale(value.abs());
    let scaled = value / 1024f64.powi(scale as i32);
    let decimals = if scale == 0 || scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{} {}", trimmed(scaled, decimals), BINARY_PREFIXES[scale])
}

/// A whole count with thin-space thousands separators: `12 345`.
pub fn count(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        out.insert(0, '−');
    }
    out
}

/// A duration in its two largest units: `3 d 4 h`, `5 h 12 min`, `42 s`.
pub fn duration(seconds: f64) -> String {
    let total = seconds.max(0.0) as u64;
    let (d, h, m, s) = (total / 86_400, total / 3_600 % 24, total / 60 % 60, total % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => format!("{m} min {s} s"),
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

/// A short age: `now`, `4 s ago`, `3 min ago`.
pub fn age(ms: f64) -> String {
    let s = (ms / 1000.0).max(0.0);
    if s < 1.0 {
        "just now".to_owned()
    } else if s < 120.0 {
        format!("{} s ago", s as u64)
    } else if s < 7_200.0 {
        format!("{} min ago", (s / 60.0) as u64)
    } else {
        format!("{} h ago", (s / 3_600.0) as u64)
    }
}

/// A clock time from ms since the Unix epoch, shifted by a time-zone offset in
/// minutes east of UTC: `14:05` or `14:05:30`.
pub fn clock(ms: f64, offset_minutes: f64, with_seconds: bool) -> String {
    let local = (ms / 1000.0 + offset_minutes * 60.0).floor() as i64;
    let secs = local.rem_euclid(86_400);
    let (h, m, s) = (secs / 3_600, secs / 60 % 60, secs % 60);
    if with_seconds {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

/// The power of 1024 that brings `value` into `[1, 1024)`.
fn binary_scale(value: f64) -> usize {
    let mut scale = 0;
    let mut v = value;
    while v >= 1024.0 && scale < BINARY_PREFIXES.len() - 1 {
        v /= 1024.0;
        scale += 1;
    }
    scale
}

/// Decimals needed to write multiples of `step` exactly (2.5 needs one, 0.25 two).
fn decimals_for(step: f64) -> usize {
    if step <= 0.0 || !step.is_finite() {
        return 0;
    }
    (0..4)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(3)
}

/// `value` with exactly `decimals` decimals (at most 6), rounded half away from zero.
/// Integer arithmetic instead of `{:.N}`, which pulls float formatting into the wasm.
pub fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let decimals = decimals.min(6);
    let scale = 10u64.pow(decimals as u32);
    let scaled = (value.abs() * scale as f64).round() as u64;
    let sign = if value < 0.0 && scaled != 0 { "-" } else { "" };
    let (whole, fraction) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0decimals$}")
    }
}

/// Fixed decimals, without trailing zeros after the point.
fn trimmed(value: f64, decimals: usize) -> String {
    let text = fixed(value, decimals);
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" {
        "0".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests;
