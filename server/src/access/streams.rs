//! The open streams each credential holds, so that revoking it, signing out or its
//! expiry cuts them at once (the page then finds itself signed out). Only streams
//! are kept: a plain request ends by itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::listen::conn::Link;

/// The key under which anonymous streams of an open hub are kept: cut when the
/// hub gains its first user.
pub const OPEN: &str = "";

/// Streams by credential id.
#[derive(Debug, Default)]
pub struct Streams(Mutex<HashMap<String, Vec<Weak<Link>>>>);

impl Streams {
    /// Keeps `link` under `id`.
    pub fn hold(&self, id: &str, link: &Arc<Link>) {
        let mut map = self.lock();
        let links = map.entry(id.to_owned()).or_default();
        links.retain(|weak| weak.strong_count() > 0);
        links.push(Arc::downgrade(link));
    }

    /// Cuts every stream held under `id`; how many were open.
    pub fn cut(&self, id: &str) -> usize {
        let links = self.lock().remove(id).unwrap_or_default();
        links.iter().filter_map(Weak::upgrade).map(|link| link.cut()).count()
    }

    /// The ids holding streams now (forgetting those whose streams all ended).
    pub fn ids(&self) -> Vec<String> {
        let mut map = self.lock();
        map.retain(|_, links| {
            links.retain(|weak| weak.strong_count() > 0);
            !links.is_empty()
        });
        map.keys().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Vec<Weak<Link>>>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
