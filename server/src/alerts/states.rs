//! Every rule's state on every host, laid out for the engine's per-sample path:
//! each host's states together, one slot per rule of the set in force (by its
//! position), so judging a frame is one host lookup and then a walk of the rules
//! with no key compared. A state keeps its `(rule, host)` key beside it, for what a
//! round writes and what the API lists.
//!
//! States of rules the set does not hold (restored from `alerts.db` before the
//! rules file was read) wait aside until a new set places or drops them. Listing
//! and iteration go in `(rule, host)` order, as the single map they replace did.

use std::collections::BTreeMap;

use pulse_alerts::ruleset::RuleSet;
use pulse_alerts::state::State;

use super::db::Key;

/// The states, by host, then by the rule's position in the set.
#[derive(Debug, Default)]
pub struct Table {
    /// The rule names of the set, by position (a slot's index).
    names: Vec<String>,
    /// The slots in the order of their rule names.
    sorted: Vec<usize>,
    /// Each host's slots, one per name (hosts in order).
    hosts: BTreeMap<String, Vec<Option<Entry>>>,
    /// States whose rule is not in `names`.
    aside: BTreeMap<Key, State>,
}

/// One state and its key.
#[derive(Debug)]
pub struct Entry {
    /// `(rule, host)`.
    pub key: Key,
    /// The state.
    pub state: State,
}

impl Table {
    /// `states` laid out for `rules`.
    pub fn new(states: impl IntoIterator<Item = (Key, State)>, rules: &RuleSet) -> Table {
        let mut table = Table::default();
        table.lay_out(rules);
        for (key, state) in states {
            table.insert(key, state);
        }
        table
    }

    /// Lays the states out for the rules of `rules` (after a new set): a state
    /// moves to its rule's new slot, or aside when its rule is gone.
    pub fn lay_out(&mut self, rules: &RuleSet) {
        let names: Vec<String> = rules.rules.iter().map(|rule| rule.name.clone()).collect();
        if names == self.names {
            return;
        }
        let mut states = std::mem::take(&mut self.aside);
        for slots in std::mem::take(&mut self.hosts).into_values() {
            states.extend(slots.into_iter().flatten().map(|entry| (entry.key, entry.state)));
        }
        let mut sorted: Vec<usize> = (0..names.len()).collect();
        sorted.sort_by(|a, b| names[*a].cmp(&names[*b]));
        self.names = names;
        self.sorted = sorted;
        for (key, state) in states {
            self.insert(key, state);
        }
    }

    /// Host `host`'s slots, by rule position (made when new).
    pub fn slots(&mut self, host: &str) -> &mut [Option<Entry>] {
        if !self.hosts.contains_key(host) {
            self.hosts.insert(host.to_owned(), self.empty());
        }
        self.hosts.get_mut(host).map_or(&mut [], Vec::as_mut_slice)
    }

    /// The state of `key`.
    pub fn get_mut(&mut self, key: &Key) -> Option<&mut State> {
        match self.slot(&key.0) {
            Some(slot) => self.hosts.get_mut(&key.1)?.get_mut(slot)?.as_mut().map(|entry| &mut entry.state),
            None => self.aside.get_mut(key),
        }
    }

    /// Whether `key` has a state.
    pub fn contains_key(&self, key: &Key) -> bool {
        match self.slot(&key.0) {
            Some(slot) => self.hosts.get(&key.1).and_then(|slots| slots.get(slot)).is_some_and(Option::is_some),
            None => self.aside.contains_key(key),
        }
    }

    /// Sets the state of `key`.
    pub fn insert(&mut self, key: Key, state: State) {
        let Some(slot) = self.slot(&key.0) else {
            self.aside.insert(key, state);
            return;
        };
        let empty = self.empty();
        let slots = self.hosts.entry(key.1.clone()).or_insert(empty);
        slots[slot] = Some(Entry { key, state });
    }

    /// Forgets the state of `key`.
    pub fn remove(&mut self, key: &Key) -> Option<State> {
        match self.slot(&key.0) {
            Some(slot) => self.hosts.get_mut(&key.1)?.get_mut(slot)?.take().map(|entry| entry.state),
            None => self.aside.remove(key),
        }
    }

