//! The alerts page's rows and filters.

use super::*;

fn live(rule: &str, host: &str, severity: AlertSeverity) -> LiveAlert {
    LiveAlert {
        rule: rule.into(),
        host: host.into(),
        state: AlertState::Firing,
        severity: Some(severity),
        since: 10,
        value: Some(1.0),
        series: None,
        threshold: None,
    }
}

fn fetched(rule: &str, host: &str, until: Option<i64>) -> Alert {
    Alert {
        rule: rule.into(),
        host: host.into(),
        state: if until.is_some() { AlertState::Resolved } else { AlertState::Pending },
        severity: Some(AlertSeverity::Warning),
        since: 1,
        value: None,
        until,
    }
}

#[test]
fn the_live_set_replaces_the_fetched_current_alerts_and_past_ones_follow() {
    let answer = [fetched("cpu", "a", None), fetched("cpu", "a", Some(5)), fetched("mem", "b", Some(3))];
    let set = [live("disk", "c", AlertSeverity::Critical)];
    let names = |rows: Vec<Row>| rows.into_iter().map(|r| (r.rule, r.until)).collect::<Vec<_>>();
    assert_eq!(
        names(rows(Some(&set), &answer)),
        [("disk".to_owned(), None), ("cpu".to_owned(), Some(5)), ("mem".to_owned(), Some(3))]
    );
    assert_eq!(
        names(rows(None, &answer)),
        [("cpu".to_owned(), None), ("cpu".to_owned(), Some(5)), ("mem".to_owned(), Some(3))],
        "before the stream's first set, the answer's current alerts"
    );
}

#[test]
fn filters_keep_rows_by_host_severity_and_rule() {
    use AlertSeverity::*;
    let set = [live("cpu", "a", Critical), live("cpu", "b", Warning), live("mem", "a", Warning)];
    let all = rows(Some(&set), &[fetched("disk", "b", Some(2))]);
    let filter = |host: &str, severity: Option<AlertSeverity>, rule: &str| Filter {
        host: host.into(),
        severity,
        rule: rule.into(),
    };
    // (filter, rows kept, by index)
    let cases = [
        (Filter::default(), vec![0, 1, 2, 3]),
        (filter("a", None, ""), vec![0, 2]),
        (filter("", Some(Critical), ""), vec![0]),
        (filter("", Some(Warning), ""), vec![1, 2, 3]),
        (filter("", None, "cpu"), vec![0, 1]),
        (filter("b", Some(Warning), "disk"), vec![3]),
        (filter("a", Some(Critical), "mem"), vec![]),
        (filter("nobody", None, ""), vec![]),
    ];
    for (filter, kept) in cases {
        let got: Vec<usize> = (0..all.len()).filter(|i| filter.keeps(&all[*i])).collect();
        assert_eq!(got, kept, "{filter:?}");
    }
    assert_eq!(choices(&all, |r| &r.host), ["a", "b"]);
    assert_eq!(choices(&all, |r| &r.rule), ["cpu", "mem", "disk"]);
}
