//! A few values by key in a `Vec`: the runner holds one timer per kind and one or
//! two transports, where a hash map would ship its table code and a hasher in the
//! wasm to search a handful of entries.

/// Values by key, at most one per key, in no particular order.
#[derive(Debug)]
pub struct Slots<K, V>(Vec<(K, V)>);

impl<K, V> Default for Slots<K, V> {
    fn default() -> Self {
        Slots(Vec::new())
    }
}

impl<K: PartialEq, V> Slots<K, V> {
    /// Puts `value` under `key`, returning the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Takes the value under `key` out.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }

    /// Takes every value out.
    pub fn take_all(&mut self) -> Vec<V> {
        self.0.drain(..).map(|(_, v)| v).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    #[test]
    fn one_value_per_key() {
        let mut slots = Slots::default();
        assert_eq!(slots.insert('a', 1), None);
        assert_eq!(slots.insert('b', 2), None);
        assert_eq!(slots.insert('a', 3), Some(1), "replacing hands the old value back");
        assert_eq!((slots.get(&'a'), slots.get(&'c')), (Some(&3), None));
        assert_eq!(slots.remove(&'a'), Some(3));
        assert_eq!(slots.remove(&'a'), None);
        assert_eq!(slots.take_all(), vec![2]);
        assert_eq!(slots.take_all(), Vec::<i32>::new());
    }
}
