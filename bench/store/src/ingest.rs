//! placeholder
pub fn run(_: &std::collections::HashMap<String, String>) -> Result<(), String> {
    Err("not yet".into())
}