    /// Forgets host `host`: the keys of its states, in rule order.
    pub fn remove_host(&mut self, host: &str) -> Vec<Key> {
        let mut keys: Vec<Key> =
            self.hosts.remove(host).into_iter().flatten().flatten().map(|entry| entry.key).collect();
        let aside: Vec<Key> = self.aside.keys().filter(|key| key.1 == host).cloned().collect();
        for key in &aside {
            self.aside.remove(key);
        }
        keys.extend(aside);
        keys.sort();
        keys
    }

    /// Every key, in `(rule, host)` order.
    pub fn keys(&self) -> Vec<Key> {
        self.iter().map(|(key, _)| key.clone()).collect()
    }

    /// Every state in `(rule, host)` order.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &State)> {
        let placed = self.sorted.iter().flat_map(move |slot| {
            self.hosts
                .values()
                .filter_map(move |slots| slots.get(*slot)?.as_ref().map(|entry| (&entry.key, &entry.state)))
        });
        Merged { a: placed.peekable(), b: self.aside.iter().peekable() }
    }

    /// Calls `each` on every state of a rule in the set, in `(rule, host)` order.
    pub fn for_each_placed(&mut self, mut each: impl FnMut(&Key, &mut State)) {
        for slot in &self.sorted {
            for slots in self.hosts.values_mut() {
                if let Some(Some(entry)) = slots.get_mut(*slot) {
                    each(&entry.key, &mut entry.state);
                }
            }
        }
    }

    /// The slot of rule `name`.
    fn slot(&self, name: &str) -> Option<usize> {
        let at = self.sorted.binary_search_by(|slot| self.names[*slot].as_str().cmp(name)).ok()?;
        Some(self.sorted[at])
    }

    /// A host's slots before it has a state.
    fn empty(&self) -> Vec<Option<Entry>> {
        std::iter::repeat_with(|| None).take(self.names.len()).collect()
    }
}

/// Two iterators in key order, merged (the keys of one never equal the other's).
struct Merged<A: Iterator, B: Iterator> {
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<'a, A, B> Iterator for Merged<A, B>
where
    A: Iterator<Item = (&'a Key, &'a State)>,
    B: Iterator<Item = (&'a Key, &'a State)>,
{
    type Item = (&'a Key, &'a State);

    fn next(&mut self) -> Option<Self::Item> {
        match (self.a.peek(), self.b.peek()) {
            (Some(a), Some(b)) if b.0 < a.0 => self.b.next(),
            (Some(_), _) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulse_alerts::rules::Rules;

    fn set(names: &[&str]) -> RuleSet {
        let text: String = names
            .iter()
            .map(|name| {
                format!("[[rule]]\nname = \"{name}\"\nseries = \"cpu.total\"\nwarning_above = 90\nnotify = []\n\n")
            })
            .collect();
        RuleSet::merge(&Rules::parse(&text).expect("rules"), &[], &BTreeMap::new())
    }

    fn key(rule: &str, host: &str) -> Key {
        (rule.to_owned(), host.to_owned())
    }

    #[test]
    fn iterates_in_key_order_across_slots_and_aside_and_follows_a_new_set() {
        let keys = [key("b", "h2"), key("a", "h2"), key("zz", "h1"), key("b", "h1"), key("0", "h1"), key("c", "h1")];
        let mut table = Table::new(keys.iter().map(|key| (key.clone(), State::new(1))), &set(&["b", "a", "c"]));
        let mut sorted = keys.to_vec();
        sorted.sort();
        assert_eq!(table.keys(), sorted);
        let map: BTreeMap<Key, State> = keys.iter().map(|key| (key.clone(), State::new(1))).collect();
        assert!(table.iter().map(|(key, state)| (key.clone(), state.clone())).eq(map.into_iter()));
        let mut placed = Vec::new();
        table.for_each_placed(|key, _| placed.push(key.clone()));
        assert_eq!(placed, vec![key("a", "h2"), key("b", "h1"), key("b", "h2"), key("c", "h1")]);
        table.lay_out(&set(&["zz", "b"]));
        assert_eq!(table.keys(), sorted);
        assert!(table.contains_key(&key("zz", "h1")) && table.contains_key(&key("a", "h2")));
        assert_eq!(table.remove_host("h1"), vec![key("0", "h1"), key("b", "h1"), key("c", "h1"), key("zz", "h1")]);
        assert_eq!(table.remove(&key("a", "h2")), Some(State::new(1)));
        assert_eq!(table.keys(), vec![key("b", "h2")]);
        assert!(table.get_mut(&key("b", "h2")).is_some() && table.get_mut(&key("b", "h9")).is_none());
    }
}
