//! The series ids a link brought, sorted, in one buffer: a frame's walk along
//! them (`unseen`) reads a few cache lines in order, where a string each was a
//! cache miss each on a hub of thousands of links (and 2.4 KiB a link).

/// Distinct ids, sorted, one after another in `text`.
#[derive(Debug, Default)]
pub struct Ids {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
}

impl Ids {
    /// How many ids are held.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The ids, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let id = self.text.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            id
        })
    }

    /// Adds `new`, ids not held yet.
    pub fn add<'a>(&mut self, new: impl IntoIterator<Item = &'a str>) {
        let mut all: Vec<&str> = self.iter().collect();
        for id in new {
            all.push(id);
        }
        all.sort_unstable();
        all.dedup();
        let mut text = String::with_capacity(all.iter().map(|id| id.len()).sum());
        let mut ends = Vec::with_capacity(all.len());
        for id in all {
            text.push_str(id);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        *self = Ids { text, ends };
    }
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    fn holds_each_id_once_in_order() {
        /// What, the batches added, the ids then held.
        type Case = (&'static str, &'static [&'static [&'static str]], &'static [&'static str]);
        let cases: [Case; 4] = [
            ("nothing", &[], &[]),
            ("one batch", &[&["b", "a", "c"]], &["a", "b", "c"]),
            ("added to", &[&["disk.sda"], &["disk.sd", "", "z"]], &["", "disk.sd", "disk.sda", "z"]),
            ("an id again", &[&["a", "b"], &["b", "a"]], &["a", "b"]),
        ];
        for (what, batches, want) in cases {
            let mut ids = Ids::default();
            for batch in batches {
                ids.add(batch.iter().copied());
            }
            assert_eq!(ids.iter().collect::<Vec<_>>(), want, "{what}");
            assert_eq!(ids.len(), want.len(), "{what}");
        }
    }
}
