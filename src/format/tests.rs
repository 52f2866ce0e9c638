//! Table-driven tests of every formatter.

use super::*;

fn check(cases: &[(String, &str)]) {
    for (got, want) in cases {
        assert_eq!(got, want);
    }
}

#[test]
fn values_carry_their_units() {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    check(&[
        (value(Unit::Percent, 12.34), "12.3 %"),
        (value(Unit::Percent, 100.0), "100.0 %"),
        (value(Unit::Bytes, 1.5 * GIB), "1.5 GiB"),
        (value(Unit::Bytes, 512.0), "512 B"),
        (value(Unit::Bytes, 0.0), "0 B"),
        (value(Unit::Bytes, 15.26 * GIB), "15.3 GiB"),
        (value(Unit::BytesPerSecond, 340.0 * 1024.0), "340 KiB/s"),
        (value(Unit::BytesPerSecond, 2.0 * 1024.0 * 1024.0), "2 MiB/s"),
        (value(Unit::Load, 1.234), "1.23"),
        (value(Unit::Count, 312.0), "312"),
        (value(Unit::Count, 12_345.0), "12\u{2009}345"),
        (value(Unit::Seconds, 3.0 * 86_400.0 + 4.0 * 3_600.0 + 59.0), "3 d 4 h"),
        (value(Unit::Percent, f64::NAN), "–"),
    ]);
}

#[test]
fn durations_use_their_two_largest_units() {
    check(&[
        (duration(0.0), "0 s"),
        (duration(42.9), "42 s"),
        (duration(125.0), "2 min 5 s"),
        (duration(5.0 * 3_600.0 + 12.0 * 60.0), "5 h 12 min"),
        (duration(86_400.0), "1 d 0 h"),
        (duration(-5.0), "0 s"),
    ]);
}

#[test]
fn axis_labels_are_as_short_as_the_step_allows() {
    const MIB: f64 = 1024.0 * 1024.0;
    check(&[
        (axis(Unit::Percent, 50.0, 25.0), "50 %"),
        (axis(Unit::Percent, 2.5, 0.5), "2.5 %"),
        (axis(Unit::Bytes, 2.0 * 1024.0 * MIB, 1024.0 * MIB), "2 GiB"),
        (axis(Unit::Bytes, 0.0, 1024.0 * MIB), "0 GiB"),
        (axis(Unit::BytesPerSecond, 1.5 * MIB, 0.5 * MIB), "1.5 MiB/s"),
        (axis(Unit::Load, 0.5, 0.25), "0.5"),
        (axis(Unit::Load, 2.0, 1.0), "2"),
        (axis(Unit::Load, 2.5, 2.5), "2.5"),
        (axis(Unit::Load, 0.75, 0.25), "0.75"),
        (axis(Unit::Count, 300.0, 100.0), "300"),
    ]);
}

#[test]
fn ages_and_clock_times() {
    check(&[
        (age(300.0), "just now"),
        (age(4_200.0), "4 s ago"),
        (age(180_000.0), "3 min ago"),
        (clock(0.0, 0.0, false), "00:00"),
        (clock(3_723_000.0, 0.0, true), "01:02:03"),
        (clock(3_723_000.0, 60.0, false), "02:02"),
        (clock(0.0, -30.0, false), "23:30"),
    ]);
}

#[test]
fn fixed_rounds_like_people_do() {
    check(&[
        (fixed(12.34, 1), "12.3"),
        (fixed(12.35, 1), "12.4"),
        (fixed(0.05, 1), "0.1"),
        (fixed(-1.5, 0), "-2"),
        (fixed(-0.04, 1), "0.0"),
        (fixed(1.0, 2), "1.00"),
        (fixed(2.005, 3), "2.005"),
        (fixed(f64::INFINITY, 1), "–"),
    ]);
}
