//! Texts not made from a valid message: JSON tokens in any order, valid JSON of
//! the wrong shape, any string at all, and valid messages carrying pathological
//! values (deep nesting, huge numbers, long escaped strings).

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::mutate::{nested, number, string_body, NAMES};

/// JSON tokens in any order, names and tags of the wire types among them.
pub fn soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        6 => prop::sample::select(PUNCTUATION).prop_map(str::to_owned),
        4 => prop::sample::select(NAMES).prop_map(|name| format!("\"{name}\"")),
        2 => number(),
        1 => string_body().prop_map(|s| format!("\"{s}\"")),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(token, 0..48).prop_map(|tokens| tokens.concat())
}

const PUNCTUATION: &[&str] =
    &["{", "}", "[", "]", ":", ",", "\"", " ", "\n", "null", "true", "false", "{\"type\":", "\"type\":\"bye\","];

/// Valid JSON of any shape, objects keyed mostly by the wire types' field names
/// (and most often with a `type`), so types and values are confused, not syntax.
pub fn shapes() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(NAMES).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8).prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    });
    let tag = prop::option::weighted(0.8, prop::sample::select(&NAMES[..8]));
    (tag, prop::collection::vec((key(), value), 0..10)).prop_map(|(tag, pairs)| {
        let mut object: Map<String, Value> = pairs.into_iter().collect();
        if let Some(tag) = tag {
            object.insert("type".into(), Value::from(tag));
        }
        Value::Object(object).to_string()
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(NAMES).prop_map(str::to_owned), 1 => "[a-z]{0,4}"]
}

/// Any string at all, and any bytes read as UTF-8 with replacement.
pub fn anything() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..256).prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ]
}

/// A valid message, poll or history body with one pathological value in it.
pub fn extremes() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        (1usize..=100_000).prop_map(|n| "[".repeat(n)),
        (1usize..=100_000).prop_map(|n| "[".repeat(n) + &"]".repeat(n)),
        (1usize..=20_000).prop_map(|n| r#"{"a":"#.repeat(n) + "1" + &"}".repeat(n)),
        (120usize..=136).prop_map(nested),
        (120usize..=136).prop_map(|n| r#"{"a":"#.repeat(n) + "1" + &"}".repeat(n)),
        number(),
        (0usize..=20_000, string_body()).prop_map(|(n, s)| format!("\"{}\"", s.repeat(n.min(20_000 / (s.len() + 1))))),
    ];
    let template = prop::sample::select(TEMPLATES);
    (template, value).prop_map(|(template, value)| template.replace('@', &value))
}

/// Valid bodies with one value replaced by `@`.
const TEMPLATES: &[&str] = &[
    r#"{"type":"heartbeat","seq":@,"ts":1}"#,
    r#"{"type":"heartbeat","seq":1,"ts":@}"#,
    r#"{"type":"heartbeat","seq":1,"ts":2,"extra":@}"#,
    r#"{"extra":@,"type":"bye","reason":"x","retry_ms":5}"#,
    r#"{"type":"bye","reason":@,"retry_ms":5}"#,
    r#"{"type":"gap","reason":"lagged","next_seq":4,"missed":@}"#,
    r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{"cpu":@}}"#,
    r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{@:1}}"#,
    r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{},"top":[{"pid":@,"name":"n","cpu":0.5,"mem":1}]}"#,
    r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{},"top":[{"pid":1,"name":"n","cpu":@,"mem":1}]}"#,
    r#"{"type":"hello","protocol":@,"epoch":"e","seq":1,"catalog":{"series":[]},"heartbeat_ms":1,"interval_ms":1,"history_ms":1,"server_time":1}"#,
    r#"{"type":"hello","protocol":1,"epoch":@,"seq":1,"catalog":{"series":@},"heartbeat_ms":1,"interval_ms":1,"history_ms":1,"server_time":1}"#,
    r#"{"epoch":"e","next":@,"messages":[{"type":"heartbeat","seq":1,"ts":2}]}"#,
    r#"{"epoch":"e","next":1,"messages":[{"type":"heartbeat","seq":1,"ts":2,"x":@}]}"#,
    r#"{"epoch":"e","next":1,"messages":@}"#,
    r#"{"epoch":"e","first_seq":1,"last_seq":2,"ts":[@],"series":{"a":{"host":"h","values":[1.5,null]}}}"#,
    r#"{"epoch":"e","first_seq":1,"last_seq":2,"ts":[5,6],"series":{"a":{"host":"h","values":[@,null]}}}"#,
    r#"{"series":[{"id":@,"host":"h","group":"g","label":"l","unit":"percent","kind":"gauge"}]}"#,
    r#"{"error":@,"detail":"d"}"#,
    "@",
];
