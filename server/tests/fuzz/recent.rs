//! The last few requests sent, to name what came before a server that stopped answering.

use std::collections::VecDeque;
use std::sync::Mutex;

/// How many requests are kept.
const KEEP: usize = 8;

/// How much of each request a report shows.
const SHOWN: usize = 300;

/// The last [`KEEP`] requests, oldest first.
#[derive(Default)]
pub struct Recent(Mutex<VecDeque<Vec<u8>>>);

impl Recent {
    /// Remembers `request`, forgetting the oldest beyond [`KEEP`].
    pub fn push(&self, request: &[u8]) {
        let mut recent = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if recent.len() == KEEP {
            recent.pop_front();
        }
        recent.push_back(request.to_vec());
    }
}

/// Each request as escaped bytes, cut at [`SHOWN`] bytes.
impl std::fmt::Debug for Recent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let recent = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let shown = |bytes: &Vec<u8>| {
            let cut = &bytes[..bytes.len().min(SHOWN)];
            let more = if cut.len() < bytes.len() { format!("… ({} bytes)", bytes.len()) } else { String::new() };
            format!("b\"{}\"{more}", cut.escape_ascii())
        };
        f.debug_list().entries(recent.iter().map(shown)).finish()
    }
}
