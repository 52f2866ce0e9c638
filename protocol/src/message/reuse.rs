//! Reading a frame into the buffers of one read before. A hub reads a frame of
//! every host every second, and a host's next frame nearly always names the same
//! series in the same order and the same processes as its last: when the hub no
//! longer needs that last frame, its series ids, process names and map are kept
//! and only the numbers (and the names that changed) are written over. Anything
//! else (other series, another order, a repeated id) is read as it would have
//! been without them, from the point where it differs: the result is the same.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::text::Text;
use crate::{Frame, ProcessInfo};

/// The buffers a frame read before leaves to the next (empty ones: none left).
#[derive(Default)]
pub(super) struct Spare {
    pub host: String,
    pub values: BTreeMap<String, f64>,
    pub top: Vec<ProcessInfo>,
}

impl From<Option<Frame>> for Spare {
    fn from(frame: Option<Frame>) -> Self {
        frame.map_or_else(Spare::default, |f| Spare { host: f.host, values: f.values, top: f.top })
    }
}

/// Reads a string into a buffer (its allocation kept when it is large enough).
pub(super) struct StringInto<'a>(pub &'a mut String);

impl<'de> DeserializeSeed<'de> for StringInto<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StringInto<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.clear();
        self.0.push_str(text);
        Ok(())
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<(), E> {
        *self.0 = text;
        Ok(())
    }
}

/// Reads a frame's `values` into the map of the frame before: while the ids come
/// as that map holds them, each number is written into its place; from the first
/// id that differs, the pairs are collected and the map built at once, as
/// `frame/values.rs` does (a repeated id keeps its last value).
pub(super) struct ValuesInto(pub BTreeMap<String, f64>);

impl<'de> DeserializeSeed<'de> for ValuesInto {
    type Value = BTreeMap<String, f64>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ValuesInto {
    type Value = BTreeMap<String, f64>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object of series ids to numbers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut spare = self.0;
        let mut matched = 0;
        let mut differs = None;
        let mut slots = spare.iter_mut();
        while let Some(Text(id)) = map.next_key::<Text>()? {
            match slots.next() {
                Some((known, slot)) if **known == *id => {
                    *slot = map.next_value()?;
                    matched += 1;
                }
                _ => {
                    differs = Some((id.into_owned(), map.next_value()?));
                    break;
                }
            }
        }
        let Some(first) = differs else {
            let whole = slots.next().is_none();
            return Ok(if whole { spare } else { spare.into_iter().take(matched).collect() });
        };
        // A frame has a few dozen series; the hint is capped against a hostile one.
        let room = matched + 1 + map.size_hint().unwrap_or(32).min(4096);
        let mut pairs = Vec::with_capacity(room);
        pairs.extend(spare.into_iter().take(matched));
        pairs.push(first);
        while let Some(pair) = map.next_entry::<String, f64>()? {
            pairs.push(pair);
        }
        Ok(pairs.into_iter().collect())
    }
}

/// Reads a frame's `top` into the process table of the frame before, row by row.
pub(super) struct TopInto(pub Vec<ProcessInfo>);

impl<'de> DeserializeSeed<'de> for TopInto {
    type Value = Vec<ProcessInfo>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TopInto {
    type Value = Vec<ProcessInfo>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let mut rows = self.0;
        let mut count = 0;
        loop {
            let read = match rows.get_mut(count) {
                Some(row) => seq.next_element_seed(ProcessInto(row))?.is_some(),
                None => seq.next_element::<ProcessInfo>()?.map(|row| rows.push(row)).is_some(),
            };
            if !read {
                break;
            }
            count += 1;
        }
        rows.truncate(count);
        Ok(rows)
    }
}

/// Reads one process over another, as its derived `Deserialize` reads one.
struct ProcessInto<'a>(&'a mut ProcessInfo);

const PROCESS_FIELDS: &[&str] = &["pid", "name", "cpu", "mem"];

