//! Each run's scratch directory under the system's temporary one, removed when the
//! run ends.

use std::path::PathBuf;

use crate::error::Result;

/// A directory of its own.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Makes `pulse-alerts-bench-NAME-PID-N` in the temporary directory.
    pub fn new(name: &str) -> Result<Scratch> {
        let path = std::env::temp_dir().join(format!(
            "pulse-alerts-bench-{name}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&path)?;
        Ok(Scratch { path })
    }

    /// A path inside it.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("PULSE_BENCH_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
