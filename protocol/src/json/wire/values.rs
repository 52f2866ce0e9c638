//! A frame's `values` read in one pass: the pairs are collected as they come and
//! the map is built from them at once, instead of one tree insertion per series.
//! An insertion descends the tree comparing the id with a node's keys one by one,
//! and a fleet summary's ids (`{host}/{metric}`, 8,000 at 1,000 hosts) share long
//! prefixes: reading one summary that way took 10 ms of the page's main thread in
//! Chromium, most of what applying it cost. A frame's series come sorted (every
//! writer serialises a sorted map), which the bulk build is made for; any order
//! still reads, and a repeated id keeps its last value, as map insertion does.
//! The server's serde reader does the same (`frame/values.rs`).

use std::collections::BTreeMap;

use super::{Decode, JsonError, Reader};

/// Reads a JSON object of numbers into a map.
pub(super) fn decode(reader: &mut Reader<'_>) -> Result<BTreeMap<String, f64>, JsonError> {
    reader.begin_object()?;
    let mut pairs: Vec<(String, f64)> = Vec::new();
    while let Some(key) = reader.next_key()? {
        let value = f64::decode(reader)?;
        pairs.push((key.into_owned(), value));
    }
    // Collecting sorts stably (one pass over sorted pairs) and keeps a repeated
    // key's last value.
    Ok(pairs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::super::super::from_json;
    use crate::Frame;

    /// Each case (what, the values object) reads as serde reads it, and its values as map insertion does.
    #[test]
    fn reads_values_as_serde_and_map_insertion_do() {
        let cases: [(&str, &str); 7] = [
            ("empty", "{}"),
            ("sorted", r#"{"a":1,"b":2.5}"#),
            ("unsorted", r#"{"b":2,"a":1,"c":3}"#),
            ("a repeated id keeps its last value", r#"{"a":1,"b":2,"a":3}"#),
            ("ids sharing prefixes", r#"{"web-1/cpu":1,"web-1/mem":2,"web-10/cpu":3,"web-1-a/cpu":4}"#),
            ("null is not a number", r#"{"a":null}"#),
            ("not an object", "[1]"),
        ];
        for (what, values) in cases {
            let json = format!(r#"{{"seq":1,"ts":2,"host":"h","values":{values}}}"#);
            let ours = from_json::<Frame>(&json).ok();
            let theirs = serde_json::from_str::<Frame>(&json).ok();
            assert_eq!(ours, theirs, "{what}");
            let inserted = serde_json::from_str::<std::collections::BTreeMap<String, f64>>(values).ok();
            assert_eq!(ours.map(|f| f.values), inserted, "{what}: as map insertion reads it");
        }
    }
}
