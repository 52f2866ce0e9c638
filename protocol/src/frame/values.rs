//! A frame's `values` read in one pass: the pairs are collected as they come and
//! the map is built from them at once, instead of one tree insertion (a descent
//! with a string comparison per level, and node splits) per series. A frame's
//! series come sorted (every writer serialises a sorted map), which is the case
//! the bulk build is made for; any order still reads, and a repeated id keeps its
//! last value, as map insertion does. The message reader (`message/reuse.rs`)
//! builds the map the same way when it cannot reuse a frame's.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::Deserializer;

/// Reads a JSON object of numbers into a map (serde's `deserialize_with`).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, f64>, D::Error> {
    deserializer.deserialize_map(Values)
}

struct Values;

impl<'de> Visitor<'de> for Values {
    type Value = BTreeMap<String, f64>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object of series ids to numbers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // A frame has a few dozen series; the hint is capped against a hostile one.
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(32).min(4096));
        while let Some(pair) = map.next_entry::<String, f64>()? {
            pairs.push(pair);
        }
        Ok(pairs.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<BTreeMap<String, f64>, serde_json::Error> {
        deserialize(&mut serde_json::Deserializer::from_str(json))
    }

    /// What, the JSON, and the pairs it reads as (`None`: refused).
    type Case = (&'static str, &'static str, Option<&'static [(&'static str, f64)]>);

    #[test]
    fn reads_as_map_insertion_would() {
        let cases: [Case; 6] = [
            ("empty", "{}", Some(&[])),
            ("sorted", r#"{"a":1,"b":2.5}"#, Some(&[("a", 1.0), ("b", 2.5)])),
            ("unsorted", r#"{"b":2,"a":1,"c":3}"#, Some(&[("a", 1.0), ("b", 2.0), ("c", 3.0)])),
            ("a repeated id keeps its last value", r#"{"a":1,"b":2,"a":3}"#, Some(&[("a", 3.0), ("b", 2.0)])),
            ("null is not a number", r#"{"a":null}"#, None),
            ("not an object", "[1]", None),
        ];
        for (what, json, want) in cases {
            let want = want.map(|pairs| pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect::<BTreeMap<_, _>>());
            assert_eq!(read(json).ok(), want, "{what}");
            let by_insertion = serde_json::from_str::<BTreeMap<String, f64>>(json).ok();
            assert_eq!(read(json).ok(), by_insertion, "{what}: as serde's own map reads it");
        }
    }
}
