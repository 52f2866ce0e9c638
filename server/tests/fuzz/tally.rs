//! What the server answered, counted by kind, with the first request of each kind
//! as an example (printed after the run, so a reader sees what each answer came from).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Answers by kind: how many, and the first request that got one.
#[derive(Default)]
pub struct Tally(Mutex<BTreeMap<String, (u64, Vec<u8>)>>);

impl Tally {
    /// Counts one answer of `kind` to `request`.
    pub fn add(&self, kind: String, request: &[u8]) {
        let mut kinds = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kinds.entry(kind).or_insert_with(|| (0, request.to_vec())).0 += 1;
    }

    /// Prints one line per kind: `fuzz: NAME answered KIND ×N, e.g. b"…"` (examples cut at 160 bytes).
    pub fn print(&self, name: &str) {
        let kinds = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (kind, (count, example)) in kinds.iter() {
            let shown: Vec<u8> = example.iter().copied().take(160).collect();
            let more =
                if example.len() > shown.len() { format!("… ({} bytes)", example.len()) } else { String::new() };
            println!("fuzz: {name} answered {kind} ×{count}, e.g. b\"{}\"{more}", shown.escape_ascii());
        }
    }
}
