//! Writing a test's rules file.
#![allow(dead_code)]

use crate::support::TempDir;

/// Writes `text` as the rules file in `dir`; its path.
pub fn write_rules(dir: &TempDir, text: &str) -> String {
    std::fs::create_dir_all(&dir.0).expect("dir");
    let path = dir.0.join("alerts.toml");
    std::fs::write(&path, text).expect("write rules");
    path.to_str().expect("utf-8").to_owned()
}
