//! `pulse:news`: which hosts have new frames. Pure: the entry an append round
//! writes, and reading entries back.
//!
//! Each round of the appender that wrote frames adds one entry naming the hosts it
//! wrote (fields `h` → id, once per host), in the same pipeline and after the
//! frames, so a follower that sees the entry finds the frames. A follower then reads
//! only the streams named since its last entry instead of naming every host's
//! stream in each read (Redis's work per `XREAD` grows with the keys it names, about
//! 2.5 µs each here: 10,000 streams cost 25 ms a read). The stream holds host ids
//! only, is trimmed to [`LEN`] entries, and is read from where each hub is, never
//! scanned: a hub that connects takes its newest id, then reads every stream once
//! (a sweep), which also catches anything whose entry was trimmed.

use std::collections::BTreeSet;

use ::redis::Value;

use super::keys::text;

/// The entries `pulse:news` keeps (`MAXLEN ~`): at 10,000 frames a second in
/// 512-frame rounds, about 100 s, and at most about 20 MB however busy the fleet
/// (an entry names up to 512 hosts). A follower further behind than that misses
/// nothing: its sweep (every 5 s) reads every stream from where it is.
pub const LEN: usize = 2_000;

/// The field naming a host in an entry.
const HOST: &str = "h";

/// The fields of the entry for a round that wrote frames of `hosts` (each once, in
/// order of first appearance); empty when there were none.
pub fn fields<'a>(hosts: impl IntoIterator<Item = &'a str>) -> Vec<(&'static str, &'a str)> {
    let mut seen = BTreeSet::new();
    hosts.into_iter().filter(|id| seen.insert(*id)).map(|id| (HOST, id)).collect()
}

/// What one read of `pulse:news` said: the id of the last entry read (where the
/// next read starts after, `None` when nothing was read) and the hosts named.
#[derive(Debug, Default, PartialEq)]
pub struct News {
    /// The last entry's id.
    pub last_id: Option<String>,
    /// Every host the entries named.
    pub hosts: BTreeSet<String>,
}

/// An `XREAD` answer naming only `pulse:news` as [`News`]; anything unreadable is
/// left out.
pub fn read_reply(value: Value) -> News {
    let mut news = News::default();
    let Value::Array(streams) = value else { return news };
    for stream in streams {
        let Value::Array(mut pair) = stream else { continue };
        if let (2, Some(Value::Array(entries))) = (pair.len(), pair.pop()) {
            entries.into_iter().for_each(|entry| read_entry(entry, &mut news));
        }
    }
    news
}

/// The newest entry's id from an `XREVRANGE pulse:news + - COUNT 1` answer.
pub fn newest_id(value: Value) -> Option<String> {
    let Value::Array(entries) = value else { return None };
    let mut news = News::default();
    entries.into_iter().for_each(|entry| read_entry(entry, &mut news));
    news.last_id
}

fn read_entry(value: Value, news: &mut News) {
    let Value::Array(mut parts) = value else { return };
    if parts.len() != 2 {
        return;
    }
    let (Some(Value::Array(fields)), Some(id)) = (parts.pop(), parts.pop().and_then(text)) else { return };
    let fields: Vec<String> = fields.into_iter().filter_map(text).collect();
    for pair in fields.chunks(2) {
        if let [name, id] = pair {
            if name == HOST {
                news.hosts.insert(id.clone());
            }
        }
    }
    news.last_id = Some(id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redis::keys::tests::{bulk, entry_of as entry};

    fn hosts(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn a_round_names_each_host_once() {
        assert_eq!(fields(["a", "b", "a", "c", "b"]), vec![("h", "a"), ("h", "b"), ("h", "c")]);
        assert!(fields([]).is_empty());
    }

    #[test]
    fn reads_give_the_last_id_and_every_host_named() {
        let xread = Value::Array(vec![Value::Array(vec![
            bulk("pulse:news"),
            Value::Array(vec![
                entry("5-0", &["h", "a", "h", "b"]),
                entry("6-0", &["h", "b", "x", "ignored", "h"]),
                Value::Nil,
                entry("7-1", &["h", "c"]),
            ]),
        ])]);
        let cases = [
            (xread, News { last_id: Some("7-1".into()), hosts: hosts(&["a", "b", "c"]) }),
            (Value::Nil, News::default()),
            (Value::Array(vec![]), News::default()),
        ];
        for (reply, expected) in cases {
            assert_eq!(read_reply(reply), expected);
        }
    }

    #[test]
    fn the_newest_id_is_where_a_new_follower_starts() {
        assert_eq!(newest_id(Value::Array(vec![entry("9-0", &["h", "z"])])), Some("9-0".into()));
        assert_eq!(newest_id(Value::Array(vec![])), None, "no news yet");
        assert_eq!(newest_id(Value::Nil), None);
    }
}
