//! The proleptic Gregorian calendar on day numbers since 1970-01-01, for date
//! labels and `datetime-local` values (Howard Hinnant's algorithms; no clock, no
//! time-zone data: callers pass the offset).

/// Month abbreviations, January first.
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A short date such as `5 Dec` for `ms` in a zone `offset_minutes` east of UTC.
pub fn day(ms: f64, offset_minutes: f64) -> String {
    let local = (ms / 1000.0 + offset_minutes * 60.0).floor() as i64;
    let (_, month, day) = civil_from_days(local.div_euclid(86_400));
    format!("{day} {}", MONTHS[(month - 1) as usize])
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_agree() {
        let cases = [(0, (1970, 1, 1)), (-1, (1969, 12, 31)), (11_016, (2000, 2, 29)), (20_793, (2026, 12, 6))];
        for (days, date) in cases {
            assert_eq!(civil_from_days(days), date);
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
        }
        assert_eq!(day(1_796_565_900_000.0, 0.0), "6 Dec");
        assert_eq!(day(1_796_565_900_000.0, -900.0), "5 Dec");
    }
}
