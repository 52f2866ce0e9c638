use super::*;
use crate::ServerMessage;

const BEFORE: &str = r#"{"type":"frame","seq":1,"ts":5,"host":"web-1","values":{"cpu":1,"disk":2,"mem":3},"top":[{"pid":1,"name":"init","cpu":0.5,"mem":10},{"pid":2,"name":"sshd","cpu":0,"mem":20}]}"#;

fn frame_of(text: &str) -> Frame {
    match serde_json::from_str::<ServerMessage>(text) {
        Ok(ServerMessage::Frame(frame)) => frame,
        other => panic!("not a frame: {other:?}"),
    }
}

fn frame(values: &str, top: &str) -> String {
    format!(r#"{{"type":"frame","seq":2,"ts":6,"host":"web-1","values":{values}{top}}}"#)
}

/// `next` read over the frame of [`BEFORE`]: whether this reader took it, and
/// checks that what it read is what serde reads.
fn check(what: &str, next: &str) -> bool {
    let mut spare = frame_of(BEFORE);
    let taken = read_frame_over(next, &mut spare);
    if taken {
        let expected = serde_json::from_str::<ServerMessage>(next).map_err(|error| error.to_string());
        assert_eq!(Ok(ServerMessage::Frame(spare)), expected, "{what}");
    }
    taken
}

#[test]
fn reads_the_layout_as_serde_does_and_leaves_the_rest_to_serde() {
    let cases: [(&str, String, bool); 34] = [
        // what, the next message, whether this reader takes it
        (
            "the same series and processes",
            frame(
                r#"{"cpu":7.25,"disk":8,"mem":9}"#,
                r#","top":[{"pid":1,"name":"init","cpu":1,"mem":11},{"pid":2,"name":"sshd","cpu":2.5,"mem":21}]"#,
            ),
            true,
        ),
        (
            "other process names",
            frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[{"pid":3,"name":"a-longer-name","cpu":1,"mem":11}]"#),
            true,
        ),
        (
            "more processes",
            frame(
                r#"{"cpu":7,"disk":8,"mem":9}"#,
                r#","top":[{"pid":1,"name":"a","cpu":1,"mem":1},{"pid":2,"name":"b","cpu":1,"mem":1},{"pid":3,"name":"c","cpu":1,"mem":1}]"#,
            ),
            true,
        ),
        ("no top: an empty table", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, ""), true),
        ("an empty top", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[]"#), true),
        ("negative, zero and minus zero", frame(r#"{"cpu":-7.5,"disk":0,"mem":-0}"#, ""), true),
        ("minus zero with a point", frame(r#"{"cpu":-0.0,"disk":0.0,"mem":1e0}"#, ""), false),
        (
            "a negative time",
            r#"{"type":"frame","seq":2,"ts":-6,"host":"web-1","values":{"cpu":1,"disk":2,"mem":3}}"#.into(),
            true,
        ),
        (
            "a time of minus zero (a float to serde, which the integer refuses)",
            r#"{"type":"frame","seq":2,"ts":-0,"host":"web-1","values":{"cpu":1,"disk":2,"mem":3}}"#.into(),
            false,
        ),
        (
            "a name with multibyte characters",
            frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[{"pid":1,"name":"prozeß-€","cpu":1,"mem":1}]"#),
            true,
        ),
        ("fewer series", frame(r#"{"cpu":7,"disk":8}"#, ""), false),
        ("more series", frame(r#"{"cpu":7,"disk":8,"mem":9,"net":10}"#, ""), false),
        ("another id", frame(r#"{"cpu":7,"dusk":8,"mem":9}"#, ""), false),
        ("another order", frame(r#"{"mem":9,"cpu":7,"disk":8}"#, ""), false),
        ("an id with an escape", frame(r#"{"c\u0070u":7,"disk":8,"mem":9}"#, ""), false),
        ("a name with an escape", frame("{}", r#","top":[{"pid":1,"name":"a\"b","cpu":1,"mem":1}]"#), false),
        ("a value that is not a number", frame(r#"{"cpu":7,"disk":null,"mem":9}"#, ""), false),
        ("an exponent", frame(r#"{"cpu":7e2,"disk":8,"mem":9}"#, ""), false),
        ("sixteen digits", frame(r#"{"cpu":1.234567890123456,"disk":8,"mem":9}"#, ""), false),
        ("a leading zero", frame(r#"{"cpu":07,"disk":8,"mem":9}"#, ""), false),
        ("a point with no decimal", frame(r#"{"cpu":7.,"disk":8,"mem":9}"#, ""), false),
        ("a space", frame(r#"{"cpu":7, "disk":8,"mem":9}"#, ""), false),
        ("a trailing space", format!("{} ", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, "")), false),
        ("a trailing byte", format!("{}x", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, "")), false),
        ("cut short", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, "").trim_end_matches('}').into(), false),
        (
            "a pid past u32",
            frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[{"pid":4294967296,"name":"a","cpu":1,"mem":1}]"#),
            false,
        ),
        (
            "a float memory",
            frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[{"pid":1,"name":"a","cpu":1,"mem":1.5}]"#),
            false,
        ),
        ("a process as an array", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[[1,"a",1.5,2]]"#), false),
        ("columns", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","columns":null"#), false),
        ("top is null", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":null"#), false),
        ("the host twice", r#"{"type":"frame","seq":2,"ts":6,"host":"a","host":"b","values":{}}"#.into(), false),
        (
            "another host",
            r#"{"type":"frame","seq":2,"ts":6,"host":"db-10","values":{"cpu":1,"disk":2,"mem":3}}"#.into(),
            true,
        ),
        ("a heartbeat", r#"{"type":"heartbeat","seq":2,"ts":6}"#.into(), false),
        (
            "a seq past u64",
            r#"{"type":"frame","seq":99999999999999999999,"ts":6,"host":"a","values":{"cpu":1,"disk":2,"mem":3}}"#
                .into(),
            false,
        ),
    ];
    for (what, next, taken) in cases {
        assert_eq!(check(what, &next), taken, "{what}: taken");
    }
}

/// Numbers as the hub's writers print them (serde_json's shortest form) and as
/// others might: each this reader reads is bit for bit what serde reads.
#[test]
fn numbers_read_as_serde_reads_them() {
    let mut texts: Vec<String> = [
        "0",
        "-0",
        "1",
        "12",
        "0.5",
        "0.1",
        "0.2",
        "0.3",
        "83.6",
        "6.08",
        "100.0",
        "25276182528.0",
        "1355582.0",
        "123456789012345",
        "9007199254740993",
        "18446744073709551615",
        "-9223372036854775808",
        "0.000000000001",
        "123456789.012345",
        "99999999999999.9",
        "0.30000000000000004",
        "1.7976931348623157e308",
        "5e-324",
    ]
    .iter()
    .map(|text| (*text).to_owned())
    .collect();
    // A fixed pseudo-random walk over values of one to fifteen digits.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let digits = 1 + (state % 15) as u32;
        let significand = (state >> 8) % 10u64.pow(digits);
        let decimals = ((state >> 4) % 16) as usize;
        let mut text = significand.to_string();
        if decimals > 0 {
            text = format!("{:0>width$}", text, width = decimals + 1);
            text.insert(text.len() - decimals, '.');
        }
        if state & 1 == 1 {
            text.insert(0, '-');
        }
        texts.push(text);
        // And a value printed as serde_json prints an f64.
        let value = f64::from_bits(state >> 2) % 1e12;
        if value.is_finite() {
            texts.push(serde_json::to_string(&((value * 100.0).round() / 100.0)).expect("a number"));
        }
    }
    let mut read = 0;
    for text in &texts {
        let mut cursor = Cursor { text: text.as_bytes(), at: 0 };
        let Some(quick) = cursor.number().filter(|_| cursor.at == text.len()) else { continue };
        read += 1;
        let serde = serde_json::from_str::<f64>(text).expect("serde reads it");
        assert_eq!(quick.to_bits(), serde.to_bits(), "{text}: {quick} against serde's {serde}");
    }
    assert!(read > texts.len() / 2, "most numbers are read here: {read} of {}", texts.len());
}

#[test]
fn a_refused_message_leaves_a_frame_serde_can_read_over() {
    // Read partly over (the numbers, then another id): serde's reader takes it on.
    let mut spare = frame_of(BEFORE);
    let next = frame(r#"{"cpu":7,"disk":8,"net":9}"#, "");
    assert!(!read_frame_over(&next, &mut spare));
    let mut reader = serde_json::Deserializer::from_str(&next);
    let read =
        serde::de::DeserializeSeed::deserialize(crate::Reusing(Some(spare)), &mut reader).map_err(|e| e.to_string());
    assert_eq!(read, serde_json::from_str::<ServerMessage>(&next).map_err(|e| e.to_string()));
}