impl<'de> DeserializeSeed<'de> for ProcessInto<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_struct("ProcessInfo", PROCESS_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for ProcessInto<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("struct ProcessInfo")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let row = self.0;
        let (mut pid, mut name, mut cpu, mut mem) = (None, false, None, None);
        while let Some(Text(key)) = map.next_key::<Text>()? {
            match key.as_ref() {
                "pid" => fill(&mut map, &mut pid, "pid")?,
                "name" if name => return Err(de::Error::duplicate_field("name")),
                "name" => {
                    map.next_value_seed(StringInto(&mut row.name))?;
                    name = true;
                }
                "cpu" => fill(&mut map, &mut cpu, "cpu")?,
                "mem" => fill(&mut map, &mut mem, "mem")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        row.pid = pid.ok_or_else(|| de::Error::missing_field("pid"))?;
        if !name {
            return Err(de::Error::missing_field("name"));
        }
        row.cpu = cpu.ok_or_else(|| de::Error::missing_field("cpu"))?;
        row.mem = mem.ok_or_else(|| de::Error::missing_field("mem"))?;
        Ok(())
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        let row = self.0;
        let short = |at| de::Error::invalid_length(at, &"struct ProcessInfo with 4 elements");
        row.pid = seq.next_element()?.ok_or_else(|| short(0))?;
        seq.next_element_seed(StringInto(&mut row.name))?.ok_or_else(|| short(1))?;
        row.cpu = seq.next_element()?.ok_or_else(|| short(2))?;
        row.mem = seq.next_element()?.ok_or_else(|| short(3))?;
        Ok(())
    }
}

/// Reads the next value into an empty slot.
pub(super) fn fill<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeSeed;

    use crate::{Frame, Reusing, ServerMessage};

    const BEFORE: &str = r#"{"type":"frame","seq":1,"ts":5,"host":"web-1","values":{"cpu":1,"disk":2,"mem":3},"top":[{"pid":1,"name":"init","cpu":0.5,"mem":10},{"pid":2,"name":"sshd","cpu":0,"mem":20}]}"#;

    /// `next` read over the frame of `before` (none when `None`), as text: the
    /// message, or the error's words.
    fn read_over(before: Option<&str>, next: &str) -> Result<ServerMessage, String> {
        let spare = before.map(|text| match serde_json::from_str::<ServerMessage>(text) {
            Ok(ServerMessage::Frame(frame)) => frame,
            other => panic!("not a frame: {other:?}"),
        });
        let mut reader = serde_json::Deserializer::from_str(next);
        let read = Reusing(spare).deserialize(&mut reader).map_err(|error| error.to_string())?;
        reader.end().map_err(|error| error.to_string())?;
        Ok(read)
    }

    fn frame(values: &str, top: &str) -> String {
        format!(r#"{{"type":"frame","seq":2,"ts":6,"host":"web-1","values":{values}{top}}}"#)
    }

    #[test]
    fn reads_as_the_message_reader_does_whatever_came_before() {
        let cases: [(&str, String); 22] = [
            (
                "the same series and processes",
                frame(
                    r#"{"cpu":7,"disk":8,"mem":9}"#,
                    r#","top":[{"pid":1,"name":"init","cpu":1,"mem":11},{"pid":2,"name":"sshd","cpu":2,"mem":21}]"#,
                ),
            ),
            (
                "another process name",
                frame(r#"{"cpu":7,"disk":8,"mem":9}"#, r#","top":[{"pid":3,"name":"a-longer-name","cpu":1,"mem":11}]"#),
            ),
            ("no top: an empty table", frame(r#"{"cpu":7,"disk":8,"mem":9}"#, "")),
            (
                "more processes",
                frame(
                    "{}",
                    r#","top":[{"pid":1,"name":"a","cpu":1,"mem":1},{"pid":2,"name":"b","cpu":1,"mem":1},{"pid":3,"name":"c","cpu":1,"mem":1}]"#,
                ),
            ),
            ("a process as an array", frame("{}", r#","top":[[1,"a",1.5,2]]"#)),
            ("a short process array", frame("{}", r#","top":[[1,"a"]]"#)),
            ("a process without a pid", frame("{}", r#","top":[{"name":"a","cpu":1,"mem":1}]"#)),
            ("a process without a name", frame("{}", r#","top":[{"pid":1,"cpu":1,"mem":1}]"#)),
            ("a process named twice", frame("{}", r#","top":[{"pid":1,"name":"a","name":"b","cpu":1,"mem":1}]"#)),
            (
                "a process with an unknown field",
                frame("{}", r#","top":[{"pid":1,"x":[1],"name":"a","cpu":1,"mem":1}]"#),
            ),
            ("a name with an escape", frame("{}", r#","top":[{"pid":1,"name":"a\u00e9\"b","cpu":1,"mem":1}]"#)),
            ("top is null", frame("{}", r#","top":null"#)),
            ("fewer series", frame(r#"{"cpu":7,"disk":8}"#, "")),
            ("more series", frame(r#"{"cpu":7,"disk":8,"mem":9,"net":10}"#, "")),
            ("a series in between", frame(r#"{"cpu":7,"cpu2":1,"disk":8,"mem":9}"#, "")),
            ("another order", frame(r#"{"mem":9,"cpu":7,"disk":8}"#, "")),
            ("a repeated id", frame(r#"{"cpu":7,"disk":8,"cpu":1,"mem":9}"#, "")),
            ("an id with an escape", frame(r#"{"c\u0070u":7,"disk":8,"mem":9}"#, "")),
            ("a value that is not a number", frame(r#"{"cpu":7,"disk":null,"mem":9}"#, "")),
            ("the host twice", r#"{"type":"frame","seq":2,"ts":6,"host":"a","host":"b","values":{}}"#.into()),
            ("not a frame", r#"{"type":"heartbeat","seq":2,"ts":6}"#.into()),
            ("another host", r#"{"type":"frame","seq":2,"ts":6,"host":"db-10","values":{"cpu":1}}"#.into()),
        ];
        for (what, next) in cases {
            let expected = serde_json::from_str::<ServerMessage>(&next).map_err(|error| error.to_string());
            assert_eq!(read_over(Some(BEFORE), &next), expected, "{what}, over a frame");
            assert_eq!(read_over(None, &next), expected, "{what}, over nothing");
        }
    }

    #[test]
    fn the_same_series_reuse_the_map() {
        let Ok(ServerMessage::Frame(before)) = serde_json::from_str::<ServerMessage>(BEFORE) else { panic!("a frame") };
        let first_id = before.values.keys().next().map(|id| id.as_ptr());
        let next = frame(r#"{"cpu":7,"disk":8,"mem":9}"#, "");
        let mut reader = serde_json::Deserializer::from_str(&next);
        let Ok(ServerMessage::Frame(Frame { values, .. })) = Reusing(Some(before)).deserialize(&mut reader) else {
            panic!("a frame")
        };
        assert_eq!(values.keys().next().map(|id| id.as_ptr()), first_id, "the ids are the frame before's");
        assert_eq!(values.values().copied().collect::<Vec<_>>(), [7.0, 8.0, 9.0]);
    }
}
