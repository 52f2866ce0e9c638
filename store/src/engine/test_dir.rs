//! A scratch directory for the engine's tests.

use std::path::PathBuf;

/// A fresh directory under the system's temp dir, removed when dropped.
pub struct Dir(pub PathBuf);

impl Dir {
    /// A new empty directory named after `name` and this process.
    pub fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("pulse-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
