//! The reader on its own: JSON's grammar, escapes, numbers, and errors that name
//! what was expected and where.

use std::collections::BTreeMap;

use super::{from_json, JsonError, JsonErrorKind, Reader};

fn error(kind: JsonErrorKind, at: usize) -> JsonError {
    JsonError { kind, at }
}

#[test]
fn strings_decode_every_escape() {
    let cases = [
        (r#""plain""#, "plain"),
        (r#""""#, ""),
        (r#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (r#""\b\f\n\r\t""#, "\u{8}\u{c}\n\r\t"),
        (r#""\u00e9\u20AC""#, "é€"),
        (r#""\ud83d\ude00 smile""#, "😀 smile"),
        (r#""ünïcödé raw""#, "ünïcödé raw"),
        (r#"  "padded"  "#, "padded"),
    ];
    for (json, want) in cases {
        assert_eq!(from_json::<String>(json).as_deref(), Ok(want), "{json}");
    }
}

#[test]
fn bad_strings_are_errors_at_the_offending_byte() {
    let cases = [
        (r#""open"#, error(JsonErrorKind::Eof, 5)),
        (r#""bad \x escape""#, error(JsonErrorKind::InvalidEscape, 6)),
        (r#""\u12G4""#, error(JsonErrorKind::InvalidEscape, 5)),
        (r#""\ud83d alone""#, error(JsonErrorKind::LoneSurrogate, 7)),
        (r#""\ud83d\u0041""#, error(JsonErrorKind::LoneSurrogate, 13)),
        (r#""\ude00""#, error(JsonErrorKind::LoneSurrogate, 7)),
        ("\"tab\there\"", error(JsonErrorKind::ControlCharacter, 4)),
        ("12", error(JsonErrorKind::Expected("a string"), 0)),
        ("", error(JsonErrorKind::Eof, 0)),
    ];
    for (json, want) in cases {
        assert_eq!(from_json::<String>(json), Err(want), "{json}");
    }
}

/// Reads a text as one particular type, keeping only the error.
type ReadAs = fn(&str) -> Result<(), JsonError>;

#[test]
fn integers_are_exact_and_range_checked() {
    assert_eq!(from_json::<u64>("0"), Ok(0));
    assert_eq!(from_json::<u64>("-0"), Ok(0));
    assert_eq!(from_json::<u64>("18446744073709551615"), Ok(u64::MAX));
    assert_eq!(from_json::<i64>("-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(from_json::<i64>("1700000000123"), Ok(1_700_000_000_123));
    assert_eq!(from_json::<u32>("4294967295"), Ok(u32::MAX));
    let cases: [(&str, ReadAs, JsonError); 9] = [
        ("18446744073709551616", |t| from_json::<u64>(t).map(drop), error(JsonErrorKind::OutOfRange, 0)),
        ("4294967296", |t| from_json::<u32>(t).map(drop), error(JsonErrorKind::OutOfRange, 0)),
        ("9223372036854775808", |t| from_json::<i64>(t).map(drop), error(JsonErrorKind::OutOfRange, 0)),
        ("-3", |t| from_json::<u64>(t).map(drop), error(JsonErrorKind::Expected("an unsigned integer"), 0)),
        ("3.0", |t| from_json::<u64>(t).map(drop), error(JsonErrorKind::Expected("an integer"), 0)),
        ("1e3", |t| from_json::<i64>(t).map(drop), error(JsonErrorKind::Expected("an integer"), 0)),
        ("01", |t| from_json::<u64>(t).map(drop), error(JsonErrorKind::InvalidNumber, 1)),
        (r#""7""#, |t| from_json::<u64>(t).map(drop), error(JsonErrorKind::Expected("a number"), 0)),
        ("7 8", |t| from_json::<u64>(t).map(drop), error(JsonErrorKind::Trailing, 2)),
    ];
    for (json, read, want) in cases {
        assert_eq!(read(json), Err(want), "{json}");
    }
}

#[test]
fn floats_read_every_json_form() {
    let cases = [
        ("0", 0.0),
        ("-0.0", -0.0),
        ("12.5", 12.5),
        ("-1.25e2", -125.0),
        ("1E-3", 0.001),
        ("2.5e+3", 2500.0),
        ("1024", 1024.0),
        ("0.1", 0.1),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("5e-324", 5e-324),
        ("1e-400", 0.0),
    ];
    for (json, want) in cases {
        let got = from_json::<f64>(json).expect(json);
        assert!(got == want && got.is_sign_negative() == want.is_sign_negative(), "{json}: {got} != {want}");
    }
    let largest = from_json::<f64>("1.7976931348623157e308").expect("largest");
    assert!(largest.is_finite() && (f64::MAX - largest) / f64::MAX < 1e-14, "{largest}");
    let bad = [
        ("1.", error(JsonErrorKind::InvalidNumber, 2)),
        ("1e", error(JsonErrorKind::InvalidNumber, 2)),
        ("-", error(JsonErrorKind::Eof, 1)),
        ("-x", error(JsonErrorKind::Expected("a number"), 1)),
        (".5", error(JsonErrorKind::Expected("a number"), 0)),
        ("+1", error(JsonErrorKind::Expected("a number"), 0)),
        ("NaN", error(JsonErrorKind::Expected("a number"), 0)),
        ("1e400", error(JsonErrorKind::OutOfRange, 0)),
        ("null", error(JsonErrorKind::Expected("a number"), 0)),
    ];
    for (json, want) in bad {
        assert_eq!(from_json::<f64>(json), Err(want), "{json}");
    }
}

/// Shortest decimal texts of many `f64`s, as the server writes them, read back
/// within one unit in the last place; far outside the range a metric takes (where
/// the scaling by a power of ten rounds more than once) within a few.
#[test]
fn floats_written_by_rust_read_back() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for i in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let value = match i % 4 {
            0 => (state % 10_000_000) as f64 / 100.0,
            1 => f64::from_bits(state >> 2) % 1e12,
            2 => (state % 1_000_000) as f64 * 1024.0,
            _ => f64::from_bits((state >> 12) | 0x3ff0_0000_0000_0000) - 1.0,
        };
        if !value.is_finite() {
            continue;
        }
        let text = format!("{value:?}");
        let got = from_json::<f64>(&text).expect(&text);
        let ulps = (got.to_bits() as i64 - value.to_bits() as i64).abs();
        let allowed = if (1e-6..1e22).contains(&value) || value == 0.0 { 1 } else { 8 };
        assert!(ulps <= allowed, "{text}: read {got:?}, {ulps} ulps away");
    }
}

#[test]
fn containers_and_null() {
    assert_eq!(from_json::<Vec<u64>>(" [ 1 , 2,3 ] "), Ok(vec![1, 2, 3]));
    assert_eq!(from_json::<Vec<u64>>("[]"), Ok(vec![]));
    assert_eq!(from_json::<Vec<Option<f64>>>("[1.5,null]"), Ok(vec![Some(1.5), None]));
    let map = from_json::<BTreeMap<String, f64>>(r#"{"b":2,"a":1,"b":3}"#).expect("map");
    assert_eq!(map, BTreeMap::from([("a".to_owned(), 1.0), ("b".to_owned(), 3.0)]));
    assert_eq!(from_json::<BTreeMap<String, u64>>("{ }"), Ok(BTreeMap::new()));

    let bad: [(&str, JsonError); 8] = [
        ("[1,]", error(JsonErrorKind::Expected("a number"), 3)),
        ("[1 2]", error(JsonErrorKind::Expected("`,` or `]`"), 3)),
        ("[,1]", error(JsonErrorKind::Expected("a number"), 1)),
        ("[1", error(JsonErrorKind::Eof, 2)),
        (r#"{"a":1,}"#, error(JsonErrorKind::Expected("a string"), 7)),
        (r#"{"a" 1}"#, error(JsonErrorKind::Expected("`:`"), 5)),
        (r#"{"a":1 "b":2}"#, error(JsonErrorKind::Expected("`,` or `}`"), 7)),
        ("[nul]", error(JsonErrorKind::Expected("a value"), 1)),
    ];
    for (json, want) in &bad[..4] {
        assert_eq!(from_json::<Vec<u64>>(json).map(drop).map_err(|e| e.clone()), Err(want.clone()), "{json}");
    }
    for (json, want) in &bad[4..7] {
        assert_eq!(from_json::<BTreeMap<String, u64>>(json).map(drop), Err(want.clone()), "{json}");
    }
    assert_eq!(from_json::<Vec<Option<u64>>>(bad[7].0).map(drop), Err(bad[7].1.clone()));
}

#[test]
fn skipped_values_must_still_be_json() {
    let good = [r#"{"a":[1,{"b":null}],"c":true,"d":false,"e":"x","f":-1.5e-3,"g":{}}"#, "1e400", "[[[]]]"];
    for json in good {
        let mut reader = Reader::new(json);
        assert_eq!(reader.skip().and_then(|()| reader.finish()), Ok(()), "{json}");
    }
    let bad = [
        (r#"{"a":tru}"#, error(JsonErrorKind::Expected("a value"), 5)),
        (r#"{"a":[1,}"#, error(JsonErrorKind::Expected("a value"), 8)),
        ("{'a':1}", error(JsonErrorKind::Expected("a string"), 1)),
        ("]", error(JsonErrorKind::Expected("a value"), 0)),
    ];
    for (json, want) in bad {
        assert_eq!(Reader::new(json).skip(), Err(want), "{json}");
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = "[".repeat(129) + &"]".repeat(129);
    assert_eq!(Reader::new(&deep).skip().map_err(|e| e.kind), Err(JsonErrorKind::TooDeep));
    let fine = "[".repeat(128) + &"]".repeat(128);
    assert_eq!(Reader::new(&fine).skip(), Ok(()));
}

#[test]
fn errors_read_as_sentences() {
    let cases = [
        (error(JsonErrorKind::Expected("`,` or `}`"), 7), "expected `,` or `}` at byte 7"),
        (error(JsonErrorKind::MissingField("ts"), 20), "missing field `ts` at byte 20"),
        (
            error(JsonErrorKind::UnknownVariant { found: "x".into(), expected: "one of `a` `b`" }, 3),
            "unknown variant `x`, expected one of `a` `b` at byte 3",
        ),
    ];
    for (error, want) in cases {
        assert_eq!(error.to_string(), want);
    }
}

#[test]
fn the_hosts_list_reads_as_serde_writes_it() {
    use crate::{HostInfo, HostStatus, HostsResponse};
    let mut tags = std::collections::BTreeMap::new();
    tags.insert("env".to_owned(), "prod".to_owned());
    let host = |id: &str, status, local| HostInfo {
        id: id.into(),
        name: format!("{id} name"),
        status,
        last_seen: 1_765_000_000_123,
        tags: tags.clone(),
        local,
        interval_ms: 1000,
    };
    let hosts = HostsResponse {
        hosts: vec![
            host("a", HostStatus::Up, true),
            host("b", HostStatus::Stale, false),
            host("c", HostStatus::Down, false),
        ],
    };
    let text = serde_json::to_string(&hosts).expect("serialise");
    assert_eq!(crate::from_json::<HostsResponse>(&text), Ok(hosts));
    // Older hubs send neither `local` nor `interval_ms`.
    let old = r#"{"hosts":[{"id":"a","name":"a","status":"up","last_seen":1,"tags":{}}]}"#;
    assert_eq!(crate::from_json::<HostsResponse>(old).expect("old").hosts[0].interval_ms, 0);
}
