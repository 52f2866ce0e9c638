//! What a hub tells an observer of its frames, without knowing it: every frame,
//! once, as it is published (the hub's own host) or ingested (an agent's). The
//! alerts engine is the observer (`crate::alerts::tap`); the trait is the hub's, so
//! the arrow points from alerts to hub, as from persist to hub for [`super::Keeper`].
//! A watcher must return at once: it is called on the hub's path to every browser.

use std::sync::Arc;

use crate::history::SharedFrame;

/// An observer of one host's frames.
pub trait Watcher: Send + Sync {
    /// A frame was published; called once per frame, in seq order, without blocking.
    fn saw(&self, frame: &Arc<SharedFrame>);
}

/// Makes the watcher of each host, by host id (the fleet asks for one whenever it
/// makes a host's hub).
pub type Watchers = Arc<dyn Fn(&str) -> Arc<dyn Watcher> + Send + Sync>;
